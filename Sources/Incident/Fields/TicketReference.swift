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

    public var description: String {
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func isValidPrefix(_ prefix: String) -> Bool {
        (1...16).contains(prefix.count) && prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
