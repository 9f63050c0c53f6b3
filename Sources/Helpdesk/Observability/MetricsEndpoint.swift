import Foundation
import Glibc
import Mail
public import Logging
public import ServiceLifecycle

/// Serves `GET /metrics` (Prometheus text format) on the `[metrics] listen` address.
///
/// Deliberately tiny: one thread, one short request at a time, no keep-alive — a scraper asks every
/// few seconds and nothing else should talk to it. Meant for a loopback address; a request that is
/// slow, huge or not a GET of /metrics gets a short error and is closed.
public struct MetricsEndpoint: Service {
    /// Where to listen, from "host:port" ("127.0.0.1:9464", "[::1]:9464", "localhost:9464").
    public struct Address: Sendable, Equatable {
        public var host: String
        public var port: UInt16

        public init(_ text: String) throws(MetricsAddressError) {
            let host: Substring
            let port: Substring
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                host = text[text.index(after: text.startIndex)..<close]
                let rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":") else { throw MetricsAddressError(text: text) }
                port = rest.dropFirst()
            } else {
                guard let colon = text.lastIndex(of: ":") else { throw MetricsAddressError(text: text) }
                host = text[..<colon]
                port = text[text.index(after: colon)...]
            }
            guard !host.isEmpty, let number = UInt16(port), number > 0 else { throw MetricsAddressError(text: text) }
            self.host = String(host)
            self.port = number
        }

        /// Whether the address stays on this machine (`LoopbackHost`).
        public var isLoopback: Bool { LoopbackHost.contains(host) }
    }

    let address: Address
    let metrics: DaemonMetrics
    let health: DaemonHealth
    let contexts: ContextHolder
    let logger: Logger
    let clock: @Sendable () -> Int64

    public init(
        address: Address, metrics: DaemonMetrics, health: DaemonHealth, contexts: ContextHolder, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = WallClock.seconds
    ) {
        self.address = address
        self.metrics = metrics
        self.health = health
        self.contexts = contexts
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        let listener: Int32
        do {
            listener = try Self.listen(on: address)
        } catch {
            // Metrics are an extra: without them the daemon still does its job, so say it and go on.
            logger.error(
                "metrics endpoint not started",
                metadata: ["listen": "\(address.host):\(address.port)", "error": "\(error)"])
            try? await gracefulShutdown()
            return
        }
        logger.notice("metrics endpoint listening", metadata: ["listen": "\(address.host):\(address.port)"])
        let stopping = StopFlag()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    let thread = Thread { [self] in
                        serve(listener: listener, until: stopping)
                        close(listener)
                        done.resume()
                    }
                    thread.name = "metrics"
                    thread.start()
                }
            } onGracefulShutdown: {
                stopping.set()
            }
        } onCancel: {
            stopping.set()
        }
    }

    /// All the time one client gets, request and response together: a slow or stuck client cannot
    /// hold the (single) serving thread, nor delay a shutdown, for longer.
    static let clientBudget: Duration = .seconds(2)
    static let requestLimit = 8192

    /// Accepts with a short poll timeout so that a shutdown is noticed within a quarter second.
    private func serve(listener: Int32, until stopping: StopFlag) {
        while !stopping.isSet {
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 250) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0, Self.makeNonBlocking(client) else {
                if client >= 0 { close(client) }
                // EMFILE and the like: the listener stays readable, so do not spin on it.
                if errno != EAGAIN, errno != EINTR { usleep(100_000) }
                continue
            }
            answer(client, until: ContinuousClock.now + Self.clientBudget, stopping: stopping)
            close(client)
        }
    }

    /// Non-blocking and close-on-exec (accept4 is not visible from Swift's Glibc module).
    static func makeNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0
    }

    /// Waits until `client` is ready for `events`, the deadline passes or a shutdown starts.
    private static func ready(
        _ client: Int32, for events: Int32, until deadline: ContinuousClock.Instant, stopping: StopFlag
    ) -> Bool {
        while !stopping.isSet {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return false }
            var entry = pollfd(fd: client, events: Int16(events), revents: 0)
            let milliseconds = Int32(min(250, max(1, left / .milliseconds(1))))
            if poll(&entry, 1, milliseconds) > 0 { return true }
        }
        return false
    }

    private func answer(_ client: Int32, until deadline: ContinuousClock.Instant, stopping: StopFlag) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while request.count < Self.requestLimit, !Self.headerComplete(request) {
            guard Self.ready(client, for: POLLIN, until: deadline, stopping: stopping) else { return }
            let count = read(client, &chunk, chunk.count)
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { break }
            request += chunk[0..<count]
        }
        let route = Self.route(request)
        let response: [UInt8]
        switch route {
        case .metrics, .metricsHead:
            let body = metrics.exposition(store: contexts.current.store, health: health, now: clock())
            response = Self.response(
                "200 OK", contentType: "text/plain; version=0.0.4; charset=utf-8", body: body,
                includeBody: route == .metrics)
        case .notFound:
            response = Self.response("404 Not Found", contentType: "text/plain", body: Array("try /metrics\n".utf8))
        case .badRequest:
            response = Self.response("400 Bad Request", contentType: "text/plain", body: [])
        }
        var sent = 0
        while sent < response.count {
            guard Self.ready(client, for: POLLOUT, until: deadline, stopping: stopping) else { return }
            let count = response[sent...].withUnsafeBytes {
                send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0, errno == EAGAIN || errno == EINTR { continue }
            guard count > 0 else { return }
            sent += count
        }
    }

    enum Route: Equatable { case metrics, metricsHead, notFound, badRequest }

    /// What a request asks for, from its request line.
    static func route(_ request: [UInt8]) -> Route {
        guard headerComplete(request), let end = request.firstIndex(of: UInt8(ascii: "\r")) else { return .badRequest }
        let parts = String(decoding: request[..<end], as: UTF8.self).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .badRequest }
        guard parts[0] == "GET" || parts[0] == "HEAD" else { return .badRequest }
        let path = parts[1].split(separator: "?", maxSplits: 1).first ?? ""
        guard path == "/metrics" else { return .notFound }
        return parts[0] == "GET" ? .metrics : .metricsHead
    }

    static func headerComplete(_ request: [UInt8]) -> Bool {
        request.count >= 4
            && request.indices.dropLast(3).contains { index in
                request[index] == 13 && request[index + 1] == 10 && request[index + 2] == 13 && request[index + 3] == 10
            }
    }

    static func response(_ status: String, contentType: String, body: [UInt8], includeBody: Bool = true) -> [UInt8] {
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
            + "Connection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? body : [])
    }

    /// A listening TCP socket on the address (numeric or "localhost"), SO_REUSEADDR so a restart
    /// does not wait for TIME_WAIT.
    static func listen(on address: Address) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // Numeric addresses only (no DNS), except the one name every host resolves locally.
        hints.ai_flags = AI_NUMERICSERV | (address.host.hasSuffix("localhost") ? 0 : AI_NUMERICHOST)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let first = list else {
            throw MetricsAddressError(text: "\(address.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXErrorText.current("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        // A connection that is reset between poll() and accept() must not block the serving thread.
        _ = makeNonBlocking(fd)
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let error = POSIXErrorText.current("bind")
            close(fd)
            throw error
        }
        guard Glibc.listen(fd, 16) == 0 else {
            let error = POSIXErrorText.current("listen")
            close(fd)
            throw error
        }
        return fd
    }
}

/// `[metrics] listen` is not "host:port".
public struct MetricsAddressError: Error, CustomStringConvertible {
    public var text: String
    public var description: String { "not a host:port address: \(text)" }
}

/// A failed system call and its errno text.
struct POSIXErrorText: Error, CustomStringConvertible {
    var description: String
    static func current(_ call: String) -> POSIXErrorText {
        POSIXErrorText(description: "\(call): \(String(cString: strerror(errno)))")
    }
}
