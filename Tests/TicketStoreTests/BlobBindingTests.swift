import Foundation
import GRDB
import Testing

@testable import TicketStore

/// Raw emails and attachments are bound in place (no copies); what SQLite stores must be exactly the bytes.
@Suite struct BlobBindingTests {
    @Test func rawEmailsAndAttachmentsAreStoredByteForByte() throws {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/blobs.sqlite")
        var generator = SystemRandomNumberGenerator()
        let large = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let small: [UInt8] = [0, 13, 10, 255]
        try store.write { db in
            for (index, bytes) in [large, small, []].enumerated() {
                var message = MessageRecord(
                    direction: .inbound, inReplyTo: "", referenceIDs: "", fromAddress: "", subject: "",
                    sha256: "m\(index)", raw: Data(), defects: "", receivedAt: 0)
                try message.insert(db)
                try SQLiteAccess(db).storeRaw(bytes, messageID: message.id!)
                try SQLiteAccess(db).storeAttachment(sha256: "a\(index)", contentType: "image/png", bytes: bytes)
            }
            // Stored once: the same key again changes nothing.
            try SQLiteAccess(db).storeAttachment(sha256: "a1", contentType: "text/plain", bytes: large)
        }
        try store.read { db in
            let raws = try Data.fetchAll(db, sql: "SELECT raw FROM message ORDER BY id")
            #expect(raws.map { [UInt8]($0) } == [large, small, []])
            let rows = try Row.fetchAll(
                db, sql: "SELECT sha256, contentType, size, bytes FROM attachment ORDER BY sha256")
            #expect(rows.map { $0["sha256"] as String } == ["a0", "a1", "a2"])
            #expect(rows.map { [UInt8]($0["bytes"] as Data) } == [large, small, []])
            #expect(rows.map { $0["size"] as Int } == [large.count, small.count, 0])
            #expect(rows[1]["contentType"] as String == "image/png")
        }
    }

    @Test func aFailedBlobWriteIsAnErrorAndTheStatementStaysUsable() throws {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/blobs.sqlite")
        try store.write { db in
            try db.execute(sql: "CREATE TABLE t (k TEXT PRIMARY KEY, b BLOB NOT NULL)")
            try db.executeBindingBlob(sql: "INSERT INTO t (k, b) VALUES (?1, ?2)", blob: [1, 2], arguments: ["x"])
            let error = #expect(throws: DatabaseError.self) {
                try db.executeBindingBlob(sql: "INSERT INTO t (k, b) VALUES (?1, ?2)", blob: [3], arguments: ["x"])
            }
            #expect(error?.resultCode == .SQLITE_CONSTRAINT)
            try db.executeBindingBlob(sql: "INSERT INTO t (k, b) VALUES (?1, ?2)", blob: [4, 5, 6], arguments: ["y"])
        }
        let stored = try store.read { db in try Data.fetchAll(db, sql: "SELECT b FROM t ORDER BY k") }
        #expect(stored.map { [UInt8]($0) } == [[1, 2], [4, 5, 6]])
    }
}
