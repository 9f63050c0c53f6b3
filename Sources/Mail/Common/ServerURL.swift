/// The parts of an `imap://`, `imaps://`, `smtp://` or `smtps://` URL this module uses.
///
/// Credentials never go into URLs (libcurl would echo them in its messages): a URL with a user part
/// is refused, and user and password travel as separate libcurl options.
struct ServerURL: Equatable {
    let scheme: String
    /// As written in the URL, without brackets for IPv6 literals, lower-cased.
    let host: String
    let port: Int?
    /// The percent-decoded path without its leading "/" (an IMAP mailbox, the SMTP EHLO name).
    let path: String

    init(_ text: String, schemes: Set<String>) throws(MailError) {
        guard let separator = text.firstRange(of: "://") else {
            throw MailError(.configuration, "not a URL (expected scheme://host[:port]/…)")
        }
        scheme = String(text[..<separator.lowerBound]).lowercased()
        guard schemes.contains(scheme) else {
            throw MailError(
                .configuration,
                "unsupported URL scheme \"\(scheme)\" (expected \(schemes.sorted().joined(separator: ", ")))")
        }
        let rest = text[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        let rawPath = rest.dropFirst(authority.count).drop { $0 == "/" }
        guard !authority.contains("@") else {
            throw MailError(.configuration, "the URL must not contain a user or password; configure them separately")
        }
        guard !authority.contains(where: { $0 == "?" || $0 == "#" || $0 == ";" || $0.isWhitespace }) else {
            throw MailError(.configuration, "malformed host in URL")
        }
        var hostPart = Substring(authority)
        var portPart: Substring? = nil
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else {
                throw MailError(.configuration, "malformed IPv6 host in URL")
            }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw MailError(.configuration, "malformed host in URL")
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portPart = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty else { throw MailError(.configuration, "the URL has no host") }
        host = hostPart.lowercased()
        if let portPart {
            guard let number = Int(portPart), (1...65535).contains(number) else {
                throw MailError(.configuration, "malformed port in URL")
            }
            port = number
        } else {
            port = nil
        }
        guard !rawPath.contains(where: { $0 == "?" || $0 == "#" || $0 == ";" }) else {
            throw MailError(.configuration, "the URL path must be a plain name (no ';', '?' or '#')")
        }
        guard let decoded = ServerURL.percentDecode(rawPath) else {
            throw MailError(.configuration, "malformed percent-encoding in URL path")
        }
        path = decoded.hasSuffix("/") ? String(decoded.dropLast()) : decoded
    }

    /// "scheme://host:port/" — the URL libcurl gets for commands outside a mailbox.
    var base: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostText)\(port.map { ":\($0)" } ?? "")/"
    }

    /// Whether the host is this machine (localhost, 127.0.0.0/8, ::1), where plaintext is acceptable.
    /// libcurl resolves "localhost" itself, never through DNS.
    var isLoopback: Bool { LoopbackHost.contains(host) }

    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but unreserved characters and, when `keepSlash`, "/".
    static func percentEncode(_ text: String, keepSlash: Bool) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                output.append("/")
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                output.append("%")
                output.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
                output.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 15)]))
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Which hosts stay on this machine. Every loopback rule of the project (plaintext IMAP and SMTP, the
/// metrics listener, check-config) asks here, so they cannot drift apart.
public enum LoopbackHost {
    /// "localhost" and "*.localhost", 127.0.0.0/8 written as four decimal numbers, and ::1 (without brackets).
    /// Other names are refused even when they look numeric: "127.example.org" could resolve anywhere.
    public static func contains(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the host of an imap(s):// or smtp(s):// URL is a loopback host; false when the URL does not parse.
    public static func isLoopback(url: String) -> Bool {
        (try? ServerURL(url, schemes: ["imap", "imaps", "smtp", "smtps"]))?.isLoopback ?? false
    }
}
