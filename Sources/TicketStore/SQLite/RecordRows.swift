public import GRDB
public import Incident

// The records (Model/Records.swift) as SQLite rows, following GRDB's RecordRecommendedPractices: each record
// has an `enum Columns` (the one list of its columns, which the queries use too), and the closed sets stored
// in columns are enums.
//
// Rows are read and written column by column rather than through Codable: these records are written and read for
// every email, and GRDB's Codable path costs several times as much. A value that does not fit its property (a
// NULL, an unknown status or kind) throws, as Codable did. RecordColumnsTests checks that every column of every
// table is covered both ways.

extension TicketStatus: DatabaseValueConvertible {}
extension OutboxStatus: DatabaseValueConvertible {}
extension AnswerKind: DatabaseValueConvertible {}
extension TicketEventKind: DatabaseValueConvertible {}
extension MessageRecord.Direction: DatabaseValueConvertible {}
extension Severity: DatabaseValueConvertible {}
extension StaffRole: DatabaseValueConvertible {}

extension TicketRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "ticket"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, number, ref, status, severity, category, reporterAddress, reporterName, copiedAddresses, subject
        case missing, createdAt, updatedAt, slaStartedAt, slaConsumed, dueAt, answersSent, assignee
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        number = try row.decode(forColumn: Columns.number.rawValue)
        ref = try row.decode(forColumn: Columns.ref.rawValue)
        status = try row.decode(forColumn: Columns.status.rawValue)
        severity = try row.decode(forColumn: Columns.severity.rawValue)
        category = try row.decode(forColumn: Columns.category.rawValue)
        reporterAddress = try row.decode(forColumn: Columns.reporterAddress.rawValue)
        reporterName = try row.decode(forColumn: Columns.reporterName.rawValue)
        copiedAddresses = try row.decode(forColumn: Columns.copiedAddresses.rawValue)
        subject = try row.decode(forColumn: Columns.subject.rawValue)
        missing = try row.decode(forColumn: Columns.missing.rawValue)
        createdAt = try row.decode(forColumn: Columns.createdAt.rawValue)
        updatedAt = try row.decode(forColumn: Columns.updatedAt.rawValue)
        slaStartedAt = try row.decode(forColumn: Columns.slaStartedAt.rawValue)
        slaConsumed = try row.decode(forColumn: Columns.slaConsumed.rawValue)
        dueAt = try row.decode(forColumn: Columns.dueAt.rawValue)
        answersSent = try row.decode(forColumn: Columns.answersSent.rawValue)
        assignee = try row.decode(forColumn: Columns.assignee.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.number] = number
        container[Columns.ref] = ref
        container[Columns.status] = status
        container[Columns.severity] = severity
        container[Columns.category] = category
        container[Columns.reporterAddress] = reporterAddress
        container[Columns.reporterName] = reporterName
        container[Columns.copiedAddresses] = copiedAddresses
        container[Columns.subject] = subject
        container[Columns.missing] = missing
        container[Columns.createdAt] = createdAt
        container[Columns.updatedAt] = updatedAt
        container[Columns.slaStartedAt] = slaStartedAt
        container[Columns.slaConsumed] = slaConsumed
        container[Columns.dueAt] = dueAt
        container[Columns.answersSent] = answersSent
        container[Columns.assignee] = assignee
    }
}

extension MessageRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "message"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, ticketId, direction, messageID, inReplyTo, referenceIDs, fromAddress, subject, automated
        case sourceMailbox, sourceUIDValidity, sourceUID, sourcePath, sha256, raw, defects, receivedAt, authorSHA256
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        ticketId = try row.decode(forColumn: Columns.ticketId.rawValue)
        direction = try row.decode(forColumn: Columns.direction.rawValue)
        messageID = try row.decode(forColumn: Columns.messageID.rawValue)
        inReplyTo = try row.decode(forColumn: Columns.inReplyTo.rawValue)
        referenceIDs = try row.decode(forColumn: Columns.referenceIDs.rawValue)
        fromAddress = try row.decode(forColumn: Columns.fromAddress.rawValue)
        subject = try row.decode(forColumn: Columns.subject.rawValue)
        automated = try row.decode(forColumn: Columns.automated.rawValue)
        sourceMailbox = try row.decode(forColumn: Columns.sourceMailbox.rawValue)
        sourceUIDValidity = try row.decode(forColumn: Columns.sourceUIDValidity.rawValue)
        sourceUID = try row.decode(forColumn: Columns.sourceUID.rawValue)
        sourcePath = try row.decode(forColumn: Columns.sourcePath.rawValue)
        sha256 = try row.decode(forColumn: Columns.sha256.rawValue)
        authorSHA256 = try row.decode(forColumn: Columns.authorSHA256.rawValue)
        raw = try row.decode(forColumn: Columns.raw.rawValue)
        defects = try row.decode(forColumn: Columns.defects.rawValue)
        receivedAt = try row.decode(forColumn: Columns.receivedAt.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.ticketId] = ticketId
        container[Columns.direction] = direction
        container[Columns.messageID] = messageID
        container[Columns.inReplyTo] = inReplyTo
        container[Columns.referenceIDs] = referenceIDs
        container[Columns.fromAddress] = fromAddress
        container[Columns.subject] = subject
        container[Columns.automated] = automated
        container[Columns.sourceMailbox] = sourceMailbox
        container[Columns.sourceUIDValidity] = sourceUIDValidity
        container[Columns.sourceUID] = sourceUID
        container[Columns.sourcePath] = sourcePath
        container[Columns.sha256] = sha256
        container[Columns.authorSHA256] = authorSHA256
        container[Columns.raw] = raw
        container[Columns.defects] = defects
        container[Columns.receivedAt] = receivedAt
    }
}

extension MessageAttachmentRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "messageAttachment"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, messageId, sha256, part, filename, declaredType, isScreenshot, width, height, takenAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        messageId = try row.decode(forColumn: Columns.messageId.rawValue)
        sha256 = try row.decode(forColumn: Columns.sha256.rawValue)
        part = try row.decode(forColumn: Columns.part.rawValue)
        filename = try row.decode(forColumn: Columns.filename.rawValue)
        declaredType = try row.decode(forColumn: Columns.declaredType.rawValue)
        isScreenshot = try row.decode(forColumn: Columns.isScreenshot.rawValue)
        width = try row.decode(forColumn: Columns.width.rawValue)
        height = try row.decode(forColumn: Columns.height.rawValue)
        takenAt = try row.decode(forColumn: Columns.takenAt.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.messageId] = messageId
        container[Columns.sha256] = sha256
        container[Columns.part] = part
        container[Columns.filename] = filename
        container[Columns.declaredType] = declaredType
        container[Columns.isScreenshot] = isScreenshot
        container[Columns.width] = width
        container[Columns.height] = height
        container[Columns.takenAt] = takenAt
    }
}

extension FieldValueRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "fieldValue"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, ticketId, messageId, field, value, recordedAt, current, source
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        ticketId = try row.decode(forColumn: Columns.ticketId.rawValue)
        messageId = try row.decode(forColumn: Columns.messageId.rawValue)
        field = try row.decode(forColumn: Columns.field.rawValue)
        value = try row.decode(forColumn: Columns.value.rawValue)
        recordedAt = try row.decode(forColumn: Columns.recordedAt.rawValue)
        current = try row.decode(forColumn: Columns.current.rawValue)
        source = try row.decode(forColumn: Columns.source.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.ticketId] = ticketId
        container[Columns.messageId] = messageId
        container[Columns.field] = field
        container[Columns.value] = value
        container[Columns.recordedAt] = recordedAt
        container[Columns.current] = current
        container[Columns.source] = source
    }
}

extension EventRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, ticketId, messageId, at, kind, detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        ticketId = try row.decode(forColumn: Columns.ticketId.rawValue)
        messageId = try row.decode(forColumn: Columns.messageId.rawValue)
        at = try row.decode(forColumn: Columns.at.rawValue)
        kind = try row.decode(forColumn: Columns.kind.rawValue)
        detail = try row.decode(forColumn: Columns.detail.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.ticketId] = ticketId
        container[Columns.messageId] = messageId
        container[Columns.at] = at
        container[Columns.kind] = kind
        container[Columns.detail] = detail
    }
}

extension OutboxRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, ticketId, kind, recipient, recipientMailbox, recipientDomain, subject, messageID, raw, status
        case attempts, nextAttemptAt, lastError, createdAt, sentAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        ticketId = try row.decode(forColumn: Columns.ticketId.rawValue)
        kind = try row.decode(forColumn: Columns.kind.rawValue)
        recipient = try row.decode(forColumn: Columns.recipient.rawValue)
        subject = try row.decode(forColumn: Columns.subject.rawValue)
        messageID = try row.decode(forColumn: Columns.messageID.rawValue)
        raw = try row.decode(forColumn: Columns.raw.rawValue)
        status = try row.decode(forColumn: Columns.status.rawValue)
        attempts = try row.decode(forColumn: Columns.attempts.rawValue)
        nextAttemptAt = try row.decode(forColumn: Columns.nextAttemptAt.rawValue)
        lastError = try row.decode(forColumn: Columns.lastError.rawValue)
        createdAt = try row.decode(forColumn: Columns.createdAt.rawValue)
        sentAt = try row.decode(forColumn: Columns.sentAt.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.ticketId] = ticketId
        container[Columns.kind] = kind
        container[Columns.recipient] = recipient
        container[Columns.recipientMailbox] = OutboxRecord.mailboxKey(recipient)
        container[Columns.recipientDomain] = OutboxRecord.domainKey(recipient)
        container[Columns.subject] = subject
        container[Columns.messageID] = messageID
        container[Columns.raw] = raw
        container[Columns.status] = status
        container[Columns.attempts] = attempts
        container[Columns.nextAttemptAt] = nextAttemptAt
        container[Columns.lastError] = lastError
        container[Columns.createdAt] = createdAt
        container[Columns.sentAt] = sentAt
    }
}

extension AttachmentRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "attachment"

    public enum Columns: String, ColumnExpression, CaseIterable {
        case sha256, contentType, size, bytes
    }

    public init(row: Row) throws {
        sha256 = try row.decode(forColumn: Columns.sha256.rawValue)
        contentType = try row.decode(forColumn: Columns.contentType.rawValue)
        size = try row.decode(forColumn: Columns.size.rawValue)
        bytes = try row.decode(forColumn: Columns.bytes.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.sha256] = sha256
        container[Columns.contentType] = contentType
        container[Columns.size] = size
        container[Columns.bytes] = bytes
    }
}

extension MailboxStateRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mailboxState"

    public enum Columns: String, ColumnExpression, CaseIterable {
        case mailbox, uidValidity, highestUID, lastPollAt, lastError
    }

    public init(row: Row) throws {
        mailbox = try row.decode(forColumn: Columns.mailbox.rawValue)
        uidValidity = try row.decode(forColumn: Columns.uidValidity.rawValue)
        highestUID = try row.decode(forColumn: Columns.highestUID.rawValue)
        lastPollAt = try row.decode(forColumn: Columns.lastPollAt.rawValue)
        lastError = try row.decode(forColumn: Columns.lastError.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.mailbox] = mailbox
        container[Columns.uidValidity] = uidValidity
        container[Columns.highestUID] = highestUID
        container[Columns.lastPollAt] = lastPollAt
        container[Columns.lastError] = lastError
    }
}

extension StaffRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "staff"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case id, name, role, email, passwordHash, totpSecret, disabled, createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id.rawValue)
        name = try row.decode(forColumn: Columns.name.rawValue)
        role = try row.decode(forColumn: Columns.role.rawValue)
        email = try row.decode(forColumn: Columns.email.rawValue)
        passwordHash = try row.decode(forColumn: Columns.passwordHash.rawValue)
        totpSecret = try row.decode(forColumn: Columns.totpSecret.rawValue)
        disabled = try row.decode(forColumn: Columns.disabled.rawValue)
        createdAt = try row.decode(forColumn: Columns.createdAt.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.id] = id
        container[Columns.name] = name
        container[Columns.role] = role
        container[Columns.email] = email
        container[Columns.passwordHash] = passwordHash
        container[Columns.totpSecret] = totpSecret
        container[Columns.disabled] = disabled
        container[Columns.createdAt] = createdAt
    }
}

extension StaffSessionRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "staffSession"

    /// The table's columns.
    public enum Columns: String, ColumnExpression, CaseIterable {
        case tokenHash, staffId, csrfToken, createdAt, lastSeenAt
    }

    public init(row: Row) throws {
        tokenHash = try row.decode(forColumn: Columns.tokenHash.rawValue)
        staffId = try row.decode(forColumn: Columns.staffId.rawValue)
        csrfToken = try row.decode(forColumn: Columns.csrfToken.rawValue)
        createdAt = try row.decode(forColumn: Columns.createdAt.rawValue)
        lastSeenAt = try row.decode(forColumn: Columns.lastSeenAt.rawValue)
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.tokenHash] = tokenHash
        container[Columns.staffId] = staffId
        container[Columns.csrfToken] = csrfToken
        container[Columns.createdAt] = createdAt
        container[Columns.lastSeenAt] = lastSeenAt
    }
}
