/// Values the store hands out that are not rows of one table: summaries, what a batch deleted, a stored value
/// of any column. Plain values, the same whatever the backend.

/// The health of intake as the store records it: `helpdeskd status` and the metrics gauges read it.
public struct StoreSummary: Sendable, Equatable {
    /// IMAP state per mailbox.
    public var mailboxes: [MailboxStateRecord] = []
    /// Tickets by status (every status, zero included).
    public var tickets: [TicketStatus: Int] = [:]
    /// Answers by outbox status (every status, zero included).
    public var outbox: [OutboxStatus: Int] = [:]
    /// The queued answer waiting longest.
    public var oldestQueued: OutboxRecord?
    /// Open tickets past their due time, most overdue first.
    public var slaBreaches: [TicketRecord] = []
    /// Emails recorded as quarantined.
    public var quarantined = 0

    public init() {}
}

/// What the relay has to do: how many answers wait, and when the next one is due.
public struct OutboxBacklog: Sendable, Equatable {
    public var queued: Int
    /// Seconds since 1970 of the earliest `nextAttemptAt` among queued answers.
    public var nextAttemptAt: Int64?

    public init(queued: Int, nextAttemptAt: Int64?) {
        self.queued = queued
        self.nextAttemptAt = nextAttemptAt
    }
}

/// What the relay did with an answer, as its journal records it and the store folds it in.
public enum OutboxDelivery: Sendable, Equatable {
    /// The answer (outbox row id) is about to be sent: one more attempt.
    case attempt(Int64)
    /// The server accepted it at this time (seconds since 1970).
    case delivered(Int64, at: Int64)
}

/// A failed delivery attempt, as the relay decided to record it.
public struct DeliveryFailureRecord: Sendable, Equatable {
    public var answer: OutboxRecord
    public var reason: String
    /// Temporary failures retry at `nextAttemptAt`; otherwise the answer fails for good.
    public var givingUp: Bool
    public var nextAttemptAt: Int64
    public var at: Int64

    public init(answer: OutboxRecord, reason: String, givingUp: Bool, nextAttemptAt: Int64, at: Int64) {
        self.answer = answer
        self.reason = reason
        self.givingUp = givingUp
        self.nextAttemptAt = nextAttemptAt
        self.at = at
    }
}

/// A ticket the retention period expired.
public struct ExpiredTicket: Sendable, Equatable {
    public var id: Int64
    public var ref: String
    public var status: TicketStatus
    public var updatedAt: Int64

    public init(id: Int64, ref: String, status: TicketStatus, updatedAt: Int64) {
        self.id = id
        self.ref = ref
        self.status = status
        self.updatedAt = updatedAt
    }
}

/// What one purge step deleted (or, planned, would delete).
public struct PurgeCounts: Sendable, Equatable {
    public var tickets: [ExpiredTicket] = []
    /// Messages, on the tickets and filed on no ticket.
    public var messages = 0
    /// Of `messages`, those filed on no ticket.
    public var looseMessages = 0
    public var outboxRows = 0
    public var fieldValues = 0
    public var events = 0
    public var attachments = 0

    public init() {}
}

/// A table and one of its columns, as the store names them (for privacy scans over every value).
public struct StoredColumn: Sendable, Hashable, CustomStringConvertible {
    public var table: String
    public var column: String

    public init(table: String, column: String) {
        self.table = table
        self.column = column
    }

    public var description: String { "\(table).\(column)" }
}

/// One value of one row, whatever its table: text, or bytes.
public struct StoredValue: Sendable {
    public enum Content: Sendable {
        case text(String)
        case bytes([UInt8])
    }

    public var column: StoredColumn
    /// The row's key within its table.
    public var rowID: Int64
    public var content: Content

    public init(column: StoredColumn, rowID: Int64, content: Content) {
        self.column = column
        self.rowID = rowID
        self.content = content
    }
}

/// An attachment stored with a message: the content (stored once per SHA-256) and how the message carried it.
public struct StoredAttachment: Sendable {
    public var sha256: String
    /// The type the bytes show, else the declared one: what the content is stored as.
    public var contentType: String
    public var bytes: [UInt8]
    /// The part path, the file name and the declared type, and the screenshot's size when it is one.
    public var link: MessageAttachmentRecord

    public init(sha256: String, contentType: String, bytes: [UInt8], link: MessageAttachmentRecord) {
        self.sha256 = sha256
        self.contentType = contentType
        self.bytes = bytes
        self.link = link
    }
}
