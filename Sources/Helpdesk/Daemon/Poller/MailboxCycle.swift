import Logging
import TicketStore

/// One connection to the mailbox and one poll of it at a time: list the inbox, fetch and analyse each message,
/// hand it to the `StoreStage`, and once it is committed move it out of the inbox (or mark it), saving the
/// mailbox position as it goes. Also holds the IDLE watcher's connection for `IdleWaiter`.
///
/// Concurrency: a value owned by the poller's `Lane`; every method runs there and may block it (libcurl,
/// SQLite). A reload of the configuration takes effect at the next poll.
struct MailboxCycle {
    let poller: MailboxPoller
    private var mailbox: (any IncomingMailbox)?
    private var watcher: (any MailboxWatcher)?
    /// UIDNEXT at the last poll: IDLE reports mail newer than this at once.
    private var lastUIDNext: UInt32?
    private var idlePausedUntil: ContinuousClock.Instant?
    private var idleUnsupported = false
    /// When the last mail was found, while the memory it took is not given back yet.
    private var lastMailAt: ContinuousClock.Instant?
    /// Messages whose ingest has committed and that still wait in the inbox to be moved to the processed folder.
    private var stored: [UInt32] = []
    /// The context for the poll in progress (a reload takes effect at the next poll).
    private var context: HelpdeskContext
    /// The configuration as this mailbox sees it (`HelpdeskConfiguration.reading`), for the poll in progress.
    private var configuration: HelpdeskConfiguration

    init(poller: MailboxPoller) {
        self.poller = poller
        context = poller.contexts.current
        configuration = poller.reading(context.configuration) ?? context.configuration
    }

    var imap: HelpdeskConfiguration.IMAP { configuration.imap }
    /// The key of this mailbox's poll position and of its messages' source (`Mailbox.sourceKey`).
    private var sourceKey: String {
        configuration.mailbox(named: poller.mailbox)?.sourceKey ?? imap.url
    }

    /// How many handled messages may go by before the mailbox position is saved (besides at the end of a poll).
    static let positionInterval = 100
    /// How many stored messages are moved out of the inbox with one command.
    static let moveBatch = 100
    /// How many messages' sizes are asked for with one command.
    static let sizeBatch = 100

    // MARK: Connections

    mutating func disconnect() {
        mailbox?.closeMailbox()
        mailbox = nil
    }

    mutating func stopWatching() {
        watcher?.closeWatcher()
        watcher = nil
    }

    // MARK: Rest

    /// When the poller gives back cached memory, unless more mail comes first.
    var restDue: ContinuousClock.Instant? { lastMailAt.map { $0 + poller.restAfter } }

    mutating func releaseMemory() {
        context.store.releaseMemory()
        lastMailAt = nil
    }

    // MARK: IDLE

    /// IDLE is off for this connection: paused after a failure, or unsupported by the server (until the IMAP
    /// settings change).
    var idlePaused: Bool { idleUnsupported || (idlePausedUntil.map { ContinuousClock.now < $0 } ?? false) }

    mutating func disableIdle() {
        stopWatching()
        idleUnsupported = true
    }

    mutating func pauseIdle(for duration: Duration) {
        stopWatching()
        idlePausedUntil = .now + duration
    }

    /// One IDLE wait on the watcher's own connection; true when new mail arrived.
    mutating func waitForMail(timeout: Duration) throws -> Bool {
        guard let watch = poller.watch else { return false }
        let watcher = try self.watcher ?? watch(configuration)
        self.watcher = watcher
        return try watcher.waitForNewMail(timeout: timeout, knownUIDNext: lastUIDNext)
    }

    // MARK: Poll

    /// One poll: every message in the inbox. Returns true when the inbox was drained.
    mutating func poll() throws -> Bool {
        let latest = poller.contexts.current
        guard let seen = poller.reading(latest.configuration) else {
            throw MailboxRemoved(name: poller.mailbox)
        }
        if seen.imap != configuration.imap {
            disconnect()
            stopWatching()
            idleUnsupported = false
        }
        context = latest
        configuration = seen
        let mailbox = try self.mailbox ?? poller.connect(configuration)
        self.mailbox = mailbox
        let status = try mailbox.openMailbox()
        let uidValidity = Int64(status.uidValidity)
        lastUIDNext = status.uidNext
        let name = sourceKey
        var state = try context.store.mailboxState(name)
        if let known = state, known.uidValidity != uidValidity, known.uidValidity != 0 {
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
        // The position is saved every `positionInterval` messages and when the poll ends, not after every
        // message: each save is a transaction of its own (an fsync). After a crash the messages since the last
        // save are read again, and the duplicate check (same IMAP position) makes that harmless.
        var unsaved = 0
        let (store, clock) = (context.store, poller.clock)
        func savePosition() throws {
            try store.saveMailboxState(
                MailboxStateRecord(
                    mailbox: name, uidValidity: uidValidity, highestUID: highest, lastPollAt: clock(), lastError: nil))
            unsaved = 0
        }
        stored = []
        // Pipelined: while the store stage writes what was fetched before (several emails per commit when several
        // wait), this lane fetches and analyses the next ones, so the server's, the parser's and the store's work
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
                poller.pollerAlive()
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

    /// Records a failed poll in the mailbox's saved position (`helpdeskd status` shows it per mailbox); the
    /// position itself is kept. Best effort: when the store is what failed, this fails too.
    func recordFailure(_ problem: String) {
        let store = context.store
        let key = sourceKey
        guard var state = (try? store.mailboxState(key)) ?? nil else {
            // Never polled: a position that knows no UIDVALIDITY yet (0, which no server gives).
            try? store.saveMailboxState(
                MailboxStateRecord(
                    mailbox: key, uidValidity: 0, highestUID: 0, lastPollAt: nil, lastError: problem))
            return
        }
        state.lastError = problem
        try? store.saveMailboxState(state)
    }

    /// Moves the stored messages out of the inbox with one command. Until then a crash leaves them in the
    /// inbox, and the duplicate check recognises them on the next poll (commit, then move, as before).
    private mutating func moveStored(mailbox: any IncomingMailbox) throws {
        guard !stored.isEmpty else { return }
        try mailbox.moveMessages(uids: stored, to: imap.processedFolder)
        stored = []
    }

    /// Fetches one message (only its header when it is over the size limit) and returns the store work for it.
    private func fetch(
        uid: UInt32, size: Int, uidValidity: Int64, mailbox: any IncomingMailbox
    ) throws -> StoreStage.Item {
        let source = MessageSource.imap(mailbox: sourceKey, uidValidity: uidValidity, uid: Int64(uid))
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
        // Analysed here, on the poller's lane, while the store stage writes earlier messages.
        let raw = try mailbox.fetchMessage(uid: uid)
        poller.pollerAlive()
        let email = context.pipeline.analyse(raw) { poller.pollerAlive() }
        for outcome in email.screenshotsRead {
            poller.health.metrics.screenshotRead(outcome)
            if case .failed(let failure) = outcome {
                logger.warning("screenshot not read", metadata: ["reason": "\(failure)"])
            }
        }
        return .email(IntakePipeline.Arrival(email: email, source: source, receivedAt: now), logger: logger)
    }

    private func dispose(uid: UInt32, quarantine: Bool, mailbox: any IncomingMailbox) throws {
        if !imap.markOnly.isEmpty {
            try mailbox.markMessage(uid: uid, keyword: quarantine ? "$Quarantined" : imap.markOnly)
        } else {
            try mailbox.moveMessage(uid: uid, to: quarantine ? imap.quarantineFolder : imap.processedFolder)
        }
    }
}

/// A reload removed the mailbox this poller reads: it stops taking mail until the daemon restarts (pollers are
/// made at start).
struct MailboxRemoved: Error, CustomStringConvertible {
    let name: String
    var description: String {
        "mailbox \(name) is no longer configured; restart helpdeskd to stop polling it"
    }
}
