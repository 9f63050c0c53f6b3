/// A ticket's public reference, such as `HD-000123`: a configurable prefix and a sequence number.
///
/// The reference is what reporters see in subjects (`[HD-000123] Re: …`) and what staff type on the
/// command line, so parsing is lenient about case and bracketing but strict about the shape.
public struct TicketReference: Hashable, Sendable, CustomStringConvertible {
    public let prefix: String
    public let number: Int

    /// Creates a reference; the prefix must be 1–16 ASCII letters or digits.
    public init?(prefix: String, number: Int) {
        guard Self.isValidPrefix(prefix), number > 0, number < 1_000_000_000 else { return nil }
        self.prefix = prefix.uppercased()
        self.number = number
    }

    /// Parses `HD-000123` (any case, with or without surrounding brackets) for the given prefix.
    public init?(parsing text: Substring, prefix: String) {
        var body = text
        if body.first == "[", body.last == "]" { body = body.dropFirst().dropLast() }
        let parts = body.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].uppercased() == prefix.uppercased(),
            (1...9).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(parts[1])
        else { return nil }
        self.init(prefix: prefix, number: number)
    }

    /// The first reference in running text ("Re: [hd-4521] …" → HD-004521): the prefix at a word start, a dash
    /// and 1–9 digits at a word end. One pass over the text, whatever it holds: a subject of "HD-" written ten
    /// thousand times costs no more than any other subject of its length.
    public static func first(in text: some StringProtocol, prefix: String) -> TicketReference? {
        let wanted = Array(prefix.uppercased().unicodeScalars) + ["-"]
        let scalars = Array(text.unicodeScalars)
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }
        var index = 0
        while index + wanted.count < scalars.count {
            defer { index += 1 }
            if index > 0, isWordScalar(scalars[index - 1]) { continue }
            var matched = true
            for (offset, expected) in wanted.enumerated() {
                let scalar = scalars[index + offset]
                let upper = scalar.value >= 0x61 && scalar.value <= 0x7A ? scalar.value - 0x20 : scalar.value
                if upper != expected.value {
                    matched = false
                    break
                }
            }
            guard matched else { continue }
            // At most ten digits are read: the candidate's length is bounded, so the scan stays linear.
            var end = index + wanted.count
            var number = 0
            while end < scalars.count, end - index - wanted.count < 10, isASCIIDigit(scalars[end]) {
                number = number * 10 + Int(scalars[end].value - 0x30)
                end += 1
            }
            let digits = end - index - wanted.count
            guard (1...9).contains(digits) else { continue }
            if end < scalars.count, isWordScalar(scalars[end]) || scalars[end] == "-" { continue }
            if let reference = TicketReference(prefix: prefix, number: number) { return reference }
        }
        return nil
    }

    public var description: String {
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func isValidPrefix(_ prefix: String) -> Bool {
        (1...16).contains(prefix.count) && prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
