/// Where an email came from: the duplicate check and the audit trail need to know.
public enum MessageSource: Sendable, Equatable {
    /// A position in an IMAP mailbox: the same UIDVALIDITY and UID are the same message.
    case imap(mailbox: String, uidValidity: Int64, uid: Int64)
    /// A file given to `helpdeskd ingest`.
    case file(path: String)
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
