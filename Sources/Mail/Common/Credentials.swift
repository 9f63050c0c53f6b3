/// A password or token. It prints, debug-prints and mirrors as "<redacted>", so a configuration can
/// be logged or dumped without leaking it; only the transport code reads `value`.
public struct Secret: Sendable, Equatable, ExpressibleByStringLiteral, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    let value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// How to log in.
public enum MailCredential: Sendable, Equatable {
    /// User name and password (SASL PLAIN/LOGIN or IMAP LOGIN, whichever the server offers first).
    case password(user: String, password: Secret)
    /// OAuth 2.0 bearer token with SASL XOAUTH2 (Microsoft 365, Google).
    case xoauth2(user: String, bearerToken: Secret)

    public var user: String {
        switch self {
        case .password(let user, _), .xoauth2(let user, _): user
        }
    }

    /// Strings that must never appear in errors or logs.
    var secrets: [String] {
        switch self {
        case .password(_, let password): [password.value]
        case .xoauth2(_, let token): [token.value]
        }
    }
}

/// How long to wait. libcurl applies them per operation (one fetch, one send).
public struct MailTimeouts: Sendable, Equatable {
    /// TCP connect plus TLS handshake.
    public var connect: Duration
    /// An operation that moves fewer than `lowSpeedBytesPerSecond` for `lowSpeedTime` is abandoned.
    public var lowSpeedTime: Duration
    public var lowSpeedBytesPerSecond: Int
    /// Upper bound for a whole operation, including a large fetch or send; nil for none.
    public var operation: Duration?

    public init(
        connect: Duration = .seconds(15), lowSpeedTime: Duration = .seconds(60), lowSpeedBytesPerSecond: Int = 1,
        operation: Duration? = .seconds(600)
    ) {
        self.connect = connect
        self.lowSpeedTime = lowSpeedTime
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.operation = operation
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 for any positive duration (libcurl reads 0 as "no limit").
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if total <= 0 { return self > .zero ? 1 : 0 }
        return Int(clamping: total)
    }
}
