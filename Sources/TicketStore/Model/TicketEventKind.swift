/// What an entry of a ticket's audit trail (`EventRecord`) says happened: one list, so a reader of the trail,
/// a filter or a second backend knows every kind there is. The raw value is what is stored and shown.
public enum TicketEventKind: String, Sendable, Codable, CaseIterable {
    // Intake: a ticket's life (decided by `TicketWorkflow`).
    /// A report opened the ticket (detail: severity, category).
    case created
    /// The ticket waits for the reporter (detail: the missing fields).
    case suspended
    /// A password request, answered with the reset instructions.
    case redirected
    /// The reporter's reply completed a suspended ticket.
    case resumed
    /// The reporter wrote again on a resolved ticket.
    case reopened
    /// The reporter now says they cannot work at all: the critical target applies.
    case escalated
    /// A reply from the ticket's author was filed on it (detail: the fields it changed).
    case informationReceived = "information-received"
    /// A value in force was replaced (detail: the field).
    case fieldChanged = "field-changed"
    /// A new ticket for the author of a closed one (detail: which).
    case followUp = "follow-up"
    /// Someone who may not act on the ticket wrote to it; they got a ticket of their own.
    case replyFromStranger = "reply-from-stranger"
    /// The author is ambiguous or failed sender authentication; they got a ticket of their own.
    case replyNotTrusted = "reply-not-trusted"
    /// On the new ticket: the one the email referred to belongs to someone else.
    case openedInsteadOfUpdate = "opened-instead-of-update"
    /// The email referred to one of our Message-IDs with a signature that does not verify.
    case forgedReference = "forged-reference"
    /// Sender authentication failed: this ticket can never act on another.
    case unauthenticated
    /// The email was over the size limit; only its header section was read.
    case tooLarge = "too-large"
    /// Machine mail (bounce, auto-reply, list) filed here, never answered.
    case automatedMailReceived = "automated-mail-received"
    /// The trusted MTA said spam: kept on no ticket, never answered.
    case spamReceived = "spam-received"
    /// The pipeline could not take the email (detail: why); it went to the quarantine folder.
    case quarantined
    /// The email that opened or updated the ticket arrived again through another of our mailboxes (To one, Cc the
    /// other; detail: that mailbox): not stored again, not answered again.
    case copyReceived = "copy-received"

    // Staff (decided by `TicketWorkflow`; detail: who, and what).
    case resolved
    case closed
    /// Staff emailed the reporter (detail: who).
    case staffReplied = "staff-replied"
    /// An internal note, never emailed (detail: who, then the note).
    case note
    /// Staff asked the reporter for data (detail: the fields, who).
    case informationRequested = "information-requested"
    /// The ticket was given to someone, or to nobody (detail: to whom, by whom).
    case assigned
    case severityChanged = "severity-changed"
    case categoryChanged = "category-changed"
    /// A staff member's email acted on the ticket (detail: who, the notification answered, the actions).
    case staffEmail = "staff-email"
    /// An email from a staff member's address was not acted on; they got a bounce (detail: why).
    case staffEmailRejected = "staff-email-rejected"
    /// A second staff member answered a notification another had answered already: not sent (detail: who).
    case staffEmailCollision = "staff-email-collision"
    /// The team was told that the ticket nears or passed its SLA due time (detail: the percentage, the due time).
    case slaWarning = "sla-warning"
    /// Someone looked at a ticket's personal data: its page or one of its files (detail: what, who).
    case personalDataViewed = "personal-data-viewed"

    // Answers (the outbox and the relay).
    case answerQueued = "answer-queued"
    case answerSuppressed = "answer-suppressed"
    case answerSent = "answer-sent"
    case answerRetrying = "answer-retrying"
    case answerFailed = "answer-failed"

    // Personal data.
    /// The retention period deleted what expired (on no ticket; detail: counts).
    case retentionPurged = "retention-purged"
    /// A data subject's data was erased (on no ticket; detail: counts and the address's SHA-256).
    case subjectErased = "subject-erased"
    /// On a ticket kept for others: what the erasure took out of it.
    case subjectScrubbed = "subject-scrubbed"
}
