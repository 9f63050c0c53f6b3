/// Tolerant base64 decoding (RFC 2045 §6.8) of what real mailers and attackers send: any line
/// length, stray whitespace, garbage characters, missing or early padding.
///
/// The common case, four valid characters in a row, takes one table lookup per character and a
/// single branch per quantum; everything else drops to a per-character path that never fails.
public enum Base64 {
    /// Table values: 0–63 sextets, `skip` for whitespace, `pad` for '=', `bad` for anything else.
    private static let skip: UInt8 = 0xFE
    private static let pad: UInt8 = 0xFD
    private static let bad: UInt8 = 0xFF

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: bad, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        // URL-safe alphabet letters decode too: some webmail clients emit them.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        for space in [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), 0x0B, 0x0C] {
            table[Int(space)] = skip
        }
        table[Int(UInt8(ascii: "="))] = pad
        return table
    }()

    /// What went wrong while decoding; all of it was survivable.
    public struct Problems: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Characters outside the alphabet were skipped.
        public static let invalidCharacters = Problems(rawValue: 1)
        /// The input ended in the middle of a quantum; the complete bytes were kept.
        public static let truncated = Problems(rawValue: 2)
        /// Data continued after padding; it was decoded as a new run.
        public static let dataAfterPadding = Problems(rawValue: 4)
    }

    /// Decodes base64 text; never fails.
    public static func decode(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], problems: Problems) {
        var problems: Problems = []
        let capacity = input.count / 4 * 3 + 3
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { output, written in
            table.withUnsafeBufferPointer { table in
                var i = 0
                var o = 0
                let n = input.count
                var quantum: UInt32 = 0
                var have = 0
                var sawPad = false
                while i < n {
                    // Fast path: four valid characters at a quantum boundary.
                    if have == 0, i + 4 <= n {
                        let a = table[Int(input[i])]
                        let b = table[Int(input[i + 1])]
                        let c = table[Int(input[i + 2])]
                        let d = table[Int(input[i + 3])]
                        if (a | b | c | d) < 64 {
                            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            output[o] = UInt8(truncatingIfNeeded: v >> 16)
                            output[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                            output[o + 2] = UInt8(truncatingIfNeeded: v)
                            o += 3
                            i += 4
                            if sawPad {
                                problems.insert(.dataAfterPadding)
                                sawPad = false
                            }
                            continue
                        }
                    }
                    let value = table[Int(input[i])]
                    i += 1
                    if value < 64 {
                        if sawPad {
                            problems.insert(.dataAfterPadding)
                            sawPad = false
                        }
                        quantum = quantum << 6 | UInt32(value)
                        have += 1
                        if have == 4 {
                            output[o] = UInt8(truncatingIfNeeded: quantum >> 16)
                            output[o + 1] = UInt8(truncatingIfNeeded: quantum >> 8)
                            output[o + 2] = UInt8(truncatingIfNeeded: quantum)
                            o += 3
                            have = 0
                            quantum = 0
                        }
                    } else if value == skip {
                        continue
                    } else if value == pad {
                        // Padding ends a quantum: flush what it holds and start afresh.
                        o = flush(quantum, have, into: output, at: o)
                        have = 0
                        quantum = 0
                        sawPad = true
                    } else {
                        problems.insert(.invalidCharacters)
                    }
                }
                if have > 0 {
                    if have == 1 { problems.insert(.truncated) }
                    o = flush(quantum, have, into: output, at: o)
                }
                written = o
            }
        }
        return (bytes, problems)
    }

    /// Writes the whole bytes held by a partial quantum of `have` sextets.
    private static func flush(
        _ quantum: UInt32, _ have: Int, into output: UnsafeMutableBufferPointer<UInt8>,
        at start: Int
    ) -> Int {
        var o = start
        switch have {
        case 2:
            output[o] = UInt8(truncatingIfNeeded: quantum >> 4)
            o += 1
        case 3:
            output[o] = UInt8(truncatingIfNeeded: quantum >> 10)
            output[o + 1] = UInt8(truncatingIfNeeded: quantum >> 2)
            o += 2
        default:
            break
        }
        return o
    }

    /// Convenience over an array slice.
    public static func decode(_ input: ArraySlice<UInt8>) -> (bytes: [UInt8], problems: Problems) {
        input.withUnsafeBufferPointer { decode($0) }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes bytes as base64 without line breaks (for RFC 2047 words we write ourselves).
    public static func encode(_ input: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var iterator = input.makeIterator()
        while let a = iterator.next() {
            let b = iterator.next()
            let c = iterator.next()
            let v = UInt32(a) << 16 | UInt32(b ?? 0) << 8 | UInt32(c ?? 0)
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            out.append(b == nil ? UInt8(ascii: "=") : alphabet[Int(v >> 6 & 63)])
            out.append(c == nil ? UInt8(ascii: "=") : alphabet[Int(v & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
