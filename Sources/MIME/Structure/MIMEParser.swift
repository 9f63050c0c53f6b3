import Glibc

/// Reads the structure of an email: every entity's headers and body as ranges of the original bytes.
///
/// One pass over the bytes, line by line, with an explicit stack of open multipart boundaries
/// instead of recursion: nesting depth costs no stack, every byte is looked at a bounded number of
/// times, and a boundary of any enclosing multipart closes whatever is open inside it (so a missing
/// closing boundary never swallows the rest of the message). Body lines are skipped with `memchr`
/// and only lines starting with "--" are looked up among the open boundaries, by their text, so a
/// line costs its length whatever the nesting depth.
///
/// Parsing never fails: malformed input yields a structure plus defects saying what was repaired.
public struct MIMEParser: Sendable {
    public var limits: ParserLimits

    public init(limits: ParserLimits = ParserLimits()) {
        self.limits = limits
    }

    /// Parses a whole message.
    public func parse(_ bytes: [UInt8]) -> MIMEMessage {
        var scanner = StructureScanner(bytes: bytes, limits: limits)
        bytes.withUnsafeBufferPointer { scanner.run($0) }
        let defects = scanner.defects.map { Defect(part: scanner.parts[$0.entity].path, reason: $0.reason) }
        return MIMEMessage(bytes: bytes, parts: scanner.parts, defects: defects, limits: limits)
    }

    /// Reads only the top-level header section, by the same rules as `parse` (so the same answer to
    /// where it ends): for callers that look at headers only, it costs the header section, not the message.
    public func parseHeaderSection(_ bytes: [UInt8]) -> HeaderSection {
        var scanner = StructureScanner(bytes: bytes, limits: limits)
        scanner.stopAfterRootHeaders = true
        bytes.withUnsafeBufferPointer { scanner.run($0) }
        return HeaderSection(fields: scanner.parts[0].headers, range: scanner.parts[0].headerRange)
    }

    /// The message up to the end of its top-level header section, with the blank line that ends it: what an IMAP
    /// server sends for BODY[HEADER]. The section ends where `parseHeaderSection` says (the program's one answer
    /// to "where does the header section end"); without a blank line, the cut is where the section stopped.
    public func headerSectionBytes(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var end = parseHeaderSection(bytes).range.upperBound
        if end < bytes.count, bytes[end] == 0x0A {
            end += 1
        } else if end + 1 < bytes.count, bytes[end] == 0x0D, bytes[end + 1] == 0x0A {
            end += 2
        }
        return bytes[..<end]
    }
}

/// The mutable state of one parse.
private struct StructureScanner {
    /// A multipart whose boundary is being looked for.
    struct Frame {
        /// The boundary without trailing white space (RFC 2046 does not allow any, and gateways strip it).
        let boundary: [UInt8]
        /// The boundary as declared, when that had trailing white space.
        let declared: [UInt8]?
        let entity: Int
        var childCount = 0
    }

    enum Mode {
        /// Reading the header section of this entity.
        case headers(Int)
        /// Inside content: a leaf body, a preamble or an epilogue. Only boundaries matter here.
        case content

        func isReadingHeaders(of entity: Int) -> Bool {
            if case .headers(entity) = self { true } else { false }
        }
    }

    let bytes: [UInt8]
    let limits: ParserLimits
    var parts: [MIMEPart] = []
    /// Defects by entity; paths are only known once an entity's headers are read, so they are resolved at the end.
    var defects: [(entity: Int, reason: String)] = []
    var frames: [Frame] = []
    /// Indices into `frames` by the hash of their boundary, innermost last. Comparing a "--" line with
    /// every open boundary cost O(depth) per line: a hostile message nested to the depth ceiling and then
    /// flooded with "--x" lines paid ~1,000 comparisons for each. A lookup costs the line's length.
    var framesByHash: [Int: [Int]] = [:]
    /// The longest boundary opened so far: longer lines cannot be delimiters and are not looked up.
    var longestBoundary = 0
    /// Entities not yet closed, outermost first.
    var open: [Int] = []
    var mode: Mode = .content
    /// Header lines read for the entity in `.headers` mode.
    var headerLines = 0
    /// Whether the entity in `.headers` mode already has its bare-CR defect.
    var reportedBareCR = false
    var reportedPartLimit = false
    /// Stop once the top-level header section is read (`parseHeaderSection`).
    var stopAfterRootHeaders = false

    init(bytes: [UInt8], limits: ParserLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
        let n = buffer.count
        let root = startEntity(at: 0, parent: nil, isMessageRoot: true)
        mode = .headers(root)
        var p = 0
        while p < n {
            // `parseHeaderSection`: the top-level header section is all that is wanted.
            if stopAfterRootHeaders, !mode.isReadingHeaders(of: root) { return }
            let lineStart = p
            let lineFeed = findLineFeed(buffer, from: p)
            let next = lineFeed < n ? lineFeed + 1 : n
            var contentEnd = lineFeed
            if contentEnd > lineStart, buffer[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }

            if !frames.isEmpty, contentEnd - lineStart >= 2, buffer[lineStart] == UInt8(ascii: "-"),
                buffer[lineStart + 1] == UInt8(ascii: "-"),
                let (frame, isClose) = matchBoundary(buffer, lineStart, contentEnd)
            {
                handleDelimiter(buffer, frame: frame, isClose: isClose, lineStart: lineStart, next: next)
                p = next
                continue
            }

            switch mode {
            case .headers(let entity):
                p = headerLine(buffer, entity: entity, lineStart: lineStart, contentEnd: contentEnd, next: next)
            case .content:
                // Nothing but a boundary can end content; with no multipart open, nothing can.
                p = frames.isEmpty ? n : nextDashLine(buffer, from: next)
            }
        }
        // End of input. A delimiter that is the very last line opens no part: nothing follows it, not even the
        // blank line that would end a header section. It only ends the part before it (the message was cut
        // there), so no phantom empty part is added to the body or the attachments.
        if case .headers(let entity) = mode, entity == parts.count - 1, parts[entity].range.lowerBound == n,
            let parent = parts[entity].parent, parts[parent].kind == .multipart
        {
            parts.removeLast()
            parts[parent].children.removeLast()
            open.removeLast()
            mode = .content
        }
        // Whatever is still open ends here.
        for frame in frames.reversed() { defect(frame.entity, "multipart ended without its closing boundary") }
        dropFrames(from: 0)
        while let entity = open.popLast() { close(entity, at: n) }
    }

    // MARK: Lines

    @inline(__always)
    func findLineFeed(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = buffer.count
        guard start < n else { return n }
        guard let found = memchr(buffer.baseAddress! + start, 0x0A, n - start) else { return n }
        return buffer.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The start of the next line at or after `start` that begins with "--", or the end.
    @inline(__always)
    func nextDashLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = buffer.count
        var q = start
        while q < n {
            if buffer[q] == UInt8(ascii: "-"), q + 1 < n, buffer[q + 1] == UInt8(ascii: "-") { return q }
            let lineFeed = findLineFeed(buffer, from: q)
            q = lineFeed + 1
        }
        return n
    }

    /// Which open multipart this line is a delimiter of, and whether it closes it. When the line reads
    /// both ways ("--a--" with "a" and "a--" open), the innermost multipart wins.
    func matchBoundary(
        _ buffer: UnsafeBufferPointer<UInt8>, _ lineStart: Int, _ contentEnd: Int
    )
        -> (Int, Bool)?
    {
        var end = contentEnd
        // Transport padding (trailing white space) is allowed after a delimiter.
        while end > lineStart + 2, buffer[end - 1] == UInt8(ascii: " ") || buffer[end - 1] == UInt8(ascii: "\t") {
            end -= 1
        }
        let length = end - lineStart - 2
        let base = buffer.baseAddress! + lineStart + 2
        // Exact delimiters first, found by hash whatever the nesting depth (the innermost wins).
        if length <= longestBoundary + 2 {
            let text = UnsafeBufferPointer(start: base, count: length)
            var match = innermostFrame(withBoundary: text).map { ($0, false) }
            if length > 2, text[length - 1] == UInt8(ascii: "-"), text[length - 2] == UInt8(ascii: "-"),
                let frame = innermostFrame(withBoundary: UnsafeBufferPointer(start: base, count: length - 2)),
                frame > (match?.0 ?? -1)
            {
                match = (frame, true)
            }
            if let match { return match }
        }
        func startsWith(_ boundary: [UInt8]) -> Bool {
            boundary.count <= length
                && boundary.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, boundary.count) == 0 }
        }
        func dashes(at offset: Int) -> Bool {
            length >= offset + 2 && base[offset] == UInt8(ascii: "-") && base[offset + 1] == UInt8(ascii: "-")
        }
        // The lenient readings below look at the innermost few multiparts only: junk after a delimiter
        // belongs to the part being written, and a bound keeps hostile nesting from costing per line.
        let lenient = frames.indices.reversed().prefix(Self.lenientDepth)
        for index in lenient {
            // The close delimiter of a boundary declared with trailing white space may keep it before the "--".
            if let declared = frames[index].declared, length == declared.count + 2, dashes(at: declared.count),
                startsWith(declared)
            {
                return (index, true)
            }
        }
        // RFC 2046 §5.1.1: "an exact match of the entire candidate line is not required; it is sufficient that
        // the boundary appear in its entirety following the CRLF". So a delimiter followed by junk ("--b junk",
        // "--b-- junk") still counts, innermost first, but only when the boundary visibly ends there: white
        // space, or "--" and then white space, must follow it. "--ab" is not a delimiter of "a".
        for index in lenient {
            let frame = frames[index]
            guard length > frame.boundary.count, startsWith(frame.boundary) else { continue }
            var after = frame.boundary.count
            if let declared = frame.declared, length > declared.count, startsWith(declared) { after = declared.count }
            func blank(at offset: Int) -> Bool {
                offset >= length || base[offset] == UInt8(ascii: " ") || base[offset] == UInt8(ascii: "\t")
            }
            // "--b-- junk" closes; "--b---x" is text (it may be a delimiter of "b-" or plain prose).
            if dashes(at: after), blank(at: after + 2) { return (index, true) }
            if blank(at: after) { return (index, false) }
        }
        return nil
    }

    /// How many of the innermost multiparts the lenient delimiter readings consider.
    static let lenientDepth = 8

    /// The innermost open frame whose boundary is exactly `text`.
    func innermostFrame(withBoundary text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let candidates = framesByHash[Self.hash(text)] else { return nil }
        // Candidates share the hash: nearly always the same boundary, opened at several depths.
        for index in candidates.reversed() where frames[index].boundary.count == text.count {
            let equal = frames[index].boundary.withUnsafeBufferPointer {
                memcmp(text.baseAddress!, $0.baseAddress!, text.count) == 0
            }
            if equal { return index }
        }
        return nil
    }

    /// `Hasher` is seeded per process, so no input can be crafted to make boundaries collide.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        return hasher.finalize()
    }

    /// Opens a frame for a multipart whose boundary is now being looked for.
    mutating func pushFrame(boundary: [UInt8], declared: [UInt8]? = nil, entity: Int) {
        frames.append(Frame(boundary: boundary, declared: declared, entity: entity))
        framesByHash[boundary.withUnsafeBufferPointer(Self.hash), default: []].append(frames.count - 1)
        longestBoundary = max(longestBoundary, boundary.count)
    }

    /// Closes the frames from `index` on, innermost first, keeping `framesByHash` in step.
    mutating func dropFrames(from index: Int) {
        while frames.count > index {
            let hash = frames.removeLast().boundary.withUnsafeBufferPointer(Self.hash)
            // The frame removed is the innermost of all: the last index in its list.
            if var list = framesByHash.removeValue(forKey: hash) {
                list.removeLast()
                if !list.isEmpty { framesByHash[hash] = list }
            }
        }
    }

    // MARK: Entities

    mutating func startEntity(at start: Int, parent: Int?, isMessageRoot: Bool) -> Int {
        let depth = parent.map { parts[$0].depth + 1 } ?? 0
        let index = parts.count
        parts.append(MIMEPart(path: "", parent: parent, depth: depth, isMessageRoot: isMessageRoot, start: start))
        if let parent { parts[parent].children.append(index) }
        open.append(index)
        headerLines = 0
        reportedBareCR = false
        return index
    }

    var canAddPart: Bool { parts.count < limits.maxParts }

    mutating func reportPartLimit(_ entity: Int) {
        if !reportedPartLimit {
            reportedPartLimit = true
            defect(entity, "more than \(limits.maxParts) parts; the rest of the message is kept unsplit")
        }
    }

    /// Handles one line of a header section; returns where to continue.
    mutating func headerLine(
        _ buffer: UnsafeBufferPointer<UInt8>, entity: Int, lineStart: Int, contentEnd: Int,
        next: Int
    ) -> Int {
        if lineStart == contentEnd {
            return endHeaders(entity, headerEnd: lineStart, bodyStart: next)
        }
        headerLines += 1
        // A CR inside a line: CR-only line breaks (classic Mac OS) or a stray CR. RFC 5322 allows CR only
        // before LF, so it does not end the line here; but without a defect a header section written with
        // CR alone silently reads as one long field (and the whole message as headers without a body).
        if !reportedBareCR, memchr(buffer.baseAddress! + lineStart, 0x0D, contentEnd - lineStart) != nil {
            reportedBareCR = true
            defect(entity, "bare CR in the header section; only CRLF and LF end a line")
        }
        let overLimit = headerLines > limits.maxHeaderLines
        if overLimit, headerLines == limits.maxHeaderLines + 1 {
            defect(entity, "more than \(limits.maxHeaderLines) header lines; the rest were skipped")
        }
        let first = buffer[lineStart]
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // Folded continuation of the previous field.
            if overLimit { return next }
            guard let last = parts[entity].headers.last else {
                defect(entity, "header section starts with a continuation line")
                return next
            }
            let limitEnd = last.value.lowerBound + limits.maxHeaderLineLength
            if contentEnd > limitEnd, last.value.upperBound < limitEnd {
                defect(entity, "header field longer than \(limits.maxHeaderLineLength) bytes was cut")
            }
            let capped = min(contentEnd, limitEnd)
            if capped > last.value.upperBound {
                parts[entity].headers[parts[entity].headers.count - 1] = HeaderField(
                    name: last.name, value: last.value.lowerBound..<capped)
            }
            return next
        }
        // field-name: printable ASCII except ':', optionally followed by white space (obsolete syntax). 8-bit
        // bytes are not allowed in a name either, but such a line is still a (broken) field: taking it for the
        // start of the body would push every field after it, Content-Type and Subject included, into the body.
        var i = lineStart
        var has8BitName = false
        while i < contentEnd, buffer[i] > 0x20, buffer[i] != 0x7F, buffer[i] != UInt8(ascii: ":") {
            if buffer[i] >= 0x80 { has8BitName = true }
            i += 1
        }
        let nameEnd = i
        while i < contentEnd, buffer[i] == UInt8(ascii: " ") || buffer[i] == UInt8(ascii: "\t") { i += 1 }
        if nameEnd > lineStart, i < contentEnd, buffer[i] == UInt8(ascii: ":") {
            if overLimit { return next }
            if has8BitName { defect(entity, "header field name with 8-bit bytes") }
            let valueStart = i + 1
            var valueEnd = contentEnd
            if valueEnd - valueStart > limits.maxHeaderLineLength {
                valueEnd = valueStart + limits.maxHeaderLineLength
                defect(entity, "header field longer than \(limits.maxHeaderLineLength) bytes was cut")
            }
            parts[entity].headers.append(HeaderField(name: lineStart..<nameEnd, value: valueStart..<valueEnd))
            return next
        }
        // An mbox "From " separator before the first header is not part of the message.
        if entity == 0, parts[entity].headers.isEmpty, headerLines == 1, contentEnd - lineStart >= 5,
            buffer[lineStart] == UInt8(ascii: "F"), buffer[lineStart + 1] == UInt8(ascii: "r"),
            buffer[lineStart + 2] == UInt8(ascii: "o"), buffer[lineStart + 3] == UInt8(ascii: "m"),
            buffer[lineStart + 4] == UInt8(ascii: " ")
        {
            parts[entity].range = next..<next
            parts[entity].headerRange = next..<next
            headerLines = 0
            return next
        }
        defect(entity, "header section ended without a blank line")
        return endHeaders(entity, headerEnd: lineStart, bodyStart: lineStart)
    }

    /// The header section of `entity` is complete: decide what the entity is. Returns where to continue.
    mutating func endHeaders(_ entity: Int, headerEnd: Int, bodyStart: Int) -> Int {
        parts[entity].headerRange = parts[entity].range.lowerBound..<headerEnd
        parts[entity].bodyRange = bodyStart..<bodyStart
        interpretHeaders(entity)
        let part = parts[entity]
        let type = part.contentType
        if type.hasPrefix("multipart/") {
            let declared = Array((part.contentTypeParameters["boundary"] ?? "").utf8)
            let boundary = declared.trimmingTrailingSpace
            if boundary.isEmpty {
                defect(entity, "\(type) without a boundary; kept as text")
                setLeafType(entity, "text/plain")
            } else if part.depth + 1 >= limits.maxDepth {
                defect(entity, "nesting deeper than \(limits.maxDepth); this multipart is kept as one opaque part")
                setLeafType(entity, "application/octet-stream")
            } else {
                parts[entity].kind = .multipart
                let padded = declared.count == boundary.count ? nil : declared
                pushFrame(boundary: boundary, declared: padded, entity: entity)
            }
        } else if type == "message/rfc822" || type == "message/global" {
            if !["7bit", "8bit", "binary"].contains(part.transferEncoding) {
                // Encoded encapsulation is not allowed (RFC 2046 §5.2.1); the part stays a leaf whose
                // decoded body callers may parse on their own.
                defect(entity, "\(type) with \(part.transferEncoding) transfer encoding")
            } else if part.depth + 1 >= limits.maxDepth {
                defect(entity, "nesting deeper than \(limits.maxDepth); this message is kept as one opaque part")
            } else if !canAddPart {
                reportPartLimit(entity)
            } else {
                parts[entity].kind = .message
                assignPath(entity)
                let child = startEntity(at: bodyStart, parent: entity, isMessageRoot: true)
                mode = .headers(child)
                return bodyStart
            }
        }
        assignPath(entity)
        mode = .content
        return bodyStart
    }

    mutating func setLeafType(_ entity: Int, _ type: String) {
        parts[entity].contentType = type
    }

    /// IMAP part numbering (RFC 3501 §6.4.5).
    mutating func assignPath(_ entity: Int) {
        let part = parts[entity]
        guard let parent = part.parent else {
            parts[entity].path = part.kind == .multipart ? "" : "1"
            return
        }
        let parentPart = parts[parent]
        if parentPart.kind == .message {
            // The encapsulated message: a multipart takes the message part's own number, a leaf body ".1".
            parts[entity].path = part.kind == .multipart ? parentPart.path : join(parentPart.path, 1)
        } else {
            parts[entity].path = join(parentPart.path, parentPart.children.count)
        }
    }

    func join(_ path: String, _ index: Int) -> String {
        path.isEmpty ? String(index) : path + "." + String(index)
    }

    /// A delimiter of `frames[frame]` was found on the line at `lineStart`.
    mutating func handleDelimiter(
        _ buffer: UnsafeBufferPointer<UInt8>, frame: Int, isClose: Bool, lineStart: Int,
        next: Int
    ) {
        // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        var end = lineStart
        if end > 0, buffer[end - 1] == UInt8(ascii: "\n") {
            end -= 1
            if end > 0, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        }
        let multipart = frames[frame].entity
        while let top = open.last, top != multipart {
            open.removeLast()
            close(top, at: end)
        }
        if frame + 1 < frames.count {
            for inner in frames[(frame + 1)...] {
                defect(inner.entity, "multipart ended without its closing boundary")
            }
            dropFrames(from: frame + 1)
        }
        if isClose {
            dropFrames(from: frame)
            mode = .content
            return
        }
        guard canAddPart else {
            reportPartLimit(multipart)
            mode = .content
            return
        }
        frames[frame].childCount += 1
        let child = startEntity(at: next, parent: multipart, isMessageRoot: false)
        mode = .headers(child)
    }

    /// Ends an entity at `end` (exclusive), finishing its header section if it was still being read.
    mutating func close(_ entity: Int, at rawEnd: Int) {
        let start = parts[entity].range.lowerBound
        let end = max(rawEnd, start)
        if case .headers(let reading) = mode, reading == entity {
            // The entity ended inside its header section: it has no body.
            parts[entity].headerRange = start..<end
            parts[entity].bodyRange = end..<end
            interpretHeaders(entity)
            if parts[entity].contentType.hasPrefix("multipart/") || parts[entity].contentType.hasPrefix("message/") {
                setLeafType(entity, "text/plain")
            }
            assignPath(entity)
            mode = .content
        }
        parts[entity].range = start..<end
        let bodyStart = min(parts[entity].bodyRange.lowerBound, end)
        parts[entity].bodyRange = bodyStart..<end
        if parts[entity].kind == .multipart, parts[entity].children.isEmpty {
            defect(entity, "\(parts[entity].contentType) has no parts; its body is kept as text")
            parts[entity].kind = .leaf
            setLeafType(entity, "text/plain")
            assignPath(entity)
        }
    }

    // MARK: Headers that shape the structure

    static let contentTypeName = Array("content-type".utf8)
    static let transferEncodingName = Array("content-transfer-encoding".utf8)
    static let dispositionName = Array("content-disposition".utf8)
    static let contentIDName = Array("content-id".utf8)

    mutating func interpretHeaders(_ entity: Int) {
        var contentType: HeaderField?
        var transferEncoding: HeaderField?
        var disposition: HeaderField?
        var contentID: HeaderField?
        bytes.withUnsafeBufferPointer { buffer in
            for field in parts[entity].headers {
                // Cheap first-letter test: most fields are not Content-*.
                let first = buffer[field.name.lowerBound] | 0x20
                guard first == UInt8(ascii: "c") else { continue }
                if field.hasName(Self.contentTypeName, in: buffer) {
                    if contentType == nil {
                        contentType = field
                    } else {
                        defect(entity, "duplicate Content-Type; the first was used")
                    }
                } else if field.hasName(Self.transferEncodingName, in: buffer) {
                    if transferEncoding == nil { transferEncoding = field }
                } else if field.hasName(Self.dispositionName, in: buffer) {
                    if disposition == nil { disposition = field }
                } else if field.hasName(Self.contentIDName, in: buffer) {
                    if contentID == nil { contentID = field }
                }
            }
        }
        var messages: [String] = []
        if let contentType {
            let parsed = ParameterizedValue.parse(unfold(bytes[contentType.value]), defects: &messages)
            if Self.isValidMediaType(parsed.value) {
                parts[entity].contentType = parsed.value
            } else {
                messages.append(
                    "unreadable Content-Type \"\(String.sanitisedForDefect(parsed.value.utf8))\"; text/plain assumed")
                parts[entity].contentType = "text/plain"
            }
            parts[entity].contentTypeParameters = parsed.parameters
        } else if let parent = parts[entity].parent, parts[parent].contentType == "multipart/digest" {
            parts[entity].contentType = "message/rfc822"
        }
        if let transferEncoding {
            let value = String(decoding: unfold(bytes[transferEncoding.value]), as: UTF8.self).lowercased()
            let token = value.prefix { $0 != " " && $0 != ";" && $0 != "(" }
            parts[entity].transferEncoding = String(token)
            if !TransferEncoding.isKnown(String(token)) {
                messages.append(
                    "unknown Content-Transfer-Encoding \"\(String.sanitisedForDefect(token.utf8))\"; body kept as is")
            }
        }
        if let disposition {
            let parsed = ParameterizedValue.parse(unfold(bytes[disposition.value]), defects: &messages)
            parts[entity].disposition = parsed.value.isEmpty ? nil : parsed.value
            parts[entity].dispositionParameters = parsed.parameters
        }
        if let contentID {
            let ids = AddressParser.messageIDs(String(decoding: unfold(bytes[contentID.value]), as: UTF8.self))
            parts[entity].contentID = ids.first
        }
        for message in messages { defect(entity, message) }
    }

    /// "type/subtype" made of RFC 2045 token characters.
    static func isValidMediaType(_ value: String) -> Bool {
        let pieces = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard pieces.count == 2 else { return false }
        return pieces.allSatisfy { piece in
            !piece.isEmpty && piece.allSatisfy { $0 > 0x20 && $0 < 0x7F && !"()<>@,;:\\\"/[]?=".utf8.contains($0) }
        }
    }

    mutating func defect(_ entity: Int, _ reason: String) {
        defects.append((entity, reason))
    }
}

extension Array where Element == UInt8 {
    var trimmingTrailingSpace: [UInt8] {
        var copy = self
        while let last = copy.last, isSpace(last) { copy.removeLast() }
        return copy
    }
}
