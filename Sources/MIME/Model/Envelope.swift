/// The message-level headers helpdeskd works with, decoded.
public struct Envelope: Sendable, Equatable {
    /// Message-ID without angle brackets.
    public var messageID: String?
    public var date: MessageDate?
    public var subject: String?
    public var from: [MailAddress] = []
    public var sender: [MailAddress] = []
    public var replyTo: [MailAddress] = []
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    /// Message-IDs from In-Reply-To, without angle brackets.
    public var inReplyTo: [String] = []
    /// Message-IDs from References, without angle brackets, oldest first.
    public var references: [String] = []
    /// How many From fields the header section has (one, by RFC 5322).
    public var fromFieldCount = 0

    public init() {}

    /// The one mailbox that wrote the message, when the header section names exactly one unambiguously:
    /// one From field holding one mailbox, outside a group, in a plain form, with a usable address. Only such an
    /// author may act on what someone wrote before (a ticket). `Sender` never stands in for it.
    public var author: MailAddress? { authorProblem == nil ? from.first : nil }

    /// Why `author` is nil, in words for the audit trail.
    public var authorProblem: String? {
        if fromFieldCount > 1 { return "\(fromFieldCount) From fields" }
        guard let first = from.first else { return "no From address" }
        if from.count > 1 { return "From names \(from.count) mailboxes" }
        if first.group != nil { return "From is a group" }
        if first.isAmbiguous { return "From is written in an ambiguous form" }
        if first.identity == nil { return "From is not a usable address" }
        return nil
    }
}

extension MIMEMessage {
    /// Decodes the envelope headers of a message entity (the top level, or an encapsulated one).
    public func envelope(of part: Int = 0) -> (envelope: Envelope, defects: [Defect]) {
        var envelope = Envelope()
        var problems: [String] = []
        let path = parts[part].path
        var seenSingletons: Set<String> = []
        bytes.withUnsafeBufferPointer { buffer in
            for field in parts[part].headers {
                guard let name = Self.envelopeFieldName(field, in: buffer) else { continue }
                let raw = unfold(bytes[field.value])
                if name == "from" { envelope.fromFieldCount += 1 }
                if ["message-id", "date", "subject", "from"].contains(name) {
                    if seenSingletons.contains(name) {
                        problems.append("duplicate \(name) header; the first was used")
                        continue
                    }
                    seenSingletons.insert(name)
                }
                switch name {
                case "message-id":
                    envelope.messageID = AddressParser.messageIDs(headerString(raw, &problems)).first
                case "date":
                    let value = headerString(raw, &problems)
                    envelope.date = MessageDate.parse(value)
                    if envelope.date == nil {
                        problems.append("unreadable Date \"\(String.sanitisedForDefect(value.utf8))\"")
                    }
                case "subject":
                    envelope.subject = EncodedWords.decode(raw, defects: &problems)
                case "from": envelope.from += addresses(raw, &problems)
                case "sender": envelope.sender += addresses(raw, &problems)
                case "reply-to": envelope.replyTo += addresses(raw, &problems)
                case "to": envelope.to += addresses(raw, &problems)
                case "cc": envelope.cc += addresses(raw, &problems)
                case "in-reply-to": envelope.inReplyTo += AddressParser.messageIDs(headerString(raw, &problems))
                case "references": envelope.references += AddressParser.messageIDs(headerString(raw, &problems))
                default: break
                }
            }
        }
        // Threading needs the newest references; a hostile list of thousands would cost a store lookup each.
        let keep = limits.maxReferences
        if envelope.inReplyTo.count > keep {
            problems.append("In-Reply-To names \(envelope.inReplyTo.count) messages; the first \(keep) were kept")
            envelope.inReplyTo.removeSubrange(keep...)
        }
        if envelope.references.count > keep {
            problems.append("References names \(envelope.references.count) messages; the last \(keep) were kept")
            envelope.references.removeFirst(envelope.references.count - keep)
        }
        return (envelope, problems.map { Defect(part: path, reason: $0) })
    }

    private static let envelopeNames: [[UInt8]] = [
        "message-id", "date", "subject", "from", "sender", "reply-to", "to", "cc", "in-reply-to", "references",
    ].map { Array($0.utf8) }

    private static func envelopeFieldName(_ field: HeaderField, in buffer: UnsafeBufferPointer<UInt8>) -> String? {
        for name in envelopeNames where field.hasName(name, in: buffer) {
            return String(decoding: name, as: UTF8.self)
        }
        return nil
    }

    /// A structured header's bytes as a string: UTF-8 (RFC 6532), else windows-1252 with a defect.
    private func headerString(_ raw: ArraySlice<UInt8>, _ problems: inout [String]) -> String {
        if let text = String(validating: raw, as: UTF8.self) { return text }
        problems.append("8-bit header text that is not UTF-8; decoded as windows-1252")
        return CharsetDecoder.decode(raw, label: "windows-1252").text
    }

    private func addresses(_ raw: ArraySlice<UInt8>, _ problems: inout [String]) -> [MailAddress] {
        // A value that is not UTF-8 is parsed as its Latin-1 image (one scalar per byte, so nothing is lost), and
        // each name is mapped back to its own bytes before it is decoded. Decoding the whole value as windows-1252
        // first would decode twice the raw 8-bit bytes old mailers put inside encoded words:
        // `=?iso-8859-1?Q?J\xFCrgen?=` must reach the word's charset as 0xFC, not as the UTF-8 of "ü" ("JÃ¼rgen").
        let isUTF8 = String(validating: raw, as: UTF8.self) != nil
        let text =
            isUTF8
            ? String(decoding: raw, as: UTF8.self) : String(String.UnicodeScalarView(raw.map(Unicode.Scalar.init)))
        func originalBytes(_ piece: String) -> ArraySlice<UInt8> {
            isUTF8 ? Array(piece.utf8)[...] : piece.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }[...]
        }
        var found: [String] = []
        let addresses = AddressParser.parse(text).map { address in
            var decoded = address
            if let name = address.name {
                decoded.name = EncodedWords.decode(originalBytes(name), defects: &found)
            }
            if let group = address.group {
                decoded.group = EncodedWords.decode(originalBytes(group), defects: &found)
            }
            decoded.address = EncodedWords.sanitised(
                isUTF8 ? address.address : headerString(originalBytes(address.address), &found))
            return decoded
        }
        // One report per reason and header, however many names in it shared the reason.
        for (index, reason) in found.enumerated() where !found[..<index].contains(reason) { problems.append(reason) }
        return addresses
    }
}
