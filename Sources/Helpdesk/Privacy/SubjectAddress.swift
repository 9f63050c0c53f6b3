import Digest
import Foundation
import Glibc

/// The data subject of an access, export or erasure request: one email address, lower-cased as the
/// store keeps every address.
public struct SubjectAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`, lower-cased.
    public let value: String
    /// Finds the address as a whole address (or followed by a file extension: `anna@example.edu.png`).
    let pattern: BytePattern
    /// Finds the address anywhere in a file path we recorded (`message.sourcePath`): a file named
    /// `about-anna@example.edu-2024.eml` is named after them, whatever stands around the address.
    let pathPattern: BytePattern

    /// Why a request's address was refused, with a `code` to switch on.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Code: String, Sendable, CaseIterable {
            /// Not `local@domain` at all.
            case notAnAddress
            /// An address with more around it: a display name, brackets, spaces, a second `@`.
            case notBare
        }

        public let code: Code
        public let description: String
    }

    /// Validates a bare address (`anna@example.edu`, not `Anna <anna@example.edu>`).
    public init(_ text: String) throws(Invalid) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        guard let at = lower.lastIndex(of: "@"), at != lower.startIndex, lower.index(after: at) != lower.endIndex
        else {
            throw Invalid(
                code: .notAnAddress, description: "\"\(trimmed)\" is not an email address (expected local@domain)")
        }
        guard lower.utf8.count <= 254,
            !lower.unicodeScalars.contains(where: {
                $0.value <= 0x20 || $0.value == 0x7F || "<>(),;:\"[]\\".unicodeScalars.contains($0)
            }),
            !lower[lower.index(after: at)...].contains("@")
        else {
            throw Invalid(
                code: .notBare,
                description:
                    "\"\(trimmed)\" is not a bare email address: give only local@domain, without a name or brackets")
        }
        value = lower
        pattern = BytePattern(address: Array(lower.utf8))
        pathPattern = BytePattern(addressInPath: Array(lower.utf8))
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
        /// An address: not preceded by a local-part character, not followed by a domain character
        /// (but `anna@example.edu.png`, a file named after the address, is theirs).
        case address
        /// An address in a file path: anything may stand before or after it (replacing a little too
        /// much of a path we recorded costs nothing; leaving the address would).
        case addressInPath
        /// A name or phrase: not preceded or followed by a letter or digit.
        case words
    }

    /// File extensions that end a file name rather than continue a domain: `anna@example.edu.pdf`.
    /// (A few are also top-level domains; such a file name is taken for theirs.)
    static let fileExtensions: Set<[UInt8]> = Set(
        [
            "eml", "msg", "mbox", "txt", "log", "csv", "json", "xml", "html", "htm", "pdf", "doc", "docx", "odt",
            "xls", "xlsx", "ods", "ppt", "pptx", "png", "jpg", "jpeg", "gif", "bmp", "webp", "heic", "heif", "tif",
            "tiff", "svg", "zip", "gz", "tgz", "7z", "rar", "mp4", "mov", "webm", "mp3", "wav", "vcf", "ics",
        ].map { Array($0.utf8) })

    /// Lower-cased (ASCII letters; other bytes as given).
    let needle: [UInt8]
    let kind: Kind

    init(address: [UInt8]) {
        needle = ByteCase.lowered(address)
        kind = .address
    }

    init(addressInPath: [UInt8]) {
        needle = ByteCase.lowered(addressInPath)
        kind = .addressInPath
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

    /// Where the pattern occurs in `lowered` (a `ByteCase` lower-cased copy of the text). `seams` are
    /// offsets where one token ends and the next begins whatever the bytes around them (between two
    /// encoded words): a match may start or end there.
    func ranges(in lowered: [UInt8], seams: Set<Int> = []) -> [Range<Int>] {
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
                        isBoundary(lowered, start: position, end: position + count, seams: seams)
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

    private func isBoundary(_ bytes: [UInt8], start: Int, end: Int, seams: Set<Int>) -> Bool {
        (seams.contains(start) || opens(bytes, at: start)) && (seams.contains(end) || closes(bytes, at: end))
    }

    /// Whether a match may start at `start`: what comes before cannot be part of the same address or word.
    private func opens(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start > 0 else { return true }
        let before = bytes[start - 1]
        switch kind {
        case .addressInPath:
            return true
        case .address:
            return !(ByteCase.isAlphanumeric(before) || before >= 0x80 || Array("._-+".utf8).contains(before))
        case .words:
            return !(ByteCase.isAlphanumeric(before) || before >= 0x80 && needle.first! < 0x80)
        }
    }

    /// Whether a match may end at `end`: what follows cannot continue the address (a file extension
    /// may) or the word.
    private func closes(_ bytes: [UInt8], at end: Int) -> Bool {
        guard end < bytes.count else { return true }
        let after = bytes[end]
        switch kind {
        case .addressInPath:
            return true
        case .address:
            if ByteCase.isAlphanumeric(after) || after >= 0x80 || after == 0x2D || after == 0x5F { return false }
            if after == 0x2E, end + 1 < bytes.count, ByteCase.isAlphanumeric(bytes[end + 1]) {
                return Self.isFileExtension(bytes, at: end + 1)
            }
            return true
        case .words:
            return !(ByteCase.isAlphanumeric(after) || after >= 0x80 && needle.last! < 0x80)
        }
    }

    /// Whether `bytes` from `start` (after a dot) is a known file extension that ends there: followed by
    /// nothing, or by a byte that cannot continue a domain.
    private static func isFileExtension(_ bytes: [UInt8], at start: Int) -> Bool {
        var end = start
        while end < bytes.count, end - start <= 5, ByteCase.isAlphanumeric(bytes[end]) { end += 1 }
        if end < bytes.count {
            let after = bytes[end]
            if ByteCase.isAlphanumeric(after) || after >= 0x80 || after == 0x2D || after == 0x5F || after == 0x2E {
                return false
            }
        }
        return fileExtensions.contains(Array(bytes[start..<end]))
    }
}

/// Lower-casing that keeps byte offsets, so a match in the copy is a range in the original.
enum ByteCase {
    /// ASCII letters lower-cased; every other byte as it is (raw mail is not always UTF-8).
    static func lowered(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// Bytes that may be UTF-8 text: lower-cased as `loweredText` when they are, as `lowered` when not.
    static func loweredUTF8(_ bytes: some Collection<UInt8>) -> [UInt8] {
        if bytes.allSatisfy({ $0 < 0x80 }) { return lowered(bytes) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return lowered(bytes) }
        return loweredText(text)
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

/// A match to replace: where, in the bytes searched, and with what.
struct ScrubHit: Sendable, Equatable {
    var range: Range<Int>
    var replacement: [UInt8]
}

/// Finds and replaces pattern matches in bytes or text, as written and with percent escapes decoded
/// (`anna%40example%2Eedu`), in one pass over each.
enum ByteScrub {
    /// Where any pattern matches `bytes` (`lowered` is their `ByteCase` lower-cased copy), as written or
    /// with percent escapes decoded, in `bytes`' offsets: sorted, overlapping matches merged (the first
    /// one's replacement is kept). A match found through percent escapes is replaced in percent-encoded
    /// form (`erased%40invalid`), so a URL stays a URL.
    static func hits(
        _ replacements: [(BytePattern, [UInt8])], in bytes: [UInt8], lowered: [UInt8], seams: Set<Int> = []
    ) -> [ScrubHit] {
        var hits: [ScrubHit] = []
        for (pattern, replacement) in replacements {
            for range in pattern.ranges(in: lowered, seams: seams) {
                hits.append(ScrubHit(range: range, replacement: replacement))
            }
        }
        if let decoded = PercentDecoded(bytes) {
            let loweredDecoded = ByteCase.loweredUTF8(decoded.bytes)
            for (pattern, replacement) in replacements {
                for range in pattern.ranges(in: loweredDecoded) {
                    let source = decoded.source(of: range)
                    let escaped = bytes[source].contains(0x25)
                    hits.append(
                        ScrubHit(
                            range: source, replacement: escaped ? PercentDecoded.escaped(replacement) : replacement))
                }
            }
        }
        return merged(hits)
    }

    /// `hits` sorted by start, overlapping ones joined into one.
    static func merged(_ hits: [ScrubHit]) -> [ScrubHit] {
        guard hits.count > 1 else { return hits }
        var merged: [ScrubHit] = []
        merged.reserveCapacity(hits.count)
        for hit in hits.sorted(by: {
            ($0.range.lowerBound, -$0.range.upperBound) < ($1.range.lowerBound, -$1.range.upperBound)
        }) {
            if let last = merged.last, hit.range.lowerBound < last.range.upperBound {
                if hit.range.upperBound > last.range.upperBound {
                    merged[merged.count - 1].range = last.range.lowerBound..<hit.range.upperBound
                }
            } else {
                merged.append(hit)
            }
        }
        return merged
    }

    /// `bytes` with each hit replaced (hits sorted and not overlapping, as `hits` gives them).
    static func applying(_ hits: [ScrubHit], to bytes: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var cursor = 0
        for hit in hits {
            output += bytes[cursor..<hit.range.lowerBound]
            output += hit.replacement
            cursor = hit.range.upperBound
        }
        output += bytes[cursor...]
        return output
    }

    /// `bytes` with every match of each pattern replaced; nil when nothing matched.
    static func replacing(
        _ replacements: [(BytePattern, [UInt8])], in bytes: [UInt8], lowered: [UInt8]? = nil
    ) -> [UInt8]? {
        let found = hits(replacements, in: bytes, lowered: lowered ?? ByteCase.lowered(bytes))
        return found.isEmpty ? nil : applying(found, to: bytes)
    }

    /// `text` with every match replaced (matching on its lower-cased form); nil when nothing matched.
    static func replacing(_ replacements: [(BytePattern, [UInt8])], in text: String) -> String? {
        let bytes = Array(text.utf8)
        return replacing(replacements, in: bytes, lowered: ByteCase.loweredText(text)).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// Whether `pattern` matches `text` as written or with percent escapes decoded.
    static func occurs(_ pattern: BytePattern, in text: String) -> Bool {
        !hits([(pattern, [])], in: Array(text.utf8), lowered: ByteCase.loweredText(text)).isEmpty
    }
}
