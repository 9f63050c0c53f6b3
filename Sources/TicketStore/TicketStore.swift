public import GRDB

/// Everything helpdeskd keeps: tickets, messages, attachments, field values, events, the outbox
/// and mailbox state, in one SQLite file. Writes happen in transactions: one email, one
/// transaction, so a crash leaves each email either fully recorded or not at all.
public final class TicketStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating and migrating) the store at `path`.
    public init(path: String) throws {
        pool = try StoreDatabase.open(path: path)
        try Schema.migrator.migrate(pool)
    }

    /// Runs `body` in a write transaction; everything it does commits together or not at all.
    public func write<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// `PRAGMA integrity_check`'s verdict ("ok" when healthy).
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}
