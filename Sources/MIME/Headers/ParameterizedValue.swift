/// A header value of the form `token; name=value; …` — Content-Type and Content-Disposition.
///
/// Parameters follow RFC 2045 with RFC 2231 extensions (charset/language, continuations in any
/// order) and the non-standard but common `name="=?utf-8?B?…?="` form, and tolerate what broken
/// mailers write: unquoted values with spaces, missing semicolons, comments, stray quotes.
public struct ParameterizedValue: Sendable, Hashable {
    /// The leading token, lower-cased (e.g. "multipart/mixed", "attachment").
    public var value: String
    /// Parameters by lower-cased name, fully decoded. The first occurrence of a name wins.
    public var parameters: [String: String]

    public init(value: String, parameters: [String: String] = [:]) {
        self.value = value
        self.parameters = parameters
    }

    /// How many parameter segments are read at most; a hostile header could otherwise build a huge table.
    static let maxParameters = 512

    /// Parses a raw, unfolded header value.
    public static func parse(_ raw: ArraySlice<UInt8>, defects: inout [String]) -> ParameterizedValue {
        let bytes = Array(raw)
        var scanner = ByteScanner(bytes)
        scanner.skipSpaceAndComments()
        let valueStart = scanner.index
        while let byte = scanner.peek, byte != UInt8(ascii: ";"), !isSpace(byte), byte != UInt8(ascii: "(") {
            scanner.index += 1
        }
        let value = String(decoding: bytes[valueStart..<scanner.index], as: UTF8.self).lowercased()

        // name → (segments by index, plain value)
        var simple: [String: String] = [:]
        var extended: [String: [Int: (bytes: [UInt8], encoded: Bool)]] = [:]
        var count = 0
        while !scanner.atEnd, count < maxParameters {
            scanner.skipSpaceAndComments()
            if scanner.peek == UInt8(ascii: ";") {
                scanner.index += 1
                continue
            }
            if scanner.atEnd { break }
            // name
            let nameStart = scanner.index
            while let byte = scanner.peek, byte != UInt8(ascii: "="), byte != UInt8(ascii: ";"), !isSpace(byte) {
                scanner.index += 1
            }
            let name = String(decoding: bytes[nameStart..<scanner.index], as: UTF8.self).lowercased()
            scanner.skipSpaceAndComments()
            guard scanner.peek == UInt8(ascii: "=") else {
                // A bare word: skip it up to the next separator.
                if scanner.index == nameStart { scanner.index += 1 }
                continue
            }
            scanner.index += 1
            scanner.skipSpaceAndComments()
            let valueBytes = scanner.readParameterValue()
            count += 1
            if name.isEmpty { continue }
            if let star = name.firstIndex(of: "*") {
                // RFC 2231: name*=…, name*N=…, name*N*=…
                let base = String(name[..<star])
                let rest = name[name.index(after: star)...]
                var index = 0
                var encoded = false
                if rest.isEmpty {
                    encoded = true
                } else {
                    let digits = rest.hasSuffix("*") ? rest.dropLast() : rest
                    encoded = rest.hasSuffix("*")
                    guard !digits.isEmpty, digits.count <= 4, let number = Int(digits) else { continue }
                    index = number
                }
                if extended[base] == nil { extended[base] = [:] }
                if extended[base]![index] == nil { extended[base]![index] = (valueBytes, encoded) }
            } else if simple[name] == nil {
                // A boundary is matched byte for byte against delimiter lines, so it is kept as written:
                // RFC 2047-decoding or sanitising it (a valid boundary may read "=?a?q?b?=", and a hostile
                // one may hold control bytes) made every delimiter miss.
                simple[name] =
                    name == "boundary"
                    ? String(decoding: valueBytes, as: UTF8.self) : decodeSimple(valueBytes, defects: &defects)
            } else {
                defects.append("duplicate parameter \"\(String.sanitisedForDefect(name.utf8))\"; the first was kept")
            }
        }
        if count >= maxParameters { defects.append("more than \(maxParameters) parameters; the rest were ignored") }

        var parameters = simple
        for (name, segments) in extended {
            // RFC 2231 wins over a plain parameter of the same name: it carries the exact charset.
            parameters[name] = joinExtended(segments, defects: &defects)
        }
        return ParameterizedValue(value: value, parameters: parameters)
    }

    private static func decodeSimple(_ bytes: [UInt8], defects: inout [String]) -> String {
        EncodedWords.decode(bytes[...], defects: &defects)
    }

    /// Joins RFC 2231 continuation segments in index order and decodes charset and percent escapes.
    private static func joinExtended(
        _ segments: [Int: (bytes: [UInt8], encoded: Bool)], defects: inout [String]
    )
        -> String
    {
        let indices = segments.keys.sorted()
        if indices.first != 0 || indices.last != indices.count - 1 {
            defects.append("RFC 2231 parameter continuations with gaps")
        }
        var charset: String? = nil
        var joined: [UInt8] = []
        for (position, index) in indices.enumerated() {
            let segment = segments[index]!
            var body = segment.bytes[...]
            if position == 0, segment.encoded {
                // charset'language'value
                let quotes = body.indices.filter { body[$0] == UInt8(ascii: "'") }.prefix(2)
                if quotes.count == 2 {
                    let label = String(decoding: body[body.startIndex..<quotes[quotes.startIndex]], as: UTF8.self)
                    if !label.isEmpty { charset = label }
                    body = body[(quotes[quotes.startIndex + 1] + 1)...]
                }
            }
            if segment.encoded {
                joined += percentDecoded(body)
            } else {
                joined += body
            }
        }
        let decoded = CharsetDecoder.decode(joined, label: charset ?? "utf-8")
        defects.append(contentsOf: decoded.defects)
        return EncodedWords.sanitised(decoded.text)
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
                let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2])
            {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

@inline(__always)
func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
}

/// A cursor over header bytes with the RFC 5322 lexical helpers parameter parsing needs.
struct ByteScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Skips white space and (nested) comments. Depth is a counter, so hostile nesting costs nothing extra.
    mutating func skipSpaceAndComments() {
        while let byte = peek {
            if isSpace(byte) {
                index += 1
            } else if byte == UInt8(ascii: "(") {
                var depth = 0
                while let current = peek {
                    index += 1
                    if current == UInt8(ascii: "\\") {
                        index += 1
                    } else if current == UInt8(ascii: "(") {
                        depth += 1
                    } else if current == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 { break }
                    }
                }
            } else {
                return
            }
        }
    }

    /// Reads a parameter value: a quoted string (escapes removed) or everything up to the next ';'
    /// with trailing white space trimmed (unquoted values with spaces are common in the wild).
    mutating func readParameterValue() -> [UInt8] {
        var out: [UInt8] = []
        if peek == UInt8(ascii: "\"") {
            index += 1
            while let byte = peek {
                index += 1
                if byte == UInt8(ascii: "\\"), let next = peek {
                    out.append(next)
                    index += 1
                } else if byte == UInt8(ascii: "\"") {
                    return out
                } else {
                    out.append(byte)
                }
            }
            return out
        }
        while let byte = peek, byte != UInt8(ascii: ";") {
            out.append(byte)
            index += 1
        }
        while let last = out.last, isSpace(last) { out.removeLast() }
        return out
    }
}
