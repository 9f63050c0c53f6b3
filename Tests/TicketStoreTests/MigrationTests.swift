import Foundation
import GRDB
import Glibc
import Testing

@testable import TicketStore

/// Stores made by every earlier schema version open, migrate and pass `integrity_check` with their data intact;
/// a migration killed halfway leaves the old schema as it was.
///
/// The fixtures are made here, not committed as SQLite files: a released migration is never edited (`Schema`),
/// so running the migrator up to version N makes exactly the schema version N released, and the rows are then
/// written with the SQL of that version (never through today's records, which know only today's columns).
/// A binary file would be opaque in review, and there is no older release build to make it with.
@Suite(.serialized) struct MigrationTests {
    static let v1 = "v1-tickets-messages-outbox"
    static let v2 = "v2-outbox-status-created"

    /// Every migration before the newest, each one the last a fixture gets.
    static var earlierVersions: [String] { Array(SQLiteTicketStore.schemaVersions.dropLast()) }

    /// A store at `version` with a row in every table, written with that version's columns.
    static func fixture(upTo version: String, outboxRows: Int = 3) throws -> String {
        let path = temporaryDirectory() + "/helpdeskd.sqlite"
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: version)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO ticket (number, ref, status, severity, category, reporterAddress, reporterName,
                        copiedAddresses, subject, missing, createdAt, updatedAt, slaStartedAt, slaConsumed, dueAt,
                        answersSent)
                    VALUES (1, 'HD-000001', 'open', 'critical', 'network', 'anna@example.edu', 'Anna',
                        'bob@example.edu', 'Exam will not load', '', 1700000000, 1700000100, 1700000000, 0,
                        1700028800, 1),
                    (2, 'HD-000002', 'suspended', 'normal', 'other', 'carl@example.net', NULL, '', 'Blank page',
                        'session_id', 1700000200, 1700000200, NULL, 0, NULL, 1);
                    INSERT INTO message (ticketId, direction, messageID, inReplyTo, referenceIDs, fromAddress,
                        subject, automated, sourceMailbox, sourceUIDValidity, sourceUID, sourcePath, sha256, raw,
                        defects, receivedAt)
                    VALUES (1, 'in', 'a1@example.edu', '', '', 'anna@example.edu', 'Exam will not load', NULL,
                        'INBOX', 7, 41, NULL, 'aa', X'46726F6D3A20416E6E610D0A0D0A6869', '', 1700000000),
                    (2, 'in', 'c1@example.net', '', '', 'carl@example.net', 'Blank page', NULL, NULL, NULL, NULL,
                        '/srv/import/c1.eml', 'cc', X'46726F6D3A204361726C0D0A0D0A6869', 'missing-date',
                        1700000200);
                    INSERT INTO attachment (sha256, contentType, size, bytes) VALUES ('ff', 'image/png', 4, X'89504E47');
                    INSERT INTO messageAttachment (messageId, sha256, part, filename, declaredType, isScreenshot,
                        width, height) VALUES (1, 'ff', '2', 'screen.png', 'image/png', 1, 1280, 720);
                    INSERT INTO fieldValue (ticketId, messageId, field, value, recordedAt, current)
                    VALUES (1, 1, 'session_id', '5b5b5b5b', 1700000000, 1), (1, 1, 'server', 'proctor.example.edu',
                        1700000000, 1);
                    INSERT INTO event (ticketId, messageId, at, kind, detail)
                    VALUES (1, 1, 1700000000, 'created', 'open'), (NULL, NULL, 1700000300, 'subject-erased',
                        'subject sha256 00');
                    INSERT INTO mailboxState (mailbox, uidValidity, highestUID, lastPollAt, lastError)
                    VALUES ('INBOX', 7, 41, 1700000000, NULL);
                    """)
            // Answers to spellings the v3 caps must fold: +tags, case, an IDN domain.
            let recipients = ["Anna+Exam@Example.EDU", "carl@example.net", "jürgen@bücher.example"]
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                    INSERT INTO outbox (ticketId, kind, recipient, subject, messageID, raw, status, attempts,
                        nextAttemptAt, lastError, createdAt, sentAt)
                    SELECT 1 + (i % 2), 'acknowledgement', json_extract(?, '$[' || (i % 3) || ']'),
                        'Re: Exam will not load [HD-000001]', 'HD-000001.' || i || '.sig@example.com',
                        randomblob(900), CASE i % 2 WHEN 0 THEN 'sent' ELSE 'queued' END, i % 3, 1700000000 + i,
                        NULL, 1700000000 + i, CASE i % 2 WHEN 0 THEN 1700000000 + i ELSE NULL END
                    FROM n
                    """,
                arguments: [outboxRows, "[\"\(recipients.joined(separator: "\",\""))\"]"])
        }
        try queue.close()
        chmod(path, 0o600)
        return path
    }

    /// Every row of every table, in the columns `version` had: what a migration must keep.
    static func contents(_ path: String, columnsOf version: String) throws -> [String: [[DatabaseValue]]] {
        let reference = try DatabaseQueue()
        try Schema.migrator.migrate(reference, upTo: version)
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        var contents: [String: [[DatabaseValue]]] = [:]
        for table in [
            "ticket", "message", "attachment", "messageAttachment", "fieldValue", "event", "outbox",
            "mailboxState",
        ] {
            let columns = try reference.read { db in try db.columns(in: table).map(\.name) }
            let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            contents[table] = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT \(list) FROM \(table) ORDER BY rowid").map {
                    Array($0.databaseValues)
                }
            }
        }
        return contents
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    static func appliedMigrations(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
    }

    /// The caps count on every ingest: a count that reads the rows (answer text and all) made intake slow down
    /// with every answer of the hour.
    @Test func theAnswerCapsAreCountedFromAnIndexAlone() throws {
        let path = temporaryDirectory() + "/helpdeskd.sqlite"
        try SQLiteTicketStore(path: path).close()
        let queue = try DatabaseQueue(path: path, configuration: Self.readOnly)
        defer { try? queue.close() }
        for sql in OutboxRecord.capCounts {
            let plan = try queue.read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN " + sql,
                    arguments: StatementArguments(
                        sql.hasPrefix("SELECT COUNT(*) FROM outbox WHERE createdAt") ? [0] : ["x", 0])
                ).map {
                    $0["detail"] as String
                }
            }
            #expect(plan.contains { $0.contains("USING COVERING INDEX") }, "\(sql): \(plan)")
        }
    }

    @Test(arguments: earlierVersions)
    func storeOfAnEarlierVersionMigratesWithItsDataIntact(version: String) throws {
        let path = try Self.fixture(upTo: version)
        let before = try Self.contents(path, columnsOf: version)
        #expect(try Self.appliedMigrations(path).last == version)

        let store = try SQLiteTicketStore(path: path)
        let inspection = try SQLiteStoreCopier(path: path).inspect()
        #expect(inspection.integrity == "ok")
        #expect(inspection.migrations == SQLiteTicketStore.schemaVersions)
        #expect(inspection.tickets == 2 && inspection.messages == 2 && inspection.answers == 3)
        try store.close()
        #expect(try Self.contents(path, columnsOf: version) == before)

        // Today's records read every row, and v3's columns were filled from the recipient.
        let reopened = try SQLiteTicketStore(path: path)
        let answers = try reopened.read { db in try OutboxRecord.order(Column("id")).fetchAll(db) }
        #expect(answers.map(\.recipient) == ["carl@example.net", "jürgen@bücher.example", "Anna+Exam@Example.EDU"])
        let mailboxes = try reopened.read { db in
            try String.fetchAll(db, sql: "SELECT recipientMailbox FROM outbox ORDER BY id")
        }
        let domains = try reopened.read { db in
            try String.fetchAll(db, sql: "SELECT recipientDomain FROM outbox ORDER BY id")
        }
        // A store that predates v3 has them filled by the migration; one made at v3 or later kept what its program
        // wrote (this fixture writes the rows as the v1 program did, so they stay empty).
        let versions = SQLiteTicketStore.schemaVersions
        if versions.firstIndex(of: version)! < versions.firstIndex(of: "v3-outbox-recipient-mailbox-domain")! {
            #expect(mailboxes == answers.map { OutboxRecord.mailboxKey($0.recipient) })
            #expect(mailboxes.last == "anna@example.edu")
            #expect(domains == ["example.net", "xn--bcher-kva.example", "example.edu"])
        }
        let tickets = try reopened.read { db in try TicketRecord.order(Column("number")).fetchAll(db) }
        #expect(tickets.map(\.ref) == ["HD-000001", "HD-000002"])
        #expect(tickets.map(\.status) == [.open, .suspended])
        #expect(try reopened.read { db in try MessageRecord.fetchCount(db) } == 2)
        // v5's author digest is unknown for the messages stored before it (each was taken from one mailbox).
        let digests = try reopened.read { db in try MessageRecord.order(Column("id")).fetchAll(db).map(\.authorSHA256) }
        #expect(digests == [nil, nil])
    }

    /// `helpdeskd status` (which opens, so migrates, the store) is killed with SIGKILL while the v3 migration
    /// rewrites every answer of a large v2 store: the store is still a healthy v2 store afterwards, and opens
    /// and migrates the next time.
    @Test func migrationKilledHalfwayLeavesTheOldSchemaUsable() async throws {
        let rows = 12_000
        let path = try Self.fixture(upTo: Self.v2, outboxRows: rows)
        let before = try Self.contents(path, columnsOf: Self.v2)
        let executable = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        )
        .deletingLastPathComponent().appendingPathComponent("helpdeskd").path
        try #require(FileManager.default.isExecutableFile(atPath: executable), "swift build --build-tests first")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["status", "--db", path]
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        // The migration is one transaction: its pages reach the WAL once they outgrow the page cache, long
        // before the commit. Kill then.
        var walSize = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while child.isRunning, ContinuousClock.now < deadline {
            var status = stat()
            if stat(path + "-wal", &status) == 0 { walSize = Int(status.st_size) }
            if walSize > 1 << 20 { break }
            try await Task.sleep(for: .milliseconds(2))
        }
        let wasRunning = child.isRunning
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        try #require(wasRunning, "the child finished before it could be killed (WAL \(walSize) bytes)")
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(walSize > 1 << 20)

        // Still v2, healthy, with every row; and usable by the v2 code: a v2 answer can be written.
        #expect(try Self.appliedMigrations(path) == [Self.v1, Self.v2])
        #expect(try Self.contents(path, columnsOf: Self.v2) == before)
        try Self.writeAsV2(path)

        let store = try SQLiteTicketStore(path: path)
        let inspection = try SQLiteStoreCopier(path: path).inspect()
        #expect(inspection.integrity == "ok")
        #expect(inspection.migrations == SQLiteTicketStore.schemaVersions)
        #expect(inspection.answers == rows + 1)
        let empty = try store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE recipientMailbox = ''") ?? -1
        }
        #expect(empty == 0)
        try store.close()
    }

    /// The v2 store is healthy, has no v3 column, and takes a v2 answer.
    static func writeAsV2(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try queue.read { db in try db.columns(in: "outbox").map(\.name).contains("recipientMailbox") } == false)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox (kind, recipient, subject, messageID, raw, status, nextAttemptAt, createdAt)
                    VALUES ('acknowledgement', 'dora@example.org', 'Re: x', 'after-kill@example.com', X'00', 'queued',
                        1, 1)
                    """)
        }
        try queue.close()
    }

    @Test func aStoreOfANewerVersionIsRecognisedAndRefused() throws {
        let path = try Self.fixture(upTo: SQLiteTicketStore.schemaVersions.last!)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try queue.close()
        let inspection = try SQLiteStoreCopier(path: path).inspect()
        #expect(inspection.unknownMigrations == ["v99-from-the-future"])
        #expect(inspection.isHealthy)
        let error = #expect(throws: StoreDatabase.OpenError.self) { try SQLiteTicketStore(path: path) }
        #expect(error?.code == .newerSchema)
        #expect(error?.description.contains("newer helpdeskd") == true)
    }
}
