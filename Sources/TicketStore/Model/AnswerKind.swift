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
    /// To the support team (`[staff] team_address`), never to a customer: a ticket opened or resumed, or its SLA
    /// due time near or past; the triaged summary with the screenshots attached (`NotificationComposer`).
    case notification
    /// To one staff member: why their email to the helpdesk was not acted on (`NotificationComposer`).
    case staffBounce = "staff-bounce"

    /// Whether a person wrote the answer's text: such answers are not marked as automatic replies.
    public var isWrittenByStaff: Bool { self == .reply || self == .resolution }
    /// Whether the answer goes to staff, not to a customer: the answer caps do not count it, no template renders it.
    public var isToStaff: Bool { self == .notification || self == .staffBounce }
    /// The kinds rendered from a template (`<raw value>.mustache`): everything a customer receives.
    public static var templated: [AnswerKind] { allCases.filter { !$0.isToStaff } }
}
