import Digest
public import Incident

/// Makes and checks the Message-IDs of our answers.
///
/// An answer's Message-ID names the ticket and the answer's number and carries an HMAC over both:
/// `HD-000002.3.<16 hex digits>@example.com`, the hex being the first 8 bytes of
/// HMAC-SHA256(key, "HD-000002.3"). A reply's In-Reply-To or References naming such an id proves that
/// the reporter answers a message we sent, so a reference that was guessed or forged (a phishing mail
/// "replying" to a ticket, backscatter of mail sent in our name) is recognised by `verify`.
///
/// The key should be 32 or more random bytes (`hmac_key_file`); see `problem(key:domain:prefix:)`.
public struct MessageIDSigner: Sendable {
    /// The right-hand side of our ids, lower-cased.
    public let domain: String
    /// The ticket prefix (upper-cased), as in `TicketReference`.
    public let prefix: String
    private let key: [UInt8]

    /// Bytes of the HMAC kept in an id (16 hex digits: 64 bits, beyond guessing over SMTP).
    static let tagBytes = 8
    /// The shortest key `problem(key:domain:prefix:)` accepts.
    public static let minimumKeyLength = 32

    /// Creates a signer. Check the values with `problem(key:domain:prefix:)` first (configuration checking):
    /// an invalid domain or prefix makes ids the composer refuses to send.
    public init(key: [UInt8], domain: String, prefix: String) {
        self.key = key
        self.domain = Self.lowercasedASCII(domain)
        self.prefix = prefix.uppercased()
    }

    /// Why the values cannot sign Message-IDs, or nil when they can.
    public static func problem(key: [UInt8], domain: String, prefix: String) -> String? {
        if key.count < minimumKeyLength {
            return "the Message-ID key has \(key.count) bytes; it needs at least \(minimumKeyLength) random bytes"
        }
        if !isValidDomain(domain) { return "\"\(domain)\" is not a valid domain for Message-IDs" }
        if TicketReference(prefix: prefix, number: 1) == nil {
            return "the ticket prefix must be 1 to 16 ASCII letters or digits"
        }
        return nil
    }

    /// The Message-ID of answer number `sequence` (1, 2, …) on `ticket`, without angle brackets.
    /// `ticket` must use this signer's prefix and `sequence` must be positive for `verify` to accept the id.
    public func make(ticket: TicketReference, sequence: Int) -> String {
        let signed = ticket.description + "." + String(sequence)
        return signed + "." + tag(signed).hexString + "@" + domain
    }

    /// The ticket and answer number named by `messageID` (with or without angle brackets) when it is one
    /// of ours with a valid HMAC; nil for anything else: another domain or prefix, a non-canonical
    /// ticket or number, a wrong length, a forged or truncated HMAC, junk.
    /// Whether an id has the shape of ours (our domain, a ticket reference first), signed or not:
    /// such an id that fails `verify` is a forgery, not a customer's own Message-ID.
    public func looksLikeOurs(_ messageID: String) -> Bool {
        let id = messageID.trimmingCharacters(in: ["<", ">"])
        let sides = id.split(separator: "@", omittingEmptySubsequences: false)
        guard sides.count == 2, Self.lowercasedASCII(sides[1]) == domain else { return false }
        return sides[0].uppercased().hasPrefix(prefix + "-")
    }

    public func verify(_ messageID: String) -> (ticket: TicketReference, sequence: Int)? {
        var id = Substring(messageID)
        guard id.utf8.count <= 255 else { return nil }
        if id.first == "<" || id.last == ">" {
            guard id.count >= 2, id.first == "<", id.last == ">" else { return nil }
            id = id.dropFirst().dropLast()
        }
        let sides = id.split(separator: "@", omittingEmptySubsequences: false)
        guard sides.count == 2, Self.lowercasedASCII(sides[1]) == domain else { return nil }
        let parts = sides[0].split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let ticket = TicketReference(parsing: parts[0], prefix: prefix),
            // Only the spelling `make` produces: "HD-2" or "HD-0000002" are not ours.
            parts[0].uppercased() == ticket.description,
            let sequence = Self.positiveNumber(parts[1]),
            let code = Self.hexBytes(parts[2]), code.count == Self.tagBytes
        else { return nil }
        let expected = tag(ticket.description + "." + String(sequence))
        guard HMACSHA256.isEqual(code, expected) else { return nil }
        return (ticket, sequence)
    }

    // MARK: Staff tokens

    /// The Message-ID of notification number `sequence` on `ticket` to the support team:
    /// `HD-000002.n3.<16 hex digits>@example.com`, the HMAC taken over "staff:HD-000002.n3" so that no id a
    /// customer ever sees (`make`) is a staff token. A staff member's reply names it in In-Reply-To or
    /// References: together with an authenticated member address, it proves the reply answers our notification
    /// about this ticket (`verifyStaffToken`).
    public func makeStaffToken(ticket: TicketReference, sequence: Int) -> String {
        let signed = ticket.description + ".n" + String(sequence)
        return signed + "." + tag("staff:" + signed).hexString + "@" + domain
    }

    /// The ticket named by a staff token (with or without angle brackets) whose HMAC verifies; nil otherwise.
    public func verifyStaffToken(_ messageID: String) -> TicketReference? {
        var id = Substring(messageID)
        guard id.utf8.count <= 255 else { return nil }
        if id.first == "<", id.last == ">", id.count >= 2 { id = id.dropFirst().dropLast() }
        let sides = id.split(separator: "@", omittingEmptySubsequences: false)
        guard sides.count == 2, Self.lowercasedASCII(sides[1]) == domain else { return nil }
        let parts = sides[0].split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].first == "n",
            let ticket = TicketReference(parsing: parts[0], prefix: prefix),
            parts[0].uppercased() == ticket.description,
            let sequence = Self.positiveNumber(parts[1].dropFirst()),
            let code = Self.hexBytes(parts[2]), code.count == Self.tagBytes
        else { return nil }
        let expected = tag("staff:" + ticket.description + ".n" + String(sequence))
        return HMACSHA256.isEqual(code, expected) ? ticket : nil
    }

    private func tag(_ signed: String) -> [UInt8] {
        Array(HMACSHA256.authenticationCode(for: Array(signed.utf8), key: key).prefix(Self.tagBytes))
    }

    /// 1–9 ASCII digits without a leading zero.
    private static func positiveNumber(_ text: Substring) -> Int? {
        guard (1...9).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            text.utf8.first != 0x30
        else { return nil }
        return Int(text)
    }

    /// Exactly 16 hex digits (either case) as 8 bytes.
    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == tagBytes * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(tagBytes)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    static func lowercasedASCII(_ text: some StringProtocol) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// A host name: dot-separated labels of letters, digits and inner hyphens, at most 253 characters.
    static func isValidDomain(_ domain: some StringProtocol) -> Bool {
        let bytes = Array(domain.utf8)
        guard (1...253).contains(bytes.count) else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            return label.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                    || byte == UInt8(ascii: "-")
            }
        }
    }
}
