import Foundation
public import GRDB
import GRDBSQLite

extension TicketRecord {
    /// The next ticket number (numbers are never reused, even after erasure: the sequence lives in SQLite).
    public static func nextNumber(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(number) FROM ticket") ?? 0) + 1
    }

    public static func find(ref: String, _ db: Database) throws -> TicketRecord? {
        try TicketRecord.filter(Column("ref") == ref.uppercased()).fetchOne(db)
    }

    public static func find(id: Int64, _ db: Database) throws -> TicketRecord? {
        try TicketRecord.fetchOne(db, key: id)
    }

    /// Whether `address` may update this ticket: the reporter or someone the reporter copied.
    public func accepts(_ address: String) -> Bool {
        let lower = address.lowercased()
        return lower == reporterAddress.lowercased() || copiedAddresses.split(separator: " ").contains { $0 == lower }
    }
}

extension MessageRecord {
    /// Whether a message from this IMAP position was already stored.
    public static func exists(mailbox: String, uidValidity: Int64, uid: Int64, _ db: Database) throws -> Bool {
        try MessageRecord.filter(
            Column("sourceMailbox") == mailbox && Column("sourceUIDValidity") == uidValidity
                && Column("sourceUID") == uid
        ).fetchCount(db) > 0
    }

    /// Whether the same message (same Message-ID and same bytes) was already stored, from any source.
    public static func exists(messageID: String?, sha256: String, _ db: Database) throws -> Bool {
        var request = MessageRecord.filter(Column("sha256") == sha256 && Column("direction") == "in")
        if let messageID { request = request.filter(Column("messageID") == messageID) }
        return try request.fetchCount(db) > 0
    }

    /// Writes the raw email of a message inserted with an empty `raw`, binding `bytes` in place.
    ///
    /// Through a `Data` value the bytes would be copied twice more before SQLite builds the row (into the
    /// `Data`, then by GRDB's transient binding): for a 50 MB email that is 100 MB more peak memory. Here SQLite
    /// reads the caller's buffer directly (`SQLITE_STATIC`), which stays valid until the statement has run.
    public static func storeRaw(_ bytes: [UInt8], messageID: Int64, _ db: Database) throws {
        let statement = try db.makeStatement(sql: "UPDATE message SET raw = ? WHERE id = ?")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        let code = bytes.withUnsafeBytes { buffer -> CInt in
            var code =
                buffer.isEmpty
                ? sqlite3_bind_zeroblob(handle, 1, 0)
                // nil destructor = SQLITE_STATIC: the buffer outlives the statement's step.
                : sqlite3_bind_blob(handle, 1, buffer.baseAddress, CInt(buffer.count), nil)
            if code == SQLITE_OK { code = sqlite3_bind_int64(handle, 2, messageID) }
            if code == SQLITE_OK { code = sqlite3_step(handle) }
            sqlite3_clear_bindings(handle)
            return code
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: "UPDATE message SET raw = ? WHERE id = ?")
        }
    }

    /// The ticket of the newest stored message among `messageIDs` (ours or the customer's).
    public static func ticketID(forAnyOf messageIDs: [String], _ db: Database) throws -> Int64? {
        guard !messageIDs.isEmpty else { return nil }
        return try Int64.fetchOne(
            db,
            MessageRecord.select(Column("ticketId")).filter(messageIDs.contains(Column("messageID")))
                .filter(Column("ticketId") != nil).order(Column("id").desc))
    }
}

extension FieldValueRecord {
    /// The values in force for a ticket, by field key.
    public static func current(ticketID: Int64, _ db: Database) throws -> [String: FieldValueRecord] {
        let rows = try FieldValueRecord.filter(Column("ticketId") == ticketID && Column("current") == true).fetchAll(db)
        return Dictionary(rows.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Records `value` for `field`, superseding the previous value. Returns the previous value when it changed,
    /// `nil` when there was none, and does nothing (returning the same value) when it is unchanged.
    @discardableResult
    public static func set(
        _ field: String, to value: String, ticketID: Int64, messageID: Int64?, at: Int64,
        _ db: Database
    ) throws -> (changed: Bool, previous: String?) {
        let previous = try FieldValueRecord.filter(
            Column("ticketId") == ticketID && Column("field") == field && Column("current") == true
        ).fetchOne(db)
        if previous?.value == value { return (false, previous?.value) }
        try db.execute(
            sql: "UPDATE fieldValue SET current = 0 WHERE ticketId = ? AND field = ? AND current = 1",
            arguments: [ticketID, field])
        var record = FieldValueRecord(
            id: nil, ticketId: ticketID, messageId: messageID, field: field, value: value, recordedAt: at, current: true
        )
        try record.insert(db)
        return (true, previous?.value)
    }
}

extension EventRecord {
    /// Appends an event to the audit trail.
    public static func record(
        _ kind: String, detail: String = "", ticketID: Int64?, messageID: Int64? = nil, at: Int64,
        _ db: Database
    ) throws {
        var event = EventRecord(id: nil, ticketId: ticketID, messageId: messageID, at: at, kind: kind, detail: detail)
        try event.insert(db)
    }
}

extension AttachmentRecord {
    /// Stores content unless the same bytes are already stored.
    public static func storeOnce(sha256: String, contentType: String, bytes: [UInt8], _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO attachment (sha256, contentType, size, bytes) VALUES (?, ?, ?, ?)",
            arguments: [sha256, contentType, bytes.count, Data(bytes)])
    }
}

extension OutboxRecord {
    /// Answers to `recipient` created since `since`, whatever became of them (queued, sent or failed).
    public static func answersCount(to recipient: String, since: Int64, _ db: Database) throws -> Int {
        try OutboxRecord.filter(
            Column("recipient") == recipient.lowercased() && Column("createdAt") >= since
                && [OutboxStatus.queued, .sent, .failed].contains(Column("status"))
        ).fetchCount(db)
    }

    /// Answers to anyone created since `since`.
    public static func answersCount(since: Int64, _ db: Database) throws -> Int {
        try OutboxRecord.filter(
            Column("createdAt") >= since && [OutboxStatus.queued, .sent, .failed].contains(Column("status"))
        ).fetchCount(db)
    }

    /// Answers of one kind on one ticket since `since`.
    public static func count(kind: String, ticketID: Int64, since: Int64, _ db: Database) throws -> Int {
        try OutboxRecord.filter(
            Column("kind") == kind && Column("ticketId") == ticketID && Column("createdAt") >= since
                && [OutboxStatus.queued, .sent, .failed].contains(Column("status"))
        ).fetchCount(db)
    }

    /// Queued answers whose next attempt is due, oldest first.
    public static func due(at now: Int64, limit: Int, _ db: Database) throws -> [OutboxRecord] {
        try OutboxRecord.filter(Column("status") == OutboxStatus.queued && Column("nextAttemptAt") <= now)
            .order(Column("nextAttemptAt"), Column("id")).limit(limit).fetchAll(db)
    }
}
