public import Logging
public import ServiceLifecycle

/// Delivers queued answers over SMTP. The whole delivery policy:
///
/// - **When.** The relay wakes as soon as the poller queues an answer (`Wakeups`), when the next retry is due,
///   and every 30 s anyway; acknowledgements leave within a second of the message being read.
/// - **At most once per crash.** Each attempt is recorded before the message goes out and its delivery after:
///   a crash between the two resends the same message (same Message-ID) once on restart, never more than once
///   per crash. Both are recorded in the relay's own journal (`DeliveryJournal`) and folded into the store every
///   hundred answers and at the end of each pass, so during a flood answers leave at the SMTP server's pace, not
///   at the pace of intake's commits.
/// - **Retries.** A 4xx reply or a connection failure (`DeliveryFailure.isTemporary`) retries after 1 min,
///   5 min, 15 min, 1 h, then doubling, until 48 h have passed since the answer was queued; then, or at once on a
///   5xx reply, the answer fails for good (`answer-failed` on the ticket). The first temporary failure is
///   recorded as `answer-retrying`.
/// - **Never blocked by the store.** When even an attempt cannot be recorded (disk full), nothing is sent; the
///   relay waits and tries again.
///
/// Concurrency: the loop is async (a `Service`); the SMTP connection, the journal and every send and store call
/// live on the relay's `Lane` (`AnswerCourier`).
public struct OutboxRelay: Service {
    public typealias Connect = @Sendable (HelpdeskConfiguration) throws -> any OutgoingMail

    let contexts: ContextHolder
    let connect: Connect
    let logger: Logger
    let health: DaemonHealth
    let wakeups: Wakeups
    let once: Bool
    let clock: @Sendable () -> Int64

    public init(
        contexts: ContextHolder, connect: @escaping Connect, logger: Logger, health: DaemonHealth,
        wakeups: Wakeups, once: Bool = false, clock: @escaping @Sendable () -> Int64 = WallClock.seconds
    ) {
        self.contexts = contexts
        self.connect = connect
        self.logger = logger
        self.health = health
        self.wakeups = wakeups
        self.once = once
        self.clock = clock
    }

    /// Retry delays after the n-th temporary failure; after the last, the delay doubles.
    static let retryDelays: [Int64] = [60, 300, 900, 3600]
    /// How long an answer may keep failing temporarily before it is given up.
    static let giveUpAfter: Int64 = 48 * 3600

    public func run() async throws {
        let lane = Lane(label: "helpdeskd.relay", state: AnswerCourier(relay: self))
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !stopping.isSet {
                health.relayAlive()
                let result = try? await lane.run { courier in try courier.deliverDue() }
                // `--once`: after the poller is done, leave retries that are not yet due for the next run.
                if once, wakeups.pollerFinished, result.map({ $0.remaining == 0 || ($0.nextDueIn ?? 0) > 0 }) ?? true {
                    break
                }
                // Sleep until woken by a new answer, the next retry is due, or a short tick passes.
                let wait = result?.nextDueIn.map { min(max($0, 1), 30) } ?? 30
                await wakeups.wait(upTo: .seconds(once ? min(wait, 1) : wait), stopping: stopping)
            }
        } onGracefulShutdown: {
            // A send in progress finishes (it runs on the relay's lane); no new one starts.
            stopping.set()
            wakeups.wake()
        }
        try? await lane.run { courier in courier.disconnect() }
    }

    /// When the next attempt is due after `attempts` temporary failures.
    static func nextAttempt(after attempts: Int64, now: Int64) -> Int64 {
        let index = Int(max(0, attempts - 1))
        if index < retryDelays.count { return now + retryDelays[index] }
        let doublings = min(index - retryDelays.count + 1, 10)
        return now + retryDelays.last! << Int64(doublings)
    }
}
