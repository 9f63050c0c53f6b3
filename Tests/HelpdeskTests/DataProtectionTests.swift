import Digest
import Foundation
import GRDB
import Glibc
import Incident
import MIME
import Testing
@testable import TicketStore

@testable import Helpdesk

/// A store with several people's tickets, for the data-protection tests.
///
/// - Anna (anna@example.edu, "Anna Example") reports HD-000001 copying Bob, with a screenshot Olga also
///   sends and one only she sends; Bob (copied) replies there. She reports HD-000002 without the session
///   and completes it by reply. She is copied ("Example, Anna") on Olga's HD-000003, whose subject names
///   her, and completes it by reply. Her out-of-office reply is filed on no ticket.
/// - Olga (olga@example.org) reports HD-000003 with the shared screenshot and one of her own.
/// - Carl (carl@example.net) reports HD-000004, unrelated to everyone else.
struct PeopleStore {
    let helpdesk: TestHelpdesk
    var store: SQLiteTicketStore { helpdesk.store }

    static let anna = "anna@example.edu"
    static let annaMarker = "ANNA-PRIVATE-SCREEN-7731"
    static let olgaMarker = "OLGA-PRIVATE-SCREEN-4410"
    static let carlMarker = "CARL-PRIVATE-SCREEN-9052"

    /// `olgaBody` is added to the text of Olga's report; `configure` changes the configuration.
    init(olgaBody: String = "", configure: (inout HelpdeskConfiguration) -> Void = { _ in }) throws {
        helpdesk = try TestHelpdesk(configure: configure)
        let annaReport = Mail.withAttachment(
            Mail.report(from: Self.anna, id: "a1@example.edu", extraHeaders: "Cc: Bob Builder <bob@example.edu>\n"),
            marker: Self.annaMarker
        ).replacingOccurrences(of: "From: Anna <", with: "From: Anna Example <")
        #expect(try helpdesk.ingest(annaReport) == .created(ref: "HD-000001", status: .open))
        let bobReply = Mail.reply(
            from: "bob@example.edu", id: "b1@example.edu", inReplyTo: "a1@example.edu",
            subject: "Re: Exam will not load",
            body: "User ID: st-2002\nI see the same for a second student in my group.")
        #expect(try helpdesk.ingest(bobReply, at: Mail.monday10 + 60) == .updated(ref: "HD-000001", status: .open))

        let second = Mail.report(from: Self.anna, id: "a2@example.edu", subject: "Camera check fails", session: false)
            .replacingOccurrences(of: "From: Anna <", with: "From: Anna Example <")
        #expect(try helpdesk.ingest(second, at: Mail.monday10 + 120) == .created(ref: "HD-000002", status: .suspended))
        let completion = Mail.reply(
            from: Self.anna, id: "a2r@example.edu", inReplyTo: "a2@example.edu", subject: "Re: Camera check fails",
            body: "Session ID: 5b5b5b5b")
        #expect(try helpdesk.ingest(completion, at: Mail.monday10 + 180) == .updated(ref: "HD-000002", status: .open))

        let olgaReport = Mail.withAttachment(
            Mail.report(
                from: "olga@example.org", id: "o1@example.org", subject: "Exam will not load for Anna Example's group",
                session: false, extraHeaders: "Cc: \"Example, Anna\" <Anna@Example.edu>\n", body: olgaBody),
            marker: Self.olgaMarker
        ).replacingOccurrences(of: "From: Anna <", with: "From: Olga Petrova <")
        #expect(
            try helpdesk.ingest(olgaReport, at: Mail.monday10 + 240) == .created(ref: "HD-000003", status: .suspended))
        let annaOnOlgas = Mail.reply(
            from: Self.anna, id: "ar1@example.edu", inReplyTo: "o1@example.org",
            subject: "Re: Exam will not load for Anna Example's group", body: "Session ID: 99aa77\nUser ID: st-9999")
        #expect(try helpdesk.ingest(annaOnOlgas, at: Mail.monday10 + 300) == .updated(ref: "HD-000003", status: .open))

        let outOfOffice = [
            "From: Anna Example <anna@example.edu>", "To: helpdesk@example.com", "Subject: Out of office",
            "Message-ID: <ooo-anna@example.edu>", "Auto-Submitted: auto-replied", "", "I am away until Monday.", "",
        ].joined(separator: "\r\n")
        #expect(
            try helpdesk.ingest(outOfOffice, at: Mail.monday10 + 360) == .automated(reason: "auto-submitted", ref: nil))

        let carlReport = Mail.withAttachment(
            Mail.report(
                from: "carl@example.net", id: "c1@example.net", subject: "Proctor page blank", screenshot: false),
            marker: Self.carlMarker
        ).replacingOccurrences(of: "From: Anna <", with: "From: Carl Jensen <")
        #expect(try helpdesk.ingest(carlReport, at: Mail.monday10 + 420) == .created(ref: "HD-000004", status: .open))
    }

    func message(_ messageID: String) throws -> MessageRecord {
        try #require(try store.read { db in try MessageRecord.filter(Column("messageID") == messageID).fetchOne(db) })
    }

    func currentField(_ field: String, of ref: String) throws -> String? {
        let id = try helpdesk.ticket(ref).id!
        return try store.snapshot { try $0.currentFieldValues(ticketID: id)[field]?.value }
    }
}

extension Mail {
    /// A PNG screenshot header followed by `marker`, base64-encoded: unique content per marker.
    static func markedPNG(_ marker: String) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += [0, 0, 0x05, 0x00, 0, 0, 0x02, 0xD0, 8, 6, 0, 0, 0]
        return bytes + Array(marker.utf8)
    }

    /// `email` (a multipart/mixed with boundary "b") with one more PNG part carrying `marker`.
    static func withAttachment(_ email: String, marker: String) -> String {
        let part =
            "--b\r\nContent-Type: image/png; name=\"\(marker.lowercased()).png\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n\(Base64.encode(markedPNG(marker)))\r\n--b--\r\n"
        return email.replacingOccurrences(of: "--b--\r\n", with: part)
    }
}

/// Looks for text in the store, independently of the code under test: every column of every table,
/// text and blobs alike, ASCII case ignored.
enum StoreSearch {
    struct Hit: Equatable, CustomStringConvertible {
        var table: String
        var column: String
        var rowID: Int64
        /// For `message.raw`: whether the hit is after the header section.
        var inBody: Bool
        var description: String { "\(table).\(column) row \(rowID)\(inBody ? " (body)" : "")" }
    }

    static func hits(of needle: String, in store: SQLiteTicketStore) throws -> [Hit] {
        let needle = needle.lowercased()
        return try store.read { db in
            var hits: [Hit] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")").map { $0["name"] as String }
                // The search index's shadow tables include WITHOUT ROWID ones: scanned too, with row id 0.
                let rows =
                    try (try? Row.fetchAll(db, sql: "SELECT rowid AS rowid_, * FROM \"\(table)\""))
                    ?? Row.fetchAll(db, sql: "SELECT 0 AS rowid_, * FROM \"\(table)\"")
                for row in rows {
                    for column in columns {
                        let value: DatabaseValue = row[column]
                        let text: String
                        switch value.storage {
                        case .string(let string): text = string
                        case .blob(let data): text = String(decoding: data, as: UTF8.self)
                        default: continue
                        }
                        let lowered = text.lowercased()
                        guard let hit = lowered.range(of: needle) else { continue }
                        var inBody = false
                        if table == "message", column == "raw" {
                            let end = lowered.range(of: "\r\n\r\n")?.lowerBound ?? lowered.range(of: "\n\n")?.lowerBound
                            inBody = end.map { hit.lowerBound >= $0 } ?? false
                        }
                        hits.append(Hit(table: table, column: column, rowID: row["rowid_"], inBody: inBody))
                    }
                }
            }
            return hits
        }
    }

    /// Whether the file's bytes contain `needle` (ASCII case ignored); false when the file does not exist.
    static func file(_ path: String, contains needle: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let lowered = Data(data.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
        return lowered.range(of: Data(needle.lowercased().utf8)) != nil
    }

    /// The database file and its write-ahead log.
    static func files(of store: SQLiteTicketStore) -> [String] { [store.path, store.path + "-wal"] }

    /// Every row of every table, as text: equal dumps mean equal contents.
    static func dump(_ store: SQLiteTicketStore) throws -> [String] {
        try store.read { db in
            var lines: [String] = []
            for table in try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            {
                let rows =
                    try (try? Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\" ORDER BY rowid"))
                    ?? Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
                for row in rows {
                    lines.append(table + " " + row.description)
                }
            }
            return lines
        }
    }
}

/// The header section and the body of a raw message, split at the first empty line.
func headerAndBody(_ raw: Data) -> (header: String, body: Data) {
    let separator = Data("\r\n\r\n".utf8)
    guard let range = raw.range(of: separator) else { return (String(decoding: raw, as: UTF8.self), Data()) }
    return (String(decoding: raw[..<range.lowerBound], as: UTF8.self), Data(raw[range.upperBound...]))
}

/// Counts the committed transactions that deleted tickets.
final class TicketDeletionCommits: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var deletedInTransaction = false
    private var commits = 0

    var count: Int { lock.withLock { commits } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .delete(let table) = eventKind { return table == "ticket" }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) { lock.withLock { deletedInTransaction = true } }

    func databaseDidCommit(_ db: Database) {
        lock.withLock {
            if deletedInTransaction { commits += 1 }
            deletedInTransaction = false
        }
    }

    func databaseDidRollback(_ db: Database) { lock.withLock { deletedInTransaction = false } }
}

@Suite struct DataProtectionTests {
    static let now = Mail.monday10 + 86_400

    func erase(_ address: String, in people: PeopleStore, dryRun: Bool = false) throws -> ErasureReport {
        try SubjectErasure(
            store: people.store, requiredFields: people.helpdesk.context.configuration.profile.required.map(\.key)
        ).run(try SubjectAddress(address), now: Self.now, actor: "dpo", dryRun: dryRun)
    }

    func exportDirectory() -> String { NSTemporaryDirectory() + "helpdeskd-export-" + UUID().uuidString }

    // MARK: Export

    @Test func exportHoldsEverythingTiedToTheAddressAndNothingOfAnyoneElse() throws {
        let people = try PeopleStore()
        let directory = exportDirectory()
        let summary = try SubjectExport(store: people.store, retentionDays: 2555)
            .write(try SubjectAddress("Anna@Example.EDU"), to: directory, now: Self.now)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json")))
                as? [String: Any])
        #expect(manifest["subject"] as? String == PeopleStore.anna)
        #expect(manifest["generated_at"] as? String == Timestamp.iso(Self.now))
        let tickets = try #require(manifest["tickets"] as? [[String: Any]])
        #expect(tickets.map { $0["ref"] as? String } == ["HD-000001", "HD-000002", "HD-000003"])
        #expect(tickets.map { $0["role"] as? String } == ["reporter", "reporter", "copied"])

        // Every message that is hers, byte for byte; Bob's reply on her ticket did not address her.
        let loose = try #require(manifest["messages_without_ticket"] as? [[String: Any]])
        let messages = tickets.flatMap { $0["messages"] as? [[String: Any]] ?? [] } + loose
        #expect(
            Set(messages.compactMap { $0["message_id"] as? String })
                == [
                    "a1@example.edu", "a2@example.edu", "a2r@example.edu", "o1@example.org", "ar1@example.edu",
                    "ooo-anna@example.edu",
                ])
        for entry in messages {
            let file = try #require(entry["file"] as? String)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes == (try people.message(entry["message_id"] as! String)).raw, "\(file)")
            #expect(entry["sha256"] as? String == SHA256.hex([UInt8](bytes)))
        }
        let withheld = try #require(tickets[0]["withheld"] as? [String: Any])
        #expect(withheld["messages"] as? Int == 1)

        // Attachments byte for byte: hers, the shared one, and Olga's in the message Olga copied her on.
        let attachments = messages.flatMap { $0["attachments"] as? [[String: Any]] ?? [] }
        let stored = try people.store.read { db in try AttachmentRecord.fetchAll(db) }
        let bySHA = Dictionary(uniqueKeysWithValues: stored.map { ($0.sha256, $0.bytes) })
        for entry in attachments {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + (entry["file"] as! String)))
            #expect(bytes == bySHA[entry["sha256"] as! String])
        }
        let expectedSHAs = Set(
            [Mail.markedPNG(PeopleStore.annaMarker), Mail.markedPNG(PeopleStore.olgaMarker)].map(SHA256.hex)
        )
        .union([SHA256.hex(Base64.decode(Array(Mail.png.utf8)[...]).bytes)])
        #expect(Set(attachments.compactMap { $0["sha256"] as? String }) == expectedSHAs)

        // Events: all of her tickets', and on Olga's ticket those about the messages that are hers.
        let ownIDs = try [people.helpdesk.ticket("HD-000001").id!, people.helpdesk.ticket("HD-000002").id!]
        let ownEvents = try people.store.read { db in
            try EventRecord.filter(ownIDs.contains(Column("ticketId"))).fetchCount(db)
        }
        let exportedOwn = tickets.prefix(2).map { ($0["events"] as? [Any])?.count ?? 0 }.reduce(0, +)
        #expect(exportedOwn == ownEvents)
        #expect(((tickets[2]["events"] as? [[String: Any]]) ?? []).map { $0["kind"] as? String }.contains("created"))
        let olgaFields = (tickets[2]["fields"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        #expect(Set(olgaFields) == ["99aa77", "st-9999"])

        // The answers sent to her: ack, information request, resumed, and resumed on Olga's ticket.
        let answers = tickets.flatMap { $0["answers"] as? [[String: Any]] ?? [] }
        let outbox = try people.helpdesk.outbox().filter { $0.recipient == PeopleStore.anna }
        #expect(answers.count == 4 && outbox.count == 4)
        for entry in answers {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + (entry["file"] as! String)))
            #expect(outbox.contains { $0.raw == bytes && $0.messageID == entry["message_id"] as? String })
        }
        #expect(summary.tickets == 3 && summary.messages == 6 && summary.answers == 4 && summary.attachments == 3)

        // Nothing of Carl, who has nothing to do with her; private files and directories.
        var files: [String] = []
        let enumerator = try #require(FileManager.default.enumerator(atPath: directory))
        for case let relative as String in enumerator {
            let path = directory + "/" + relative
            var status = stat()
            #expect(lstat(path, &status) == 0)
            if status.st_mode & S_IFMT == S_IFDIR {
                #expect(status.st_mode & 0o777 == 0o700, "\(relative)")
            } else {
                #expect(status.st_mode & 0o777 == 0o600, "\(relative)")
                files.append(path)
            }
        }
        var rootStatus = stat()
        #expect(stat(directory, &rootStatus) == 0 && rootStatus.st_mode & 0o777 == 0o700)
        #expect(files.count == 1 + 6 + 4 + 3)
        for path in files {
            for foreign in ["carl@example.net", "Carl Jensen", PeopleStore.carlMarker, "HD-000004", "c1@example.net"] {
                #expect(!StoreSearch.file(path, contains: foreign), "\(foreign) in \(path)")
            }
        }
    }

    @Test func exportOfACopiedPersonHoldsOnlyWhatTheySentOrReceived() throws {
        let people = try PeopleStore()
        let directory = exportDirectory()
        let summary = try SubjectExport(store: people.store).write(
            try SubjectAddress("bob@example.edu"), to: directory, now: Self.now)
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/manifest.json")))
                as? [String: Any])
        let tickets = try #require(manifest["tickets"] as? [[String: Any]])
        #expect(tickets.map { $0["ref"] as? String } == ["HD-000001"])
        #expect(tickets.first?["role"] as? String == "copied")
        #expect(tickets.first?["reporter"] == nil)
        let messages = tickets.flatMap { $0["messages"] as? [[String: Any]] ?? [] }
        #expect(messages.compactMap { $0["message_id"] as? String } == ["a1@example.edu", "b1@example.edu"])
        let fields = (tickets.first?["fields"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
        #expect(fields == ["st-2002"])
        #expect(summary.answers == 0)
        for relative in try FileManager.default.subpathsOfDirectory(atPath: directory) {
            let path = directory + "/" + relative
            for foreign in ["HD-000002", "olga@example.org", "carl@example.net", "a2@example.edu"] {
                #expect(!StoreSearch.file(path, contains: foreign), "\(foreign) in \(relative)")
            }
        }
    }

    @Test func exportRefusesANonEmptyDirectoryAndAcceptsAnEmptyOne() throws {
        let people = try PeopleStore()
        let directory = exportDirectory()
        #expect(mkdir(directory, 0o755) == 0)
        _ = try SubjectExport(store: people.store).write(
            try SubjectAddress(PeopleStore.anna), to: directory, now: Self.now)
        var status = stat()
        #expect(stat(directory, &status) == 0 && status.st_mode & 0o777 == 0o700)
        #expect(throws: SubjectExport.Failure.self) {
            try SubjectExport(store: people.store).write(
                try SubjectAddress(PeopleStore.anna), to: directory, now: Self.now)
        }
        #expect(throws: SubjectAddress.Invalid.self) { try SubjectAddress("Anna <anna@example.edu>") }
        #expect(throws: SubjectAddress.Invalid.self) { try SubjectAddress("anna") }
    }

    // MARK: Erasure

    @Test func erasureLeavesNoTraceInTablesHeadersOrTheDatabaseFile() throws {
        let people = try PeopleStore()
        let olgaBefore = try people.message("o1@example.org").raw
        let carlBefore = try people.message("c1@example.net").raw
        // The checks below can see the address: before the erasure they find it, in rows and in the files.
        #expect(!(try StoreSearch.hits(of: PeopleStore.anna, in: people.store)).isEmpty)
        #expect(StoreSearch.files(of: people.store).contains { StoreSearch.file($0, contains: PeopleStore.anna) })
        #expect(StoreSearch.files(of: people.store).contains { StoreSearch.file($0, contains: PeopleStore.annaMarker) })

        let report = try erase("ANNA@example.edu", in: people)
        #expect(report.tickets == ["HD-000001", "HD-000002"])
        #expect(report.messages == 6 && report.messagesElsewhere == 2)
        #expect(report.attachments == 1 && report.sharedAttachmentsKept == 1)
        #expect(report.outboxRows == 4)
        #expect(report.scrubbedTickets == ["HD-000003"])
        #expect(report.scrubbedHeaders == 1)
        #expect(report.bodiesKept == 0)
        #expect(report.spaceReclaimed)
        #expect(report.traces.isEmpty, "\(report.traces)")

        // No trace in any column of any table, raw messages kept for others included (headers and bodies).
        #expect(try StoreSearch.hits(of: PeopleStore.anna, in: people.store) == [])
        #expect(try StoreSearch.hits(of: PeopleStore.annaMarker, in: people.store) == [])
        for name in ["Anna Example", "Example, Anna"] {
            #expect(try StoreSearch.hits(of: name, in: people.store) == [], "\(name)")
        }
        // Nor in the file's free pages, nor in the write-ahead log.
        for file in StoreSearch.files(of: people.store) {
            #expect(!StoreSearch.file(file, contains: PeopleStore.anna), "\(file)")
            #expect(!StoreSearch.file(file, contains: PeopleStore.annaMarker), "\(file)")
            #expect(!StoreSearch.file(file, contains: "Anna Example"), "\(file)")
        }

        // Olga's message: her Cc of Anna is gone from the headers, her body is byte for byte the same.
        let olga = try people.message("o1@example.org")
        let (header, body) = headerAndBody(olga.raw)
        #expect(header.contains("\r\nCc: erased@invalid\r\n"))
        #expect(header.contains("Subject: Exam will not load for Erased's group"))
        #expect(header.contains("From: Olga Petrova <olga@example.org>"))
        #expect(body == headerAndBody(olgaBefore).body)
        #expect(try people.message("c1@example.net").raw == carlBefore)
        let olgasTicket = try people.helpdesk.ticket("HD-000003")
        #expect(olgasTicket.copiedAddresses == "")
        #expect(olgasTicket.subject == "Exam will not load for Erased's group")
        // The values Anna's reply supplied went; the earlier user ID is in force again, the session is missing.
        #expect(try people.currentField("user_id", of: "HD-000003") == "st-1001")
        #expect(try people.currentField("session_id", of: "HD-000003") == nil)
        #expect(olgasTicket.missingFields == ["session_id"])
        #expect(try people.helpdesk.events("HD-000003").last == "subject-scrubbed")

        // The shared screenshot stays for Olga; Anna's own is gone; Carl is untouched.
        let shas = try people.store.read { db in try String.fetchSet(db, sql: "SELECT sha256 FROM attachment") }
        #expect(
            shas
                == Set(
                    [Mail.markedPNG(PeopleStore.olgaMarker), Mail.markedPNG(PeopleStore.carlMarker)].map(SHA256.hex)
                )
                .union([SHA256.hex(Base64.decode(Array(Mail.png.utf8)[...]).bytes)]))
        #expect(try people.helpdesk.count("ticket") == 2)
        #expect(try people.helpdesk.outbox().allSatisfy { $0.recipient != PeopleStore.anna })

        // The audit event says what went, with the address's digest and never the address.
        let audit = try people.store.read { db in
            try EventRecord.filter(Column("kind") == "subject-erased").fetchAll(db)
        }
        #expect(audit.count == 1)
        let detail = try #require(audit.first?.detail)
        #expect(audit.first?.ticketId == nil)
        #expect(detail.hasPrefix("2 tickets, 6 messages, 1 attachment, 4 outbox rows"))
        #expect(detail.contains("sha256 " + SHA256.hex(Array(PeopleStore.anna.utf8))))
        #expect(!detail.lowercased().contains("anna"))
        #expect(try people.store.integrityCheck() == "ok")
    }

    /// With notifications to the team (`[staff]`), which carry the customer's address, text and screenshots: the
    /// erasure leaves no trace of Anna in them either.
    @Test func erasureLeavesNoTraceInTheTeamsNotifications() throws {
        let people = try PeopleStore { $0.staff.teamAddress = "team@example.com" }
        let notifications = try people.helpdesk.outbox().filter { $0.kind == .notification }
        #expect(notifications.count >= 2)
        #expect(StoreSearch.files(of: people.store).contains { StoreSearch.file($0, contains: PeopleStore.annaMarker) })
        let report = try erase(PeopleStore.anna, in: people)
        #expect(report.unexpectedTraces.isEmpty, "\(report.unexpectedTraces)")
        #expect(try StoreSearch.hits(of: PeopleStore.anna, in: people.store) == [])
        #expect(try StoreSearch.hits(of: PeopleStore.annaMarker, in: people.store) == [])
        for file in StoreSearch.files(of: people.store) {
            #expect(!StoreSearch.file(file, contains: PeopleStore.anna), "\(file)")
            #expect(!StoreSearch.file(file, contains: PeopleStore.annaMarker), "\(file)")
        }
    }

    @Test func erasingACopiedPersonScrubsTheTicketTheyWereCopiedOn() throws {
        let people = try PeopleStore()
        let annaBefore = try people.message("a1@example.edu").raw
        let report = try erase("bob@example.edu", in: people)
        #expect(report.tickets.isEmpty)
        #expect(report.messages == 1 && report.messagesElsewhere == 1)
        #expect(report.scrubbedTickets == ["HD-000001"])
        #expect(report.unexpectedTraces.isEmpty)

        let ticket = try people.helpdesk.ticket("HD-000001")
        #expect(ticket.copiedAddresses == "")
        #expect(ticket.status == .open)
        let anna = try people.message("a1@example.edu")
        let (header, body) = headerAndBody(anna.raw)
        #expect(header.contains("\r\nCc: erased@invalid\r\n"))
        #expect(!header.contains("Bob Builder"))
        #expect(body == headerAndBody(annaBefore).body)
        #expect(
            try people.store.read { db in
                try MessageRecord.filter(Column("messageID") == "b1@example.edu").fetchCount(db)
            } == 0)
        #expect(try people.currentField("user_id", of: "HD-000001") == "st-1001")
        #expect(try StoreSearch.hits(of: "bob@example.edu", in: people.store) == [])
        #expect(try StoreSearch.hits(of: "Bob Builder", in: people.store) == [])
        for file in StoreSearch.files(of: people.store) {
            #expect(!StoreSearch.file(file, contains: "bob@example.edu"), "\(file)")
        }
    }

    @Test func otherPeoplesBodiesAreKeptAndReported() throws {
        let people = try PeopleStore(olgaBody: "Please keep anna@example.edu informed as well.")
        let olgaBefore = try people.message("o1@example.org").raw
        let report = try erase(PeopleStore.anna, in: people)
        #expect(report.bodiesKept == 1)
        #expect(report.unexpectedTraces.isEmpty)
        #expect(report.traces.map(\.place) == [.body])
        let olga = try people.message("o1@example.org")
        #expect(headerAndBody(olga.raw).body == headerAndBody(olgaBefore).body)
        // Only there: the body of the message Olga sent (headers, fields and subjects are clean).
        let hits = try StoreSearch.hits(of: PeopleStore.anna, in: people.store)
        #expect(hits == [StoreSearch.Hit(table: "message", column: "raw", rowID: olga.id!, inBody: true)])
    }

    @Test func sharedAttachmentsSurviveWhileSomeoneElseStillSendsThem() throws {
        let people = try PeopleStore()
        let shared = SHA256.hex(Base64.decode(Array(Mail.png.utf8)[...]).bytes)
        try erase(PeopleStore.anna, in: people).traces.forEach { Issue.record("trace \($0)") }
        let olgaID = try people.message("o1@example.org").id!
        let links = try people.store.read { db in
            try MessageAttachmentRecord.filter(Column("sha256") == shared).fetchAll(db)
        }
        #expect(links.map(\.messageId) == [olgaID])
        #expect(try people.store.read { db in try AttachmentRecord.fetchOne(db, key: shared) } != nil)
        // When Olga is erased too, nobody sends it any more: it goes.
        _ = try erase("olga@example.org", in: people)
        #expect(try people.store.read { db in try AttachmentRecord.fetchOne(db, key: shared) } == nil)
        #expect(try people.helpdesk.count("attachment") == 1)
    }

    @Test(arguments: ["\r\n", "\n"])
    func headerScrubbingReadsEncodedWordsFoldingAndQuotes(_ lineBreak: String) throws {
        let header = [
            "From: Olga Petrova <olga@example.org>",
            "To: helpdesk@example.com,",
            " =?utf-8?Q?Bj=C3=B6rn_Berg?= <Bjorn@Example.se>, Carol <carol@example.com>",
            "Cc: \"Berg, Björn\" <bjorn@example.se> (work), joanna.bjorn@example.se, bjorn@example.se.evil.com",
            "Subject: =?utf-8?Q?Pr=C3=BCfung_f=C3=BCr_Bj=C3=B6rn_Berg?=",
            "Received: from mx1 by mx2 for <bjorn@example.se>; Mon, 11 Nov 2024 10:00:00 +0000",
            "Message-ID: <x1@example.org>",
        ]
        let body = "Please tell bjorn@example.se (Björn Berg) the exam moved." + lineBreak
        let raw = Array((header.joined(separator: lineBreak) + lineBreak + lineBreak + body).utf8)
        let scrubber = HeaderScrubber(
            address: try SubjectAddress("bjorn@example.se"), names: ["Björn Berg", "Berg, Björn"])
        let mentions = scrubber.mentions(in: raw)
        #expect(mentions.inHeaders && mentions.inBody)
        #expect(Set(mentions.names) == ["Björn Berg", "Berg, Björn"])

        let scrubbed = try #require(scrubber.scrub(raw))
        let text = String(decoding: scrubbed, as: UTF8.self)
        #expect(text.hasSuffix(lineBreak + lineBreak + body), "the body is kept byte for byte")
        if lineBreak == "\n" { #expect(!scrubbed.contains(0x0D)) }
        let parsed = MIMEParser().parse(scrubbed)
        let envelope = MessageContent(parsed).envelope
        #expect(envelope.to.map(\.address) == ["helpdesk@example.com", "erased@invalid", "carol@example.com"])
        #expect(
            envelope.cc.map(\.address) == ["erased@invalid", "joanna.bjorn@example.se", "bjorn@example.se.evil.com"])
        #expect(envelope.to.first { $0.address == "carol@example.com" }?.name == "Carol")
        #expect(envelope.subject == "Prüfung für Erased")
        #expect(envelope.messageID == "x1@example.org")
        #expect(parsed.headerText("Received")?.contains("for <erased@invalid>") == true)
        let headerSection = String(decoding: scrubbed[..<parsed.parts[0].headerRange.upperBound], as: UTF8.self)
        for trace in ["bjorn@example.se>", "Björn", "Bj=C3=B6rn", "Berg"] {
            #expect(!headerSection.contains(trace), "\(trace) in\n\(headerSection)")
        }
        // A message that does not name them is left alone.
        #expect(scrubber.scrub(Array("From: carol@example.com\r\nSubject: Hi\r\n\r\nbjorn@example.se\r\n".utf8)) == nil)
    }

    // MARK: Dry runs

    @Test func dryRunsChangeNothingAndPredictTheRealRun() throws {
        let people = try PeopleStore()
        let before = try StoreSearch.dump(people.store)
        let planned = try erase(PeopleStore.anna, in: people, dryRun: true)
        #expect(try StoreSearch.dump(people.store) == before)
        #expect(planned.dryRun && planned.tickets == ["HD-000001", "HD-000002"])
        #expect(planned.lines.first?.contains("dry run") == true)

        // The purge: everything resolved long ago would go, yet nothing does.
        let desk = StaffDesk(context: people.helpdesk.context)
        for ref in ["HD-000001", "HD-000003"] {
            _ = try desk.perform(.resolve, on: ref, by: "staff", at: Mail.monday10)
        }
        let resolved = try StoreSearch.dump(people.store)
        let later = Mail.monday10 + 31 * 86_400
        let purgePlan = try RetentionPurge.run(store: people.store, now: later, days: 30, batchSize: 1, dryRun: true)
        #expect(try StoreSearch.dump(people.store) == resolved)
        #expect(purgePlan.tickets.map(\.ref) == ["HD-000001", "HD-000003"])
        #expect(purgePlan.ticketBatches == [1, 1])

        let purged = try RetentionPurge.run(store: people.store, now: later, days: 30, batchSize: 1)
        #expect(purged.tickets.map(\.ref) == purgePlan.tickets.map(\.ref))
        #expect(purged.messages == purgePlan.messages && purged.attachments == purgePlan.attachments)
        #expect(purged.outboxRows == purgePlan.outboxRows && purged.events == purgePlan.events)
        #expect(purged.fieldValues == purgePlan.fieldValues)

        let erased = try erase(PeopleStore.anna, in: people, dryRun: true)
        let real = try erase(PeopleStore.anna, in: people)
        #expect(erased.tickets == real.tickets && erased.messages == real.messages)
        #expect(erased.attachments == real.attachments && erased.outboxRows == real.outboxRows)
        #expect(erased.fieldValues == real.fieldValues && erased.events == real.events)
        #expect(erased.scrubbedTickets == real.scrubbedTickets && erased.scrubbedHeaders == real.scrubbedHeaders)
        #expect(erased.auditDetail == real.auditDetail)
    }

    // MARK: Retention

    /// A ticket with a message, a screenshot link, a field value, an event and an answer, written directly.
    func insertTicket(_ db: Database, number: Int64, status: TicketStatus, updatedAt: Int64, sha: String) throws {
        var ticket = TicketRecord(
            number: number, ref: String(format: "HD-%06d", number), status: status, severity: .normal,
            category: "other", reporterAddress: "r\(number)@example.edu", copiedAddresses: "",
            subject: "Report \(number)", missing: "", createdAt: updatedAt - 3600, updatedAt: updatedAt,
            slaConsumed: 0, answersSent: 1)
        try ticket.insert(db)
        let raw = Data("From: r\(number)@example.edu\r\nSubject: Report \(number)\r\n\r\nHello\r\n".utf8)
        var message = MessageRecord(
            ticketId: ticket.id, direction: .inbound, messageID: "m\(number)@example.edu", inReplyTo: "",
            referenceIDs: "", fromAddress: "r\(number)@example.edu", subject: "Report \(number)",
            sha256: SHA256.hex([UInt8](raw)), raw: raw, defects: "", receivedAt: updatedAt - 3600)
        try message.insert(db)
        var link = MessageAttachmentRecord(
            messageId: message.id!, sha256: sha, part: "2", declaredType: "image/png", isScreenshot: true)
        try link.insert(db)
        try SQLiteAccess(db).setField(
            "user_id", to: "st-\(number)", ticketID: ticket.id!, messageID: message.id, at: updatedAt)
        try SQLiteAccess(db).record(
            EventRecord(ticketId: ticket.id, messageId: message.id, at: updatedAt, kind: .created, detail: ""))
        var answer = OutboxRecord(
            ticketId: ticket.id, kind: .acknowledgement, recipient: "r\(number)@example.edu", subject: "Re: Report",
            messageID: "HD-\(number).1@example.com", raw: Data("To: r\(number)@example.edu\r\n\r\nThanks\r\n".utf8),
            status: .sent, attempts: 1, nextAttemptAt: updatedAt, createdAt: updatedAt)
        try answer.insert(db)
    }

    @Test func retentionPurgesExpiredTicketsInBatchesAndNeverOpenWork() throws {
        let helpdesk = try TestHelpdesk()
        let store = helpdesk.store
        let days = 2555
        let now = Mail.monday10 + 4000 * 86_400
        let expired = now - Int64(days) * 86_400 - 86_400
        let recent = now - 86_400
        let onlyExpired = SHA256.hex(Array("only on expired tickets".utf8))
        let sharedWithKept = SHA256.hex(Array("also on recently resolved tickets".utf8))
        let openWork = SHA256.hex(Array("on open and suspended tickets".utf8))
        try store.write { db in
            for sha in [onlyExpired, sharedWithKept, openWork] {
                try SQLiteAccess(db).storeAttachment(sha256: sha, contentType: "image/png", bytes: Array(sha.utf8))
            }
            let statuses: [TicketStatus] = [.resolved, .closed, .redirected]
            for number in 1...250 {
                try insertTicket(
                    db, number: Int64(number), status: statuses[number % 3], updatedAt: expired - Int64(number),
                    sha: number == 7 ? sharedWithKept : onlyExpired)
            }
            // Old, but open or waiting for the reporter: never deleted silently.
            for number in 251...253 {
                try insertTicket(db, number: Int64(number), status: .open, updatedAt: expired, sha: openWork)
            }
            for number in 254...256 {
                try insertTicket(db, number: Int64(number), status: .suspended, updatedAt: expired, sha: openWork)
            }
            // Resolved within the period.
            for number in 257...261 {
                try insertTicket(db, number: Int64(number), status: .resolved, updatedAt: recent, sha: sharedWithKept)
            }
            // Automated mail on no ticket: four expired, one recent.
            for (index, received) in [expired, expired, expired, expired, recent].enumerated() {
                let raw = Data("From: mailer-daemon@example.net\r\n\r\nbounce \(index)\r\n".utf8)
                var message = MessageRecord(
                    direction: .inbound, messageID: "bounce\(index)@example.net", inReplyTo: "", referenceIDs: "",
                    fromAddress: "mailer-daemon@example.net", subject: "Undelivered", automated: "bounce",
                    sha256: SHA256.hex([UInt8](raw)), raw: raw, defects: "", receivedAt: received)
                try message.insert(db)
                try SQLiteAccess(db).record(
                    EventRecord(messageId: message.id, at: received, kind: .automatedMailReceived, detail: "bounce"))
            }
        }
        let before = try StoreSearch.dump(store)
        let plan = try RetentionPurge.run(store: store, now: now, days: days, batchSize: 100, dryRun: true)
        #expect(try StoreSearch.dump(store) == before)
        #expect(plan.tickets.count == 250 && plan.ticketBatches == [100, 100, 50])

        let commits = TicketDeletionCommits()
        try store.write { db in db.add(transactionObserver: commits, extent: .databaseLifetime) }
        let report = try RetentionPurge.run(store: store, now: now, days: days, batchSize: 100)
        #expect(report.tickets.count == 250)
        #expect(report.ticketBatches == [100, 100, 50])
        #expect(commits.count == 3)
        #expect(report.messages == 254 && report.looseMessages == 4)
        #expect(report.outboxRows == 250 && report.fieldValues == 250 && report.events == 254)
        #expect(report.attachments == 1)
        #expect(report.tickets.first?.ref == "HD-000250", "oldest first")
        #expect(report.logTruncated)

        let remaining = try store.read { db in try TicketRecord.order(Column("number")).fetchAll(db) }
        #expect(remaining.map(\.number) == Array(251...261))
        #expect(
            remaining.filter { $0.status == .open }.count == 3
                && remaining.filter { $0.status == .suspended }.count == 3)
        #expect(try helpdesk.count("message") == 11 + 1)
        // Content only expired tickets referred to went; what open work and recent tickets use stays.
        #expect(
            try store.read { db in try String.fetchSet(db, sql: "SELECT sha256 FROM attachment") } == [
                sharedWithKept, openWork,
            ])
        #expect(
            try store.read { db in
                try EventRecord.filter(Column("kind") == TicketEventKind.retentionPurged).fetchCount(db)
            } == 1)
        #expect(
            plan.messages == report.messages && plan.outboxRows == report.outboxRows && plan.events == report.events)

        // A second run finds nothing.
        let again = try RetentionPurge.run(store: store, now: now, days: days, batchSize: 100)
        #expect(again.tickets.isEmpty && again.messages == 0 && again.transactions == 0)
    }

    @Test func retentionDeletesContentNoMessageRefersTo() throws {
        let helpdesk = try TestHelpdesk()
        let now = Mail.monday10 + 100 * 86_400
        try helpdesk.store.write { db in
            for sha in ["a", "b", "orphan"] {
                try SQLiteAccess(db).storeAttachment(sha256: sha, contentType: "image/png", bytes: [1])
            }
            try insertTicket(db, number: 1, status: .closed, updatedAt: now - 40 * 86_400, sha: "a")
            try insertTicket(db, number: 2, status: .closed, updatedAt: now - 40 * 86_400, sha: "b")
        }
        let plan = try RetentionPurge.run(store: helpdesk.store, now: now, days: 30, batchSize: 1, dryRun: true)
        #expect(plan.attachments == 3)
        let report = try RetentionPurge.run(store: helpdesk.store, now: now, days: 30, batchSize: 1)
        #expect(report.attachments == 3 && report.attachmentBatches == [1, 1, 1])
        #expect(try helpdesk.count("attachment") == 0)
    }

    // MARK: Minimisation

    @Test(arguments: [
        ("Password: hunter2 please", "Password: ******** please"),
        ("login pwd=s3cr3t&user=anna", "login pwd=********&user=anna"),
        ("пароль: qwerty123", "пароль: ********"),
        ("code: 123456", "code: ********"),
        ("Your code is 482913.", "Your code is ********."),
        ("OTP 123456", "OTP ********"),
        ("my OTP was 0042 earlier", "my OTP was ******** earlier"),
        ("The verification code is 123456", "The verification code is ********"),
        ("Verification code: 739 201", "Verification code: ********"),
        ("one-time code #12345678", "one-time code #********"),
        ("PIN 4821", "PIN ********"),
        ("Код подтверждения: 552211", "Код подтверждения: ********"),
        ("İstanbul campus, OTP 123456", "İstanbul campus, OTP ********"),
    ])
    func secretsAreMasked(_ input: String, _ expected: String) {
        #expect(SecretMasker.masked(input) == expected)
    }

    @Test(arguments: [
        "Error code: 1603 when installing",
        "HTTP code 503 from the proxy",
        "exam code: 123456 for the final",
        "code 123456",
        "The OTP never arrived",
        "OTP: never arrived",
        "verification code is wrong",
        "OTP sent at 2024-11-11 10:32",
        "OTP 12345abc",
        "pin 3 of the cable",
        "code: 1234 is a four-digit code",
        "Session ID: 7f3c9a12",
        "I forgot my password and cannot log in",
    ])
    func unlabelledNumbersAndProseAreNotMasked(_ input: String) {
        #expect(SecretMasker.masked(input) == input)
    }

    @Test func secretsNeverReachFieldsSubjectsEventsOrAnswers() throws {
        let helpdesk = try TestHelpdesk()
        let email = Mail.report(
            id: "s1@example.edu", subject: "Verification code is 551234 but login fails",
            body: "My password: Hunter2Secret and the OTP 770011 did not work.")
        try helpdesk.ingest(email)
        for secret in ["551234", "Hunter2Secret", "770011"] {
            let hits = try StoreSearch.hits(of: secret, in: helpdesk.store)
            // Only the raw message, kept as received, holds them.
            #expect(hits.allSatisfy { $0.table == "message" && $0.column == "raw" }, "\(secret): \(hits)")
            for answer in try helpdesk.outbox() {
                let text = MessageContent(MIMEParser().parse([UInt8](answer.raw))).text ?? ""
                #expect(!text.contains(secret) && !answer.subject.contains(secret))
            }
        }
        #expect(try helpdesk.ticket("HD-000001").subject == "Verification code is ******** but login fails")
    }

    /// Every answer kind a customer receives, from an email whose body lines are all distinctive: none may come
    /// back. (Notifications to the team carry the customer's text by design: they never go to a customer.)
    @Test(arguments: AnswerKind.templated)
    func answersNeverEchoTheReportersText(_ kind: AnswerKind) throws {
        let helpdesk = try TestHelpdesk()
        let body = [
            "Zebra lantern quietly audits the marmalade ledger.",
            "Cobalt umbrella negotiates with seventeen teaspoons.",
        ]
        let subject = "Exam will not load"
        let bodyText = body.joined(separator: "\n")
        var answer: [UInt8]
        switch kind {
        case .notification, .staffBounce:
            return
        case .acknowledgement:
            try helpdesk.ingest(Mail.report(id: "k1@example.edu", body: bodyText))
            answer = try [UInt8](#require(try helpdesk.outbox().last).raw)
        case .informationRequest:
            try helpdesk.ingest(Mail.report(id: "k2@example.edu", session: false, body: bodyText))
            answer = try [UInt8](#require(try helpdesk.outbox().last).raw)
        case .resumed:
            try helpdesk.ingest(Mail.report(id: "k3@example.edu", session: false, body: bodyText))
            try helpdesk.ingest(
                Mail.reply(
                    id: "k3r@example.edu", inReplyTo: "k3@example.edu", subject: "Re: " + subject,
                    body: "Session ID: 7f3c9a12\n" + bodyText))
            let last = try #require(try helpdesk.outbox().last)
            #expect(last.kind.rawValue == "resumed")
            answer = [UInt8](last.raw)
        case .passwordReset:
            let email =
                "From: s@example.edu\r\nSubject: Forgot my password\r\nMessage-ID: <k4@example.edu>\r\n\r\n"
                + "Hello, I forgot my password and cannot log in. Please reset my password.\r\n"
                + body.joined(separator: "\r\n") + "\r\n"
            try helpdesk.ingest(email)
            answer = try [UInt8](#require(try helpdesk.outbox().last).raw)
        case .tooLarge:
            // Not queued by the pipeline yet (the IMAP poller answers it): composed from the same email.
            let parsed = MIMEParser().parse(Array(Mail.report(id: "k5@example.edu", body: bodyText).utf8))
            let envelope = MessageContent(parsed).envelope
            answer = try helpdesk.pipeline.answers.compose(
                AnswerRequest(
                    kind: .tooLarge, ticket: TicketReference(prefix: "HD", number: 1)!, subject: envelope.subject,
                    recipient: envelope.from[0], inReplyTo: envelope.messageID, sequence: 1, now: Mail.monday10,
                    sizeLimit: 25 << 20)
            ).raw
        case .reply, .resolution:
            // Staff's answers carry staff's text, never the reporter's: quoting is left to the staff member.
            try helpdesk.ingest(Mail.report(id: "k6@example.edu", body: bodyText))
            let action: StaffAction =
                kind == .reply ? .reply("We reset your session.") : .resolveWithSummary("We reset your session.")
            _ = try StaffDesk(context: helpdesk.context).perform(action, on: "HD-000001", by: "olga", at: Mail.monday10)
            answer = try [UInt8](#require(try helpdesk.outbox().last).raw)
        }
        let kindInOutbox = try helpdesk.outbox().last?.kind.rawValue
        #expect(kind == .tooLarge || kindInOutbox == kind.rawValue)
        let text = MessageContent(MIMEParser().parse(answer)).text ?? ""
        let rawText = String(decoding: answer, as: UTF8.self)
        for line in body {
            #expect(!text.contains(line) && !rawText.contains(line), "\(kind): \(line)")
            for word in line.split(separator: " ") where word.count > 7 {
                #expect(!text.contains(word), "\(kind) repeats \(word)")
            }
        }
    }
}
