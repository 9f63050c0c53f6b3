import Foundation
import GRDB
import Glibc
import Synchronization
import Testing

/// The `helpdeskd` executable as systemd runs it — a separate process, stopped and reloaded with
/// signals — against a real Dovecot and a real SMTP sink.
@Suite(.serialized) struct DaemonProcessTests {
    /// The executable `swift build --build-tests` put next to this test binary.
    static let executable: String = {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("helpdeskd").path
    }()

    /// A configuration directory and state directory for one daemon.
    struct Installation {
        let directory: String
        var configPath: String { directory + "/helpdeskd.toml" }
        var databasePath: String { directory + "/state/helpdeskd.sqlite" }
        var logPath: String { directory + "/daemon.log" }
        let dovecot: Dovecot
        let sink: SMTPSink

        /// Starts a fresh Dovecot and SMTP sink and writes a configuration for them; `remove()` undoes it all.
        static func start() throws -> Installation {
            let dovecot = try Dovecot.start()
            do {
                let sink = try SMTPSink.start()
                do {
                    return try Installation(dovecot: dovecot, sink: sink)
                } catch {
                    sink.stop()
                    throw error
                }
            } catch {
                dovecot.stop()
                throw error
            }
        }

        private init(dovecot: Dovecot, sink: SMTPSink) throws {
            self.dovecot = dovecot
            self.sink = sink
            directory = try TestSupport.temporaryDirectory("daemon-process")
            try TestSupport.writeFile(directory + "/imap.secret", Array(dovecot.password.utf8))
            chmod(directory + "/imap.secret", 0o600)
            try writeConfiguration(name: "Example Helpdesk")
        }

        func writeConfiguration(name: String, pollInterval: String = "1s", extra: String = "") throws {
            try writeConfiguration(
                text: """
                    [helpdesk]
                    address = "helpdesk@example.com"
                    name = "\(name)"
                    state_directory = "\(directory)/state"
                    hmac_key_file = ""
                    [imap]
                    url = "\(dovecot.url(tls: false))"
                    user = "\(dovecot.user)"
                    password_file = "\(directory)/imap.secret"
                    allow_plaintext = true
                    poll_interval = "\(pollInterval)"
                    [smtp]
                    url = "smtp://127.0.0.1:\(sink.port)"
                    tls = "none"
                    [rate_limits]
                    global_per_hour = 100000
                    \(extra)
                    """)
        }

        func writeConfiguration(text: String) throws {
            // Replaced in one rename, as an admin's editor or a config manager would.
            try TestSupport.writeFile(configPath + ".new", Array(text.utf8))
            rename(configPath + ".new", configPath)
        }

        func start(_ arguments: [String] = []) throws -> ChildProcess {
            guard FileManager.default.isExecutableFile(atPath: DaemonProcessTests.executable) else {
                throw TestServerError(
                    "\(DaemonProcessTests.executable) is missing: build it with swift build --build-tests")
            }
            return try ChildProcess(
                DaemonProcessTests.executable, ["run", "--config", configPath] + arguments, log: logPath)
        }

        var log: String { String(decoding: TestSupport.readFile(logPath) ?? [], as: UTF8.self) }

        /// Stops the servers and removes the configuration, store and log (kept with
        /// HELPDESKD_KEEP_TEST_SERVERS=1).
        func remove() {
            sink.stop()
            dovecot.stop()
            if ProcessInfo.processInfo.environment["HELPDESKD_KEEP_TEST_SERVERS"] == nil {
                TestSupport.removeDirectory(directory)
            }
        }

        /// A read-only look at the daemon's store while it runs (WAL lets readers in beside the writer).
        func query<T>(_ body: (Database) throws -> T) throws -> T {
            var configuration = Configuration()
            configuration.readonly = true
            return try DatabaseQueue(path: databasePath, configuration: configuration).read(body)
        }

        func count(_ table: String) -> Int { Self.count(table, in: databasePath) }

        static func count(_ table: String, in databasePath: String) -> Int {
            guard FileManager.default.fileExists(atPath: databasePath) else { return 0 }
            var configuration = Configuration()
            configuration.readonly = true
            return
                (try? DatabaseQueue(path: databasePath, configuration: configuration).read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                }) ?? 0
        }

        /// Waits until `condition` holds, up to `timeout` (see `TestSupport.eventually`).
        func wait(_ timeout: Duration = .seconds(60), until condition: () -> Bool) async -> Bool {
            await TestSupport.eventually(timeout, until: condition)
        }

        /// Waits for the daemon to exit (SIGKILL after `timeout`); its exit status.
        func exitStatus(of daemon: ChildProcess, within timeout: Duration = .seconds(30)) async -> Int32 {
            _ = await wait(timeout) { !daemon.isRunning }
            if daemon.isRunning { daemon.signal(SIGKILL) }
            return daemon.wait()
        }
    }

    /// `count` new reports from distinct senders (sample 2, which asks for missing data).
    static func reports(_ count: Int, tag: String) throws -> [[UInt8]] {
        let template = String(decoding: try DaemonIntegrationTests.sampleEmails()[1], as: UTF8.self)
        return (0..<count).map { index in
            let lines = template.components(separatedBy: "\r\n").map { line in
                // A domain each: the per-domain answer cap must not hold back the answers these tests count.
                if line.hasPrefix("From:") { return "From: Student \(index) <student\(index)@\(tag)\(index).example>" }
                if line.hasPrefix("Message-ID:") { return "Message-ID: <\(tag)-\(index)@example.org>" }
                return line
            }
            return Array(lines.joined(separator: "\r\n").utf8)
        }
    }

    @Test func sigtermDuringIngestFinishesTheEmailInHandAndLeavesNothingHalfDone() async throws {
        let installation = try Installation.start()
        defer { installation.remove() }
        let (dovecot, sink) = (installation.dovecot, installation.sink)
        let total = 300
        _ = try dovecot.seed(messages: try Self.reports(total, tag: "term"))

        let daemon = try installation.start()
        // The signal must land mid-mailbox whatever else the machine is doing, so a thread of its own
        // (not this task, which may wait long for a turn on the shared pool) watches and sends it.
        let databasePath = installation.databasePath
        let pid = daemon.pid
        let reaped = Mutex(false)  // once the test has reaped the daemon, its PID may be reused
        let watcher = Thread {
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline, !reaped.withLock({ $0 }) {
                if Installation.count("message", in: databasePath) >= 10 { break }
                usleep(20_000)
            }
            reaped.withLock { done in if !done { kill(pid, SIGTERM) } }
        }
        watcher.start()
        let status = await installation.exitStatus(of: daemon, within: .seconds(180))
        reaped.withLock { $0 = true }
        #expect(status == 0, "\(installation.log)")
        #expect(installation.log.contains("stopped"))

        // Stopped in the middle of the mailbox, and every email is either fully handled (stored, its
        // ticket and answer recorded, the message filed) or untouched in the inbox.
        let stored = installation.count("message")
        #expect(stored < total, "the daemon finished before the signal; the test proves nothing")
        #expect(dovecot.messages(in: "Processed").count == stored)
        #expect(dovecot.messages().count == total - stored)
        #expect(installation.count("ticket") == stored)
        #expect(installation.count("outbox") == stored)
        #expect(try installation.query { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
        // Answers not yet sent stay queued, none half-sent.
        let sentBeforeStop = sink.received.count
        #expect(
            try installation.query { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            } == sentBeforeStop)

        // The next start picks up where the last one stopped: nothing lost, nothing twice.
        let rest = try installation.start(["--once"])
        #expect(await installation.exitStatus(of: rest, within: .seconds(120)) == 0, "\(installation.log)")
        #expect(installation.count("message") == total)
        #expect(installation.count("ticket") == total)
        #expect(dovecot.messages().isEmpty)
        let ids = sink.received.compactMap { message in
            String(decoding: message.prefix(4096), as: UTF8.self).components(separatedBy: "\r\n")
                .first { $0.hasPrefix("Message-ID:") }
        }
        #expect(ids.count == total && Set(ids).count == total)
    }

    @Test func sighupWithABrokenConfigurationKeepsTheOldOneAndJSONLogsStayParseable() async throws {
        let installation = try Installation.start()
        defer { installation.remove() }
        let (dovecot, sink) = (installation.dovecot, installation.sink)
        let mail = try Self.reports(3, tag: "hup")

        let daemon = try installation.start(["--log-format", "json"])
        defer {  // only matters when an expectation threw before the test stopped it
            daemon.signal(SIGTERM)
            daemon.wait(timeout: .seconds(5))
        }
        _ = try dovecot.seed(messages: [mail[0]])
        #expect(await installation.wait { sink.received.count == 1 }, "\(installation.log)")

        // A typo in the new file: refused, the daemon keeps working with what it had.
        try installation.writeConfiguration(text: "[imap]\nurl = 42\npoll_interval = \"soon\"\n")
        daemon.signal(SIGHUP)
        #expect(
            await installation.wait { installation.log.contains("configuration reload refused") }, "\(installation.log)"
        )
        #expect(daemon.isRunning)
        _ = try dovecot.seed(messages: [mail[1]])
        #expect(await installation.wait { sink.received.count == 2 }, "\(installation.log)")

        // A good file is taken on the next SIGHUP: the answers now carry the new name.
        try installation.writeConfiguration(name: "Reloaded Helpdesk")
        daemon.signal(SIGHUP)
        #expect(await installation.wait { installation.log.contains("configuration reloaded") }, "\(installation.log)")
        _ = try dovecot.seed(messages: [mail[2]])
        #expect(await installation.wait { sink.received.count == 3 }, "\(installation.log)")
        let answers = sink.received.map { String(decoding: $0, as: UTF8.self) }
        #expect(answers.prefix(2).allSatisfy { $0.contains("From: \"Example Helpdesk\" <helpdesk@example.com>") })
        #expect(answers.last?.contains("From: \"Reloaded Helpdesk\" <helpdesk@example.com>") == true)

        daemon.signal(SIGTERM)
        #expect(await installation.exitStatus(of: daemon) == 0)
        // --log-format json: every line is one JSON object with a level and a message.
        let lines = installation.log.split(separator: "\n")
        #expect(lines.count >= 5)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] is String && object?["message"] is String, "not a JSON log line: \(line)")
        }
        #expect(lines.contains { $0.contains("\"problems\"") && $0.contains("url") })
    }

    /// An HTTP GET over a plain socket: the status line and the body.
    static func get(port: Int, path: String) -> (status: String, body: String)? {
        guard let fd = TestSupport.connect(port: port) else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)  // a hung endpoint fails the test, not hangs it
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let status = text[..<split.lowerBound].components(separatedBy: "\r\n").first ?? ""
        return (status, String(text[split.upperBound...]))
    }

    @Test func metricsEndpointServesCountersAndStoreGauges() async throws {
        let installation = try Installation.start()
        defer { installation.remove() }
        let (dovecot, sink) = (installation.dovecot, installation.sink)
        let port = try TestSupport.freePort()
        try installation.writeConfiguration(
            name: "Example Helpdesk", extra: "[metrics]\nlisten = \"127.0.0.1:\(port)\"")
        _ = try dovecot.seed(messages: try Self.reports(2, tag: "metrics"))

        let daemon = try installation.start()
        defer {  // only matters when an expectation threw before the test stopped it
            daemon.signal(SIGTERM)
            daemon.wait(timeout: .seconds(5))
        }
        #expect(await installation.wait { sink.received.count == 2 }, "\(installation.log)")
        // The relay counts a send right after the server accepts it, and writes it to the store (the outbox
        // gauge) at the end of its pass, so allow both a moment.
        var scrape: (status: String, body: String)?
        _ = await installation.wait(.seconds(10)) {
            scrape = Self.get(port: port, path: "/metrics")
            return scrape?.body.contains("helpdeskd_answers_total{result=\"sent\"} 2") == true
                && scrape?.body.contains("helpdeskd_outbox_answers{status=\"sent\"} 2") == true
        }
        let metrics = try #require(scrape, "\(installation.log)")
        #expect(metrics.status == "HTTP/1.1 200 OK")
        #expect(metrics.body.contains("helpdeskd_emails_ingested_total{outcome=\"created\"} 2"))
        #expect(metrics.body.contains("helpdeskd_answers_total{result=\"sent\"} 2"))
        #expect(metrics.body.contains("helpdeskd_tickets{status=\"suspended\"} 2"))
        #expect(metrics.body.contains("helpdeskd_outbox_answers{status=\"sent\"} 2"))
        #expect(metrics.body.contains("helpdeskd_store_unavailable 0"))
        #expect(metrics.body.contains("helpdeskd_poll_duration_seconds_count"))
        #expect(Self.get(port: port, path: "/")?.status == "HTTP/1.1 404 Not Found")
        // A client that connects and says nothing is dropped after its budget; scrapes go on.
        let silent = try #require(TestSupport.connect(port: port))
        defer { close(silent) }
        #expect(Self.get(port: port, path: "/metrics")?.status == "HTTP/1.1 200 OK")

        daemon.signal(SIGTERM)
        #expect(await installation.exitStatus(of: daemon) == 0, "\(installation.log)")
        #expect(!TestSupport.portIsOpen(port))
    }

    /// Ten clients that connect and say nothing, and four that send their request a byte at a time, do
    /// not delay a scrape (they were served in turn, two seconds each: a scrape took 20 to 28 s); each
    /// dribbler is cut off once its budget is spent, long before its request would end. The daemon runs
    /// in a process of its own, as in production, and does its work meanwhile.
    @Test func metricsScrapesAnswerWhileOtherClientsIdleOrDribble() async throws {
        let installation = try Installation.start()
        defer { installation.remove() }
        let port = try TestSupport.freePort()
        try installation.writeConfiguration(
            name: "Example Helpdesk", extra: "[metrics]\nlisten = \"127.0.0.1:\(port)\"")
        _ = try installation.dovecot.seed(messages: try Self.reports(2, tag: "scrape"))
        let daemon = try installation.start()
        defer {  // only matters when an expectation threw before the end
            daemon.signal(SIGTERM)
            daemon.wait(timeout: .seconds(5))
        }
        #expect(
            await installation.wait { Self.get(port: port, path: "/metrics")?.status == "HTTP/1.1 200 OK" },
            "\(installation.log)")

        func timedScrape() -> (status: String?, seconds: Double) {
            let started = ContinuousClock.now
            let status = Self.get(port: port, path: "/metrics")?.status
            let elapsed = ContinuousClock.now - started
            return (status, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let idle = (0..<10).compactMap { _ in TestSupport.connect(port: port) }
        defer { idle.forEach { close($0) } }
        #expect(idle.count == 10)
        try await Task.sleep(for: .milliseconds(300))  // accepted before the scrape connects
        let quiet = timedScrape()
        #expect(quiet.status == "HTTP/1.1 200 OK")
        #expect(quiet.seconds < 2, "a scrape took \(quiet.seconds) s beside 10 idle clients")

        let slow = (0..<4).compactMap { _ in TestSupport.connect(port: port) }
        defer { slow.forEach { close($0) } }
        #expect(slow.count == 4)
        let dribbling = Task.detached {
            // "GET /metrics HTTP/1.1\r\nX-Slow: aaa…", a byte per client every 50 ms: 11 s if nobody cut them off.
            let request = Array("GET /metrics HTTP/1.1\r\nX-Slow: ".utf8) + [UInt8](repeating: 0x61, count: 200)
            var dropped = Set<Int32>()
            for byte in request where dropped.count < slow.count {
                for fd in slow where !dropped.contains(fd) {
                    var one = byte
                    if send(fd, &one, 1, Int32(MSG_NOSIGNAL)) != 1 { dropped.insert(fd) }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return dropped.count
        }
        try await Task.sleep(for: .milliseconds(300))
        let busy = timedScrape()
        #expect(busy.status == "HTTP/1.1 200 OK")
        #expect(busy.seconds < 2, "a scrape took \(busy.seconds) s beside 10 idle and 4 dribbling clients")
        #expect(await dribbling.value == slow.count, "a dribbling client kept its connection")

        daemon.signal(SIGTERM)
        #expect(await installation.exitStatus(of: daemon) == 0, "\(installation.log)")
    }

    /// With IDLE, mail is taken seconds after it lands, not at the next poll (10 minutes away here).
    @Test func idleTakesNewMailWithoutWaitingForThePoll() async throws {
        let installation = try Installation.start()
        defer { installation.remove() }
        let (dovecot, sink) = (installation.dovecot, installation.sink)
        try installation.writeConfiguration(name: "Example Helpdesk", pollInterval: "10m")
        let mail = try Self.reports(2, tag: "idle")

        let daemon = try installation.start()
        defer {  // only matters when an expectation threw before the test stopped it
            daemon.signal(SIGTERM)
            daemon.wait(timeout: .seconds(5))
        }
        // The first poll finds an empty mailbox; from then on the daemon waits in IDLE.
        #expect(
            await installation.wait { installation.log.contains("starting") && installation.count("mailboxState") == 1 }
        )
        for (index, message) in mail.enumerated() {
            _ = try dovecot.seed(messages: [message])
            #expect(await installation.wait(.seconds(20)) { sink.received.count == index + 1 }, "\(installation.log)")
        }
        #expect(installation.count("ticket") == 2)
        daemon.signal(SIGTERM)
        #expect(await installation.exitStatus(of: daemon) == 0, "\(installation.log)")
    }
}
