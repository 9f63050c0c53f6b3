/// The answers helpdeskd sends: automatic ones, and staff's own text in a template. The raw value names the template (`<raw value>.mustache`).
public enum AnswerKind: String, Sendable, CaseIterable, Codable {
    /// A complete report was registered.
    case acknowledgement
    /// A report lacks required data: the answer asks for exactly the missing fields.
    case informationRequest = "information-request"
    /// A reporter's reply completed a suspended ticket, which is now worked on again.
    case resumed
    /// A password-reset request: the answer points to the reset page.
    case passwordReset = "password-reset"
    /// The message was larger than the mailbox limit and could not be read.
    case tooLarge = "too-large"
    /// Staff answer the reporter in their own words (the web workspace, `tickets reply`).
    case reply
    /// The ticket is resolved: staff's summary of the work done.
    case resolution

    /// Whether a person wrote the answer's text: such answers are not marked as automatic replies.
    public var isWrittenByStaff: Bool { self == .reply || self == .resolution }
}
