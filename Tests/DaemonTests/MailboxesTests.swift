import Foundation
import Helpdesk
import HelpdeskTesting
import Logging
import Testing
import TicketStore

/// Several mailboxes (`[[mailbox]]`), one poller each, on in-memory IMAP servers sharing one store and one relay:
/// an email sent to two of them is one ticket with one answer, answers come from the mailbox written to, and
/// each mailbox keeps its own poll position.
@Suite struct MailboxesTests {
    /// Two mailboxes on one server URL, told apart by their login (two users' INBOX): the case where a poll
    /// position keyed by the URL alone would mix them up.
    static func twoMailboxes(_ configuration: inout HelpdeskConfiguration) {
        var support = HelpdeskConfiguration.IMAP()
        support.url = "memory://INBOX"
        support.user = "support"
        support.pollInterval = 1
        var exams = support
        exams.user = "exams"
        configuration.mailboxEntries = [
            .init(name: "support", imap: support),
            .init(name: "exams", imap: exams, address: "exams@example.edu", displayName: "Exam Support"),
        ]
        configuration.profile.ownAddresses.append("exams@example.edu")
    }

    /// The rig with two mailboxes, and their servers by mailbox name.
    struct Rig {
        let rig: DaemonRig
        let servers = ["support": MemoryMailServer(), "exams": MemoryMailServer()]

        init(configure: (inout HelpdeskConfiguration) -> Void = { _ in }) throws {
            rig = try DaemonRig { configuration in
                MailboxesTests.twoMailboxes(&configuration)
                configure(&configuration)
            }
        }

        /// `helpdeskd run --once` with a poller per mailbox.
        @discardableResult
        func runOnce(health: DaemonHealth = DaemonHealth()) async throws -> DaemonHealth {
            let wakeups = Wakeups()
            let servers = self.servers
            let pollers = rig.context.configuration.mailboxes.map { mailbox in
                MailboxPoller(
                    mailbox: mailbox.name, contexts: rig.contexts,
                    // The login tells the two mailboxes on one URL apart, as a real server does.
                    connect: { configuration in servers[configuration.imap.user]!.connect() },
                    logger: Logger(label: "test"), health: health, wakeRelay: { wakeups.wake() }, once: true,
                    clock: rig.clock, retryDelay: { _ in .milliseconds(10) })
            }
            try await drainOnce(
                pollers: pollers, relay: rig.relay(health: health, wakeups: wakeups), wakeups: wakeups)
            return health
        }

        func answers() -> [String] { rig.smtp.delivered.map { String(decoding: $0.raw, as: UTF8.self) } }
    }

    /// `report` as the server of `mailbox` stores it: with the trace fields its delivery added on top.
    static func delivered(_ report: [UInt8], to mailbox: String, hop: String) -> [UInt8] {
        let trace = """
            Return-Path: <customer1@example.test>\r
            Delivered-To: \(mailbox)\r
            Received: from \(hop) (\(hop) [192.0.2.7]) by mx.example.edu with ESMTPS id \(hop)-1; \
            Mon, 11 Nov 2024 09:00:0\(hop.count % 10) +0000\r
            Authentication-Results: mx.example.edu; spf=pass smtp.mailfrom=example.test\r
            X-Spam-Score: \(hop.count)\r

            """
        return Array(trace.utf8) + report
    }

    @Test func anEmailToTwoMailboxesIsOneTicketWithOneAnswer() async throws {
        let rig = try Rig()
        let report = Samples.report(1)
        rig.servers["support"]!.deliver(Self.delivered(report, to: "helpdesk@example.com", hop: "a"))
        rig.servers["exams"]!.deliver(Self.delivered(report, to: "exams@example.edu", hop: "bb"))
        let health = try await rig.runOnce()

        #expect(try rig.rig.tickets().count == 1)
        #expect(rig.rig.smtp.delivered.count == 1, "no second answer for the second copy")
        // Both copies were taken out of their inboxes; one is stored.
        for server in rig.servers.values {
            #expect(server.messages().isEmpty)
            #expect(server.messages(in: "Processed").count == 1)
        }
        let stored = try await rig.rig.store.snapshot {
            try $0.messages(ticketID: try $0.ticket(ref: "HD-000001")!.id!)
        }
        #expect(stored.count == 1)
        // The ticket says it came through both mailboxes, whichever was read first.
        let events = try rig.rig.events("HD-000001")
        #expect(events.filter { $0 == .copyReceived }.count == 1)
        #expect(events.filter { $0 == .answerQueued }.count == 1)
        let exposition = String(
            decoding: health.metrics.exposition(store: rig.rig.store, health: health, now: Samples.monday10),
            as: UTF8.self)
        #expect(exposition.contains(#"helpdeskd_emails_ingested_total{outcome="copy"} 1"#))
        #expect(exposition.contains(#"helpdeskd_emails_ingested_total{outcome="created"} 1"#))

        // A later poll of either mailbox takes nothing twice.
        try await rig.runOnce()
        #expect(try rig.rig.tickets().count == 1)
        #expect(rig.rig.smtp.delivered.count == 1)
    }

    /// The same Message-ID with other words is not a copy: a stranger who reuses the id of someone's report
    /// (seen on a Cc) cannot have that report dropped, whichever arrives first.
    @Test func aReusedMessageIDWithOtherContentIsNotACopy() async throws {
        let rig = try Rig()
        let forged = Array(
            String(decoding: Samples.report(1), as: UTF8.self)
                .replacingOccurrences(of: "The exam page stays white", with: "Nothing to see")
                .replacingOccurrences(of: "customer1@example.test", with: "stranger@example.net").utf8)
        rig.servers["support"]!.deliver(forged)
        rig.servers["exams"]!.deliver(Self.delivered(Samples.report(1), to: "exams@example.edu", hop: "b"))
        try await rig.runOnce()

        let reporters = try rig.rig.tickets().map(\.reporterAddress).sorted()
        #expect(reporters == ["customer1@example.test", "stranger@example.net"])
        #expect(rig.rig.smtp.delivered.count == 2)
    }

    /// A copy that made no ticket (a stranger's re-send marked as machine mail, a list's copy) does not swallow
    /// the customer's own copy.
    @Test func aCopyTakenAsMachineMailDoesNotSwallowTheReport() async throws {
        let rig = try Rig()
        let automated = Array(
            ("Auto-Submitted: auto-generated\r\n" + String(decoding: Samples.report(1), as: UTF8.self)).utf8)
        rig.servers["support"]!.deliver(automated)
        rig.servers["exams"]!.deliver(Self.delivered(Samples.report(1), to: "exams@example.edu", hop: "b"))
        try await rig.runOnce()

        #expect(try rig.rig.tickets().map(\.reporterAddress) == ["customer1@example.test"])
    }

    @Test func answersComeFromTheMailboxTheCustomerWroteTo() async throws {
        let rig = try Rig()
        rig.servers["support"]!.deliver(Samples.report(1))
        rig.servers["exams"]!.deliver(Samples.report(2))
        try await rig.runOnce()

        let answers = rig.answers()
        #expect(answers.count == 2)
        let toFirst = try #require(answers.first { $0.contains("To: <customer1@example.test>") })
        let toSecond = try #require(answers.first { $0.contains("To: <customer2@example.test>") })
        // A mailbox without an address of its own answers as the helpdesk.
        #expect(toFirst.contains(#"From: "Helpdesk" <helpdesk@example.com>"#))
        #expect(toSecond.contains(#"From: "Exam Support" <exams@example.edu>"#))
        #expect(!toSecond.contains("helpdesk@example.com"), "nothing in it names the helpdesk's own address")

        // Staff's reply in the workspace goes from the same mailbox as the ticket's automatic answers.
        let desk = StaffDesk(context: rig.rig.context)
        let ticket = try #require(try rig.rig.tickets().first { $0.reporterAddress == "customer2@example.test" })
        _ = try await desk.perform(
            .reply("Please clear the browser cache."), on: ticket.ref, by: "olga", at: Samples.monday10 + 60)
        let reply = try #require(
            try rig.rig.answers().last.map { String(decoding: $0.raw, as: UTF8.self) })
        #expect(reply.contains(#"From: "Exam Support" <exams@example.edu>"#))
    }

    /// Each mailbox keeps its own position, though both share a URL and number their messages alike (UIDVALIDITY
    /// 1, UID 1): keyed by the URL alone, the second mailbox's first email would pass for the first's.
    @Test func eachMailboxKeepsItsOwnPollPosition() async throws {
        let rig = try Rig { configuration in
            for index in configuration.mailboxEntries.indices {
                configuration.mailboxEntries[index].imap.markOnly = "$Helpdesk"
            }
        }
        rig.servers["support"]!.deliver(Samples.report(1))
        rig.servers["exams"]!.deliver(Samples.report(2))
        rig.servers["exams"]!.deliver(Samples.report(3))
        try await rig.runOnce()

        #expect(try rig.rig.tickets().count == 3)
        let configuration = rig.rig.context.configuration
        let support = try #require(configuration.mailbox(named: "support"))
        let exams = try #require(configuration.mailbox(named: "exams"))
        #expect(support.sourceKey == "support memory://INBOX")
        #expect(try rig.rig.store.mailboxState(support.sourceKey)?.highestUID == 1)
        #expect(try rig.rig.store.mailboxState(exams.sourceKey)?.highestUID == 2)
        // The messages remember which mailbox they came from.
        let tickets = try rig.rig.tickets()
        let sources = try await rig.rig.store.snapshot { snapshot in
            try tickets.flatMap { try snapshot.messages(ticketID: $0.id!) }.compactMap(\.sourceMailbox)
        }
        #expect(sources.sorted() == [exams.sourceKey, exams.sourceKey, support.sourceKey])

        // Mark-only mode leaves the mail in place: the next poll starts after each mailbox's own position.
        rig.servers["support"]!.deliver(Samples.report(4))
        try await rig.runOnce()
        #expect(try rig.rig.tickets().count == 4)
        #expect(try rig.rig.store.mailboxState(support.sourceKey)?.highestUID == 2)
        #expect(try rig.rig.store.mailboxState(exams.sourceKey)?.highestUID == 2)
        #expect(rig.rig.smtp.delivered.count == 4)
    }

    @Test func healthMetricsAndStatusArePerMailbox() async throws {
        let rig = try Rig()
        rig.servers["exams"]!.fail(.open, with: MemoryMailError.noSuchMessage(0))
        rig.servers["exams"]!.fail(.open, with: MemoryMailError.noSuchMessage(0))
        rig.servers["exams"]!.fail(.open, with: MemoryMailError.noSuchMessage(0))
        rig.servers["support"]!.deliver(Samples.report(1))
        let health = DaemonHealth()
        _ = try? await rig.runOnce(health: health)
        #expect(health.snapshot.mailboxes["exams"]?.lastError != nil)
        #expect(health.snapshot.mailboxes["support"]?.lastError == nil)
        #expect(health.statusLine.contains("MAILBOX exams FAILING"))
        #expect(!health.statusLine.contains("MAILBOX support"))
        // One mailbox failing does not hold back the others' mail or answers.
        #expect(try rig.rig.tickets().count == 1)
        #expect(rig.rig.smtp.delivered.count == 1)

        let status = try StoreStatus.report(store: rig.rig.store, now: Samples.monday10)
        let text = StoreStatus.text(status)
        #expect(text.contains("Mailbox support memory://INBOX: last poll 2024-11-11T10:00:00Z"))
        #expect(text.contains("Mailbox exams memory://INBOX: last poll - (- s ago), last error"))

        // With the configured mailboxes, each is named, and one never polled is listed too.
        var configured = rig.rig.context.configuration.mailboxes
        configured.append(.init(name: "identity", imap: configured[0].imap))
        let named = StoreStatus.text(
            try StoreStatus.report(
                store: rig.rig.store, now: Samples.monday10, stateDirectory: nil, mailboxes: configured))
        #expect(named.contains("Mailbox identity memory://INBOX: last poll - (- s ago), last error never polled"))
        guard
            case .object(let members) = try StoreStatus.report(
                store: rig.rig.store, now: Samples.monday10, stateDirectory: nil, mailboxes: configured),
            case .array(let boxes)? = members.first(where: { $0.0 == "mailboxes" })?.1
        else {
            Issue.record("no mailboxes in the report")
            return
        }
        let names = boxes.compactMap { box -> String? in
            guard case .object(let fields) = box, case .string(let name)? = fields.first(where: { $0.0 == "name" })?.1
            else { return nil }
            return name
        }
        #expect(names.sorted() == ["exams", "identity", "support"])
    }

    @Test func pollMetricsCarryTheMailboxLabel() async throws {
        let rig = try Rig()
        rig.servers["support"]!.deliver(Samples.report(1))
        let health = try await rig.runOnce()
        let exposition = String(
            decoding: health.metrics.exposition(store: rig.rig.store, health: health, now: Samples.monday10),
            as: UTF8.self)
        #expect(exposition.contains(#"helpdeskd_poll_duration_seconds_count{mailbox="support"} 1"#))
        #expect(exposition.contains(#"helpdeskd_poll_duration_seconds_count{mailbox="exams"} 1"#))
        #expect(exposition.contains(#"helpdeskd_last_poll_timestamp_seconds{mailbox="exams"} 1731319200"#))
        #expect(Set(health.snapshot.mailboxes.keys) == ["support", "exams"])
    }
}
