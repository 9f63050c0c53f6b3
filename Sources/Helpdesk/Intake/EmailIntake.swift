import Digest
import Foundation
import Incident
import MIME
import TicketStore

/// Storing one analysed email, inside the transaction `IntakePipeline` opened: the duplicate check, the message
/// and its attachments, threading (which ticket it refers to), then what `TicketWorkflow` decides, recorded by
/// `WorkflowRecorder`, and the raw bytes last.
///
/// Concurrency: synchronous, on the thread that holds the transaction.
struct EmailIntake {
    let pipeline: IntakePipeline
    let transaction: any TicketTransaction
    let email: IncomingEmail
    let source: MessageSource
    let now: Int64

    var workflow: TicketWorkflow { pipeline.workflow }

    func run() throws -> IngestOutcome {
        if try transaction.hasMessage(from: source) { return .duplicate }
        if try transaction.hasMessage(messageID: email.messageID, sha256: email.sha256) { return .duplicate }
        // The same email taken from another of our mailboxes: one ticket, one answer (`AuthorDigest` says why
        // the Message-ID alone is not enough).
        if let messageID = email.messageID, email.tooLarge == nil,
            let first = try transaction.inboundCopy(messageID: messageID, authorSHA256: email.authorSHA256)
        {
            let ticket = try first.ticketID.flatMap { try transaction.ticket(id: $0) }
            if let ticket, let key = source.mailbox {
                // Staff see on the ticket that the email came through both mailboxes.
                let name = pipeline.configuration.mailbox(sourceKey: key)?.name ?? key
                try pipeline.recorder.record(
                    workflow.copyReceived(on: ticket, from: name), ticket: nil, messageID: first.messageID, now: now,
                    transaction)
            }
            return .copy(ref: ticket?.ref, mailbox: first.sourceMailbox)
        }
        let messageID = try storeMessage()
        try pipeline.checkpoint("message-stored")
        let outcome = try process(messageID: messageID)
        // The raw email goes in last. SQLite rewrites a whole row when any column of it changes, so filing the
        // message on its ticket after the bytes were in would write them (and, with secure_delete, zeros over
        // the old copy) a second time.
        try transaction.storeRaw(email.raw, messageID: messageID)
        return outcome
    }

    /// Threads, files and answers the stored message.
    private func process(messageID: Int64) throws -> IngestOutcome {
        let recorder = pipeline.recorder
        // Spam never looks for its ticket: it is filed on none.
        let match = email.report.automated == .spam ? TicketMatch(ticket: nil) : try self.match()
        let envelope = email.content.envelope
        let addressing = WorkflowRecorder.Addressing(
            recipient: email.sender, inReplyTo: envelope.messageID, references: envelope.references,
            mailbox: source.mailbox)
        let staff = email.report.automated == nil ? try staffSender() : nil
        switch workflow.route(email, match: match, staff: staff) {
        case .spam(let verdict):
            try recorder.record(
                PlannedEvent(.spamReceived, verdict, on: .none, aboutMessage: true), ticket: nil, messageID: messageID,
                now: now, transaction)
            return .automated(reason: AutomatedReason.spam.rawValue, ref: nil)
        case .machineMail(let reason, let ticket):
            // Machine mail is kept with the ticket it refers to, and never answered.
            if let id = ticket?.id { try transaction.file(messageID: messageID, onTicket: id) }
            try recorder.record(
                workflow.machineMail(reason, on: ticket), ticket: nil, messageID: messageID, now: now, transaction)
            return .automated(reason: reason.rawValue, ref: ticket?.ref)
        case .tooLargeReply(let ticket):
            let stored = try recorder.record(
                workflow.tooLargeReply(email, to: ticket), messageID: messageID, addressing: addressing, now: now,
                in: transaction)
            return .updated(ref: stored.ref, status: stored.status)
        case .reply(let ticket):
            let current = try transaction.currentFieldValues(ticketID: ticket.id!).mapValues(\.value)
            let stored = try recorder.record(
                workflow.reply(email, to: ticket, current: current, now: now), messageID: messageID,
                addressing: addressing, now: now, in: transaction)
            return .updated(ref: stored.ref, status: stored.status)
        case .newTicket(let reason):
            let number = try transaction.nextTicketNumber()
            let stored = try recorder.record(
                workflow.open(email, number: number, reason: reason, now: now), messageID: messageID,
                addressing: addressing, now: now, in: transaction)
            return .created(ref: stored.ref, status: stored.status)
        case .staffEmail(let mail, let staff, let ticket):
            return try carryOut(mail, by: staff, on: ticket, messageID: messageID)
        case .staffOpen(let staff, let customer):
            // The forwarded email is the customer's report; the ticket is theirs, and the acknowledgement theirs.
            var forwarded = email
            forwarded.report.reporter = customer
            forwarded.report.author = customer
            let number = try transaction.nextTicketNumber()
            var decision = workflow.open(forwarded, number: number, now: now)
            decision.ticket.copiedAddresses = ""
            decision.events.append(
                PlannedEvent(.staffEmail, "opened by \(staff.name) from a forwarded email", aboutMessage: true))
            let stored = try recorder.record(
                decision, messageID: messageID,
                addressing: WorkflowRecorder.Addressing(
                    recipient: forwarded.sender, inReplyTo: nil, references: [], mailbox: source.mailbox),
                now: now, in: transaction)
            return .staff(result: "opened", ref: stored.ref)
        case .staffRejected(let staff, let ticket, let reason):
            try recorder.queueStaffBounce(
                to: staff.address, ticket: ticket, reason: "\(staff.name): \(reason)", kind: .staffEmailRejected,
                email: email, messageID: messageID, now: now, transaction)
            return .staff(result: "bounced", ref: ticket?.ref)
        case .staffCollision(let staff, let ticket, let other):
            try recorder.queueStaffBounce(
                to: staff.address, ticket: ticket,
                reason:
                    "\(staff.name): \(other) already answered the customer from this notification; yours was not sent",
                kind: .staffEmailCollision, email: email, messageID: messageID, now: now, transaction)
            return .staff(result: "collision", ref: ticket.ref)
        }
    }

    // MARK: Staff email

    /// The staff member whose registered address is this email's author (From, or the one unambiguous author),
    /// with the ticket a valid staff token in its references names; nil for anyone else.
    private func staffSender() throws -> StaffSender? {
        let report = email.report
        let candidates = [report.author?.identity, report.reporter?.identity].compactMap { $0 }
        guard !candidates.isEmpty else { return nil }
        guard
            let member = try transaction.staffMembers().first(where: { member in
                !member.disabled && !member.email.isEmpty
                    && candidates.contains(MailAddress(name: nil, address: member.email).identity ?? member.email)
            })
        else { return nil }
        var sender = StaffSender(
            name: member.name, address: MailAddress(name: nil, address: member.email).identity ?? member.email)
        let envelope = email.content.envelope
        for id in envelope.inReplyTo + envelope.references.reversed() {
            guard let reference = pipeline.signer.verifyStaffToken(id),
                let ticket = try transaction.ticket(ref: reference.description)
            else { continue }
            sender.tokenTicket = ticket
            sender.token = id
            let prefix = "answered notification \(id) by "
            sender.answeredBy = try transaction.events(ticketID: ticket.id!).first {
                $0.kind == .staffEmail && $0.detail.hasPrefix(prefix)
            }.map { String($0.detail.dropFirst(prefix.count).prefix { $0 != ":" }) }
            break
        }
        return sender
    }

    /// Carries out a staff member's email on `ticket`: each action decided in turn on the ticket as the one
    /// before left it, all recorded — or, when one cannot be carried out, none, and the member is told why.
    private func carryOut(
        _ mail: StaffMail, by staff: StaffSender, on ticket: TicketRecord, messageID: Int64
    ) throws -> IngestOutcome {
        var decisions: [TicketDecision] = []
        var current = ticket
        do {
            for action in mail.actions {
                if case .assign(let name?) = action, try transaction.staffMember(name: name) == nil {
                    throw StaffActionError(.unknownValue, "no staff member \(name)")
                }
                guard let decision = try workflow.decide(action, on: current, by: staff.name, at: now) else { continue }
                decisions.append(decision)
                current = decision.ticket
            }
        } catch let error as StaffActionError {
            try pipeline.recorder.queueStaffBounce(
                to: staff.address, ticket: ticket, reason: "\(staff.name): \(error.description)",
                kind: .staffEmailRejected, email: email, messageID: messageID, now: now, transaction)
            return .staff(result: "bounced", ref: ticket.ref)
        }
        let names = mail.actions.map(\.name).joined(separator: ", ")
        // Who answered which notification: a second member answering the same one is a collision (`staffSender`).
        let answered = mail.answersCustomer ? "answered notification \(staff.token ?? "") by \(staff.name): " : ""
        try pipeline.recorder.record(
            PlannedEvent(
                .staffEmail, answered.isEmpty ? "by \(staff.name): \(names)" : answered + names, aboutMessage: true),
            ticket: ticket.id, messageID: messageID, now: now, transaction)
        let addressing =
            decisions.contains { $0.answer != nil } ? try StaffDesk.addressing(ticket, in: transaction) : nil
        var stored = ticket
        for decision in decisions {
            stored = try pipeline.recorder.record(
                decision, messageID: messageID, addressing: addressing, now: now, in: transaction)
        }
        return .staff(result: names.isEmpty ? "nothing to do" : names, ref: stored.ref)
    }

    // MARK: Message

    /// Stores the message (without its raw bytes: `run()` writes them at the end, by themselves, without copies
    /// — a large email would otherwise need three) and its attachments; returns the message's row id.
    private func storeMessage() throws -> Int64 {
        let envelope = email.content.envelope
        let report = email.report
        var record = MessageRecord(
            id: nil, ticketId: nil, direction: .inbound, messageID: envelope.messageID,
            inReplyTo: envelope.inReplyTo.joined(separator: " "),
            referenceIDs: envelope.references.joined(separator: " "),
            fromAddress: email.sender, subject: report.subject ?? "", automated: report.automated?.rawValue,
            sourceMailbox: nil, sourceUIDValidity: nil, sourceUID: nil, sourcePath: nil, sha256: email.sha256,
            authorSHA256: email.authorSHA256, raw: Data(),
            defects: email.content.defects.map(\.description).joined(separator: "\n"),
            receivedAt: now)
        record.setSource(source)
        let screenshots = Dictionary(report.screenshots.map { ($0.part, $0) }, uniquingKeysWith: { first, _ in first })
        let attachments = email.content.attachments.map { attachment in
            let shot = screenshots[attachment.part]
            let sha = SHA256.hex(attachment.bytes)
            return StoredAttachment(
                sha256: sha, contentType: attachment.detectedType ?? attachment.contentType, bytes: attachment.bytes,
                link: MessageAttachmentRecord(
                    id: nil, messageId: 0, sha256: sha, part: attachment.path, filename: attachment.filename,
                    declaredType: attachment.contentType, isScreenshot: shot != nil,
                    width: shot.map { Int64($0.width) }, height: shot.map { Int64($0.height) }, takenAt: shot?.takenAt))
        }
        return try transaction.insertMessage(record, attachments: attachments).id!
    }

    // MARK: Threading

    /// The ticket this email refers to: our signed Message-IDs in In-Reply-To/References first, then stored
    /// messages it refers to, then the reference in the subject.
    private func match() throws -> TicketMatch {
        let envelope = email.content.envelope
        let referenced = (envelope.inReplyTo + envelope.references.reversed())
        var forged = false
        for id in referenced {
            if let staffToken = pipeline.signer.verifyStaffToken(id) {
                // A notification's id: someone replied to a notification (a staff member, or a stranger it reached).
                if let ticket = try transaction.ticket(ref: staffToken.description) {
                    return TicketMatch(ticket: ticket)
                }
            } else if let verified = pipeline.signer.verify(id) {
                if let ticket = try transaction.ticket(ref: verified.ticket.description) {
                    return TicketMatch(ticket: ticket)
                }
            } else if pipeline.signer.looksLikeOurs(id) {
                forged = true
            }
        }
        if !forged, let ticketID = try transaction.ticketID(ofNewestMessageAmong: referenced),
            let ticket = try transaction.ticket(id: ticketID)
        {
            return TicketMatch(ticket: ticket)
        }
        if let reference = email.report.ticketReference,
            let ticket = try transaction.ticket(ref: reference.description)
        {
            return TicketMatch(ticket: ticket, forgedReference: forged)
        }
        return TicketMatch(ticket: nil, forgedReference: forged)
    }
}
