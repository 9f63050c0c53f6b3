/// Why an IMAP or SMTP operation failed, with a `code` to switch on.
///
/// Every text in an error (`message`, `serverResponse`) has the configured password or token
/// removed before the error is created, so errors can be logged as they are.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// The configuration cannot work (bad URL, plaintext to a remote host, unsupported scheme, …).
        case configuration
        /// An argument cannot be sent safely (a keyword with spaces, an address with a line break, …).
        case invalidArgument
        /// The server could not be reached, refused the connection or dropped it.
        case connection
        /// The server did not answer in time (connect timeout, too slow, operation timeout).
        case timeout
        /// TLS failed: handshake, certificate verification, or STARTTLS not offered when required.
        case tls
        /// The server rejected the credentials.
        case authentication
        /// The server answered something this client does not understand, or refused a command as malformed.
        case `protocol`
        /// The server refused for now (SMTP 4xx, IMAP [UNAVAILABLE]/[INUSE]/[LIMIT]/[SERVERBUG]): retry later.
        case temporary
        /// The server refused for good (SMTP 5xx, IMAP NO without a more specific code).
        case permanent
        /// The message is larger than the configured limit or than the server accepts.
        case tooLarge
        /// The message (UID) or mailbox does not exist.
        case notFound
        /// The mailbox's UIDVALIDITY differs from the one `open()` saw: every stored UID is void.
        case uidValidityChanged
    }

    public let code: Code
    /// What went wrong, for people.
    public let message: String
    /// The server's answer that decided the error, e.g. "550 5.1.1 No such user" or "NO [TRYCREATE] …".
    public let serverResponse: String?
    /// The SMTP reply code when there was one (0 otherwise).
    public let responseCode: Int
    /// libcurl's result code (CURLcode as a number, 0 when the error did not come from libcurl).
    public let curlCode: Int

    public init(
        _ code: Code, _ message: String, serverResponse: String? = nil, responseCode: Int = 0, curlCode: Int = 0
    ) {
        self.code = code
        self.message = message
        self.serverResponse = serverResponse
        self.responseCode = responseCode
        self.curlCode = curlCode
    }

    /// Whether trying again later can succeed without anyone changing anything: the server was
    /// unreachable, slow, or said "not now".
    public var isTransient: Bool {
        switch code {
        case .connection, .timeout, .temporary: true
        default: false
        }
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let serverResponse, !serverResponse.isEmpty { text += " (server: \(serverResponse))" }
        return text
    }

    /// The same error with every secret in its texts replaced by "<redacted>".
    func redacting(_ secrets: [String]) -> MailError {
        MailError(
            code, Redactor.redact(message, secrets),
            serverResponse: serverResponse.map { Redactor.redact($0, secrets) },
            responseCode: responseCode, curlCode: curlCode)
    }
}

enum Redactor {
    /// Replaces each occurrence of each non-trivial secret in `text`.
    static func redact(_ text: String, _ secrets: [String]) -> String {
        var result = text
        for secret in secrets where secret.utf8.count >= 3 {
            result = result.replacingAll(secret, with: "<redacted>")
        }
        return result
    }
}

extension String {
    /// `replacingOccurrences(of:with:)` without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let haystack = Array(utf8)
        let needle = Array(target.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return self }
        var output: [UInt8] = []
        output.reserveCapacity(haystack.count)
        var index = 0
        var changed = false
        while index < haystack.count {
            if haystack[index] == needle[0], index + needle.count <= haystack.count,
                haystack[index..<index + needle.count].elementsEqual(needle)
            {
                output.append(contentsOf: replacement.utf8)
                index += needle.count
                changed = true
            } else {
                output.append(haystack[index])
                index += 1
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : self
    }
}
