public import Logging
public import ServiceLifecycle
import TicketStore

/// Watches one of the helpdesk's mailboxes (`HelpdeskConfiguration.mailboxes`; the daemon runs a poller for
/// each, all sharing the store, the relay and the answer caps): every message is fetched, ingested in one
/// transaction and only then moved out of the inbox (or marked), so a crash at any point leaves it either still
/// in the inbox (and the duplicate check makes the retry harmless) or fully recorded.
///
/// The poller is three jobs, one file each:
/// - this loop: poll, wait, poll again; back off after failures; report health; stop on shutdown;
/// - `MailboxCycle`: one connection and one poll of the inbox (list, fetch, analyse, dispose, save the position),
///   with `StoreStage` writing to the store beside it;
/// - `IdleWaiter`: the wait between polls — IMAP IDLE when it works, a plain sleep when not — and giving back
///   cached memory once mail stops coming.
///
/// One connection, one login, many operations. Connection problems back off exponentially with jitter up to a
/// cap and are logged once per change of state, not once per attempt. A message the pipeline cannot take goes to
/// the quarantine folder with its reason; the next ones go on. When the store refuses writes (disk full),
/// polling stops taking mail, which stays in the mailbox, and resumes by itself when writes work again.
///
/// Concurrency: the loop is async (a `Service`); every IMAP and store call runs on the poller's `Lane`, which
/// owns the `MailboxCycle` (connections and all); the store stage has a lane of its own.
public struct MailboxPoller: Service {
    /// Connections are made from the configuration as this poller's mailbox sees it (`reading(_:)`: its `imap`).
    public typealias Connect = @Sendable (HelpdeskConfiguration) throws -> any IncomingMailbox
    public typealias Watch = @Sendable (HelpdeskConfiguration) throws -> any MailboxWatcher

    /// The name of the mailbox polled (`Mailbox.name`).
    let mailbox: String
    let contexts: ContextHolder
    let connect: Connect
    let watch: Watch?
    let logger: Logger
    let health: DaemonHealth
    let wakeRelay: @Sendable () -> Void
    /// Drain the mailbox once, then return (`helpdeskd run --once`).
    let once: Bool
    let clock: @Sendable () -> Int64
    /// Quiet this long after new mail, the poller gives back cached memory (`IdleWaiter`).
    let restAfter: Duration
    /// How long to wait after the n-th failure in a row (`backoff(failures:)`; tests wait less).
    let retryDelay: @Sendable (Int) -> Duration
    /// Set on graceful shutdown: the cycle finishes the email in hand, then stops.
    let stopping = StopFlag()

    public init(
        mailbox: String = HelpdeskConfiguration.Mailbox.defaultName,
        contexts: ContextHolder, connect: @escaping Connect, watch: Watch? = nil, logger: Logger,
        health: DaemonHealth, wakeRelay: @escaping @Sendable () -> Void = {}, once: Bool = false,
        clock: @escaping @Sendable () -> Int64 = WallClock.seconds, restAfter: Duration = .seconds(15),
        retryDelay: @escaping @Sendable (Int) -> Duration = MailboxPoller.backoff(failures:)
    ) {
        self.mailbox = mailbox
        self.contexts = contexts
        self.connect = connect
        self.watch = watch
        var logger = logger
        logger[metadataKey: "mailbox"] = "\(mailbox)"
        self.logger = logger
        self.health = health
        self.wakeRelay = wakeRelay
        self.once = once
        self.clock = clock
        self.restAfter = restAfter
        self.retryDelay = retryDelay
    }

    /// Longest wait between attempts after repeated connection failures.
    static let maxBackoff: Duration = .seconds(300)

    public func run() async throws {
        let lane = Lane(label: "helpdeskd.poller.\(mailbox)", state: MailboxCycle(poller: self))
        let waiter = IdleWaiter(poller: self, lane: lane)
        var failures = 0
        var lastProblem: String? = nil
        await withGracefulShutdownHandler {
            while !Task.isCancelled {
                pollerAlive()
                do {
                    let started = ContinuousClock.now
                    let drained = try await lane.run { cycle in try cycle.poll() }
                    health.metrics.pollDuration(mailbox).record(ContinuousClock.now - started)
                    if lastProblem != nil {
                        logger.notice("mailbox reachable again", metadata: ["after_failures": "\(failures)"])
                    }
                    failures = 0
                    lastProblem = nil
                    let now = clock()
                    health.update {
                        $0.lastPollAt = now
                        $0.mailboxes[mailbox, default: .init()].lastPollAt = now
                        $0.mailboxes[mailbox, default: .init()].lastError = nil
                        $0.storeUnavailable = false
                    }
                    if once, drained { break }
                    if stopping.isSet { break }
                    await waiter.waitForNextPoll()
                } catch {
                    failures += 1
                    health.metrics.pollFailures(mailbox).increment()
                    let problem = Self.describe(error)
                    if problem != lastProblem {
                        // Once per change of state, not once per attempt.
                        logger.error("mailbox poll failed; will retry", metadata: ["error": "\(problem)"])
                        lastProblem = problem
                    }
                    health.update {
                        $0.lastError = problem
                        $0.mailboxes[mailbox, default: .init()].lastError = problem
                        $0.storeUnavailable = StoreFault.isStoreUnavailable(error)
                    }
                    try? await lane.run { cycle in
                        cycle.disconnect()  // LOGOUT is network I/O: on the lane
                        cycle.recordFailure(problem)  // for `helpdeskd status`, per mailbox
                    }
                    if once, failures >= 3 { break }
                    try? await waiter.sleep(retryDelay(failures))
                }
                if stopping.isSet { break }
            }
        } onGracefulShutdown: {
            // Finish the email in hand (the cycle checks this flag between messages), then stop.
            stopping.set()
        }
        try? await lane.run { cycle in
            cycle.disconnect()
            cycle.stopWatching()
        }
    }

    /// 1 s, 2 s, 4 s … capped, with ±25 % jitter so many daemons do not retry in step.
    @Sendable public static func backoff(failures: Int) -> Duration {
        let base = min(Double(1 << min(failures - 1, 20)), Double(maxBackoff.components.seconds))
        return .milliseconds(Int64(base * 1000 * Double.random(in: 0.75...1.25)))
    }

    static func describe(_ error: any Error) -> String { StoreFault.describe(error) }

    var isStopping: Bool { stopping.isSet }

    /// This poller's heartbeat for the watchdog: each mailbox beats by itself, so one stuck poller is seen.
    func pollerAlive() { health.pollerAlive(mailbox: mailbox) }

    /// The configuration as this poller's mailbox sees it; nil when a reload removed the mailbox.
    func reading(_ configuration: HelpdeskConfiguration) -> HelpdeskConfiguration? {
        configuration.mailbox(named: mailbox).map(configuration.reading)
    }
}
