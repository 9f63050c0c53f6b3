import Dispatch
import Foundation
import GRDB
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
    private let queue = BlockingQueue(label: "helpdeskd.poller")
    private let stopping = StopFlag()

    public init(
        contexts: ContextHolder, connect: @escaping Connect, watch: Watch? = nil, logger: Logger,
        health: DaemonHealth, wakeRelay: @escaping @Sendable () -> Void = {}, once: Bool = false,
        clock: @escaping @Sendable () -> Int64 = WallClock.seconds
    ) {
        self.contexts = contexts
        self.connect = connect
        self.watch = watch
        self.logger = logger
        self.health = health
        self.wakeRelay = wakeRelay
        self.once = once
        self.clock = clock
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
                        $0.storeUnavailable = error is DatabaseError || error is StoreUnavailable
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
        let interval = Duration.seconds(imap.pollInterval)
        guard imap.idle, watch != nil, !session.idlePaused else {
            try? await sleep(interval)
            return
        }
        let deadline = ContinuousClock.now + interval
        while !stopping.isSet, !Task.isCancelled {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return }
            health.pollerAlive()
            do {
                let step = min(left, Self.idleStep)
                if try await queue.run({ try session.waitForMail(timeout: step) }) { return }
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

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return "store: \(error.message ?? "\(error.resultCode)")" }
        return "\(error)"
    }

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

/// The storage refused a write: the message stays in the mailbox.
struct StoreUnavailable: Error, CustomStringConvertible {
    let description: String
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
        var state = try context.store.read { db in try MailboxStateRecord.fetchOne(db, key: name) }
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
        // The position is saved every `positionInterval` messages and when the cycle ends, not after every
        // message: each save is a transaction of its own (an fsync). After a crash the messages since the last
        // save are read again, and the duplicate check (same IMAP position) makes that harmless.
        var unsaved = 0
        func savePosition() throws {
            try context.store.write { db in
                try MailboxStateRecord(
                    mailbox: name, uidValidity: uidValidity, highestUID: highest,
                    lastPollAt: poller.clock(), lastError: nil
                ).save(db)
            }
            unsaved = 0
        }
        stored = []
        // Double-buffered: while the store stage parses and stores message n, this thread fetches message n + 1,
        // so the server's work and the store's overlap instead of taking turns.
        var inFlight: StoreStage.Pending? = nil
        func complete(_ pending: StoreStage.Pending) throws {
            inFlight = nil
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
        var sizes: [UInt32: Int] = [:]
        do {
            for (position, uid) in uids.enumerated() {
                if poller.isStopping {
                    if let inFlight { try complete(inFlight) }
                    try moveStored(mailbox: mailbox)
                    if unsaved > 0 { try savePosition() }
                    return false
                }
                poller.health.pollerAlive()
                if position % Self.sizeBatch == 0 {
                    // Sizes a batch at a time: one round trip per batch, not one per message.
                    sizes = try mailbox.messageSizes(uids: Array(uids[position..<min(position + Self.sizeBatch, uids.count)]))
                }
                guard let size = sizes[uid] else { continue }  // expunged meanwhile
                let work = try fetch(uid: uid, size: size, uidValidity: uidValidity, mailbox: mailbox)
                if let inFlight { try complete(inFlight) }
                inFlight = stage.start(uid: uid, work)
            }
            if let inFlight { try complete(inFlight) }
        } catch {
            // This message could not be taken (the store is full, the server went away): the one being stored
            // is finished, and the ones already committed still leave the inbox if the server lets them, so that
            // they are not read again and again while the problem lasts.
            if let inFlight { try? complete(inFlight) }
            try? moveStored(mailbox: mailbox)
            throw error
        }
        if let last = uids.last { highest = max(highest, Int64(last)) }
        try moveStored(mailbox: mailbox)
        try savePosition()
        return true
    }

    /// Messages whose ingest has committed and that still wait in the inbox to be moved to the processed folder.
    private var stored: [UInt32] = []

    /// Stores messages on a thread of its own while this one fetches the next.
    private let stage = StoreStage(label: "helpdeskd.poller.store")

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
    ) throws -> StoreStage.Work {
        let source = MessageSource.imap(mailbox: imap.url, uidValidity: uidValidity, uid: Int64(uid))
        var uidLogger = poller.logger
        uidLogger[metadataKey: "uid"] = "\(uid)"
        let now = poller.clock()
        let (context, poller, limit, logger) = (context, poller, imap.maxMessageSize, uidLogger)
        if size > limit {
            let header = try mailbox.fetchHeader(uid: uid)
            return {
                let outcome = try Self.storing {
                    try context.pipeline.ingestTooLarge(header: header, size: size, source: source, receivedAt: now)
                }
                logger.notice(
                    "message over the size limit: recorded and quarantined",
                    metadata: ["size": "\(size)", "limit": "\(limit)", "outcome": "\(outcome)"])
                poller.health.metrics.quarantined(tooLarge: true)
                poller.wakeRelay()
                return .quarantine
            }
        }
        // Analysed here, on the poller's thread, while the store stage writes the previous message.
        let email = context.pipeline.analyse(try mailbox.fetchMessage(uid: uid))
        return { try Self.store(email, source: source, receivedAt: now, context: context, poller: poller, logger: logger) }
    }

    /// The store half of one message, on the store stage's thread: ingested in one transaction, or, when the
    /// pipeline cannot take it, recorded for quarantine. Says which; the poller's thread then files it.
    static func store(
        _ email: IncomingEmail, source: MessageSource, receivedAt now: Int64, context: HelpdeskContext, poller: MailboxPoller,
        logger: Logger
    ) throws -> StoreStage.Disposition {
        let outcome: IngestOutcome
        do {
            outcome = try storing { try context.pipeline.ingest(email, source: source, receivedAt: now) }
        } catch let error as StoreUnavailable {
            throw error
        } catch {
            // Not a storage problem: the pipeline could not take this message. Keep it, say why, go on.
            let reason = "\(error)"
            try storing {
                try context.pipeline.quarantine(email.raw, source: source, reason: reason, receivedAt: now)
            }
            logger.error("message quarantined", metadata: ["reason": "\(reason)"])
            poller.health.metrics.quarantined(tooLarge: false)
            return .quarantine
        }
        switch outcome {
        case .created(let ref, let status), .updated(let ref, let status):
            logger.info("ingested", metadata: ["ticket": "\(ref)", "status": "\(status.rawValue)"])
        case .automated(let reason, let ref):
            logger.info(
                "machine mail stored, not answered", metadata: ["reason": "\(reason)", "ticket": "\(ref ?? "-")"])
        case .duplicate:
            logger.info("already ingested; moving it out of the inbox")
        }
        poller.health.update { $0.ingestedSinceStart += 1 }
        poller.health.metrics.ingested(outcome)
        // The answer is committed: the relay may send it now, while the message still waits to leave the inbox
        // (marked at once, or moved with the next batch: one command per `moveBatch` messages, since the
        // server's cost per command grows with the inbox).
        poller.wakeRelay()
        return .processed
    }

    /// Runs a store write; SQLite errors mean the store cannot take mail now (disk full, I/O).
    static func storing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreUnavailable(description: "store refused the write: \(error.message ?? "\(error.resultCode)")")
        }
    }

    func dispose(uid: UInt32, quarantine: Bool, mailbox: any IncomingMailbox) throws {
        if !imap.markOnly.isEmpty {
            try mailbox.markMessage(uid: uid, keyword: quarantine ? "$Quarantined" : imap.markOnly)
        } else {
            try mailbox.moveMessage(uid: uid, to: quarantine ? imap.quarantineFolder : imap.processedFolder)
        }
    }
}

/// The poller's second thread: it stores message n while the poller's thread fetches message n + 1. One
/// message at a time and in mailbox order (a reply must find the ticket its original opened), so at most
/// two messages are in memory: the one being stored and the one being fetched.
final class StoreStage: Sendable {
    /// What became of a message in the store; the poller's thread then files it on the server.
    enum Disposition: Sendable {
        /// Stored (or already stored): it leaves the inbox.
        case processed
        /// Recorded with the reason it could not be taken: it goes to the quarantine folder.
        case quarantine
    }

    typealias Work = @Sendable () throws -> Disposition

    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    /// Starts storing a message; `wait()` on the result before starting the next one.
    func start(uid: UInt32, _ work: @escaping Work) -> Pending {
        let pending = Pending(uid: uid)
        queue.async { pending.finish(Result { try work() }) }
        return pending
    }

    /// One message being stored.
    final class Pending: Sendable {
        let uid: UInt32
        private let done = DispatchSemaphore(value: 0)
        private let result = Mutex<Result<Disposition, any Error>?>(nil)

        init(uid: UInt32) { self.uid = uid }

        fileprivate func finish(_ outcome: Result<Disposition, any Error>) {
            result.withLock { $0 = outcome }
            done.signal()
        }

        /// Blocks until the store work is done; returns what it decided or throws what it threw.
        func wait() throws -> Disposition {
            done.wait()
            done.signal()  // later waits return at once
            return try result.withLock { $0! }.get()
        }
    }
}
