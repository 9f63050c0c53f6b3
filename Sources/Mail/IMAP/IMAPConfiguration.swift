/// Where the helpdesk mailbox is and how to reach it.
public struct IMAPConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// How `move(uid:to:)` moves a message.
    public enum MoveStrategy: Sendable, Equatable {
        /// UID MOVE when the server announces MOVE, otherwise copy, flag \Deleted and expunge.
        case automatic
        /// Always UID COPY + UID STORE +FLAGS (\Deleted) + UID EXPUNGE (for servers whose MOVE misbehaves).
        case copyAndExpunge
    }

    /// `imaps://host[:port]/MAILBOX` (implicit TLS) or `imap://host[:port]/MAILBOX` (STARTTLS, required);
    /// the mailbox defaults to INBOX. No user or password in the URL.
    public var url: String
    public var credential: MailCredential
    /// PEM file with the CA certificate(s) to trust instead of the system store (a private CA, a test
    /// server's self-signed certificate).
    public var caFile: String?
    /// Allows `imap://` without TLS — only to a loopback host (localhost, 127.0.0.0/8, ::1).
    public var allowPlaintext: Bool
    public var timeouts: MailTimeouts
    /// `fetch(uid:)` refuses messages larger than this (`MailError.Code.tooLarge`).
    public var maxMessageBytes: Int
    public var moveStrategy: MoveStrategy

    public init(
        url: String, credential: MailCredential, caFile: String? = nil, allowPlaintext: Bool = false,
        timeouts: MailTimeouts = MailTimeouts(), maxMessageBytes: Int = 50 << 20,
        moveStrategy: MoveStrategy = .automatic
    ) {
        self.url = url
        self.credential = credential
        self.caFile = caFile
        self.allowPlaintext = allowPlaintext
        self.timeouts = timeouts
        self.maxMessageBytes = maxMessageBytes
        self.moveStrategy = moveStrategy
    }

    /// Convenience for user and password.
    public init(url: String, user: String, password: String, caFile: String? = nil, allowPlaintext: Bool = false) {
        self.init(
            url: url, credential: .password(user: user, password: Secret(password)), caFile: caFile,
            allowPlaintext: allowPlaintext)
    }

    public var description: String {
        "IMAPConfiguration(url: \(url), user: \(credential.user), caFile: \(caFile ?? "system"), "
            + "allowPlaintext: \(allowPlaintext), maxMessageBytes: \(maxMessageBytes))"
    }

    /// The checked pieces the mailbox works with.
    struct Resolved {
        let server: ServerURL
        let mailbox: String
        let tls: CurlHandle.TLSRequirement
    }

    func resolve() throws(MailError) -> Resolved {
        let server = try ServerURL(url, schemes: ["imap", "imaps"])
        let mailbox = server.path.isEmpty ? "INBOX" : server.path
        _ = try IMAPSyntax.quotedMailbox(mailbox)
        guard maxMessageBytes > 0 else { throw MailError(.configuration, "maxMessageBytes must be positive") }
        let tls: CurlHandle.TLSRequirement
        if server.scheme == "imaps" {
            tls = .required
        } else if allowPlaintext {
            guard server.isLoopback else {
                throw MailError(
                    .configuration,
                    "plaintext IMAP is only allowed to a loopback host, not \(server.host); use imaps:// or imap:// with STARTTLS"
                )
            }
            tls = .none
        } else {
            tls = .required
        }
        return Resolved(server: server, mailbox: mailbox, tls: tls)
    }

    func handleSettings(tls: CurlHandle.TLSRequirement, connectOnly: Bool = false) -> CurlHandle.Settings {
        CurlHandle.Settings(
            protocols: "imap,imaps", credential: credential, tls: tls, caFile: caFile, timeouts: timeouts,
            connectOnly: connectOnly)
    }
}

/// What `IMAPMailbox.open()` learns about the mailbox.
public struct MailboxStatus: Sendable, Equatable {
    /// Changes when the server renumbers the mailbox; UIDs from another UIDVALIDITY are void.
    public let uidValidity: UInt32
    /// The UID the next arriving message will get (every existing UID is smaller).
    public let uidNext: UInt32
    /// How many messages the mailbox holds.
    public let messages: Int

    public init(uidValidity: UInt32, uidNext: UInt32, messages: Int) {
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.messages = messages
    }
}
