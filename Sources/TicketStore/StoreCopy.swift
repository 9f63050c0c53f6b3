import Foundation
import GRDB
import Glibc

/// What a store file holds, read without changing it: the verdict of `PRAGMA integrity_check`, the
/// schema migrations applied to it, and how much it holds. A backup records it in its manifest; a restore
/// checks it before the copy replaces anything.
public struct StoreInspection: Sendable, Codable, Equatable {
    /// `PRAGMA integrity_check`'s verdict: "ok" when healthy.
    public var integrity: String
    /// The migrations applied to the file, oldest first (`Schema`).
    public var migrations: [String]
    /// Applied migrations this build does not know: a newer helpdeskd wrote the file, and this one
    /// must not open it (it cannot know what the newer schema means).
    public var unknownMigrations: [String]
    public var tickets: Int
    public var messages: Int
    public var answers: Int
    /// The newest ticket's reference (`HD-000123`), nil for an empty store.
    public var lastTicket: String?

    public var isHealthy: Bool { integrity == "ok" }

    enum CodingKeys: String, CodingKey {
        case integrity = "integrity_check"
        case migrations
        case unknownMigrations = "unknown_migrations"
        case tickets, messages, answers
        case lastTicket = "last_ticket"
    }
}

/// Why a store could not be copied or inspected.
public struct StoreCopyError: Error, CustomStringConvertible {
    public let description: String
}

extension TicketStore {
    /// The schema migrations this build knows, oldest first. A store is at the newest one after it opens.
    public static var schemaVersions: [String] { Schema.migrator.migrations }

    /// Copies a consistent snapshot of this store into a new SQLite file at `destination` with SQLite's
    /// online backup API, then inspects the copy. Writers go on meanwhile: the copy is taken in one read
    /// transaction (WAL readers never block the writer), so it holds every transaction committed before
    /// it began and nothing of any later one.
    public func backup(to destination: String) throws -> StoreInspection {
        try Self.copy(from: pool, to: destination)
    }

    /// Copies the store at `path` as `backup(to:)` does, without opening it for writing: the file is
    /// opened read-only and not migrated (a binary upgraded under a running daemon must not change its
    /// schema behind it). Works as the store's owner and as root; as root, the `-shm` file SQLite may
    /// create goes to the database file's owner (SQLite's own rule), so the daemon is never locked out.
    public static func backup(storeAt path: String, to destination: String) throws -> StoreInspection {
        let source = try openReadOnly(path)
        defer { try? source.close() }
        return try copy(from: source, to: destination)
    }

    /// Inspects the SQLite file at `path` (a restored copy, say) read-only.
    public static func inspect(path: String) throws -> StoreInspection {
        let queue = try openReadOnly(path)
        defer { try? queue.close() }
        return try queue.read { db in try inspect(db) }
    }

    /// Inspects this store.
    public func inspect() throws -> StoreInspection {
        try pool.read { db in try Self.inspect(db) }
    }

    private static func copy(from source: any DatabaseReader, to destination: String) throws -> StoreInspection {
        let fd = Glibc.open(destination, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw StoreCopyError(description: "cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        Glibc.close(fd)
        do {
            let copy = try DatabaseQueue(path: destination)
            try source.backup(to: copy)
            // The copy keeps the source's WAL flag in its header; make it one self-contained file.
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            let inspection = try copy.read { db in try inspect(db) }
            try copy.close()
            return inspection
        } catch {
            unlink(destination)
            unlink(destination + "-journal")
            throw StoreCopyError(description: "cannot copy the store to \(destination): \(describe(error))")
        }
    }

    private static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw StoreCopyError(description: "cannot read the store \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw StoreCopyError(description: "\(path) is not a regular file (a symbolic link or a device)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreCopyError(
                description: "cannot open the store \(path) read-only: \(describe(error)); run this as root or as the "
                    + "store's owner")
        }
    }

    private static func inspect(_ db: Database) throws -> StoreInspection {
        let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
        let applied =
            try db.tableExists("grdb_migrations")
            ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
        let known = Set(Schema.migrator.migrations)
        func count(_ table: String) throws -> Int {
            try db.tableExists(table) ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 : 0
        }
        return StoreInspection(
            integrity: integrity, migrations: applied, unknownMigrations: applied.filter { !known.contains($0) },
            tickets: try count("ticket"), messages: try count("message"), answers: try count("outbox"),
            lastTicket: try db.tableExists("ticket")
                ? try String.fetchOne(db, sql: "SELECT ref FROM ticket ORDER BY number DESC LIMIT 1") : nil)
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

extension TicketStore {
    /// Closes the store's connections; the last one folds the write-ahead log into the file and removes it.
    /// The store cannot be used afterwards.
    public func close() throws {
        try pool.close()
    }
}
