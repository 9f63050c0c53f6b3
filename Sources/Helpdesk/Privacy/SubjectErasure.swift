import Foundation
public import TicketStore

/// Answers an erasure request: deletes what is tied to one address and takes the address out of
/// what is kept for others, in one transaction, then rebuilds the file so no deleted byte lingers.
///
/// Deleted: the tickets they reported (with every message, attachment link, field value, event and
/// answer on them); the messages they sent anywhere else, the field values those supplied (the
/// previous value of the field comes back into force) and the events filed on no ticket about them;
/// the answers addressed to them; attachment content no remaining message refers to (content another
/// person also sent stays).
///
/// Scrubbed, on what is kept for other people: their address leaves the copied addresses of others'
/// tickets; in the header section of messages kept for others their mailbox becomes `erased@invalid`
/// and their display name `Erased` (`HeaderScrubber`); our own answers to others and every text value
/// (subjects, event details, field values…) have the address replaced by `erased@invalid`.
///
/// Kept: the bodies of other people's messages and the attachments they sent, byte for byte. Those
/// are the other person's words (and often transfer-encoded, so an edit could corrupt them); the
/// report counts the ones that still mention the address so the request can be answered honestly.
///
/// Recorded: one `subject-erased` event (on no ticket) that says what went, in numbers, with the
/// SHA-256 of the lower-cased address, never the address; a `subject-scrubbed` event on each other
/// ticket that changed. Then `VACUUM` and a truncating WAL checkpoint; `secure_delete` is on for
/// every connection, so the deleted content was overwritten with zeros already.
public struct SubjectErasure: Sendable {
    let store: any TicketStore
    /// The profile's required fields, in order, to recompute a ticket's missing fields when values go.
    let requiredFields: [String]

    public init(store: any TicketStore, requiredFields: [String]) {
        self.store = store
        self.requiredFields = requiredFields
    }

    /// How the `subject-erased` event names the address: by its SHA-256 (`SubjectAddress.digest`), never as
    /// itself. A restore finds the erasures already in a store by it (`ErasureReplay`).
    static func auditName(digest: String) -> String { "subject sha256 \(digest)" }

    /// Erases `subject` (or, with `dryRun`, does the same in a transaction that is rolled back and
    /// reports what would go). `actor` is who asked, for the audit event.
    public func run(_ subject: SubjectAddress, now: Int64, actor: String, dryRun: Bool = false) throws -> ErasureReport
    {
        // The full scan reads every message once; it runs on a snapshot so the daemon is not blocked.
        let scan = try store.snapshot { snapshot in try MentionScan.run(snapshot, for: subject) }
        let body = { (transaction: any TicketTransaction) throws -> ErasureReport in
            try ErasureTransaction(
                transaction: transaction, subject: subject, scan: scan, requiredFields: requiredFields, now: now,
                actor: actor, dryRun: dryRun
            ).run()
        }
        var report = dryRun ? try store.rehearse(body) : try store.transaction(body)
        guard !dryRun else { return report }
        report.spaceReclaimed = try store.reclaimFreeSpace()
        report.traces = try store.snapshot { snapshot in try TraceScan.run(snapshot, for: subject) }
        return report
    }
}

/// What an erasure did, or would do.
public struct ErasureReport: Sendable {
    public var subject: String
    public var subjectDigest: String
    public var dryRun: Bool
    /// Their tickets, deleted.
    public var tickets: [String] = []
    /// Messages deleted: everything on their tickets, and what they sent elsewhere.
    public var messages = 0
    /// Of `messages`, those they sent that were filed elsewhere (others' tickets, no ticket).
    public var messagesElsewhere = 0
    public var attachments = 0
    /// Attachment content they sent that stays because someone else's message carries it too.
    public var sharedAttachmentsKept = 0
    public var fieldValues = 0
    public var events = 0
    public var outboxRows = 0
    /// Other people's tickets their address was taken out of.
    public var scrubbedTickets: [String] = []
    /// Messages kept for others whose header section was rewritten.
    public var scrubbedHeaders = 0
    /// Answers to others whose text mentioned them.
    public var scrubbedAnswers = 0
    /// Other text values (subjects, details, field values…) where the address was replaced.
    public var scrubbedValues = 0
    /// Messages kept for others whose body mentions the address (kept unchanged: their words).
    public var bodiesKept = 0
    /// `VACUUM` ran and the WAL file was truncated (false: another process held it; see `TicketStore`).
    public var spaceReclaimed = false
    /// Where the address is still found after the erasure (real runs only).
    public var traces: [Trace] = []
    /// The audit event's detail.
    public var auditDetail = ""

    /// Traces that the rules do not explain (anything but other people's message bodies and attachments).
    public var unexpectedTraces: [Trace] { traces.filter { !$0.isOthersContent } }

    /// A readable account, one item per line.
    public var lines: [String] {
        var lines: [String] = []
        let verb = dryRun ? "would be" : "were"
        lines.append(dryRun ? "Erasure of \(subject) (dry run: nothing was changed)" : "Erasure of \(subject)")
        lines.append("  tickets \(verb) deleted:      \(tickets.isEmpty ? "none" : tickets.joined(separator: ", "))")
        lines.append(
            "  messages \(verb) deleted:     \(messages) (\(messagesElsewhere) of them sent by them on other tickets or on none)"
        )
        lines.append(
            "  attachments \(verb) deleted:  \(attachments)\(sharedAttachmentsKept > 0 ? "; \(sharedAttachmentsKept) kept: also sent by someone else" : "")"
        )
        lines.append("  field values \(verb) deleted: \(fieldValues)")
        lines.append("  events \(verb) deleted:       \(events)")
        lines.append("  outbox rows \(verb) deleted:  \(outboxRows)")
        lines.append(
            "  address taken out of other tickets: \(scrubbedTickets.isEmpty ? "none" : scrubbedTickets.joined(separator: ", "))"
        )
        lines.append(
            "    message headers: \(scrubbedHeaders), answers: \(scrubbedAnswers), other values: \(scrubbedValues)")
        if bodiesKept > 0 {
            lines.append(
                "  kept: the address appears in the body of \(bodiesKept) message(s) other people sent (their words, not changed)"
            )
        }
        if !dryRun {
            lines.append("  audit event: subject-erased, \(auditDetail)")
            lines.append(
                spaceReclaimed
                    ? "  database rebuilt (VACUUM) and write-ahead log truncated: no deleted bytes remain in free pages"
                    : "  VACUUM done, but another process held the write-ahead log: it is emptied at the next checkpoint"
            )
            for trace in unexpectedTraces { lines.append("  STILL FOUND: \(trace)") }
        }
        return lines
    }

    public var json: JSONValue {
        .object([
            ("subject", .string(subject)), ("subject_sha256", .string(subjectDigest)), ("dry_run", .bool(dryRun)),
            ("tickets", .array(tickets.map { .string($0) })), ("messages", .int(messages)),
            ("messages_elsewhere", .int(messagesElsewhere)), ("attachments", .int(attachments)),
            ("shared_attachments_kept", .int(sharedAttachmentsKept)), ("field_values", .int(fieldValues)),
            ("events", .int(events)), ("outbox_rows", .int(outboxRows)),
            ("scrubbed_tickets", .array(scrubbedTickets.map { .string($0) })),
            ("scrubbed_headers", .int(scrubbedHeaders)),
            ("scrubbed_answers", .int(scrubbedAnswers)), ("scrubbed_values", .int(scrubbedValues)),
            ("bodies_kept", .int(bodiesKept)), ("space_reclaimed", .bool(spaceReclaimed)),
            ("unexpected_traces", .array(unexpectedTraces.map { .string($0.description) })),
            ("audit_detail", .string(auditDetail)),
        ])
    }
}

/// The erasure's one transaction.
private struct ErasureTransaction {
    let transaction: any TicketTransaction
    let subject: SubjectAddress
    let scan: MentionScan
    let requiredFields: [String]
    let now: Int64
    let actor: String
    let dryRun: Bool

    func run() throws -> ErasureReport {
        var report = ErasureReport(subject: subject.value, subjectDigest: subject.digest, dryRun: dryRun)
        let scope = try SubjectScope.collect(transaction, subject: subject, scan: scan)
        let scrubber = HeaderScrubber(address: subject, names: scope.names)
        let own = scope.ownTicketIDs
        report.tickets = scope.ownTickets.map(\.ref)

        // What goes.
        let onOwn = try transaction.messageIDs(onTickets: own)
        let elsewhere = try transaction.messageIDs(from: subject.value, notOnTickets: own)
        let doomed = onOwn.union(elsewhere)
        report.messages = doomed.count
        report.messagesElsewhere = elsewhere.count
        let shas = try transaction.attachmentDigests(ofMessages: doomed)
        let shared = try transaction.attachmentDigests(among: shas, carriedOutside: doomed)
        report.attachments = shas.count - shared.count
        report.sharedAttachmentsKept = shared.count
        report.events = try transaction.eventCount(onTickets: own, orLooseAbout: doomed)
        report.outboxRows = try transaction.answerCount(onTickets: own, orTo: subject.value)
        let suppliedElsewhere = try transaction.fieldValues(suppliedByAnyOf: elsewhere, notOnTickets: own)
        report.fieldValues = try transaction.dependents(ofTickets: own).fieldValues + suppliedElsewhere.count
        report.bodiesKept = scope.namedInBody.subtracting(doomed).count

        var changes: [Int64: TicketChanges] = [:]
        for message in try transaction.messages(ids: elsewhere) {
            if let ticket = message.ticketId { changes[ticket, default: TicketChanges()].messagesRemoved += 1 }
        }

        // Field values their messages supplied to other tickets; the previous value comes back.
        try transaction.deleteFieldValues(ids: Set(suppliedElsewhere.compactMap(\.id)))
        for value in suppliedElsewhere {
            changes[value.ticketId, default: TicketChanges()].fieldValuesRemoved += 1
            guard value.current else { continue }
            try transaction.restoreNewestValue(of: value.field, ticketID: value.ticketId)
            changes[value.ticketId, default: TicketChanges()].fieldsChanged.insert(value.field)
        }
        try transaction.deleteLooseEvents(aboutAnyOf: doomed)
        for ticketID in try transaction.answerTicketIDs(to: subject.value, notOnTickets: own) {
            changes[ticketID, default: TicketChanges()].answersRemoved += 1
        }
        try transaction.deleteAnswers(to: subject.value, notOnTickets: own)
        try transaction.deleteMessages(ids: elsewhere)
        try transaction.deleteTickets(ids: own)
        try transaction.deleteUnreferencedAttachments(among: shas)

        // What is kept for others: take the address out.
        for ticket in scope.otherTickets {
            var updated = ticket
            let copied = ticket.copiedAddresses.split(separator: " ").filter { $0.lowercased() != subject.value }
            guard copied.count != ticket.copiedAddresses.split(separator: " ").count else { continue }
            updated.copiedAddresses = copied.joined(separator: " ")
            try transaction.update(updated)
            changes[ticket.id!, default: TicketChanges()].uncopied = true
        }
        // What remains of the messages that name them in the header section: those they received, and
        // other people's that mention them (a Subject, a URL, an encoded word…). Those they sent are gone.
        for message in scope.messages + scope.mentioningInHeaders
        where !doomed.contains(message.id!) && scope.namedInHeaders.contains(message.id!) {
            var updated = try transaction.message(id: message.id!) ?? message
            var touched = false
            if let raw = scrubber.scrub([UInt8](updated.raw)) {
                updated.raw = Data(raw)
                touched = true
                report.scrubbedHeaders += 1
            }
            if let subjectLine = scrubber.scrubText(updated.subject) {
                updated.subject = subjectLine
                touched = true
            }
            guard touched else { continue }
            try transaction.update(updated)
            if let ticketID = updated.ticketId {
                changes[ticketID, default: TicketChanges()].headersScrubbed += 1
                if var ticket = try transaction.ticket(id: ticketID), let line = scrubber.scrubText(ticket.subject) {
                    ticket.subject = line
                    try transaction.update(ticket)
                }
            }
        }
        // Our answers: those that spell out the address, and those on tickets whose messages named
        // them (they repeat the ticket's subject, which may carry their name).
        let namedTickets = Set(changes.filter { $0.value.headersScrubbed > 0 }.keys)
        let onNamedTickets = try transaction.answerIDs(onTickets: namedTickets)
        for id in scope.answersMentioning.union(onNamedTickets).sorted() {
            guard var answer = try transaction.answer(id: id), let raw = scrubber.scrubAnswer([UInt8](answer.raw))
            else { continue }
            answer.raw = Data(raw)
            if let line = scrubber.scrubText(answer.subject) { answer.subject = line }
            try transaction.update(answer)
            report.scrubbedAnswers += 1
            if let ticketID = answer.ticketId { changes[ticketID, default: TicketChanges()].answersScrubbed += 1 }
        }
        report.scrubbedValues = try scrubTextValues()

        // Tickets that lost a field value may lack a required field again: say so.
        for (ticketID, change) in changes where !change.fieldsChanged.isEmpty {
            guard let ticket = try transaction.ticket(id: ticketID) else { continue }
            let current = Set(try transaction.currentFieldValues(ticketID: ticketID).keys)
            if let changed = TicketWorkflow.valuesRemoved(from: ticket, required: requiredFields, remaining: current) {
                try transaction.update(changed)
                changes[ticketID]!.nowMissing = changed.missingFields.filter { change.fieldsChanged.contains($0) }
            }
        }

        // The audit trail: what went, in numbers; the address never.
        for (ticketID, change) in changes.sorted(by: { $0.key < $1.key }) {
            guard let ticket = try transaction.ticket(id: ticketID) else { continue }
            report.scrubbedTickets.append(ticket.ref)
            try transaction.record(
                EventRecord(
                    ticketId: ticketID, at: now, kind: .subjectScrubbed,
                    detail: "a participant's data was erased on request: " + change.description))
        }
        report.auditDetail = [
            [
                counted(report.tickets.count, "ticket"), counted(report.messages, "message"),
                counted(report.attachments, "attachment"), counted(report.outboxRows, "outbox row"),
                counted(report.fieldValues, "field value"), counted(report.events, "event"),
            ].joined(separator: ", "),
            "scrubbed from \(counted(report.scrubbedTickets.count, "other ticket")) ("
                + "\(counted(report.scrubbedHeaders, "message header")), \(counted(report.scrubbedAnswers, "answer")), "
                + "\(counted(report.scrubbedValues, "other value")))",
            "by \(actor)",
            SubjectErasure.auditName(digest: subject.digest),
        ].joined(separator: "; ")
        try transaction.record(EventRecord(at: now, kind: .subjectErased, detail: report.auditDetail))
        return report
    }

    /// Replaces the address in every text value of every table (blobs are handled above), as written
    /// or percent-encoded; in file paths we recorded (`message.sourcePath`) whatever follows it.
    private func scrubTextValues() throws -> Int {
        try transaction.replaceTextValues(containing: subject.value) { column, text in
            let pattern = TraceScan.pattern(for: subject, column: column)
            return ByteScrub.replacing([(pattern, Array(HeaderScrubber.placeholder.utf8))], in: text)
        }
    }
}

/// What an erasure changed on one ticket kept for someone else.
private struct TicketChanges {
    var uncopied = false
    var messagesRemoved = 0
    var answersRemoved = 0
    var fieldValuesRemoved = 0
    var fieldsChanged: Set<String> = []
    var nowMissing: [String] = []
    var headersScrubbed = 0
    var answersScrubbed = 0

    var description: String {
        var parts: [String] = []
        if uncopied { parts.append("removed from the copied addresses") }
        if messagesRemoved > 0 { parts.append("\(messagesRemoved) message(s) they sent removed") }
        if fieldValuesRemoved > 0 {
            parts.append("\(fieldValuesRemoved) field value(s) their messages supplied removed")
        }
        if !nowMissing.isEmpty { parts.append("now missing: \(nowMissing.joined(separator: ","))") }
        if answersRemoved > 0 { parts.append("\(answersRemoved) answer(s) to them removed") }
        if headersScrubbed > 0 {
            parts.append("their address replaced in the headers of \(headersScrubbed) message(s)")
        }
        if answersScrubbed > 0 { parts.append("their address replaced in \(answersScrubbed) answer(s)") }
        return parts.joined(separator: "; ")
    }
}

/// A place in the store where an address was found.
public struct Trace: Sendable, Equatable, CustomStringConvertible {
    public enum Place: String, Sendable {
        /// The top-level header section of a raw message.
        case header
        /// A raw message after its header section.
        case body
        /// Attachment content.
        case attachment
        /// Any other value.
        case value
    }
    public var table: String
    public var column: String
    public var rowID: Int64
    public var place: Place

    /// Other people's message bodies and attachment content: kept unchanged by design.
    public var isOthersContent: Bool { place == .body || place == .attachment }

    public var description: String { "\(table).\(column) row \(rowID) (\(place.rawValue))" }
}

/// Looks for an address in every value of every table: text, and blobs as bytes, the way the erasure
/// looks for it (`HeaderScrubber`, `ByteScrub`): as written, percent-encoded, followed by a file
/// extension; in the header sections of messages and in our answers also inside encoded words (and in
/// an answer's quoted-printable text).
public enum TraceScan {
    /// Every place in `store` where `subject`'s address is found.
    public static func run(in store: any TicketStore, for subject: SubjectAddress) throws -> [Trace] {
        try store.snapshot { snapshot in try run(snapshot, for: subject) }
    }

    static func run(_ snapshot: any TicketSnapshot, for subject: SubjectAddress) throws -> [Trace] {
        var traces: [Trace] = []
        let scrubber = HeaderScrubber(address: subject, names: [])
        var patterns: [StoredColumn: BytePattern] = [:]
        try snapshot.forEachValue { value in
            let column = value.column
            let pattern = patterns[column] ?? pattern(for: subject, column: column)
            patterns[column] = pattern
            func trace(_ place: Trace.Place) {
                traces.append(Trace(table: column.table, column: column.column, rowID: value.rowID, place: place))
            }
            switch value.content {
            case .text(let text):
                if ByteScrub.occurs(pattern, in: text) { trace(.value) }
            case .bytes(let bytes):
                switch (column.table, column.column) {
                case ("message", "raw"):
                    let mentions = scrubber.mentions(in: bytes)
                    if mentions.inHeaders { trace(.header) }
                    if mentions.inBody { trace(.body) }
                case ("outbox", "raw"):
                    if scrubber.answerMentions(bytes) { trace(.value) }
                case ("attachment", _):
                    if pattern.occurs(in: ByteCase.lowered(bytes)) { trace(.attachment) }
                default:
                    if !ByteScrub.hits([(pattern, [])], in: bytes, lowered: ByteCase.lowered(bytes)).isEmpty {
                        trace(.value)
                    }
                }
            }
        }
        return traces
    }

    /// The pattern a column is searched with: file paths we recorded take the address with anything
    /// after it (a file named after them), everything else the address as such.
    static func pattern(for subject: SubjectAddress, column: StoredColumn) -> BytePattern {
        column.table == "message" && column.column == "sourcePath" ? subject.pathPattern : subject.pattern
    }
}

/// "1 ticket", "3 tickets".
func counted(_ count: Int, _ singular: String) -> String {
    "\(count) \(singular)\(count == 1 ? "" : "s")"
}
