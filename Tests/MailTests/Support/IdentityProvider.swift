import Foundation
import Glibc

/// A real OAuth 2.0 identity provider for one test (Tests/Servers/oauth_idp.py over HTTPS with a test CA made by
/// oauth_ca.sh), on random loopback ports; it can expire, rotate and revoke tokens on command.
///
/// `stop()` (or `deinit`) ends it; it also exits by itself when the test process dies.
final class IdentityProvider {
    let directory: String
    /// HTTPS: the token and device authorization endpoints.
    let port: Int
    /// Plain HTTP on loopback: introspection (for Dovecot and the SMTP sink) and the control endpoints.
    let plainPort: Int
    let clientID = "helpdeskd-test-app"
    let clientSecret: String
    /// Whose mailbox client-credentials and device-code tokens open.
    let username: String
    let issuer = "helpdeskd@test-project.iam.gserviceaccount.example"
    private let process: ChildProcess
    private var stopped = false

    /// The test CA: the clients' `ca_file`.
    var caFile: String { directory + "/ca.pem" }
    /// The RSA key that signs JWT assertions (PKCS#8 PEM).
    var jwtKeyFile: String { directory + "/jwt.key" }
    var tokenURL: String { "https://localhost:\(port)/token" }
    var deviceAuthorizationURL: String { "https://localhost:\(port)/devicecode" }
    var introspectionURL: String { "http://127.0.0.1:\(plainPort)/introspect" }
    var logPath: String { directory + "/idp.log" }

    private init(
        directory: String, port: Int, plainPort: Int, secret: String, username: String, process: ChildProcess
    ) {
        self.directory = directory
        self.port = port
        self.plainPort = plainPort
        clientSecret = secret
        self.username = username
        self.process = process
    }

    deinit { stop() }

    /// Starts the provider; tokens live `lifetime` seconds; `autoApprove` approves device codes at their first
    /// poll (as if an admin had been quick).
    static func start(
        lifetime: Int = 3600, autoApprove: Bool = false, username: String = "helpdesk"
    ) throws
        -> IdentityProvider
    {
        let directory = try TestSupport.temporaryDirectory("idp")
        let status = try TestSupport.run(
            "/bin/bash", [TestSupport.serversDirectory + "/oauth_ca.sh", directory], log: directory + "/ca.log")
        guard status == 0 else {
            TestSupport.removeDirectory(directory)
            throw TestServerError("no test CA: \(TestSupport.tail(directory + "/ca.log"))")
        }
        let secret = "secret-" + String(UInt64.random(in: 1...UInt64.max), radix: 36)
        var lastError = ""
        for _ in 0..<3 {
            let port = try TestSupport.freePort()
            let plainPort = try TestSupport.freePort()
            var arguments = [
                TestSupport.serversDirectory + "/oauth_idp.py", "--dir", directory, "--port", "\(port)",
                "--plain-port", "\(plainPort)", "--cert", directory + "/server.pem", "--key", directory + "/server.key",
                "--jwt-public-key", directory + "/jwt.pub", "--client-id", "helpdeskd-test-app",
                "--username", username, "--lifetime", "\(lifetime)", "--watch-pid", "\(getpid())",
            ]
            if autoApprove { arguments.append("--auto-approve") }
            let process = try ChildProcess(
                "/usr/bin/python3", arguments, environment: ["OAUTH_IDP_CLIENT_SECRET": secret],
                log: directory + "/out.log")
            if TestSupport.waitUntilReady(port: plainPort, greeting: nil), process.isRunning {
                return IdentityProvider(
                    directory: directory, port: port, plainPort: plainPort, secret: secret, username: username,
                    process: process)
            }
            process.signal(SIGTERM)
            process.wait(timeout: .seconds(5))
            lastError = TestSupport.tail(directory + "/out.log")
        }
        TestSupport.removeDirectory(directory)
        throw TestServerError("the identity provider did not start: \(lastError)")
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        process.signal(SIGTERM)
        process.wait(timeout: .seconds(5))
        if ProcessInfo.processInfo.environment["HELPDESKD_KEEP_TEST_SERVERS"] == nil {
            TestSupport.removeDirectory(directory)
        }
    }

    /// POST /control/ACTION (expire, revoke, approve, lifetime?seconds=N).
    func control(_ action: String) throws {
        guard let answer = Self.request(port: plainPort, "POST /control/\(action)"), answer.contains("\"ok\"")
        else { throw TestServerError("control \(action) failed") }
    }

    /// Tokens issued by grant ("client_credentials", "refresh_token", "jwt_bearer", "device_code").
    var issued: [String: Int] { stats["issued"] as? [String: Int] ?? [:] }
    /// Refusals by OAuth error ("invalid_grant", …).
    var refused: [String: Int] { stats["refused"] as? [String: Int] ?? [:] }
    var introspections: Int { stats["introspections"] as? Int ?? 0 }

    private var stats: [String: Any] {
        guard let body = Self.request(port: plainPort, "GET /control/stats"),
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        else { return [:] }
        return object
    }

    /// One HTTP/1.0 request without a body; the response's body.
    static func request(port: Int, _ line: String) -> String? {
        guard let fd = TestSupport.connect(port: port) else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("\(line) HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".utf8)
        guard write(fd, request, request.count) == request.count else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) }
    }
}
