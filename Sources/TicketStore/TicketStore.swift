public import Incident

/// Everything helpdeskd keeps — tickets, messages, attachments, field values, events, the outbox and mailbox
/// state — behind domain methods. No SQL, and no type of a database library, crosses this boundary:
/// `SQLiteTicketStore` is the one implementation today (one file, one host); a PostgreSQL store for several
/// daemons sharing one database implements the same three protocols.
///
/// The contract, which every implementation keeps and every caller may rely on:
///
/// - **One transaction, all or nothing.** `transaction` runs its body in one write transaction: everything
///   the body did commits together when it returns, and nothing does when it throws. Intake puts one email
///   (or one batch, a `savepoint` each) in one transaction, so a crash leaves each email fully recorded, answer
///   included, or not at all.
/// - **One writer at a time.** Write transactions are serialised (in one process and, for a shared backend,
///   across processes); a read (`snapshot`) sees one consistent state and never waits for a writer.
/// - **Durable at return.** When `transaction` returns, its changes survive a crash or a power cut.
/// - **Faults say whose they are.** A failure the store itself caused (disk full, I/O error, locked, read-only,
///   a damaged file) is recognised by `StoreFault.isStoreUnavailable`; anything else an email's content made
///   fail is the email's own (README, "message faults vs store faults").
/// - **Blocking.** The synchronous methods block the calling thread (disk, network for a remote database):
///   call them from a thread of your own, never from the cooperative pool. Async code uses the `async`
///   variants, which wait without blocking the pool.
/// - **Erasure leaves no trace.** `reclaimFreeSpace` rewrites the store so that deleted content is gone from
///   its files (free pages, logs), or says it could not.
public protocol TicketStore: AnyObject, Sendable, CustomStringConvertible {
    /// Runs `body` in one write transaction (see the contract above).
    func transaction<T>(_ body: (any TicketTransaction) throws -> T) throws -> T
    /// Runs `body` in a write transaction that is always rolled back: a dry run takes exactly the path of the
    /// real run, sees what it would do, and changes nothing.
    func rehearse<T>(_ body: (any TicketTransaction) throws -> T) throws -> T
    /// Runs `body` on one consistent snapshot.
    func snapshot<T>(_ body: (any TicketSnapshot) throws -> T) throws -> T

    /// `transaction` for async callers (the web interface, services): suspends instead of blocking the pool.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any TicketTransaction) throws -> T) async throws -> T
    /// `snapshot` for async callers: suspends instead of blocking the pool.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (any TicketSnapshot) throws -> T) async throws -> T

    /// Gives back the memory kept between accesses (caches, prepared statements, idle connections); the next
    /// access takes again what it needs. Waits for the accesses in progress.
    func releaseMemory()
    /// The store's own consistency check: "ok" when healthy.
    func integrityCheck() throws -> String
    /// Rewrites the store so that nothing deleted survives in its files. False when another process kept part
    /// of it busy (it is cleaned at the next opportunity).
    @discardableResult func reclaimFreeSpace() throws -> Bool
    /// Makes the deleted content of recent transactions unreadable from the store's logs. False when busy.
    @discardableResult func truncateLog() throws -> Bool
}

/// What can be read from the store, on one consistent snapshot (or inside a transaction, which sees its own
/// writes). Lists come in a stable order (by number, by id) unless a method says otherwise.
public protocol TicketSnapshot {
    // MARK: Tickets
    func ticket(ref: String) throws -> TicketRecord?
    func ticket(id: Int64) throws -> TicketRecord?
    /// Tickets by number, optionally of one status and severity.
    func tickets(status: TicketStatus?, severity: Severity?) throws -> [TicketRecord]
    /// Tickets by number.
    func tickets(ids: Set<Int64>) throws -> [TicketRecord]
    /// Every ticket's reference, by row id.
    func ticketRefs() throws -> [Int64: String]
    /// The values in force for a ticket, by field key.
    func currentFieldValues(ticketID: Int64) throws -> [String: FieldValueRecord]
    /// Every value a ticket's fields ever had, oldest first.
    func fieldValues(ticketID: Int64) throws -> [FieldValueRecord]
    /// A ticket's audit trail, oldest first.
    func events(ticketID: Int64) throws -> [EventRecord]

    // MARK: Messages
    /// Whether a message from this source was already stored (an IMAP position; a file is never a duplicate
    /// by its path).
    func hasMessage(from source: MessageSource) throws -> Bool
    /// Whether the same inbound message (same Message-ID and same bytes; bytes alone without a Message-ID) was
    /// already stored, from any source.
    func hasMessage(messageID: String?, sha256: String) throws -> Bool
    /// The first stored inbound message with this Message-ID and this author's digest (`sha256` of its author's
    /// fields and body, without what servers added): the same email taken from another of our mailboxes.
    func inboundCopy(messageID: String, authorSHA256: String) throws -> StoredCopy?
    /// The ticket of the newest stored message among `messageIDs` (ours or the customer's).
    func ticketID(ofNewestMessageAmong messageIDs: [String]) throws -> Int64?
    func message(id: Int64) throws -> MessageRecord?
    /// A ticket's messages, oldest first.
    func messages(ticketID: Int64) throws -> [MessageRecord]
    /// Attachment links of these messages, in the order they were stored.
    func attachmentLinks(messageIDs: Set<Int64>) throws -> [MessageAttachmentRecord]
    func attachment(sha256: String) throws -> AttachmentRecord?
    /// Stored sizes of attachment content, by SHA-256.
    func attachmentSizes(sha256s: Set<String>) throws -> [String: Int64]

    // MARK: Outbox
    /// Every answer, oldest first.
    func answers() throws -> [OutboxRecord]
    func answer(id: Int64) throws -> OutboxRecord?
    /// A ticket's answers, oldest first.
    func answers(ticketID: Int64) throws -> [OutboxRecord]
    /// Queued answers whose next attempt is due at `now`, the longest-waiting first.
    func dueAnswers(at now: Int64, limit: Int) throws -> [OutboxRecord]
    func outboxBacklog() throws -> OutboxBacklog
    /// Answers that went or go out (queued, sent, failed; not suppressed) created since `since`: to the mailbox
    /// of `recipient` (`OutboxRecord.mailboxKey`).
    func answerCount(toMailboxOf recipient: String, since: Int64) throws -> Int
    /// … to any mailbox of the recipient's domain (`OutboxRecord.domainKey`).
    func answerCount(toDomainOf recipient: String, since: Int64) throws -> Int
    /// … to anyone.
    func answerCount(since: Int64) throws -> Int
    /// … of one kind on one ticket.
    func answerCount(kind: AnswerKind, ticketID: Int64, since: Int64) throws -> Int

    // MARK: Intake state and health
    func mailboxState(_ mailbox: String) throws -> MailboxStateRecord?
    /// Counts and the oldest work, for `status` and the metrics (`now` decides what is overdue).
    func summary(now: Int64) throws -> StoreSummary

    // MARK: Personal data (SubjectScope, SubjectExport, SubjectErasure)
    /// Visits every message's row id, sender and raw bytes, by id (one at a time: the store is not loaded whole).
    func forEachMessage(_ visit: (_ id: Int64, _ fromAddress: String, _ raw: [UInt8]) throws -> Void) throws
    /// Visits every answer's row id, recipient and raw bytes, by id.
    func forEachAnswer(_ visit: (_ id: Int64, _ recipient: String, _ raw: [UInt8]) throws -> Void) throws
    /// Visits every value of every column of every table (the store's bookkeeping aside).
    func forEachValue(_ visit: (StoredValue) throws -> Void) throws
    /// Tickets whose reporter is `address` (compared lower-cased), by number.
    func tickets(reportedBy address: String) throws -> [TicketRecord]
    /// Row ids and copied addresses of tickets whose copied addresses contain `address` (lower-cased) as text.
    func copiedAddresses(containing address: String) throws -> [(id: Int64, copied: String)]
    /// Messages with one of `ids`, or newer than `afterID`, or sent from `address` (lower-cased), by id.
    func messages(ids: Set<Int64>, orAfter afterID: Int64, orFrom address: String) throws -> [MessageRecord]
    /// Messages with one of `ids`, by id.
    func messages(ids: Set<Int64>) throws -> [MessageRecord]
    /// Row ids of the messages filed on these tickets.
    func messageIDs(onTickets tickets: Set<Int64>) throws -> Set<Int64>
    /// Row ids of the messages sent from `address` (lower-cased) that are filed on none of `tickets`.
    func messageIDs(from address: String, notOnTickets tickets: Set<Int64>) throws -> Set<Int64>
    /// Answers to `address` (lower-cased), by id.
    func answers(to address: String) throws -> [OutboxRecord]
    /// Answers with one of `ids` or newer than `afterID`, not to `address` (lower-cased).
    func answers(ids: Set<Int64>, orAfter afterID: Int64, notTo address: String) throws -> [OutboxRecord]
    /// Row ids of the answers on these tickets.
    func answerIDs(onTickets tickets: Set<Int64>) throws -> [Int64]
    /// Ticket ids of the answers to `address` (lower-cased) on tickets other than `tickets` (one per answer).
    func answerTicketIDs(to address: String, notOnTickets tickets: Set<Int64>) throws -> [Int64]
    /// Events about one message (any ticket), oldest first.
    func events(messageID: Int64) throws -> [EventRecord]
    /// Events of one kind recorded at `since` or later, on any ticket or on none, oldest first (the
    /// `subject-erased` events a restore looks for before it applies an erasure again).
    func events(kind: TicketEventKind, since: Int64) throws -> [EventRecord]
    /// Events of one ticket about any of `messages`, oldest first.
    func events(ticketID: Int64, aboutAnyOf messages: Set<Int64>) throws -> [EventRecord]
    /// Values on one ticket that any of `messages` supplied, oldest first.
    func fieldValues(ticketID: Int64, suppliedByAnyOf messages: Set<Int64>) throws -> [FieldValueRecord]
    /// Values that any of `messages` supplied to tickets other than `tickets`.
    func fieldValues(
        suppliedByAnyOf messages: Set<Int64>, notOnTickets tickets: Set<Int64>
    ) throws
        -> [FieldValueRecord]
    /// The distinct content (SHA-256) these messages carry.
    func attachmentDigests(ofMessages messages: Set<Int64>) throws -> [String]
    /// Of `digests`, the content some message other than `messages` also carries.
    func attachmentDigests(among digests: [String], carriedOutside messages: Set<Int64>) throws -> Set<String>
    /// How many rows deleting `tickets` takes with it, table by table (`tickets` left empty).
    func dependents(ofTickets tickets: Set<Int64>) throws -> PurgeCounts
    /// Events on `tickets`, or on no ticket about one of `messages`.
    func eventCount(onTickets tickets: Set<Int64>, orLooseAbout messages: Set<Int64>) throws -> Int
    /// Answers on `tickets`, or to `address` (lower-cased).
    func answerCount(onTickets tickets: Set<Int64>, orTo address: String) throws -> Int

    // MARK: Staff workspace
    /// The queue: tickets matching `filter`, the most urgent first (past due first, then by due time; tickets
    /// without a running clock after them, oldest first).
    func queue(_ filter: QueueFilter) throws -> [TicketRecord]
    /// How many tickets match `filter`, however many the queue shows.
    func queueSize(_ filter: QueueFilter) throws -> Int
    /// How many tickets have each status (every status, zero included).
    func ticketCounts() throws -> [TicketStatus: Int]
    /// The categories tickets have, alphabetically.
    func ticketCategories() throws -> [String]
    /// The highest ticket row id (0 for none): a cheap "is there anything new" for the live queue.
    func newestTicketID() throws -> Int64
    /// Staff accounts by name.
    func staffMembers() throws -> [StaffRecord]
    /// The account with this login name (compared lower-cased).
    func staffMember(name: String) throws -> StaffRecord?
    func staffMember(id: Int64) throws -> StaffRecord?
    func staffSession(tokenHash: String) throws -> StaffSessionRecord?
    /// Failed logins for this name, or from this address, since `since`.
    func loginFailures(username: String, since: Int64) throws -> Int
    func loginFailures(address: String, since: Int64) throws -> Int

    // MARK: Retention
    /// Resolved, closed and redirected tickets last changed before `cutoff`, oldest change first.
    func expiredTickets(before cutoff: Int64, limit: Int?) throws -> [ExpiredTicket]
    /// Row ids of inbound messages filed on no ticket and received before `cutoff`, oldest first.
    func looseMessageIDs(before cutoff: Int64, limit: Int?) throws -> [Int64]
    /// Events on no ticket about one of `messages`.
    func looseEventCount(aboutAnyOf messages: Set<Int64>) throws -> Int
    /// Attachment content no message outside `tickets` and `messages` refers to.
    func orphanedAttachmentCount(ifDeleting tickets: Set<Int64>, andMessages messages: Set<Int64>) throws -> Int
}

/// A write transaction: everything `TicketSnapshot` reads (its own writes included), and the writes. The
/// transaction commits when the body given to `TicketStore.transaction` returns.
public protocol TicketTransaction: TicketSnapshot {
    /// Runs `body` so that, when it throws, what it did is undone and the rest of the transaction stays.
    func savepoint<T>(_ body: () throws -> T) throws -> T

    // MARK: Intake
    /// Stores an inbound message without its raw bytes (see `storeRaw`) and its attachments (content once per
    /// SHA-256); returns the message with its id.
    func insertMessage(_ message: MessageRecord, attachments: [StoredAttachment]) throws -> MessageRecord
    /// Writes the raw email of a message inserted with empty `raw`, without copying the bytes. Written last:
    /// a backend that rewrites whole rows would otherwise write a large email twice.
    func storeRaw(_ bytes: [UInt8], messageID: Int64) throws
    /// Stores a message unless one from the same source is stored already; returns its id, nil when ignored.
    func insertMessageUnlessKnown(_ message: MessageRecord) throws -> Int64?
    /// Files a stored message on a ticket (only that column is written).
    func file(messageID: Int64, onTicket ticketID: Int64) throws
    /// The next ticket number (numbers are never reused, even after erasure).
    func nextTicketNumber() throws -> Int64
    /// Stores a new ticket; returns it with its id.
    func insert(_ ticket: TicketRecord) throws -> TicketRecord
    func update(_ ticket: TicketRecord) throws
    /// Records `value` for `field`, superseding the value in force. Returns whether it changed and the previous
    /// value; an unchanged value records nothing.
    @discardableResult
    func setField(
        _ field: String, to value: String, source: String, ticketID: Int64, messageID: Int64?, at: Int64
    ) throws
        -> (changed: Bool, previous: String?)
    /// Appends an entry to the audit trail.
    func record(_ event: EventRecord) throws
    /// Stores an answer (queued or suppressed); returns it with its id.
    func queue(_ answer: OutboxRecord) throws -> OutboxRecord
    func saveMailboxState(_ state: MailboxStateRecord) throws

    // MARK: Relay
    /// Folds the relay's journal in: attempts counted, deliveries recorded (`answer-sent` events). Folding the
    /// same delivery twice records it once.
    func recordDeliveries(_ deliveries: [OutboxDelivery]) throws
    /// Records a failed attempt: retried later, or failed for good (`answer-retrying` on the first failure,
    /// `answer-failed` when giving up).
    func recordDeliveryFailure(_ failure: DeliveryFailureRecord) throws

    // MARK: Staff workspace
    /// Stores a new account; returns it with its id. Throws when the name is taken.
    func insert(_ staff: StaffRecord) throws -> StaffRecord
    func update(_ staff: StaffRecord) throws
    func insert(_ session: StaffSessionRecord) throws
    /// Marks the session used at `at` (its idle expiry counts from here).
    func touchSession(tokenHash: String, at: Int64) throws
    func deleteSession(tokenHash: String) throws
    /// Ends every session of one account (disabled, new password).
    func deleteSessions(staffID: Int64) throws
    /// Ends sessions idle since before `idleBefore` or created before `createdBefore`.
    func deleteExpiredSessions(idleBefore: Int64, createdBefore: Int64) throws
    func recordLoginFailure(username: String, address: String, at: Int64) throws
    /// Forgets failures older than `before`, and this name's after it logged in.
    func pruneLoginFailures(before: Int64, username: String?) throws

    // MARK: Personal data and retention
    func update(_ message: MessageRecord) throws
    func update(_ answer: OutboxRecord) throws
    func deleteTickets(ids: Set<Int64>) throws
    func deleteMessages(ids: Set<Int64>) throws
    func deleteFieldValues(ids: Set<Int64>) throws
    /// Puts the newest remaining value of `field` back in force on a ticket.
    func restoreNewestValue(of field: String, ticketID: Int64) throws
    /// Deletes the events on no ticket about any of `messages`.
    func deleteLooseEvents(aboutAnyOf messages: Set<Int64>) throws
    /// Deletes the answers to `address` (lower-cased) that are not on `tickets`.
    func deleteAnswers(to address: String, notOnTickets tickets: Set<Int64>) throws
    /// Deletes the content among `digests` no message refers to any more.
    func deleteUnreferencedAttachments(among digests: [String]) throws
    /// Deletes up to `limit` attachments no message refers to; returns how many.
    func deleteUnreferencedAttachments(limit: Int) throws -> Int
    /// Replaces text in every text value of every table that contains `needle` (lower-cased) or a percent
    /// escape: `replace` gets the column and the value and returns the new one, or nil to keep it. Returns how
    /// many values changed.
    func replaceTextValues(containing needle: String, _ replace: (StoredColumn, String) -> String?) throws -> Int
}

extension TicketTransaction {
    /// `setField` for a value whose source is not known.
    @discardableResult
    public func setField(
        _ field: String, to value: String, ticketID: Int64, messageID: Int64?, at: Int64
    ) throws -> (changed: Bool, previous: String?) {
        try setField(field, to: value, source: "", ticketID: ticketID, messageID: messageID, at: at)
    }
}

// One read or write as one call, for callers that need nothing else in the same snapshot or transaction.
extension TicketStore {
    public func ticket(ref: String) throws -> TicketRecord? { try snapshot { try $0.ticket(ref: ref) } }
    public func answers() throws -> [OutboxRecord] { try snapshot { try $0.answers() } }
    public func dueAnswers(at now: Int64, limit: Int) throws -> [OutboxRecord] {
        try snapshot { try $0.dueAnswers(at: now, limit: limit) }
    }
    public func outboxBacklog() throws -> OutboxBacklog { try snapshot { try $0.outboxBacklog() } }
    public func mailboxState(_ mailbox: String) throws -> MailboxStateRecord? {
        try snapshot { try $0.mailboxState(mailbox) }
    }
    public func summary(now: Int64) throws -> StoreSummary { try snapshot { try $0.summary(now: now) } }
    public func saveMailboxState(_ state: MailboxStateRecord) throws {
        try transaction { try $0.saveMailboxState(state) }
    }
    public func recordDeliveries(_ deliveries: [OutboxDelivery]) throws {
        try transaction { try $0.recordDeliveries(deliveries) }
    }
    public func recordDeliveryFailure(_ failure: DeliveryFailureRecord) throws {
        try transaction { try $0.recordDeliveryFailure(failure) }
    }
}
