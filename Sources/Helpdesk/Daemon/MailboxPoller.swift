import CMalloc
import Dispatch
import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
import TicketStore

/// Watches the helpdesk mailbox: every message is fetched, ingested in one transaction and only
/// then moved out of the inbox (or marked), so a crash at any point leaves it either still in the
/// inbox (and the duplicate check makes the retry harmless) or fully recorded.
///
/// One connection, one login, many operations. Connection problems back off exponentially with
/// jitter up to a cap and are logged once per change of state, not once per attempt. A message
/// the pipeline cannot take goes to the quarantine folder with its reason; the next ones go on.
/// When the store refuses writes (disk full), polling stops taking mail, which stays in the
/// mailbox, and resumes by itself when writes work again.
///
/// Between polls it waits with IMAP IDLE when it has a watcher and `imap.idle` is on: new mail is
/// taken seconds after it lands instead of at the next poll. IDLE is only a hint to look now; the
/// regular polls stay the source of truth, and a server without IDLE is simply polled.
public struct MailboxPoller: Service {
    public typealias Connect = @Sendable (HelpdeskConfiguration) throws -> any IncomingMailbox
    public typealias Watch = @Sendable (HelpdeskConfiguration) throws -> any MailboxWatcher

    let contexts: ContextHolder
    let connect: Connect
    let watch: Watch?
    let logger: Logger
    let health: DaemonHealth
    let wakeRelay: @Sendable () -> Void
    /// Drain the mailbox once, then return (`helpdeskd run --once`).
    let once: Bool
    let clock: @Sendable () -> Int64
    /// Quiet this long after new mail, the poller gives back cached memory (see `restIfDue`).
    let restAfter: Duration
    private let queue = BlockingQueue(label: "helpdeskd.poller")
    private let stopping = StopFlag()

    public init(
        contexts: ContextHolder, connect: @escaping Connect, watch: Watch? = nil, logger: Logger,
        health: DaemonHealth, wakeRelay: @escaping @Sendable () -> Void = {}, once: Bool = false,
        clock: @escaping @Sendable () -> Int64 = WallClock.seconds, restAfter: Duration = .seconds(15)
    ) {
        self.contexts = contexts
        self.connect = connect
        self.watch = watch
        self.logger = logger
        self.health = health
        self.wakeRelay = wakeRelay
        self.once = once
        self.clock = clock
        self.restAfter = restAfter
    }

    /// One IDLE wait at most this long: IDLE blocks the poller's thread, so this bounds how late a
    /// shutdown is noticed (systemd allows 60 s) and how long the watchdog goes without a beat.
    static let idleStep: Duration = .seconds(15)
    /// After IDLE failed (a dropped connection), poll plainly this long before trying it again.
    static let idlePause: Duration = .seconds(60)

    /// Longest wait between attempts after repeated connection failures.
    static let maxBackoff: Duration = .seconds(300)

    public func run() async throws {
        let session = Session(poller: self)
        var failures = 0
        var lastProblem: String? = nil
        await withGracefulShutdownHandler {
            while !Task.isCancelled {
                health.pollerAlive()
                do {
                    let started = ContinuousClock.now
                    let drained = try await queue.run { try session.cycle() }
                    health.metrics.pollDuration.record(ContinuousClock.now - started)
                    if lastProblem != nil {
                        logger.notice("mailbox reachable again", metadata: ["after_failures": "\(failures)"])
                    }
                    failures = 0
                    lastProblem = nil
                    health.update {
                        $0.lastPollAt = clock()
                        $0.storeUnavailable = false
                    }
                    if once, drained { break }
                    if stopping.isSet { break }
                    await waitForNextPoll(session)
                } catch {
                    failures += 1
                    health.metrics.pollFailures.increment()
                    let problem = Self.describe(error)
                    if problem != lastProblem {
                        // Once per change of state, not once per attempt.
                        logger.error("mailbox poll failed; will retry", metadata: ["error": "\(problem)"])
                        lastProblem = problem
                    }
                    health.update {
                        $0.lastError = problem
                        $0.storeUnavailable = StoreFault.isStoreUnavailable(error)
                    }
                    try? await queue.run { session.disconnect() }  // LOGOUT is network I/O: not on the pool
                    if once, failures >= 3 { break }
                    try? await sleep(Self.backoff(failures: failures))
                }
                if stopping.isSet { break }
            }
        } onGracefulShutdown: {
            // Finish the email in hand (the cycle checks this flag between messages), then stop.
            stopping.set()
        }
        try? await queue.run {
            session.disconnect()
            session.stopWatching()
        }
    }

    /// Until the poll interval has passed, or — with IDLE — until the server announces new mail.
    private func waitForNextPoll(_ session: Session) async {
        let imap = contexts.current.configuration.imap
        let deadline = ContinuousClock.now + .seconds(imap.pollInterval)
        await restIfDue(session)
        guard imap.idle, watch != nil, !session.idlePaused else {
            if let due = session.restDue, due < deadline {
                try? await sleep(due - ContinuousClock.now)
                await restIfDue(session)
            }
            try? await sleep(deadline - ContinuousClock.now)
            return
        }
        while !stopping.isSet, !Task.isCancelled {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            health.pollerAlive()
            do {
                let untilRest = session.restDue.map { max($0 - ContinuousClock.now, .milliseconds(1)) } ?? left
                let step = min(left, Self.idleStep, untilRest)
                if try await queue.run({ try session.waitForMail(timeout: step) }) { return }
                await restIfDue(session)
            } catch is WatchUnsupported {
                logger.notice("the IMAP server does not offer IDLE; polling every poll_interval")
                try? await queue.run { session.disableIdle() }
                try? await sleep(deadline - ContinuousClock.now)
                return
            } catch {
                // Only a hint failed: poll on the interval for a while, then try IDLE again.
                logger.warning(
                    "IMAP IDLE failed; polling every poll_interval for now",
                    metadata: ["error": "\(Self.describe(error))"])
                try? await queue.run { session.pauseIdle(for: Self.idlePause) }
                try? await sleep(deadline - ContinuousClock.now)
                return
            }
        }
    }

    /// After a burst of mail, the connections' caches and the allocator's free pages hold memory the quiet
    /// daemon does not need: once no mail has come for `restAfter`, give it back to the system. Resting
    /// costs a few milliseconds (statements are prepared again at the next email), so only once per burst.
    private func restIfDue(_ session: Session) async {
        guard let due = session.restDue, due <= .now else { return }
        try? await queue.run {
            session.releaseMemory()
            // The allocator keeps freed pages for reuse; give back those the burst no longer uses.
            malloc_trim(0)
        }
        logger.debug("no new mail for a while; cached memory given back")
    }

    /// A cancellable sleep that also ends early on graceful shutdown.
    private func sleep(_ duration: Duration) async throws {
        let step: Duration = .milliseconds(250)
        var left = duration
        while left > .zero, !stopping.isSet {
            health.pollerAlive()
            try await Task.sleep(for: min(step, left))
            left -= step
        }
    }

    /// 1 s, 2 s, 4 s … capped, with ±25 % jitter so many daemons do not retry in step.
    static func backoff(failures: Int) -> Duration {
        let base = min(Double(1 << min(failures - 1, 20)), Double(maxBackoff.components.seconds))
        return .milliseconds(Int64(base * 1000 * Double.random(in: 0.75...1.25)))
    }

    static func describe(_ error: any Error) -> String { StoreFault.describe(error) }

    var isStopping: Bool { stopping.isSet }
}

/// A flag one thread sets and others read.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// The wall clock, in whole seconds since 1970.
public enum WallClock {
    @Sendable public static func seconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

/// One connection and what it is working on; used from the poller's own thread only.
private final class Session: @unchecked Sendable {
    let poller: MailboxPoller
    private var mailbox: (any IncomingMailbox)?
    private var watcher: (any MailboxWatcher)?
    /// UIDNEXT at the last poll: IDLE reports mail newer than this at once.
    private var lastUIDNext: UInt32?
    private var idlePausedUntil: ContinuousClock.Instant?

    init(poller: MailboxPoller) {
        self.poller = poller
        context = poller.contexts.current
    }

    /// The context for the cycle in progress (a reload takes effect at the next cycle).
    private var context: HelpdeskContext
    var imap: HelpdeskConfiguration.IMAP { context.configuration.imap }

    func disconnect() {
        mailbox?.closeMailbox()
        mailbox = nil
    }

    /// When the last mail was found, while the memory it took is not given back yet.
    private var lastMailAt: ContinuousClock.Instant?
    /// When the poller gives back cached memory, unless more mail comes first.
    var restDue: ContinuousClock.Instant? { lastMailAt.map { $0 + poller.restAfter } }

    func releaseMemory() {
        context.store.releaseMemory()
        lastMailAt = nil
    }

    /// IDLE is off for this session: paused after a failure, or unsupported by the server (until the
    /// IMAP settings change).
    var idlePaused: Bool { idleUnsupported || (idlePausedUntil.map { ContinuousClock.now < $0 } ?? false) }
    private var idleUnsupported = false

    func disableIdle() {
        stopWatching()
        idleUnsupported = true
    }

    func pauseIdle(for duration: Duration) {
        stopWatching()
        idlePausedUntil = .now + duration
    }

    func stopWatching() {
        watcher?.closeWatcher()
        watcher = nil
    }

    /// One IDLE wait on the watcher's own connection; true when new mail arrived.
    func waitForMail(timeout: Duration) throws -> Bool {
        guard let watch = poller.watch else { return false }
        let watcher = try self.watcher ?? watch(context.configuration)
        self.watcher = watcher
        return try watcher.waitForNewMail(timeout: timeout, knownUIDNext: lastUIDNext)
    }

    /// One poll: every message in the inbox. Returns true when the inbox was drained.
    func cycle() throws -> Bool {
        let latest = poller.contexts.current
        if latest.configuration.imap != context.configuration.imap {
            disconnect()
            stopWatching()
            idleUnsupported = false
        }
        context = latest
        let mailbox = try self.mailbox ?? poller.connect(context.configuration)
        self.mailbox = mailbox
        let status = try mailbox.openMailbox()
        let uidValidity = Int64(status.uidValidity)
        lastUIDNext = status.uidNext
        let name = imap.url
        var state = try context.store.mailboxState(name)
        if let known = state, known.uidValidity != uidValidity {
            // The server renumbered the mailbox: rescan everything; the duplicate check makes it harmless.
            poller.logger.warning(
                "UIDVALIDITY changed; rescanning the mailbox",
                metadata: ["old": "\(known.uidValidity)", "new": "\(uidValidity)"])
            state = nil
        }
        var highest = state?.highestUID ?? 0
        // Processed mail leaves the inbox, so everything there is new; in mark-only mode mail stays,
        // and only UIDs above the highest handled one are new.
        let from = imap.markOnly.isEmpty ? 1 : UInt32(clamping: highest + 1)
        let uids = try mailbox.listUIDs(from: from, below: status.uidNext)
        if !uids.isEmpty { lastMailAt = .now }
        // The position is saved every `positionInterval` messages and when the cycle ends, not after every
        // message: each save is a transaction of its own (an fsync). After a crash the messages since the last
        // save are read again, and the duplicate check (same IMAP position) makes that harmless.
        var unsaved = 0
        func savePosition() throws {
            try context.store.saveMailboxState(
                MailboxStateRecord(
                    mailbox: name, uidValidity: uidValidity, highestUID: highest, lastPollAt: poller.clock(),
                    lastError: nil))
            unsaved = 0
        }
        stored = []
        // Pipelined: while the store stage writes what was fetched before (several emails per commit when several
        // wait), this thread fetches and analyses the next ones, so the server's, the parser's and the store's work
        // overlap instead of taking turns. Results come back in mailbox order.
        let stage = StoreStage(label: "helpdeskd.poller.store", poller: poller, context: context)
        var inFlight: [StoreStage.Pending] = []
        func completeFirst() throws {
            let pending = inFlight.removeFirst()
            switch try pending.wait() {
            case .processed where imap.markOnly.isEmpty: stored.append(pending.uid)
            case .processed: try dispose(uid: pending.uid, quarantine: false, mailbox: mailbox)
            case .quarantine: try dispose(uid: pending.uid, quarantine: true, mailbox: mailbox)
            }
            highest = max(highest, Int64(pending.uid))
            unsaved += 1
            if stored.count >= Self.moveBatch { try moveStored(mailbox: mailbox) }
            if unsaved >= Self.positionInterval { try savePosition() }
        }
        func completeAll() throws {
            while !inFlight.isEmpty { try completeFirst() }
        }
        var sizes: [UInt32: Int] = [:]
        do {
            for (position, uid) in uids.enumerated() {
                if poller.isStopping {
                    try completeAll()
                    try moveStored(mailbox: mailbox)
                    if unsaved > 0 { try savePosition() }
                    return false
                }
                poller.health.pollerAlive()
                if position % Self.sizeBatch == 0 {
                    // Sizes a batch at a time: one round trip per batch, not one per message.
                    let batch = Array(uids[position..<min(position + Self.sizeBatch, uids.count)])
                    sizes = try mailbox.messageSizes(uids: batch)
                }
                guard let size = sizes[uid] else { continue }  // expunged meanwhile
                // A large message enters an empty stage only: what the stage holds stays bounded.
                if size > StoreStage.largeMessage { try completeAll() }
                let item = try fetch(uid: uid, size: size, uidValidity: uidValidity, mailbox: mailbox)
                inFlight.append(stage.submit(uid: uid, item))
                while let first = inFlight.first, first.isDone { try completeFirst() }
            }
            try completeAll()
        } catch {
            // This message could not be taken (the store is full, the server went away): the ones in the stage
            // are finished, and the ones already committed still leave the inbox if the server lets them, so that
            // they are not read again and again while the problem lasts.
            while !inFlight.isEmpty { try? completeFirst() }
            try? moveStored(mailbox: mailbox)
            throw error
        }
        if let last = uids.last { highest = max(highest, Int64(last)) }
        try moveStored(mailbox: mailbox)
        try savePosition()
        if !uids.isEmpty { lastMailAt = .now }  // the quiet time counts from the end of the burst
        return true
    }

    /// Messages whose ingest has committed and that still wait in the inbox to be moved to the processed folder.
    private var stored: [UInt32] = []

    /// Moves the stored messages out of the inbox with one command. Until then a crash leaves them in the
    /// inbox, and the duplicate check recognises them on the next poll (commit, then move, as before).
    func moveStored(mailbox: any IncomingMailbox) throws {
        guard !stored.isEmpty else { return }
        try mailbox.moveMessages(uids: stored, to: imap.processedFolder)
        stored = []
    }

    /// How many handled messages may go by before the mailbox position is saved (besides at the end of a cycle).
    static let positionInterval = 100
    /// How many stored messages are moved out of the inbox with one command.
    static let moveBatch = 100
    /// How many messages' sizes are asked for with one command.
    static let sizeBatch = 100

    /// Fetches one message (only its header when it is over the size limit) and returns the store work for it.
    func fetch(
        uid: UInt32, size: Int, uidValidity: Int64, mailbox: any IncomingMailbox
    ) throws -> StoreStage.Item {
        let source = MessageSource.imap(mailbox: imap.url, uidValidity: uidValidity, uid: Int64(uid))
        var uidLogger = poller.logger
        uidLogger[metadataKey: "uid"] = "\(uid)"
        let now = poller.clock()
        let (context, poller, limit, logger) = (context, poller, imap.maxMessageSize, uidLogger)
        if size > limit {
            let header = try mailbox.fetchHeader(uid: uid)
            return .single {
                let outcome: IngestOutcome
                do {
                    outcome = try StoreStage.storing {
                        try context.pipeline.ingestTooLarge(header: header, size: size, source: source, receivedAt: now)
                    }
                } catch  where !StoreFault.isStoreUnavailable(error) {
                    // Its header section made the pipeline fail: recorded with the reason, like any message fault.
                    try StoreStage.storing {
                        try context.pipeline.quarantine(header, source: source, reason: "\(error)", receivedAt: now)
                    }
                    logger.error("message quarantined", metadata: ["reason": "\(error)"])
                    poller.health.metrics.quarantined(tooLarge: false)
                    return .quarantine
                }
                logger.notice(
                    "message over the size limit: recorded and quarantined",
                    metadata: ["size": "\(size)", "limit": "\(limit)", "outcome": "\(outcome)"])
                poller.health.metrics.quarantined(tooLarge: true)
                poller.wakeRelay()
                return .quarantine
            }
        }
        // Analysed here, on the poller's thread, while the store stage writes earlier messages.
        let raw = try mailbox.fetchMessage(uid: uid)
        poller.health.pollerAlive()
        let email = context.pipeline.analyse(raw) { poller.health.pollerAlive() }
        return .email(IntakePipeline.Arrival(email: email, source: source, receivedAt: now), logger: logger)
    }

    func dispose(uid: UInt32, quarantine: Bool, mailbox: any IncomingMailbox) throws {
        if !imap.markOnly.isEmpty {
            try mailbox.markMessage(uid: uid, keyword: quarantine ? "$Quarantined" : imap.markOnly)
        } else {
            try mailbox.moveMessage(uid: uid, to: quarantine ? imap.quarantineFolder : imap.processedFolder)
        }
    }
}

/// The poller's second thread: it stores what the poller's thread fetched and analysed, in mailbox order (a reply
/// must find the ticket its original opened), several emails per commit when several are waiting: one fsync
/// for all of them. At most `capacity` messages are in the stage, and a large one enters only an empty stage
/// (the poller sees to that), so the memory it holds stays bounded.
///
/// After a failure (the store refused a write) it stores nothing more: every later message fails with the same
/// error, so that none is committed ahead of one that was not.
final class StoreStage: Sendable {
    /// What became of a message in the store; the poller's thread then files it on the server.
    enum Disposition: Sendable {
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

    private let queue: DispatchQueue
    private let slots = DispatchSemaphore(value: StoreStage.capacity)
    private let waiting = Mutex<(items: [(Item, Pending)], failure: (any Error)?)>(([], nil))
    private let poller: MailboxPoller
    private let context: HelpdeskContext

    init(label: String, poller: MailboxPoller, context: HelpdeskContext) {
        queue = DispatchQueue(label: label)
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
        if first { queue.async { self.storeWaiting() } }
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
                case .duplicate:
                    logger.info("already ingested; moving it out of the inbox")
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
