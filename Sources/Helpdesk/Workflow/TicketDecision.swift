public import Incident
public import MIME
public import TicketStore

// What `TicketWorkflow` decides, as plain values: the writers (`WorkflowRecorder` in a store transaction) carry
// them out, and the workflow's tests read them without any store.

/// Where an inbound email goes (`TicketWorkflow.route`).
public enum IntakeRoute: Sendable, Equatable {
    /// The trusted MTA's spam verdict: kept for staff on no ticket, never a ticket, never answered.
    case spam(verdict: String)
    /// Machine mail (bounce, auto-reply, list…): filed on the ticket it refers to, if any, never answered.
    case machineMail(AutomatedReason, ticket: TicketRecord?)
    /// An email over the size limit from the ticket's own author: filed on it and told the limit.
    case tooLargeReply(TicketRecord)
    /// The author's reply to their open, suspended, redirected or resolved ticket.
    case reply(TicketRecord)
    /// A new ticket, and why the email did not go to the one it referred to.
    case newTicket(NewTicketReason)
    /// A staff member's authenticated reply to a notification about `ticket` (its staff token verified): the
    /// commands and text become `StaffAction`s, decided by `decide` one after the other.
    case staffEmail(StaffMail, by: StaffSender, ticket: TicketRecord)
    /// A staff member forwarded a customer's email with `#open`: a new ticket for that customer.
    case staffOpen(by: StaffSender, customer: MailAddress)
    /// An email from a staff address that is not carried out: the member gets a short bounce saying why.
    case staffRejected(by: StaffSender, ticket: TicketRecord?, reason: String)
    /// Another member already answered the customer from the same notification: recorded, not sent.
    case staffCollision(by: StaffSender, ticket: TicketRecord, answeredBy: String)
}

/// Why an email opens a ticket of its own.
public enum NewTicketReason: Sendable, Equatable {
    /// It refers to no ticket.
    case report
    /// Its author's ticket is closed: a follow-up opens a new one.
    case followUp(closed: TicketRecord)
    /// It refers to someone else's ticket, or its author is ambiguous or unauthenticated (`whyNotTrusted`).
    case notTheAuthor(of: TicketRecord, whyNotTrusted: String?)
    /// It refers to one of our Message-IDs whose signature does not verify.
    case forgedReference
}

/// What happens to one ticket: its new state, the values and events to record, and the answer to queue.
public struct TicketDecision: Sendable, Equatable {
    /// The ticket after the change (`id` nil: a new ticket, to be stored).
    public var ticket: TicketRecord
    /// File the email being handled on this ticket.
    public var filesMessage = false
    /// Field values to record, in order, each with the value it replaces (recorded as `field-changed`).
    public var fields: [FieldUpdate] = []
    /// How each field's new value was read from the email (`FieldValueRecord.source`), by field key.
    public var fieldSources: [String: String] = [:]
    /// Audit-trail entries, in order, before the answer's own (`answer-queued` or `answer-suppressed`).
    public var events: [PlannedEvent] = []
    /// The automatic answer to queue (the caps may still suppress it); `ticket.answersSent` counts it already.
    public var answer: AnswerKind?
    /// Text staff wrote for the answer (a reply, a resolution summary): the body of the email.
    public var answerText: String?
    /// Audit-trail entries after the answer's (links between a new ticket and the one it was not filed on).
    public var eventsAfterAnswer: [PlannedEvent] = []
    /// Values the email supplied from prose or by their shape rather than after a label, shown back in the answer
    /// so the reporter can correct a misreading (only in answers about the report itself).
    public var readBack: [FieldUpdate] = []
    /// What to tell the support team (`[staff]`), if anything: a notification to the team address.
    public var notification: NotificationEvent?
    /// The customer's own words for the notification (the email's text without quotes and signature).
    public var customerText = ""

    public init(ticket: TicketRecord) { self.ticket = ticket }

    /// The fields whose value changed, in order (an `information-received` event lists them).
    public var changedFields: [String] { fields.map(\.field) }
}

/// One value for a ticket's field, with the value in force it replaces.
public struct FieldUpdate: Sendable, Equatable {
    public var field: String
    public var value: String
    /// The value it replaces, nil when the field had none.
    public var replacing: String?
    /// Whether OCR read it from a screenshot (the answer's read-back says so).
    public var fromScreenshot = false

    public init(field: String, value: String, replacing: String? = nil) {
        self.field = field
        self.value = value
        self.replacing = replacing
    }
}

/// An audit-trail entry to record.
public struct PlannedEvent: Sendable, Equatable {
    /// Which ticket the entry goes on.
    public enum Target: Sendable, Equatable {
        /// The ticket the decision is about.
        case decided
        /// Another ticket (the one an email referred to, but was not filed on).
        case other(TicketRecord)
        /// No ticket (spam, quarantine).
        case none
    }

    public var kind: TicketEventKind
    public var detail: String
    public var target: Target
    /// Link the entry to the email being handled.
    public var aboutMessage: Bool

    public init(
        _ kind: TicketEventKind, _ detail: String = "", on target: Target = .decided, aboutMessage: Bool = false
    ) {
        self.kind = kind
        self.detail = detail
        self.target = target
        self.aboutMessage = aboutMessage
    }
}

/// What staff can do to a ticket, from the command line, the web workspace and staff email (`StaffMail`). Each goes
/// through `TicketWorkflow.decide(_:on:by:at:)` and is recorded by `WorkflowRecorder`; a new action is a new
/// case here and a branch there.
public enum StaffAction: Sendable, Equatable {
    /// Emails `text` to the reporter (an answer of kind `reply`, threaded to their newest message).
    case reply(String)
    /// An internal note on the audit trail: never emailed.
    case note(String)
    /// Asks the reporter for these fields (keys): the ticket waits (`suspended`, clock stopped) and the reporter
    /// gets an information request naming them.
    case askForData([String])
    /// Gives the ticket to a staff member (nil: to nobody).
    case assign(String?)
    case setSeverity(Severity)
    case setCategory(String)
    /// Marks the ticket resolved: the SLA clock stops; a reply from its author reopens it.
    case resolve
    /// `resolve`, and emails `summary` to the reporter (an answer of kind `resolution`): the policy promises an
    /// email summary of the work done.
    case resolveWithSummary(String)
    /// Closes the ticket for good: a reply from its author opens a follow-up ticket.
    case close
    /// Opens a resolved ticket again: the clock starts afresh.
    case reopen

    /// The action in one word, for the audit trail ("reply", "severity critical").
    public var name: String {
        switch self {
        case .reply: "reply"
        case .note: "note"
        case .askForData(let fields): "ask " + fields.joined(separator: ",")
        case .assign(let name): "assign " + (name ?? "nobody")
        case .setSeverity(let severity): "severity " + severity.rawValue
        case .setCategory(let category): "category " + category
        case .resolve: "resolve"
        case .resolveWithSummary: "resolve with summary"
        case .close: "close"
        case .reopen: "reopen"
        }
    }

    /// The status the action leads to, nil when it keeps the status.
    public var status: TicketStatus? {
        switch self {
        case .resolve, .resolveWithSummary: .resolved
        case .close: .closed
        case .reopen: .open
        case .askForData: .suspended
        case .reply, .note, .assign, .setSeverity, .setCategory: nil
        }
    }
}

/// Why a staff action could not be carried out, with a `code` to switch on.
public struct StaffActionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// No ticket has this reference.
        case noSuchTicket
        /// The ticket is closed: nothing may change it any more.
        case ticketClosed
        /// The action needs text (a reply, a note, a summary) and got none.
        case emptyText
        /// The action does not apply to a ticket in this status (reopen an open ticket, ask on a redirected one).
        case notApplicable
        /// A field, staff member or category that does not exist.
        case unknownValue
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
