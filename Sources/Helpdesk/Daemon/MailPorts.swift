/// The mailbox as the poller needs it. `IMAPMailbox` is the real one; tests may use others.
public protocol IncomingMailbox: AnyObject {
    /// Selects the mailbox; returns its UIDVALIDITY and the UID the next message will get.
    func openMailbox() throws -> (uidValidity: UInt32, uidNext: UInt32)
    /// Every UID in the mailbox from `from` up to (excluding) `uidNext`, ascending.
    func listUIDs(from: UInt32, below uidNext: UInt32) throws -> [UInt32]
    /// The message's size in bytes, or nil when the message is gone.
    func messageSize(uid: UInt32) throws -> Int?
    /// The sizes of several messages (absent: gone); the default asks `messageSize` for each.
    func messageSizes(uids: [UInt32]) throws -> [UInt32: Int]
    /// The whole message.
    func fetchMessage(uid: UInt32) throws -> [UInt8]
    /// The header section only (for messages too large to fetch).
    func fetchHeader(uid: UInt32) throws -> [UInt8]
    /// Moves the message out of the mailbox (after it was stored).
    func moveMessage(uid: UInt32, to folder: String) throws
    /// Moves several messages out of the mailbox with one command (after they were all stored).
    func moveMessages(uids: [UInt32], to folder: String) throws
    /// Adds a keyword instead of moving (`imap.mark_only`).
    func markMessage(uid: UInt32, keyword: String) throws
    func closeMailbox()
}

/// Says when new mail arrives (IMAP IDLE), so the poller need not wait out its interval.
public protocol MailboxWatcher: AnyObject {
    /// Blocks up to `timeout`; true when mail newer than `knownUIDNext` (from the last
    /// `openMailbox()`) arrived, or arrives meanwhile.
    func waitForNewMail(timeout: Duration, knownUIDNext: UInt32?) throws -> Bool
    func closeWatcher()
}

/// Thrown by a `MailboxWatcher` whose server refuses to watch (no IDLE): poll instead.
public struct WatchUnsupported: Error {
    public init() {}
}

extension IncomingMailbox {
    public func messageSizes(uids: [UInt32]) throws -> [UInt32: Int] {
        var sizes: [UInt32: Int] = [:]
        for uid in uids { sizes[uid] = try messageSize(uid: uid) }
        return sizes
    }

    /// One command per message, for mailboxes that have no batch command.
    public func moveMessages(uids: [UInt32], to folder: String) throws {
        for uid in uids { try moveMessage(uid: uid, to: folder) }
    }
}

/// The SMTP side as the relay needs it. `SMTPSender` is the real one.
public protocol OutgoingMail: AnyObject {
    /// Sends one message to one recipient; throws `DeliveryFailure`.
    func deliver(raw: [UInt8], to recipient: String) throws
    func closeConnection()
}

/// Why a delivery failed, as the relay decides what to do next.
public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    /// True for 4xx replies and connection problems: try again later. False for 5xx: give up.
    public var isTemporary: Bool
    public var description: String

    public init(isTemporary: Bool, description: String) {
        self.isTemporary = isTemporary
        self.description = description
    }
}
