import Foundation
import GRDB
import TicketStore

/// Rows that mention an address, found by reading every message and answer once: anywhere in their
/// bytes as written, or in their header section as a reader sees it (`HeaderScrubber`: encoded
/// words and percent escapes decoded).
///
/// The scan reads the whole store, so it runs on a snapshot outside any write transaction (the
/// daemon keeps ingesting meanwhile); the erasure's transaction then re-checks these rows and any
/// row added after the scan.
struct MentionScan: Sendable {
    var messageIDs: Set<Int64> = []
    var outboxIDs: Set<Int64> = []
    var lastMessageID: Int64 = 0
    var lastOutboxID: Int64 = 0

    static func run(_ db: Database, for subject: SubjectAddress) throws -> MentionScan {
        var scan = MentionScan()
        let scrubber = HeaderScrubber(address: subject, names: [])
        let messages = try Row.fetchCursor(db, sql: "SELECT id, fromAddress, raw FROM message ORDER BY id")
        while let row = try messages.next() {
            let id: Int64 = row["id"]
            scan.lastMessageID = max(scan.lastMessageID, id)
            let from: String = row["fromAddress"]
            let raw = [UInt8](row["raw"] as Data)
            if from.lowercased() == subject.value || subject.pattern.occurs(in: ByteCase.lowered(raw))
                || scrubber.headerMentions(raw)
            {
                scan.messageIDs.insert(id)
            }
        }
        let answers = try Row.fetchCursor(db, sql: "SELECT id, recipient, raw FROM outbox ORDER BY id")
        while let row = try answers.next() {
            let id: Int64 = row["id"]
            scan.lastOutboxID = max(scan.lastOutboxID, id)
            let recipient: String = row["recipient"]
            if recipient.lowercased() == subject.value || scrubber.answerMentions([UInt8](row["raw"] as Data)) {
                scan.outboxIDs.insert(id)
            }
        }
        return scan
    }
}

/// Everything in the store tied to one address, read in one transaction.
///
/// - Their tickets: those they reported.
/// - Their messages: those they sent (From), wherever they are filed, and those they received (a
///   mailbox of To, Cc or Bcc) — they hold those already.
/// - Tickets they take part in: where they are copied, or where one of their messages is filed.
/// - Messages of other people that only mention them — in a Subject, a URL, an encoded word, the body —
///   are not theirs: they are listed apart (the erasure scrubs the header sections, the export leaves
///   them out).
struct SubjectScope {
    let subject: SubjectAddress
    /// Tickets they reported.
    var ownTickets: [TicketRecord] = []
    /// Other tickets: they are copied, or one of their messages is filed there.
    var otherTickets: [TicketRecord] = []
    /// Messages that are theirs: sent by them, or received (they are a recipient).
    var messages: [MessageRecord] = []
    /// Of `messages`, those they sent.
    var sent: Set<Int64> = []
    /// Messages (theirs or not) whose header section mentions them, however written.
    var namedInHeaders: Set<Int64> = []
    /// Messages of other people whose header section mentions them, for the erasure to scrub.
    var mentioningInHeaders: [MessageRecord] = []
    /// Messages that mention their address after the header section.
    var namedInBody: Set<Int64> = []
    /// Display names they were given, decoded.
    var names: [String] = []
    /// Outbox rows addressed to them.
    var answers: [OutboxRecord] = []
    /// Outbox rows to others whose raw text mentions them (our answers repeat ticket subjects).
    var answersMentioning: Set<Int64> = []

    var ownTicketIDs: Set<Int64> { Set(ownTickets.compactMap(\.id)) }

    func role(of ticket: TicketRecord) -> String {
        if ticket.reporterAddress.lowercased() == subject.value { return "reporter" }
        if ticket.copiedAddresses.split(separator: " ").contains(where: { $0 == subject.value }) { return "copied" }
        return "participant"
    }

    static func collect(_ db: Database, subject: SubjectAddress, scan: MentionScan) throws -> SubjectScope {
        var scope = SubjectScope(subject: subject)
        scope.ownTickets = try TicketRecord.fetchAll(
            db, sql: "SELECT * FROM ticket WHERE lower(reporterAddress) = ? ORDER BY number", arguments: [subject.value]
        )
        for ticket in scope.ownTickets {
            if let name = ticket.reporterName, HeaderScrubber.isUsableName(name, address: subject),
                !scope.names.contains(name)
            {
                scope.names.append(name)
            }
        }

        // Candidates: what the scan found, what arrived since, and anything sent from the address.
        let candidates = try MessageRecord.fetchAll(
            db,
            sql: """
                SELECT * FROM message WHERE id IN (\(sqlList(scan.messageIDs))) OR id > ? OR lower(fromAddress) = ?
                ORDER BY id
                """,
            arguments: [scan.lastMessageID, subject.value])
        let scrubber = HeaderScrubber(address: subject, names: [])
        for message in candidates {
            let id = message.id!
            let isSent = message.fromAddress.lowercased() == subject.value
            let mentions = scrubber.mentions(in: [UInt8](message.raw))
            if isSent { scope.sent.insert(id) }
            if mentions.inHeaders { scope.namedInHeaders.insert(id) }
            if mentions.inBody { scope.namedInBody.insert(id) }
            for name in mentions.names where !scope.names.contains(name) { scope.names.append(name) }
            if isSent || mentions.addressed {
                scope.messages.append(message)
            } else if mentions.inHeaders {
                scope.mentioningInHeaders.append(message)
            }
        }

        let own = scope.ownTicketIDs
        var otherIDs = Set(scope.messages.compactMap(\.ticketId)).subtracting(own)
        for row in try Row.fetchAll(
            db, sql: "SELECT id, copiedAddresses FROM ticket WHERE instr(lower(copiedAddresses), ?) > 0",
            arguments: [subject.value])
        {
            let id: Int64 = row["id"]
            let copied: String = row["copiedAddresses"]
            if !own.contains(id), copied.lowercased().split(separator: " ").contains(where: { $0 == subject.value }) {
                otherIDs.insert(id)
            }
        }
        scope.otherTickets = try TicketRecord.fetchAll(
            db, sql: "SELECT * FROM ticket WHERE id IN (\(sqlList(otherIDs))) ORDER BY number")

        scope.answers = try OutboxRecord.fetchAll(
            db, sql: "SELECT * FROM outbox WHERE lower(recipient) = ? ORDER BY id", arguments: [subject.value])
        let answerCandidates = try OutboxRecord.fetchAll(
            db,
            sql: "SELECT * FROM outbox WHERE (id IN (\(sqlList(scan.outboxIDs))) OR id > ?) AND lower(recipient) <> ?",
            arguments: [scan.lastOutboxID, subject.value])
        for answer in answerCandidates where scrubber.answerMentions([UInt8](answer.raw)) {
            scope.answersMentioning.insert(answer.id!)
        }
        return scope
    }
}

/// Row ids written into SQL as a list of integer literals for `IN (…)` (no variable limit; integers
/// cannot inject). An empty list is SQLite's empty `IN ()`: never true, and `NOT IN ()` always true.
func sqlList(_ ids: some Collection<Int64>) -> String {
    ids.sorted().map(String.init).joined(separator: ",")
}
