import Foundation
import GRDB
import Testing

@testable import TicketStore

/// The records read and write their rows column by column (not through Codable): every column of every table
/// must be written, and read back to the same values.
@Suite struct RecordColumnsTests {
    func columns(_ table: String, _ db: Database) throws -> Set<String> {
        Set(try db.columns(in: table).map(\.name))
    }

    func roundTrip<Record: MutablePersistableRecord & FetchableRecord>(
        _ record: inout Record, _ db: Database, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try record.insert(db)
        let written = try record.databaseDictionary
        #expect(Set(written.keys) == (try columns(Record.databaseTableName, db)), sourceLocation: sourceLocation)
        let read = try #require(try Record.fetchOne(db, sql: "SELECT * FROM \(Record.databaseTableName)"))
        #expect(try read.databaseDictionary == written, sourceLocation: sourceLocation)
        #expect(written.values.allSatisfy { !$0.isNull || $0 == written["id"] }, sourceLocation: sourceLocation)
    }

    @Test func everyColumnIsWrittenAndReadBack() throws {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/columns.sqlite")
        try store.write { db in
            var ticket = TicketRecord(
                number: 7, ref: "HD-000007", status: .suspended, severity: .critical, category: "exam-access",
                reporterAddress: "a@example.edu", reporterName: "A", copiedAddresses: "b@example.edu", subject: "S",
                missing: "session-id", createdAt: 1, updatedAt: 2, slaStartedAt: 3, slaConsumed: 4, dueAt: 5,
                answersSent: 6, assignee: "olga")
            try roundTrip(&ticket, db)
            var message = MessageRecord(
                ticketId: ticket.id, direction: .inbound, messageID: "<m@x>", inReplyTo: "<i@x>",
                referenceIDs: "<r@x>", fromAddress: "a@example.edu", subject: "S", automated: "auto-replied",
                sourceMailbox: "imap://h/INBOX", sourceUIDValidity: 9, sourceUID: 10, sourcePath: "/p",
                sha256: "abc", authorSHA256: "fed", raw: Data([0, 1, 2]), defects: "d", receivedAt: 11)
            try roundTrip(&message, db)
            try SQLiteAccess(db).storeAttachment(sha256: "def", contentType: "image/png", bytes: [1])
            var link = MessageAttachmentRecord(
                messageId: message.id!, sha256: "def", part: "1.2", filename: "shot.png", declaredType: "image/png",
                isScreenshot: true, width: 1280, height: 720, takenAt: 20)
            try roundTrip(&link, db)
            var value = FieldValueRecord(
                ticketId: ticket.id!, messageId: message.id, field: "session-id", value: "X", recordedAt: 12,
                current: true, source: "label “Session ID”: Session ID: X")
            try roundTrip(&value, db)
            var event = EventRecord(ticketId: ticket.id, messageId: message.id, at: 13, kind: .created, detail: "d")
            try roundTrip(&event, db)
            var answer = OutboxRecord(
                ticketId: ticket.id, kind: .acknowledgement, recipient: "a@example.edu", subject: "Re: S",
                messageID: "<HD@x>", raw: Data([3]), status: .failed, attempts: 2, nextAttemptAt: 14, lastError: "e",
                createdAt: 15, sentAt: 16)
            try roundTrip(&answer, db)
            var staff = StaffRecord(
                name: "olga", role: .admin, email: "olga@example.edu", passwordHash: "$2b$12$x", totpSecret: "JBSW",
                disabled: true, createdAt: 17)
            try roundTrip(&staff, db)
            var session = StaffSessionRecord(
                tokenHash: "ab", staffId: staff.id!, csrfToken: "cd", createdAt: 18, lastSeenAt: 19)
            try roundTrip(&session, db)
        }
    }

    @Test func aValueThatDoesNotFitThrowsInsteadOfCrashing() throws {
        let store = try SQLiteTicketStore(path: temporaryDirectory() + "/columns.sqlite")
        try store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox (kind, recipient, subject, messageID, raw, status, nextAttemptAt, createdAt)
                    VALUES ('acknowledgement', 'a@example.edu', 'S', '<m@x>', x'00', 'lost-in-space', 0, 0)
                    """)
            #expect(throws: (any Error).self) { try OutboxRecord.fetchAll(db, sql: "SELECT * FROM outbox") }
        }
    }
}
