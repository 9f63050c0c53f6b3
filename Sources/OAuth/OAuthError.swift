/// Why no access token could be had, with a `code` to switch on. Texts never contain a secret.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The settings cannot work (missing file, bad key, unknown section).
        case configuration
        /// The identity provider refused: `providerError` says why (RFC 6749 §5.2: invalid_grant,
        /// invalid_client, …). Retrying will not help until someone acts.
        case refused
        /// The provider could not be reached or answered nonsense: retrying later may help.
        case unavailable
        /// Delegated access (device_code) was never granted here: run `helpdeskd oauth login NAME`.
        case notLoggedIn
    }

    public let code: Code
    public let message: String
    /// The provider's `error` and `error_description`, as it sent them.
    public let providerError: String?

    public init(_ code: Code, _ message: String, providerError: String? = nil) {
        self.code = code
        self.message = message
        self.providerError = providerError
    }

    public var isTransient: Bool { code == .unavailable }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let providerError { text += " (provider: \(providerError))" }
        return text
    }
}
