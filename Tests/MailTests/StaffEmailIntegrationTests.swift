import Digest
import Foundation
import Helpdesk
import Incident
import MIME
import Testing
import TicketStore

/// Support by email against a real Dovecot and the SMTP sink: the team's notification with the summary and the
/// screenshot attached, and a staff member's reply to it reaching the customer threaded, without the quoted
/// notification — or, forged, reaching nobody but the member.
@Suite(.serialized) struct StaffEmailIntegrationTests {
    static let team = "support-team@example.com"

    static func rig(_ dovecot: Dovecot, _ sink: SMTPSink) throws -> DaemonIntegrationTests.Rig {
        let rig = try DaemonIntegrationTests.Rig(dovecot: dovecot, sink: sink) { configuration in
            configuration.staff.teamAddress = team
            configuration.profile.trustedMTA.authservID = "mx.example.com"
        }
        try rig.store.transaction { transaction in
            _ = try transaction.insert(
                StaffRecord(name: "anna", role: .agent, email: "anna@example.com", passwordHash: "", createdAt: 0))
        }
        return rig
    }

    static func sample(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: DaemonIntegrationTests.samples.appendingPathComponent(name + ".eml")))
    }

    /// What the sink received for `recipient`, parsed.
    static func received(by recipient: String, _ sink: SMTPSink) -> [(raw: String, content: MessageContent)] {
        zip(sink.envelopes, sink.received).filter { $0.0.rcptTos.contains(recipient) }.map { _, raw in
            (String(decoding: raw, as: UTF8.self), MessageContent(MIMEParser().parse(raw)))
        }
    }

    /// Anna's reply to the notification `token`, as our MTA delivers it (`auth`: its verdict on her domain).
    static func staffReply(
        token: String, text: String, auth: String = "dmarc=pass header.from=example.com",
        from: String = "Anna Berg <anna@example.com>", id: String = "anna-1"
    ) -> [UInt8] {
        let email = """
            Authentication-Results: mx.example.com; \(auth)\r
            Received: from mail.example.com by mx.example.com; Mon, 11 Nov 2024 10:05:00 +0000\r
            From: \(from)\r
            To: Helpdesk <helpdesk@example.com>\r
            Subject: Re: [HD-000001] New ticket: Student lost camera feed\r
            Message-ID: <\(id)@example.com>\r
            In-Reply-To: <\(token)>\r
            References: <\(token)>\r
            Date: Mon, 11 Nov 2024 10:05:00 +0000\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(text)\r
            \r
            Best regards,\r
            Anna Berg\r
            \r
            On Mon, 11 Nov 2024 at 10:00, Helpdesk <helpdesk@example.com> wrote:\r
            > HD-000001 was opened with a complete report.\r
            > The customer wrote:\r
            > Reference: HD-000001\r

            """
        return Array(email.utf8)
    }

    @Test func theTeamGetsTheSummaryWithTheScreenshotAttached() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Self.rig(dovecot, sink)
        let report = try Self.sample("01-complete-report")
        _ = try dovecot.seed(messages: [report])
        try await rig.runOnce()

        let notification = try #require(Self.received(by: Self.team, sink).first)
        #expect(notification.content.envelope.subject?.hasPrefix("[HD-000001] New ticket: Student lost camera") == true)
        #expect(notification.raw.contains("Auto-Submitted: auto-generated"))
        let text = try #require(notification.content.text)
        #expect(text.contains("Reference: HD-000001"))
        #expect(text.contains("- session_id: "))
        #expect(text.contains("from label"))
        #expect(text.contains("The customer wrote:"))
        // The attached screenshot is the customer's, byte for byte.
        let original = MessageContent(MIMEParser().parse(report)).attachments.filter { $0.contentType == "image/png" }
        let attached = notification.content.attachments
        #expect(attached.count == 1)
        #expect(attached.map { SHA256.hex($0.bytes) } == original.map { SHA256.hex($0.bytes) })
        #expect(attached.first?.filename == "camera-error-s2219874.png")
        // The customer got the acknowledgement only.
        #expect(Self.received(by: "m.ellison@example.edu", sink).count == 1)
    }

    @Test func aStaffReplyReachesTheCustomerThreadedWithoutTheQuotedNotification() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Self.rig(dovecot, sink)
        _ = try dovecot.seed(messages: [try Self.sample("01-complete-report")])
        try await rig.runOnce()
        let token = try #require(try rig.outbox().first { $0.kind == .notification }?.messageID)

        _ = try dovecot.seed(messages: [Self.staffReply(token: token, text: "We restored the session: start again.")])
        try await rig.runOnce()
        let answers = Self.received(by: "m.ellison@example.edu", sink)
        #expect(answers.count == 2)
        let reply = try #require(answers.last)
        #expect(reply.content.envelope.inReplyTo == ["5b0e3c1d-8a27-4f6b-9c43-2e7d1f0a9b68@example.edu"])
        #expect(reply.content.envelope.from.first?.address == "helpdesk@example.com")
        let text = try #require(reply.content.text)
        #expect(text.contains("We restored the session: start again."))
        #expect(!text.contains("was opened with a complete report"), "the quoted notification stays out")
        #expect(!text.contains("Anna Berg") && !reply.raw.contains("anna@example.com"))
        #expect(try rig.store.ticket(ref: "HD-000001")?.status == .open)
        #expect(dovecot.messages().isEmpty, "the staff email was taken out of the inbox too")
    }

    @Test func aForgedStaffReplyReachesOnlyTheMember() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Self.rig(dovecot, sink)
        _ = try dovecot.seed(messages: [try Self.sample("01-complete-report")])
        try await rig.runOnce()
        let token = try #require(try rig.outbox().first { $0.kind == .notification }?.messageID)

        _ = try dovecot.seed(messages: [
            Self.staffReply(
                token: token, text: "Please send your password.", auth: "dmarc=fail header.from=example.com")
        ])
        try await rig.runOnce()
        #expect(Self.received(by: "m.ellison@example.edu", sink).count == 1)
        let bounce = try #require(Self.received(by: "anna@example.com", sink).first)
        #expect(bounce.content.text?.contains("sender authentication failed") == true)
    }

    /// Each command in turn, every email through Dovecot and every answer through the sink.
    @Test func eachCommandActsOnTheTicket() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Self.rig(dovecot, sink)
        try await rig.store.transaction { transaction in
            _ = try transaction.insert(
                StaffRecord(name: "bob", role: .agent, email: "bob@example.com", passwordHash: "", createdAt: 0))
        }
        _ = try dovecot.seed(messages: [try Self.sample("01-complete-report")])
        try await rig.runOnce()
        let token = try #require(try rig.outbox().first { $0.kind == .notification }?.messageID)
        func send(_ text: String, _ number: Int) async throws {
            _ = try dovecot.seed(messages: [Self.staffReply(token: token, text: text, id: "anna-\(number)")])
            try await rig.runOnce()
        }
        func ticket() throws -> TicketRecord { try #require(try rig.store.ticket(ref: "HD-000001")) }
        let severity: Severity = try ticket().severity == .critical ? .normal : .critical

        try await send("#note\nCalled the proctor.", 1)
        #expect(Self.received(by: "m.ellison@example.edu", sink).count == 1, "a note sends nothing")
        try await send("#severity \(severity.rawValue)\n#assign bob", 2)
        #expect(try ticket().severity == severity && ticket().assignee == "bob")
        try await send("#ask session_id, screenshots", 3)
        #expect(try ticket().status == .suspended)
        let request = try #require(Self.received(by: "m.ellison@example.edu", sink).last)
        #expect(request.content.envelope.subject?.hasPrefix("[HD-000001]") == true)
        #expect(try rig.outbox().last?.kind == .informationRequest)
        try await send("#resolve\nThe camera driver was updated.", 4)
        #expect(try ticket().status == .resolved)
        let summary = try #require(Self.received(by: "m.ellison@example.edu", sink).last)
        #expect(summary.content.text?.contains("The camera driver was updated.") == true)
        try await send("#close", 5)
        #expect(try ticket().status == .closed)
        #expect(Self.received(by: "anna@example.com", sink).isEmpty, "no bounce: everything was carried out")
        let events = try await rig.store.snapshot { try $0.events(ticketID: 1) }.map(\.kind)
        for kind: TicketEventKind in [.note, .severityChanged, .assigned, .informationRequested, .resolved, .closed] {
            #expect(events.contains(kind), "\(kind)")
        }
    }

    @Test func aNonMemberReplyingToTheNotificationIsAStranger() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Self.rig(dovecot, sink)
        _ = try dovecot.seed(messages: [try Self.sample("01-complete-report")])
        try await rig.runOnce()
        let token = try #require(try rig.outbox().first { $0.kind == .notification }?.messageID)
        _ = try dovecot.seed(messages: [
            Self.staffReply(token: token, text: "Send me the exam.", from: "Mallory <mallory@example.com>", id: "m-1")
        ])
        try await rig.runOnce()
        #expect(Self.received(by: "m.ellison@example.edu", sink).count == 1)
        #expect(try rig.store.ticket(ref: "HD-000002")?.reporterAddress == "mallory@example.com")
        let events = try await rig.store.snapshot { try $0.events(ticketID: 1) }.map(\.kind)
        #expect(events.contains(.replyFromStranger))
    }

    @Test func slaWarningsReachTheTeamAtTheConfiguredPercentages() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Self.rig(dovecot, sink)
        _ = try dovecot.seed(messages: [try Self.sample("01-complete-report")])
        try await rig.runOnce()
        let ticket = try #require(try rig.store.ticket(ref: "HD-000001"))
        let started = try #require(ticket.slaStartedAt)
        let due = try #require(ticket.dueAt)
        // A fixed clock: the first minute the 75% mark is passed (the policy's calendar decides when), then the due time.
        let level = rig.context.configuration.serviceLevel
        let allowed = ticket.severity == .critical ? level.criticalSolution : level.normalConsideration
        var seventyFive = started
        while level.consumed(severity: ticket.severity, from: started, to: seventyFive) * 4 < allowed * 3 {
            seventyFive += 60
        }
        #expect(try SLAWatch.check(context: rig.context, now: seventyFive - 60).isEmpty)
        #expect(try SLAWatch.check(context: rig.context, now: seventyFive) == ["HD-000001"])
        #expect(try SLAWatch.check(context: rig.context, now: due) == ["HD-000001"])
        try await rig.runOnce(clock: { due })
        let subjects = Self.received(by: Self.team, sink).compactMap(\.content.envelope.subject)
        #expect(subjects.count == 3)
        #expect(subjects.dropFirst().first?.hasPrefix("[HD-000001] SLA 75% used") == true)
        #expect(subjects.last?.hasPrefix("[HD-000001] SLA due time passed") == true)
    }
}
