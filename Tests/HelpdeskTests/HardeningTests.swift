import Foundation
import GRDB
import Incident
import MIME
import Synchronization
import Testing
import TicketStore

@testable import Helpdesk

/// The classes of attack a red-team review found (issue #16), each at the mechanism that failed.
@Suite struct HardeningTests {
    /// A plain email from `from` with extra header lines above the usual ones.
    static func email(
        from: String, id: String, subject: String = "Exam will not load", headers: String = "",
        inReplyTo: String? = nil, body: String = "The exam page stays white after the camera check for a student."
    ) -> [UInt8] {
        var text = headers
        text += "From: \(from)\nTo: helpdesk@example.com\nSubject: \(subject)\nMessage-ID: <\(id)>\n"
        if let inReplyTo { text += "In-Reply-To: <\(inReplyTo)>\nReferences: <\(inReplyTo)>\n" }
        text += "Date: Mon, 11 Nov 2024 12:00:00 +0300\nContent-Type: text/plain; charset=utf-8\n\n\(body)\n"
        return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    func ingest(_ helpdesk: TestHelpdesk, _ raw: [UInt8], at now: Int64 = Mail.monday10) throws -> IngestOutcome {
        try helpdesk.pipeline.ingest(raw, source: .file(path: "test"), receivedAt: now)
    }

    // MARK: 1. One email must not stop intake

    @Test func aReplyWithAHugeReferencesListIsStoredLikeAnyOther() throws {
        let helpdesk = try TestHelpdesk()
        try helpdesk.ingest(Mail.report(id: "first@example.edu"))
        let request = try #require(try helpdesk.outbox().first)
        // 900 KB of References holding 300,000 IDs: one SQL variable each made SQLite refuse the thread lookup.
        let references = String(repeating: "<a>", count: 300_000)
        let raw = Self.email(
            from: "anna@example.edu", id: "many@example.edu", subject: "More details",
            headers: "References: \(references)\n", inReplyTo: request.messageID,
            body: "Session ID: 7f3c9a12, the screenshot follows.")
        // In-Reply-To comes first: the reply joins its ticket.
        #expect(try ingest(helpdesk, raw) == .updated(ref: "HD-000001", status: .open))
        let defects = try helpdesk.store.read { db in
            try String.fetchOne(db, sql: "SELECT defects FROM message WHERE messageID = 'many@example.edu'")
        }
        #expect(
            defects?.contains("References names 300001 messages; the last 50 were kept") == true, "\(defects ?? "")")
    }

    @Test func aMessageFaultQuarantinesThatEmailAndTheBatchGoesOn() throws {
        let helpdesk = try TestHelpdesk()
        let calls = Mutex(0)
        // The second email's write fails the way a hostile email's did ("too many SQL variables").
        let pipeline = helpdesk.pipeline { point in
            guard point == "message-stored" else { return }
            let call = calls.withLock { count in
                count += 1
                return count
            }
            if call == 2 { throw DatabaseError(resultCode: .SQLITE_ERROR, message: "too many SQL variables") }
        }
        let batch = ["one", "two", "three"].map { name in
            IntakePipeline.Arrival(
                email: pipeline.analyse(Array(Mail.report(from: "\(name)@example.edu", id: "\(name)@x").utf8)),
                source: .file(path: name), receivedAt: Mail.monday10)
        }
        let results = try pipeline.ingest(batch: batch)
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(try helpdesk.count("ticket") == 2)
        let quarantined = try helpdesk.store.read { db in
            try String.fetchAll(db, sql: "SELECT detail FROM event WHERE kind = 'quarantined'")
        }
        #expect(quarantined.count == 1 && quarantined[0].contains("too many SQL variables"))
    }

    @Test func aStoreFaultCommitsNothingAndIsThrown() throws {
        let helpdesk = try TestHelpdesk()
        let pipeline = helpdesk.pipeline { point in
            if point == "message-stored" { throw DatabaseError(resultCode: .SQLITE_FULL, message: "disk is full") }
        }
        let batch = [
            IntakePipeline.Arrival(
                email: pipeline.analyse(Array(Mail.report(id: "full@x").utf8)), source: .file(path: "full"),
                receivedAt: Mail.monday10)
        ]
        #expect(throws: (any Error).self) { try pipeline.ingest(batch: batch) }
        #expect(try helpdesk.count("message") == 0)
        #expect(StoreFault.isStoreUnavailable(DatabaseError(resultCode: .SQLITE_IOERR)))
        #expect(!StoreFault.isStoreUnavailable(DatabaseError(resultCode: .SQLITE_TOOBIG)))
        #expect(
            !StoreFault.isStoreUnavailable(DatabaseError(resultCode: .SQLITE_ERROR, message: "too many SQL variables")))
    }

    // MARK: 2. Linear scans

    @Test func aSubjectOfRepeatedPrefixesStillFindsTheReference() {
        let noise = String(repeating: "HD-", count: 30_000)
        #expect(TicketReference.first(in: noise + " [HD-000042]", prefix: "HD")?.description == "HD-000042")
        #expect(TicketReference.first(in: noise, prefix: "HD") == nil)
        #expect(TicketReference.first(in: "Re: [hd-4521] x", prefix: "HD")?.description == "HD-004521")
        #expect(TicketReference.first(in: "xHD-000001 HD-1234567890 HD-12a HD-000003", prefix: "HD")?.number == 3)
    }

    // MARK: 4. Reply authorisation

    /// Anna's ticket, and a reply to it from `from` (a whole From header value) with `headers` above it.
    func reply(
        from: String, headers: String = "", configure: (inout HelpdeskConfiguration) -> Void = { _ in }
    )
        throws -> (helpdesk: TestHelpdesk, outcome: IngestOutcome)
    {
        let helpdesk = try TestHelpdesk(configure: configure)
        try helpdesk.ingest(Mail.report(from: "kate@example.edu", id: "orig@example.edu", session: false))
        let request = try #require(try helpdesk.outbox().first)
        let raw = Self.email(
            from: from, id: "reply-\(UUID().uuidString)@x", subject: "Re: " + request.subject, headers: headers,
            inReplyTo: request.messageID, body: "Session ID: ATTACKER-1\nServer: https://evil.example")
        return (helpdesk, try ingest(helpdesk, raw, at: Mail.monday10 + 60))
    }

    @Test(arguments: [
        "kate@example.edu, mallory@evil.example",  // two authors: the first is not to be trusted
        "undisclosed-recipients:;",  // an empty group, with Sender set below
        "<@evil.example:kate@example.edu>",  // a route
        "\u{212A}ate@example.edu",  // KELVIN SIGN, which Unicode lower-cases to "k"
        "Kate <kate@example.edu>, <kate@example.edu>",
    ])
    func anAmbiguousAuthorNeverUpdatesSomeoneElsesTicket(from: String) throws {
        let (helpdesk, outcome) = try reply(from: from, headers: "Sender: kate@example.edu\n")
        #expect(outcome == .created(ref: "HD-000002", status: .suspended))
        let original = try helpdesk.ticket("HD-000001")
        let values = try helpdesk.store.snapshot { try $0.currentFieldValues(ticketID: original.id!) }
        #expect(values["session_id"] == nil)
        #expect(values["server"]?.value == "https://proctor.example.edu")
        let events = try helpdesk.events("HD-000001")
        #expect(events.contains("reply-not-trusted") || events.contains("reply-from-stranger"))
    }

    @Test func theAuthorsOwnReplyInAnotherCaseStillUpdates() throws {
        let (helpdesk, outcome) = try reply(from: "Kate <KATE@Example.EDU>")
        #expect(outcome == .updated(ref: "HD-000001", status: .open))
        #expect(try helpdesk.count("ticket") == 1)
    }

    @Test func aReplyFailingDMARCOpensItsOwnTicketRecordedAsUnauthenticated() throws {
        let headers = """
            Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=evil.example; dmarc=fail header.from=example.edu
            Received: from evil.example by mx.example.com; Mon, 11 Nov 2024 09:00:00 +0000
            Authentication-Results: mx.example.com; dmarc=pass header.from=example.edu

            """
        let (helpdesk, outcome) = try reply(from: "kate@example.edu", headers: headers) {
            $0.profile.trustedMTA.authservID = "mx.example.com"
        }
        #expect(outcome == .created(ref: "HD-000002", status: .suspended))
        #expect(try helpdesk.events("HD-000002").contains("unauthenticated"))
        #expect(try helpdesk.events("HD-000001").contains("reply-not-trusted"))
    }

    @Test func onlyTheTopmostResultOfTheTrustedServerCounts() throws {
        // The sender wrote the failing one; our MTA's own verdict (on top) is a pass.
        let headers = """
            Authentication-Results: mx.example.com; dkim=pass header.d=example.edu; dmarc=pass header.from=example.edu
            Received: from mail.example.edu by mx.example.com; Mon, 11 Nov 2024 09:00:00 +0000
            Authentication-Results: mx.example.com; dmarc=fail

            """
        let (_, outcome) = try reply(from: "kate@example.edu", headers: headers) {
            $0.profile.trustedMTA.authservID = "mx.example.com"
        }
        #expect(outcome == .updated(ref: "HD-000001", status: .open))
    }

    // MARK: 5. Answer caps per mailbox and per domain

    @Test func plusTagsShareTheMailboxCap() throws {
        let helpdesk = try TestHelpdesk()
        for index in 0..<15 {
            _ = try ingest(helpdesk, Self.email(from: "victim+\(index)@example.edu", id: "tag\(index)@x"))
        }
        let queued = try helpdesk.outbox().filter { $0.status == .queued }
        #expect(queued.count == 10)  // [rate_limits] per_address_per_hour
    }

    @Test func oneDomainCannotUseUpTheGlobalCap() throws {
        let helpdesk = try TestHelpdesk { $0.rateLimits.perDomainPerHour = 3 }
        for index in 0..<5 {
            _ = try ingest(helpdesk, Self.email(from: "user\(index)@victim.example", id: "d\(index)@x"))
        }
        _ = try ingest(helpdesk, Self.email(from: "someone@other.example", id: "other@x"))
        let queued = try helpdesk.outbox().filter { $0.status == .queued }.map(\.recipient)
        #expect(queued.count == 4 && queued.last == "someone@other.example")
        let reasons = try helpdesk.outbox().compactMap(\.lastError)
        #expect(reasons.allSatisfy { $0.contains("answers to this domain in an hour") } && reasons.count == 2)
    }

    // MARK: 7. The admin's spam verdict

    @Test func spamFlaggedByTheTrustedMTAIsStoredButNeverATicketNorAnswered() throws {
        let helpdesk = try TestHelpdesk { $0.profile.trustedMTA.authservID = "mx.example.com" }
        let headers = """
            X-Spam-Flag: YES
            X-Spam-Status: Yes, score=14.2 required=5.0
            Received: from bulk.example by mx.example.com with ESMTP; Mon, 11 Nov 2024 09:00:00 +0000

            """
        let outcome = try ingest(helpdesk, Self.email(from: "winner@bulk.example", id: "spam@x", headers: headers))
        #expect(outcome == .automated(reason: "spam", ref: nil))
        #expect(try helpdesk.count("ticket") == 0 && helpdesk.outbox().isEmpty)
        #expect(try helpdesk.count("message") == 1)
    }

    @Test func aSpamVerdictTheSenderWroteIsIgnored() throws {
        let helpdesk = try TestHelpdesk { $0.profile.trustedMTA.authservID = "mx.example.com" }
        // Below our MTA's trace line: the sender's own header, which could silence a real report.
        let headers = """
            Received: from mail.example.edu by mx.example.com with ESMTP; Mon, 11 Nov 2024 09:00:00 +0000
            X-Spam-Flag: YES

            """
        let outcome = try ingest(helpdesk, Self.email(from: "anna@example.edu", id: "ham@x", headers: headers))
        #expect(outcome == .created(ref: "HD-000001", status: .suspended))
    }

    @Test func withoutATrustedMTANoVerdictIsBelieved() throws {
        let helpdesk = try TestHelpdesk()
        let headers = "X-Spam-Flag: YES\nAuthentication-Results: mx.example.com; dmarc=fail\n"
        let outcome = try ingest(helpdesk, Self.email(from: "anna@example.edu", id: "plain@x", headers: headers))
        #expect(outcome == .created(ref: "HD-000001", status: .suspended))
        #expect(try !helpdesk.events("HD-000001").contains("unauthenticated"))
    }

    // MARK: 8. Password requests

    @Test func aPasswordRequestWithoutAResetPageGetsTheInstructionsNeverIncidentQuestions() throws {
        let helpdesk = try TestHelpdesk { $0.passwordResetURL = "" }
        let raw = Self.email(
            from: "anna@example.edu", id: "pw@x", subject: "Forgot my password",
            body: "I forgot my password and cannot log in to the exam portal. Please reset my password.")
        #expect(try ingest(helpdesk, raw) == .created(ref: "HD-000001", status: .redirected))
        let ticket = try helpdesk.ticket("HD-000001")
        #expect(ticket.severity == .normal && ticket.missing.isEmpty)
        let answer = try #require(try helpdesk.outbox().first)
        #expect(answer.kind.rawValue == "password-reset")
        let text = MessageContent(MIMEParser().parse([UInt8](answer.raw))).text ?? ""
        #expect(text.contains("Forgot password?") && !text.contains("session"))
    }

    // Extraction on real mail (#17): a value read from prose is shown back, not silently taken as sure.

    @Test func aSessionReadFromProseIsShownBackInTheAcknowledgement() throws {
        let helpdesk = try TestHelpdesk()
        let raw = Self.email(
            from: "anna@example.edu", id: "prose@x", subject: "Exam stuck",
            body: """
                Since 10:20 the exam page at https://proctor.example.edu stays white for our student.
                My student number is s1048573 and the session is 9b2e7c41-1d3f-4a58-b6e0-9f8d7c6b5a41.
                """)
        _ = try ingest(helpdesk, raw)
        let answer = try #require(try helpdesk.outbox().first)
        let text = MessageContent(MIMEParser().parse([UInt8](answer.raw))).text ?? ""
        #expect(text.contains("the user ID: s1048573"))
        #expect(text.contains("the session ID: 9b2e7c41-1d3f-4a58-b6e0-9f8d7c6b5a41"))
    }
}
