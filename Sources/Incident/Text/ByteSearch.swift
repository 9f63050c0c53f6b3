import Glibc

/// Fast substring search over UTF-8 bytes (`memchr` for the first byte, then `memcmp`), for the phrase lists triage and
/// masking run over every report: Swift's `String` searching compares Characters, which costs
/// grapheme breaking on every step.
struct ByteText {
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Offsets where `needle` starts, in order.
    func occurrences(of needle: [UInt8]) -> [Int] {
        var found: [Int] = []
        var from = 0
        while let position = firstOffset(of: needle, from: from) {
            found.append(position)
            from = position + 1
        }
        return found
    }

    /// Whether `needle` occurs anywhere.
    func contains(_ needle: [UInt8]) -> Bool {
        needle.isEmpty || firstOffset(of: needle, from: 0) != nil
    }

    /// The first offset at or after `from` where `needle` starts.
    func firstOffset(of needle: [UInt8], from: Int) -> Int? {
        bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { Self.firstOffset(of: $0, in: haystack, from: from) }
        }
    }

    /// The first offset at or after `from` where `needle` starts in `haystack`: `memchr` finds candidates for the
    /// first byte, `memcmp` checks them, so a scan is linear for the phrase lengths we search.
    static func firstOffset(
        of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int
    ) -> Int? {
        guard let first = needle.first, from >= 0, needle.count <= haystack.count - from,
            let base = haystack.baseAddress, let pattern = needle.baseAddress
        else { return nil }
        var offset = from
        let last = haystack.count - needle.count
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
            let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position, pattern, needle.count) == 0 { return position }
            offset = position + 1
        }
        return nil
    }

    /// Letters and digits (ASCII only); see `isWordCharacter(before:)` for text with other scripts.
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    /// Whether the character ending just before `offset` is a letter or digit (any script).
    func isWordCharacter(before offset: Int) -> Bool {
        guard offset > 0 else { return false }
        if bytes[offset - 1] < 0x80 { return Self.isWordByte(bytes[offset - 1]) }
        var start = offset - 1
        while start > 0, bytes[start] & 0xC0 == 0x80, offset - start < 4 { start -= 1 }
        return Self.isWordScalar(bytes[start..<offset])
    }

    /// Whether the character starting at `offset` is a letter or digit (any script).
    func isWordCharacter(at offset: Int) -> Bool {
        guard offset < bytes.count else { return false }
        if bytes[offset] < 0x80 { return Self.isWordByte(bytes[offset]) }
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80, end - offset < 4 { end += 1 }
        return Self.isWordScalar(bytes[offset..<end])
    }

    private static func isWordScalar(_ utf8: ArraySlice<UInt8>) -> Bool {
        guard let scalar = String(decoding: utf8, as: UTF8.self).unicodeScalars.first else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

extension StringProtocol {
    /// Whether `needle` occurs in this text, compared as UTF-8 bytes.
    ///
    /// The phrase lists of triage, quoting and the lexicon are searched with this, never with `contains(_:)`:
    /// the standard library's substring search builds a skip table (a dictionary) per call and steps by
    /// Character, which made these scans most of extraction's time. Bytes differ from Characters where a match
    /// would start or end inside a grapheme cluster (a letter followed by a combining mark), and for text written
    /// with combining accents (decomposed "é"), which the phrases, written precomposed, no longer match: mail
    /// clients send precomposed text, and the text is not normalised on the way in.
    func includes(_ needle: String) -> Bool {
        if needle.isEmpty { return true }
        let found = utf8.withContiguousStorageIfAvailable { haystack in
            needle.utf8.withContiguousStorageIfAvailable { pattern in
                ByteText.firstOffset(of: pattern, in: haystack, from: 0) != nil
            }
        }
        if let found, let found { return found }
        return ByteText(String(self)).contains(Array(needle.utf8))
    }
}
