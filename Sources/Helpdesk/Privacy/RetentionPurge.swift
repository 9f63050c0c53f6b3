import Foundation
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
        store: any TicketStore, now: Int64, days: Int, batchSize: Int = 100, dryRun: Bool = false
    ) throws -> PurgeReport {
        precondition(batchSize > 0 && days > 0)
        let cutoff = now - Int64(days) * 86_400
        var report = PurgeReport(dryRun: dryRun, days: days, cutoff: cutoff)
        if dryRun {
            try store.snapshot { snapshot in try plan(snapshot, cutoff: cutoff, batchSize: batchSize, into: &report) }
            return report
        }

        // Expired tickets, oldest first.
        while true {
            let batch = try store.transaction { transaction in
                try purgeTickets(transaction, cutoff: cutoff, limit: batchSize)
            }
            guard !batch.tickets.isEmpty else { break }
            report.add(batch)
            report.ticketBatches.append(batch.tickets.count)
            if batch.tickets.count < batchSize { break }
        }
        // Automated mail filed on no ticket.
        while true {
            let batch = try store.transaction { transaction in
                try purgeLooseMessages(transaction, cutoff: cutoff, limit: batchSize)
            }
            guard batch.messages > 0 else { break }
            report.add(batch)
            report.messageBatches.append(batch.messages)
            if batch.messages < batchSize { break }
        }
        // Content nothing refers to any more (also what an earlier, interrupted run left).
        while true {
            let deleted = try store.transaction { try $0.deleteUnreferencedAttachments(limit: batchSize) }
            guard deleted > 0 else { break }
            report.attachments += deleted
            report.attachmentBatches.append(deleted)
            if deleted < batchSize { break }
        }
        if report.deletedAnything {
            let detail = report.summary
            try store.transaction { transaction in
                try transaction.record(EventRecord(at: now, kind: .retentionPurged, detail: detail))
            }
            report.logTruncated = try store.truncateLog()
        }
        return report
    }

    private static func purgeTickets(
        _ transaction: any TicketTransaction, cutoff: Int64, limit: Int
    ) throws
        -> PurgeCounts
    {
        let tickets = try transaction.expiredTickets(before: cutoff, limit: limit)
        guard !tickets.isEmpty else { return PurgeCounts() }
        let ids = Set(tickets.map(\.id))
        var batch = try transaction.dependents(ofTickets: ids)
        batch.tickets = tickets
        try transaction.deleteTickets(ids: ids)
        return batch
    }

    private static func purgeLooseMessages(
        _ transaction: any TicketTransaction, cutoff: Int64, limit: Int
    ) throws
        -> PurgeCounts
    {
        let ids = Set(try transaction.looseMessageIDs(before: cutoff, limit: limit))
        var batch = PurgeCounts()
        guard !ids.isEmpty else { return batch }
        batch.messages = ids.count
        batch.looseMessages = ids.count
        batch.events = try transaction.looseEventCount(aboutAnyOf: ids)
        try transaction.deleteLooseEvents(aboutAnyOf: ids)
        try transaction.deleteMessages(ids: ids)
        return batch
    }

    /// The dry run: everything a real run would delete now, counted on one snapshot.
    private static func plan(
        _ snapshot: any TicketSnapshot, cutoff: Int64, batchSize: Int, into report: inout PurgeReport
    ) throws {
        let tickets = try snapshot.expiredTickets(before: cutoff, limit: nil)
        let ids = Set(tickets.map(\.id))
        var batch = try snapshot.dependents(ofTickets: ids)
        batch.tickets = tickets
        let loose = Set(try snapshot.looseMessageIDs(before: cutoff, limit: nil))
        batch.messages += loose.count
        batch.looseMessages = loose.count
        batch.events += try snapshot.looseEventCount(aboutAnyOf: loose)
        report.add(batch)
        report.ticketBatches = chunks(tickets.count, batchSize)
        report.messageBatches = chunks(loose.count, batchSize)
        // Content referred to by no message that stays.
        report.attachments = try snapshot.orphanedAttachmentCount(ifDeleting: ids, andMessages: loose)
        report.attachmentBatches = chunks(report.attachments, batchSize)
    }

    private static func chunks(_ count: Int, _ size: Int) -> [Int] {
        stride(from: 0, to: count, by: size).map { min(size, count - $0) }
    }
}

/// What a purge deleted, or would delete.
public struct PurgeReport: Sendable {
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

    mutating func add(_ batch: PurgeCounts) {
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
            + "last changed before \(Timestamp.iso(cutoff)) (retention \(days) days)"
    }

    public var json: JSONValue {
        .object([
            ("dry_run", .bool(dryRun)), ("retention_days", .int(days)), ("cutoff", .string(Timestamp.iso(cutoff))),
            (
                "tickets",
                .array(
                    tickets.map { ticket in
                        .object([
                            ("ref", .string(ticket.ref)), ("status", .string(ticket.status.rawValue)),
                            ("updated_at", .string(Timestamp.iso(ticket.updatedAt))),
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
