import Foundation
public import Mail

/// The real mailbox: libcurl IMAP.
extension IMAPMailbox: IncomingMailbox {
    public func openMailbox() throws -> (uidValidity: UInt32, uidNext: UInt32) {
        let status = try open()
        return (status.uidValidity, status.uidNext)
    }
    public func listUIDs(from: UInt32, below uidNext: UInt32) throws -> [UInt32] {
        try allUIDs(from: max(1, from), below: uidNext)
    }
    public func messageSize(uid: UInt32) throws -> Int? { try size(uid: uid) }
    public func messageSizes(uids: [UInt32]) throws -> [UInt32: Int] { try sizes(uids: uids) }
    public func fetchMessage(uid: UInt32) throws -> [UInt8] { try fetch(uid: uid) }
    public func fetchHeader(uid: UInt32) throws -> [UInt8] { try header(uid: uid) }
    public func moveMessage(uid: UInt32, to folder: String) throws { _ = try move(uid: uid, to: folder) }
    public func moveMessages(uids: [UInt32], to folder: String) throws { try move(uids: uids, to: folder) }
    public func markMessage(uid: UInt32, keyword: String) throws { try addKeyword(uid: uid, keyword: keyword) }
    public func closeMailbox() { close() }
}

/// The real watcher: IMAP IDLE on a connection of its own.
extension IMAPIdle: MailboxWatcher {
    public func waitForNewMail(timeout: Duration, knownUIDNext: UInt32?) throws -> Bool {
        do {
            return try wait(timeout: timeout, knownUIDNext: knownUIDNext) == .newMail
        } catch  where error.code == .protocol {
            throw WatchUnsupported()  // the server answered IDLE with BAD or NO
        }
    }

    public func closeWatcher() { close() }
}

/// The real relay: libcurl SMTP.
extension SMTPSender: OutgoingMail {
    public func deliver(raw: [UInt8], to recipient: String) throws {
        do {
            try send(raw: raw, to: recipient)
        } catch {
            throw DeliveryFailure(isTemporary: error.isTransient, description: error.description)
        }
    }

    public func closeConnection() { close() }
}

/// Builds the libcurl clients from the configuration, reading secrets at connect time (so a rotated
/// OAuth token or password is picked up on the next login).
public enum MailConnections {
    public static func imap(_ configuration: HelpdeskConfiguration) throws -> IMAPMailbox {
        try IMAPMailbox(configuration: imapConfiguration(configuration))
    }

    /// The IDLE watcher for the same mailbox, with the same login.
    public static func imapIdle(_ configuration: HelpdeskConfiguration) throws -> IMAPIdle {
        try IMAPIdle(configuration: imapConfiguration(configuration))
    }

    static func imapConfiguration(_ configuration: HelpdeskConfiguration) throws -> IMAPConfiguration {
        let imap = configuration.imap
        let user = imap.user.isEmpty ? configuration.identity.address : imap.user
        let credential: MailCredential
        if !imap.oauth2TokenFile.isEmpty, let token = try? ConfigurationLoader.readSecret(imap.oauth2TokenFile),
            !token.isEmpty
        {
            credential = .xoauth2(user: user, bearerToken: Secret(token))
        } else {
            credential = .password(user: user, password: Secret(try ConfigurationLoader.readSecret(imap.passwordFile)))
        }
        return IMAPConfiguration(
            url: imap.url, credential: credential, caFile: imap.caFile.isEmpty ? nil : imap.caFile,
            allowPlaintext: imap.allowPlaintext, maxMessageBytes: imap.maxMessageSize)
    }

    public static func smtp(_ configuration: HelpdeskConfiguration) throws -> SMTPSender {
        let smtp = configuration.smtp
        var credential: MailCredential? = nil
        if !smtp.user.isEmpty {
            credential = .password(
                user: smtp.user, password: Secret(try ConfigurationLoader.readSecret(smtp.passwordFile)))
        }
        let security: SMTPConfiguration.Security
        switch smtp.tls {
        case .starttls: security = .starttls
        case .implicit: security = .implicit
        case .none: security = .none
        }
        return try SMTPSender(
            configuration: SMTPConfiguration(
                url: smtp.url, security: security, credential: credential,
                caFile: smtp.caFile.isEmpty ? nil : smtp.caFile,
                envelopeSender: smtp.envelopeSender, maxMessageBytes: 64 << 20))
    }
}
