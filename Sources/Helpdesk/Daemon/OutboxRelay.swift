import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import TicketStore

/// Delivers queued answers over SMTP.
///
/// Each attempt is recorded before the message goes out and its delivery after: a crash between the two
/// resends the same message (same Message-ID) once on restart, never more than once per crash. Both are
/// recorded in the relay's own journal (`DeliveryJournal`) and folded into the outbox table every hundred
/// answers, so during a flood answers leave at the SMTP server's pace, not at the pace of intake's commits.
/// 4xx replies and connection failures retry after 1 min, 5 min, 15 min, 1 h, then doubling, until 48 h have passed; a 5xx reply fails the answer for good and records it on the
/// ticket. The relay wakes as soon as the poller queues an answer, so acknowledgements leave within
/// a second of the message being read.
public struct OutboxRelay: Service {
    public typealias Connect = @Sendable (HelpdeskConfiguration) throws -> any OutgoingMail

    let contexts: ContextHolder
    let connect: Connect
    let logger: Logger
    let health: DaemonHealth
    let wakeups: Wakeups
    let once: Bool
    let clock: @Sendable () -> Int64
    private let queue = BlockingQueue(label: "helpdeskd.relay")

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
        let courier = Courier(relay: self)
        let stopping = StopFlag()
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !stopping.isSet {
                health.relayAlive()
                let result = try? await queue.run { try courier.deliverDue() }
                // `--once`: after the poller is done, leave retries that are not yet due for the next run.
                if once, wakeups.pollerFinished, result.map({ $0.remaining == 0 || ($0.nextDueIn ?? 0) > 0 }) ?? true {
                    break
                }
                // Sleep until woken by a new answer, the next retry is due, or a short tick passes.
                let wait = result?.nextDueIn.map { min(max($0, 1), 30) } ?? 30
                await wakeups.wait(upTo: .seconds(once ? min(wait, 1) : wait), stopping: stopping)
            }
        } onGracefulShutdown: {
            // A send in progress finishes (it runs on the relay's own thread); no new one starts.
            stopping.set()
            wakeups.wake()
        }
        courier.disconnect()
    }

    static func nextAttempt(after attempts: Int64, now: Int64) -> Int64 {
        let index = Int(max(0, attempts - 1))
        if index < retryDelays.count { return now + retryDelays[index] }
        let doublings = min(index - retryDelays.count + 1, 10)
        return now + retryDelays.last! << Int64(doublings)
    }
}

/// Wakes the relay when answers are queued, and tells it when the poller is done (for `--once`).
public final class Wakeups: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?, pollerDone: Bool)>(
        (false, nil, false))

    public init() {}

    public func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            let waiter = state.waiter
            state.waiter = nil
            state.pending = waiter == nil
            return waiter
        }
        waiter?.resume()
    }

    public func markPollerFinished() {
        state.withLock { $0.pollerDone = true }
        wake()
    }

    var pollerFinished: Bool { state.withLock { $0.pollerDone } }

    /// Waits for `wake()` or the timeout, whichever comes first.
    func wait(upTo timeout: Duration, stopping: StopFlag) async {
        if stopping.isSet { return }
        let alreadyPending = state.withLock { state -> Bool in
            let pending = state.pending
            state.pending = false
            return pending
        }
        if alreadyPending { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.pending {
                            state.pending = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.wake()
            }
            await group.next()
            group.cancelAll()
        }
        // A timeout's wake() may have found no waiter: drop that stale signal.
        state.withLock { $0.pending = false }
    }
}

/// Does the sending on the relay's own thread.
private final class Courier: @unchecked Sendable {
    let relay: OutboxRelay
    private var mail: (any OutgoingMail)?
    private var lastProblem: String?

    init(relay: OutboxRelay) { self.relay = relay }

    var store: any TicketStore { relay.contexts.current.store }

    func disconnect() {
        mail?.closeConnection()
        mail = nil
    }

    struct Pass {
        var remaining: Int
        var nextDueIn: Int64?
    }

    /// Sends every answer that is due; returns what is left.
    func deliverDue() throws -> Pass {
        var now = relay.clock()
        while true {
            // Until what the journal holds is in the store, answers already delivered would look due again.
            try fold()
            let due = try store.dueAnswers(at: now, limit: 100)
            if due.isEmpty { break }
            var progressed = false
            for row in due {
                relay.health.relayAlive()
                progressed = deliver(row, now: now) || progressed
            }
            // When the store cannot even record attempts (disk full), stop and let the loop wait.
            if !progressed { break }
            now = relay.clock()
        }
        try fold()
        let backlog = try store.outboxBacklog()
        relay.health.update { $0.backlog = backlog.queued }
        return Pass(remaining: backlog.queued, nextDueIn: backlog.nextAttemptAt.map { $0 - relay.clock() })
    }

    /// Tries one answer; returns false when the store could not record anything about it.
    @discardableResult
    func deliver(_ row: OutboxRecord, now: Int64) -> Bool {
        var logger = relay.logger
        logger[metadataKey: "message_id"] = "\(row.messageID)"
        logger[metadataKey: "kind"] = "\(row.kind.rawValue)"
        do {
            // Count the attempt before sending: a crash after this point resends once, never more. The same
            // flush records the previous answer as delivered; a crash before it resends that one once, as a
            // crash between sending and recording always did. Both go to the journal, not the store, so the
            // relay does not wait for intake's commits between answers.
            do {
                let journal = try openJournal()
                try journal.append((delivered.map { [$0] } ?? []) + [.attempt(row.id!)])
                delivered = nil
            } catch {
                relay.health.update { $0.lastError = "store: \(error)" }
                return false
            }
            let sender = try mail ?? relay.connect(relay.contexts.current.configuration)
            mail = sender
            try sender.deliver(raw: [UInt8](row.raw), to: row.recipient)
            delivered = .delivered(row.id!, at: relay.clock())
            relay.health.update { $0.sentSinceStart += 1 }
            relay.health.metrics.answer(sent: true)
            if lastProblem != nil { logger.notice("SMTP delivery works again") }
            lastProblem = nil
            logger.info("answer sent", metadata: ["to": "\(row.recipient)"])
        } catch let failure as DeliveryFailure {
            disconnect()
            record(failure: failure, row: row, now: now, logger: logger)
        } catch {
            disconnect()
            record(
                failure: DeliveryFailure(isTemporary: true, description: "\(error)"), row: row, now: now, logger: logger
            )
        }
        return true
    }

    /// The relay's journal (next to the store), opened on first use.
    private var journal: DeliveryJournal?
    /// The last answer the server accepted, not yet in the journal: it rides with the next attempt.
    private var delivered: DeliveryJournal.Entry?

    private func openJournal() throws -> DeliveryJournal {
        if let journal { return journal }
        let opened = try DeliveryJournal(path: relay.contexts.current.relayJournalPath)
        journal = opened
        return opened
    }

    /// Writes what the journal holds into the outbox table (one commit), then empties the journal.
    func fold() throws {
        let journal = try openJournal()
        if let delivered {
            try journal.append([delivered])
            self.delivered = nil
        }
        let entries = journal.entries
        guard !entries.isEmpty else { return }
        try store.recordDeliveries(entries)
        try journal.clear()
    }

    func record(failure: DeliveryFailure, row: OutboxRecord, now: Int64, logger: Logger) {
        let attempts = row.attempts + 1
        let givingUp = !failure.isTemporary || now - row.createdAt >= OutboxRelay.giveUpAfter
        if failure.description != lastProblem {
            logger.error(
                givingUp ? "answer failed permanently" : "answer delivery failed; will retry",
                metadata: ["error": "\(failure.description)", "attempts": "\(attempts)"])
            lastProblem = failure.description
        }
        relay.health.update { $0.lastError = "smtp: \(failure.description)" }
        relay.health.metrics.answer(sent: false, givingUp: givingUp)
        try? store.recordDeliveryFailure(
            DeliveryFailureRecord(
                answer: row, reason: failure.description, givingUp: givingUp,
                nextAttemptAt: OutboxRelay.nextAttempt(after: attempts, now: now), at: now))
    }
}
