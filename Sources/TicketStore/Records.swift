public import Foundation
import MIME
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

    public init(
        id: Int64? = nil, number: Int64, ref: String, status: TicketStatus, severity: String, category: String,
        reporterAddress: String, reporterName: String? = nil, copiedAddresses: String, subject: String, missing: String,
        createdAt: Int64, updatedAt: Int64, slaStartedAt: Int64? = nil, slaConsumed: Int64, dueAt: Int64? = nil,
        answersSent: Int64
    ) {
        self.id = id
        self.number = number
        self.ref = ref
        self.status = status
        self.severity = severity
        self.category = category
        self.reporterAddress = reporterAddress
        self.reporterName = reporterName
        self.copiedAddresses = copiedAddresses
        self.subject = subject
        self.missing = missing
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.slaStartedAt = slaStartedAt
        self.slaConsumed = slaConsumed
        self.dueAt = dueAt
        self.answersSent = answersSent
    }
}

/// An email, received or sent, with its raw bytes.
public struct MessageRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "message"
    public enum Direction: String, Codable, Sendable, DatabaseValueConvertible {
        case inbound = "in"
        case outbound = "out"
    }
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

    public init(
        id: Int64? = nil, ticketId: Int64? = nil, direction: Direction, messageID: String? = nil, inReplyTo: String,
        referenceIDs: String, fromAddress: String, subject: String, automated: String? = nil,
        sourceMailbox: String? = nil, sourceUIDValidity: Int64? = nil, sourceUID: Int64? = nil,
        sourcePath: String? = nil, sha256: String, raw: Data, defects: String, receivedAt: Int64
    ) {
        self.id = id
        self.ticketId = ticketId
        self.direction = direction
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.referenceIDs = referenceIDs
        self.fromAddress = fromAddress
        self.subject = subject
        self.automated = automated
        self.sourceMailbox = sourceMailbox
        self.sourceUIDValidity = sourceUIDValidity
        self.sourceUID = sourceUID
        self.sourcePath = sourcePath
        self.sha256 = sha256
        self.raw = raw
        self.defects = defects
        self.receivedAt = receivedAt
    }
}

/// Attachment content, stored once per SHA-256.
public struct AttachmentRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "attachment"
    public var sha256: String
    public var contentType: String
    public var size: Int64
    public var bytes: Data

    public init(
        sha256: String, contentType: String, size: Int64, bytes: Data
    ) {
        self.sha256 = sha256
        self.contentType = contentType
        self.size = size
        self.bytes = bytes
    }
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

    public init(
        id: Int64? = nil, messageId: Int64, sha256: String, part: String, filename: String? = nil, declaredType: String,
        isScreenshot: Bool, width: Int64? = nil, height: Int64? = nil
    ) {
        self.id = id
        self.messageId = messageId
        self.sha256 = sha256
        self.part = part
        self.filename = filename
        self.declaredType = declaredType
        self.isScreenshot = isScreenshot
        self.width = width
        self.height = height
    }
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

    public init(
        id: Int64? = nil, ticketId: Int64, messageId: Int64? = nil, field: String, value: String, recordedAt: Int64,
        current: Bool
    ) {
        self.id = id
        self.ticketId = ticketId
        self.messageId = messageId
        self.field = field
        self.value = value
        self.recordedAt = recordedAt
        self.current = current
    }
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

    public init(
        id: Int64? = nil, ticketId: Int64? = nil, messageId: Int64? = nil, at: Int64, kind: String, detail: String
    ) {
        self.id = id
        self.ticketId = ticketId
        self.messageId = messageId
        self.at = at
        self.kind = kind
        self.detail = detail
    }
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

    public init(
        id: Int64? = nil, ticketId: Int64? = nil, kind: String, recipient: String, subject: String, messageID: String,
        raw: Data, status: OutboxStatus, attempts: Int64, nextAttemptAt: Int64, lastError: String? = nil,
        createdAt: Int64, sentAt: Int64? = nil
    ) {
        self.id = id
        self.ticketId = ticketId
        self.kind = kind
        self.recipient = recipient
        self.subject = subject
        self.messageID = messageID
        self.raw = raw
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}

/// IMAP state of one mailbox.
public struct MailboxStateRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mailboxState"
    public var mailbox: String
    public var uidValidity: Int64
    public var highestUID: Int64
    public var lastPollAt: Int64?
    public var lastError: String?

    public init(
        mailbox: String, uidValidity: Int64, highestUID: Int64, lastPollAt: Int64? = nil, lastError: String? = nil
    ) {
        self.mailbox = mailbox
        self.uidValidity = uidValidity
        self.highestUID = highestUID
        self.lastPollAt = lastPollAt
        self.lastError = lastError
    }
}

// Rows are read and written column by column rather than through Codable: these records are written and read for
// every email, and GRDB's Codable path costs several times as much. A value that does not fit its property (a
// NULL, an unknown status) throws, as Codable did. RecordColumnsTests checks that every column of every table
// is covered both ways.

extension TicketRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        number = try row.decode(forColumn: "number")
        ref = try row.decode(forColumn: "ref")
        status = try row.decode(forColumn: "status")
        severity = try row.decode(forColumn: "severity")
        category = try row.decode(forColumn: "category")
        reporterAddress = try row.decode(forColumn: "reporterAddress")
        reporterName = try row.decode(forColumn: "reporterName")
        copiedAddresses = try row.decode(forColumn: "copiedAddresses")
        subject = try row.decode(forColumn: "subject")
        missing = try row.decode(forColumn: "missing")
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
        slaStartedAt = try row.decode(forColumn: "slaStartedAt")
        slaConsumed = try row.decode(forColumn: "slaConsumed")
        dueAt = try row.decode(forColumn: "dueAt")
        answersSent = try row.decode(forColumn: "answersSent")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["number"] = number
        container["ref"] = ref
        container["status"] = status
        container["severity"] = severity
        container["category"] = category
        container["reporterAddress"] = reporterAddress
        container["reporterName"] = reporterName
        container["copiedAddresses"] = copiedAddresses
        container["subject"] = subject
        container["missing"] = missing
        container["createdAt"] = createdAt
        container["updatedAt"] = updatedAt
        container["slaStartedAt"] = slaStartedAt
        container["slaConsumed"] = slaConsumed
        container["dueAt"] = dueAt
        container["answersSent"] = answersSent
    }
}

extension MessageRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        ticketId = try row.decode(forColumn: "ticketId")
        direction = try row.decode(forColumn: "direction")
        messageID = try row.decode(forColumn: "messageID")
        inReplyTo = try row.decode(forColumn: "inReplyTo")
        referenceIDs = try row.decode(forColumn: "referenceIDs")
        fromAddress = try row.decode(forColumn: "fromAddress")
        subject = try row.decode(forColumn: "subject")
        automated = try row.decode(forColumn: "automated")
        sourceMailbox = try row.decode(forColumn: "sourceMailbox")
        sourceUIDValidity = try row.decode(forColumn: "sourceUIDValidity")
        sourceUID = try row.decode(forColumn: "sourceUID")
        sourcePath = try row.decode(forColumn: "sourcePath")
        sha256 = try row.decode(forColumn: "sha256")
        raw = try row.decode(forColumn: "raw")
        defects = try row.decode(forColumn: "defects")
        receivedAt = try row.decode(forColumn: "receivedAt")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ticketId"] = ticketId
        container["direction"] = direction
        container["messageID"] = messageID
        container["inReplyTo"] = inReplyTo
        container["referenceIDs"] = referenceIDs
        container["fromAddress"] = fromAddress
        container["subject"] = subject
        container["automated"] = automated
        container["sourceMailbox"] = sourceMailbox
        container["sourceUIDValidity"] = sourceUIDValidity
        container["sourceUID"] = sourceUID
        container["sourcePath"] = sourcePath
        container["sha256"] = sha256
        container["raw"] = raw
        container["defects"] = defects
        container["receivedAt"] = receivedAt
    }
}

extension MessageAttachmentRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        messageId = try row.decode(forColumn: "messageId")
        sha256 = try row.decode(forColumn: "sha256")
        part = try row.decode(forColumn: "part")
        filename = try row.decode(forColumn: "filename")
        declaredType = try row.decode(forColumn: "declaredType")
        isScreenshot = try row.decode(forColumn: "isScreenshot")
        width = try row.decode(forColumn: "width")
        height = try row.decode(forColumn: "height")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["messageId"] = messageId
        container["sha256"] = sha256
        container["part"] = part
        container["filename"] = filename
        container["declaredType"] = declaredType
        container["isScreenshot"] = isScreenshot
        container["width"] = width
        container["height"] = height
    }
}

extension FieldValueRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        ticketId = try row.decode(forColumn: "ticketId")
        messageId = try row.decode(forColumn: "messageId")
        field = try row.decode(forColumn: "field")
        value = try row.decode(forColumn: "value")
        recordedAt = try row.decode(forColumn: "recordedAt")
        current = try row.decode(forColumn: "current")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ticketId"] = ticketId
        container["messageId"] = messageId
        container["field"] = field
        container["value"] = value
        container["recordedAt"] = recordedAt
        container["current"] = current
    }
}

extension EventRecord {
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        ticketId = try row.decode(forColumn: "ticketId")
        messageId = try row.decode(forColumn: "messageId")
        at = try row.decode(forColumn: "at")
        kind = try row.decode(forColumn: "kind")
        detail = try row.decode(forColumn: "detail")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ticketId"] = ticketId
        container["messageId"] = messageId
        container["at"] = at
        container["kind"] = kind
        container["detail"] = detail
    }
}

extension OutboxRecord {
    /// The inbox an answer reaches, as the answer caps count it (`MailAddress.mailbox`: no `+tag`, ASCII lower
    /// case, IDNA domain); derived from `recipient`, stored for the count's index.
    static func mailboxKey(_ recipient: String) -> String {
        MailAddress(name: nil, address: recipient).mailbox ?? recipient.lowercased()
    }

    /// The recipient's domain in IDNA ASCII form, for the per-domain cap.
    static func domainKey(_ recipient: String) -> String {
        MailAddress(name: nil, address: recipient).asciiDomain ?? ""
    }

    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        ticketId = try row.decode(forColumn: "ticketId")
        kind = try row.decode(forColumn: "kind")
        recipient = try row.decode(forColumn: "recipient")
        subject = try row.decode(forColumn: "subject")
        messageID = try row.decode(forColumn: "messageID")
        raw = try row.decode(forColumn: "raw")
        status = try row.decode(forColumn: "status")
        attempts = try row.decode(forColumn: "attempts")
        nextAttemptAt = try row.decode(forColumn: "nextAttemptAt")
        lastError = try row.decode(forColumn: "lastError")
        createdAt = try row.decode(forColumn: "createdAt")
        sentAt = try row.decode(forColumn: "sentAt")
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["ticketId"] = ticketId
        container["kind"] = kind
        container["recipient"] = recipient
        container["recipientMailbox"] = Self.mailboxKey(recipient)
        container["recipientDomain"] = Self.domainKey(recipient)
        container["subject"] = subject
        container["messageID"] = messageID
        container["raw"] = raw
        container["status"] = status
        container["attempts"] = attempts
        container["nextAttemptAt"] = nextAttemptAt
        container["lastError"] = lastError
        container["createdAt"] = createdAt
        container["sentAt"] = sentAt
    }
}
