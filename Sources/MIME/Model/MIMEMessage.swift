import Glibc

/// A parsed email: the original bytes, untouched, and the structure found in them.
///
/// Decoding is done on demand (`decodedBody(of:)`, `text(of:)`, `envelope(of:)`), so callers that
/// only need the structure or one header pay for nothing else.
public struct MIMEMessage: Sendable {
    /// The message exactly as received.
    public let bytes: [UInt8]
    /// Every entity; `parts[0]` is the top-level one. Parents come before their children.
    public let parts: [MIMEPart]
    /// What the structure parser repaired.
    public let defects: [Defect]
    /// The limits it was parsed with; decoding on demand (the envelope's reference lists) honours them too.
    public let limits: ParserLimits

    /// Parses `bytes` with default limits.
    public init(parsing bytes: [UInt8], limits: ParserLimits = ParserLimits()) {
        self = MIMEParser(limits: limits).parse(bytes)
    }

    init(bytes: [UInt8], parts: [MIMEPart], defects: [Defect], limits: ParserLimits) {
        self.bytes = bytes
        self.parts = parts
        self.defects = defects
        self.limits = limits
    }

    // MARK: Headers

    /// The fields named `name` (any case) of entity `part`, in order.
    public func fields(named name: String, in part: Int = 0) -> [HeaderField] {
        let wanted = Array(name.lowercased().utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            parts[part].headers.filter { $0.hasName(wanted, in: buffer) }
        }
    }

    /// A field's name as written.
    public func name(of field: HeaderField) -> String {
        String(decoding: bytes[field.name], as: UTF8.self)
    }

    /// A field's value unfolded and trimmed, still encoded (RFC 2047 words left as they are).
    public func rawValue(of field: HeaderField) -> ArraySlice<UInt8> {
        unfold(bytes[field.value])
    }

    /// A field's value as text: unfolded, RFC 2047 words decoded, control characters replaced.
    public func text(of field: HeaderField) -> DecodedText {
        var problems: [String] = []
        let text = EncodedWords.decode(unfold(bytes[field.value]), defects: &problems)
        return DecodedText(text: text, defects: problems)
    }

    /// The decoded text of the first field named `name`, or nil when there is none.
    public func headerText(_ name: String, in part: Int = 0) -> String? {
        fields(named: name, in: part).first.map { text(of: $0).text }
    }

    /// Whether entity `part` has a field whose lower-cased name starts with `prefix` (e.g. "list-").
    public func hasField(withPrefix prefix: String, in part: Int = 0) -> Bool {
        let wanted = Array(prefix.lowercased().utf8)
        return parts[part].headers.contains { field in
            guard field.name.count >= wanted.count else { return false }
            return zip(bytes[field.name], wanted).allSatisfy { pair in
                let byte = pair.0 >= 0x41 && pair.0 <= 0x5A ? pair.0 | 0x20 : pair.0
                return byte == pair.1
            }
        }
    }

    // MARK: Bodies

    /// An entity's body with its transfer encoding undone.
    public func decodedBody(of part: Int) -> (bytes: [UInt8], problem: String?) {
        let entity = parts[part]
        return TransferEncoding.decode(bytes[entity.bodyRange], encoding: entity.transferEncoding)
    }

    /// A text entity's body as text: transfer encoding undone, charset converted, line breaks as "\n".
    public func text(ofPart part: Int) -> DecodedText {
        let decoded = decodedBody(of: part)
        var result = CharsetDecoder.decode(decoded.bytes, label: parts[part].charset)
        if let problem = decoded.problem { result.defects.insert(problem, at: 0) }
        result.text = result.text.normalisingLineBreaks
        return result
    }

    /// Entities that are the message's body text, chosen as JMAP does (RFC 8621 §4.1.4): within
    /// `multipart/alternative` plain text goes to `text` and HTML to `html`; elsewhere inline text
    /// parts belong to both; anything else is an attachment. Encapsulated messages are not entered.
    public func bodyParts(of root: Int = 0) -> (text: [Int], html: [Int]) {
        var text: [Int] = []
        var html: [Int] = []
        if parts[root].kind == .multipart {
            let subtype = String(parts[root].contentType.dropFirst("multipart/".count))
            collect(
                parts[root].children, multipartType: subtype, inAlternative: subtype == "alternative",
                textOn: true, htmlOn: true, text: &text, html: &html)
        } else {
            collect(
                [root], multipartType: nil, inAlternative: false, textOn: true, htmlOn: true, text: &text,
                html: &html)
        }
        return (text, html)
    }

    /// RFC 8621's parseStructure. `textOn`/`htmlOn` are false once a sibling alternative showed that
    /// this branch only feeds the other list.
    private func collect(
        _ children: [Int], multipartType: String?, inAlternative: Bool, textOn startTextOn: Bool,
        htmlOn startHTMLOn: Bool, text: inout [Int], html: inout [Int]
    ) {
        var textOn = startTextOn
        var htmlOn = startHTMLOn
        let textLength = textOn ? text.count : -1
        let htmlLength = htmlOn ? html.count : -1
        for (position, index) in children.enumerated() {
            let part = parts[index]
            if part.kind == .multipart {
                let subtype = String(part.contentType.dropFirst("multipart/".count))
                collect(
                    part.children, multipartType: subtype, inAlternative: inAlternative || subtype == "alternative",
                    textOn: textOn, htmlOn: htmlOn, text: &text, html: &html)
                continue
            }
            let isText = part.kind == .leaf && (part.contentType == "text/plain" || part.contentType == "text/html")
            let isInline =
                isText && part.disposition != "attachment"
                && (position == 0 || (multipartType != "related" && part.filename == nil))
            guard isInline else { continue }
            if multipartType == "alternative" {
                if part.contentType == "text/plain" {
                    if textOn { text.append(index) }
                } else if htmlOn {
                    html.append(index)
                }
                continue
            }
            if inAlternative {
                if part.contentType == "text/plain" { htmlOn = false }
                if part.contentType == "text/html" { textOn = false }
            }
            if textOn { text.append(index) }
            if htmlOn { html.append(index) }
        }
        if multipartType == "alternative", textOn, htmlOn {
            // Only HTML was found: it serves as text too, and vice versa.
            if textLength == text.count, htmlLength != html.count {
                text.append(contentsOf: html[max(0, htmlLength)...])
            }
            if htmlLength == html.count, textLength != text.count {
                html.append(contentsOf: text[max(0, textLength)...])
            }
        }
    }

    /// Every leaf entity, at any depth, in document order.
    public var leaves: [Int] { parts.indices.filter { parts[$0].kind == .leaf } }
}

extension String {
    /// CRLF and lone CR become LF.
    var normalisingLineBreaks: String {
        var copy = self
        return copy.withUTF8 { bytes -> String in
            guard let base = bytes.baseAddress, memchr(base, 0x0D, bytes.count) != nil else { return self }
            return String(unsafeUninitializedCapacity: bytes.count) { output in
                var o = 0
                var i = 0
                while i < bytes.count {
                    let byte = bytes[i]
                    i += 1
                    if byte == 0x0D {
                        output[o] = 0x0A
                        if i < bytes.count, bytes[i] == 0x0A { i += 1 }
                    } else {
                        output[o] = byte
                    }
                    o += 1
                }
                return o
            }
        }
    }
}
