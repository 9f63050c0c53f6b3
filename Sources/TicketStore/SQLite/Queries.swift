import Foundation
import GRDB
import GRDBSQLite
import Incident

// Reusable filters as request extensions (GRDB's RecordRecommendedPractices): callers say what they want
// (`.queued`, `.answered`), not how.

extension DerivableRequest<OutboxRecord> {
    /// Answers waiting to be sent.
    func queued() -> Self { filter(OutboxRecord.Columns.status == OutboxStatus.queued) }
}

extension DerivableRequest<TicketRecord> {
    /// Open tickets past their due time at `now`.
    func overdue(at now: Int64) -> Self {
        filter(TicketRecord.Columns.status == TicketStatus.open && TicketRecord.Columns.dueAt < now)
    }

    func orderedByNumber() -> Self { order(TicketRecord.Columns.number) }
}

extension OutboxRecord {
    /// The states of an answer that went, or is going, out: what the caps count.
    static let answered =
        "('\(OutboxStatus.queued.rawValue)', '\(OutboxStatus.sent.rawValue)', '\(OutboxStatus.failed.rawValue)')"
    /// `kind NOT IN (…)` for the mail to staff (notifications, bounces): the answer caps protect customers' inboxes
    /// and count only what reaches them.
    static let toCustomers =
        "kind NOT IN (" + AnswerKind.allCases.filter(\.isToStaff).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        + ")"

    /// The answer caps' counts: overall, per mailbox and per domain, each over the last hour or day. They run on
    /// every ingest, so each must be answered from an index alone (`v6-outbox-cap-covering-indexes`).
    static let capCounts = [
        "SELECT COUNT(*) FROM outbox WHERE createdAt >= ? AND status IN \(answered) AND \(toCustomers)",
        "SELECT COUNT(*) FROM outbox WHERE recipientMailbox = ? AND createdAt >= ? AND status IN \(answered) AND "
            + toCustomers,
        "SELECT COUNT(*) FROM outbox WHERE recipientDomain = ? AND createdAt >= ? AND status IN \(answered) AND "
            + toCustomers,
    ]
}

/// `column IN (1,2,3)` for row ids written as integer literals (no variable limit; integers cannot inject), or
/// the constant it amounts to for no ids at all (an empty `IN ()` is SQLite's own dialect).
func sqlIn(_ column: String, _ ids: some Collection<Int64>) -> String {
    ids.isEmpty ? "0" : "\(column) IN (\(ids.sorted().map(String.init).joined(separator: ",")))"
}

/// `column NOT IN (…)`, or true for no ids.
func sqlNotIn(_ column: String, _ ids: some Collection<Int64>) -> String {
    ids.isEmpty ? "1" : "\(column) NOT IN (\(ids.sorted().map(String.init).joined(separator: ",")))"
}

/// A JSON array of strings, for `json_each(?)`: a list of any length as one argument.
func jsonArray(_ strings: [String]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: strings)) ?? Data("[]".utf8)
    return String(decoding: data, as: UTF8.self)
}

/// The store's reads and writes on one SQLite connection, inside the access `SQLiteTicketStore` opened (a
/// snapshot or a transaction). The queries that run for every email, several times, use cached statements:
/// they skip building and compiling their SQL each time (GRDB's query interface does both on every call).
struct SQLiteAccess: TicketTransaction {
    let db: Database

    init(_ db: Database) { self.db = db }

    private func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
    }

    // MARK: Tickets

    func ticket(ref: String) throws -> TicketRecord? {
        try TicketRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM ticket WHERE ref = ?"), arguments: [ref.uppercased()])
    }

    func ticket(id: Int64) throws -> TicketRecord? {
        try TicketRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket WHERE id = ?"), arguments: [id])
    }

    func tickets(status: TicketStatus?, severity: Severity?) throws -> [TicketRecord] {
        var request = TicketRecord.all()
        if let status { request = request.filter(TicketRecord.Columns.status == status) }
        if let severity { request = request.filter(TicketRecord.Columns.severity == severity) }
        return try request.orderedByNumber().fetchAll(db)
    }

    func tickets(ids: Set<Int64>) throws -> [TicketRecord] {
        try TicketRecord.fetchAll(db, sql: "SELECT * FROM ticket WHERE \(sqlIn("id", ids)) ORDER BY number")
    }

    func ticketRefs() throws -> [Int64: String] {
        try Dictionary(
            TicketRecord.select(TicketRecord.Columns.id, TicketRecord.Columns.ref).asRequest(of: Row.self).fetchAll(db)
                .map { (row: Row) -> (Int64, String) in (row[TicketRecord.Columns.id], row[TicketRecord.Columns.ref]) },
            uniquingKeysWith: { first, _ in first })
    }

    func currentFieldValues(ticketID: Int64) throws -> [String: FieldValueRecord] {
        let rows = try FieldValueRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM fieldValue WHERE ticketId = ? AND current = 1"),
            arguments: [ticketID])
        return Dictionary(rows.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func fieldValues(ticketID: Int64) throws -> [FieldValueRecord] {
        try FieldValueRecord.filter(FieldValueRecord.Columns.ticketId == ticketID).order(FieldValueRecord.Columns.id)
            .fetchAll(db)
    }

    func events(ticketID: Int64) throws -> [EventRecord] {
        try EventRecord.filter(EventRecord.Columns.ticketId == ticketID).order(EventRecord.Columns.id).fetchAll(db)
    }

    // MARK: Messages

    func hasMessage(from source: MessageSource) throws -> Bool {
        guard case .imap(let mailbox, let uidValidity, let uid) = source else { return false }
        return try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM message
                                   WHERE sourceMailbox = ? AND sourceUIDValidity = ? AND sourceUID = ?)
                    """), arguments: [mailbox, uidValidity, uid]) ?? false
    }

    func hasMessage(messageID: String?, sha256: String) throws -> Bool {
        guard let messageID else {
            return try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT EXISTS (SELECT 1 FROM message WHERE sha256 = ? AND direction = 'in')"),
                arguments: [sha256]) ?? false
        }
        return try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM message WHERE sha256 = ? AND direction = 'in' AND messageID = ?)"),
            arguments: [sha256, messageID]) ?? false
    }

    func inboundCopy(messageID: String, authorSHA256: String) throws -> StoredCopy? {
        // By the Message-ID's index: few rows share one, and the digest picks among them. Only a copy that made a
        // ticket counts: one taken as machine mail or spam (a stranger's re-send with "Auto-Submitted", a list's
        // copy) must not make the customer's own copy "another copy" of nothing.
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id, ticketId, sourceMailbox FROM message
                    WHERE messageID = ? AND authorSHA256 = ? AND direction = 'in' AND ticketId IS NOT NULL
                    ORDER BY id LIMIT 1
                    """), arguments: [messageID, authorSHA256]
        ).map { row in StoredCopy(messageID: row["id"], ticketID: row["ticketId"], sourceMailbox: row["sourceMailbox"])
        }
    }

    func ticketID(ofNewestMessageAmong messageIDs: [String]) throws -> Int64? {
        guard !messageIDs.isEmpty else { return nil }
        let sql = """
            SELECT ticketId FROM message
            WHERE messageID IN (\(Array(repeating: "?", count: messageIDs.count).joined(separator: ",")))
              AND ticketId IS NOT NULL
            ORDER BY id DESC LIMIT 1
            """
        // Replies name a handful of references; a hostile list of thousands must not fill the statement cache.
        let statement = messageIDs.count <= 8 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        return try Int64.fetchOne(statement, arguments: StatementArguments(messageIDs))
    }

    func message(id: Int64) throws -> MessageRecord? {
        try MessageRecord.fetchOne(db, key: id)
    }

    func messages(ticketID: Int64) throws -> [MessageRecord] {
        try MessageRecord.filter(MessageRecord.Columns.ticketId == ticketID).order(MessageRecord.Columns.id)
            .fetchAll(db)
    }

    func attachmentLinks(messageIDs: Set<Int64>) throws -> [MessageAttachmentRecord] {
        try MessageAttachmentRecord.fetchAll(
            db, sql: "SELECT * FROM messageAttachment WHERE \(sqlIn("messageId", messageIDs)) ORDER BY id")
    }

    func attachment(sha256: String) throws -> AttachmentRecord? {
        try AttachmentRecord.fetchOne(db, key: sha256)
    }

    func attachmentSizes(sha256s: Set<String>) throws -> [String: Int64] {
        try Dictionary(
            AttachmentRecord.select(AttachmentRecord.Columns.sha256, AttachmentRecord.Columns.size)
                .filter(Array(sha256s).contains(AttachmentRecord.Columns.sha256)).asRequest(of: Row.self).fetchAll(db)
                .map { (row: Row) -> (String, Int64) in
                    (row[AttachmentRecord.Columns.sha256], row[AttachmentRecord.Columns.size])
                },
            uniquingKeysWith: { first, _ in first })
    }

    // MARK: Outbox

    func answers() throws -> [OutboxRecord] {
        try OutboxRecord.order(OutboxRecord.Columns.id).fetchAll(db)
    }

    func answer(id: Int64) throws -> OutboxRecord? {
        try OutboxRecord.fetchOne(db, key: id)
    }

    func answers(ticketID: Int64) throws -> [OutboxRecord] {
        try OutboxRecord.filter(OutboxRecord.Columns.ticketId == ticketID).order(OutboxRecord.Columns.id).fetchAll(db)
    }

    func dueAnswers(at now: Int64, limit: Int) throws -> [OutboxRecord] {
        try OutboxRecord.all().queued().filter(OutboxRecord.Columns.nextAttemptAt <= now)
            .order(OutboxRecord.Columns.nextAttemptAt, OutboxRecord.Columns.id).limit(limit).fetchAll(db)
    }

    func outboxBacklog() throws -> OutboxBacklog {
        let queued = OutboxRecord.all().queued()
        return OutboxBacklog(
            queued: try queued.fetchCount(db),
            nextAttemptAt: try Int64.fetchOne(db, queued.select(min(OutboxRecord.Columns.nextAttemptAt))))
    }

    func answerCount(toMailboxOf recipient: String, since: Int64) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: OutboxRecord.capCounts[1]), arguments: [OutboxRecord.mailboxKey(recipient), since])
            ?? 0
    }

    func answerCount(toDomainOf recipient: String, since: Int64) throws -> Int {
        let domain = OutboxRecord.domainKey(recipient)
        guard !domain.isEmpty else { return 0 }
        return try Int.fetchOne(
            db.cachedStatement(sql: OutboxRecord.capCounts[2]), arguments: [domain, since]) ?? 0
    }

    func answerCount(since: Int64) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: OutboxRecord.capCounts[0]), arguments: [since]) ?? 0
    }

    func answerCount(kind: AnswerKind, ticketID: Int64, since: Int64) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM outbox
                    WHERE kind = ? AND ticketId = ? AND createdAt >= ? AND status IN \(OutboxRecord.answered)
                    """), arguments: [kind, ticketID, since]) ?? 0
    }

    // MARK: Intake state and health

    func mailboxState(_ mailbox: String) throws -> MailboxStateRecord? {
        try MailboxStateRecord.fetchOne(db, key: mailbox)
    }

    func summary(now: Int64) throws -> StoreSummary {
        var summary = StoreSummary()
        summary.mailboxes = try MailboxStateRecord.fetchAll(db)
        let tickets = try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM ticket GROUP BY status")
        for status in TicketStatus.allCases { summary.tickets[status] = 0 }
        for row in tickets {
            if let status = TicketStatus(rawValue: row["status"]) { summary.tickets[status] = row["n"] }
        }
        let outbox = try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        for status in OutboxStatus.allCases { summary.outbox[status] = 0 }
        for row in outbox {
            if let status = OutboxStatus(rawValue: row["status"]) { summary.outbox[status] = row["n"] }
        }
        summary.oldestQueued = try OutboxRecord.all().queued().order(OutboxRecord.Columns.createdAt).fetchOne(db)
        summary.slaBreaches = try TicketRecord.all().overdue(at: now).order(TicketRecord.Columns.dueAt).fetchAll(db)
        summary.quarantined = try EventRecord.filter(EventRecord.Columns.kind == TicketEventKind.quarantined)
            .fetchCount(db)
        return summary
    }

    // MARK: Personal data

    func forEachMessage(_ visit: (Int64, String, [UInt8]) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, fromAddress, raw FROM message ORDER BY id")
        while let row = try rows.next() {
            try visit(row["id"], row["fromAddress"], [UInt8](row["raw"] as Data))
        }
    }

    func forEachAnswer(_ visit: (Int64, String, [UInt8]) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, recipient, raw FROM outbox ORDER BY id")
        while let row = try rows.next() {
            try visit(row["id"], row["recipient"], [UInt8](row["raw"] as Data))
        }
    }

    /// The store's tables (SQLite's and the migrator's bookkeeping aside), with their columns.
    private func columns() throws -> [StoredColumn] {
        let tables = try String.fetchAll(
            db,
            sql: """
                SELECT name FROM sqlite_master
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY name
                """)
        return try tables.filter { !Schema.isDerived(table: $0) }.flatMap { table in
            try db.columns(in: table).map { StoredColumn(table: table, column: $0.name) }
        }
    }

    func forEachValue(_ visit: (StoredValue) throws -> Void) throws {
        for column in try columns() {
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT rowid AS rid, \(column.column.quotedDatabaseIdentifier) AS value "
                    + "FROM \(column.table.quotedDatabaseIdentifier)")
            while let row = try rows.next() {
                let value: DatabaseValue = row["value"]
                let content: StoredValue.Content
                switch value.storage {
                case .string(let text): content = .text(text)
                case .blob(let data): content = .bytes([UInt8](data))
                default: continue
                }
                try visit(StoredValue(column: column, rowID: row["rid"], content: content))
            }
        }
    }

    func tickets(reportedBy address: String) throws -> [TicketRecord] {
        try TicketRecord.fetchAll(
            db, sql: "SELECT * FROM ticket WHERE lower(reporterAddress) = ? ORDER BY number", arguments: [address])
    }

    func copiedAddresses(containing address: String) throws -> [(id: Int64, copied: String)] {
        try Row.fetchAll(
            db, sql: "SELECT id, copiedAddresses FROM ticket WHERE instr(lower(copiedAddresses), ?) > 0",
            arguments: [address]
        ).map { row in (row["id"], row["copiedAddresses"]) }
    }

    func messages(ids: Set<Int64>, orAfter afterID: Int64, orFrom address: String) throws -> [MessageRecord] {
        try MessageRecord.fetchAll(
            db,
            sql: "SELECT * FROM message WHERE \(sqlIn("id", ids)) OR id > ? OR lower(fromAddress) = ? ORDER BY id",
            arguments: [afterID, address])
    }

    func messages(ids: Set<Int64>) throws -> [MessageRecord] {
        try MessageRecord.fetchAll(db, sql: "SELECT * FROM message WHERE \(sqlIn("id", ids)) ORDER BY id")
    }

    func messageIDs(onTickets tickets: Set<Int64>) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: "SELECT id FROM message WHERE \(sqlIn("ticketId", tickets))"))
    }

    func messageIDs(from address: String, notOnTickets tickets: Set<Int64>) throws -> Set<Int64> {
        Set(
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM message
                    WHERE lower(fromAddress) = ? AND (ticketId IS NULL OR \(sqlNotIn("ticketId", tickets)))
                    """,
                arguments: [address]))
    }

    func answers(to address: String) throws -> [OutboxRecord] {
        try OutboxRecord.fetchAll(
            db, sql: "SELECT * FROM outbox WHERE lower(recipient) = ? ORDER BY id", arguments: [address])
    }

    func answers(ids: Set<Int64>, orAfter afterID: Int64, notTo address: String) throws -> [OutboxRecord] {
        try OutboxRecord.fetchAll(
            db,
            sql: "SELECT * FROM outbox WHERE (\(sqlIn("id", ids)) OR id > ?) AND lower(recipient) <> ? ORDER BY id",
            arguments: [afterID, address])
    }

    func answerIDs(onTickets tickets: Set<Int64>) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM outbox WHERE \(sqlIn("ticketId", tickets)) ORDER BY id")
    }

    func answerTicketIDs(to address: String, notOnTickets tickets: Set<Int64>) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT ticketId FROM outbox
                WHERE lower(recipient) = ? AND ticketId IS NOT NULL AND \(sqlNotIn("ticketId", tickets))
                """,
            arguments: [address])
    }

    func events(messageID: Int64) throws -> [EventRecord] {
        try EventRecord.filter(EventRecord.Columns.messageId == messageID).order(EventRecord.Columns.id).fetchAll(db)
    }

    func events(kind: TicketEventKind, since: Int64) throws -> [EventRecord] {
        try EventRecord.filter(EventRecord.Columns.kind == kind && EventRecord.Columns.at >= since)
            .order(EventRecord.Columns.id).fetchAll(db)
    }

    func events(ticketID: Int64, aboutAnyOf messages: Set<Int64>) throws -> [EventRecord] {
        try EventRecord.filter(
            EventRecord.Columns.ticketId == ticketID && Array(messages).contains(EventRecord.Columns.messageId)
        ).order(EventRecord.Columns.id).fetchAll(db)
    }

    func fieldValues(ticketID: Int64, suppliedByAnyOf messages: Set<Int64>) throws -> [FieldValueRecord] {
        try FieldValueRecord.filter(
            FieldValueRecord.Columns.ticketId == ticketID
                && Array(messages).contains(FieldValueRecord.Columns.messageId)
        ).order(FieldValueRecord.Columns.id).fetchAll(db)
    }

    func fieldValues(
        suppliedByAnyOf messages: Set<Int64>, notOnTickets tickets: Set<Int64>
    ) throws
        -> [FieldValueRecord]
    {
        try FieldValueRecord.fetchAll(
            db,
            sql: "SELECT * FROM fieldValue WHERE \(sqlIn("messageId", messages)) AND \(sqlNotIn("ticketId", tickets))"
        )
    }

    func attachmentDigests(ofMessages messages: Set<Int64>) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT DISTINCT sha256 FROM messageAttachment WHERE \(sqlIn("messageId", messages))")
    }

    func attachmentDigests(among digests: [String], carriedOutside messages: Set<Int64>) throws -> Set<String> {
        try String.fetchSet(
            db,
            sql: """
                SELECT DISTINCT sha256 FROM messageAttachment
                WHERE \(sqlNotIn("messageId", messages)) AND sha256 IN (SELECT value FROM json_each(?))
                """,
            arguments: [jsonArray(digests)])
    }

    func dependents(ofTickets tickets: Set<Int64>) throws -> PurgeCounts {
        func count(_ table: String) throws -> Int {
            try self.count("SELECT COUNT(*) FROM \(table) WHERE \(sqlIn("ticketId", tickets))")
        }
        var counts = PurgeCounts()
        counts.messages = try count("message")
        counts.outboxRows = try count("outbox")
        counts.fieldValues = try count("fieldValue")
        counts.events = try count("event")
        return counts
    }

    func eventCount(onTickets tickets: Set<Int64>, orLooseAbout messages: Set<Int64>) throws -> Int {
        try count(
            """
            SELECT COUNT(*) FROM event
            WHERE \(sqlIn("ticketId", tickets)) OR (ticketId IS NULL AND \(sqlIn("messageId", messages)))
            """)
    }

    func answerCount(onTickets tickets: Set<Int64>, orTo address: String) throws -> Int {
        try count(
            "SELECT COUNT(*) FROM outbox WHERE \(sqlIn("ticketId", tickets)) OR lower(recipient) = ?", [address])
    }

    // MARK: Retention

    func expiredTickets(before cutoff: Int64, limit: Int?) throws -> [ExpiredTicket] {
        let expiring = [TicketStatus.resolved, .closed, .redirected].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Row.fetchAll(
            db,
            sql: """
                SELECT id, ref, status, updatedAt FROM ticket
                WHERE status IN (\(expiring)) AND updatedAt < ?
                ORDER BY updatedAt, id LIMIT ?
                """,
            arguments: [cutoff, limit ?? -1]
        ).map { row in ExpiredTicket(id: row["id"], ref: row["ref"], status: row["status"], updatedAt: row["updatedAt"])
        }
    }

    func looseMessageIDs(before cutoff: Int64, limit: Int?) throws -> [Int64] {
        try Int64.fetchAll(
            db,
            sql: """
                SELECT id FROM message WHERE ticketId IS NULL AND direction = 'in' AND receivedAt < ?
                ORDER BY receivedAt, id LIMIT ?
                """,
            arguments: [cutoff, limit ?? -1])
    }

    func looseEventCount(aboutAnyOf messages: Set<Int64>) throws -> Int {
        try count("SELECT COUNT(*) FROM event WHERE ticketId IS NULL AND \(sqlIn("messageId", messages))")
    }

    func orphanedAttachmentCount(ifDeleting tickets: Set<Int64>, andMessages messages: Set<Int64>) throws -> Int {
        try count(
            """
            SELECT COUNT(*) FROM attachment WHERE NOT EXISTS (
                SELECT 1 FROM messageAttachment JOIN message ON message.id = messageAttachment.messageId
                WHERE messageAttachment.sha256 = attachment.sha256
                AND (message.ticketId IS NULL OR \(sqlNotIn("message.ticketId", tickets)))
                AND \(sqlNotIn("message.id", messages)))
            """)
    }

    // MARK: Writes

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        return result!
    }

    func insertMessage(_ message: MessageRecord, attachments: [StoredAttachment]) throws -> MessageRecord {
        var record = message
        try record.insert(db)
        for attachment in attachments {
            try storeAttachment(sha256: attachment.sha256, contentType: attachment.contentType, bytes: attachment.bytes)
            var link = attachment.link
            link.messageId = record.id!
            try link.insert(db)
        }
        return record
    }

    /// Stores attachment content unless the same bytes are stored already.
    func storeAttachment(sha256: String, contentType: String, bytes: [UInt8]) throws {
        // The bytes are bound in place, like a raw email's: no copies of a large attachment.
        try db.executeBindingBlob(
            sql: "INSERT OR IGNORE INTO attachment (sha256, contentType, size, bytes) VALUES (?1, ?2, ?3, ?4)",
            blob: bytes, arguments: [sha256, contentType, bytes.count])
    }

    func storeRaw(_ bytes: [UInt8], messageID: Int64) throws {
        // Through a `Data` value the bytes would be copied twice more before SQLite builds the row (into the
        // `Data`, then by GRDB's transient binding): for a 50 MB email that is 100 MB more peak memory.
        try db.executeBindingBlob(sql: "UPDATE message SET raw = ?2 WHERE id = ?1", blob: bytes, arguments: [messageID])
    }

    func insertMessageUnlessKnown(_ message: MessageRecord) throws -> Int64? {
        var record = message
        try record.insert(db, onConflict: .ignore)
        return record.id
    }

    func file(messageID: Int64, onTicket ticketID: Int64) throws {
        // Only the ticket column: updating the whole row would write the raw email, attachments and all, into the
        // database a second time.
        try db.cachedStatement(sql: "UPDATE message SET ticketId = ? WHERE id = ?").execute(arguments: [
            ticketID, messageID,
        ])
    }

    func nextTicketNumber() throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(number) FROM ticket") ?? 0) + 1
    }

    func insert(_ ticket: TicketRecord) throws -> TicketRecord {
        var record = ticket
        try record.insert(db)
        return record
    }

    func update(_ ticket: TicketRecord) throws {
        try ticket.update(db)
    }

    @discardableResult
    func setField(
        _ field: String, to value: String, source: String, ticketID: Int64, messageID: Int64?, at: Int64
    ) throws
        -> (changed: Bool, previous: String?)
    {
        let previous = try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM fieldValue WHERE ticketId = ? AND field = ? AND current = 1"),
            arguments: [ticketID, field])
        if previous == value { return (false, previous) }
        if previous != nil {
            try db.cachedStatement(
                sql: "UPDATE fieldValue SET current = 0 WHERE ticketId = ? AND field = ? AND current = 1"
            ).execute(arguments: [ticketID, field])
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO fieldValue (ticketId, messageId, field, value, recordedAt, current, source)
                VALUES (?, ?, ?, ?, ?, 1, ?)
                """
        ).execute(arguments: [ticketID, messageID, field, value, at, source])
        return (true, previous)
    }

    func record(_ event: EventRecord) throws {
        try db.cachedStatement(sql: "INSERT INTO event (ticketId, messageId, at, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [event.ticketId, event.messageId, event.at, event.kind, event.detail])
    }

    func queue(_ answer: OutboxRecord) throws -> OutboxRecord {
        var record = answer
        try record.insert(db)
        return record
    }

    func saveMailboxState(_ state: MailboxStateRecord) throws {
        try state.save(db)
    }

    func recordDeliveries(_ deliveries: [OutboxDelivery]) throws {
        for delivery in deliveries {
            switch delivery {
            case .attempt(let id):
                try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", arguments: [id])
            case .delivered(let id, let at):
                // Only a queued answer becomes sent: folding the same entry twice records it once.
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            UPDATE outbox SET status = 'sent', sentAt = ?, lastError = NULL
                            WHERE id = ? AND status = 'queued' RETURNING kind, ticketId
                            """, arguments: [at, id])
                else { continue }
                try record(
                    EventRecord(
                        ticketId: row["ticketId"], at: at, kind: .answerSent,
                        detail: (row["kind"] as AnswerKind).rawValue
                    ))
            }
        }
    }

    func recordDeliveryFailure(_ failure: DeliveryFailureRecord) throws {
        let answer = failure.answer
        let detail = "\(answer.kind.rawValue): \(failure.reason)"
        if failure.givingUp {
            try db.execute(
                sql: "UPDATE outbox SET status = 'failed', lastError = ? WHERE id = ?",
                arguments: [failure.reason, answer.id])
            try record(EventRecord(ticketId: answer.ticketId, at: failure.at, kind: .answerFailed, detail: detail))
        } else {
            try db.execute(
                sql: "UPDATE outbox SET nextAttemptAt = ?, lastError = ? WHERE id = ?",
                arguments: [failure.nextAttemptAt, failure.reason, answer.id])
            if answer.attempts + 1 == 1 {
                try record(
                    EventRecord(ticketId: answer.ticketId, at: failure.at, kind: .answerRetrying, detail: detail))
            }
        }
    }

    func update(_ message: MessageRecord) throws {
        try message.update(db)
    }

    func update(_ answer: OutboxRecord) throws {
        try answer.update(db)
    }

    func deleteTickets(ids: Set<Int64>) throws {
        try db.execute(sql: "DELETE FROM ticket WHERE \(sqlIn("id", ids))")
    }

    func deleteMessages(ids: Set<Int64>) throws {
        try db.execute(sql: "DELETE FROM message WHERE \(sqlIn("id", ids))")
    }

    func deleteFieldValues(ids: Set<Int64>) throws {
        try db.execute(sql: "DELETE FROM fieldValue WHERE \(sqlIn("id", ids))")
    }

    func restoreNewestValue(of field: String, ticketID: Int64) throws {
        try db.execute(
            sql: """
                UPDATE fieldValue SET current = 1 WHERE id = (
                    SELECT MAX(id) FROM fieldValue WHERE ticketId = ? AND field = ?)
                """,
            arguments: [ticketID, field])
    }

    func deleteLooseEvents(aboutAnyOf messages: Set<Int64>) throws {
        try db.execute(sql: "DELETE FROM event WHERE ticketId IS NULL AND \(sqlIn("messageId", messages))")
    }

    func deleteAnswers(to address: String, notOnTickets tickets: Set<Int64>) throws {
        try db.execute(
            sql:
                "DELETE FROM outbox WHERE lower(recipient) = ? AND (ticketId IS NULL OR \(sqlNotIn("ticketId", tickets)))",
            arguments: [address])
    }

    func deleteUnreferencedAttachments(among digests: [String]) throws {
        try db.execute(
            sql: """
                DELETE FROM attachment WHERE sha256 IN (SELECT value FROM json_each(?))
                AND NOT EXISTS (SELECT 1 FROM messageAttachment WHERE messageAttachment.sha256 = attachment.sha256)
                """,
            arguments: [jsonArray(digests)])
    }

    func deleteUnreferencedAttachments(limit: Int) throws -> Int {
        try db.execute(
            sql: """
                DELETE FROM attachment WHERE sha256 IN (
                    SELECT sha256 FROM attachment WHERE NOT EXISTS (
                        SELECT 1 FROM messageAttachment WHERE messageAttachment.sha256 = attachment.sha256)
                    LIMIT ?)
                """,
            arguments: [limit])
        return db.changesCount
    }

    func replaceTextValues(containing needle: String, _ replace: (StoredColumn, String) -> String?) throws -> Int {
        var changed = 0
        for column in try columns() {
            let quoted = column.column.quotedDatabaseIdentifier
            let table = column.table.quotedDatabaseIdentifier
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT rowid AS rid, \(quoted) AS value FROM \(table) "
                    + "WHERE typeof(\(quoted)) = 'text' AND (instr(lower(\(quoted)), ?) > 0 OR instr(\(quoted), '%') > 0)",
                arguments: [needle])
            for row in rows {
                guard let clean = replace(column, row["value"]) else { continue }
                try db.execute(
                    sql: "UPDATE \(table) SET \(quoted) = ? WHERE rowid = ?", arguments: [clean, row["rid"] as Int64])
                changed += 1
            }
        }
        return changed
    }
}

extension Database {
    /// Runs a cached statement whose last parameter is `blob`, bound in place (`SQLITE_STATIC`: SQLite reads the
    /// caller's buffer, which outlives the step) after `arguments`, which take the parameters before it.
    func executeBindingBlob(sql: String, blob: [UInt8], arguments: StatementArguments) throws {
        let statement = try cachedStatement(sql: sql)
        try statement.setArguments(arguments + [DatabaseValue.null])
        let handle = statement.sqliteStatement
        let index = sqlite3_bind_parameter_count(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = blob.withUnsafeBytes { buffer -> CInt in
            var code =
                buffer.isEmpty
                ? sqlite3_bind_zeroblob(handle, index, 0)
                : sqlite3_bind_blob(handle, index, buffer.baseAddress, CInt(buffer.count), nil)
            if code == SQLITE_OK { code = sqlite3_step(handle) }
            return code
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)),
                sql: sql)
        }
    }
}
