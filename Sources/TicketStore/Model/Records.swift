public import Foundation
public import Incident
import MIME

// The records are plain values: what a ticket, a message, an answer is. How they are kept is the backend's
// business (`SQLite/RecordRows.swift` maps them to SQLite rows); nothing here knows about SQL.

/// Ticket lifecycle states (README, "Statuses"). `TicketWorkflow` is the only writer of a ticket's status.
public enum TicketStatus: String, Sendable, Codable, CaseIterable {
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
public struct TicketRecord: Sendable, Equatable {
    public var id: Int64?
    public var number: Int64
    public var ref: String
    public var status: TicketStatus
    public var severity: Severity
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
    /// The staff member working the ticket (`StaffRecord.name`), nil when nobody is.
    public var assignee: String?

    public init(
        id: Int64? = nil, number: Int64, ref: String, status: TicketStatus, severity: Severity, category: String,
        reporterAddress: String, reporterName: String? = nil, copiedAddresses: String, subject: String, missing: String,
        createdAt: Int64, updatedAt: Int64, slaStartedAt: Int64? = nil, slaConsumed: Int64, dueAt: Int64? = nil,
        answersSent: Int64, assignee: String? = nil
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
        self.assignee = assignee
    }
}

/// An email, received or sent, with its raw bytes.
public struct MessageRecord: Sendable, Equatable {
    public enum Direction: String, Sendable, CaseIterable {
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
    /// SHA-256 of what the author wrote (their header fields and the body, without what servers added): the
    /// same for each copy of one email delivered to several of our mailboxes. Nil for messages stored before
    /// schema v5 and for those not taken by intake (quarantined).
    public var authorSHA256: String?
    public var raw: Data
    public var defects: String
    public var receivedAt: Int64

    public init(
        id: Int64? = nil, ticketId: Int64? = nil, direction: Direction, messageID: String? = nil, inReplyTo: String,
        referenceIDs: String, fromAddress: String, subject: String, automated: String? = nil,
        sourceMailbox: String? = nil, sourceUIDValidity: Int64? = nil, sourceUID: Int64? = nil,
        sourcePath: String? = nil, sha256: String, authorSHA256: String? = nil, raw: Data, defects: String,
        receivedAt: Int64
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
        self.authorSHA256 = authorSHA256
        self.raw = raw
        self.defects = defects
        self.receivedAt = receivedAt
    }
}

/// Attachment content, stored once per SHA-256.
public struct AttachmentRecord: Sendable, Equatable {
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
public struct MessageAttachmentRecord: Sendable, Equatable {
    public var id: Int64?
    public var messageId: Int64
    public var sha256: String
    public var part: String
    public var filename: String?
    public var declaredType: String
    public var isScreenshot: Bool
    public var width: Int64?
    public var height: Int64?
    /// When the screenshot was taken (its EXIF data or file name), seconds since 1970, if known.
    public var takenAt: Int64?

    public init(
        id: Int64? = nil, messageId: Int64, sha256: String, part: String, filename: String? = nil, declaredType: String,
        isScreenshot: Bool, width: Int64? = nil, height: Int64? = nil, takenAt: Int64? = nil
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
        self.takenAt = takenAt
    }
}

/// A field value with its provenance; `current` marks the value in force.
public struct FieldValueRecord: Sendable, Equatable {
    public var id: Int64?
    public var ticketId: Int64
    public var messageId: Int64?
    public var field: String
    public var value: String
    public var recordedAt: Int64
    public var current: Bool
    /// How the value was read from its message ("label “Session ID”: Session ID: 7f3c…"), "" when not known
    /// (values stored before the workspace, or set otherwise). It quotes the message: personal data like the value.
    public var source: String

    public init(
        id: Int64? = nil, ticketId: Int64, messageId: Int64? = nil, field: String, value: String, recordedAt: Int64,
        current: Bool, source: String = ""
    ) {
        self.id = id
        self.ticketId = ticketId
        self.messageId = messageId
        self.field = field
        self.value = value
        self.recordedAt = recordedAt
        self.current = current
        self.source = source
    }
}

/// One entry of a ticket's audit trail.
public struct EventRecord: Sendable, Equatable {
    public var id: Int64?
    public var ticketId: Int64?
    public var messageId: Int64?
    public var at: Int64
    public var kind: TicketEventKind
    public var detail: String

    public init(
        id: Int64? = nil, ticketId: Int64? = nil, messageId: Int64? = nil, at: Int64, kind: TicketEventKind,
        detail: String
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
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting to be sent (or retried at `nextAttemptAt`).
    case queued
    /// The server accepted it.
    case sent
    /// Given up: a permanent refusal, or temporary ones for too long.
    case failed
    /// Never sent: an answer cap or our own address (`lastError` says which).
    case suppressed
}

/// An automatic answer waiting to be sent (or sent, failed, suppressed): the complete message.
public struct OutboxRecord: Sendable, Equatable {
    public var id: Int64?
    public var ticketId: Int64?
    public var kind: AnswerKind
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

    public init(
        id: Int64? = nil, ticketId: Int64? = nil, kind: AnswerKind, recipient: String, subject: String,
        messageID: String,
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
public struct MailboxStateRecord: Sendable, Equatable {
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

extension TicketRecord {
    public var missingFields: [String] { missing.isEmpty ? [] : missing.split(separator: ",").map(String.init) }

    /// Whether the author `identity` (`MailAddress.identity`) is on this ticket: the reporter or someone the reporter
    /// copied. Stored addresses are compared in the same form.
    public func accepts(_ identity: String) -> Bool {
        func same(_ stored: Substring) -> Bool {
            (MailAddress(name: nil, address: String(stored)).identity ?? String(stored)) == identity
        }
        return same(reporterAddress[...]) || copiedAddresses.split(separator: " ").contains(where: same)
    }
}

extension OutboxRecord {
    /// The inbox an answer reaches, as the answer caps count it (`MailAddress.mailbox`: no `+tag`, ASCII lower
    /// case, IDNA domain); derived from `recipient`, stored for the count's index.
    public static func mailboxKey(_ recipient: String) -> String {
        MailAddress(name: nil, address: recipient).mailbox ?? recipient.lowercased()
    }

    /// The recipient's domain in IDNA ASCII form, for the per-domain cap.
    public static func domainKey(_ recipient: String) -> String {
        MailAddress(name: nil, address: recipient).asciiDomain ?? ""
    }
}
