import MIME

/// A raw header value with its RFC 2047 encoded words decoded, read the way `EncodedWords.decode`
/// reads it (adjacent words joined, glued words decoded), and the way back to the raw bytes: a match
/// in the decoded text is replaced by writing only the encoded words it touches anew, as UTF-8 words.
/// Everything else in the value keeps its bytes.
struct EncodedWordText {
    /// The raw value.
    let value: [UInt8]
    let pieces: [EncodedWords.Piece]
    /// The decoded text: text as written keeps its bytes, encoded words give their UTF-8.
    let text: [UInt8]
    /// `text`, lower-cased piece by piece with the lengths kept.
    let lowered: [UInt8]
    /// Where each piece starts in `text`, then `text.count`.
    let starts: [Int]
    /// Offsets in `text` between two encoded words (each is a token of its own, though their texts are
    /// joined): an address may start or end there, `anna@example.edu` repeated in adjacent words included.
    let seams: Set<Int>

    /// Nil when the value has no encoded word (then its bytes are its text).
    init?(_ value: [UInt8]) {
        guard Self.mayHaveEncodedWords(value) else { return nil }
        var problems: [String] = []
        let pieces = EncodedWords.pieces(value[...], defects: &problems)
        guard pieces.contains(where: { $0.decoded != nil }) else { return nil }
        var text: [UInt8] = []
        var lowered: [UInt8] = []
        var starts: [Int] = []
        var seams: Set<Int> = []
        text.reserveCapacity(value.count)
        lowered.reserveCapacity(value.count)
        var previousWasEncoded = false
        for piece in pieces {
            starts.append(text.count)
            if piece.decoded != nil, previousWasEncoded { seams.insert(text.count) }
            previousWasEncoded = piece.decoded != nil
            for seam in piece.seams { seams.insert(text.count + seam) }
            if let decoded = piece.decoded {
                text += decoded.utf8
                lowered += ByteCase.loweredText(decoded)
            } else {
                text += value[piece.range]
                lowered += ByteCase.loweredUTF8(value[piece.range])
            }
        }
        starts.append(text.count)
        self.value = value
        self.pieces = pieces
        self.text = text
        self.lowered = lowered
        self.starts = starts
        self.seams = seams
    }

    /// Whether "=?" occurs: the only way an encoded word can start.
    static func mayHaveEncodedWords(_ value: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in value {
            if previous == 0x3D, byte == 0x3F { return true }
            previous = byte
        }
        return false
    }

    /// Where the patterns match the decoded text (and the text with percent escapes decoded), in `text`'s offsets.
    func hits(_ replacements: [(BytePattern, [UInt8])]) -> [ScrubHit] {
        ByteScrub.hits(replacements, in: text, lowered: lowered, seams: seams)
    }

    /// The raw value with each hit (in `text`'s offsets, sorted, not overlapping) replaced: text as
    /// written is edited in place; a run of encoded words a hit touches is written anew as UTF-8 B words
    /// of the edited text (folded with `lineBreak`), followed by the white space that ended it. One pass
    /// over the pieces and the hits.
    func rewritten(_ hits: [ScrubHit], lineBreak: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count + hits.count * 16)
        var first = 0  // the first hit that may overlap the current piece
        for (index, piece) in pieces.enumerated() {
            let start = starts[index]
            let end = starts[index + 1]
            while first < hits.count, hits[first].range.upperBound <= start { first += 1 }
            var last = first
            while last < hits.count, hits[last].range.lowerBound < end { last += 1 }
            guard last > first else {
                output += value[piece.range]
                continue
            }
            // The piece's text with the overlapping part of each hit replaced; a hit's replacement goes
            // where the hit starts, the rest of a hit that runs into later pieces is cut from them.
            var edited: [UInt8] = []
            var cursor = start
            for hit in hits[first..<last] {
                let cut = max(hit.range.lowerBound, start)
                edited += text[cursor..<cut]
                if hit.range.lowerBound >= start { edited += hit.replacement }
                cursor = min(hit.range.upperBound, end)
            }
            edited += text[cursor..<end]
            if piece.decoded == nil {
                output += edited
            } else {
                output += Self.encoded(edited, lineBreak: lineBreak)
                output += value[piece.range].reversed().prefix { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
                    .reversed()
            }
        }
        return output
    }

    /// `text` as UTF-8 B encoded words, folded between words; nothing for empty text.
    static func encoded(_ text: [UInt8], lineBreak: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, word) in HeaderWriter.encodedWords(String(decoding: text, as: UTF8.self)).enumerated() {
            if index > 0 { output += lineBreak + [0x20] }
            output += word.utf8
        }
        return output
    }
}
