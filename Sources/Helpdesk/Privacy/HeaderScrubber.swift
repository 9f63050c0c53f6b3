import Foundation
import MIME

/// Takes an erased person out of the header section of a message kept for someone else.
///
/// Only the top-level header section changes; the body bytes stay exactly as received (they are the
/// other person's words). In address fields (From, To, Cc, Reply-To, Delivered-To…) the
/// person's whole mailbox — display name, address, comment — becomes `erased@invalid`; elsewhere
/// (Subject, Received, DKIM `i=`…) their address becomes `erased@invalid` and their display name
/// `Erased`. Text hidden in RFC 2047 encoded words is decoded and checked too: a field that mentions
/// them there is rewritten as plain or newly encoded text.
struct HeaderScrubber {
    static let placeholder = "erased@invalid"
    static let namePlaceholder = "Erased"

    /// Fields whose value is a list of mailboxes.
    static let addressFields: Set<String> = [
        "from", "sender", "reply-to", "to", "cc", "bcc", "resent-from", "resent-sender", "resent-to", "resent-cc",
        "resent-bcc", "return-path", "delivered-to", "x-original-to", "envelope-to", "x-envelope-to",
        "disposition-notification-to", "return-receipt-to", "errors-to", "mail-followup-to", "mail-reply-to",
        "x-sender", "x-original-from", "x-forwarded-to", "x-beenthere",
    ]
    /// Fields that are structure, not people: a display name found there would be a coincidence.
    static let structuralFields: Set<String> = [
        "message-id", "in-reply-to", "references", "date", "mime-version", "content-type",
        "content-transfer-encoding", "content-disposition", "content-id", "dkim-signature", "arc-seal",
        "arc-message-signature",
    ]

    let address: SubjectAddress
    let names: [String]
    private let addressOnly: [(BytePattern, [UInt8])]
    private let namesOnly: [(BytePattern, [UInt8])]

    init(address: SubjectAddress, names: [String]) {
        self.address = address
        self.names = names
        addressOnly = [(address.pattern, Array(Self.placeholder.utf8))]
        namesOnly = names.flatMap { name in BytePattern.name(name).map { ($0, Array(Self.namePlaceholder.utf8)) } }
    }

    /// Where a message mentions the address.
    struct Mentions: Sendable {
        var inHeaders = false
        var inBody = false
        /// Display names given to the address in address fields, decoded.
        var names: [String] = []
    }

    /// Where `raw` mentions the address: in its top-level header section (encoded words decoded),
    /// in the rest (the body, nested messages and attachments as transported), and under what names.
    func mentions(in raw: [UInt8], parsed: MIMEMessage? = nil) -> Mentions {
        var result = Mentions()
        let lowered = ByteCase.lowered(raw)
        let hits = address.pattern.ranges(in: lowered)
        guard !hits.isEmpty else { return result }
        let message = parsed ?? MIMEParser().parse(raw)
        let root = message.parts[0]
        let headerEnd = root.headerRange.upperBound
        result.inBody = hits.contains { $0.lowerBound >= headerEnd }
        result.inHeaders = hits.contains { $0.lowerBound < headerEnd }
        for field in root.headers {
            let name = ByteCase.lowered(raw[field.name])
            let decoded = message.text(of: field).text
            if !result.inHeaders, address.pattern.occurs(in: ByteCase.loweredText(decoded)) { result.inHeaders = true }
            guard Self.addressFields.contains(String(decoding: name, as: UTF8.self)) else { continue }
            for mailbox in AddressParser.parse(String(decoding: raw[field.value], as: UTF8.self))
            where mailbox.address.lowercased() == address.value {
                guard let encoded = mailbox.name else { continue }
                var problems: [String] = []
                let name = EncodedWords.decode(encoded, defects: &problems)
                if Self.isUsableName(name, address: address), !result.names.contains(name) { result.names.append(name) }
            }
        }
        return result
    }

    /// Where the top-level header section of `raw` ends (the offset of the blank line, or the end).
    static func headerEnd(of raw: [UInt8]) -> Int {
        MIMEParser().parse(raw).parts[0].headerRange.upperBound
    }

    /// A display name worth scrubbing: two letters or more, not an address, not our placeholders.
    static func isUsableName(_ name: String, address: SubjectAddress) -> Bool {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 2 && trimmed.contains(where: \.isLetter) && !trimmed.contains("@")
            && trimmed.lowercased() != namePlaceholder.lowercased()
    }

    /// The message with the address (and known display names) taken out of its top-level header
    /// section; nil when the header section does not mention them. Everything after the header
    /// section is kept byte for byte.
    func scrub(_ raw: [UInt8]) -> [UInt8]? {
        let message = MIMEParser().parse(raw)
        let root = message.parts[0]
        var output = raw
        var changed = false
        for field in root.headers.reversed() {
            let name = String(decoding: ByteCase.lowered(raw[field.name]), as: UTF8.self)
            let isAddressField = Self.addressFields.contains(name)
            let touchesNames = !isAddressField && !Self.structuralFields.contains(name)
            let original = Array(raw[field.value])
            var value = original
            if isAddressField, let scrubbed = scrubMailboxes(value) { value = scrubbed }
            if let scrubbed = ByteScrub.replacing(addressOnly, in: value) { value = scrubbed }
            if touchesNames, let scrubbed = ByteScrub.replacing(namesOnly, in: value) { value = scrubbed }
            // Folding and encoded words hide text from the byte search: look at the value as read.
            var replacement: [UInt8]? = nil
            var problems: [String] = []
            let decoded = EncodedWords.decode(Self.unfolded(value)[...], defects: &problems)
            if let clean = ByteScrub.replacing(touchesNames ? addressOnly + namesOnly : addressOnly, in: decoded) {
                let lineBreak: [UInt8] =
                    field.value.upperBound < raw.count && raw[field.value.upperBound] == 0x0A ? [0x0A] : [0x0D, 0x0A]
                replacement = Self.rewrittenField(
                    name: String(decoding: raw[field.name], as: UTF8.self), text: clean, lineBreak: lineBreak)
            }
            if let replacement {
                output.replaceSubrange(field.name.lowerBound..<field.value.upperBound, with: replacement)
                changed = true
            } else if value != original {
                output.replaceSubrange(field.value, with: value)
                changed = true
            }
        }
        return changed ? output : nil
    }

    /// One of our own answers with the address and known names taken out of its header section and
    /// its text (quoted-printable text is decoded, scrubbed and encoded again, so a soft line break
    /// cannot hide a name); nil when nothing changed. Answers are our words, so all of it is scrubbed.
    func scrubAnswer(_ raw: [UInt8]) -> [UInt8]? {
        let root = MIMEParser().parse(raw).parts[0]
        var output = raw
        var changed = false
        let body = Array(raw[root.bodyRange])
        if root.transferEncoding == "quoted-printable" {
            let decoded = QuotedPrintable.decode(body[...]).bytes
            let text = String(decoding: decoded, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            if let clean = scrubText(text) {
                output.replaceSubrange(root.bodyRange, with: QuotedPrintableEncoder.encode(clean))
                changed = true
            }
        } else if let clean = ByteScrub.replacing(addressOnly + namesOnly, in: body) {
            output.replaceSubrange(root.bodyRange, with: clean)
            changed = true
        }
        if let scrubbed = scrub(output) {
            output = scrubbed
            changed = true
        }
        return changed ? output : nil
    }

    /// The text with the address and known names replaced, for columns that mirror header fields.
    func scrubText(_ text: String) -> String? {
        ByteScrub.replacing(addressOnly + namesOnly, in: text)
    }

    /// An address-list value with every mailbox of the subject (and any display name or comment that
    /// spells out their address) replaced; nil when none is there.
    private func scrubMailboxes(_ value: [UInt8]) -> [UInt8]? {
        var output = value
        var changed = false
        for segment in Self.segments(of: value).reversed() {
            let bytes = Array(value[segment])
            let text = String(decoding: bytes, as: UTF8.self)
            let mailboxes = AddressParser.parse(text)
            var problems: [String] = []
            let decoded = EncodedWords.decode(Self.unfolded(bytes)[...], defects: &problems)
            let isTheirs =
                mailboxes.contains { $0.address.lowercased() == address.value }
                || (mailboxes.isEmpty && address.pattern.occurs(in: ByteCase.loweredText(decoded)))
            let lead = Array(bytes.prefix { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A })
            if isTheirs {
                output.replaceSubrange(segment, with: lead + Array(Self.placeholder.utf8))
                changed = true
            } else if address.pattern.occurs(in: ByteCase.loweredText(decoded)) {
                // Someone else's mailbox whose display name or comment spells out the address: keep the mailbox.
                let bare = mailboxes.map { "<" + $0.address + ">" }.joined(separator: ", ")
                output.replaceSubrange(segment, with: lead + Array(bare.utf8))
                changed = true
            }
        }
        return changed ? output : nil
    }

    /// The mailbox segments of an address-list value: split at ',' ';' and ':' outside quotes,
    /// comments and angle brackets (a group's name becomes a segment of its own, without address).
    static func segments(of value: [UInt8]) -> [Range<Int>] {
        var segments: [Range<Int>] = []
        var start = 0
        var inQuote = false
        var commentDepth = 0
        var inAngle = false
        var index = 0
        while index < value.count {
            let byte = value[index]
            if inQuote {
                if byte == 0x5C { index += 1 } else if byte == 0x22 { inQuote = false }
            } else if commentDepth > 0 {
                if byte == 0x5C {
                    index += 1
                } else if byte == 0x28 {
                    commentDepth += 1
                } else if byte == 0x29 {
                    commentDepth -= 1
                }
            } else if byte == 0x22 {
                inQuote = true
            } else if byte == 0x28 {
                commentDepth = 1
            } else if byte == 0x3C {
                inAngle = true
            } else if byte == 0x3E {
                inAngle = false
            } else if !inAngle, byte == 0x2C || byte == 0x3B || byte == 0x3A {
                segments.append(start..<index)
                start = index + 1
            }
            index += 1
        }
        segments.append(start..<value.count)
        return segments
    }

    /// A header field written anew from text: `Name: text`, RFC 2047 encoded where needed, folded.
    static func rewrittenField(name: String, text: String, lineBreak: [UInt8]) -> [UInt8] {
        var writer = HeaderWriter()
        var line: [UInt8]
        do {
            try writer.addText(name, text)
            line = try writer.finish()
        } catch {
            line = Array((name + ": " + namePlaceholder).utf8) + [0x0D, 0x0A]
        }
        line.removeLast(2)
        guard lineBreak == [0x0A] else { return line }
        var output: [UInt8] = []
        for byte in line where byte != 0x0D { output.append(byte) }
        return output
    }

    /// A header value without its line breaks and surrounding white space.
    static func unfolded(_ value: [UInt8]) -> [UInt8] {
        var bytes = value.filter { $0 != 0x0D && $0 != 0x0A }
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes.removeFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        return bytes
    }
}
