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
        #expect(throws: StoreDatabase.OpenError.self) { try StoreDatabase.open(path: path) }
    }
}
