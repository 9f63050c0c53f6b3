import Foundation
import MIME

/// Takes an erased person out of the header section of a message kept for someone else, and tells
/// where a message mentions them.
///
/// Only the top-level header section changes; the body bytes stay exactly as received (they are the
/// other person's words). In address fields (From, To, Cc, Reply-To, Delivered-To…) the
/// person's whole mailbox — display name, address, comment — becomes `erased@invalid`; elsewhere
/// (Subject, Received, DKIM `i=`…) their address becomes `erased@invalid` and their display name
/// `Erased`. The address is looked for the way a reader sees it: as written, with percent escapes
/// decoded (`anna%40example%2Eedu` in a URL), inside RFC 2047 encoded words (read as
/// `EncodedWords.decode` reads them, split or glued words included), and followed by a file extension
/// (`anna@example.edu.pdf`). Only the encoded words that hide a match are written anew; a
/// percent-encoded match is replaced in percent-encoded form. `headerMentions` looks with the same
/// eyes, so what `scrub` leaves, the completeness check (`TraceScan`) finds.
///
/// Hostile senders write these headers: every step is one pass over the header section (parse,
/// search, rewrite), never a copy or a new search per match.
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
    /// Fields that make someone an addressee of a message (the sender is the `fromAddress` column's).
    static let recipientFields: Set<String> = ["to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc"]
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
        /// Anywhere in the top-level header section, as `headerMentions` looks.
        var inHeaders = false
        /// After the header section (the body, nested messages and attachments as transported).
        var inBody = false
        /// As a mailbox of a recipient field (To, Cc, Bcc and their Resent- forms): they received it.
        var addressed = false
        /// Display names given to the address in address fields, decoded.
        var names: [String] = []
    }

    /// Where `raw` mentions the address, and under what names.
    func mentions(in raw: [UInt8]) -> Mentions {
        var result = Mentions()
        let section = MIMEParser().parseHeaderSection(raw)
        result.inHeaders = headerMentions(raw, section: section)
        result.inBody = address.pattern.occurs(in: ByteCase.lowered(raw[section.range.upperBound...]))
        guard result.inHeaders else { return result }
        for field in section.fields {
            let name = String(decoding: ByteCase.lowered(raw[field.name]), as: UTF8.self)
            guard Self.addressFields.contains(name) else { continue }
            for mailbox in AddressParser.parse(String(decoding: raw[field.value], as: UTF8.self))
            where mailbox.address.lowercased() == address.value {
                if Self.recipientFields.contains(name) { result.addressed = true }
                guard let encoded = mailbox.name else { continue }
                var problems: [String] = []
                let name = EncodedWords.decode(encoded, defects: &problems)
                if Self.isUsableName(name, address: address), !result.names.contains(name) { result.names.append(name) }
            }
        }
        return result
    }

    /// Whether the top-level header section of `raw` mentions the address: its bytes as written or
    /// with percent escapes decoded (field names and values, and lines that are no field), or a
    /// field's value with its encoded words decoded.
    func headerMentions(_ raw: [UInt8], section: HeaderSection? = nil) -> Bool {
        let section = section ?? MIMEParser().parseHeaderSection(raw)
        let bytes = Array(raw[..<section.range.upperBound])
        if !ByteScrub.hits(addressOnly, in: bytes, lowered: ByteCase.lowered(bytes)).isEmpty { return true }
        for field in section.fields {
            if let text = EncodedWordText(Array(raw[field.value])), !text.hits(addressOnly).isEmpty { return true }
        }
        return false
    }

    /// Whether one of our answers mentions the address anywhere: its header section as
    /// `headerMentions` looks, its body as sent, and its quoted-printable text decoded (a soft line
    /// break can split an address).
    func answerMentions(_ raw: [UInt8]) -> Bool {
        if address.pattern.occurs(in: ByteCase.lowered(raw)) || headerMentions(raw) { return true }
        let root = MIMEParser().parse(raw).parts[0]
        guard root.transferEncoding == "quoted-printable" else { return false }
        let text = QuotedPrintable.decode(raw[root.bodyRange]).bytes
        return !ByteScrub.hits(addressOnly, in: text, lowered: ByteCase.loweredUTF8(text)).isEmpty
    }

    /// A display name worth scrubbing: two letters or more, not an address, not our placeholders.
    static func isUsableName(_ name: String, address: SubjectAddress) -> Bool {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= 2 && trimmed.contains(where: \.isLetter) && !trimmed.contains("@")
            && trimmed.lowercased() != namePlaceholder.lowercased()
    }

    /// The message with the address (and known display names) taken out of its top-level header
    /// section; nil when the header section does not mention them. Everything after the header
    /// section is kept byte for byte. Each round is one pass; taking an encoded word's text out can
    /// join what stood around it into a new match, so a round is repeated while it changes something,
    /// at most three times.
    func scrub(_ raw: [UInt8]) -> [UInt8]? {
        var current = raw
        var changed = false
        for _ in 0..<3 {
            guard let next = scrubOnce(current) else { break }
            current = next
            changed = true
        }
        return changed ? current : nil
    }

    private func scrubOnce(_ raw: [UInt8]) -> [UInt8]? {
        let section = MIMEParser().parseHeaderSection(raw)
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var changed = false
        var cursor = 0
        // Bytes outside field values (an mbox "From " line, field names, lines the parser skipped or
        // cut): the address as written or percent-encoded.
        func copyScrubbing(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            let bytes = Array(raw[range])
            if let clean = ByteScrub.replacing(addressOnly, in: bytes) {
                output += clean
                changed = true
            } else {
                output += bytes
            }
        }
        for field in section.fields {
            copyScrubbing(cursor..<field.value.lowerBound)
            cursor = field.value.upperBound
            let name = String(decoding: ByteCase.lowered(raw[field.name]), as: UTF8.self)
            let isAddressField = Self.addressFields.contains(name)
            let touchesNames = !isAddressField && !Self.structuralFields.contains(name)
            let patterns = touchesNames ? addressOnly + namesOnly : addressOnly
            var value = Array(raw[field.value])
            if isAddressField, let clean = scrubMailboxes(value) {
                value = clean
                changed = true
            }
            if let clean = ByteScrub.replacing(patterns, in: value) {
                value = clean
                changed = true
            }
            if let text = EncodedWordText(value) {
                let hits = text.hits(patterns)
                if !hits.isEmpty {
                    let lineBreak: [UInt8] =
                        cursor < raw.count && raw[cursor] == 0x0A ? [0x0A] : [0x0D, 0x0A]
                    value = text.rewritten(hits, lineBreak: lineBreak)
                    changed = true
                }
            }
            output += value
        }
        copyScrubbing(cursor..<section.range.upperBound)
        output += raw[section.range.upperBound...]
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
    /// spells out their address, however encoded) replaced; nil when none is there. One pass over
    /// the segments.
    private func scrubMailboxes(_ value: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        var changed = false
        var cursor = 0
        for segment in Self.segments(of: value) {
            output += value[cursor..<segment.lowerBound]
            cursor = segment.upperBound
            let bytes = Array(value[segment])
            let mailboxes = AddressParser.parse(String(decoding: bytes, as: UTF8.self))
            let spellsItOut =
                !ByteScrub.hits(addressOnly, in: bytes, lowered: ByteCase.lowered(bytes)).isEmpty
                || EncodedWordText(bytes).map { !$0.hits(addressOnly).isEmpty } ?? false
            let isTheirs =
                mailboxes.contains { $0.address.lowercased() == address.value } || (mailboxes.isEmpty && spellsItOut)
            let lead = bytes.prefix { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
            if isTheirs {
                output += lead + Array(Self.placeholder.utf8)
                changed = true
            } else if spellsItOut {
                // Someone else's mailbox whose display name or comment spells out the address: keep the mailbox.
                output += lead + Array(mailboxes.map { "<" + $0.address + ">" }.joined(separator: ", ").utf8)
                changed = true
            } else {
                output += bytes
            }
        }
        output += value[cursor...]
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
}
