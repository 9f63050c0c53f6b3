import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import TicketStore

/// The quiet daemon gives back what its connections cache; the store must go on working after it.
@Suite struct ReleaseMemoryTests {
    /// Bytes of page cache the connection holds (SQLITE_DBSTATUS_CACHE_USED).
    static func cacheUsed(_ db: Database) -> Int32 {
        var current: Int32 = 0
        var highest: Int32 = 0
        sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
        return current
    }

    @Test func releasingMemoryEmptiesTheWritersCacheAndTheStoreGoesOn() throws {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/release.sqlite")
        let body = [UInt8](repeating: 0x41, count: 4_000)
        func addMessages(_ range: Range<Int>) throws {
            try store.write { db in
                for index in range {
                    var message = MessageRecord(
                        direction: .inbound, inReplyTo: "", referenceIDs: "", fromAddress: "", subject: "",
                        sha256: "m\(index)", raw: Data(), defects: "", receivedAt: 0)
                    try message.insert(db)
                    try SQLiteAccess(db).storeRaw(body, messageID: message.id!)
                }
            }
        }
        try addMessages(0..<200)
        let filled = try store.write { db in Self.cacheUsed(db) }
        #expect(filled > 500_000, "the writer's cache should hold the pages it wrote")

        store.releaseMemory()

        #expect(try store.write { db in Self.cacheUsed(db) } < filled / 10)
        // Cached statements were dropped with the cache: the same work prepares them again.
        try addMessages(200..<210)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message") } == 210)
        let raw = try store.read { db in try Data.fetchOne(db, sql: "SELECT raw FROM message WHERE sha256 = 'm205'") }
        #expect(raw == Data(body))
    }
}
