import GRDB
import Glibc

/// Backups and restores of the SQLite store (`StoreCopier`): the store is one file (with its `-wal` and `-shm`
/// beside it while in use), and so is a copy.
///
/// - A copy is made with SQLite's online backup API from a read-only connection: one read transaction, which
///   in WAL mode never blocks the writer, so intake goes on. The file is never migrated. As root, the `-shm`
///   file SQLite may create goes to the database file's owner (SQLite's own rule): the daemon is never locked
///   out.
/// - Whether a process has the store open is SQLite's own lock (`StoreExclusion`): no pid file to go stale.
/// - The store is replaced by renaming the copy over it, after its old `-wal` is moved aside (it must never
///   meet the new file); the old store is hard-linked aside first, so the path always holds a whole store.
public struct SQLiteStoreCopier: StoreCopier {
    /// The SQLite file.
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var description: String { path }

    public var repairAdvice: String {
        "stop the daemon and run: sqlite3 \(StoreDatabase.shellQuoted(path)) .recover > recovered.sql (then ask for help)"
    }

    public func copy(to destination: String) throws -> StoreInspection {
        let source = try Self.openReadOnly(path)
        defer { try? source.close() }
        let fd = Glibc.open(destination, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw StoreCopyError(.cannotCreate, "cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        Glibc.close(fd)
        do {
            let copy = try DatabaseQueue(path: destination)
            try source.backup(to: copy)
            // The copy keeps the source's WAL flag in its header; make it one self-contained file.
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            let inspection = try copy.read { db in try Self.inspect(db) }
            try copy.close()
            return inspection
        } catch {
            unlink(destination)
            unlink(destination + "-journal")
            throw StoreCopyError(.copyFailed, "cannot copy the store to \(destination): \(Self.describe(error))")
        }
    }

    public func inspect(copy path: String) throws -> StoreInspection {
        let queue = try Self.openReadOnly(path)
        defer { try? queue.close() }
        do {
            return try queue.read { db in try Self.inspect(db) }
        } catch {
            throw StoreCopyError(.cannotRead, "cannot read the store \(path): \(Self.describe(error))")
        }
    }

    /// Inspects the store itself, read-only (as `inspect(copy:)` does a copy).
    public func inspect() throws -> StoreInspection {
        try inspect(copy: path)
    }

    public func withCopy<T>(at path: String, _ body: (any TicketStore) throws -> T) throws -> T {
        let store = try SQLiteTicketStore(path: path)
        let result: T
        do {
            result = try body(store)
            try store.truncateLog()
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
        for leftover in [path + "-wal", path + "-shm"] { unlink(leftover) }
        return result
    }

    public func isInUse() throws -> Bool {
        try StoreExclusion.isInUse(storePath: path)
    }

    public func exclusively<T>(_ body: () throws -> T) throws -> T? {
        guard let exclusion = try StoreExclusion.acquire(storePath: path) else { return nil }
        defer { exclusion.release() }
        return try body()
    }

    public func replace(with copy: String, keepingReplacedIn aside: String) throws {
        let name = String(path.split(separator: "/").last ?? "helpdeskd.sqlite")
        func moveAside(_ file: String, as target: String, link: Bool = false) throws {
            guard access(file, F_OK) == 0 else { return }
            guard (link ? Glibc.link(file, "\(aside)/\(target)") : rename(file, "\(aside)/\(target)")) == 0 else {
                throw StoreCopyError(
                    .cannotReplace, "cannot move \(file) aside into \(aside): \(String(cString: strerror(errno)))")
            }
        }
        // The old -wal first: it must never meet the restored file. The old store stays at its path (a hard
        // link aside) until the copy replaces it in one rename.
        try moveAside(path + "-wal", as: name + "-wal")
        try moveAside(path, as: name, link: true)
        guard rename(copy, path) == 0 else {
            throw StoreCopyError(
                .cannotReplace, "cannot move the copy \(copy) to \(path): \(String(cString: strerror(errno)))")
        }
        // Its shared memory described the old file; `StoreExclusion` holds it open, and SQLite makes a new one.
        unlink(path + "-shm")
    }

    // MARK: SQLite

    private static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw StoreCopyError(.cannotRead, "cannot read the store \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw StoreCopyError(.cannotRead, "\(path) is not a regular file (a symbolic link or a device)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw StoreCopyError(
                .cannotRead,
                "cannot open the store \(path) read-only: \(describe(error)); run this as root or as the store's owner")
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
