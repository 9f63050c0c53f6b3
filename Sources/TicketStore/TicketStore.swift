public import GRDB

/// Everything helpdeskd keeps: tickets, messages, attachments, field values, events, the outbox
/// and mailbox state, in one SQLite file. Writes happen in transactions: one email, one
/// transaction, so a crash leaves each email either fully recorded or not at all.
public final class TicketStore: Sendable {
    let pool: DatabasePool
    /// The SQLite file.
    public let path: String

    /// Opens (creating and migrating) the store at `path`.
    public init(path: String) throws {
        self.path = path
        pool = try StoreDatabase.open(path: path)
        // GRDB passes over migrations it does not know: a binary older than the store would run on a schema it
        // does not know. Refuse instead (a downgrade is a restore of the backup taken before the upgrade).
        let unknown = try pool.read { db in
            try Schema.migrator.appliedIdentifiers(db).subtracting(Schema.migrator.migrations).sorted()
        }
        guard unknown.isEmpty else {
            throw StoreDatabase.OpenError(
                description: "\(path) was migrated by a newer helpdeskd (schema \(unknown.joined(separator: ", "))), "
                    + "which this one does not know: install that version again, or restore the backup taken "
                    + "before the upgrade")
        }
        try Schema.migrator.migrate(pool)
    }

    /// Runs `body` in a write transaction; everything it does commits together or not at all.
    public func write<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs `body` in a write transaction that is always rolled back: a dry run takes exactly the
    /// path of the real run, sees what it would do, and changes nothing.
    public func rehearse<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .rollback
            }
            return result!
        }
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// Gives back the memory the connections keep between accesses (page caches, prepared statements)
    /// and closes the reader connections; the next access reopens and re-prepares what it needs.
    /// Waits for the accesses in progress.
    public func releaseMemory() {
        pool.releaseMemory()
    }

    /// `PRAGMA integrity_check`'s verdict ("ok" when healthy).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Rebuilds the file without free pages (`VACUUM`), then empties the write-ahead log, so nothing
    /// deleted survives in either file. Returns false when another process kept the log busy (it is
    /// emptied at its next checkpoint; `secure_delete` has zeroed the deleted content already).
    @discardableResult
    public func reclaimFreeSpace() throws -> Bool {
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            return try Self.truncateLog(db)
        }
    }

    /// Copies the write-ahead log into the database and truncates it to zero bytes: old page images
    /// (the content before a deletion) otherwise stay in the `-wal` file until they are overwritten.
    /// Returns false when another process kept the log busy.
    @discardableResult
    public func truncateLog() throws -> Bool {
        try pool.barrierWriteWithoutTransaction { db in try Self.truncateLog(db) }
    }

    private static func truncateLog(_ db: Database) throws -> Bool {
        do {
            try db.checkpoint(.truncate)
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
        {
            return false
        }
    }
}
