import Foundation
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

    static func run(_ snapshot: any TicketSnapshot, for subject: SubjectAddress) throws -> MentionScan {
        var scan = MentionScan()
        let scrubber = HeaderScrubber(address: subject, names: [])
        try snapshot.forEachMessage { id, from, raw in
            scan.lastMessageID = max(scan.lastMessageID, id)
            if from.lowercased() == subject.value || subject.pattern.occurs(in: ByteCase.lowered(raw))
                || scrubber.headerMentions(raw)
            {
                scan.messageIDs.insert(id)
            }
        }
        try snapshot.forEachAnswer { id, recipient, raw in
            scan.lastOutboxID = max(scan.lastOutboxID, id)
            if recipient.lowercased() == subject.value || scrubber.answerMentions(raw) {
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

    static func collect(
        _ snapshot: any TicketSnapshot, subject: SubjectAddress, scan: MentionScan
    ) throws
        -> SubjectScope
    {
        var scope = SubjectScope(subject: subject)
        scope.ownTickets = try snapshot.tickets(reportedBy: subject.value)
        for ticket in scope.ownTickets {
            if let name = ticket.reporterName, HeaderScrubber.isUsableName(name, address: subject),
                !scope.names.contains(name)
            {
                scope.names.append(name)
            }
        }

        // Candidates: what the scan found, what arrived since, and anything sent from the address.
        let candidates = try snapshot.messages(
            ids: scan.messageIDs, orAfter: scan.lastMessageID, orFrom: subject.value)
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
        for (id, copied) in try snapshot.copiedAddresses(containing: subject.value) {
            if !own.contains(id), copied.lowercased().split(separator: " ").contains(where: { $0 == subject.value }) {
                otherIDs.insert(id)
            }
        }
        scope.otherTickets = try snapshot.tickets(ids: otherIDs)

        scope.answers = try snapshot.answers(to: subject.value)
        let answerCandidates = try snapshot.answers(
            ids: scan.outboxIDs, orAfter: scan.lastOutboxID, notTo: subject.value)
        for answer in answerCandidates where scrubber.answerMentions([UInt8](answer.raw)) {
            scope.answersMentioning.insert(answer.id!)
        }
        return scope
    }
}
