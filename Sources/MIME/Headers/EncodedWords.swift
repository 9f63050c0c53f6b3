/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) and RFC 6532 UTF-8 in header values.
///
/// Decoding is lenient the way mail clients are: words glued to surrounding text are decoded,
/// adjacent words in one charset are joined before charset conversion (so a multi-byte character
/// split across two words survives), the white space between adjacent words is dropped, and a
/// broken word is left as written so the text stays readable.
public enum EncodedWords {
    /// Decodes a raw (unfolded) header value into text with control characters replaced by spaces,
    /// so a decoded value can never smuggle CR/LF into anything built from it.
    public static func decode(_ raw: ArraySlice<UInt8>, defects: inout [String]) -> String {
        var hasEncodedWord = false
        var isASCII = true
        raw.withUnsafeBufferPointer { buffer in
            var previous: UInt8 = 0
            for byte in buffer {
                if byte >= 0x80 { isASCII = false }
                if previous == UInt8(ascii: "="), byte == UInt8(ascii: "?") { hasEncodedWord = true }
                previous = byte
            }
        }
        if !hasEncodedWord {
            return sanitised(literal(raw, isASCII: isASCII, defects: &defects))
        }
        return sanitised(decodeWords(raw, defects: &defects))
    }

    /// Convenience for a value already held as a string.
    public static func decode(_ value: String, defects: inout [String]) -> String {
        decode(Array(value.utf8)[...], defects: &defects)
    }

    /// Text outside encoded words: ASCII, UTF-8 (RFC 6532), or legacy 8-bit that we must guess.
    private static func literal(_ bytes: ArraySlice<UInt8>, isASCII: Bool, defects: inout [String]) -> String {
        if isASCII { return String(decoding: bytes, as: UTF8.self) }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let decoded = CharsetDecoder.decode(bytes, label: "windows-1252")
        defects.append("8-bit header text that is not UTF-8; decoded as windows-1252")
        return decoded.text
    }

    private struct Word {
        var charset: Substring
        var bytes: [UInt8]
        var end: Int
    }

    /// A stretch of a raw header value, as the decoder reads it: text as written, or a run of encoded words
    /// and what they decode to. Pieces follow each other without gaps; a run's range includes the white
    /// space after its words that the decoder drops.
    public struct Piece: Sendable, Equatable {
        /// Where the piece is, in the indices of the value given to `pieces(_:defects:)`.
        public var range: Range<Int>
        /// The text a run of encoded words decodes to (control characters not yet replaced); nil for text
        /// as written, which reads as its bytes.
        public var decoded: String?
        /// Where, in `decoded`'s UTF-8, one encoded word's text ends and the next one's begins: each word
        /// is a token of its own (RFC 2047 §5), though the decoder joins their texts. Empty when a word
        /// does not decode on its own to its share of the text (a character split across words).
        public var seams: [Int] = []
    }

    /// The value cut into text as written and runs of encoded words, by the rules `decode` follows (it
    /// joins these pieces): a caller can find where in the raw value a piece of decoded text came from.
    /// One pass; every byte is looked at a bounded number of times.
    public static func pieces(_ raw: ArraySlice<UInt8>, defects: inout [String]) -> [Piece] {
        var pieces: [Piece] = []
        scan(
            raw, defects: &defects,
            literal: { range, _ in pieces.append(Piece(range: range, decoded: nil)) },
            run: { range, text, run in
                pieces.append(Piece(range: range, decoded: text, seams: seams(of: run, text: text)))
            })
        // White space the decoder dropped after a run belongs to that run: the pieces cover the value.
        for index in pieces.indices {
            let end = index + 1 < pieces.count ? pieces[index + 1].range.lowerBound : raw.endIndex
            if pieces[index].range.upperBound < end { pieces[index].range = pieces[index].range.lowerBound..<end }
        }
        if let first = pieces.first, first.range.lowerBound > raw.startIndex {
            pieces.insert(Piece(range: raw.startIndex..<first.range.lowerBound, decoded: nil), at: 0)
        }
        return pieces
    }

    /// The bytes of a run of encoded words in one charset, and where each word's bytes end.
    private struct Run {
        var charset: Substring
        var bytes: [UInt8]
        var wordEnds: [Int]
        var start: Int
        var end: Int
    }

    /// `Piece.seams` of a run whose words decode to `text`.
    private static func seams(of run: Run, text: String) -> [Int] {
        guard run.wordEnds.count > 1 else { return [] }
        var seams: [Int] = []
        var joined: [UInt8] = []
        var start = 0
        for end in run.wordEnds {
            if !joined.isEmpty { seams.append(joined.count) }
            joined += CharsetDecoder.decode(run.bytes[start..<end], label: String(run.charset)).text.utf8
            start = end
        }
        return joined.elementsEqual(text.utf8) ? seams : []
    }

    private static func decodeWords(_ raw: ArraySlice<UInt8>, defects: inout [String]) -> String {
        var out = ""
        scan(
            raw, defects: &defects,
            literal: { range, defects in
                let segment = raw[range]
                out += literal(segment, isASCII: segment.allSatisfy { $0 < 0x80 }, defects: &defects)
            },
            run: { _, text, _ in out += text })
        return out
    }

    /// The one reading of a value with encoded words: calls `literal` for each stretch of text as written
    /// and `run` for each run of adjacent encoded words in one charset (with its decoded text), in order.
    /// Ranges are in `raw`'s indices.
    private static func scan(
        _ raw: ArraySlice<UInt8>, defects: inout [String],
        literal emitLiteral: (Range<Int>, inout [String]) -> Void,
        run emitRun: (Range<Int>, String, Run) -> Void
    ) {
        let bytes = Array(raw)
        let base = raw.startIndex
        let n = bytes.count
        var i = 0
        var literalStart = 0
        // Where a search for "?=" already failed: no word can close after it.
        var noTerminatorFrom = Int.max
        var run: Run? = nil
        var lastWordEnd = -1

        func flushRun() {
            guard let current = run else { return }
            let decoded = CharsetDecoder.decode(current.bytes, label: String(current.charset))
            defects.append(contentsOf: decoded.defects)
            emitRun((base + current.start)..<(base + current.end), decoded.text, current)
            run = nil
        }

        func flushLiteral(upTo end: Int) {
            guard literalStart < end else { return }
            let segment = bytes[literalStart..<end]
            // White space alone between two encoded words is dropped (RFC 2047 §6.2).
            if lastWordEnd == literalStart, segment.allSatisfy(isLinearWhiteSpace) {
                literalStart = end
                return
            }
            flushRun()
            emitLiteral((base + literalStart)..<(base + end), &defects)
            literalStart = end
        }

        while i < n {
            if bytes[i] == UInt8(ascii: "="), i + 1 < n, bytes[i + 1] == UInt8(ascii: "?"),
                let word = parseWord(bytes, at: i, noTerminatorFrom: &noTerminatorFrom, defects: &defects)
            {
                // Words are whole tokens in the standard; glued ones still decode, but text before them stays.
                let whitespaceOnlyGap =
                    lastWordEnd == literalStart
                    && bytes[literalStart..<i].allSatisfy(isLinearWhiteSpace)
                if whitespaceOnlyGap {
                    literalStart = i
                } else {
                    flushLiteral(upTo: i)
                }
                // Compared without binding `run`: a bound copy would make the append below copy every byte
                // joined so far, once per word (quadratic on a subject of thousands of words).
                if run?.charset.lowercased() == word.charset.lowercased() {
                    run!.bytes += word.bytes
                    run!.wordEnds.append(run!.bytes.count)
                    run!.end = word.end
                } else {
                    flushRun()
                    run = Run(
                        charset: word.charset, bytes: word.bytes, wordEnds: [word.bytes.count], start: i, end: word.end)
                }
                i = word.end
                literalStart = i
                lastWordEnd = i
                continue
            }
            i += 1
        }
        flushLiteral(upTo: n)
        flushRun()
    }

    /// Parses one encoded word starting at `start` ("=?"); nil when it is not a well-formed word.
    private static func parseWord(
        _ bytes: [UInt8], at start: Int, noTerminatorFrom: inout Int,
        defects: inout [String]
    ) -> Word? {
        let n = bytes.count
        var i = start + 2
        let charsetStart = i
        // Charset names are short tokens; the cap keeps a failed attempt cheap.
        while i < n, i - charsetStart <= 64, bytes[i] != UInt8(ascii: "?") {
            let byte = bytes[i]
            if byte <= 0x20 || byte >= 0x7F { return nil }
            i += 1
        }
        guard i < n, bytes[i] == UInt8(ascii: "?"), i > charsetStart else { return nil }
        var charsetEnd = i
        // RFC 2231 §5 adds an optional language: "=?utf-8*en?Q?…?=".
        if let star = bytes[charsetStart..<charsetEnd].firstIndex(of: UInt8(ascii: "*")) { charsetEnd = star }
        guard charsetEnd > charsetStart, i + 2 < n, bytes[i + 2] == UInt8(ascii: "?") else { return nil }
        let encoding = bytes[i + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let payloadStart = i + 3
        guard payloadStart < noTerminatorFrom else { return nil }
        var j = payloadStart
        var payloadEnd = -1
        while j + 1 < n {
            if bytes[j] == UInt8(ascii: "?"), bytes[j + 1] == UInt8(ascii: "=") {
                payloadEnd = j
                break
            }
            j += 1
        }
        if payloadEnd < 0 {
            noTerminatorFrom = payloadStart
            return nil
        }
        let payload = bytes[payloadStart..<payloadEnd]
        let decoded: [UInt8]
        if encoding == UInt8(ascii: "b") {
            let result = Base64.decode(payload)
            if !result.problems.isEmpty { defects.append("malformed base64 in an encoded word") }
            decoded = result.bytes
        } else {
            let result = QuotedPrintable.decode(payload, underscoreIsSpace: true)
            if !result.problems.isEmpty { defects.append("malformed quoted-printable in an encoded word") }
            decoded = result.bytes
        }
        let charset = String(decoding: bytes[charsetStart..<charsetEnd], as: UTF8.self)
        return Word(charset: Substring(charset), bytes: decoded, end: payloadEnd + 2)
    }

    @inline(__always)
    private static func isLinearWhiteSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    /// Replaces control characters (CR, LF, TAB, NUL, C1 controls, U+2028/2029) with spaces; decoded header
    /// text is one line.
    static func sanitised(_ text: String) -> String {
        var text = text
        let cleaned = text.withUTF8 { bytes -> [UInt8]? in
            // Almost every header is clean; a folded one still has the TAB or space of its fold.
            guard let first = firstControl(in: bytes) else { return nil }
            // The same UTF-8 with each control replaced by one space: a valid string stays valid.
            var out = [UInt8](bytes[..<first])
            out.reserveCapacity(bytes.count)
            var index = first
            while index < bytes.count {
                let width = controlWidth(bytes, at: index)
                if width > 0 {
                    out.append(0x20)
                    index += width
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            return out
        }
        return cleaned.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    private static func firstControl(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            if controlWidth(bytes, at: index) > 0 { return index }
            index += 1
        }
        return nil
    }

    /// The length in bytes of the control character at `index` (a C0 control or DEL: 1, a C1 control: 2,
    /// U+2028/U+2029: 3), or 0.
    @inline(__always)
    private static func controlWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x20 || byte == 0x7F { return 1 }
        if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { return 2 }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
            bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
        {
            return 3
        }
        return 0
    }
}
