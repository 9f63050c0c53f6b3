import Foundation
import GRDB
public import TicketStore

/// Deletes what is older than the retention period (`[retention] days`), in bounded batches.
///
/// - Tickets whose status is resolved, closed or redirected (password reset) and whose last change
///   (`updatedAt`: resolving, closing, the reporter's last reply) is older than the retention period,
///   with everything on them (messages, attachment links, field values, events, answers). Open and
///   suspended tickets are never deleted silently: someone is working on them, or waiting for the
///   reporter; staff resolve or close them, and the period runs from then.
/// - Inbound messages filed on no ticket (automated mail: bounces, out-of-office replies) received
///   before the period, with the events about them.
/// - Attachment content that no message refers to any more.
///
/// Each batch of at most `batchSize` tickets (or messages, or attachments) is one transaction, so
/// the daemon's intake waits for one short batch at most, and a crash keeps every finished batch.
/// The daemon calls `run` once a day; `helpdeskd purge` calls it now. `secure_delete` overwrites
/// what is deleted; afterwards the write-ahead log is truncated so no old page image survives there.
public enum RetentionPurge {
    /// The statuses whose tickets expire.
    public static let expiringStatuses: [TicketStatus] = [.resolved, .closed, .redirected]

    /// Purges (or, with `dryRun`, counts without changing anything) what expired before `now - days`.
    public static func run(
        store: TicketStore, now: Int64, days: Int, batchSize: Int = 100, dryRun: Bool = false
    ) throws -> PurgeReport {
        precondition(batchSize > 0 && days > 0)
        let cutoff = now - Int64(days) * 86_400
        var report = PurgeReport(dryRun: dryRun, days: days, cutoff: cutoff)
        if dryRun {
            try store.read { db in try plan(db, cutoff: cutoff, batchSize: batchSize, into: &report) }
            return report
        }

        // Expired tickets, oldest first.
        while true {
            let batch = try store.write { db in try purgeTickets(db, cutoff: cutoff, limit: batchSize) }
            guard !batch.tickets.isEmpty else { break }
            report.add(batch)
            report.ticketBatches.append(batch.tickets.count)
            if batch.tickets.count < batchSize { break }
        }
        // Automated mail filed on no ticket.
        while true {
            let batch = try store.write { db in try purgeLooseMessages(db, cutoff: cutoff, limit: batchSize) }
            guard batch.messages > 0 else { break }
            report.add(batch)
            report.messageBatches.append(batch.messages)
            if batch.messages < batchSize { break }
        }
        // Content nothing refers to any more (also what an earlier, interrupted run left).
        while true {
            let deleted = try store.write { db -> Int in
                try db.execute(
                    sql: """
                        DELETE FROM attachment WHERE sha256 IN (
                            SELECT sha256 FROM attachment WHERE NOT EXISTS (
                                SELECT 1 FROM messageAttachment WHERE messageAttachment.sha256 = attachment.sha256)
                            LIMIT ?)
                        """,
                    arguments: [batchSize])
                return db.changesCount
            }
            guard deleted > 0 else { break }
            report.attachments += deleted
            report.attachmentBatches.append(deleted)
            if deleted < batchSize { break }
        }
        if report.deletedAnything {
            let detail = report.summary
            try store.write { db in
                try EventRecord.record("retention-purged", detail: detail, ticketID: nil, at: now, db)
            }
            report.logTruncated = try store.truncateLog()
        }
        return report
    }

    private static let expiredTickets = """
        SELECT id, ref, status, updatedAt FROM ticket
        WHERE status IN ('resolved', 'closed', 'redirected') AND updatedAt < ?
        ORDER BY updatedAt, id
        """

    private static func purgeTickets(_ db: Database, cutoff: Int64, limit: Int) throws -> PurgeReport.Batch {
        let rows = try Row.fetchAll(db, sql: expiredTickets + " LIMIT ?", arguments: [cutoff, limit])
        var batch = PurgeReport.Batch()
        guard !rows.isEmpty else { return batch }
        batch.tickets = rows.map(PurgeReport.ExpiredTicket.init)
        let ids = sqlList(rows.map { $0["id"] as Int64 })
        try batch.count(db, ticketIDs: ids)
        try db.execute(sql: "DELETE FROM ticket WHERE id IN (\(ids))")
        return batch
    }

    private static let looseMessages = """
        SELECT id FROM message WHERE ticketId IS NULL AND direction = 'in' AND receivedAt < ? ORDER BY receivedAt, id
        """

    private static func purgeLooseMessages(_ db: Database, cutoff: Int64, limit: Int) throws -> PurgeReport.Batch {
        let ids = try Int64.fetchAll(db, sql: looseMessages + " LIMIT ?", arguments: [cutoff, limit])
        var batch = PurgeReport.Batch()
        guard !ids.isEmpty else { return batch }
        let list = sqlList(ids)
        batch.messages = ids.count
        batch.looseMessages = ids.count
        batch.events =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE ticketId IS NULL AND messageId IN (\(list))")
            ?? 0
        try db.execute(sql: "DELETE FROM event WHERE ticketId IS NULL AND messageId IN (\(list))")
        try db.execute(sql: "DELETE FROM message WHERE id IN (\(list))")
        return batch
    }

    /// The dry run: everything a real run would delete now, counted on one snapshot.
    private static func plan(_ db: Database, cutoff: Int64, batchSize: Int, into report: inout PurgeReport) throws {
        let rows = try Row.fetchAll(db, sql: expiredTickets, arguments: [cutoff])
        var batch = PurgeReport.Batch()
        batch.tickets = rows.map(PurgeReport.ExpiredTicket.init)
        let ids = sqlList(rows.map { $0["id"] as Int64 })
        try batch.count(db, ticketIDs: ids)
        let loose = try Int64.fetchAll(db, sql: looseMessages, arguments: [cutoff])
        let looseList = sqlList(loose)
        batch.messages += loose.count
        batch.looseMessages = loose.count
        batch.events +=
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM event WHERE ticketId IS NULL AND messageId IN (\(looseList))") ?? 0
        report.add(batch)
        report.ticketBatches = chunks(rows.count, batchSize)
        report.messageBatches = chunks(loose.count, batchSize)
        // Content referred to by no message that stays.
        report.attachments =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM attachment WHERE NOT EXISTS (
                        SELECT 1 FROM messageAttachment JOIN message ON message.id = messageAttachment.messageId
                        WHERE messageAttachment.sha256 = attachment.sha256
                        AND (message.ticketId IS NULL OR message.ticketId NOT IN (\(ids)))
                        AND message.id NOT IN (\(looseList)))
                    """) ?? 0
        report.attachmentBatches = chunks(report.attachments, batchSize)
    }

    private static func chunks(_ count: Int, _ size: Int) -> [Int] {
        stride(from: 0, to: count, by: size).map { min(size, count - $0) }
    }
}

/// What a purge deleted, or would delete.
public struct PurgeReport: Sendable {
    /// A ticket that expired.
    public struct ExpiredTicket: Sendable, Equatable {
        public var ref: String
        public var status: TicketStatus
        public var updatedAt: Int64

        init(_ row: Row) {
            ref = row["ref"]
            status = row["status"]
            updatedAt = row["updatedAt"]
        }
    }

    /// One transaction's work.
    struct Batch {
        var tickets: [ExpiredTicket] = []
        var messages = 0
        var looseMessages = 0
        var outboxRows = 0
        var fieldValues = 0
        var events = 0

        /// Counts what deleting the tickets `ticketIDs` (an SQL list) takes with it.
        mutating func count(_ db: Database, ticketIDs: String) throws {
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE ticketId IN (\(ticketIDs))") ?? 0
            }
            messages += try count("message")
            outboxRows += try count("outbox")
            fieldValues += try count("fieldValue")
            events += try count("event")
        }
    }

    public var dryRun: Bool
    public var days: Int
    /// Seconds since 1970: what changed last before this expired.
    public var cutoff: Int64
    public var tickets: [ExpiredTicket] = []
    /// Messages deleted: on the tickets, and filed on no ticket.
    public var messages = 0
    /// Of `messages`, those filed on no ticket.
    public var looseMessages = 0
    public var attachments = 0
    public var outboxRows = 0
    public var fieldValues = 0
    public var events = 0
    /// Tickets per transaction, in order (a dry run: how a real run would batch them now).
    public var ticketBatches: [Int] = []
    public var messageBatches: [Int] = []
    public var attachmentBatches: [Int] = []
    /// The write-ahead log was truncated afterwards (false when nothing was deleted or it was busy).
    public var logTruncated = false

    /// Write transactions that deleted something.
    public var transactions: Int { ticketBatches.count + messageBatches.count + attachmentBatches.count }

    var deletedAnything: Bool { !tickets.isEmpty || messages > 0 || attachments > 0 }

    mutating func add(_ batch: Batch) {
        tickets += batch.tickets
        messages += batch.messages
        looseMessages += batch.looseMessages
        outboxRows += batch.outboxRows
        fieldValues += batch.fieldValues
        events += batch.events
    }

    /// One line: counts and the period.
    public var summary: String {
        "\(counted(tickets.count, "ticket")), \(counted(messages, "message")) (\(looseMessages) on no ticket), "
            + "\(counted(attachments, "attachment")), \(counted(outboxRows, "outbox row")), "
            + "\(counted(fieldValues, "field value")), \(counted(events, "event")); "
            + "last changed before \(TicketViews.iso(cutoff)) (retention \(days) days)"
    }

    public var json: JSONValue {
        .object([
            ("dry_run", .bool(dryRun)), ("retention_days", .int(days)), ("cutoff", .string(TicketViews.iso(cutoff))),
            (
                "tickets",
                .array(
                    tickets.map { ticket in
                        .object([
                            ("ref", .string(ticket.ref)), ("status", .string(ticket.status.rawValue)),
                            ("updated_at", .string(TicketViews.iso(ticket.updatedAt))),
                        ])
                    })
            ),
            ("messages", .int(messages)), ("messages_without_ticket", .int(looseMessages)),
            ("attachments", .int(attachments)), ("outbox_rows", .int(outboxRows)), ("field_values", .int(fieldValues)),
            ("events", .int(events)), ("ticket_batches", .array(ticketBatches.map { .int($0) })),
            ("transactions", .int(transactions)),
        ])
    }
}
