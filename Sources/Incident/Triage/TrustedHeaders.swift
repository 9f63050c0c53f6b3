public import MIME

/// The admin's own mail server, whose header fields helpdeskd believes: the sender can write any header,
/// but not above the trace line our MTA adds on receipt.
public struct TrustedMTA: Sendable, Equatable {
    /// The authserv-id our MTA writes in its `Authentication-Results` (RFC 8601), usually its host name; a
    /// `Received: … by <id>` line of it marks the same boundary.
    public var authservID: String
    /// Header fields that carry the spam filter's verdict (`X-Spam-Flag: YES`, `X-Spam-Status: Yes, …`,
    /// `X-Spam: Yes`, `X-Rspamd-Action: add header`), read only above the boundary.
    public var spamHeaders: [String]

    public static let defaultSpamHeaders = ["X-Spam-Flag", "X-Spam-Status", "X-Spam", "X-Rspamd-Action"]

    public init(authservID: String, spamHeaders: [String] = Self.defaultSpamHeaders) {
        self.authservID = authservID.lowercased()
        self.spamHeaders = spamHeaders
    }
}

/// Whether the sender's domain vouched for the message, as our MTA found it.
public enum SenderAuthentication: Sendable, Equatable {
    /// No trusted MTA configured, or it recorded nothing usable.
    case unknown
    /// DMARC passed, or (without a DMARC result) SPF or DKIM passed.
    case pass
    /// DMARC failed, or (without a DMARC result) SPF failed and no DKIM signature verified: the From address
    /// may be forged. Such a message may open a ticket, never act on an existing one.
    case fail(reason: String)

    public var failed: Bool {
        if case .fail = self { return true }
        return false
    }
}

/// What the trusted MTA said about one message.
public struct MTAVerdict: Sendable, Equatable {
    public var authentication: SenderAuthentication = .unknown
    /// The field that marked the message as spam ("X-Spam-Flag: YES"), or nil.
    public var spam: String?

    public init(authentication: SenderAuthentication = .unknown, spam: String? = nil) {
        self.authentication = authentication
        self.spam = spam
    }

    /// Reads the verdict from the top-level header section. One pass over the fields, each value read at most
    /// once and only up to a bound: the section is the sender's to fill.
    public static func read(_ message: MIMEMessage, trusting mta: TrustedMTA) -> MTAVerdict {
        guard !mta.authservID.isEmpty else { return MTAVerdict() }
        let spamNames = Set(mta.spamHeaders.map { $0.lowercased() })
        var verdict = MTAVerdict()
        var aboveBoundary = true
        var spamAbove: String? = nil
        var results: AuthenticationResults? = nil
        for field in message.parts[0].headers {
            let name = message.name(of: field).lowercased()
            switch name {
            case "authentication-results":
                guard results == nil else { continue }
                let value = String(decoding: message.rawValue(of: field).prefix(8192), as: UTF8.self)
                if let parsed = AuthenticationResults(value), parsed.authservID == mta.authservID {
                    results = parsed  // the topmost of ours; any below it the sender could have written
                    aboveBoundary = false
                }
            case "received":
                if aboveBoundary, Self.isReceived(byHost: mta.authservID, message.rawValue(of: field).prefix(4096)) {
                    aboveBoundary = false
                }
            default:
                if aboveBoundary, spamAbove == nil, spamNames.contains(name) {
                    let value = String(decoding: message.rawValue(of: field).prefix(1024), as: UTF8.self)
                    if Self.saysSpam(value) { spamAbove = message.name(of: field) + ": " + value.prefix(80) }
                }
            }
        }
        // Verdict fields count only when the boundary was found: without our trace line everything is the sender's.
        if !aboveBoundary { verdict.spam = spamAbove }
        if let results { verdict.authentication = results.senderAuthentication }
        return verdict
    }

    /// `X-Spam-Flag: YES`, `X-Spam-Status: Yes, score=…`, `X-Spam: Yes`, and rspamd's actions that mean spam.
    static func saysSpam(_ value: String) -> Bool {
        let lower = value.lowercased().trimmingSpaces
        if lower.hasPrefix("yes") || lower.hasPrefix("true") { return true }
        return ["add header", "rewrite subject", "reject", "soft reject", "add_header", "rewrite_subject"]
            .contains(lower)
    }

    /// Whether a Received value says `by <host>` for our host.
    static func isReceived(byHost host: String, _ value: ArraySlice<UInt8>) -> Bool {
        let words = String(decoding: value, as: UTF8.self).lowercased()
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "(" || $0 == ";" })
        for (index, word) in words.enumerated() where word == "by" && index + 1 < words.count {
            if words[index + 1] == host { return true }
        }
        return false
    }
}

/// An `Authentication-Results` value (RFC 8601): who wrote it and each method's result.
struct AuthenticationResults: Equatable {
    var authservID: String
    /// `(method, result)` pairs in order, lower-cased ("dmarc", "fail").
    var results: [(method: String, result: String)]

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.authservID == rhs.authservID && lhs.results.elementsEqual(rhs.results, by: { $0 == $1 })
    }

    init?(_ value: String) {
        // Comments go first (they may hold ';'), then the value splits into the id and the resinfo clauses.
        let clauses = Self.withoutComments(value).split(separator: ";", omittingEmptySubsequences: false)
        guard let first = clauses.first,
            let id = first.split(whereSeparator: { $0 == " " || $0 == "\t" }).first
        else { return nil }
        authservID = id.lowercased()
        results = []
        for clause in clauses.dropFirst().prefix(64) {
            guard let token = clause.split(whereSeparator: { $0 == " " || $0 == "\t" }).first,
                let equals = token.firstIndex(of: "=")
            else { continue }
            let method = token[..<equals].split(separator: "/").first.map { $0.lowercased() } ?? ""
            let result = token[token.index(after: equals)...].lowercased()
            results.append((method, result))
        }
    }

    /// DMARC decides when it gave a verdict; otherwise SPF and DKIM together.
    var senderAuthentication: SenderAuthentication {
        let dmarc = results.filter { $0.method == "dmarc" }.map(\.result)
        if dmarc.contains("fail") { return .fail(reason: "dmarc=fail") }
        if dmarc.contains("pass") { return .pass }
        let spf = results.first { $0.method == "spf" }?.result
        let dkim = results.filter { $0.method == "dkim" }.map(\.result)
        if dkim.contains("pass") || spf == "pass" { return .pass }
        if let spf, spf == "fail" || spf == "softfail" {
            return .fail(reason: "spf=\(spf), dkim=\(dkim.first ?? "none")")
        }
        return .unknown
    }

    /// The value with `( … )` comments removed (nested ones too) and quoted strings kept; linear.
    static func withoutComments(_ value: String) -> String {
        var out = ""
        var depth = 0
        var quoted = false
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
                if depth == 0 { out.append(character) }
                continue
            }
            if character == "\\" {
                escaped = true
                if depth == 0 { out.append(character) }
                continue
            }
            if quoted {
                if character == "\"" { quoted = false }
                out.append(character)
                continue
            }
            switch character {
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case "\"" where depth == 0:
                quoted = true
                out.append(character)
            default: if depth == 0 { out.append(character) }
            }
        }
        return out
    }
}
