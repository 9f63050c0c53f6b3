package import GRDB
import Foundation

/// The `TicketStore` in one SQLite file (GRDB's `DatabasePool`: WAL, one writer connection, reader connections
/// that never wait for it), opened by `StoreDatabase` with the durability and privacy settings the pipeline's
/// promises rest on.
///
/// Concurrency: every method may be called from any thread and blocks it (fsync on commit). Writes are
/// serialised by the pool's writer; reads run on snapshots beside them. The `async` variants wait on GRDB's
/// own queues, never blocking the cooperative pool.
public final class SQLiteTicketStore: TicketStore {
    let pool: DatabasePool
    /// The SQLite file.
    public let path: String

    public var description: String { path }

    /// Opens (creating and migrating) the store at `path`. A store migrated by a newer helpdeskd is refused
    /// (`StoreDatabase.OpenError.Code.newerSchema`) instead of used.
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
                .newerSchema,
                "\(path) was migrated by a newer helpdeskd (schema \(unknown.joined(separator: ", "))), "
                    + "which this one does not know: install that version again, or restore the backup taken "
                    + "before the upgrade")
        }
        try Schema.migrator.migrate(pool)
    }

    /// The schema migrations this build knows, oldest first. A store is at the newest one once it is open.
    public static var schemaVersions: [String] { Schema.migrator.migrations }

    /// A store in a new private temporary directory, for tests and tools that need a real, empty store fast.
    public static func temporary() throws -> SQLiteTicketStore {
        var template = Array((NSTemporaryDirectory() + "helpdeskd-store-XXXXXX").utf8CString)
        let directory = template.withUnsafeMutableBufferPointer { buffer -> String? in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let directory else {
            throw StoreDatabase.OpenError(.cannotCreate, "cannot create a temporary directory")
        }
        return try SQLiteTicketStore(path: directory + "/helpdeskd.sqlite")
    }

    // MARK: TicketStore

    public func transaction<T>(_ body: (any TicketTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(SQLiteAccess(db)) }
    }

    public func rehearse<T>(_ body: (any TicketTransaction) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction {
                result = try body(SQLiteAccess(db))
                return .rollback
            }
            return result!
        }
    }

    public func snapshot<T>(_ body: (any TicketSnapshot) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteAccess(db)) }
    }

    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any TicketTransaction) throws -> T
    ) async throws -> T {
        try await pool.write { db in try body(SQLiteAccess(db)) }
    }

    public func snapshot<T: Sendable>(_ body: @escaping @Sendable (any TicketSnapshot) throws -> T) async throws -> T {
        try await pool.read { db in try body(SQLiteAccess(db)) }
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
            // The search index keeps deleted rows' words in its segments until they are merged: merge them all,
            // so erased text is gone from the index too before the file is rebuilt.
            try db.execute(sql: "INSERT INTO ticketSearch (ticketSearch) VALUES ('optimize')")
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

    /// Closes the store's connections; the last one folds the write-ahead log into the file and removes it.
    /// The store cannot be used afterwards (a restore's staging copy, tests that reopen a file).
    public func close() throws {
        try pool.close()
    }

    // MARK: The database itself (this package's tests and SQLite-level tools only)

    /// Runs `body` in a write transaction on the database itself. Not part of `TicketStore`: code above the store
    /// uses `transaction`; this is for tests that look at or arrange rows directly.
    package func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs `body` on a snapshot of the database itself (see `write`).
    package func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }
}
