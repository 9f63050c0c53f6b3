public import Prometheus
import Synchronization
public import TicketStore

/// The daemon's Prometheus metrics: counters the loops bump as they work, and gauges read from the
/// store at every scrape (so they are right even for work a previous process did).
///
/// Always collected (a counter bump is an atomic add); exposed only when `[metrics] listen` is set.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    private let ingested: [String: Counter]
    private let quarantined: [String: Counter]
    private let answers: [String: Counter]
    private let ocrImages: [String: Counter]
    private let ocrDuration: DurationHistogram
    private let tickets: [TicketStatus: Gauge]
    private let outbox: [OutboxStatus: Gauge]
    private let oldestQueuedAge: Gauge
    private let slaBreaches: Gauge
    private let storeUnavailable: Gauge
    private let registryAccess = Mutex<[String: (expiry: Gauge, failing: Gauge)]>([:])
    /// Each mailbox's poll metrics (`mailbox="NAME"`), made at its first use.
    private let mailboxMetrics = Mutex<[String: MailboxMetrics]>([:])

    /// The poll metrics of one mailbox.
    struct MailboxMetrics {
        let failures: Counter
        let duration: DurationHistogram
        let lastPoll: Gauge
    }

    public init() {
        let registry = registry
        /// `helpdeskd_NAME[_UNIT]`.
        func name(_ name: String, _ help: String) -> MetricNameDescriptor {
            var parts = name.split(separator: "_").map(String.init)
            let unit = ["total", "seconds"].contains(parts.last ?? "") ? parts.removeLast() : ""
            return MetricNameDescriptor(
                namespace: "helpdeskd", metricName: parts.joined(separator: "_"), unitName: unit, helpText: help)
        }
        func counter(_ metric: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: name(metric, help))
        }
        func gauge(_ metric: String, _ help: String) -> Gauge { registry.makeGauge(descriptor: name(metric, help)) }
        func counters(_ metric: String, _ label: String, _ values: [String], _ help: String) -> [String: Counter] {
            Dictionary(
                uniqueKeysWithValues: values.map { value in
                    (value, registry.makeCounter(descriptor: name(metric, help), labels: [(label, value)]))
                })
        }
        func gauges<Value: RawRepresentable & CaseIterable & Hashable>(
            _ metric: String, _ label: String, _ values: Value.Type, _ help: String
        ) -> [Value: Gauge] where Value.RawValue == String {
            Dictionary(
                uniqueKeysWithValues: Value.allCases.map { value in
                    (value, registry.makeGauge(descriptor: name(metric, help), labels: [(label, value.rawValue)]))
                })
        }
        ingested = counters(
            "emails_ingested_total", "outcome", ["created", "updated", "automated", "staff", "duplicate", "copy"],
            "Emails taken from the mailbox and committed to the store, by what they did to the tickets.")
        quarantined = counters(
            "emails_quarantined_total", "reason", ["too_large", "rejected"],
            "Emails moved to the quarantine folder instead of being ingested.")
        answers = counters(
            "answers_total", "result", ["sent", "deferred", "failed"],
            "Delivery attempts of automatic answers: sent, deferred for a retry, failed for good.")
        ocrImages = counters(
            "ocr_images_total", "result", ["read", "refused", "timeout", "crashed", "unavailable"],
            "Screenshots read by OCR before an answer, by result (a failure costs that image only).")
        ocrDuration = registry.makeDurationHistogram(
            descriptor: name("ocr_duration_seconds", "Time to read one screenshot (the worker process included)."),
            buckets: [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(5),
                .seconds(10),
            ])
        tickets = gauges(
            "tickets", "status", TicketStatus.self, "Tickets in the store by status.")
        outbox = gauges(
            "outbox_answers", "status", OutboxStatus.self,
            "Automatic answers in the outbox by status.")
        oldestQueuedAge = gauge(
            "outbox_oldest_queued_age_seconds", "Age of the oldest answer still waiting to be sent; 0 when none waits.")
        slaBreaches = gauge("sla_breaches", "Open tickets past their due time.")
        storeUnavailable = gauge(
            "store_unavailable",
            "1 while the store refuses writes (disk full, I/O error) and mail is left in the mailbox.")
    }

    /// The poll metrics of `mailbox`, labelled `mailbox="NAME"`; made at first use, so a daemon shows the
    /// mailboxes it polls.
    func mailbox(_ mailbox: String) -> MailboxMetrics {
        mailboxMetrics.withLock { made in
            if let metrics = made[mailbox] { return metrics }
            func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
                MetricNameDescriptor(namespace: "helpdeskd", metricName: name, unitName: unit, helpText: help)
            }
            let labels = [("mailbox", mailbox)]
            let metrics = MailboxMetrics(
                failures: registry.makeCounter(
                    descriptor: name("poll_failures", "total", "Mailbox polls that failed (connection, login, store)."),
                    labels: labels),
                duration: registry.makeDurationHistogram(
                    descriptor: name("poll_duration", "seconds", "Time of one mailbox poll, new mail included."),
                    labels: labels,
                    buckets: [
                        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
                        .seconds(5), .seconds(30), .seconds(120),
                    ]),
                lastPoll: registry.makeGauge(
                    descriptor: name("last_poll_timestamp", "seconds", "Wall-clock time of the last completed poll."),
                    labels: labels))
            made[mailbox] = metrics
            return metrics
        }
    }

    func pollFailures(_ mailbox: String) -> Counter { self.mailbox(mailbox).failures }
    func pollDuration(_ mailbox: String) -> DurationHistogram { self.mailbox(mailbox).duration }

    func ingested(_ outcome: IngestOutcome) {
        let key: String
        switch outcome {
        case .created: key = "created"
        case .updated: key = "updated"
        case .automated: key = "automated"
        case .staff: key = "staff"
        case .duplicate: key = "duplicate"
        case .copy: key = "copy"
        }
        ingested[key]?.increment()
    }

    func screenshotRead(_ outcome: OCROutcome) {
        switch outcome {
        case .text(_, let seconds):
            ocrImages["read"]?.increment()
            ocrDuration.recordNanoseconds(Int64(seconds * 1e9))
        case .failed(let failure):
            ocrImages[failure.code.description]?.increment()
        }
    }

    func quarantined(tooLarge: Bool) { quarantined[tooLarge ? "too_large" : "rejected"]?.increment() }

    func answer(sent: Bool, givingUp: Bool = false) {
        answers[sent ? "sent" : (givingUp ? "failed" : "deferred")]?.increment()
    }

    /// The Prometheus text exposition, after refreshing the gauges from the store and `health`.
    public func exposition(store: any TicketStore, health: DaemonHealth, now: Int64) -> [UInt8] {
        exposition(summary: try? store.summary(now: now), health: health, now: now)
    }

    /// The exposition with the gauges set from `summary` (nil: the store could not be read, and the gauges keep
    /// their last values) and `health`. Expositions run one at a time: each sets the shared gauges, then writes
    /// them out.
    func exposition(summary: StoreSummary?, health: DaemonHealth, now: Int64) -> [UInt8] {
        exposing.withLock { _ in expose(summary: summary, health: health, now: now) }
    }

    private let exposing = Mutex(())

    /// The gauges of one token provider (`provider` = the section's name, with "+user" for per-user tokens),
    /// made at its first exposition.
    private func tokenGauges(_ provider: String) -> (expiry: Gauge, failing: Gauge) {
        registryAccess.withLock { gauges in
            if let made = gauges[provider] { return made }
            let made = (
                expiry: registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        namespace: "helpdeskd", metricName: "oauth_token_expiry", unitName: "seconds",
                        helpText: "Seconds the OAuth access token in hand is still valid; 0 when there is none."),
                    labels: [("provider", provider)]),
                failing: registry.makeGauge(
                    descriptor: MetricNameDescriptor(
                        namespace: "helpdeskd", metricName: "oauth_token_renewal_failing", unitName: "",
                        helpText: "1 while the identity provider refuses or fails to renew the OAuth token."),
                    labels: [("provider", provider)])
            )
            gauges[provider] = made
            return made
        }
    }

    private func expose(summary: StoreSummary?, health: DaemonHealth, now: Int64) -> [UInt8] {
        let snapshot = health.snapshot
        storeUnavailable.set(snapshot.storeUnavailable ? 1.0 : 0.0)
        for (name, polled) in snapshot.mailboxes {
            mailbox(name).lastPoll.set(Double(polled.lastPollAt ?? 0))
        }
        for provider in health.tokens?.all ?? [] {
            let status = provider.status
            let gauges = tokenGauges(provider.cache.key)
            gauges.expiry.set(Double(max(0, status.expiresAt - now)))
            gauges.failing.set(status.lastError == nil ? 0.0 : 1.0)
        }
        // A store that cannot be read leaves the last values: the counters and the flag above still tell.
        if let summary {
            for (status, gauge) in tickets { gauge.set(Double(summary.tickets[status] ?? 0)) }
            for (status, gauge) in outbox { gauge.set(Double(summary.outbox[status] ?? 0)) }
            let oldest = summary.oldestQueued?.createdAt
            oldestQueuedAge.set(Double(oldest.map { max(0, now - $0) } ?? 0))
            slaBreaches.set(Double(summary.slaBreaches.count))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
