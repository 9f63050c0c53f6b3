/// Content-Transfer-Encoding decoding (RFC 2045 §6), tolerant of what real mail carries.
public enum TransferEncoding {
    static let identities: Set<String> = ["7bit", "8bit", "binary", ""]

    /// Whether helpdeskd knows how to undo this encoding.
    public static func isKnown(_ name: String) -> Bool {
        identities.contains(name) || name == "base64" || name == "quoted-printable"
    }

    /// Decodes a body; unknown encodings are passed through unchanged (and reported by the parser).
    /// Returns the decoded bytes and a reason when the encoding was damaged.
    public static func decode(_ body: ArraySlice<UInt8>, encoding: String) -> (bytes: [UInt8], problem: String?) {
        switch encoding {
        case "base64":
            let result = Base64.decode(body)
            var reasons: [String] = []
            if result.problems.contains(.invalidCharacters) { reasons.append("invalid characters skipped") }
            if result.problems.contains(.truncated) { reasons.append("truncated") }
            if result.problems.contains(.dataAfterPadding) { reasons.append("data after padding") }
            return (result.bytes, reasons.isEmpty ? nil : "base64 " + reasons.joined(separator: ", "))
        case "quoted-printable":
            let result = QuotedPrintable.decode(body)
            return (
                result.bytes, result.problems.isEmpty ? nil : "quoted-printable with invalid escapes kept literally"
            )
        default:
            return (Array(body), nil)
        }
    }
}
