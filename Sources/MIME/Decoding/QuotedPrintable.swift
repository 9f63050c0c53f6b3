/// Tolerant quoted-printable decoding (RFC 2045 §6.7): soft line breaks, lower-case hex, and
/// invalid escapes kept literally rather than dropped.
public enum QuotedPrintable {
    /// What went wrong while decoding; all of it was survivable.
    public struct Problems: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// An '=' not followed by two hex digits or a line break was kept as written.
        public static let invalidEscape = Problems(rawValue: 1)
    }

    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte &- UInt8(ascii: "A") &+ 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte &- UInt8(ascii: "a") &+ 10
        default: return nil
        }
    }

    /// Decodes a quoted-printable body. `underscoreIsSpace` selects the RFC 2047 "Q" variant.
    public static func decode(
        _ input: UnsafeBufferPointer<UInt8>, underscoreIsSpace: Bool = false
    )
        -> (bytes: [UInt8], problems: Problems)
    {
        var problems: Problems = []
        let bytes = [UInt8](unsafeUninitializedCapacity: input.count) { output, written in
            var i = 0
            var o = 0
            let n = input.count
            // Index in output just past the last byte that is not trailing white space on this line;
            // RFC 2045 says such white space was added in transport and must go.
            var lineContentEnd = 0
            while i < n {
                let byte = input[i]
                switch byte {
                case UInt8(ascii: "="):
                    if i + 2 < n, let high = hexValue(input[i + 1]), let low = hexValue(input[i + 2]) {
                        output[o] = high << 4 | low
                        o += 1
                        lineContentEnd = o
                        i += 3
                        continue
                    }
                    // Soft line break: '=' then optional white space then CRLF or LF (or the end).
                    var j = i + 1
                    while j < n, input[j] == UInt8(ascii: " ") || input[j] == UInt8(ascii: "\t") { j += 1 }
                    if j == n {
                        lineContentEnd = o
                        i = j
                        continue
                    }
                    if input[j] == UInt8(ascii: "\n") {
                        lineContentEnd = o
                        i = j + 1
                        continue
                    }
                    if input[j] == UInt8(ascii: "\r"), j + 1 < n, input[j + 1] == UInt8(ascii: "\n") {
                        lineContentEnd = o
                        i = j + 2
                        continue
                    }
                    problems.insert(.invalidEscape)
                    output[o] = byte
                    o += 1
                    lineContentEnd = o
                    i += 1
                case UInt8(ascii: "\r") where i + 1 < n && input[i + 1] == UInt8(ascii: "\n"):
                    o = lineContentEnd
                    output[o] = UInt8(ascii: "\r")
                    output[o + 1] = UInt8(ascii: "\n")
                    o += 2
                    lineContentEnd = o
                    i += 2
                case UInt8(ascii: "\n"):
                    o = lineContentEnd
                    output[o] = byte
                    o += 1
                    lineContentEnd = o
                    i += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    output[o] = byte
                    o += 1
                    i += 1
                case UInt8(ascii: "_") where underscoreIsSpace:
                    output[o] = UInt8(ascii: " ")
                    o += 1
                    lineContentEnd = o
                    i += 1
                default:
                    output[o] = byte
                    o += 1
                    lineContentEnd = o
                    i += 1
                }
            }
            // Trailing white space at the very end is transport padding too, except in the Q variant
            // where the caller's text ends exactly where it says.
            written = underscoreIsSpace ? o : lineContentEnd
        }
        return (bytes, problems)
    }

    /// Convenience over an array slice.
    public static func decode(
        _ input: ArraySlice<UInt8>, underscoreIsSpace: Bool = false
    )
        -> (bytes: [UInt8], problems: Problems)
    {
        input.withUnsafeBufferPointer { decode($0, underscoreIsSpace: underscoreIsSpace) }
    }
}
