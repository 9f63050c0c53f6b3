import Digest
import Foundation
import Glibc

/// The data subject of an access, export or erasure request: one email address, lower-cased as the
/// store keeps every address.
public struct SubjectAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, lower-cased.
    public let value: String
    let pattern: BytePattern

    /// Why a request's address was refused.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Validates a bare address (`anna@example.edu`, not `Anna <anna@example.edu>`).
    public init(_ text: String) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        guard let at = lower.lastIndex(of: "@"), at != lower.startIndex, lower.index(after: at) != lower.endIndex
        else { throw Invalid(description: "\"\(trimmed)\" is not an email address (expected local@domain)") }
        guard lower.utf8.count <= 254,
            !lower.unicodeScalars.contains(where: {
                $0.value <= 0x20 || $0.value == 0x7F || "<>(),;:\"[]\\".unicodeScalars.contains($0)
            }),
            !lower[lower.index(after: at)...].contains("@")
        else {
            throw Invalid(
                description:
                    "\"\(trimmed)\" is not a bare email address: give only local@domain, without a name or brackets")
        }
        value = lower
        pattern = BytePattern(address: Array(lower.utf8))
    }

    public var description: String { value }

    /// SHA-256 of the lower-cased address (hex): lets a later request be matched to an erasure
    /// without keeping the address. It is a pseudonym, not anonymous: anyone who guesses the
    /// address can confirm the guess.
    public var digest: String { SHA256.hex(Array(value.utf8)) }
}

/// A case-insensitive byte pattern that matches only whole addresses or whole words, so that
/// `anna@example.edu` is not found inside `joanna@example.edu` or `anna@example.edu.evil.com`.
struct BytePattern: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// An address: not preceded by a local-part character, not followed by a domain character.
        case address
        /// A name or phrase: not preceded or followed by a letter or digit.
        case words
    }

    /// Lower-cased (ASCII letters; other bytes as given).
    let needle: [UInt8]
    let kind: Kind

    init(address: [UInt8]) {
        needle = ByteCase.lowered(address)
        kind = .address
    }

    init(words: [UInt8]) {
        needle = ByteCase.lowered(words)
        kind = .words
    }

    /// The patterns that find a display name: as lower-cased text, and as written (case differences
    /// outside ASCII are only caught in the lower-cased text).
    static func name(_ name: String) -> [BytePattern] {
        let lowered = BytePattern(words: ByteCase.loweredText(name))
        let written = BytePattern(words: Array(name.utf8))
        return lowered == written ? [lowered] : [lowered, written]
    }

    /// Where the pattern occurs in `lowered` (a `ByteCase` lower-cased copy of the text).
    func ranges(in lowered: [UInt8]) -> [Range<Int>] {
        let count = needle.count
        guard count > 0, lowered.count >= count else { return [] }
        var found: [Range<Int>] = []
        let first = Int32(needle[0])
        lowered.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { pattern in
                let base = haystack.baseAddress!
                var offset = 0
                let last = haystack.count - count
                while offset <= last, let hit = memchr(base + offset, first, last - offset + 1) {
                    let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + position, pattern.baseAddress!, count) == 0,
                        isBoundary(lowered, start: position, end: position + count)
                    {
                        found.append(position..<(position + count))
                        offset = position + count
                    } else {
                        offset = position + 1
                    }
                }
            }
        }
        return found
    }

    func occurs(in lowered: [UInt8]) -> Bool { !ranges(in: lowered).isEmpty }

    private func isBoundary(_ bytes: [UInt8], start: Int, end: Int) -> Bool {
        switch kind {
        case .address:
            if start > 0 {
                let before = bytes[start - 1]
                if ByteCase.isAlphanumeric(before) || before >= 0x80 || Array("._-+".utf8).contains(before) {
                    return false
                }
            }
            if end < bytes.count {
                let after = bytes[end]
                if ByteCase.isAlphanumeric(after) || after >= 0x80 || after == 0x2D || after == 0x5F { return false }
                if after == 0x2E, end + 1 < bytes.count, ByteCase.isAlphanumeric(bytes[end + 1]) { return false }
            }
            return true
        case .words:
            if start > 0, ByteCase.isAlphanumeric(bytes[start - 1]) || bytes[start - 1] >= 0x80 && needle.first! < 0x80
            {
                return false
            }
            if end < bytes.count, ByteCase.isAlphanumeric(bytes[end]) || bytes[end] >= 0x80 && needle.last! < 0x80 {
                return false
            }
            return true
        }
    }
}

/// Lower-casing that keeps byte offsets, so a match in the copy is a range in the original.
enum ByteCase {
    /// ASCII letters lower-cased; every other byte as it is (raw mail is not always UTF-8).
    static func lowered(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// Text lower-cased character by character where that keeps the UTF-8 length.
    static func loweredText(_ text: String) -> [UInt8] {
        let whole = Array(text.lowercased().utf8)
        if whole.count == text.utf8.count { return whole }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for character in text {
            let original = String(character).utf8
            let lower = character.lowercased().utf8
            out += lower.count == original.count ? Array(lower) : Array(original)
        }
        return out
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}

/// Replaces pattern matches in bytes or text.
enum ByteScrub {
    /// `bytes` with every match of each pattern replaced; nil when nothing matched.
    static func replacing(
        _ replacements: [(BytePattern, [UInt8])], in bytes: [UInt8], lowered: [UInt8]? = nil
    ) -> [UInt8]? {
        let lowered = lowered ?? ByteCase.lowered(bytes)
        var hits: [(Range<Int>, [UInt8])] = []
        for (pattern, replacement) in replacements {
            hits += pattern.ranges(in: lowered).map { ($0, replacement) }
        }
        guard !hits.isEmpty else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var cursor = 0
        for (range, replacement) in hits.sorted(by: { $0.0.lowerBound < $1.0.lowerBound })
        where range.lowerBound >= cursor {
            output += bytes[cursor..<range.lowerBound]
            output += replacement
            cursor = range.upperBound
        }
        output += bytes[cursor...]
        return output
    }

    /// `text` with every match replaced (matching on its lower-cased form); nil when nothing matched.
    static func replacing(_ replacements: [(BytePattern, [UInt8])], in text: String) -> String? {
        let bytes = Array(text.utf8)
        return replacing(replacements, in: bytes, lowered: ByteCase.loweredText(text)).map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}
