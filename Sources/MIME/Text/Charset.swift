import Glibc
import Synchronization

/// A character set named by a MIME label, normalised (aliases resolved).
///
/// `Charset(label:)` trims spaces and quotes, ignores case and an RFC 2231 language suffix (`utf-8*en`),
/// and resolves the aliases mail software uses (`latin1`, `cp1251`, `x-sjis`, `ks_c_5601-1987`, …) to one
/// canonical lower-case name. Labels outside the built-in table are accepted when glibc's iconv knows them.
public struct Charset: Hashable, Sendable, CustomStringConvertible {
    /// Canonical lower-case name, e.g. `"utf-8"`, `"windows-1251"`, `"iso-2022-jp"`, `"gb18030"`.
    public let name: String

    /// Resolves a MIME charset label; nil for labels neither the alias table nor iconv knows.
    public init?(label: String) {
        switch Self.resolve(label) {
        case .known(let charset):
            self = charset
        case .candidate(let charset):
            // Not in the table: accept it only if iconv can actually convert from it.
            guard let converter = Iconv(from: charset.name) else { return nil }
            converter.close()
            self = charset
        case .absent, .unusable:
            return nil
        }
    }

    init(canonical name: String) {
        self.name = name
    }

    public var description: String { name }
}

/// Result of decoding bytes to text.
public struct DecodedText: Sendable, Equatable {
    /// The decoded text; never loses input: bytes that cannot be decoded become U+FFFD.
    public var text: String
    /// Human-readable reasons the decoding was not clean, e.g. `unknown charset "x-foo"; decoded as windows-1252`,
    /// `invalid utf-8 sequences replaced`, `charset label "us-ascii" but 8-bit bytes present; decoded as utf-8`.
    /// Empty when clean. Each distinct reason appears once, however often it occurred.
    public var defects: [String]
}

/// Decodes the bytes of a MIME body or encoded word to text, given the charset label the message claims.
///
/// Labels and bytes are attacker-controlled, and mail is routinely mislabelled, so decoding never fails:
/// it repairs, falls back, and says what it did in `DecodedText.defects`. UTF-8, US-ASCII, ISO-8859-1 and
/// windows-1252 (the bulk of mail) and the common single-byte charsets are decoded in pure Swift; everything
/// else goes through glibc's iconv with a converter opened per call, so the decoder is safe from any thread.
public enum CharsetDecoder {
    /// Decodes `bytes` labelled with `label` (nil = no label, default us-ascii semantics). Never drops text
    /// and never traps; runs in time linear in the input.
    public static func decode(_ bytes: ArraySlice<UInt8>, label: String?) -> DecodedText {
        bytes.withUnsafeBufferPointer { decode($0, label: label) }
    }

    /// Convenience for a whole array.
    public static func decode(_ bytes: [UInt8], label: String?) -> DecodedText {
        bytes.withUnsafeBufferPointer { decode($0, label: label) }
    }

    static func decode(_ input: UnsafeBufferPointer<UInt8>, label: String?) -> DecodedText {
        // Nothing can be misread in nothing, whatever the label says.
        if input.isEmpty { return DecodedText(text: "", defects: []) }
        var defects = DefectLog()
        let text: String
        switch label.map(Charset.resolve) ?? .absent {
        case .absent:
            text = decodeASCII(input, labelled: nil, defects: &defects)
        case .known(let charset):
            if let decoded = decode(input, as: charset, defects: &defects) {
                text = decoded
            } else {
                // A table charset whose iconv module is missing on this system.
                text = decodeUnknown(input, reason: "unsupported charset \"\(charset.name)\"", defects: &defects)
            }
        case .candidate(let charset):
            if let decoded = decodeWithIconv(input, from: charset.name, shownAs: charset.name, defects: &defects) {
                text = decoded
            } else {
                text = decodeUnknown(input, reason: "unknown charset \"\(sanitised(label ?? ""))\"", defects: &defects)
            }
        case .unusable:
            text = decodeUnknown(input, reason: "unknown charset \"\(sanitised(label ?? ""))\"", defects: &defects)
        }
        return DecodedText(text: text, defects: defects.items)
    }

    /// Decodes with a resolved charset; nil only when iconv cannot open a converter for it.
    private static func decode(
        _ input: UnsafeBufferPointer<UInt8>, as charset: Charset, defects: inout DefectLog
    ) -> String? {
        switch charset.decoding {
        case .utf8:
            return decodeUTF8(input, defects: &defects)
        case .ascii:
            return decodeASCII(input, labelled: charset.name, defects: &defects)
        case .windows1252:
            return SingleByteTable.windows1252.decode(input).text
        case .utf16(let bigEndian):
            return decodeUTF16(input, labelledBigEndian: bigEndian, name: charset.name, defects: &defects)
        case .utf32(let bigEndian):
            return decodeUTF32(input, labelledBigEndian: bigEndian, name: charset.name, defects: &defects)
        case .singleByte(let iconvName):
            guard let table = SingleByteTable.cached(iconvName) else {
                return decodeWithIconv(input, from: iconvName, shownAs: charset.name, defects: &defects)
            }
            let (text, undefined) = table.decode(input)
            if undefined { defects.add("invalid byte sequences in \(charset.name) replaced") }
            return text
        case .iso2022JP:
            return decodeISO2022JP(input, name: charset.name, defects: &defects)
        case .iconv(let primary, let alternate):
            guard let alternate else {
                return decodeWithIconv(input, from: primary, shownAs: charset.name, defects: &defects)
            }
            // Two readings of one label (big5: Windows' CP950 or Hong Kong's HKSCS): keep the cleaner one.
            var firstDefects = DefectLog()
            guard let first = decodeWithIconv(input, from: primary, shownAs: charset.name, defects: &firstDefects)
            else { return decodeWithIconv(input, from: alternate, shownAs: charset.name, defects: &defects) }
            if firstDefects.replacements > 0 {
                var secondDefects = DefectLog()
                if let second = decodeWithIconv(input, from: alternate, shownAs: charset.name, defects: &secondDefects),
                    secondDefects.replacements < firstDefects.replacements
                {
                    defects.merge(secondDefects)
                    return second
                }
            }
            defects.merge(firstDefects)
            return first
        }
    }

    // MARK: - UTF-8 and ASCII

    private static func decodeUTF8(_ input: UnsafeBufferPointer<UInt8>, defects: inout DefectLog) -> String {
        let body = withoutUTF8BOM(input)
        // One validating pass and one copy in the clean case; repair only when needed.
        if let text = String(validating: body, as: UTF8.self) { return text }
        defects.add("invalid utf-8 sequences replaced")
        return String(decoding: body, as: UTF8.self)
    }

    /// US-ASCII, or no label: 8-bit bytes are a labelling mistake, read as UTF-8 if they are valid, else as
    /// windows-1252 (every 8-bit mail charset's common fallback, and it cannot fail).
    private static func decodeASCII(
        _ input: UnsafeBufferPointer<UInt8>, labelled name: String?, defects: inout DefectLog
    ) -> String {
        if firstNonASCII(input) == input.count { return String(decoding: input, as: UTF8.self) }
        let label = name.map { "charset label \"\($0)\"" } ?? "no charset label"
        if let text = String(validating: withoutUTF8BOM(input), as: UTF8.self) {
            defects.add("\(label) but 8-bit bytes present; decoded as utf-8")
            return text
        }
        defects.add("\(label) but 8-bit bytes present; decoded as windows-1252")
        return SingleByteTable.windows1252.decode(input).text
    }

    /// Unknown or unusable label: valid UTF-8 stays UTF-8, anything else is read as windows-1252.
    private static func decodeUnknown(
        _ input: UnsafeBufferPointer<UInt8>, reason: String, defects: inout DefectLog
    ) -> String {
        if let text = String(validating: withoutUTF8BOM(input), as: UTF8.self) {
            defects.add("\(reason); decoded as utf-8")
            return text
        }
        defects.add("\(reason); decoded as windows-1252")
        return SingleByteTable.windows1252.decode(input).text
    }

    private static func withoutUTF8BOM(_ input: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
            return UnsafeBufferPointer(rebasing: input[3...])
        }
        return input
    }

    /// Index of the first byte ≥ 0x80, or `input.count`; eight bytes at a time.
    static func firstNonASCII(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = input.baseAddress else { return 0 }
        let count = input.count
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count, base[index] < 0x80 { index += 1 }
        return index
    }

    // MARK: - UTF-16 and UTF-32

    /// UTF-16: a byte order mark wins (and is dropped); without one the label's byte order is used, and a bare
    /// `utf-16` label is guessed from where the NULs of ASCII text fall, defaulting to big-endian (RFC 2781).
    private static func decodeUTF16(
        _ input: UnsafeBufferPointer<UInt8>, labelledBigEndian: Bool?, name: String, defects: inout DefectLog
    ) -> String {
        let body: UnsafeBufferPointer<UInt8>
        let bigEndian: Bool
        if input.count >= 2, (input[0] == 0xFE && input[1] == 0xFF) || (input[0] == 0xFF && input[1] == 0xFE) {
            bigEndian = input[0] == 0xFE
            body = UnsafeBufferPointer(rebasing: input[2...])
            if let labelledBigEndian, labelledBigEndian != bigEndian {
                defects.add("charset label \"\(name)\" but byte order mark says utf-16\(bigEndian ? "be" : "le")")
            }
        } else {
            body = input
            let counts = nulCounts(input, stride: 2)
            bigEndian = labelledBigEndian ?? (counts[0] >= counts[1])
        }
        let unitCount = body.count / 2
        var invalid = false
        let bytes = [UInt8](unsafeUninitializedCapacity: unitCount * 3 + 3) { out, initialized in
            var writer = UTF8Writer(out)
            var index = 0
            @inline(__always) func unit(_ at: Int) -> UInt32 {
                let (high, low) = bigEndian ? (body[at], body[at + 1]) : (body[at + 1], body[at])
                return UInt32(high) << 8 | UInt32(low)
            }
            while index + 2 <= body.count {
                let first = unit(index)
                index += 2
                if first & 0xF800 != 0xD800 {
                    writer.append(first)
                } else if first <= 0xDBFF, index + 2 <= body.count, unit(index) & 0xFC00 == 0xDC00 {
                    writer.append(0x10000 + ((first - 0xD800) << 10) + (unit(index) - 0xDC00))
                    index += 2
                } else {
                    writer.append(0xFFFD)
                    invalid = true
                }
            }
            if index < body.count {
                writer.append(0xFFFD)
                invalid = true
            }
            initialized = writer.count
        }
        if invalid { defects.add("invalid \(name) sequences replaced") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// UTF-32: like UTF-16, with the NUL guess looking at the first and last byte of each unit.
    private static func decodeUTF32(
        _ input: UnsafeBufferPointer<UInt8>, labelledBigEndian: Bool?, name: String, defects: inout DefectLog
    ) -> String {
        let body: UnsafeBufferPointer<UInt8>
        let bigEndian: Bool
        if input.count >= 4, input[0] == 0, input[1] == 0, input[2] == 0xFE, input[3] == 0xFF {
            bigEndian = true
            body = UnsafeBufferPointer(rebasing: input[4...])
        } else if input.count >= 4, input[0] == 0xFF, input[1] == 0xFE, input[2] == 0, input[3] == 0 {
            bigEndian = false
            body = UnsafeBufferPointer(rebasing: input[4...])
        } else {
            body = input
            let counts = nulCounts(input, stride: 4)
            bigEndian = labelledBigEndian ?? (counts[0] >= counts[3])
        }
        var invalid = false
        let bytes = [UInt8](unsafeUninitializedCapacity: body.count + 3) { out, initialized in
            var writer = UTF8Writer(out)
            var index = 0
            while index + 4 <= body.count {
                let raw = (0..<4).reduce(UInt32(0)) { value, offset in
                    value << 8 | UInt32(body[index + (bigEndian ? offset : 3 - offset)])
                }
                index += 4
                if raw > 0x10FFFF || raw & 0xFFFF_F800 == 0xD800 {
                    writer.append(0xFFFD)
                    invalid = true
                } else {
                    writer.append(raw)
                }
            }
            if index < body.count {
                writer.append(0xFFFD)
                invalid = true
            }
            initialized = writer.count
        }
        if invalid { defects.add("invalid \(name) sequences replaced") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// NUL bytes by position modulo `stride` in the first 4 KiB, for guessing byte order without a BOM:
    /// ASCII text in big-endian has its NULs first in each unit, in little-endian last.
    private static func nulCounts(_ input: UnsafeBufferPointer<UInt8>, stride: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: stride)
        for index in 0..<min(input.count, 4096) where input[index] == 0 {
            counts[index % stride] += 1
        }
        return counts
    }

    // MARK: - ISO-2022-JP

    /// ISO-2022-JP is rewritten as EUC-JP and decoded with Microsoft's EUC-JP tables, which is what CP50220
    /// does: it accepts the NEC and IBM extensions (①, ㈱) and half-width katakana (ESC ( I, SO/SI, 8-bit)
    /// that Japanese mailers put in "iso-2022-jp" mail and that strict decoders reject. Input using
    /// ISO-2022-JP-2's other character sets goes to iconv's ISO-2022-JP-2 as a whole instead.
    private static func decodeISO2022JP(
        _ input: UnsafeBufferPointer<UInt8>, name: String, defects: inout DefectLog
    ) -> String? {
        guard let eucJP = ISO2022JP.rewriteAsEUCJP(input) else {
            return decodeWithIconv(input, from: "ISO-2022-JP-2", shownAs: name, defects: &defects)
        }
        return eucJP.withUnsafeBufferPointer {
            decodeWithIconv($0, from: "EUC-JP-MS", shownAs: name, defects: &defects)
        }
    }

    // MARK: - iconv

    /// Converts with glibc's iconv; nil if iconv has no converter for `iconvName`.
    ///
    /// Undecodable bytes (EILSEQ) and a truncated sequence at the end (EINVAL) become U+FFFD, one byte at a
    /// time, so decoding always reaches the end of the input. Output goes through a fixed chunk, so E2BIG only
    /// means "empty the chunk and go on". The final flush releases what stateful converters hold back: the
    /// shift state of ISO-2022 and UTF-7, and the last letter of windows-1255/1258, kept for a combining mark.
    static func decodeWithIconv(
        _ input: UnsafeBufferPointer<UInt8>, from iconvName: String, shownAs name: String, defects: inout DefectLog
    ) -> String? {
        guard let converter = Iconv(from: iconvName) else { return nil }
        defer { converter.close() }
        guard let base = input.baseAddress, !input.isEmpty else { return "" }
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 16)
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        let chunkSize = 1 << 16
        var replaced = 0
        var truncated = false
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunkSize) { chunk in
            let chunkBase = chunk.baseAddress!
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = input.count
            var flushed = false
            while true {
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(chunkBase)
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = chunkSize
                let result: Int
                if inLeft > 0 {
                    result = iconv(converter.handle, &inPointer, &inLeft, &outPointer, &outLeft)
                } else {
                    // End of input: emit whatever the shift state still holds.
                    result = iconv(converter.handle, nil, nil, &outPointer, &outLeft)
                    flushed = true
                }
                let error = result == -1 ? errno : 0
                let produced = chunkSize - outLeft
                output.append(contentsOf: UnsafeBufferPointer(start: chunkBase, count: produced))
                if result != -1 {
                    if flushed { break }
                    continue
                }
                if error == E2BIG && produced > 0 { continue }
                if flushed { break }
                // EILSEQ, EINVAL, or anything unexpected: replace one byte and go on, so progress is certain.
                output.append(contentsOf: replacement)
                if error == EINVAL { truncated = true } else { replaced += 1 }
                inPointer = inPointer.map { $0 + 1 }
                inLeft -= 1
            }
        }
        if replaced > 0 { defects.add("invalid byte sequences in \(name) replaced") }
        if truncated { defects.add("truncated multibyte sequence at end of \(name) replaced") }
        defects.countReplacements(replaced + (truncated ? 1 : 0))
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: - Labels in messages

    /// A label fit to quote in a defect message: printable ASCII only, `"` and `\` replaced, at most 64 characters.
    static func sanitised(_ label: String) -> String {
        var result = ""
        var count = 0
        for scalar in label.unicodeScalars {
            if count == 64 {
                result += "..."
                break
            }
            let printable = scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "\\"
            result.unicodeScalars.append(printable ? scalar : "?")
            count += 1
        }
        return result
    }
}

// MARK: - Label resolution

extension Charset {
    /// How bytes in a charset are turned into text.
    enum Decoding: Sendable {
        case utf8
        case ascii
        /// windows-1252, and ISO-8859-1 read as windows-1252 as WHATWG and mail clients do.
        case windows1252
        /// nil byte order: take it from a BOM, else guess.
        case utf16(bigEndian: Bool?)
        case utf32(bigEndian: Bool?)
        /// A stateless single-byte charset, decoded in Swift from a table iconv fills once per process.
        case singleByte(iconvName: String)
        case iso2022JP
        /// Through iconv; `alternate` is tried when `primary` had to replace bytes and keeps the cleaner result.
        case iconv(primary: String, alternate: String?)
    }

    var decoding: Decoding {
        Self.registry.decodings[name] ?? .iconv(primary: name, alternate: nil)
    }

    enum Resolution {
        /// No label at all (or only spaces and quotes).
        case absent
        /// In the alias table.
        case known(Charset)
        /// Not in the table, but safe to offer to iconv.
        case candidate(Charset)
        /// Too long or containing characters no charset name has: never shown to iconv.
        case unusable
    }

    static func resolve(_ label: String) -> Resolution {
        var bytes = Substring(label).utf8[...]
        func isTrimmed(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x22 || byte == 0x27  // " '
        }
        while let first = bytes.first, isTrimmed(first) { bytes.removeFirst() }
        while let last = bytes.last, isTrimmed(last) { bytes.removeLast() }
        // RFC 2231 lets an encoded word carry a language after the charset: "utf-8*en".
        if let star = bytes.firstIndex(of: 0x2A) { bytes = bytes[..<star] }
        if bytes.isEmpty { return .absent }
        guard bytes.count <= 40 else { return .unusable }
        var name = ""
        name.reserveCapacity(bytes.count)
        for byte in bytes {
            switch byte {
            case 0x41...0x5A: name.unicodeScalars.append(Unicode.Scalar(byte + 0x20))
            case 0x61...0x7A, 0x30...0x39, 0x2E, 0x5F, 0x3A, 0x2D: name.unicodeScalars.append(Unicode.Scalar(byte))
            default: return .unusable
            }
        }
        if let canonical = registry.aliases[name] { return .known(Charset(canonical: canonical)) }
        return .candidate(Charset(canonical: name))
    }

    /// The alias table: canonical name → how to decode it, and every known label → canonical name.
    static let registry: (decodings: [String: Decoding], aliases: [String: String]) = {
        var decodings: [String: Decoding] = [:]
        var aliases: [String: String] = [:]
        func add(_ name: String, _ decoding: Decoding, _ labels: [String] = []) {
            decodings[name] = decoding
            aliases[name] = name
            for label in labels { aliases[label] = name }
        }
        func iconv(_ primary: String, _ alternate: String? = nil) -> Decoding {
            .iconv(primary: primary, alternate: alternate)
        }

        add(
            "utf-8", .utf8,
            ["utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8", "cp65001"])
        add(
            "us-ascii", .ascii,
            [
                "ascii", "us", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso-ir-6", "iso646-us", "iso_646.irv:1991", "646",
                "ibm367", "cp367", "csascii",
            ])
        add(
            "iso-8859-1", .windows1252,
            [
                "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "iso88591", "latin1", "l1", "iso-ir-100", "ibm819",
                "cp819", "csisolatin1",
            ])
        add("windows-1252", .windows1252, ["cp1252", "x-cp1252", "win-1252", "ms-ansi"])

        // ISO-8859-2…16 (there is no 12). 9 and 11 are read as their Windows supersets, as WHATWG does.
        let isoNicknames: [Int: [String]] = [
            2: ["latin2", "l2", "csisolatin2"], 3: ["latin3", "l3", "csisolatin3"], 4: ["latin4", "l4", "csisolatin4"],
            5: ["cyrillic", "csisolatincyrillic"], 6: ["arabic", "csisolatinarabic", "iso-8859-6-i", "iso-8859-6-e"],
            7: ["greek", "greek8", "csisolatingreek", "elot_928"],
            8: ["hebrew", "csisolatinhebrew", "iso-8859-8-i", "iso-8859-8-e", "csiso88598i", "logical", "visual"],
            9: ["latin5", "l5", "csisolatin5"], 10: ["latin6", "l6", "csisolatin6"], 11: ["thai"],
            13: ["latin7", "l7"], 14: ["latin8", "l8"], 15: ["latin9", "l9", "latin-9"], 16: ["latin10", "l10"],
        ]
        for number in [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16] {
            let iconvName = number == 9 ? "CP1254" : number == 11 ? "CP874" : "ISO-8859-\(number)"
            add(
                "iso-8859-\(number)", .singleByte(iconvName: iconvName),
                ["iso8859-\(number)", "iso_8859-\(number)", "iso8859\(number)"] + isoNicknames[number, default: []])
        }
        // windows-1255 and -1258 compose combining marks statefully in iconv, so they stay on iconv.
        for number in 1250...1258 where number != 1252 {
            let decoding: Decoding =
                number == 1255 || number == 1258 ? iconv("CP\(number)") : .singleByte(iconvName: "CP\(number)")
            add("windows-\(number)", decoding, ["cp\(number)", "x-cp\(number)", "win-\(number)", "cp-\(number)"])
        }
        add("windows-874", .singleByte(iconvName: "CP874"), ["cp874", "x-cp874", "dos-874", "ibm874"])
        add("tis-620", .singleByte(iconvName: "CP874"), ["tis620", "tis620-0", "tis620.2529-1", "tis620.2533-0"])
        add("koi8-r", .singleByte(iconvName: "KOI8-R"), ["koi8r", "cskoi8r", "koi8", "koi", "koi8_r"])
        add("koi8-u", .singleByte(iconvName: "KOI8-U"), ["koi8u", "koi8-ru"])
        add("ibm866", .singleByte(iconvName: "IBM866"), ["cp866", "866", "csibm866"])
        add("macintosh", .singleByte(iconvName: "MACINTOSH"), ["mac", "x-mac-roman", "csmacintosh", "macroman"])
        add("x-mac-cyrillic", .singleByte(iconvName: "MAC-CYRILLIC"), ["x-mac-ukrainian", "mac-cyrillic"])

        // Chinese: GB18030 is a superset of GBK, itself a superset of GB2312, so it reads all three.
        add("gb18030", iconv("GB18030"))
        add("gbk", iconv("GB18030"), ["x-gbk", "cp936", "ms936", "windows-936"])
        add(
            "gb2312", iconv("GB18030"),
            ["euc-cn", "x-euc-cn", "csgb2312", "gb_2312-80", "gb_2312", "chinese", "iso-ir-58", "x-gb2312"])
        add("big5", iconv("CP950", "BIG5-HKSCS"), ["big-5", "x-x-big5", "cn-big5", "csbig5", "cp950", "x-big5"])
        add("big5-hkscs", iconv("BIG5-HKSCS", "CP950"), ["big5hkscs"])
        add("euc-tw", iconv("EUC-TW"), ["x-euc-tw"])
        add("iso-2022-cn", iconv("ISO-2022-CN-EXT"), ["iso-2022-cn-ext"])

        // Japanese: Microsoft's tables are supersets that real mail needs (NEC/IBM extensions).
        add("shift_jis", iconv("CP932"), ["shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis"])
        add("windows-31j", iconv("CP932"), ["cp932", "ms932", "windows-932", "x-ms-cp932", "ibm-943"])
        add("euc-jp", iconv("EUC-JP-MS"), ["x-euc-jp", "eucjp", "cseucpkdfmtjapanese", "ujis", "x-eucjp"])
        add("iso-2022-jp", .iso2022JP, ["csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "csiso2022jp2"])

        // Korean: CP949 (Unified Hangul Code) is the superset of EUC-KR that Windows labels ks_c_5601-1987.
        add("euc-kr", iconv("CP949"), ["x-euc-kr", "cseuckr", "korean"])
        add(
            "cp949", iconv("CP949"),
            [
                "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "csksc56011987", "iso-ir-149", "windows-949",
                "uhc", "ms949", "x-windows-949",
            ])
        add("iso-2022-kr", iconv("ISO-2022-KR"), ["csiso2022kr"])

        add("utf-7", iconv("UTF-7"), ["utf7", "unicode-1-1-utf-7", "csunicode11utf7", "x-unicode-2-0-utf-7"])
        add("utf-16", .utf16(bigEndian: nil), ["utf16", "ucs-2", "ucs2", "iso-10646-ucs-2", "csunicode", "unicode"])
        add("utf-16be", .utf16(bigEndian: true), ["utf16be", "unicodefffe", "ucs-2be"])
        add("utf-16le", .utf16(bigEndian: false), ["utf16le", "unicodefeff", "ucs-2le"])
        add("utf-32", .utf32(bigEndian: nil), ["utf32", "ucs-4", "ucs4", "iso-10646-ucs-4"])
        add("utf-32be", .utf32(bigEndian: true), ["utf32be", "ucs-4be"])
        add("utf-32le", .utf32(bigEndian: false), ["utf32le", "ucs-4le"])
        return (decodings, aliases)
    }()
}

// MARK: - Support

/// The distinct defects of one decode, in the order they first happened.
struct DefectLog {
    private(set) var items: [String] = []
    /// How many bytes iconv could not decode; compares two readings of the same bytes.
    private(set) var replacements = 0

    mutating func add(_ defect: String) {
        if !items.contains(defect) { items.append(defect) }
    }

    mutating func countReplacements(_ count: Int) {
        replacements += count
    }

    mutating func merge(_ other: DefectLog) {
        for item in other.items { add(item) }
        replacements += other.replacements
    }
}

/// An open iconv converter to UTF-8. Each decode opens its own: iconv_t holds conversion state and is not
/// safe to share between threads.
struct Iconv {
    let handle: iconv_t

    /// Nil when iconv has no converter for `charset`.
    init?(from charset: String) {
        let handle = iconv_open("UTF-8", charset)
        // iconv_open signals failure with (iconv_t)-1.
        guard let handle, handle != iconv_t(bitPattern: -1) else { return nil }
        self.handle = handle
    }

    func close() {
        iconv_close(handle)
    }
}

/// Writes Unicode scalars as UTF-8 into a buffer the caller sized for the worst case.
struct UTF8Writer {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    /// `scalar` must be a valid scalar value (no surrogates, ≤ U+10FFFF).
    @inline(__always)
    mutating func append(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            buffer[count] = UInt8(scalar)
            count += 1
        case 0x80..<0x800:
            buffer[count] = UInt8(0xC0 | scalar >> 6)
            buffer[count + 1] = UInt8(0x80 | scalar & 0x3F)
            count += 2
        case 0x800..<0x10000:
            buffer[count] = UInt8(0xE0 | scalar >> 12)
            buffer[count + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            buffer[count + 2] = UInt8(0x80 | scalar & 0x3F)
            count += 3
        default:
            buffer[count] = UInt8(0xF0 | scalar >> 18)
            buffer[count + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            buffer[count + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            buffer[count + 3] = UInt8(0x80 | scalar & 0x3F)
            count += 4
        }
    }
}

/// A single-byte charset as 256 precomputed UTF-8 sequences, decoded without iconv.
///
/// Entry layout: the UTF-8 bytes in the low 24 bits (first byte lowest), the length (1–3) in bits 24–26,
/// and bit 31 set when the byte is undefined in the charset (the bytes are then U+FFFD's).
struct SingleByteTable: Sendable {
    private let entries: [UInt32]

    private static let lengthShift: UInt32 = 24
    private static let undefinedFlag: UInt32 = 1 << 31
    private static let replacement: UInt32 = 0xBD_BFEF | 3 << lengthShift | undefinedFlag

    private init(entries: [UInt32]) {
        self.entries = entries
    }

    private static func entry(for scalar: UInt32) -> UInt32 {
        var bytes: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let length = withUnsafeMutableBytes(of: &bytes) { raw in
            var writer = UTF8Writer(raw.bindMemory(to: UInt8.self))
            writer.append(scalar)
            return writer.count
        }
        return UInt32(bytes.0) | UInt32(bytes.1) << 8 | UInt32(bytes.2) << 16 | UInt32(length) << lengthShift
    }

    /// windows-1252 as WHATWG defines it: the five bytes Microsoft leaves undefined map to the C1 controls of
    /// the same value, so every byte decodes and nothing is ever replaced.
    static let windows1252: SingleByteTable = {
        let high: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
            0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
            0x0153, 0x9D, 0x017E, 0x0178,
        ]
        return SingleByteTable(
            entries: (0..<256).map { byte in entry(for: (0x80..<0xA0).contains(byte) ? high[byte - 0x80] : UInt32(byte))
            })
    }()

    private static let cache = Mutex<[String: SingleByteTable?]>([:])

    /// The table for an iconv single-byte charset, built on first use; nil if iconv lacks the charset or it
    /// does not behave as a stateless ASCII-compatible single-byte charset.
    static func cached(_ iconvName: String) -> SingleByteTable? {
        cache.withLock { tables in
            if let table = tables[iconvName] { return table }
            let table = build(iconvName)
            tables[iconvName] = table
            return table
        }
    }

    private static func build(_ iconvName: String) -> SingleByteTable? {
        guard let converter = Iconv(from: iconvName) else { return nil }
        defer { converter.close() }
        var entries = [UInt32](repeating: replacement, count: 256)
        for byte in 0..<256 {
            var input = CChar(bitPattern: UInt8(byte))
            var output: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
            let produced: Int? = withUnsafeMutablePointer(to: &input) { inStart in
                withUnsafeMutableBytes(of: &output) { raw in
                    _ = iconv(converter.handle, nil, nil, nil, nil)
                    var inPointer: UnsafeMutablePointer<CChar>? = inStart
                    var inLeft = 1
                    var outPointer: UnsafeMutablePointer<CChar>? = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    var outLeft = raw.count
                    let result = iconv(converter.handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    return result == -1 ? nil : raw.count - outLeft
                }
            }
            guard let produced else {
                // Holes in 0x80–0x9F (windows-125x, CP874) become the C1 control of the same value, as in
                // WHATWG's tables and our windows-1252; other undefined bytes stay U+FFFD.
                if (0x80..<0xA0).contains(byte) { entries[byte] = entry(for: UInt32(byte)) }
                continue
            }
            let bytes = withUnsafeBytes(of: output) { Array($0.prefix(produced)) }
            guard (1...3).contains(bytes.count) else { return nil }  // stateful or outside the BMP: not a table
            if byte < 0x80, bytes != [UInt8(byte)] { return nil }  // the ASCII fast path relies on identity
            entries[byte] =
                bytes.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
                | UInt32(bytes.count) << lengthShift
        }
        return SingleByteTable(entries: entries)
    }

    /// Decodes in two linear passes: the first sizes the output exactly, the second writes it. Both go eight
    /// bytes at a time, copying all-ASCII words whole. Returns whether any undefined byte was replaced.
    func decode(_ input: UnsafeBufferPointer<UInt8>) -> (text: String, undefined: Bool) {
        guard let source = input.baseAddress, !input.isEmpty else { return ("", false) }
        let count = input.count
        let wordEnd = count & ~7
        let asciiMask: UInt64 = 0x8080_8080_8080_8080
        return entries.withUnsafeBufferPointer { table in
            var total = 0
            var flags: UInt32 = 0
            var index = 0
            while index < count {
                let step = index < wordEnd ? 8 : 1
                if step == 8, UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self) & asciiMask == 0 {
                    total += 8
                } else {
                    for offset in 0..<step {
                        let entry = table[Int(source[index + offset])]
                        total += Int(entry >> Self.lengthShift & 0x7)
                        flags |= entry
                    }
                }
                index += step
            }
            if total == count { return (String(decoding: input, as: UTF8.self), false) }  // all ASCII
            // Each entry is stored as four bytes and the cursor moves by its length, hence 3 bytes of slack.
            let text = String(unsafeUninitializedCapacity: total + 3) { output in
                let destination = UnsafeMutableRawPointer(output.baseAddress!)
                var written = 0
                var index = 0
                while index < count {
                    let step = index < wordEnd ? 8 : 1
                    let word = step == 8 ? UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self) : 0
                    if step == 8, word & asciiMask == 0 {
                        destination.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                        written += 8
                    } else {
                        for offset in 0..<step {
                            let entry = table[Int(source[index + offset])]
                            destination.storeBytes(of: entry.littleEndian, toByteOffset: written, as: UInt32.self)
                            written += Int(entry >> Self.lengthShift & 0x7)
                        }
                    }
                    index += step
                }
                return written
            }
            return (text, flags & Self.undefinedFlag != 0)
        }
    }
}

/// ISO-2022-JP → EUC-JP byte rewriting; see `CharsetDecoder.decodeISO2022JP`.
enum ISO2022JP {
    private enum Mode {
        case ascii
        case jisX0208
        case jisX0212
        case katakana
    }

    /// A byte EUC-JP never accepts, standing in for input bytes that are invalid in ISO-2022-JP, so the EUC-JP
    /// decoder reports and replaces them.
    private static let invalid: UInt8 = 0xFF

    /// The escape sequences understood, and the mode each selects.
    private static let designations: [([UInt8], Mode?)] = [
        ([0x1B, 0x28, 0x42], .ascii), ([0x1B, 0x28, 0x4A], .ascii), ([0x1B, 0x28, 0x49], .katakana),
        ([0x1B, 0x24, 0x40], .jisX0208), ([0x1B, 0x24, 0x42], .jisX0208),
        ([0x1B, 0x24, 0x28, 0x42], .jisX0208), ([0x1B, 0x24, 0x28, 0x44], .jisX0212),
        // ESC & @ announces JIS X 0208-1990 before ESC $ B; it designates nothing itself.
        ([0x1B, 0x26, 0x40], nil),
    ]

    /// Nil when the input designates a character set outside JIS X 0201/0208/0212.
    static func rewriteAsEUCJP(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var mode = Mode.ascii
        var shiftedOut = false
        var index = 0
        let count = input.count
        func matches(_ sequence: [UInt8]) -> Bool {
            index + sequence.count <= count && sequence.indices.allSatisfy { input[index + $0] == sequence[$0] }
        }
        while index < count {
            let byte = input[index]
            if byte == 0x1B {
                guard let (sequence, designated) = designations.first(where: { matches($0.0) }) else { return nil }
                if let designated { mode = designated }
                index += sequence.count
                continue
            }
            index += 1
            switch byte {
            case 0x0E:
                shiftedOut = true
                continue
            case 0x0F:
                shiftedOut = false
                continue
            case 0...0x20, 0x7F:
                // Controls and space pass through in any mode: mailers often end a line before switching back.
                output.append(byte)
                continue
            case 0xA1...0xDF:
                output.append(0x8E)  // "8-bit JIS" half-width katakana
                output.append(byte)
                continue
            case 0x80...:
                output.append(invalid)
                continue
            default:
                break
            }
            switch shiftedOut ? .katakana : mode {
            case .ascii:
                output.append(byte)
            case .katakana:
                output.append(byte <= 0x5F ? 0x8E : invalid)
                if byte <= 0x5F { output.append(byte | 0x80) }
            case .jisX0208, .jisX0212:
                if mode == .jisX0212 { output.append(0x8F) }
                output.append(byte | 0x80)
                // A lone first byte is left for the EUC-JP decoder to report as invalid or truncated.
                if index < count, (0x21...0x7E).contains(input[index]) {
                    output.append(input[index] | 0x80)
                    index += 1
                }
            }
        }
        return output
    }
}
