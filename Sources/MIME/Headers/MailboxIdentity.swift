/// Who an address names, in the forms helpdeskd compares: the identity that may update a ticket, and the
/// mailbox that answer caps count.
///
/// Unicode case mapping is never used on the local part: `K` (U+212A KELVIN SIGN) lower-cases to an ASCII
/// `k`, so "Kate@…" written with it would pass for "kate@…". RFC 5321 lets the receiving domain define its local
/// parts; the one folding every real mailbox system applies is ASCII case, so that is the only one made. The
/// domain is compared in its IDNA ASCII form (RFC 5890), which is what DNS and every MTA route on.
extension MailAddress {
    /// `local@domain` with ASCII letters of the local part lower-cased and the domain in IDNA ASCII form, or nil
    /// when the address is not a usable mailbox (no `@`, an empty part, a domain that is not a host name).
    public var identity: String? {
        guard let (local, domain) = Self.split(address), let ascii = IDNA.asciiDomain(domain) else { return nil }
        return Self.asciiLowercased(local) + "@" + ascii
    }

    /// The mailbox delivery reaches: `identity` without a `+tag` (`alice+0@x` and `alice+1@x` are one inbox).
    public var mailbox: String? {
        guard let identity, let at = identity.utf8.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = identity[..<at]
        if !local.hasPrefix("\""), let plus = local.firstIndex(of: "+"), plus > local.startIndex {
            return String(local[..<plus]) + String(identity[at...])
        }
        return identity
    }

    /// The domain in IDNA ASCII form, or nil.
    public var asciiDomain: String? {
        Self.split(address).flatMap { IDNA.asciiDomain($0.domain) }
    }

    private static func split(_ address: String) -> (local: Substring, domain: Substring)? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return nil }
        return (local, domain)
    }

    static func asciiLowercased(_ text: Substring) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

/// Internationalised domain names in their ASCII form (RFC 3490/5891 ToASCII with Punycode, RFC 3492).
///
/// Labels are mapped the way UTS #46 does for the characters that matter here: Unicode lower case (which
/// folds compatibility letters such as the Kelvin sign), and the ideographic full stops become dots.
public enum IDNA {
    /// The ASCII form of `domain` ("bücher.example" → "xn--bcher-kva.example"), lower-cased; nil when a label is
    /// empty or too long, or the name holds characters no host name may hold.
    public static func asciiDomain(_ domain: some StringProtocol) -> String? {
        var text = String(domain)
        if text.hasSuffix(".") { text.removeLast() }
        guard !text.isEmpty, text.utf8.count <= 1024 else { return nil }
        if text.hasPrefix("["), text.hasSuffix("]") { return text.lowercased() }  // an address literal
        var labels: [String] = []
        for label in text.split(omittingEmptySubsequences: false, whereSeparator: isDot) {
            guard let ascii = asciiLabel(label) else { return nil }
            labels.append(ascii)
        }
        let result = labels.joined(separator: ".")
        return result.utf8.count <= 253 ? result : nil
    }

    private static func asciiLabel(_ label: Substring) -> String? {
        guard !label.isEmpty else { return nil }
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            let lower = MailAddress.asciiLowercased(label)
            guard lower.utf8.count <= 63, lower.utf8.allSatisfy(isHostByte) else { return nil }
            return lower
        }
        let scalars = Array(label.lowercased().unicodeScalars)
        guard
            !scalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x80 && !isHostByte(UInt8($0.value)) })
        else { return nil }
        if scalars.allSatisfy({ $0.isASCII }) {  // folding made it ASCII (the Kelvin sign)
            let ascii = String(String.UnicodeScalarView(scalars))
            return ascii.utf8.count <= 63 ? ascii : nil
        }
        guard let encoded = Punycode.encode(scalars) else { return nil }
        let result = "xn--" + encoded
        return result.utf8.count <= 63 ? result : nil
    }

    /// The full stops UTS #46 maps to ".".
    private static func isDot(_ character: Character) -> Bool {
        character == "." || character == "\u{3002}" || character == "\u{FF0E}" || character == "\u{FF61}"
    }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F
    }
}

/// Punycode (RFC 3492): Unicode labels as ASCII letters, digits and hyphens.
enum Punycode {
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80

    static func encode(_ input: [Unicode.Scalar]) -> String? {
        guard input.count <= 63 else { return nil }  // a longer label cannot fit in 63 octets
        var output: [UInt8] = input.filter(\.isASCII).map { UInt8($0.value) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN
        var delta = 0
        var bias = initialBias
        let codes = input.map { Int($0.value) }
        while handled < codes.count {
            guard let m = codes.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += product
            n = m
            for code in codes {
                if code < n { delta += 1 }
                guard code == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(value + 0x61) : UInt8(value - 26 + 0x30)
    }

    private static func adapt(_ delta: Int, _ count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
