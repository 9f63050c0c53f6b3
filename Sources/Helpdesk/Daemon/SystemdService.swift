public import Logging
public import ServiceLifecycle

/// Talks to systemd while the daemon runs: READY=1 once the store is open and the first mailbox
/// poll has succeeded or failed cleanly, a STATUS= summary, WATCHDOG=1 pings at half of
/// WATCHDOG_USEC while the poller shows signs of life (a hung poller stops the pings and systemd
/// restarts the service), and STOPPING=1 on shutdown.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let health: DaemonHealth
    let watchdog: Duration?
    let logger: Logger
    let statusEvery: Duration

    public init(
        notifier: SystemdNotifier, health: DaemonHealth, watchdog: Duration?, logger: Logger,
        statusEvery: Duration = .seconds(10)
    ) {
        self.notifier = notifier
        self.health = health
        self.watchdog = watchdog
        self.logger = logger
        self.statusEvery = statusEvery
    }

    public func run() async throws {
        guard notifier.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        // READY once the poller has been through one attempt (success or clean failure).
        while health.snapshot.lastPollAt == nil, health.snapshot.lastError == nil, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(100))
        }
        notifier.notify("READY=1\nSTATUS=\(health.statusLine)")
        let tick = min(watchdog ?? statusEvery, statusEvery)
        var sinceStatus: Duration = .zero
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: tick)
            sinceStatus += tick
            if let watchdog, isPollerAlive(within: watchdog * 2) {
                notifier.notify("WATCHDOG=1")
            } else if watchdog != nil {
                logger.critical("the mailbox poller has not made progress; no longer answering the watchdog")
            }
            if sinceStatus >= statusEvery {
                notifier.notify("STATUS=\(health.statusLine)")
                sinceStatus = .zero
            }
        }
        notifier.notify("STOPPING=1")
    }

    /// Whether the poller loop reported progress within `window`.
    func isPollerAlive(within window: Duration) -> Bool {
        guard let beat = health.snapshot.pollerHeartbeat else { return true }
        return ContinuousClock.now - beat < window
    }
}
