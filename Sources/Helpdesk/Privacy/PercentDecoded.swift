/// Bytes with their percent escapes (`%40`, `%2e`, `%2E`: RFC 3986, any case of the hex) decoded once,
/// and the way back: which source bytes each decoded byte came from. Addresses in URLs
/// (`?user=anna%40example.edu`) are found through it.
struct PercentDecoded: Sendable {
    /// The decoded bytes.
    let bytes: [UInt8]
    /// `origin[i]` is where decoded byte `i` starts in the source; `origin[bytes.count]` is the source's end.
    private let origin: [Int]

    /// Decodes `source` in one pass; nil when it has no escape (then it reads as it is).
    init?(_ source: [UInt8]) {
        guard source.contains(0x25) else { return nil }
        var bytes: [UInt8] = []
        var origin: [Int] = []
        bytes.reserveCapacity(source.count)
        origin.reserveCapacity(source.count + 1)
        var index = 0
        var escapes = 0
        while index < source.count {
            origin.append(index)
            if source[index] == 0x25, index + 2 < source.count, let high = Self.hexValue(source[index + 1]),
                let low = Self.hexValue(source[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
                escapes += 1
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        guard escapes > 0 else { return nil }
        origin.append(source.count)
        self.bytes = bytes
        self.origin = origin
    }

    /// The source bytes that `range` of the decoded bytes came from.
    func source(of range: Range<Int>) -> Range<Int> {
        origin[range.lowerBound]..<origin[range.upperBound]
    }

    /// `text` with every byte that is not unreserved in a URL percent-encoded (`erased%40invalid`).
    static func escaped(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in text {
            if ByteCase.isAlphanumeric(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E {
                out.append(byte)
            } else {
                out += [0x25, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return out
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x37
        case 0x61...0x66: byte - 0x57
        default: nil
        }
    }
}
