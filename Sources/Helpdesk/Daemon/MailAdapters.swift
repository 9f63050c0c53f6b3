import Foundation
public import Mail
public import OAuth

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
/// password is picked up on the next login). With `auth = "oauth2"` the login takes an access token from
/// `tokens` (`OAuthLogins.swift`), renewed ahead of its expiry.
public enum MailConnections {
    public static func imap(
        _ configuration: HelpdeskConfiguration, tokens: TokenProviders? = nil
    ) throws
        -> any IncomingMailbox
    {
        let imap = configuration.imap
        guard imap.auth == .oauth2 else { return try IMAPMailbox(configuration: imapConfiguration(configuration)) }
        let provider = try tokenProvider(
            configuration, name: imap.oauth2, user: imapUser(configuration), tokens: tokens)
        return TokenIMAPMailbox(provider: provider) { token in
            try IMAPMailbox(configuration: imapConfiguration(configuration, token: token))
        }
    }

    /// The IDLE watcher for the same mailbox, with the same login.
    public static func imapIdle(
        _ configuration: HelpdeskConfiguration, tokens: TokenProviders? = nil
    ) throws
        -> IMAPIdle
    {
        let imap = configuration.imap
        guard imap.auth == .oauth2 else { return try IMAPIdle(configuration: imapConfiguration(configuration)) }
        let provider = try tokenProvider(
            configuration, name: imap.oauth2, user: imapUser(configuration), tokens: tokens)
        let token = try provider.accessToken(now: WallClock.seconds()).token
        return try IMAPIdle(configuration: imapConfiguration(configuration, token: token))
    }

    static func imapUser(_ configuration: HelpdeskConfiguration) -> String {
        configuration.imap.user.isEmpty ? configuration.identity.address : configuration.imap.user
    }

    /// The IMAP client's settings; `token` is the OAuth access token when `auth = "oauth2"`.
    static func imapConfiguration(
        _ configuration: HelpdeskConfiguration, token: Secret? = nil
    ) throws
        -> IMAPConfiguration
    {
        let imap = configuration.imap
        let user = imapUser(configuration)
        let credential: MailCredential
        if let token {
            credential = .xoauth2(user: user, bearerToken: token)
        } else if !imap.oauth2TokenFile.isEmpty,
            let token = try? ConfigurationLoader.readSecret(imap.oauth2TokenFile), !token.isEmpty
        {
            credential = .xoauth2(user: user, bearerToken: Secret(token))
        } else {
            credential = .password(user: user, password: Secret(try ConfigurationLoader.readSecret(imap.passwordFile)))
        }
        return IMAPConfiguration(
            url: imap.url, credential: credential, caFile: imap.caFile.isEmpty ? nil : imap.caFile,
            allowPlaintext: imap.allowPlaintext, maxMessageBytes: imap.maxMessageSize)
    }

    public static func smtp(
        _ configuration: HelpdeskConfiguration, tokens: TokenProviders? = nil
    ) throws
        -> any OutgoingMail
    {
        let smtp = configuration.smtp
        guard smtp.auth == .oauth2 else { return try SMTPSender(configuration: smtpConfiguration(configuration)) }
        let user = smtp.user.isEmpty ? configuration.identity.address : smtp.user
        let provider = try tokenProvider(configuration, name: smtp.oauth2, user: user, tokens: tokens)
        return TokenSMTPSender(provider: provider) { token in
            try SMTPSender(configuration: smtpConfiguration(configuration, token: token))
        }
    }

    /// The SMTP client's settings; `token` is the OAuth access token when `auth = "oauth2"`.
    static func smtpConfiguration(
        _ configuration: HelpdeskConfiguration, token: Secret? = nil
    ) throws
        -> SMTPConfiguration
    {
        let smtp = configuration.smtp
        var credential: MailCredential? = nil
        if let token {
            credential = .xoauth2(
                user: smtp.user.isEmpty ? configuration.identity.address : smtp.user, bearerToken: token)
        } else if !smtp.user.isEmpty {
            credential = .password(
                user: smtp.user, password: Secret(try ConfigurationLoader.readSecret(smtp.passwordFile)))
        }
        let security: SMTPConfiguration.Security
        switch smtp.tls {
        case .starttls: security = .starttls
        case .implicit: security = .implicit
        case .none: security = .none
        }
        return SMTPConfiguration(
            url: smtp.url, security: security, credential: credential,
            caFile: smtp.caFile.isEmpty ? nil : smtp.caFile,
            envelopeSender: smtp.envelopeSender, maxMessageBytes: 64 << 20)
    }

    /// The provider of `[oauth2.NAME]` for `user`; without a shared registry (check-config), a private one.
    static func tokenProvider(
        _ configuration: HelpdeskConfiguration, name: String, user: String, tokens: TokenProviders?
    ) throws -> TokenProvider {
        guard let settings = configuration.oauth2[name] else {
            throw OAuthError(.configuration, "there is no [oauth2.\(name)] section")
        }
        let registry = tokens ?? TokenProviders(stateDirectory: configuration.identity.stateDirectory)
        return registry.provider(settings, user: user)
    }
}
