import Foundation
import Glibc

@testable import Mail

/// A real Dovecot IMAP server for one test (Tests/Servers/dovecot.sh), on random loopback ports.
///
/// Use `Dovecot.with { … }` or `defer { dovecot.stop() }`; `deinit` stops it too, and the script's
/// watchdog stops it when the test process dies, so a failing or crashing test leaves nothing behind.
final class Dovecot {
    let directory: String
    /// Plain IMAP; offers STARTTLS when started with TLS.
    let port: Int
    /// IMAPS, when started with TLS.
    let tlsPort: Int?
    let user = "helpdesk"
    let password: String
    private var nextSeed = 1
    private var stopped = false

    /// The self-signed certificate the TLS ports present (the client's CA file), when started with TLS.
    var certificatePath: String? { tlsPort == nil ? nil : directory + "/cert.pem" }
    /// The user's Maildir (INBOX); folders are ".Name" below it.
    var maildir: String { directory + "/home/Maildir" }
    var logPath: String { directory + "/dovecot.log" }

    private init(directory: String, port: Int, tlsPort: Int?, password: String) {
        self.directory = directory
        self.port = port
        self.tlsPort = tlsPort
        self.password = password
    }

    deinit { stop() }

    /// Starts Dovecot (about 0.1 s); with `tls` it also listens for IMAPS and offers STARTTLS. With
    /// `oauth2Introspection`, XOAUTH2/OAUTHBEARER tokens are checked by Dovecot's oauth2 passdb at that URL; with
    /// `homesPerUser`, each user name has a Maildir of its own (`maildir(user:)`).
    static func start(
        tls: Bool = false, oauth2Introspection: String? = nil, homesPerUser: Bool = false
    ) throws
        -> Dovecot
    {
        let directory = try TestSupport.temporaryDirectory("dovecot")
        let password = "pw-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        var lastError = ""
        // A port that was free can be taken before Dovecot binds it; try a few.
        for _ in 0..<3 {
            let port = try TestSupport.freePort()
            let tlsPort = tls ? try TestSupport.freePort() : nil
            let status = try TestSupport.run(
                "/bin/bash",
                [
                    TestSupport.serversDirectory + "/dovecot.sh", "start", directory, "\(port)", "\(tlsPort ?? 0)",
                    password,
                ],
                environment: ["WATCH_PID": "\(getpid())"]
                    .merging(oauth2Introspection.map { ["OAUTH2_INTROSPECTION_URL": $0] } ?? [:]) { $1 }
                    .merging(homesPerUser ? ["HOMES_PER_USER": "1"] : [:]) { $1 },
                log: directory + "/start.log")
            if status == 0 {
                return Dovecot(directory: directory, port: port, tlsPort: tlsPort, password: password)
            }
            lastError = TestSupport.tail(directory + "/start.log")
        }
        TestSupport.removeDirectory(directory)
        throw TestServerError("Dovecot did not start: \(lastError)")
    }

    /// Runs `body` with a fresh server and stops it afterwards, whatever happens.
    static func with<T>(tls: Bool = false, _ body: (Dovecot) throws -> T) throws -> T {
        let dovecot = try start(tls: tls)
        defer { dovecot.stop() }
        return try body(dovecot)
    }

    /// Stops the server, waits for its port to close and removes its directory.
    func stop() {
        guard !stopped else { return }
        stopped = true
        _ = try? TestSupport.run(
            "/bin/bash", [TestSupport.serversDirectory + "/dovecot.sh", "stop", directory, "--now"],
            log: directory + "/stop.log")
        _ = TestSupport.waitUntilClosed(port: port)
        if ProcessInfo.processInfo.environment["HELPDESKD_KEEP_TEST_SERVERS"] == nil {
            TestSupport.removeDirectory(directory)
        }
    }

    // MARK: client configuration

    /// `imaps://127.0.0.1:port/mailbox` (with TLS) or `imap://127.0.0.1:port/mailbox`.
    func url(tls: Bool? = nil, host: String = "127.0.0.1", mailbox: String = "INBOX") -> String {
        if tls ?? (tlsPort != nil), let tlsPort { return "imaps://\(host):\(tlsPort)/\(mailbox)" }
        return "imap://\(host):\(port)/\(mailbox)"
    }

    /// A configuration that works: IMAPS with the certificate when TLS is on, plaintext loopback otherwise.
    func configuration(mailbox: String = "INBOX") -> IMAPConfiguration {
        IMAPConfiguration(
            url: url(mailbox: mailbox), credential: .password(user: user, password: Secret(password)),
            caFile: certificatePath, allowPlaintext: tlsPort == nil,
            timeouts: MailTimeouts(connect: .seconds(5), lowSpeedTime: .seconds(10), operation: .seconds(30)))
    }

    // MARK: mail

    /// Writes messages as Maildir files into `folder` (nil: INBOX). The names are zero-padded
    /// sequence numbers, so Dovecot gives them UIDs in the order given. Returns the file paths.
    @discardableResult
    func seed(messages: [[UInt8]], folder: String? = nil, user: String? = nil) throws -> [String] {
        let base = folderPath(folder, user: user)
        if let user {  // a home of its own (homesPerUser), owned by the mail user as Dovecot would make it
            for path in [directory + "/homes/" + user, maildir(user: user)] {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                chown(path, 65534, 65534)
            }
        }
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: base + "/" + sub, withIntermediateDirectories: true)
            chown(base + "/" + sub, 65534, 65534)
        }
        chown(base, 65534, 65534)
        var paths: [String] = []
        for message in messages {
            let name = String(format: "%010d.helpdeskd-seed", nextSeed)
            nextSeed += 1
            let temporary = base + "/tmp/" + name
            try TestSupport.writeFile(temporary, message)
            chown(temporary, 65534, 65534)
            let final = base + "/new/" + name
            guard rename(temporary, final) == 0 else { throw TestServerError("rename into new/ failed") }
            paths.append(final)
        }
        return paths
    }

    /// Delivers one message into a Maildir like `seed` does, from any thread (for tests that wait on
    /// the server while mail arrives).
    static func deliver(_ message: [UInt8], maildir: String, name: String) throws {
        let temporary = maildir + "/tmp/" + name
        try TestSupport.writeFile(temporary, message)
        chown(temporary, 65534, 65534)
        guard rename(temporary, maildir + "/new/" + name) == 0 else { throw TestServerError("rename into new/ failed") }
    }

    /// The messages stored in `folder` (nil: INBOX), ordered by file name (that is, seed order).
    func messages(in folder: String? = nil, user: String? = nil) -> [[UInt8]] {
        messageFiles(in: folder, user: user).compactMap(TestSupport.readFile)
    }

    /// The Maildir of `user` when started with `homesPerUser`.
    func maildir(user: String) -> String { directory + "/homes/" + user + "/Maildir" }

    /// The Maildir file names in `folder` (nil: INBOX), without their ":2,…" flag suffix, sorted.
    func messageNames(in folder: String? = nil) -> [String] {
        messageFiles(in: folder).map { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return String(name.prefix { $0 != ":" })
        }
    }

    func folderExists(_ folder: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: folderPath(folder), isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// How many logins Dovecot has accepted (its "imap-login: … Login:" log lines).
    var logins: Int {
        let log = String(decoding: TestSupport.readFile(logPath) ?? [], as: UTF8.self)
        return log.split(separator: "\n").filter { $0.contains("imap-login: Info: Login:") }.count
    }

    private func folderPath(_ folder: String?, user: String? = nil) -> String {
        let root = user.map(maildir(user:)) ?? maildir
        guard let folder, folder.uppercased() != "INBOX" else { return root }
        return root + "/." + folder.replacingOccurrences(of: "/", with: ".")
    }

    private func messageFiles(in folder: String?, user: String? = nil) -> [String] {
        let base = folderPath(folder, user: user)
        var files: [String] = []
        for sub in ["cur", "new"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: base + "/" + sub)) ?? []
            files += names.map { base + "/" + sub + "/" + $0 }
        }
        return files.sorted { ($0.split(separator: "/").last ?? "") < ($1.split(separator: "/").last ?? "") }
    }
}
