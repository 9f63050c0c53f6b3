import Foundation
import Glibc

@testable import Mail

/// A real SMTP server for one test (Tests/Servers/smtp_sink.py on Debian's python3-aiosmtpd) that
/// keeps every message it accepts, byte for byte, with its envelope.
///
/// Use `SMTPSink.with { … }` or `defer { sink.stop() }`; `deinit` stops it too, and the sink exits by
/// itself when the test process dies.
final class SMTPSink {
    enum Security {
        case plain
        case starttls
        case implicit
    }

    struct Envelope: Decodable, Equatable {
        let mailFrom: String
        let rcptTos: [String]
        let authMechanism: String?
        let authLogin: String?
        let tls: Bool
    }

    let directory: String
    let port: Int
    let security: Security
    let user: String?
    let password: String?
    private let process: ChildProcess
    private var stopped = false

    var certificatePath: String? { security == .plain ? nil : directory + "/cert.pem" }
    var logPath: String { directory + "/sink.log" }

    private init(
        directory: String, port: Int, security: Security, user: String?, password: String?, process: ChildProcess
    ) {
        self.directory = directory
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.process = process
    }

    deinit { stop() }

    /// Starts the sink; with `auth` it requires AUTH as user "bot" with a random password. With `oauth` it
    /// requires AUTH XOAUTH2 or OAUTHBEARER as that provider's user, with a token the provider says is active.
    static func start(
        auth: Bool = false, security: Security = .plain, oauth: IdentityProvider? = nil
    ) throws
        -> SMTPSink
    {
        let auth = auth || oauth != nil
        let directory = try TestSupport.temporaryDirectory("smtp")
        if security != .plain {
            let status = try TestSupport.run(
                "/bin/bash", [TestSupport.serversDirectory + "/selfsigned.sh", directory], log: directory + "/cert.log")
            guard status == 0 else {
                TestSupport.removeDirectory(directory)
                throw TestServerError("no certificate: \(TestSupport.tail(directory + "/cert.log"))")
            }
        }
        let user = oauth?.username ?? (auth ? "bot" : nil)
        let password = auth ? "sink-" + String(UInt64.random(in: 1...UInt64.max), radix: 36) : nil
        var lastError = ""
        for _ in 0..<3 {
            let port = try TestSupport.freePort()
            var arguments = [
                TestSupport.serversDirectory + "/smtp_sink.py", "--dir", directory, "--port", "\(port)",
                "--watch-pid", "\(getpid())",
            ]
            if let user { arguments += ["--auth", user] }
            if let oauth { arguments += ["--oauth-introspection", oauth.introspectionURL] }
            switch security {
            case .plain: break
            case .starttls: arguments += ["--starttls"]
            case .implicit: arguments += ["--implicit-tls"]
            }
            if security != .plain {
                arguments += ["--cert", directory + "/cert.pem", "--key", directory + "/key.pem"]
            }
            let process = try ChildProcess(
                "/usr/bin/python3", arguments, environment: ["SMTP_SINK_PASSWORD": password ?? ""],
                log: directory + "/sink.log")
            // Ready when it greets (an implicit-TLS port greets only after the handshake: accepting is enough).
            let ready = TestSupport.waitUntilReady(port: port, greeting: security == .implicit ? nil : "220 ")
            if ready, process.isRunning {
                return SMTPSink(
                    directory: directory, port: port, security: security, user: user, password: password,
                    process: process)
            }
            process.signal(SIGTERM)
            process.wait(timeout: .seconds(5))
            lastError = TestSupport.tail(directory + "/sink.log")
        }
        TestSupport.removeDirectory(directory)
        throw TestServerError("the SMTP sink did not start: \(lastError)")
    }

    /// `start(auth:security:)` for the two common shapes: STARTTLS or plain.
    static func start(auth: Bool, starttls: Bool) throws -> SMTPSink {
        try start(auth: auth, security: starttls ? .starttls : .plain)
    }

    /// Runs `body` with a fresh sink and stops it afterwards, whatever happens.
    static func with<T>(auth: Bool = false, security: Security = .plain, _ body: (SMTPSink) throws -> T) throws -> T {
        let sink = try start(auth: auth, security: security)
        defer { sink.stop() }
        return try body(sink)
    }

    /// Stops the sink by its PID, waits for it to exit and for the port to close, removes its directory.
    func stop() {
        guard !stopped else { return }
        stopped = true
        process.signal(SIGTERM)
        process.wait(timeout: .seconds(5))
        _ = TestSupport.waitUntilClosed(port: port)
        if ProcessInfo.processInfo.environment["HELPDESKD_KEEP_TEST_SERVERS"] == nil {
            TestSupport.removeDirectory(directory)
        }
    }

    /// `smtp://127.0.0.1:port` or `smtps://…` for implicit TLS.
    func url(host: String = "127.0.0.1") -> String {
        security == .implicit ? "smtps://\(host):\(port)" : "smtp://\(host):\(port)"
    }

    /// A configuration that works against this sink.
    func configuration(envelopeSender: String = "helpdesk@example.test") -> SMTPConfiguration {
        SMTPConfiguration(
            url: url(host: security == .plain ? "127.0.0.1" : "localhost"),
            security: security == .plain ? .none : (security == .starttls ? .starttls : .implicit),
            credential: user.map { .password(user: $0, password: Secret(password ?? "")) }, caFile: certificatePath,
            envelopeSender: envelopeSender,
            timeouts: MailTimeouts(connect: .seconds(5), lowSpeedTime: .seconds(10), operation: .seconds(30)))
    }

    // MARK: what arrived

    /// Accepted messages in arrival order, exactly as received (after SMTP dot-unstuffing).
    var received: [[UInt8]] {
        names.compactMap { TestSupport.readFile(directory + "/maildir/new/" + $0 + ".sink") }
    }

    /// The envelopes of `received`, in the same order.
    var envelopes: [Envelope] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return names.compactMap { name in
            TestSupport.readFile(directory + "/envelopes/" + name + ".json").flatMap {
                try? decoder.decode(Envelope.self, from: Data($0))
            }
        }
    }

    /// TCP connections the sink has accepted (readiness probes included).
    var connections: Int {
        String(decoding: TestSupport.readFile(directory + "/connections") ?? [], as: UTF8.self)
            .split(separator: "\n").count
    }

    /// Makes `stage` ("MAIL", "RCPT" or "DATA") answer `reply` (e.g. "451 4.3.0 Try later") until `recover()`.
    func fail(at stage: String, with reply: String) throws {
        try TestSupport.writeFile(directory + "/control", Array("\(stage) \(reply)\n".utf8))
    }

    func recover() {
        unlink(directory + "/control")
    }

    private var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/maildir/new")) ?? []
        return files.filter { $0.hasSuffix(".sink") }.map { String($0.dropLast(5)) }.sorted()
    }
}
