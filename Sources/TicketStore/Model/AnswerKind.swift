/// The automatic answers helpdeskd sends. The raw value names the template (`<raw value>.mustache`).
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
}
