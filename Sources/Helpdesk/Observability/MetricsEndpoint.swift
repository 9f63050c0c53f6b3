import HTTPTypes
import HummingbirdCore
import Mail
import NIOCore
import NIOPosix
public import Logging
public import ServiceLifecycle

/// Serves `GET /metrics` (Prometheus text format) on the `[metrics] listen` address.
///
/// A small HummingbirdCore HTTP/1 server, run as one more service of the daemon's group: clients are served
/// concurrently on one event-loop thread, so an idle, slow or stuck client never delays a scrape. Every
/// client is bounded: at most `maxConnections` at once (more wait in the listen backlog), a request head
/// of at most `requestLimit` bytes and a body of at most as much, and `clientBudget` to send a whole
/// request, from connecting or from the previous answer (`MetricsConnectionBudget`). Each exposition reads the
/// store through its async face (`TicketStore.snapshot … async`), so neither the event loop nor Swift's
/// cooperative threads wait for the disk.
/// Loopback addresses only: the configuration refuses others, and so does `run()`.
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

    /// Clients served at once; further connections wait in the kernel's listen backlog.
    static let maxConnections = 32
    /// All the time a client gets to send one whole request, from connecting or from our previous answer.
    static let clientBudget: TimeAmount = .seconds(5)
    /// The largest request head (request line and header fields) and the largest body accepted.
    static let requestLimit = 8192

    public func run() async throws {
        guard address.isLoopback else {
            // The configuration refuses such an address already; the endpoint has no TLS and no login.
            logger.error(
                "metrics endpoint not started: not a loopback address",
                metadata: ["listen": "\(address.host):\(address.port)"])
            try? await gracefulShutdown()
            return
        }
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { loop.shutdownGracefully { _ in } }
        do {
            let server = try HTTPServerBuilder.http1(
                configuration: .init(
                    additionalChannelHandlers: [
                        MetricsConnectionBudget(budget: Self.clientBudget, bodyLimit: Self.requestLimit)
                    ],
                    httpDecoderConfiguration: .init(
                        maxHeaderFieldSize: Self.requestLimit, maxHeaderListSize: Self.requestLimit,
                        maxHeaderFieldCount: 100))
            ).buildServer(
                configuration: .init(
                    address: .hostname(address.host, port: Int(address.port)), backlog: Self.maxConnections,
                    availableConnectionsDelegate: MaximumAvailableConnections(Self.maxConnections, logger: logger)),
                eventLoopGroup: loop, logger: logger,
                responder: { [self] request, writer, _ in
                    let response = await respond(to: request)
                    try await writer.write(response: response.head, body: response.body)
                },
                onServerRunning: { [logger, address] _ in
                    logger.notice(
                        "metrics endpoint listening", metadata: ["listen": "\(address.host):\(address.port)"])
                })
            try await server.run()
        } catch  where !Task.isCancelled {
            // Metrics are an extra: without them the daemon still does its job, so say it and go on.
            logger.error(
                "metrics endpoint not started",
                metadata: ["listen": "\(address.host):\(address.port)", "error": "\(error)"])
            try? await gracefulShutdown()
        }
    }

    /// The answer to one request.
    func respond(to request: Request) async -> Response {
        switch Self.route(method: request.method, path: request.uri.path) {
        case .metrics, .metricsHead:
            let response = Self.response(
                .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: await exposition())
            // HEAD: the headers GET would send (its Content-Length included), without the body.
            return request.method == .head ? response.createHeadResponse() : response
        case .notFound:
            return Self.response(.notFound, contentType: "text/plain", body: Array("try /metrics\n".utf8))
        case .badRequest:
            return Self.response(.badRequest, contentType: "text/plain", body: [])
        }
    }

    /// The exposition: the store read off the event loop and off Swift's cooperative threads, then the gauges.
    private func exposition() async -> [UInt8] {
        let now = clock()
        let summary = try? await contexts.current.store.snapshot { try $0.summary(now: now) }
        return metrics.exposition(summary: summary, health: health, now: now)
    }

    enum Route: Equatable { case metrics, metricsHead, notFound, badRequest }

    /// What a request asks for: only GET and HEAD of /metrics (any query) are served.
    static func route(method: HTTPRequest.Method, path: String) -> Route {
        guard method == .get || method == .head else { return .badRequest }
        guard path == "/metrics" else { return .notFound }
        return method == .get ? .metrics : .metricsHead
    }

    static func response(_ status: HTTPResponse.Status, contentType: String, body: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// `[metrics] listen` is not "host:port", with a `code` to switch on.
public struct MetricsAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// Not `host:port` (or `[v6]:port`) at all.
        case notHostAndPort
    }

    public var code: Code = .notHostAndPort
    public var text: String
    public var description: String { "not a host:port address: \(text)" }
}
