import Foundation
import Incident
import MIME
import TicketStore

/// Carries out what `TicketWorkflow` decided, inside a store transaction the caller opened: the ticket's new
/// state, its field values and audit trail, and the answer — composed, checked against the caps and queued.
/// Every writer of tickets records through it, so "what a decision does to the store" is written once.
///
/// Concurrency: synchronous; it runs on whatever thread holds the transaction.
struct WorkflowRecorder {
    let workflow: TicketWorkflow
    let answers: AnswerComposer
    /// Tests only: called at named points inside the transaction; throwing there simulates a crash.
    let checkpoint: @Sendable (String) throws -> Void

    var configuration: HelpdeskConfiguration { workflow.configuration }

    /// Who an answer goes to and what it answers.
    struct Addressing {
        /// The address as stored and answered (`IncomingEmail.sender`).
        var recipient: String
        /// The Message-ID and References of the email answered.
        var inReplyTo: String?
        var references: [String]
        /// The mailbox the email answered came from (`MessageRecord.sourceMailbox`, a `Mailbox.sourceKey`): the
        /// answer is sent from that mailbox's address. Nil (or a mailbox no longer configured): the helpdesk's.
        var mailbox: String? = nil
    }

    /// Records `decision` in `transaction`; `messageID` is the stored email the decision is about (filed on the
    /// ticket, linked from events), `addressing` who its answer goes to. Returns the ticket as stored.
    @discardableResult
    func record(
        _ decision: TicketDecision, messageID: Int64?, addressing: Addressing?, now: Int64,
        in transaction: any TicketTransaction
    ) throws -> TicketRecord {
        var ticket = decision.ticket
        if ticket.id == nil {
            ticket = try transaction.insert(ticket)
            try checkpoint("ticket-created")
        } else {
            try transaction.update(ticket)
        }
        let ticketID = ticket.id!
        if decision.filesMessage, let messageID { try transaction.file(messageID: messageID, onTicket: ticketID) }
        for update in decision.fields {
            try transaction.setField(
                update.field, to: update.value, source: decision.fieldSources[update.field] ?? "", ticketID: ticketID,
                messageID: messageID, at: now)
            if update.replacing != nil {
                try transaction.record(
                    EventRecord(
                        ticketId: ticketID, messageId: messageID, at: now, kind: .fieldChanged, detail: update.field))
            }
        }
        try checkpoint("fields-recorded")
        for event in decision.events {
            try record(event, ticket: ticketID, messageID: messageID, now: now, transaction)
        }
        if let kind = decision.answer, let addressing {
            try queueAnswer(
                kind, for: ticket, readBack: decision.readBack, text: decision.answerText, addressing: addressing,
                now: now, transaction)
        }
        for event in decision.eventsAfterAnswer {
            try record(event, ticket: ticketID, messageID: messageID, now: now, transaction)
        }
        if let event = decision.notification, configuration.staff.notifies {
            try queueNotification(event, on: ticket, customerText: decision.customerText, now: now, transaction)
        }
        return ticket
    }

    // MARK: Mail to staff

    /// Composes and queues a notification to the team (`[staff] team_address`): the ticket as stored now, its
    /// fields with their sources, the customer's text and the ticket's screenshots (up to the size cap). Never
    /// suppressed by the answer caps, which protect customers.
    func queueNotification(
        _ event: NotificationEvent, on ticket: TicketRecord, customerText: String, now: Int64,
        _ transaction: any TicketTransaction
    ) throws {
        let ticketID = ticket.id!
        let values = try transaction.currentFieldValues(ticketID: ticketID)
        var fields: [NotificationRequest.Field] = []
        for (key, record) in values.sorted(by: { $0.key < $1.key }) {
            var value = record.value
            if key == IncidentField.screenshots.key {
                value = "\(value.split(separator: " ").count) (attached below)"
            }
            fields.append(NotificationRequest.Field(key: key, value: value, source: record.source))
        }
        var screenshots: [NotificationRequest.Screenshot] = []
        var leftOut: [String] = []
        var budget = configuration.staff.maxAttachmentBytes
        let messages = try transaction.messageIDs(onTickets: [ticketID])
        var seen: Set<String> = []
        for link in try transaction.attachmentLinks(messageIDs: messages)
        where link.isScreenshot && seen.insert(link.sha256).inserted {
            guard let stored = try transaction.attachment(sha256: link.sha256) else { continue }
            guard stored.bytes.count <= budget else {
                leftOut.append(link.filename ?? String(link.sha256.prefix(12)))
                continue
            }
            budget -= stored.bytes.count
            screenshots.append(
                NotificationRequest.Screenshot(
                    filename: link.filename, contentType: stored.contentType, bytes: [UInt8](stored.bytes)))
        }
        let sequence = try transaction.answerCount(kind: .notification, ticketID: ticketID, since: 0) + 1
        var request = NotificationRequest(
            event: event, ticket: ticket, fields: fields, customerText: customerText, screenshots: screenshots,
            sequence: sequence, now: now)
        request.screenshotsLeftOut = leftOut
        let composed: ComposedAnswer
        do {
            composed = try NotificationComposer(answers: answers).notification(
                request, to: configuration.staff.teamAddress)
        } catch {
            try transaction.record(
                EventRecord(
                    ticketId: ticketID, at: now, kind: .answerSuppressed,
                    detail: "notification: cannot compose: \(error)"))
            return
        }
        try queueStaffMail(composed, kind: .notification, ticketID: ticketID, now: now, transaction)
    }

    /// Queues a bounce to a staff member whose email (`messageID`, the stored row; `email` as received) was not
    /// carried out, and records why on the ticket it was about (or on none).
    func queueStaffBounce(
        to address: String, ticket: TicketRecord?, reason: String, kind: TicketEventKind, email: IncomingEmail,
        messageID: Int64, now: Int64, _ transaction: any TicketTransaction
    ) throws {
        try transaction.record(
            EventRecord(ticketId: ticket?.id, messageId: messageID, at: now, kind: kind, detail: reason))
        let composed: ComposedAnswer
        do {
            composed = try NotificationComposer(answers: answers).bounce(
                to: address, ticket: ticket?.ref, reason: reason, inReplyTo: email.messageID,
                references: email.content.envelope.references, emailSHA256: email.sha256, now: now)
        } catch {
            try transaction.record(
                EventRecord(
                    ticketId: ticket?.id, at: now, kind: .answerSuppressed,
                    detail: "staff-bounce: cannot compose: \(error)"))
            return
        }
        try queueStaffMail(composed, kind: .staffBounce, ticketID: ticket?.id, now: now, transaction)
    }

    private func queueStaffMail(
        _ composed: ComposedAnswer, kind: AnswerKind, ticketID: Int64?, now: Int64, _ transaction: any TicketTransaction
    ) throws {
        _ = try transaction.queue(
            OutboxRecord(
                id: nil, ticketId: ticketID, kind: kind, recipient: composed.recipient, subject: composed.subject,
                messageID: composed.messageID, raw: Data(composed.raw), status: .queued, attempts: 0,
                nextAttemptAt: now, lastError: nil, createdAt: now, sentAt: nil))
        try transaction.record(EventRecord(ticketId: ticketID, at: now, kind: .answerQueued, detail: kind.rawValue))
    }

    /// Appends one planned event to the audit trail.
    func record(
        _ event: PlannedEvent, ticket: Int64?, messageID: Int64?, now: Int64, _ transaction: any TicketTransaction
    ) throws {
        let target: Int64?
        switch event.target {
        case .decided: target = ticket
        case .other(let other): target = other.id
        case .none: target = nil
        }
        try transaction.record(
            EventRecord(
                ticketId: target, messageId: event.aboutMessage ? messageID : nil, at: now, kind: event.kind,
                detail: event.detail))
    }

    /// Composes and queues an answer, or records why it is withheld (rate caps, our own address, an address no
    /// header can carry). A withheld answer is still stored (`suppressed`), with the reason.
    private func queueAnswer(
        _ kind: AnswerKind, for ticket: TicketRecord, readBack: [FieldUpdate] = [], text: String? = nil,
        addressing: Addressing, now: Int64, _ transaction: any TicketTransaction
    ) throws {
        let recipient = addressing.recipient
        let suppressedBecause = try workflow.suppression(
            of: kind, to: recipient, ticketID: ticket.id!, now: now, history: StoreAnswerHistory(snapshot: transaction))
        var prompts: [IncidentField: String] = [:]
        for custom in configuration.profile.customFields { prompts[custom.field] = custom.prompt }
        let composed: ComposedAnswer
        do {
            composed = try answers.compose(
                AnswerRequest(
                    kind: kind,
                    ticket: TicketReference(
                        parsing: Substring(ticket.ref), prefix: configuration.identity.ticketPrefix)!,
                    subject: ticket.subject, recipient: MailAddress(name: ticket.reporterName, address: recipient),
                    inReplyTo: addressing.inReplyTo, references: addressing.references,
                    sequence: Int(ticket.answersSent), now: now, due: ticket.dueAt, severity: ticket.severity,
                    missing: ticket.missingFields.map { IncidentField($0) }, fieldPrompts: prompts,
                    passwordResetURL: configuration.passwordResetURL.isEmpty ? nil : configuration.passwordResetURL,
                    sizeLimit: Int64(configuration.imap.maxMessageSize),
                    readBack: readBack.map { (IncidentField($0.field), $0.value) }, text: text,
                    fromScreenshots: Set(readBack.filter(\.fromScreenshot).map { IncidentField($0.field) }),
                    sender: configuration.answerSender(mailbox: addressing.mailbox)))
        } catch {
            // An address we cannot write a header for (or a similar refusal) means no answer, recorded;
            // the ticket itself is kept.
            try transaction.record(
                EventRecord(
                    ticketId: ticket.id, at: now, kind: .answerSuppressed,
                    detail: "\(kind.rawValue): cannot compose: \(error)"))
            return
        }
        try checkpoint("answer-composed")
        _ = try transaction.queue(
            OutboxRecord(
                id: nil, ticketId: ticket.id, kind: kind, recipient: recipient, subject: composed.subject,
                messageID: composed.messageID, raw: Data(composed.raw),
                status: suppressedBecause == nil ? .queued : .suppressed,
                attempts: 0, nextAttemptAt: now, lastError: suppressedBecause, createdAt: now, sentAt: nil))
        try checkpoint("answer-queued")
        if let suppressedBecause {
            try transaction.record(
                EventRecord(
                    ticketId: ticket.id, at: now, kind: .answerSuppressed,
                    detail: "\(kind.rawValue): \(suppressedBecause)"))
        } else {
            try transaction.record(
                EventRecord(ticketId: ticket.id, at: now, kind: .answerQueued, detail: kind.rawValue))
        }
    }
}

extension HelpdeskConfiguration {
    /// Who answers mail taken from the mailbox with `sourceKey`: its `address` and `display_name`, each defaulting
    /// to the helpdesk's; nil when that is the helpdesk's identity anyway (the composer's own).
    func answerSender(mailbox sourceKey: String?) -> MailAddress? {
        guard let sourceKey, let mailbox = mailbox(sourceKey: sourceKey),
            !mailbox.address.isEmpty || !mailbox.displayName.isEmpty
        else { return nil }
        return MailAddress(
            name: mailbox.displayName.isEmpty ? identity.name : mailbox.displayName,
            address: mailbox.address.isEmpty ? identity.address : mailbox.address)
    }
}

/// The answers already made, as the store counts them inside the transaction.
struct StoreAnswerHistory: AnswerHistory {
    let snapshot: any TicketSnapshot

    func answerCount(toMailboxOf recipient: String, since: Int64) throws -> Int {
        try snapshot.answerCount(toMailboxOf: recipient, since: since)
    }
    func answerCount(toDomainOf recipient: String, since: Int64) throws -> Int {
        try snapshot.answerCount(toDomainOf: recipient, since: since)
    }
    func answerCount(since: Int64) throws -> Int { try snapshot.answerCount(since: since) }
    func answerCount(kind: AnswerKind, ticketID: Int64, since: Int64) throws -> Int {
        try snapshot.answerCount(kind: kind, ticketID: ticketID, since: since)
    }
}
