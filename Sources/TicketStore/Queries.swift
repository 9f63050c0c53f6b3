import Foundation
import MIME
public import GRDB
import GRDBSQLite

// The queries below run for every email, several times: cached statements skip building and compiling their
// SQL each time (GRDB's query interface does both on every call).

extension TicketRecord {
    /// The next ticket number (numbers are never reused, even after erasure: the sequence lives in SQLite).
    public static func nextNumber(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(number) FROM ticket") ?? 0) + 1
    }

    public static func find(ref: String, _ db: Database) throws -> TicketRecord? {
        try TicketRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM ticket WHERE ref = ?"), arguments: [ref.uppercased()])
    }

    public static func find(id: Int64, _ db: Database) throws -> TicketRecord? {
        try TicketRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket WHERE id = ?"), arguments: [id])
    }

    /// Whether the author `identity` (`MailAddress.identity`) is on this ticket: the reporter or someone the reporter
    /// copied. Stored addresses are compared in the same form.
    public func accepts(_ identity: String) -> Bool {
        func same(_ stored: Substring) -> Bool {
            (MailAddress(name: nil, address: String(stored)).identity ?? String(stored)) == identity
        }
        return same(reporterAddress[...]) || copiedAddresses.split(separator: " ").contains(where: same)
    }
}

extension MessageRecord {
    /// Whether a message from this IMAP position was already stored.
    public static func exists(mailbox: String, uidValidity: Int64, uid: Int64, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM message
                                   WHERE sourceMailbox = ? AND sourceUIDValidity = ? AND sourceUID = ?)
                    """), arguments: [mailbox, uidValidity, uid]) ?? false
    }

    /// Whether the same message (same Message-ID and same bytes) was already stored, from any source.
    public static func exists(messageID: String?, sha256: String, _ db: Database) throws -> Bool {
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

    /// Writes the raw email of a message inserted with an empty `raw`, binding `bytes` in place.
    ///
    /// Through a `Data` value the bytes would be copied twice more before SQLite builds the row (into the
    /// `Data`, then by GRDB's transient binding): for a 50 MB email that is 100 MB more peak memory.
    public static func storeRaw(_ bytes: [UInt8], messageID: Int64, _ db: Database) throws {
        try db.executeBindingBlob(
            sql: "UPDATE message SET raw = ?2 WHERE id = ?1", blob: bytes, arguments: [messageID])
    }

    /// The ticket of the newest stored message among `messageIDs` (ours or the customer's).
    public static func ticketID(forAnyOf messageIDs: [String], _ db: Database) throws -> Int64? {
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
}

extension FieldValueRecord {
    /// The values in force for a ticket, by field key.
    public static func current(ticketID: Int64, _ db: Database) throws -> [String: FieldValueRecord] {
        let rows = try FieldValueRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM fieldValue WHERE ticketId = ? AND current = 1"),
            arguments: [ticketID])
        return Dictionary(rows.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Records `value` for `field`, superseding the previous value. Returns the previous value when it changed,
    /// `nil` when there was none, and does nothing (returning the same value) when it is unchanged.
    @discardableResult
    public static func set(
        _ field: String, to value: String, ticketID: Int64, messageID: Int64?, at: Int64,
        _ db: Database
    ) throws -> (changed: Bool, previous: String?) {
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
                INSERT INTO fieldValue (ticketId, messageId, field, value, recordedAt, current)
                VALUES (?, ?, ?, ?, ?, 1)
                """
        ).execute(arguments: [ticketID, messageID, field, value, at])
        return (true, previous)
    }
}

extension EventRecord {
    /// Appends an event to the audit trail.
    public static func record(
        _ kind: String, detail: String = "", ticketID: Int64?, messageID: Int64? = nil, at: Int64,
        _ db: Database
    ) throws {
        try db.cachedStatement(sql: "INSERT INTO event (ticketId, messageId, at, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [ticketID, messageID, at, kind, detail])
    }
}

extension AttachmentRecord {
    /// Stores content unless the same bytes are already stored.
    public static func storeOnce(sha256: String, contentType: String, bytes: [UInt8], _ db: Database) throws {
        // The bytes are bound in place, like a raw email's: no copies of a large attachment.
        try db.executeBindingBlob(
            sql: "INSERT OR IGNORE INTO attachment (sha256, contentType, size, bytes) VALUES (?1, ?2, ?3, ?4)",
            blob: bytes, arguments: [sha256, contentType, bytes.count])
    }
}

extension OutboxRecord {
    /// The states of an answer that went, or is going, out: what the caps count.
    static let answered =
        "('\(OutboxStatus.queued.rawValue)', '\(OutboxStatus.sent.rawValue)', '\(OutboxStatus.failed.rawValue)')"

    /// Answers to `recipient` created since `since`, whatever became of them (queued, sent or failed).
    public static func answersCount(toMailboxOf recipient: String, since: Int64, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM outbox WHERE recipientMailbox = ? AND createdAt >= ? AND status IN \(answered)
                    """),
            arguments: [mailboxKey(recipient), since]) ?? 0
    }

    /// Answers to any mailbox of the recipient's domain created since `since`.
    public static func answersCount(toDomainOf recipient: String, since: Int64, _ db: Database) throws -> Int {
        let domain = domainKey(recipient)
        guard !domain.isEmpty else { return 0 }
        return try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM outbox WHERE recipientDomain = ? AND createdAt >= ? AND status IN \(answered)
                    """),
            arguments: [domain, since]) ?? 0
    }

    /// Answers to anyone created since `since`.
    public static func answersCount(since: Int64, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE createdAt >= ? AND status IN \(answered)"),
            arguments: [since]) ?? 0
    }

    /// Answers of one kind on one ticket since `since`.
    public static func count(kind: String, ticketID: Int64, since: Int64, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT COUNT(*) FROM outbox
                    WHERE kind = ? AND ticketId = ? AND createdAt >= ? AND status IN \(answered)
                    """), arguments: [kind, ticketID, since]) ?? 0
    }

    /// Queued answers whose next attempt is due, oldest first.
    public static func due(at now: Int64, limit: Int, _ db: Database) throws -> [OutboxRecord] {
        try OutboxRecord.filter(Column("status") == OutboxStatus.queued && Column("nextAttemptAt") <= now)
            .order(Column("nextAttemptAt"), Column("id")).limit(limit).fetchAll(db)
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
