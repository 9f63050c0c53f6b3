import Dispatch
import Logging
import Synchronization
import TicketStore

/// The poller's second lane: it stores what the poller's lane fetched and analysed, in mailbox order (a reply
/// must find the ticket its original opened), several emails per commit when several are waiting: one fsync
/// for all of them. At most `capacity` messages are in the stage, and a large one enters only an empty stage
/// (`MailboxCycle` sees to that), so the memory it holds stays bounded.
///
/// After a failure (the store refused a write) it stores nothing more: every later message fails with the same
/// error, so that none is committed ahead of one that was not.
///
/// Concurrency: the one hand-off between two lanes in the daemon. The poller's lane calls `submit` (which blocks
/// while the stage is full: `capacity` slots) and later `Pending.wait` (which blocks until that message is
/// stored); the stage's own `Lane` stores the waiting messages. The waiting list and the first failure are
/// shared between the two lanes under a `Mutex`; the slots and each message's result are semaphores, because the
/// poller's lane is blocking code by design.
final class StoreStage: Sendable {
    /// What became of a message in the store; the poller's lane then files it on the server.
    enum Disposition: Sendable, Equatable {
        /// Stored (or already stored): it leaves the inbox.
        case processed
        /// Recorded with the reason it could not be taken: it goes to the quarantine folder.
        case quarantine
    }

    /// One message's store work.
    enum Item: Sendable {
        /// An analysed email: stored together with the others waiting next to it.
        case email(IntakePipeline.Arrival, logger: Logger)
        /// Anything else (an email over the size limit): stored by itself.
        case single(@Sendable () throws -> Disposition)
    }

    /// Messages in the stage at most.
    static let capacity = 8
    /// Messages larger than this (bytes) enter an empty stage only.
    static let largeMessage = 1 << 20

    private let lane: Lane<Void>
    private let slots = DispatchSemaphore(value: StoreStage.capacity)
    private let waiting = Mutex<(items: [(Item, Pending)], failure: (any Error)?)>(([], nil))
    private let poller: MailboxPoller
    private let context: HelpdeskContext

    init(label: String, poller: MailboxPoller, context: HelpdeskContext) {
        lane = Lane(label: label)
        self.poller = poller
        self.context = context
    }

    /// Hands a message to the stage (waiting while it is full); `wait()` on the result for what became of it.
    func submit(uid: UInt32, _ item: Item) -> Pending {
        slots.wait()
        let pending = Pending(uid: uid)
        let first = waiting.withLock { state -> Bool in
            state.items.append((item, pending))
            return state.items.count == 1
        }
        // The first message to wait schedules a run; the ones arriving before it starts join it.
        if first { lane.submit { _ in self.storeWaiting() } }
        return pending
    }

    private func storeWaiting() {
        var items = waiting.withLock { state in
            defer { state.items = [] }
            return state.items
        }[...]
        while let (item, pending) = items.first {
            switch item {
            case .single(let work):
                items.removeFirst()
                finish([pending]) { [Result { try work() }] }
            case .email:
                let emails = items.prefix { if case .email = $0.0 { true } else { false } }
                items.removeFirst(emails.count)
                finish(emails.map(\.1)) { try store(emails.map(\.0)) }
            }
        }
    }

    /// Runs `work` for `pendings` unless an earlier run failed, then resolves them in order.
    private func finish(_ pendings: [Pending], _ work: () throws -> [Result<Disposition, any Error>]) {
        let results: [Result<Disposition, any Error>]
        if let failure = waiting.withLock({ $0.failure }) {
            results = Array(repeating: .failure(failure), count: pendings.count)
        } else {
            do {
                results = try work()
            } catch {
                results = Array(repeating: .failure(error), count: pendings.count)
            }
        }
        let failure = results.lazy.compactMap { result -> (any Error)? in
            if case .failure(let error) = result { return error }
            return nil
        }.first
        if let failure { waiting.withLock { if $0.failure == nil { $0.failure = failure } } }
        for (pending, result) in zip(pendings, results) {
            pending.finish(result)
            slots.signal()
        }
    }

    /// Runs a store write; a store fault (`StoreFault`: disk full, I/O) means the store cannot take mail now.
    static func storing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch  where StoreFault.isStoreUnavailable(error) && !(error is StoreUnavailable) {
            throw StoreUnavailable(error)
        }
    }

    /// Stores analysed emails in one transaction; logs and counts each once it is committed.
    private func store(_ items: [Item]) throws -> [Result<Disposition, any Error>] {
        let arrivals = items.compactMap { item -> (IntakePipeline.Arrival, Logger)? in
            if case .email(let arrival, let logger) = item { return (arrival, logger) }
            return nil
        }
        let outcomes = try Self.storing { try context.pipeline.ingest(batch: arrivals.map(\.0)) }
        defer { poller.wakeRelay() }
        return zip(arrivals, outcomes).map { arrival, outcome -> Result<Disposition, any Error> in
            let logger = arrival.1
            switch outcome {
            case .failure(let error):
                // Not a storage problem: the pipeline could not take this message. Kept, with the reason.
                logger.error("message quarantined", metadata: ["reason": "\(error)"])
                poller.health.metrics.quarantined(tooLarge: false)
                return .success(.quarantine)
            case .success(let outcome):
                switch outcome {
                case .created(let ref, let status), .updated(let ref, let status):
                    logger.info("ingested", metadata: ["ticket": "\(ref)", "status": "\(status.rawValue)"])
                case .automated(let reason, let ref):
                    logger.info(
                        "machine mail stored, not answered",
                        metadata: ["reason": "\(reason)", "ticket": "\(ref ?? "-")"])
                case .staff(let result, let ref):
                    logger.info("staff email", metadata: ["result": "\(result)", "ticket": "\(ref ?? "-")"])
                case .duplicate:
                    logger.info("already ingested; moving it out of the inbox")
                case .copy(let ref, let mailbox):
                    logger.info(
                        "another copy of an email already taken (delivered to several of our mailboxes); not answered again",
                        metadata: ["ticket": "\(ref ?? "-")", "first_copy_from": "\(mailbox ?? "-")"])
                }
                poller.health.update { $0.ingestedSinceStart += 1 }
                poller.health.metrics.ingested(outcome)
                return .success(.processed)
            }
        }
    }

    /// One message in the stage.
    final class Pending: Sendable {
        let uid: UInt32
        private let done = DispatchSemaphore(value: 0)
        private let result = Mutex<Result<Disposition, any Error>?>(nil)

        init(uid: UInt32) { self.uid = uid }

        fileprivate func finish(_ outcome: Result<Disposition, any Error>) {
            result.withLock { $0 = outcome }
            done.signal()
        }

        /// Whether the store work is done (`wait()` returns at once).
        var isDone: Bool { result.withLock { $0 != nil } }

        /// Blocks until the store work is done; returns what it decided or throws what it threw.
        func wait() throws -> Disposition {
            done.wait()
            done.signal()  // later waits return at once
            return try result.withLock { $0! }.get()
        }
    }
}
