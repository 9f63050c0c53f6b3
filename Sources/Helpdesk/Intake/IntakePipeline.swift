import Digest
import Foundation
import Incident
import MIME
public import TicketStore

/// What the pipeline did with one email.
public enum IngestOutcome: Sendable, Equatable {
    /// Already stored (same IMAP position, or same Message-ID with the same bytes): nothing changed.
    case duplicate
    /// Another copy of an email already taken — delivered to two of our mailboxes (To one, Cc the other): the
    /// same Message-ID and the same author's fields and body (`AuthorDigest`). Not stored again, no second answer;
    /// its ticket records `copy-received`. `mailbox` is where the first copy came from.
    case copy(ref: String?, mailbox: String?)
    /// A new ticket was opened.
    case created(ref: String, status: TicketStatus)
    /// An existing ticket was updated by its reporter's reply.
    case updated(ref: String, status: TicketStatus)
    /// Machine mail: stored (on the ticket it refers to, if any) and never answered.
    case automated(reason: String, ref: String?)
    /// A staff member's email (`[staff]`): carried out on a ticket, or bounced back to them (`result` says which).
    case staff(result: String, ref: String?)
}

/// The intake pipeline: one email in, one transaction out.
///
/// Parsing and extraction happen before the transaction (`analyse`: pure, so the poller runs it on its own
/// thread while the store stage writes earlier emails); then, atomically (`EmailIntake`): the duplicate check,
/// the message and its attachments, threading, what `TicketWorkflow` decides for the ticket — its new state,
/// field values and events — and the queued answer. A crash at any instant leaves the email either fully
/// recorded, answer included, or not recorded at all, so a retry neither loses nor duplicates it.
///
/// Concurrency: immutable and `Sendable`; `analyse` may run on any thread, the `ingest` methods block theirs
/// for one store transaction.
public final class IntakePipeline: Sendable {
    let store: any TicketStore
    let configuration: HelpdeskConfiguration
    let workflow: TicketWorkflow
    let extractor: IncidentExtractor
    let answers: AnswerComposer
    let signer: MessageIDSigner
    let parser: MIMEParser
    /// Reads screenshots of incomplete reports before the answer is decided; nil when `[ocr]` is off.
    let screenshots: ScreenshotReading?
    /// Tests only: called at named points inside the transaction; throwing there simulates a crash.
    let checkpoint: @Sendable (String) throws -> Void

    public convenience init(
        store: any TicketStore, configuration: HelpdeskConfiguration, answers: AnswerComposer,
        signer: MessageIDSigner
    ) {
        self.init(store: store, configuration: configuration, answers: answers, signer: signer, checkpoint: { _ in })
    }

    /// `screenshotReader`: tests' in-memory OCR; by default a `helpdeskd ocr-worker` per image when `[ocr]` is on.
    init(
        store: any TicketStore, configuration: HelpdeskConfiguration, answers: AnswerComposer,
        signer: MessageIDSigner, checkpoint: @escaping @Sendable (String) throws -> Void,
        screenshotReader: (any ScreenshotReader)? = nil
    ) {
        self.store = store
        self.configuration = configuration
        self.workflow = TicketWorkflow(configuration: configuration)
        self.extractor = IncidentExtractor(profile: configuration.profile)
        self.answers = answers
        self.signer = signer
        self.parser = MIMEParser(limits: configuration.parserLimits)
        self.checkpoint = checkpoint
        let ocr = configuration.ocr
        if let screenshotReader {
            screenshots = ScreenshotReading(reader: screenshotReader, settings: ocr)
        } else {
            screenshots = ocr.isOn ? ScreenshotReading(reader: OCRWorkerReader(settings: ocr), settings: ocr) : nil
        }
    }

    /// Records decisions in a transaction, composing answers with this pipeline's composer.
    var recorder: WorkflowRecorder { WorkflowRecorder(workflow: workflow, answers: answers, checkpoint: checkpoint) }

    /// Ingests one raw email received at `now` (seconds since 1970).
    public func ingest(_ raw: [UInt8], source: MessageSource, receivedAt now: Int64) throws -> IngestOutcome {
        try ingest(analyse(raw), source: source, receivedAt: now)
    }

    /// The pure steps: parse, decode, read as an incident report. No I/O, so a caller may run them on
    /// another thread while the previous email is being stored.
    ///
    /// `progress` is called between the steps, so a caller watched by a watchdog can show it is alive while a
    /// large email is read. Every step is linear in the email's size (the torture suite's scaling check holds
    /// them to it), so the gaps between calls stay short.
    public func analyse(_ raw: [UInt8], progress: () -> Void = {}) -> IncomingEmail {
        let message = parser.parse(raw)
        progress()
        let content = MessageContent(message)
        progress()
        var report = extractor.extract(message, content: content)
        progress()
        // A person's report that lacks what its screenshots may show: read them before the answer is decided, within
        // `[ocr] answer_wait`. Complete reports and machine mail never wait.
        var read: [OCROutcome] = []
        if let screenshots, report.automated == nil, ScreenshotReading.isWorthReading(report),
            screenshots.settings.answerWait > 0
        {
            let outcome = screenshots.fill(
                report, content: content, extractor: extractor, budget: screenshots.settings.answerWait)
            report = outcome.report
            read = outcome.images.map(\.outcome)
            progress()
        }
        var email = IncomingEmail(raw: raw, sha256: SHA256.hex(raw), message: message, content: content, report: report)
        email.screenshotsRead = read
        return email
    }

    /// Stores an analysed email in one transaction.
    public func ingest(_ email: IncomingEmail, source: MessageSource, receivedAt now: Int64) throws -> IngestOutcome {
        try store.transaction { transaction in
            try EmailIntake(pipeline: self, transaction: transaction, email: email, source: source, now: now).run()
        }
    }

    /// An analysed email with where and when it was received, waiting to be stored.
    public struct Arrival: Sendable {
        public var email: IncomingEmail
        public var source: MessageSource
        public var receivedAt: Int64

        public init(email: IncomingEmail, source: MessageSource, receivedAt: Int64) {
            self.email = email
            self.source = source
            self.receivedAt = receivedAt
        }
    }

    /// Stores several emails, in order, with one commit (one fsync for all), each in a savepoint of its own:
    /// an email the pipeline cannot take (a *message fault*: whatever this email's content made fail, a database
    /// error included) is rolled back alone and recorded for quarantine instead (its result is the error), the
    /// others are kept. A *store fault* (`StoreFault`: disk full, I/O, locked) commits nothing and is thrown.
    public func ingest(batch: [Arrival]) throws -> [Result<IngestOutcome, any Error>] {
        try store.transaction { transaction in
            var results: [Result<IngestOutcome, any Error>] = []
            for arrival in batch {
                do {
                    let outcome = try transaction.savepoint {
                        try EmailIntake(
                            pipeline: self, transaction: transaction, email: arrival.email, source: arrival.source,
                            now: arrival.receivedAt
                        ).run()
                    }
                    results.append(.success(outcome))
                } catch  where StoreFault.isStoreUnavailable(error) {
                    throw error
                } catch {
                    // This email's own failure, rolled back alone. Recording it is a write like any other: when even
                    // that fails, the store is what cannot write, and nothing of the batch is committed.
                    do {
                        try Self.recordQuarantined(
                            arrival.email.raw, source: arrival.source, reason: "\(error)",
                            receivedAt: arrival.receivedAt, transaction)
                    } catch {
                        throw StoreUnavailable(error)
                    }
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}

extension IntakePipeline {
    /// Records an email the pipeline could not take (the reason goes to the store and the log), so
    /// nothing is lost and the poller can move it to the quarantine folder. Raw bytes over
    /// `maxStoredBytes` are cut to their header section.
    public func quarantine(_ raw: [UInt8], source: MessageSource, reason: String, receivedAt now: Int64) throws {
        try store.transaction { transaction in
            try Self.recordQuarantined(raw, source: source, reason: reason, receivedAt: now, transaction)
        }
    }

    static func recordQuarantined(
        _ raw: [UInt8], source: MessageSource, reason: String, receivedAt now: Int64,
        _ transaction: any TicketTransaction
    ) throws {
        let kept = raw.count > Self.maxStoredBytes ? Array(Self.headerSection(of: raw)) : raw
        do {
            try transaction.savepoint {
                try insertQuarantined(kept, source: source, reason: reason, receivedAt: now, transaction)
            }
        } catch  where !StoreFault.isStoreUnavailable(error) {
            // The bytes themselves may be what the store refuses: the reason is kept without them.
            try insertQuarantined(
                [], source: source, reason: reason + "; content not kept: \(error)", receivedAt: now, transaction)
        }
    }

    private static func insertQuarantined(
        _ kept: [UInt8], source: MessageSource, reason: String, receivedAt now: Int64,
        _ transaction: any TicketTransaction
    ) throws {
        var record = MessageRecord(
            direction: .inbound, messageID: nil, inReplyTo: "", referenceIDs: "", fromAddress: "", subject: "",
            automated: nil, sha256: SHA256.hex(kept), raw: Data(kept), defects: "quarantined: \(reason)",
            receivedAt: now)
        record.setSource(source)
        let id = try transaction.insertMessageUnlessKnown(record)
        try transaction.record(EventRecord(messageId: id, at: now, kind: .quarantined, detail: reason))
    }

    /// An email larger than the limit: its header section is stored on a new (suspended) ticket and the
    /// sender is told the limit, unless it is machine mail. A smaller resend then threads into the ticket.
    public func ingestTooLarge(
        header: [UInt8], size: Int, source: MessageSource, receivedAt now: Int64
    ) throws
        -> IngestOutcome
    {
        var raw = Array(Self.headerSection(of: header))
        raw += Array(
            "\r\n[helpdeskd: body of \(size) bytes not fetched: over the \(configuration.imap.maxMessageSize)-byte limit]\r\n"
                .utf8)
        let message = parser.parse(raw)
        let content = MessageContent(message)
        var report = extractor.extract(message, content: content)
        report.missing = configuration.profile.required
        report.values = [:]
        report.screenshots = []
        var email = IncomingEmail(raw: raw, sha256: SHA256.hex(raw), message: message, content: content, report: report)
        email.tooLarge = size
        return try ingest(email, source: source, receivedAt: now)
    }

    /// Raw messages kept in the store are capped (the IMAP limit applies before anything is fetched).
    static let maxStoredBytes = 64 << 20

    /// The header section with the blank line that ends it, as the parser reads it.
    static func headerSection(of raw: [UInt8]) -> ArraySlice<UInt8> {
        MIMEParser().headerSectionBytes(raw)
    }
}
