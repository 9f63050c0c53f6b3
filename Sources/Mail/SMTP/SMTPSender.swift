import CCurl

/// Where answers are sent from and how.
public struct SMTPConfiguration: Sendable, Equatable, CustomStringConvertible {
    public enum Security: String, Sendable, Equatable {
        /// `smtp://` upgraded with STARTTLS; failing to upgrade fails the send (never falls back to plaintext).
        case starttls
        /// `smtps://`: TLS from the first byte (port 465).
        case implicit
        /// Plain SMTP; only allowed to a loopback host (a local relay).
        case none
    }

    /// `smtp://host[:port]` or `smtps://host[:port]`; a path is the EHLO name. No user or password here.
    public var url: String
    public var security: Security
    /// nil: no AUTH (a relay that trusts the network).
    public var credential: MailCredential?
    public var caFile: String?
    /// The default envelope sender for `send(raw:to:)`; "" is the null sender `<>` (RFC 5321 §4.5.5),
    /// which automatic replies use so that bounces never loop.
    public var envelopeSender: String
    public var timeouts: MailTimeouts
    /// Messages larger than this are refused before connecting (`tooLarge`).
    public var maxMessageBytes: Int

    public init(
        url: String, security: Security = .starttls, credential: MailCredential? = nil, caFile: String? = nil,
        envelopeSender: String = "", timeouts: MailTimeouts = MailTimeouts(), maxMessageBytes: Int = 25 << 20
    ) {
        self.url = url
        self.security = security
        self.credential = credential
        self.caFile = caFile
        self.envelopeSender = envelopeSender
        self.timeouts = timeouts
        self.maxMessageBytes = maxMessageBytes
    }

    public var description: String {
        "SMTPConfiguration(url: \(url), security: \(security.rawValue), user: \(credential?.user ?? "none"), "
            + "caFile: \(caFile ?? "system"), envelopeSender: <\(envelopeSender)>)"
    }
}

/// Sends messages over SMTP with libcurl, reusing one connection for consecutive sends.
///
/// Failures are classified for retry decisions: a 4xx reply, a refused or dropped connection and a
/// timeout are transient (`MailError.isTransient`); a 5xx reply is `permanent` (530/534/535 →
/// `authentication`, 552 → `tooLarge`).
///
/// Not Sendable: one task owns a sender. `send` blocks for the network round trips.
public final class SMTPSender {
    public let configuration: SMTPConfiguration
    private let server: ServerURL
    private var handle: CurlHandle?
    private var closedConnections = 0

    /// Checks the configuration (scheme against security, plaintext only to loopback); connects on first send.
    public init(configuration: SMTPConfiguration) throws(MailError) {
        self.configuration = configuration
        server = try ServerURL(configuration.url, schemes: ["smtp", "smtps"])
        switch (configuration.security, server.scheme) {
        case (.implicit, "smtps"), (.starttls, "smtp"):
            break
        case (.none, "smtp"):
            guard server.isLoopback else {
                throw MailError(
                    .configuration,
                    "plaintext SMTP is only allowed to a loopback host, not \(server.host); use starttls or implicit TLS"
                )
            }
        case (.implicit, _):
            throw MailError(.configuration, "implicit TLS needs an smtps:// URL")
        default:
            throw MailError(.configuration, "\(configuration.security.rawValue) needs an smtp:// URL")
        }
        guard configuration.maxMessageBytes > 0 else {
            throw MailError(.configuration, "maxMessageBytes must be positive")
        }
    }

    /// Connections opened so far (stays at 1 while libcurl can reuse the connection).
    public var connectionsOpened: Int { closedConnections + (handle?.connectionsOpened ?? 0) }

    /// Sends `raw` (a complete RFC 5322 message) from the configured envelope sender.
    public func send(raw: [UInt8], to recipient: String) throws(MailError) {
        try send(raw: raw, from: configuration.envelopeSender, to: recipient)
    }

    /// Sends `raw` with the given envelope: `envelopeSender` "" is the null sender `<>`.
    ///
    /// Line ends are normalised to CRLF (bare LF and a missing final line end would otherwise reach
    /// the server as-is); libcurl does the dot-stuffing.
    public func send(raw: [UInt8], from envelopeSender: String, to recipient: String) throws(MailError) {
        let sender = try Self.address(envelopeSender, allowEmpty: true, role: "envelope sender")
        let rcpt = try Self.address(recipient, allowEmpty: false, role: "recipient")
        let message = Self.normalizingLineEnds(raw)
        guard message.count <= configuration.maxMessageBytes else {
            throw MailError(
                .tooLarge,
                "the message has \(message.count) bytes, more than the limit of \(configuration.maxMessageBytes)")
        }
        let request = CurlHandle.Request(
            url: server.base + ServerURL.percentEncode(server.path, keepSlash: false), upload: message,
            mailFrom: "<\(sender)>", recipients: ["<\(rcpt)>"], bodyLimit: 1 << 16)
        let response = try connection().perform(request)
        guard response.succeeded else { throw error(for: response, recipient: rcpt) }
    }

    /// Connects, negotiates TLS and logs in as a send would, then says NOOP instead of sending, and
    /// returns the extensions the server announced in its EHLO answer ("SIZE 35882577", "8BITMIME", …).
    /// For `helpdeskd check-config --connect`: proves the settings work without sending mail.
    public func verify() throws(MailError) -> [String] {
        close()  // a fresh connection, so the EHLO answer is part of this response
        let request = CurlHandle.Request(url: server.base, customRequest: "NOOP", bodyLimit: 1 << 16)
        let response = try connection().perform(request)
        guard response.succeeded else { throw error(for: response, recipient: "(none)") }
        return Self.extensions(in: response.lines)
    }

    /// The EHLO extensions in a response's lines: the last multi-line `250` reply (after STARTTLS the
    /// client says EHLO twice; the second answer is the one that counts) without its first line,
    /// which is the server's greeting to us.
    static func extensions(in lines: [String]) -> [String] {
        var reply: [String] = []
        var lastMultiline: [String] = []
        for line in lines {
            guard line.hasPrefix("250-") || line.hasPrefix("250 ") else {
                reply = []
                continue
            }
            reply.append(String(line.dropFirst(4)))
            if line.hasPrefix("250 ") {
                if reply.count > 1 { lastMultiline = reply }
                reply = []
            }
        }
        return Array(lastMultiline.dropFirst())
    }

    /// Says QUIT and closes the connection; the next send connects again.
    public func close() {
        closedConnections += handle?.connectionsOpened ?? 0
        handle = nil
    }

    // MARK: internals

    private func connection() throws(MailError) -> CurlHandle {
        if let handle { return handle }
        let created = try CurlHandle(
            settings: CurlHandle.Settings(
                protocols: "smtp,smtps", credential: configuration.credential,
                tls: configuration.security == .none ? .none : .required, caFile: configuration.caFile,
                timeouts: configuration.timeouts))
        handle = created
        return created
    }

    private func error(for response: CurlHandle.Response, recipient: String) -> MailError {
        let secrets = configuration.credential?.secrets ?? []
        let code = response.responseCode
        let reply = response.lines.last { line in
            line.count >= 3 && line.prefix(3).allSatisfy(\.isNumber) && Int(line.prefix(3)) == code
        }
        let classified: MailError.Code
        switch response.code {
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            classified = .authentication
        case _ where (400..<500).contains(code):
            classified = .temporary
        case _ where code == 530 || code == 534 || code == 535 || code == 538:
            classified = .authentication
        case _ where code == 552:
            classified = .tooLarge
        case _ where (500..<600).contains(code):
            classified = .permanent
        default:
            return response.genericError("sending to \(recipient)").redacting(secrets)
        }
        let message =
            switch classified {
            case .authentication: "the SMTP server refused the login"
            case .temporary: "the SMTP server deferred the message to \(recipient)"
            default: "the SMTP server rejected the message to \(recipient)"
            }
        return MailError(
            classified, message, serverResponse: reply ?? (code > 0 ? "\(code)" : response.errorText),
            responseCode: code, curlCode: response.curlCode
        ).redacting(secrets)
    }

    /// A mailbox for the SMTP envelope: no angle brackets, spaces or line breaks (they would let a
    /// caller inject SMTP commands or parameters).
    static func address(_ address: String, allowEmpty: Bool, role: String) throws(MailError) -> String {
        var text = Substring(address)
        if text.hasPrefix("<"), text.hasSuffix(">"), text.count >= 2 { text = text.dropFirst().dropLast() }
        if text.isEmpty {
            guard allowEmpty else { throw MailError(.invalidArgument, "the \(role) is empty") }
            return ""
        }
        guard text.utf8.count <= 320,
            text.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }),
            text.contains("@")
        else {
            throw MailError(.invalidArgument, "the \(role) is not a plain address: \(text.prefix(80).debugDescription)")
        }
        return String(text)
    }

    /// CRLF line ends throughout, and a final CRLF.
    static func normalizingLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        var bareLF = false
        for index in bytes.indices where bytes[index] == lf && (index == 0 || bytes[index - 1] != cr) {
            bareLF = true
            break
        }
        var output: [UInt8]
        if bareLF {
            output = []
            output.reserveCapacity(bytes.count + bytes.count / 40)
            for index in bytes.indices {
                if bytes[index] == lf, index == 0 || bytes[index - 1] != cr { output.append(cr) }
                output.append(bytes[index])
            }
        } else {
            output = bytes
        }
        if !output.isEmpty, !output.suffix(2).elementsEqual([cr, lf]) {
            if output.last == cr { output.append(lf) } else { output += [cr, lf] }
        }
        return output
    }
}
