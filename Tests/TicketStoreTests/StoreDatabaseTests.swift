import Foundation
import GRDB
import Glibc
import Testing

@testable import TicketStore

func temporaryDirectory() -> String {
    var template = Array("/tmp/helpdeskd-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

@Suite struct StoreDatabaseTests {
    @Test func createsAPrivateWALDatabaseWithFullSync() throws {
        let path = temporaryDirectory() + "/state/tickets.sqlite"
        let pool = try StoreDatabase.open(path: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        let directory = String(path.dropLast("/tickets.sqlite".count))
        #expect(stat(directory, &status) == 0 && status.st_mode & 0o777 == 0o700)
        let journal = try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        let foreignKeys = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        let synchronous = try pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous == 2)
    }

    @Test func refusesAStoreOthersCanRead() throws {
        let path = temporaryDirectory() + "/open.sqlite"
        _ = try StoreDatabase.open(path: path)
        chmod(path, 0o644)
        let error = #expect(throws: StoreDatabase.OpenError.self) { try StoreDatabase.open(path: path) }
        #expect(error?.description.contains("chmod 600 \(path)") == true)
    }

    @Test func refusesADirectoryOthersCanEnter() throws {
        let directory = temporaryDirectory()
        _ = try StoreDatabase.open(path: directory + "/tickets.sqlite")
        for mode: mode_t in [0o755, 0o750, 0o701] {
            chmod(directory, mode)
            let error = #expect(throws: StoreDatabase.OpenError.self) {
                try StoreDatabase.open(path: directory + "/tickets.sqlite")
            }
            #expect(error?.description.contains("chmod 700 \(directory)") == true)
        }
        chmod(directory, 0o700)
        _ = try StoreDatabase.open(path: directory + "/tickets.sqlite")
    }

    @Test func refusesAJournalOthersCanRead() throws {
        let path = temporaryDirectory() + "/journal.sqlite"
        let pool = try StoreDatabase.open(path: path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        chmod(path + "-wal", 0o644)
        #expect(throws: StoreDatabase.OpenError.self) { try StoreDatabase.open(path: path) }
    }

    @Test func refusesASymbolicLink() throws {
        let directory = temporaryDirectory()
        _ = try StoreDatabase.open(path: directory + "/real.sqlite")
        symlink(directory + "/real.sqlite", directory + "/link.sqlite")
        #expect(throws: StoreDatabase.OpenError.self) { try StoreDatabase.open(path: directory + "/link.sqlite") }
    }

    /// As root, a store owned by the service user must be used as that user: files SQLite creates
    /// next to it (the journals) would otherwise belong to root.
    @Test(.enabled(if: geteuid() == 0)) func rootRefusesAStoreOwnedByAnotherUser() throws {
        let directory = temporaryDirectory()
        let path = directory + "/owned.sqlite"
        _ = try StoreDatabase.open(path: path)
        #expect(chown(path, 65534, 65534) == 0)
        let error = #expect(throws: StoreDatabase.OpenError.self) { try StoreDatabase.open(path: path) }
        #expect(error?.description.contains("sudo -u ") == true)
        #expect(chown(path, 0, 0) == 0 && chown(directory, 65534, 65534) == 0)
        #expect(throws: StoreDatabase.OpenError.self) { try StoreDatabase.open(path: path) }
    }

    @Test func deletedContentIsOverwritten() throws {
        let path = temporaryDirectory() + "/secure.sqlite"
        let pool = try StoreDatabase.open(path: path)
        let writer = try pool.write { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        let reader = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA secure_delete") }
        #expect(writer == 1 && reader == 1)
    }

    @Test func dryRunsRollBack() throws {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/rehearse.sqlite")
        let inside = try store.rehearse { transaction -> Int in
            try transaction.record(EventRecord(at: 1, kind: .quarantined, detail: "test"))
            return try transaction.summary(now: 1).quarantined
        }
        #expect(inside == 1)
        #expect(try store.read { db in try EventRecord.fetchCount(db) } == 0)
    }
}
