public import Incident
import TicketStore

extension AnswerTemplates {
    /// Our answers as the extractor needs to know them: every template's text, every field prompt, and how we
    /// sign, so that a customer who answers between the lines of our quoted request is read (`OwnAnswerText`).
    public func ownAnswerText(identity: HelpdeskConfiguration.Identity, prompts: [String] = []) -> OwnAnswerText {
        let texts =
            AnswerKind.allCases.compactMap { sources[$0] } + AnswerText.builtInPrompts.values.map { "- " + $0 }
            + prompts.map { "- " + $0 }
        // A generic name ("Helpdesk") would take other helpdesks' quotes for ours; the address never does.
        let name = identity.name.count >= 10 && identity.name.contains(" ") ? [identity.name] : []
        let readBack = [IncidentField.sessionID, .userID, .server, .detectedAt].map { ReadBack.what($0) + ":" }
        return OwnAnswerText(
            texts: texts + [identity.name], marks: [identity.address] + name, prompts: AnswerText.builtInPrompts,
            linePrefixes: readBack)
    }
}

extension HelpdeskConfiguration {
    /// The incident profile extraction uses: the configured one, knowing our answers' text (`templates`, the
    /// built-in ones unless given).
    public func extractionProfile(templates: AnswerTemplates = AnswerTemplates()) -> IncidentProfile {
        var profile = self.profile
        profile.ownAnswers = templates.ownAnswerText(
            identity: identity, prompts: profile.customFields.map(\.prompt))
        return profile
    }
}
