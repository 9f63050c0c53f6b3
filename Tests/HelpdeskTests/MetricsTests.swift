import Foundation
import Glibc
import Logging
import Testing

@testable import Helpdesk

struct MetricsTests {
    @Test func listenAddressesAreHostAndPort() throws {
        let v4 = try MetricsEndpoint.Address("127.0.0.1:9464")
        #expect(v4.host == "127.0.0.1" && v4.port == 9464 && v4.isLoopback)
        let v6 = try MetricsEndpoint.Address("[::1]:9464")
        #expect(v6.host == "::1" && v6.port == 9464 && v6.isLoopback)
        #expect(try MetricsEndpoint.Address("localhost:1").isLoopback)
        #expect(try !MetricsEndpoint.Address("0.0.0.0:9464").isLoopback)
        // A name that looks like a loopback address could resolve anywhere.
        #expect(try !MetricsEndpoint.Address("127.evil.example:9464").isLoopback)
        #expect(try !MetricsEndpoint.Address("127.0.0.1.evil.example:9464").isLoopback)
        for bad in ["9464", "127.0.0.1", "127.0.0.1:", ":9464", "127.0.0.1:0", "127.0.0.1:70000", "[::1]9464"] {
            #expect(throws: MetricsAddressError.self, "\(bad)") { try MetricsEndpoint.Address(bad) }
        }
    }

    @Test func configurationRefusesAnAddressOffThisHost() {
        let (_, problems) = ConfigurationLoader.parse(
            "[metrics]\nlisten = \"0.0.0.0:9464\"\n", file: "t.toml", environment: [:])
        #expect(problems.contains { $0.key == "metrics.listen" && $0.message.contains("loopback") })
        let (good, none) = ConfigurationLoader.parse(
            "[metrics]\nlisten = \"127.0.0.1:9464\"\n", file: "t.toml", environment: [:])
        #expect(!none.contains { $0.key == "metrics.listen" })
        #expect(good.metricsListen == "127.0.0.1:9464")
    }

    @Test func onlyAGetOfMetricsIsServed() {
        #expect(MetricsEndpoint.route(method: .get, path: "/metrics") == .metrics)
        #expect(MetricsEndpoint.route(method: .head, path: "/metrics") == .metricsHead)
        #expect(MetricsEndpoint.route(method: .get, path: "/") == .notFound)
        #expect(MetricsEndpoint.route(method: .get, path: "/metrics/x") == .notFound)
        #expect(MetricsEndpoint.route(method: .post, path: "/metrics") == .badRequest)
        #expect(MetricsEndpoint.route(method: .put, path: "/") == .badRequest)
    }

    @Test func countersShowUpInTheExposition() throws {
        let metrics = DaemonMetrics()
        metrics.ingested(.created(ref: "HD-000001", status: .open))
        metrics.ingested(.created(ref: "HD-000002", status: .suspended))
        metrics.quarantined(tooLarge: true)
        metrics.answer(sent: false, givingUp: true)
        var buffer: [UInt8] = []
        metrics.registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        #expect(text.contains("helpdeskd_emails_ingested_total{outcome=\"created\"} 2"))
        #expect(text.contains("helpdeskd_emails_quarantined_total{reason=\"too_large\"} 1"))
        #expect(text.contains("helpdeskd_answers_total{result=\"failed\"} 1"))
        #expect(text.contains("# HELP helpdeskd_emails_ingested_total"))
    }

    // MARK: Serving

    // The endpoint under load from idle and dribbling clients: DaemonProcessTests (the daemon in a process of
    // its own: here, parallel tests that block Swift's few cooperative threads would also hold up the server).

    /// HEAD, unknown paths, other methods and oversized requests, against the real server.
    @Test func headAndUnknownPathsAndOtherMethods() async throws {
        try await withEndpoint { port in
            let head = try #require(
                await LoopbackClient.off { LoopbackClient.request(port: port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n") }
            )
            #expect(head.status == "HTTP/1.1 200 OK" && head.body.isEmpty)
            #expect(
                await LoopbackClient.off { LoopbackClient.get(port: port, path: "/") }?.status
                    == "HTTP/1.1 404 Not Found")
            let post = await LoopbackClient.off {
                LoopbackClient.request(
                    port: port, "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n", body: "abc")
            }
            #expect(post?.status == "HTTP/1.1 400 Bad Request")
            // A request head larger than the limit is refused, not buffered.
            let huge = await LoopbackClient.off {
                LoopbackClient.request(
                    port: port, "GET /metrics HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n")
            }
            #expect(huge?.status != "HTTP/1.1 200 OK")
            let after = await LoopbackClient.off { LoopbackClient.get(port: port, path: "/metrics") }
            #expect(after?.status == "HTTP/1.1 200 OK")
        }
    }

    /// Runs an endpoint on a free loopback port with an empty store around `body`, then stops it.
    func withEndpoint(_ body: (Int) async throws -> Void) async throws {
        let helpdesk = try TestHelpdesk()
        let port = try LoopbackClient.freePort()
        let endpoint = MetricsEndpoint(
            address: try MetricsEndpoint.Address("127.0.0.1:\(port)"), metrics: DaemonMetrics(), health: DaemonHealth(),
            contexts: ContextHolder(helpdesk.context), logger: Logger(label: "metrics-test"))
        let server = Task { try await endpoint.run() }
        defer { server.cancel() }
        // Generous: other tests running in parallel can hold every cooperative thread for a while.
        let deadline = ContinuousClock.now + .seconds(60)
        while await LoopbackClient.off({ LoopbackClient.get(port: port, path: "/metrics") }) == nil,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await body(port)
    }
}

/// Plain blocking sockets to 127.0.0.1, independent of the server under test.
enum LoopbackClient {
    /// Runs blocking socket calls on a thread of Dispatch's, not on one of Swift's few cooperative
    /// threads: tests run in parallel, and the server under test answers on those threads.
    static func off<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in DispatchQueue.global().async { done.resume(returning: work()) } }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    struct Answer {
        var status: String
        var body: String
        var seconds: Double
    }

    static func get(port: Int, path: String, timeout: Duration = .seconds(30)) -> Answer? {
        request(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n", timeout: timeout)
    }

    /// Sends `head` (request line and fields, without the blank line) and `body` with `Connection:
    /// close`, and reads the answer to the end; nil when nothing came within `timeout`.
    static func request(port: Int, _ head: String, body: String = "", timeout: Duration = .seconds(30)) -> Answer? {
        let started = ContinuousClock.now
        guard let fd = connect(port: port) else { return nil }
        defer { close(fd) }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let request = Array((head + "Connection: close\r\n\r\n" + body).utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            response += chunk[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let elapsed = ContinuousClock.now - started
        return Answer(
            status: text[..<split.lowerBound].components(separatedBy: "\r\n").first ?? "",
            body: String(text[split.upperBound...]),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
