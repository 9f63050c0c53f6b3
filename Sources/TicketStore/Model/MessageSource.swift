/// Where an email came from: the duplicate check and the audit trail need to know.
public enum MessageSource: Sendable, Equatable {
    /// A position in an IMAP mailbox: the same UIDVALIDITY and UID are the same message.
    case imap(mailbox: String, uidValidity: Int64, uid: Int64)
    /// A file given to `helpdeskd ingest`.
    case file(path: String)

    /// The IMAP mailbox, for a message taken from one.
    public var mailbox: String? {
        if case .imap(let mailbox, _, _) = self { return mailbox }
        return nil
    }
}

extension MessageRecord {
    /// Records where the message came from.
    public mutating func setSource(_ source: MessageSource) {
        switch source {
        case .imap(let mailbox, let uidValidity, let uid):
            sourceMailbox = mailbox
            sourceUIDValidity = uidValidity
            sourceUID = uid
        case .file(let path):
            sourcePath = path
        }
    }
}

/// Where a stored inbound message is: its row, its ticket, the mailbox it came from (`inboundCopy`).
public struct StoredCopy: Sendable, Equatable {
    public var messageID: Int64
    public var ticketID: Int64?
    public var sourceMailbox: String?

    public init(messageID: Int64, ticketID: Int64?, sourceMailbox: String?) {
        self.messageID = messageID
        self.ticketID = ticketID
        self.sourceMailbox = sourceMailbox
    }
}
