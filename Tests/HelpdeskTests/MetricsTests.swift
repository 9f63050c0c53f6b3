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
        func route(_ text: String) -> MetricsEndpoint.Route { MetricsEndpoint.route(Array(text.utf8)) }
        #expect(route("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") == .metrics)
        #expect(route("GET /metrics?x=1 HTTP/1.0\r\n\r\n") == .metrics)
        #expect(route("HEAD /metrics HTTP/1.1\r\n\r\n") == .metricsHead)
        #expect(route("GET / HTTP/1.1\r\n\r\n") == .notFound)
        #expect(route("POST /metrics HTTP/1.1\r\n\r\n") == .badRequest)
        #expect(route("GET /metrics HTTP/1.1\r\n") == .badRequest)  // headers never ended
        #expect(route("\u{0}\u{1}garbage\r\n\r\n") == .badRequest)
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
}
