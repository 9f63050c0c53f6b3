import MIME
public import OAuth
import Synchronization

/// What the daemon's loops report about themselves: read by the watchdog (is the poller alive?),
/// the systemd STATUS line and the logs. Thread-safe: the loops run on their own threads.
public final class DaemonHealth: Sendable {
    /// One mailbox's poller, as it reports itself.
    public struct MailboxHealth: Sendable, Equatable {
        /// When this poller last made progress (finished a poll, a message, or a wait step).
        public var heartbeat: ContinuousClock.Instant?
        /// Wall-clock seconds of its last completed poll.
        public var lastPollAt: Int64?
        /// Why its last poll failed; nil once a poll succeeds.
        public var lastError: String?
        public init() {}
    }

    public struct Snapshot: Sendable, Equatable {
        /// Each mailbox's poller, by mailbox name.
        public var mailboxes: [String: MailboxHealth] = [:]
        /// When the least recent poller last made progress: with several mailboxes, one stuck poller is enough
        /// for the watchdog to see.
        public var pollerHeartbeat: ContinuousClock.Instant? { mailboxes.values.compactMap(\.heartbeat).min() }
        /// When the relay last made progress.
        public var relayHeartbeat: ContinuousClock.Instant?
        /// Wall-clock seconds of the last completed poll (of any mailbox).
        public var lastPollAt: Int64?
        public var lastError: String?
        public var ingestedSinceStart = 0
        public var sentSinceStart = 0
        public var backlog = 0
        /// Whether the store refused writes (disk full, I/O error): mail is left in the mailbox.
        public var storeUnavailable = false
    }

    private let state = Mutex(Snapshot())
    /// The counters and gauges `[metrics] listen` exposes.
    public let metrics = DaemonMetrics()
    /// The OAuth token providers of the mail logins, whose expiry the metrics show.
    public let tokens: TokenProviders?

    public init(tokens: TokenProviders? = nil) { self.tokens = tokens }

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0) }
    }

    func pollerAlive(mailbox: String) { update { $0.mailboxes[mailbox, default: .init()].heartbeat = .now } }
    func relayAlive() { update { $0.relayHeartbeat = .now } }

    /// The one-line summary systemd shows in `systemctl status`.
    public var statusLine: String {
        let now = snapshot
        var parts: [String] = []
        if let last = now.lastPollAt {
            parts.append("last poll \(Timestamp.iso(last))")
        } else {
            parts.append("not polled yet")
        }
        parts.append("\(now.ingestedSinceStart) ingested, \(now.sentSinceStart) answers sent since start")
        parts.append("outbox backlog \(now.backlog)")
        if now.mailboxes.count > 1 {
            // Which of several mailboxes is failing now (the last error below may be another's, or the relay's).
            for (name, mailbox) in now.mailboxes.sorted(by: { $0.key < $1.key }) where mailbox.lastError != nil {
                parts.append("MAILBOX \(name) FAILING")
            }
        }
        if now.storeUnavailable { parts.append("STORE UNAVAILABLE, mail left in the mailbox") }
        for provider in tokens?.all ?? [] where provider.status.lastError != nil {
            parts.append("OAUTH [\(provider.settings.name)] TOKEN RENEWAL FAILING")
        }
        if let error = now.lastError { parts.append("last error: \(error.prefix(120))") }
        return parts.joined(separator: "; ")
    }
}
