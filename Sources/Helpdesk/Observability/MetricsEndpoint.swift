import Foundation
import Glibc
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

        public var isLoopback: Bool { host == "localhost" || host.hasPrefix("127.") || host == "::1" }
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
            logger.error("metrics endpoint not started", metadata: ["listen": "\(address.host):\(address.port)", "error": "\(error)"])
            try? await gracefulShutdown()
            return
        }
        logger.notice("metrics endpoint listening", metadata: ["listen": "\(address.host):\(address.port)"])
        let stopping = StopFlag()
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
    }

    /// Accepts with a short poll timeout so that a shutdown is noticed within a quarter second.
    private func serve(listener: Int32, until stopping: StopFlag) {
        while !stopping.isSet {
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 250) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            answer(client)
            close(client)
        }
    }

    private func answer(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while request.count < 8192, !Self.headerComplete(request) {
            let count = read(client, &chunk, chunk.count)
            guard count > 0 else { break }
            request += chunk[0..<count]
        }
        let response: [UInt8]
        switch Self.route(request) {
        case .metrics:
            let body = metrics.exposition(store: contexts.current.store, health: health, now: clock())
            response = Self.response("200 OK", contentType: "text/plain; version=0.0.4; charset=utf-8", body: body)
        case .notFound:
            response = Self.response("404 Not Found", contentType: "text/plain", body: Array("try /metrics\n".utf8))
        case .badRequest:
            response = Self.response("400 Bad Request", contentType: "text/plain", body: [])
        }
        var sent = 0
        while sent < response.count {
            let count = response[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    enum Route: Equatable { case metrics, notFound, badRequest }

    /// What a request asks for, from its request line.
    static func route(_ request: [UInt8]) -> Route {
        guard headerComplete(request), let end = request.firstIndex(of: UInt8(ascii: "\r")) else { return .badRequest }
        let parts = String(decoding: request[..<end], as: UTF8.self).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .badRequest }
        guard parts[0] == "GET" || parts[0] == "HEAD" else { return .badRequest }
        let path = parts[1].split(separator: "?", maxSplits: 1).first ?? ""
        return path == "/metrics" ? .metrics : .notFound
    }

    static func headerComplete(_ request: [UInt8]) -> Bool {
        request.count >= 4 && request.indices.dropLast(3).contains { index in
            request[index] == 13 && request[index + 1] == 10 && request[index + 2] == 13 && request[index + 3] == 10
        }
    }

    static func response(_ status: String, contentType: String, body: [UInt8]) -> [UInt8] {
        Array("HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
    }

    /// A listening TCP socket on the address (numeric or "localhost"), SO_REUSEADDR so a restart
    /// does not wait for TIME_WAIT.
    static func listen(on address: Address) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
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
