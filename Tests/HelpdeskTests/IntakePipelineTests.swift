import Foundation
import GRDB
import Incident
import MIME
import Synchronization
import Testing
import TicketStore

@testable import Helpdesk

/// A helpdesk on a fresh SQLite file in a temporary directory.
struct TestHelpdesk {
    let context: HelpdeskContext
    let directory: String
    /// The SQLite store, for looking at rows directly.
    var store: SQLiteTicketStore { context.store as! SQLiteTicketStore }
    var pipeline: IntakePipeline { context.pipeline }

    init(configure: (inout HelpdeskConfiguration) -> Void = { _ in }) throws {
        directory = NSTemporaryDirectory() + "helpdeskd-pipeline-" + UUID().uuidString
        var configuration = HelpdeskConfiguration()
        configuration.identity.stateDirectory = directory
        configuration.passwordResetURL = "https://proctor.example.edu/reset-password"
        configure(&configuration)
        context = try HelpdeskContext(configuration: configuration)
    }

    /// The same store and answers, with a pipeline that calls `checkpoint` inside its transaction.
    func pipeline(checkpoint: @escaping @Sendable (String) throws -> Void) -> IntakePipeline {
        IntakePipeline(
            store: context.store, configuration: context.configuration, answers: context.pipeline.answers,
            signer: context.pipeline.signer, checkpoint: checkpoint)
    }

    @discardableResult
    func ingest(_ email: String, uid: Int64? = nil, at now: Int64 = Mail.monday10) throws -> IngestOutcome {
        let source: MessageSource = uid.map { .imap(mailbox: "INBOX", uidValidity: 1, uid: $0) } ?? .file(path: "test")
        return try pipeline.ingest(Array(email.utf8), source: source, receivedAt: now)
    }

    func ticket(_ ref: String) throws -> TicketRecord {
        try #require(try store.ticket(ref: ref))
    }

    func count(_ table: String) throws -> Int {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    func outbox() throws -> [OutboxRecord] {
        try store.read { db in try OutboxRecord.order(Column("id")).fetchAll(db) }
    }

    func events(_ ref: String) throws -> [String] {
        let id = try ticket(ref).id!
        return try store.read { db in
            try EventRecord.filter(Column("ticketId") == id).order(Column("id")).fetchAll(db).map(\.kind.rawValue)
        }
    }
}

/// Emails written for these tests.
enum Mail {
    /// Monday 2024-11-11 10:00 UTC.
    static let monday10: Int64 = 1_731_319_200

    static let png: String = {
        // A 1280×720 PNG header is all the extractor reads.
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += [0, 0, 0x05, 0x00, 0, 0, 0x02, 0xD0, 8, 6, 0, 0, 0]
        return Base64.encode(bytes)
    }()

    static func report(
        from: String = "anna@example.edu", id: String, subject: String = "Exam will not load",
        session: Bool = true, screenshot: Bool = true, extraHeaders: String = "", body: String = ""
    )
        -> String
    {
        var text = """
            From: Anna <\(from)>
            To: helpdesk@example.com
            Subject: \(subject)
            Message-ID: <\(id)>
            Date: Mon, 11 Nov 2024 12:00:00 +0300
            MIME-Version: 1.0
            \(extraHeaders)Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            The exam page stays white after the camera check for one of our students.
            \(body)
            Server: https://proctor.example.edu
            Time: 2024-11-11 10:32 +03:00
            User ID: st-1001

            """
        if session { text += "Session ID: 7f3c9a12\n" }
        if screenshot {
            text += "--b\nContent-Type: image/png; name=\"shot.png\"\nContent-Transfer-Encoding: base64\n\n\(png)\n"
        }
        text += "--b--\n"
        return text.replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func reply(
        from: String = "anna@example.edu", id: String, inReplyTo: String?, subject: String,
        body: String, screenshot: Bool = false
    ) -> String {
        var text = """
            From: \(from)
            To: helpdesk@example.com
            Subject: \(subject)
            Message-ID: <\(id)>
            \(inReplyTo.map { "In-Reply-To: <\($0)>\nReferences: <\($0)>\n" } ?? "")Date: Mon, 11 Nov 2024 13:00:00 +0300
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            \(body)

            On Mon, 11 Nov 2024, Helpdesk <helpdesk@example.com> wrote:
            > Session ID: please tell us

            """
        if screenshot {
            text += "--b\nContent-Type: image/png; name=\"later.png\"\nContent-Transfer-Encoding: base64\n\n\(png)\n"
        }
        text += "--b--\n"
        return text.replacingOccurrences(of: "\n", with: "\r\n")
    }
}

@Suite struct IntakePipelineTests {
    @Test func completeReportOpensAndAcknowledges() throws {
        let helpdesk = try TestHelpdesk()
        #expect(try helpdesk.ingest(Mail.report(id: "a1@example.edu")) == .created(ref: "HD-000001", status: .open))
        let ticket = try helpdesk.ticket("HD-000001")
        #expect(ticket.missingFields.isEmpty)
        // Monday 10:00 UTC + 24 h on working days.
        #expect(ticket.dueAt == Mail.monday10 + 86_400)
        let outbox = try helpdesk.outbox()
        #expect(outbox.map(\.kind.rawValue) == ["acknowledgement"])
        #expect(outbox[0].recipient == "anna@example.edu" && outbox[0].status == .queued)
        #expect(try helpdesk.events("HD-000001") == ["created", "answer-queued"])
    }

    @Test func incompleteReportIsSuspendedAndAskedForExactlyWhatIsMissing() throws {
        let helpdesk = try TestHelpdesk()
        let outcome = try helpdesk.ingest(Mail.report(id: "a2@example.edu", session: false, screenshot: false))
        #expect(outcome == .created(ref: "HD-000001", status: .suspended))
        let ticket = try helpdesk.ticket("HD-000001")
        #expect(ticket.missingFields == ["session_id", "screenshots"])
        #expect(ticket.dueAt == nil)
        let answer = try #require(try helpdesk.outbox().first)
        #expect(answer.kind.rawValue == "information-request")
        let text = MessageContent(MIMEParser().parse([UInt8](answer.raw))).text ?? ""
        #expect(text.localizedCaseInsensitiveContains("session"))
        #expect(text.localizedCaseInsensitiveContains("screenshot"))
        #expect(!text.localizedCaseInsensitiveContains("proctoring server you use"))
    }

    @Test func replyCompletesTheTicketThroughOurSignedMessageID() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "a3@example.edu", session: false, screenshot: false))
        let request = try #require(try helpdesk.outbox().first)
        // Still incomplete: only the session arrives, a second request is not sent within 24 h.
        let first = Mail.reply(
            id: "r1@example.edu", inReplyTo: request.messageID, subject: "Re: " + request.subject,
            body: "Session ID: 7f3c9a12")
        #expect(try helpdesk.ingest(first) == .updated(ref: "HD-000001", status: .suspended))
        #expect(try helpdesk.ticket("HD-000001").missingFields == ["screenshots"])
        #expect(try helpdesk.outbox().map(\.status) == [.queued, .suppressed])
        // The screenshot arrives: the ticket resumes, its clock starts, a "now handled" answer goes out.
        let second = Mail.reply(
            id: "r2@example.edu", inReplyTo: request.messageID, subject: "Re: " + request.subject,
            body: "Here is the screenshot.", screenshot: true)
        #expect(try helpdesk.ingest(second, at: Mail.monday10 + 3600) == .updated(ref: "HD-000001", status: .open))
        let ticket = try helpdesk.ticket("HD-000001")
        #expect(ticket.missingFields.isEmpty)
        #expect(ticket.dueAt == Mail.monday10 + 3600 + 86_400)
        #expect(try helpdesk.outbox().last?.kind.rawValue == "resumed")
        #expect(try helpdesk.events("HD-000001").contains("resumed"))
        // The quoted "Session ID: please tell us" in the reply did not overwrite anything.
        let session = try helpdesk.store.snapshot { snapshot in
            try snapshot.currentFieldValues(ticketID: ticket.id!)["session_id"]?.value
        }
        #expect(session == "7f3c9a12")
    }

    @Test func replyAfterCompletionAddsInformationWithoutAnotherAnswer() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "a4@example.edu"))
        let ack = try #require(try helpdesk.outbox().first)
        let reply = Mail.reply(
            id: "r3@example.edu", inReplyTo: ack.messageID, subject: "Re: " + ack.subject,
            body: "User ID: st-2002\nIt happened again for another student.")
        #expect(try helpdesk.ingest(reply) == .updated(ref: "HD-000001", status: .open))
        #expect(try helpdesk.outbox().count == 1)
        #expect(try helpdesk.events("HD-000001").contains("field-changed"))
    }

    @Test func duplicatesChangeNothing() throws {
        let helpdesk = try TestHelpdesk()
        let email = Mail.report(id: "a5@example.edu")
        try helpdesk.ingest(email, uid: 7)
        #expect(try helpdesk.ingest(email, uid: 7) == .duplicate)
        // The same message again from another source (a rescan after a UIDVALIDITY change, a file).
        #expect(try helpdesk.ingest(email, uid: 99) == .duplicate)
        #expect(try helpdesk.ingest(email) == .duplicate)
        #expect(try helpdesk.count("ticket") == 1)
        #expect(try helpdesk.count("message") == 1)
        #expect(try helpdesk.count("outbox") == 1)
    }

    @Test func forgedReferenceOpensANewTicketAndIsRecorded() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "a6@example.edu", session: false))
        let forged = Mail.reply(
            id: "f1@example.edu", inReplyTo: "HD-000001.1.0000000000000000@example.com",
            subject: "Re: exam", body: "Session ID: 123\nThe exam page stays white for me as well since this morning.")
        #expect(try helpdesk.ingest(forged) == .created(ref: "HD-000002", status: .suspended))
        #expect(try helpdesk.events("HD-000002").contains("forged-reference"))
        #expect(try helpdesk.ticket("HD-000001").missingFields == ["session_id"])
    }

    @Test func strangerCannotChangeSomeoneElsesTicket() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "a7@example.edu", session: false))
        let request = try #require(try helpdesk.outbox().first)
        let hijack = Mail.reply(
            from: "mallory@example.net", id: "m1@example.net", inReplyTo: request.messageID,
            subject: "Re: " + request.subject, body: "Session ID: attacker-controlled")
        #expect(try helpdesk.ingest(hijack) == .created(ref: "HD-000002", status: .suspended))
        #expect(try helpdesk.ticket("HD-000001").missingFields == ["session_id"])
        #expect(try helpdesk.events("HD-000001").contains("reply-from-stranger"))
        #expect(try helpdesk.events("HD-000002").contains("opened-instead-of-update"))
        // The answer goes to the stranger's own address, about their own new ticket.
        #expect(try helpdesk.outbox().last?.recipient == "mallory@example.net")
    }

    @Test func copiedColleagueMayUpdateTheTicket() throws {
        let helpdesk = try TestHelpdesk()
        let report = Mail.report(id: "a8@example.edu", session: false, extraHeaders: "Cc: Bob <bob@example.edu>\r\n")
        try helpdesk.ingest(report)
        let reply = Mail.reply(
            from: "bob@example.edu", id: "b1@example.edu", inReplyTo: nil, subject: "Re: [HD-000001] Exam",
            body: "Session ID: 7f3c9a12")
        #expect(try helpdesk.ingest(reply) == .updated(ref: "HD-000001", status: .open))
    }

    @Test func subjectReferenceWithoutSignatureThreadsOnlyForTheReporter() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "a9@example.edu", session: false))
        let reply = Mail.reply(
            id: "r9@example.edu", inReplyTo: nil, subject: "AW: [HD-000001] Exam", body: "Session ID: 42")
        #expect(try helpdesk.ingest(reply) == .updated(ref: "HD-000001", status: .open))
    }

    @Test func sharedScreenshotsAreStoredOnce() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(from: "anna@example.edu", id: "s1@example.edu"))
        try helpdesk.ingest(Mail.report(from: "olga@example.org", id: "s2@example.org"))
        #expect(try helpdesk.count("ticket") == 2)
        #expect(try helpdesk.count("messageAttachment") == 2)
        #expect(try helpdesk.count("attachment") == 1)
    }

    @Test func automatedMailIsStoredOnItsTicketAndNeverAnswered() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "o1@example.edu"))
        let outOfOffice = Mail.reply(
            id: "ooo@example.edu", inReplyTo: nil, subject: "Automatic reply: [HD-000001] Exam", body: "I am away."
        )
        .replacingOccurrences(
            of: "Content-Type: multipart", with: "Auto-Submitted: auto-replied\r\nContent-Type: multipart")
        #expect(try helpdesk.ingest(outOfOffice) == .automated(reason: "auto-submitted", ref: "HD-000001"))
        #expect(try helpdesk.outbox().count == 1)
    }

    @Test func passwordResetIsRedirected() throws {
        let helpdesk = try TestHelpdesk()
        let email =
            "From: s@example.edu\r\nSubject: Forgot my password\r\nMessage-ID: <p1@example.edu>\r\n\r\n"
            + "Hello, I forgot my password and cannot log in. Please reset my password.\r\n"
        #expect(try helpdesk.ingest(email) == .created(ref: "HD-000001", status: .redirected))
        #expect(try helpdesk.outbox().map(\.kind.rawValue) == ["password-reset"])
    }

    @Test func criticalReportOnFridayAfternoonIsDueMondayAfternoon() throws {
        let helpdesk = try TestHelpdesk()
        let friday15 = Mail.monday10 + 4 * 86_400 + 5 * 3600
        try helpdesk.ingest(
            Mail.report(id: "c1@example.edu", subject: "URGENT: nobody can start the exam"), at: friday15)
        let ticket = try helpdesk.ticket("HD-000001")
        #expect(ticket.severity == .critical)
        // One working hour on Friday, seven on Monday from 08:00.
        #expect(ticket.dueAt == Mail.monday10 + 7 * 86_400 + 5 * 3600)
    }

    @Test func holidayIsSkippedByTheSLAClock() throws {
        let helpdesk = try TestHelpdesk { configuration in
            configuration.serviceLevel.calendar.holidays = [CivilCalendar.daysSince1970(year: 2024, month: 11, day: 12)]
        }
        try helpdesk.ingest(Mail.report(id: "h1@example.edu"))
        // Monday 10:00 + 24 h, Tuesday a holiday: due Wednesday 10:00.
        #expect(try helpdesk.ticket("HD-000001").dueAt == Mail.monday10 + 2 * 86_400)
    }

    @Test func answerCapsStopAFloodFromOneAddress() throws {
        let helpdesk = try TestHelpdesk { $0.rateLimits.perAddressPerHour = 3 }
        for index in 0..<6 {
            try helpdesk.ingest(Mail.report(id: "flood\(index)@example.edu", subject: "Report \(index)"))
        }
        let statuses = try helpdesk.outbox().map(\.status)
        #expect(statuses == [.queued, .queued, .queued, .suppressed, .suppressed, .suppressed])
        #expect(try helpdesk.count("ticket") == 6)
    }

    @Test(arguments: ["message-stored", "ticket-created", "fields-recorded", "answer-composed", "answer-queued"])
    func aCrashAnywhereInTheTransactionLeavesNothingBehind(_ point: String) throws {
        struct Crash: Error {}
        let helpdesk = try TestHelpdesk()
        let crashing = helpdesk.pipeline { name in if name == point { throw Crash() } }
        let email = Array(Mail.report(id: "crash@example.edu", session: false).utf8)
        #expect(throws: Crash.self) {
            try crashing.ingest(
                email, source: .imap(mailbox: "INBOX", uidValidity: 1, uid: 1), receivedAt: Mail.monday10)
        }
        for table in ["ticket", "message", "attachment", "messageAttachment", "fieldValue", "event", "outbox"] {
            #expect(try helpdesk.count(table) == 0, "\(table) after a crash at \(point)")
        }
        // The retry after the restart does the whole job once.
        #expect(
            try helpdesk.ingest(String(decoding: email, as: UTF8.self), uid: 1)
                == .created(ref: "HD-000001", status: .suspended))
        #expect(try helpdesk.count("outbox") == 1)
    }

    /// The emails analysed, as arrivals from INBOX UIDs 1, 2, 3 …
    func arrivals(_ emails: [String], _ pipeline: IntakePipeline) -> [IntakePipeline.Arrival] {
        emails.enumerated().map { index, email in
            IntakePipeline.Arrival(
                email: pipeline.analyse(Array(email.utf8)),
                source: .imap(mailbox: "INBOX", uidValidity: 1, uid: Int64(index + 1)), receivedAt: Mail.monday10)
        }
    }

    /// Several emails per commit (the poller's store stage): one the pipeline cannot take is rolled back by
    /// itself and recorded for quarantine; the others, before and after it, are stored and answered.
    @Test func batchKeepsTheOthersWhenOneEmailFails() throws {
        struct Refused: Error {}
        let helpdesk = try TestHelpdesk()
        let calls = Mutex(0)
        // The second email's transaction fails after its message was stored.
        let pipeline = helpdesk.pipeline { name in
            if name == "message-stored",
                calls.withLock({
                    $0 += 1
                    return $0
                }) == 2
            {
                throw Refused()
            }
        }
        let emails = ["b1", "b2", "b3"].map { Mail.report(id: "\($0)@example.edu", subject: "Report \($0)") }
        let results = try pipeline.ingest(batch: arrivals(emails, pipeline))
        #expect(results.count == 3)
        #expect((try? results[0].get()) == .created(ref: "HD-000001", status: .open))
        #expect((try? results[1].get()) == nil)
        #expect((try? results[2].get()) == .created(ref: "HD-000002", status: .open))
        #expect(try helpdesk.count("ticket") == 2)
        #expect(try helpdesk.count("outbox") == 2)
        let quarantined = try helpdesk.store.read { db in
            try String.fetchAll(db, sql: "SELECT defects FROM message WHERE ticketId IS NULL")
        }
        #expect(quarantined.count == 1 && quarantined[0].hasPrefix("quarantined: "))
        // The quarantined one is known by its IMAP position: polled again, it is a duplicate.
        #expect(try helpdesk.ingest(emails[1], uid: 2) == .duplicate)
    }

    /// A storage error in a batch commits none of it: every email stays in the mailbox for the retry.
    @Test func batchCommitsNothingWhenTheStoreFails() throws {
        let helpdesk = try TestHelpdesk()
        let calls = Mutex(0)
        let pipeline = helpdesk.pipeline { name in
            if name == "answer-queued",
                calls.withLock({
                    $0 += 1
                    return $0
                }) == 2
            {
                throw DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full")
            }
        }
        let emails = ["f1", "f2", "f3"].map { Mail.report(id: "\($0)@example.edu") }
        let error = #expect(throws: DatabaseError.self) { try pipeline.ingest(batch: arrivals(emails, pipeline)) }
        #expect(error?.resultCode == .SQLITE_FULL)
        for table in ["ticket", "message", "outbox", "event"] {
            #expect(try helpdesk.count(table) == 0, "\(table)")
        }
    }
}

/// What intake records for the staff workspace: how each value was read and when a screenshot was taken, so the
/// ticket page shows provenance without reading every email again.
@Suite struct ProvenanceRecordTests {
    @Test func intakeRecordsHowEachValueWasReadAndWhenScreenshotsWereTaken() throws {
        let helpdesk = try TestHelpdesk()
        for name in ["01-complete-report.eml", "08-russian-koi8-report.eml"] {
            let raw = try #require(FileManager.default.contents(atPath: AnswerFixture.root + "/Samples/" + name))
            _ = try helpdesk.ingest(String(decoding: raw, as: UTF8.self))
        }
        let values = try helpdesk.store.snapshot { try $0.currentFieldValues(ticketID: 1) }
        let session = try #require(values["session_id"])
        #expect(session.source.hasPrefix("label “"), "\(session.source)")
        #expect(session.source.contains(session.value), "the line it was read from")
        let links = try helpdesk.store.snapshot { snapshot in
            try snapshot.attachmentLinks(messageIDs: try snapshot.messageIDs(onTickets: [2]))
        }
        #expect(links.contains { $0.isScreenshot && $0.takenAt != nil }, "the phone screenshot's EXIF time")
    }
}
