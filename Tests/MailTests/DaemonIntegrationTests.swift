import Foundation
import GRDB
import Helpdesk
import Logging
import Mail
import Testing
import TicketStore

/// The daemon against a real Dovecot and a real SMTP sink: mail in, tickets stored, answers out.
@Suite(.serialized) struct DaemonIntegrationTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    static func sampleEmails() throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".eml") }.sorted()
            .map { [UInt8](try Data(contentsOf: samples.appendingPathComponent($0))) }
    }

    /// A configured helpdesk pointed at the test servers.
    struct Rig {
        let dovecot: Dovecot
        let sink: SMTPSink
        let contexts: ContextHolder
        var context: HelpdeskContext { contexts.current }
        /// The SQLite store, for looking at rows directly.
        var store: SQLiteTicketStore { context.store as! SQLiteTicketStore }

        init(dovecot: Dovecot, sink: SMTPSink, configure: (inout HelpdeskConfiguration) -> Void = { _ in }) throws {
            self.dovecot = dovecot
            self.sink = sink
            let directory = try TestSupport.temporaryDirectory("daemon")
            let secret = directory + "/imap.secret"
            _ = FileManager.default.createFile(atPath: secret, contents: Data(dovecot.password.utf8))
            var configuration = HelpdeskConfiguration()
            configuration.identity.stateDirectory = directory + "/state"
            configuration.imap.url = dovecot.url(tls: false)
            configuration.imap.user = dovecot.user
            configuration.imap.passwordFile = secret
            configuration.imap.allowPlaintext = true
            configuration.imap.pollInterval = 1
            configuration.smtp.url = "smtp://127.0.0.1:\(sink.port)"
            configuration.smtp.tls = .none
            configuration.passwordResetURL = "https://proctor.example.edu/reset-password"
            configure(&configuration)
            contexts = ContextHolder(try HelpdeskContext(configuration: configuration))
        }

        /// `helpdeskd run --once`: drain the mailbox, then the outbox (sending what is due at `clock`).
        @discardableResult
        func runOnce(clock: @escaping @Sendable () -> Int64 = WallClock.seconds) async throws -> DaemonHealth {
            let logger = Logger(label: "test")
            let health = DaemonHealth()
            let wakeups = Wakeups()
            let poller = MailboxPoller(
                contexts: contexts, connect: { try MailConnections.imap($0) }, logger: logger, health: health,
                wakeRelay: { wakeups.wake() }, once: true)
            let relay = OutboxRelay(
                contexts: contexts, connect: { try MailConnections.smtp($0) }, logger: logger, health: health,
                wakeups: wakeups, once: true, clock: clock)
            try await drainOnce(poller: poller, relay: relay, wakeups: wakeups)
            return health
        }

        func outbox() throws -> [OutboxRecord] {
            try store.read { db in try OutboxRecord.order(Column("id")).fetchAll(db) }
        }

        func count(_ table: String) throws -> Int {
            try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
        }
    }

    @Test func samplesAreIngestedOnceMovedAndAnswered() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink)
        _ = try dovecot.seed(messages: try Self.sampleEmails())
        try await rig.runOnce()

        // Every sample ingested once and moved out of the inbox.
        #expect(dovecot.messages().isEmpty)
        #expect(dovecot.messages(in: "Processed").count == 10)
        #expect(try rig.count("message") == 10)
        #expect(try rig.count("ticket") == 7)
        // Answers: one per human email that needs one; none to the auto-reply or the bounce.
        let received = sink.received.map { String(decoding: $0, as: UTF8.self) }
        #expect(received.count == 8)
        #expect(try rig.outbox().allSatisfy { $0.status == .sent })
        for answer in received {
            #expect(answer.contains("Auto-Submitted: auto-replied"))
            #expect(answer.contains("X-Auto-Response-Suppress: All"))
            #expect(answer.contains("In-Reply-To: <"))
        }
        #expect(!received.contains { $0.contains("To: <k.schneider") || $0.contains("MAILER-DAEMON") })
        let request = try #require(received.first { $0.contains("[HD-000002]") })
        #expect(request.lowercased().contains("session"))
        // The reply in the mailbox resumed HD-000002.
        let ticket = try rig.store.ticket(ref: "HD-000002")
        #expect(ticket?.status == .open)
        // Null envelope sender for automatic replies (RFC 3834).
        #expect(sink.envelopes.allSatisfy { $0.mailFrom.isEmpty || $0.mailFrom == "<>" })

        // A second run ingests nothing new.
        try await rig.runOnce()
        #expect(try rig.count("message") == 10)
        #expect(sink.received.count == 8)
    }

    /// The poller fetches the next message while the previous one is stored: mailbox order still holds (a
    /// reply right behind its original threads into it), an oversized message in the middle is recorded,
    /// answered and quarantined, and the messages around it go on.
    @Test func oversizedMessageAmongOthersKeepsOrderAndIsQuarantined() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink) { $0.imap.maxMessageSize = 200_000 }
        var emails = try Self.sampleEmails()
        emails.insert(TestMail.message(99, subject: "Screen recording of the crash", bodyBytes: 400_000), at: 3)
        _ = try dovecot.seed(messages: emails)
        try await rig.runOnce()

        #expect(dovecot.messages().isEmpty)
        #expect(dovecot.messages(in: "Processed").count == 10)
        let quarantined = dovecot.messages(in: "Quarantine")
        #expect(quarantined.count == 1)
        #expect(quarantined.first.map { $0.count > 400_000 } == true)
        #expect(try rig.count("message") == 11)
        #expect(try rig.count("ticket") == 8)
        let answers = try rig.outbox()
        #expect(answers.count == 9)
        #expect(answers.allSatisfy { $0.status == .sent })
        #expect(answers.filter { $0.kind.rawValue == "too-large" }.map(\.recipient) == ["customer99@example.test"])
        #expect(sink.received.count == 9)
        let resumed = try rig.store.ticket(ref: "HD-000002")
        #expect(resumed?.status == .open)
    }

    /// One email whose own content makes the store refuse it (a real SQLite error, raised by a trigger the test
    /// installs) is quarantined with the reason, and the emails after it are ingested in the same poll: a
    /// message fault never stops intake, and is not reported as the store being unavailable.
    @Test func anEmailThatFailsThePipelineIsQuarantinedAndTheNextIngestedInOnePoll() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink)
        try rig.store.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER poison BEFORE INSERT ON ticket WHEN NEW.subject LIKE '%POISON%'
                    BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END
                    """)
        }
        _ = try dovecot.seed(messages: [
            TestMail.message(1, subject: "POISON exam problem"), TestMail.message(2, subject: "Exam problem"),
        ])
        let health = try await rig.runOnce()

        #expect(dovecot.messages().isEmpty)
        #expect(dovecot.messages(in: "Quarantine").count == 1)
        #expect(dovecot.messages(in: "Processed").count == 1)
        #expect(try rig.count("ticket") == 1)
        let reason = try rig.store.read { db in
            try String.fetchOne(db, sql: "SELECT detail FROM event WHERE kind = 'quarantined'")
        }
        #expect(reason?.contains("refused by the test trigger") == true)
        #expect(health.snapshot.storeUnavailable == false)
    }

    /// A crash after the relay journalled a delivery and before it reached the store: the next start folds the
    /// journal first, so that answer is recorded as sent and not sent again; the others go out once.
    @Test func journalLeftByACrashIsFoldedAndNotResent() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink)
        for (index, email) in try Self.sampleEmails().prefix(3).enumerated() {
            _ = try rig.context.pipeline.ingest(email, source: .file(path: "sample\(index)"), receivedAt: 1_700_000_000)
        }
        let queued = try rig.outbox()
        #expect(queued.count == 3)
        let first = try #require(queued.first?.id)
        try Data("A \(first)\nD \(first) 1700000100\nA \(queued[1].id!)\n".utf8).write(
            to: URL(fileURLWithPath: rig.context.relayJournalPath))
        try await rig.runOnce()

        let after = try rig.outbox()
        #expect(after.allSatisfy { $0.status == .sent })
        #expect(after.map(\.attempts) == [1, 2, 1])
        #expect(after.first?.sentAt == 1_700_000_100)
        #expect(sink.received.count == 2)
        #expect(!sink.received.contains { String(decoding: $0, as: UTF8.self).contains(queued[0].messageID) })
        let sentEvents = try rig.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE kind = 'answer-sent'") ?? 0
        }
        #expect(sentEvents == 3)
        let journal = try Data(contentsOf: URL(fileURLWithPath: rig.context.relayJournalPath))
        #expect(journal.isEmpty)
    }

    @Test func uidValidityChangeCreatesNoDuplicates() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink) { $0.imap.markOnly = "$Helpdesk" }
        let emails = try Self.sampleEmails()
        _ = try dovecot.seed(messages: Array(emails.prefix(3)))
        try await rig.runOnce()
        #expect(try rig.count("message") == 3)
        // The server renumbers the mailbox: the poller rescans everything it sees again.
        try rig.store.write { db in
            try db.execute(sql: "UPDATE mailboxState SET uidValidity = uidValidity + 1")
        }
        try await rig.runOnce()
        #expect(try rig.count("message") == 3)
        #expect(try rig.count("ticket") == 3)
        #expect(sink.received.count == 3)
    }

    @Test func smtpOutageThenRecoveryDeliversEveryAnswerExactlyOnce() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink)
        _ = try dovecot.seed(messages: Array(try Self.sampleEmails().prefix(3)))
        try sink.fail(at: "DATA", with: "451 4.3.0 try again later")
        try await rig.runOnce()
        #expect(sink.received.isEmpty)
        #expect(try rig.outbox().allSatisfy { $0.status == .queued && $0.attempts == 1 && $0.lastError != nil })
        // Recovered: make the retries due now and run again.
        sink.recover()
        try rig.store.write { db in try db.execute(sql: "UPDATE outbox SET nextAttemptAt = 0") }
        try await rig.runOnce()
        let ids = sink.received.compactMap { message -> String? in
            String(decoding: message, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("Message-ID:") }
                .map(String.init)
        }
        #expect(ids.count == 3 && Set(ids).count == 3)
        #expect(try rig.outbox().allSatisfy { $0.status == .sent })
    }

    @Test func permanentRejectionFailsTheAnswerAndRecordsIt() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink)
        _ = try dovecot.seed(messages: Array(try Self.sampleEmails().prefix(1)))
        try sink.fail(at: "RCPT", with: "550 5.1.1 no such user")
        try await rig.runOnce()
        #expect(try rig.outbox().map(\.status) == [.failed])
        let events = try rig.store.read { db in
            try EventRecord.filter(Column("kind") == "answer-failed").fetchCount(db)
        }
        #expect(events == 1)
    }

    @Test func imapDownThenUpRecoversByItself() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        // A poller pointed at a closed port fails cleanly and keeps going; then at the real server, it works.
        let rig = try Rig(dovecot: dovecot, sink: sink) { $0.imap.url = "imap://127.0.0.1:1/INBOX" }
        try await rig.runOnce()
        #expect(try rig.count("message") == 0)
        var configuration = rig.context.configuration
        configuration.imap.url = dovecot.url(tls: false)
        rig.contexts.replace(
            with: try HelpdeskContext(
                configuration: configuration, store: rig.context.store, stateDirectory: rig.context.stateDirectory))
        _ = try dovecot.seed(messages: Array(try Self.sampleEmails().prefix(2)))
        try await rig.runOnce()
        #expect(try rig.count("message") == 2)
    }

    /// Once no mail has come for a while, the running daemon gives back what a burst left cached (reader
    /// connections closed, statements dropped, free heap returned); the next email is taken and answered as
    /// before.
    @Test func quietDaemonGivesBackMemoryAndTakesTheNextMail() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink)
        let log = RecordedLog()
        let health = DaemonHealth()
        let wakeups = Wakeups()
        let poller = MailboxPoller(
            contexts: rig.contexts, connect: { try MailConnections.imap($0) },
            watch: { try MailConnections.imapIdle($0) }, logger: log.logger(), health: health,
            wakeRelay: { wakeups.wake() }, restAfter: .milliseconds(300))
        let relay = OutboxRelay(
            contexts: rig.contexts, connect: { try MailConnections.smtp($0) }, logger: log.logger(), health: health,
            wakeups: wakeups)
        let emails = try Self.sampleEmails()
        _ = try dovecot.seed(messages: [emails[0]])
        let daemon = Task {
            async let delivering: Void = relay.run()
            try await poller.run()
            try await delivering
        }
        defer { daemon.cancel() }

        #expect(await TestSupport.eventually { sink.received.count == 1 })
        #expect(await TestSupport.eventually { log.contains("cached memory given back") })
        _ = try dovecot.seed(messages: [emails[2]])
        #expect(await TestSupport.eventually { sink.received.count == 2 })
        #expect(try rig.count("message") == 2)
        daemon.cancel()
        wakeups.wake()
        _ = await daemon.result
    }

    /// The production transport: IMAPS and SMTP with STARTTLS and AUTH, certificates verified against
    /// the servers' generated CA file.
    static func tlsRig(dovecot: Dovecot, sink: SMTPSink, smtpPassword: String? = nil) throws -> Rig {
        let secrets = try TestSupport.temporaryDirectory("secrets")
        let smtpSecret = secrets + "/smtp.secret"
        _ = FileManager.default.createFile(
            atPath: smtpSecret, contents: Data((smtpPassword ?? sink.password ?? "").utf8),
            attributes: [.posixPermissions: 0o600])
        return try Rig(dovecot: dovecot, sink: sink) { configuration in
            configuration.imap.url = dovecot.url(tls: true)
            configuration.imap.caFile = dovecot.certificatePath ?? ""
            configuration.imap.allowPlaintext = false
            configuration.smtp.url = sink.url(host: "localhost")
            configuration.smtp.tls = .starttls
            configuration.smtp.caFile = sink.certificatePath ?? ""
            configuration.smtp.user = sink.user ?? ""
            configuration.smtp.passwordFile = smtpSecret
        }
    }

    @Test func imapsAndStarttlsWithAuthCarryTheWholeJob() async throws {
        let dovecot = try Dovecot.start(tls: true)
        defer { dovecot.stop() }
        let sink = try SMTPSink.start(auth: true, security: .starttls)
        defer { sink.stop() }
        let rig = try Self.tlsRig(dovecot: dovecot, sink: sink)
        _ = try dovecot.seed(messages: try Self.sampleEmails())
        try await rig.runOnce()
        #expect(dovecot.messages().isEmpty)
        #expect(try rig.count("message") == 10)
        #expect(sink.received.count == 8)
        #expect(sink.envelopes.allSatisfy { $0.tls && $0.authLogin == sink.user })
    }

    @Test func checkConfigConnectReportsWhatTheServersAnnounce() async throws {
        let dovecot = try Dovecot.start(tls: true)
        defer { dovecot.stop() }
        let sink = try SMTPSink.start(auth: true, security: .starttls)
        defer { sink.stop() }
        let rig = try Self.tlsRig(dovecot: dovecot, sink: sink)
        let imap = ServerProbe.imap(rig.context.configuration)
        #expect(imap.error == nil)
        #expect(imap.lines.contains { $0.contains("INBOX holds 0 message(s)") })
        #expect(imap.lines.contains { $0.hasPrefix("capabilities:") && $0.contains("IDLE") && $0.contains("MOVE") })
        let smtp = ServerProbe.smtp(rig.context.configuration)
        #expect(smtp.error == nil)
        #expect(smtp.lines.contains { $0.contains("logged in as \(sink.user ?? "")") })
        #expect(smtp.lines.contains { $0.hasPrefix("extensions:") && $0.contains("AUTH") })
        // Nothing was sent or filed.
        #expect(sink.received.isEmpty)

        // A wrong SMTP password is a failure with the server's reason, and the password is not in it.
        let wrong = try Self.tlsRig(dovecot: dovecot, sink: sink, smtpPassword: "not-the-password")
        let refused = ServerProbe.smtp(wrong.context.configuration)
        let error = try #require(refused.error)
        #expect(error.contains("refused the login"))
        #expect(!error.contains("not-the-password"))
    }

    /// Forged senders flood the mailbox (an outage, or an attacker using the helpdesk as a spam
    /// cannon): every email becomes a ticket, but answers stop at the caps and each suppressed answer
    /// is recorded. `make torture` runs the 10,000-message version.
    @Test func forgedFloodStaysWithinTheAnswerCaps() async throws {
        let dovecot = try Dovecot.start()
        defer { dovecot.stop() }
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let rig = try Rig(dovecot: dovecot, sink: sink) { configuration in
            configuration.rateLimits.globalPerHour = 40
            configuration.rateLimits.perAddressPerHour = 3
        }
        let template = String(decoding: try Self.sampleEmails()[1], as: UTF8.self)
        // The samples have CRLF line ends (a Swift Character, so split on the string, not on "\n").
        func forged(_ index: Int, from sender: String) -> [UInt8] {
            let lines = template.components(separatedBy: "\r\n").map { line in
                if line.hasPrefix("From:") { return "From: Student \(index) <\(sender)>" }
                if line.hasPrefix("Message-ID:") { return "Message-ID: <flood-\(index)@forged.example>" }
                return line
            }
            return Array(lines.joined(separator: "\r\n").utf8)
        }
        // 20 emails from one victim address, then 180 from distinct forged addresses.
        let flood = (0..<200).map { index in
            forged(index, from: index < 20 ? "victim@forged.example" : "student\(index)@forged\(index).example")
        }
        _ = try dovecot.seed(messages: flood)
        try await rig.runOnce()

        #expect(dovecot.messages().isEmpty)
        #expect(try rig.count("ticket") == 200)
        let outbox = try rig.outbox()
        #expect(outbox.filter { $0.status == .sent }.count == 40)
        #expect(sink.received.count == 40)
        #expect(outbox.filter { $0.status == .suppressed }.count == 160)
        let toVictim = sink.envelopes.filter { $0.rcptTos == ["victim@forged.example"] }.count
        #expect(toVictim == 3)
        let recorded = try rig.store.read { db in
            try EventRecord.filter(Column("kind") == "answer-suppressed").fetchCount(db)
        }
        #expect(recorded == 160)
    }
}
