import Digest
import Foundation
import GRDB
import Incident
import MIME
public import TicketStore

/// Where an email came from: the duplicate check and the audit trail need to know.
public enum MessageSource: Sendable, Equatable {
    case imap(mailbox: String, uidValidity: Int64, uid: Int64)
    case file(path: String)
}

/// What the pipeline did with one email.
public enum IngestOutcome: Sendable, Equatable {
    /// Already stored (same IMAP position, or same Message-ID with the same bytes): nothing changed.
    case duplicate
    /// A new ticket was opened.
    case created(ref: String, status: TicketStatus)
    /// An existing ticket was updated by its reporter's reply.
    case updated(ref: String, status: TicketStatus)
    /// Machine mail: stored (on the ticket it refers to, if any) and never answered.
    case automated(reason: String, ref: String?)
}

/// The intake pipeline: one email in, one transaction out.
///
/// Parsing and extraction happen before the transaction (they are pure); then, atomically: the
/// duplicate check, the message and its attachments, threading, the ticket's new state, its field
/// values and events, and the queued answer. A crash at any instant leaves the email either fully
/// recorded, answer included, or not recorded at all, so a retry neither loses nor duplicates it.
public final class IntakePipeline: Sendable {
    let store: TicketStore
    let configuration: HelpdeskConfiguration
    let extractor: IncidentExtractor
    let answers: AnswerComposer
    let signer: MessageIDSigner
    let parser: MIMEParser
    /// Tests only: called at named points inside the transaction; throwing there simulates a crash.
    let checkpoint: @Sendable (String) throws -> Void

    public convenience init(
        store: TicketStore, configuration: HelpdeskConfiguration, answers: AnswerComposer,
        signer: MessageIDSigner
    ) {
        self.init(store: store, configuration: configuration, answers: answers, signer: signer, checkpoint: { _ in })
    }

    init(
        store: TicketStore, configuration: HelpdeskConfiguration, answers: AnswerComposer, signer: MessageIDSigner,
        checkpoint: @escaping @Sendable (String) throws -> Void
    ) {
        self.store = store
        self.configuration = configuration
        self.extractor = IncidentExtractor(profile: configuration.profile)
        self.answers = answers
        self.signer = signer
        self.parser = MIMEParser(limits: configuration.parserLimits)
        self.checkpoint = checkpoint
    }

    /// Ingests one raw email received at `now` (seconds since 1970).
    public func ingest(_ raw: [UInt8], source: MessageSource, receivedAt now: Int64) throws -> IngestOutcome {
        try ingest(analyse(raw), source: source, receivedAt: now)
    }

    /// The pure steps: parse, decode, read as an incident report. No I/O, so a caller may run them on
    /// another thread while the previous email is being stored.
    ///
    /// `progress` is called between the steps, so a caller watched by a watchdog can show it is alive while a
    /// large email is read. Every step is linear in the email's size (the torture suite's scaling check holds
    /// them to it), so the gaps between calls stay short.
    public func analyse(_ raw: [UInt8], progress: () -> Void = {}) -> IncomingEmail {
        let message = parser.parse(raw)
        progress()
        let content = MessageContent(message)
        progress()
        let report = extractor.extract(message, content: content)
        progress()
        return IncomingEmail(raw: raw, sha256: SHA256.hex(raw), message: message, content: content, report: report)
    }

    /// Stores an analysed email in one transaction.
    public func ingest(_ email: IncomingEmail, source: MessageSource, receivedAt now: Int64) throws -> IngestOutcome {
        try store.write { db in
            try Transaction(pipeline: self, db: db, email: email, source: source, now: now).run()
        }
    }

    /// An analysed email with where and when it was received, waiting to be stored.
    public struct Arrival: Sendable {
        public var email: IncomingEmail
        public var source: MessageSource
        public var receivedAt: Int64

        public init(email: IncomingEmail, source: MessageSource, receivedAt: Int64) {
            self.email = email
            self.source = source
            self.receivedAt = receivedAt
        }
    }

    /// Stores several emails, in order, with one commit (one fsync for all), each in a savepoint of its own:
    /// an email the pipeline cannot take (a *message fault*: whatever this email's content made fail, a database
    /// error included) is rolled back alone and recorded for quarantine instead (its result is the error), the
    /// others are kept. A *store fault* (`StoreFault`: disk full, I/O, locked) commits nothing and is thrown.
    public func ingest(batch: [Arrival]) throws -> [Result<IngestOutcome, any Error>] {
        try store.write { db in
            var results: [Result<IngestOutcome, any Error>] = []
            for arrival in batch {
                do {
                    var outcome = IngestOutcome.duplicate
                    try db.inSavepoint {
                        outcome = try Transaction(
                            pipeline: self, db: db, email: arrival.email, source: arrival.source,
                            now: arrival.receivedAt
                        ).run()
                        return .commit
                    }
                    results.append(.success(outcome))
                } catch  where StoreFault.isStoreUnavailable(error) {
                    throw error
                } catch {
                    // This email's own failure, rolled back alone. Recording it is a write like any other: when even
                    // that fails, the store is what cannot write, and nothing of the batch is committed.
                    do {
                        try Self.recordQuarantined(
                            arrival.email.raw, source: arrival.source, reason: "\(error)",
                            receivedAt: arrival.receivedAt, db)
                    } catch {
                        throw StoreUnavailable(error)
                    }
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}

extension IntakePipeline {
    /// Records an email the pipeline could not take (the reason goes to the store and the log), so
    /// nothing is lost and the poller can move it to the quarantine folder. Raw bytes over
    /// `maxStoredBytes` are cut to their header section.
    public func quarantine(_ raw: [UInt8], source: MessageSource, reason: String, receivedAt now: Int64) throws {
        try store.write { db in try Self.recordQuarantined(raw, source: source, reason: reason, receivedAt: now, db) }
    }

    static func recordQuarantined(
        _ raw: [UInt8], source: MessageSource, reason: String, receivedAt now: Int64, _ db: Database
    ) throws {
        let kept = raw.count > Self.maxStoredBytes ? Array(Self.headerSection(of: raw)) : raw
        do {
            try db.inSavepoint {
                try insertQuarantined(kept, source: source, reason: reason, receivedAt: now, db)
                return .commit
            }
        } catch  where !StoreFault.isStoreUnavailable(error) {
            // The bytes themselves may be what the store refuses: the reason is kept without them.
            try insertQuarantined(
                [], source: source, reason: reason + "; content not kept: \(error)", receivedAt: now, db)
        }
    }

    private static func insertQuarantined(
        _ kept: [UInt8], source: MessageSource, reason: String, receivedAt now: Int64, _ db: Database
    ) throws {
        var record = MessageRecord(
            direction: .inbound, messageID: nil, inReplyTo: "", referenceIDs: "", fromAddress: "", subject: "",
            automated: nil, sha256: SHA256.hex(kept), raw: Data(kept), defects: "quarantined: \(reason)",
            receivedAt: now)
        if case .imap(let mailbox, let uidValidity, let uid) = source {
            record.sourceMailbox = mailbox
            record.sourceUIDValidity = uidValidity
            record.sourceUID = uid
        }
        if case .file(let path) = source { record.sourcePath = path }
        try record.insert(db, onConflict: .ignore)
        try EventRecord.record("quarantined", detail: reason, ticketID: nil, messageID: record.id, at: now, db)
    }

    /// An email larger than the limit: its header section is stored on a new (suspended) ticket and the
    /// sender is told the limit, unless it is machine mail. A smaller resend then threads into the ticket.
    public func ingestTooLarge(
        header: [UInt8], size: Int, source: MessageSource, receivedAt now: Int64
    ) throws
        -> IngestOutcome
    {
        var raw = Array(Self.headerSection(of: header))
        raw += Array(
            "\r\n[helpdeskd: body of \(size) bytes not fetched: over the \(configuration.imap.maxMessageSize)-byte limit]\r\n"
                .utf8)
        let message = parser.parse(raw)
        let content = MessageContent(message)
        var report = extractor.extract(message, content: content)
        report.missing = configuration.profile.required
        report.values = [:]
        report.screenshots = []
        let email = IncomingEmail(raw: raw, sha256: SHA256.hex(raw), message: message, content: content, report: report)
        return try store.write { db in
            try Transaction(pipeline: self, db: db, email: email, source: source, now: now, tooLarge: size).run()
        }
    }

    /// Raw messages kept in the store are capped (the IMAP limit applies before anything is fetched).
    static let maxStoredBytes = 64 << 20

    /// The header section: up to and including the first empty line.
    static func headerSection(of raw: [UInt8]) -> ArraySlice<UInt8> {
        var index = 0
        while index < raw.count {
            if raw[index] == 0x0A {
                let next = index + 1
                if next < raw.count, raw[next] == 0x0A { return raw[...next] }
                if next + 1 < raw.count, raw[next] == 0x0D, raw[next + 1] == 0x0A { return raw[...(next + 1)] }
            }
            index += 1
        }
        return raw[...]
    }
}

/// An email after the pure steps (`IntakePipeline.analyse`): parsed, decoded and read as an incident report.
public struct IncomingEmail: Sendable {
    /// The email as received.
    public let raw: [UInt8]
    let sha256: String
    let message: MIMEMessage
    let content: MessageContent
    let report: IncidentReport

    /// The reporter's address as stored and answered: `MailAddress.identity` (ASCII case folded, IDNA domain), or
    /// as written when it is not a usable mailbox.
    var sender: String { report.reporter.map { $0.identity ?? $0.address.lowercased() } ?? "" }
    /// The author's identity when this email may act on a ticket it refers to (`IncidentReport.mayActOnTickets`).
    var trustedAuthor: String? { report.mayActOnTickets ? report.author?.identity : nil }
    var messageID: String? { content.envelope.messageID }
}

/// The work of one ingest transaction.
private struct Transaction {
    let pipeline: IntakePipeline
    let db: Database
    let email: IncomingEmail
    let source: MessageSource
    let now: Int64
    /// Set when the email was over the size limit: only its header section is here.
    var tooLarge: Int? = nil

    var configuration: HelpdeskConfiguration { pipeline.configuration }
    var report: IncidentReport { email.report }

    func run() throws -> IngestOutcome {
        if case .imap(let mailbox, let uidValidity, let uid) = source,
            try MessageRecord.exists(mailbox: mailbox, uidValidity: uidValidity, uid: uid, db)
        {
            return .duplicate
        }
        if try MessageRecord.exists(messageID: email.messageID, sha256: email.sha256, db) {
            return .duplicate
        }
        var stored = try storeMessage()
        try pipeline.checkpoint("message-stored")
        let outcome = try process(&stored)
        // The raw email goes in last. SQLite rewrites a whole row when any column of it changes, so filing the
        // message on its ticket after the bytes were in would write them (and, with secure_delete, zeros over
        // the old copy) a second time.
        try MessageRecord.storeRaw(email.raw, messageID: stored.id!, db)
        return outcome
    }

    /// Threads, files and answers the stored message.
    private func process(_ stored: inout MessageRecord) throws -> IngestOutcome {
        if report.automated == .spam {
            // The admin's spam filter said so: kept for staff to see, never a ticket, never filed on one.
            try EventRecord.record(
                "spam-received", detail: report.verdict.spam ?? "", ticketID: nil, messageID: stored.id, at: now, db)
            return .automated(reason: AutomatedReason.spam.rawValue, ref: nil)
        }
        let thread = try findThread()
        if let reason = report.automated {
            // Machine mail is kept with the ticket it refers to, and never answered.
            let ticket = thread.ticket
            if let ticket { try file(&stored, on: ticket) }
            try EventRecord.record(
                "automated-mail-received", detail: reason.rawValue, ticketID: ticket?.id, messageID: stored.id, at: now,
                db)
            return .automated(reason: reason.rawValue, ref: ticket?.ref)
        }

        if let ticket = thread.ticket {
            // Only its one unambiguous, authenticated author on the ticket may act on it.
            let isMember = email.trustedAuthor.map(ticket.accepts) ?? false
            if let size = tooLarge, isMember, ticket.status != .closed {
                var current = ticket
                try file(&stored, on: ticket)
                try EventRecord.record(
                    "too-large", detail: "\(size) bytes; limit \(configuration.imap.maxMessageSize)",
                    ticketID: ticket.id,
                    messageID: stored.id, at: now, db)
                try queueAnswer(.tooLarge, for: &current)
                return .updated(ref: current.ref, status: current.status)
            }
            if isMember, ticket.status != .closed {
                return try update(ticket, with: &stored)
            }
            let created = try createTicket(for: &stored)
            if isMember {
                try EventRecord.record(
                    "follow-up", detail: "follow-up to closed \(ticket.ref)", ticketID: created.ticket.id, at: now, db)
            } else {
                // Someone else quoting a ticket reference cannot read or change that ticket, and neither can a
                // message whose author is ambiguous or failed sender authentication. The detail names no address:
                // the linked message says who it was, and goes when they are erased.
                let why = report.whyNotTrusted.map { " (\($0))" } ?? ""
                try EventRecord.record(
                    report.whyNotTrusted == nil ? "reply-from-stranger" : "reply-not-trusted",
                    detail:
                        "someone who may not act on this ticket replied\(why); opened \(created.ticket.ref) instead",
                    ticketID: ticket.id, messageID: stored.id, at: now, db)
                try EventRecord.record(
                    "opened-instead-of-update", detail: "\(ticket.ref) belongs to another reporter\(why)",
                    ticketID: created.ticket.id, messageID: stored.id, at: now, db)
            }
            return created.outcome
        }
        let created = try createTicket(for: &stored)
        if thread.forged {
            try EventRecord.record(
                "forged-reference", detail: "references a helpdesk Message-ID whose signature does not verify",
                ticketID: created.ticket.id, messageID: stored.id, at: now, db)
        }
        return created.outcome
    }

    // MARK: Message

    func storeMessage() throws -> MessageRecord {
        let envelope = email.content.envelope
        var record = MessageRecord(
            id: nil, ticketId: nil, direction: .inbound, messageID: envelope.messageID,
            inReplyTo: envelope.inReplyTo.joined(separator: " "),
            referenceIDs: envelope.references.joined(separator: " "),
            fromAddress: email.sender, subject: report.subject ?? "", automated: report.automated?.rawValue,
            sourceMailbox: nil, sourceUIDValidity: nil, sourceUID: nil, sourcePath: nil, sha256: email.sha256,
            raw: Data(), defects: email.content.defects.map(\.description).joined(separator: "\n"),
            receivedAt: now)
        switch source {
        case .imap(let mailbox, let uidValidity, let uid):
            record.sourceMailbox = mailbox
            record.sourceUIDValidity = uidValidity
            record.sourceUID = uid
        case .file(let path):
            record.sourcePath = path
        }
        // Without the raw email: `run()` writes it at the end, by itself, without copies of it (a large email
        // would otherwise need three).
        try record.insert(db)
        let screenshots = Dictionary(report.screenshots.map { ($0.part, $0) }, uniquingKeysWith: { first, _ in first })
        for attachment in email.content.attachments {
            let sha = SHA256.hex(attachment.bytes)
            let shot = screenshots[attachment.part]
            try AttachmentRecord.storeOnce(
                sha256: sha, contentType: attachment.detectedType ?? attachment.contentType, bytes: attachment.bytes, db
            )
            var link = MessageAttachmentRecord(
                id: nil, messageId: record.id!, sha256: sha, part: attachment.path, filename: attachment.filename,
                declaredType: attachment.contentType, isScreenshot: shot != nil, width: shot.map { Int64($0.width) },
                height: shot.map { Int64($0.height) })
            try link.insert(db)
        }
        return record
    }

    /// Files the stored message on `ticket`. Only the ticket column is written: updating the whole row would
    /// write the raw email, attachments and all, into the database a second time.
    func file(_ stored: inout MessageRecord, on ticket: TicketRecord) throws {
        stored.ticketId = ticket.id
        try stored.update(db, columns: [Column("ticketId")])
    }

    // MARK: Threading

    struct Thread {
        var ticket: TicketRecord?
        /// A reference looked like one of ours but its signature did not verify.
        var forged: Bool
    }

    /// The ticket this email belongs to: our signed Message-IDs in In-Reply-To/References first, then
    /// stored messages it refers to, then the reference in the subject.
    func findThread() throws -> Thread {
        let envelope = email.content.envelope
        let referenced = (envelope.inReplyTo + envelope.references.reversed())
        var forged = false
        for id in referenced {
            if let verified = pipeline.signer.verify(id) {
                if let ticket = try TicketRecord.find(ref: verified.ticket.description, db) {
                    return Thread(ticket: ticket, forged: false)
                }
            } else if pipeline.signer.looksLikeOurs(id) {
                forged = true
            }
        }
        if !forged, let ticketID = try MessageRecord.ticketID(forAnyOf: referenced, db),
            let ticket = try TicketRecord.find(id: ticketID, db)
        {
            return Thread(ticket: ticket, forged: false)
        }
        if let reference = report.ticketReference, let ticket = try TicketRecord.find(ref: reference.description, db) {
            return Thread(ticket: ticket, forged: forged)
        }
        return Thread(ticket: nil, forged: forged)
    }

    // MARK: New tickets

    func createTicket(for stored: inout MessageRecord) throws -> (ticket: TicketRecord, outcome: IngestOutcome) {
        let number = try TicketRecord.nextNumber(db)
        let reference = TicketReference(prefix: configuration.identity.ticketPrefix, number: Int(number))!
        // Answered with the reset instructions (the configured page, or the portal's own "Forgot password?"),
        // never asked for incident data.
        let isPasswordReset = report.category == "password-reset"
        let status: TicketStatus = isPasswordReset ? .redirected : (report.isComplete ? .open : .suspended)
        let envelope = email.content.envelope
        let copied = (envelope.to + envelope.cc).map { $0.identity ?? $0.address.lowercased() }
            .filter { !configuration.profile.ownAddresses.contains($0) && $0 != email.sender }
        var ticket = TicketRecord(
            id: nil, number: number, ref: reference.description, status: status, severity: report.severity.rawValue,
            category: report.category, reporterAddress: email.sender, reporterName: report.reporter?.name,
            copiedAddresses: copied.joined(separator: " "), subject: String((report.subject ?? "").prefix(500)),
            missing: isPasswordReset ? "" : report.missing.map(\.key).joined(separator: ","), createdAt: now,
            updatedAt: now, slaStartedAt: nil, slaConsumed: 0, dueAt: nil, answersSent: 0)
        if status == .open {
            ticket.slaStartedAt = now
            ticket.dueAt = configuration.serviceLevel.due(severity: report.severity, clockStartedAt: now)
        }
        try ticket.insert(db)
        try pipeline.checkpoint("ticket-created")
        try file(&stored, on: ticket)
        try recordFields(of: ticket, messageID: stored.id)
        try pipeline.checkpoint("fields-recorded")
        try EventRecord.record(
            "created", detail: "\(report.severity.rawValue), \(report.category)", ticketID: ticket.id,
            messageID: stored.id, at: now, db)
        if case .fail(let reason) = report.verdict.authentication {
            // Opened like any report, but it can never act on another ticket: staff see why.
            try EventRecord.record(
                "unauthenticated", detail: reason, ticketID: ticket.id, messageID: stored.id, at: now, db)
        }
        if let size = tooLarge {
            try EventRecord.record(
                "too-large", detail: "\(size) bytes; limit \(configuration.imap.maxMessageSize)", ticketID: ticket.id,
                at: now, db)
            if report.automated == nil { try queueAnswer(.tooLarge, for: &ticket) }
            return (ticket, .created(ref: ticket.ref, status: ticket.status))
        }
        switch status {
        case .redirected:
            try EventRecord.record("redirected", detail: "password reset", ticketID: ticket.id, at: now, db)
            try queueAnswer(.passwordReset, for: &ticket)
        case .open:
            try queueAnswer(.acknowledgement, for: &ticket)
        default:
            try EventRecord.record("suspended", detail: ticket.missing, ticketID: ticket.id, at: now, db)
            try queueAnswer(.informationRequest, for: &ticket)
        }
        return (ticket, .created(ref: ticket.ref, status: ticket.status))
    }

    /// Stores the values the report supplies, with this message as its provenance, and returns the
    /// fields whose value changed. On a reply (`isReply`) a labelled value corrects the ticket, while an
    /// inferred one (a screenshot's time, a URL in prose) and the description only fill gaps: the
    /// reporter's answer "here is the session ID" must not replace their problem description.
    @discardableResult
    func recordFields(of ticket: TicketRecord, messageID: Int64?, isReply: Bool = false) throws -> [String] {
        var changed: [String] = []
        var values = report.values.map { ($0.key, $0.value) }
        if let detected = report.detectedAt {
            values.append(
                (IncidentField.detectedAt, MessageDate(secondsSince1970: detected, utcOffsetSeconds: 0).iso8601))
        }
        let existing = isReply ? try FieldValueRecord.current(ticketID: ticket.id!, db) : [:]
        for (key, value) in values.sorted(by: { $0.0.key < $1.0.key }) {
            let field = key.key
            if isReply, existing[field] != nil, key == .description || !report.labelled.contains(key) { continue }
            let result = try FieldValueRecord.set(
                field, to: value, ticketID: ticket.id!, messageID: messageID, at: now, db)
            if result.changed {
                changed.append(field)
                if result.previous != nil {
                    try EventRecord.record(
                        "field-changed", detail: field, ticketID: ticket.id, messageID: messageID, at: now, db)
                }
            }
        }
        if !report.screenshots.isEmpty {
            // Screenshots accumulate: a later one adds to, never replaces, what was sent before.
            let previous = try FieldValueRecord.current(ticketID: ticket.id!, db)[IncidentField.screenshots.key]?.value
            var hashes = previous.map { $0.split(separator: " ").map(String.init) } ?? []
            for shot in report.screenshots where !hashes.contains(shot.sha256) { hashes.append(shot.sha256) }
            let result = try FieldValueRecord.set(
                IncidentField.screenshots.key, to: hashes.joined(separator: " "), ticketID: ticket.id!,
                messageID: messageID, at: now, db)
            if result.changed { changed.append(IncidentField.screenshots.key) }
        }
        return changed
    }

    // MARK: Replies

    func update(_ existing: TicketRecord, with stored: inout MessageRecord) throws -> IngestOutcome {
        var ticket = existing
        try file(&stored, on: ticket)
        let changed = try recordFields(of: ticket, messageID: stored.id, isReply: true)
        let current = try FieldValueRecord.current(ticketID: ticket.id!, db)
        let missing = configuration.profile.required.filter { current[$0.key] == nil }
        ticket.missing = missing.map(\.key).joined(separator: ",")
        ticket.updatedAt = now
        try EventRecord.record(
            "information-received", detail: changed.joined(separator: ","), ticketID: ticket.id, messageID: stored.id,
            at: now, db)
        let severity = Severity(rawValue: ticket.severity) ?? .normal
        switch ticket.status {
        case .suspended where missing.isEmpty:
            ticket.status = .open
            ticket.slaStartedAt = now
            ticket.dueAt = configuration.serviceLevel.due(
                severity: severity, clockStartedAt: now, consumed: ticket.slaConsumed)
            try EventRecord.record("resumed", ticketID: ticket.id, at: now, db)
            try ticket.update(db)
            try queueAnswer(.resumed, for: &ticket)
        case .suspended:
            try ticket.update(db)
            try queueAnswer(.informationRequest, for: &ticket)
        case .resolved:
            ticket.status = .open
            ticket.slaStartedAt = now
            ticket.dueAt = configuration.serviceLevel.due(severity: severity, clockStartedAt: now)
            try EventRecord.record("reopened", ticketID: ticket.id, at: now, db)
            try ticket.update(db)
        default:
            if report.severity == .critical, severity == .normal, ticket.status == .open {
                // The reporter now says they cannot work at all: the critical target applies from here.
                ticket.severity = Severity.critical.rawValue
                ticket.dueAt = configuration.serviceLevel.due(severity: .critical, clockStartedAt: now)
                try EventRecord.record("escalated", detail: "critical", ticketID: ticket.id, at: now, db)
            }
            try ticket.update(db)
        }
        return .updated(ref: ticket.ref, status: ticket.status)
    }

    // MARK: Answers

    /// The values this email supplied that were read from prose rather than after a label: the answer shows
    /// them so the reporter can correct a misreading (only in answers about the report itself).
    func readBack(for kind: AnswerKind) -> [(field: IncidentField, value: String)] {
        guard [.acknowledgement, .informationRequest, .resumed].contains(kind) else { return [] }
        var shown: [(field: IncidentField, value: String)] = []
        for field in [IncidentField.server, .detectedAt, .sessionID, .userID] {
            guard let source = report.sources[field], !source.isSure else { continue }
            if field == .detectedAt {
                if let time = report.detectedAt { shown.append((field, String(time))) }
            } else if let value = report.values[field] {
                shown.append((field, value))
            }
        }
        return shown
    }

    /// Composes and queues an answer, or records why it is suppressed (rate caps, our own address).
    func queueAnswer(_ kind: AnswerKind, for ticket: inout TicketRecord) throws {
        let recipient = email.sender
        let limits = configuration.rateLimits
        var suppressedBecause: String? = nil
        if recipient.isEmpty || configuration.profile.ownAddresses.contains(recipient) {
            suppressedBecause = "recipient is the helpdesk itself"
        } else if try OutboxRecord.answersCount(toMailboxOf: recipient, since: now - 3600, db)
            >= limits.perAddressPerHour
        {
            // Per mailbox, not per spelling: `victim+1@…` … `victim+14@…` reach one inbox.
            suppressedBecause = "more than \(limits.perAddressPerHour) answers to this mailbox in an hour"
        } else if try OutboxRecord.answersCount(toMailboxOf: recipient, since: now - 86_400, db)
            >= limits.perAddressPerDay
        {
            suppressedBecause = "more than \(limits.perAddressPerDay) answers to this mailbox in a day"
        } else if try OutboxRecord.answersCount(toDomainOf: recipient, since: now - 3600, db)
            >= limits.perDomainPerHour
        {
            // One victim domain must not use up the global cap and silence everybody else.
            suppressedBecause = "more than \(limits.perDomainPerHour) answers to this domain in an hour"
        } else if try OutboxRecord.answersCount(since: now - 3600, db) >= limits.globalPerHour {
            suppressedBecause = "more than \(limits.globalPerHour) answers in an hour"
        } else if kind == .informationRequest,
            try OutboxRecord.count(kind: kind.rawValue, ticketID: ticket.id!, since: now - 86_400, db)
                >= limits.informationRequestsPerTicketPerDay
        {
            suppressedBecause = "an information request was already sent in the last 24 hours"
        }
        ticket.answersSent += 1
        try ticket.update(db)
        let envelope = email.content.envelope
        var prompts: [IncidentField: String] = [:]
        for custom in configuration.profile.customFields { prompts[custom.field] = custom.prompt }
        let composed: ComposedAnswer
        do {
            composed = try pipeline.answers.compose(
                AnswerRequest(
                    kind: kind,
                    ticket: TicketReference(
                        parsing: Substring(ticket.ref), prefix: configuration.identity.ticketPrefix)!,
                    subject: ticket.subject, recipient: MailAddress(name: ticket.reporterName, address: recipient),
                    inReplyTo: envelope.messageID, references: envelope.references, sequence: Int(ticket.answersSent),
                    now: now, due: ticket.dueAt, severity: Severity(rawValue: ticket.severity) ?? .normal,
                    missing: ticket.missingFields.map { IncidentField($0) }, fieldPrompts: prompts,
                    passwordResetURL: configuration.passwordResetURL.isEmpty ? nil : configuration.passwordResetURL,
                    sizeLimit: Int64(configuration.imap.maxMessageSize), readBack: readBack(for: kind)))
        } catch {
            // An address we cannot write a header for (or a similar refusal) means no answer, recorded;
            // the ticket itself is kept.
            try EventRecord.record(
                "answer-suppressed", detail: "\(kind.rawValue): cannot compose: \(error)", ticketID: ticket.id, at: now,
                db)
            return
        }
        try pipeline.checkpoint("answer-composed")
        var row = OutboxRecord(
            id: nil, ticketId: ticket.id, kind: kind.rawValue, recipient: recipient, subject: composed.subject,
            messageID: composed.messageID, raw: Data(composed.raw),
            status: suppressedBecause == nil ? .queued : .suppressed,
            attempts: 0, nextAttemptAt: now, lastError: suppressedBecause, createdAt: now, sentAt: nil)
        try row.insert(db)
        try pipeline.checkpoint("answer-queued")
        if let suppressedBecause {
            try EventRecord.record(
                "answer-suppressed", detail: "\(kind.rawValue): \(suppressedBecause)", ticketID: ticket.id, at: now, db)
        } else {
            try EventRecord.record("answer-queued", detail: kind.rawValue, ticketID: ticket.id, at: now, db)
        }
    }
}
