import Mail
import OAuth

/// The IMAP mailbox of an `auth = "oauth2"` login: an `IMAPMailbox` logged in with the provider's access token,
/// replaced by a new login when the provider has renewed the token (checked as each poll opens the mailbox, so a
/// poll never runs on a token about to expire), and after the server refused the token (it is dropped: the next
/// login asks the provider for a new one).
///
/// Concurrency: as `IMAPMailbox`, owned by the poller's lane.
final class TokenIMAPMailbox: IncomingMailbox {
    let provider: TokenProvider
    private let login: (Secret) throws -> IMAPMailbox
    private var mailbox: IMAPMailbox?
    private var token: Secret?

    init(provider: TokenProvider, login: @escaping (Secret) throws -> IMAPMailbox) {
        self.provider = provider
        self.login = login
    }

    /// The logged-in mailbox, with the provider's current token.
    private func current() throws -> IMAPMailbox {
        let fresh = try provider.accessToken(now: WallClock.seconds()).token
        if let mailbox, fresh == token { return mailbox }
        mailbox?.close()
        let created = try login(fresh)
        mailbox = created
        token = fresh
        return created
    }

    /// Runs `operation` on the mailbox; a refused token is dropped so that the next attempt gets a new one.
    private func using<T>(renew: Bool = false, _ operation: (IMAPMailbox) throws -> T) throws -> T {
        let mailbox: IMAPMailbox
        if !renew, let open = self.mailbox {
            mailbox = open
        } else {
            mailbox = try current()
        }
        do {
            return try operation(mailbox)
        } catch let error as MailError where error.code == .authentication {
            if let token { provider.invalidate(token) }
            closeMailbox()
            throw error
        }
    }

    func openMailbox() throws -> (uidValidity: UInt32, uidNext: UInt32) {
        try using(renew: true) { mailbox in
            let status = try mailbox.open()
            return (status.uidValidity, status.uidNext)
        }
    }
    func listUIDs(from: UInt32, below uidNext: UInt32) throws -> [UInt32] {
        try using { try $0.allUIDs(from: max(1, from), below: uidNext) }
    }
    func messageSize(uid: UInt32) throws -> Int? { try using { try $0.size(uid: uid) } }
    func messageSizes(uids: [UInt32]) throws -> [UInt32: Int] { try using { try $0.sizes(uids: uids) } }
    func fetchMessage(uid: UInt32) throws -> [UInt8] { try using { try $0.fetch(uid: uid) } }
    func fetchHeader(uid: UInt32) throws -> [UInt8] { try using { try $0.header(uid: uid) } }
    func moveMessage(uid: UInt32, to folder: String) throws { _ = try using { try $0.move(uid: uid, to: folder) } }
    func moveMessages(uids: [UInt32], to folder: String) throws { try using { try $0.move(uids: uids, to: folder) } }
    func markMessage(uid: UInt32, keyword: String) throws {
        try using { try $0.addKeyword(uid: uid, keyword: keyword) }
    }
    func closeMailbox() {
        mailbox?.close()
        mailbox = nil
        token = nil
    }
}

/// The SMTP side of an `auth = "oauth2"` login: like `TokenIMAPMailbox`, a new login when the provider renewed
/// the token (checked before each send). A refused token, or no token at all, is a temporary failure: the answer
/// waits in the outbox until a login works again, it is never given up for it.
final class TokenSMTPSender: OutgoingMail {
    let provider: TokenProvider
    private let login: (Secret) throws -> SMTPSender
    private var sender: SMTPSender?
    private var token: Secret?

    init(provider: TokenProvider, login: @escaping (Secret) throws -> SMTPSender) {
        self.provider = provider
        self.login = login
    }

    func deliver(raw: [UInt8], to recipient: String) throws {
        let sender: SMTPSender
        do {
            let fresh = try provider.accessToken(now: WallClock.seconds()).token
            if let current = self.sender, fresh == token {
                sender = current
            } else {
                self.sender?.close()
                sender = try login(fresh)
                self.sender = sender
                token = fresh
            }
        } catch {
            throw DeliveryFailure(isTemporary: true, description: "no OAuth token for SMTP: \(error)")
        }
        do {
            try sender.send(raw: raw, to: recipient)
        } catch  where error.code == .authentication {
            if let token { provider.invalidate(token) }
            closeConnection()
            throw DeliveryFailure(isTemporary: true, description: error.description)
        } catch {
            throw DeliveryFailure(isTemporary: error.isTransient, description: error.description)
        }
    }

    func closeConnection() {
        sender?.close()
        sender = nil
        token = nil
    }
}
