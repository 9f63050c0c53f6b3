public import Foundation
public import GRDB

/// Ticket lifecycle states.
public enum TicketStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    /// Complete and being handled.
    case open
    /// Waiting for information from the reporter; the SLA clock is stopped.
    case suspended
    /// A password-reset request, answered with the reset instructions (not an incident).
    case redirected
    case resolved
    case closed
}

/// A ticket row.
public struct TicketRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ticket"
    public var id: Int64?
    public var number: Int64
    public var ref: String
    public var status: TicketStatus
    public var severity: String
    public var category: String
    public var reporterAddress: String
    public var reporterName: String?
    /// Space-separated, lower-cased.
    public var copiedAddresses: String
    public var subject: String
    /// Comma-separated field keys, in the profile's order.
    public var missing: String
    public var createdAt: Int64
    public var updatedAt: Int64
    public var slaStartedAt: Int64?
    public var slaConsumed: Int64
    public var dueAt: Int64?
    public var answersSent: Int64

    public var missingFields: [String] { missing.isEmpty ? [] : missing.split(separator: ",").map(String.init) }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An email, received or sent, with its raw bytes.
public struct MessageRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "message"
    public enum Direction: String, Codable, Sendable { case inbound = "in", outbound = "out" }
    public var id: Int64?
    public var ticketId: Int64?
    public var direction: Direction
    public var messageID: String?
    public var inReplyTo: String
    public var referenceIDs: String
    public var fromAddress: String
    public var subject: String
    public var automated: String?
    public var sourceMailbox: String?
    public var sourceUIDValidity: Int64?
    public var sourceUID: Int64?
    public var sourcePath: String?
    public var sha256: String
    public var raw: Data
    public var defects: String
    public var receivedAt: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Attachment content, stored once per SHA-256.
public struct AttachmentRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "attachment"
    public var sha256: String
    public var contentType: String
    public var size: Int64
    public var bytes: Data
}

/// Which message carried which attachment, under what name.
public struct MessageAttachmentRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "messageAttachment"
    public var id: Int64?
    public var messageId: Int64
    public var sha256: String
    public var part: String
    public var filename: String?
    public var declaredType: String
    public var isScreenshot: Bool
    public var width: Int64?
    public var height: Int64?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A field value with its provenance; `current` marks the value in force.
public struct FieldValueRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "fieldValue"
    public var id: Int64?
    public var ticketId: Int64
    public var messageId: Int64?
    public var field: String
    public var value: String
    public var recordedAt: Int64
    public var current: Bool

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One entry of a ticket's audit trail.
public struct EventRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var ticketId: Int64?
    public var messageId: Int64?
    public var at: Int64
    public var kind: String
    public var detail: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Outbox states.
public enum OutboxStatus: String, Sendable, Codable, DatabaseValueConvertible {
    case queued, sent, failed, suppressed
}

/// An automatic answer waiting to be sent (or sent, failed, suppressed): the complete message.
public struct OutboxRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"
    public var id: Int64?
    public var ticketId: Int64?
    public var kind: String
    public var recipient: String
    public var subject: String
    public var messageID: String
    public var raw: Data
    public var status: OutboxStatus
    public var attempts: Int64
    public var nextAttemptAt: Int64
    public var lastError: String?
    public var createdAt: Int64
    public var sentAt: Int64?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// IMAP state of one mailbox.
public struct MailboxStateRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mailboxState"
    public var mailbox: String
    public var uidValidity: Int64
    public var highestUID: Int64
    public var lastPollAt: Int64?
    public var lastError: String?
}
