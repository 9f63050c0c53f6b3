import Logging
import TicketStore

/// The relay's sending: the SMTP connection, the delivery journal, and what it did since the last fold.
///
/// Concurrency: a value owned by the relay's `Lane`; every method runs there and may block it (libcurl, fsync
/// of the journal, the store).
struct AnswerCourier {
    let relay: OutboxRelay
    private var mail: (any OutgoingMail)?
    private var lastProblem: String?

    init(relay: OutboxRelay) { self.relay = relay }

    var store: any TicketStore { relay.contexts.current.store }

    mutating func disconnect() {
        mail?.closeConnection()
        mail = nil
    }

    struct Pass {
        var remaining: Int
        var nextDueIn: Int64?
    }

    /// Sends every answer that is due; returns what is left.
    mutating func deliverDue() throws -> Pass {
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
    mutating func deliver(_ row: OutboxRecord, now: Int64) -> Bool {
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

    private mutating func openJournal() throws -> DeliveryJournal {
        if let journal { return journal }
        let opened = try DeliveryJournal(path: relay.contexts.current.relayJournalPath)
        journal = opened
        return opened
    }

    /// Writes what the journal holds into the outbox table (one commit), then empties the journal.
    mutating func fold() throws {
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

    mutating func record(failure: DeliveryFailure, row: OutboxRecord, now: Int64, logger: Logger) {
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
