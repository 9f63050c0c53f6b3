/// Something wrong with a message that the parser noticed and worked around.
///
/// Defects never stop parsing: they explain why a value may differ from what the sender meant,
/// and they are logged and stored with the ticket so staff can see why a report looks odd.
public struct Defect: Hashable, Sendable, CustomStringConvertible {
    /// The part the defect belongs to (IMAP numbering, "" for the top-level message).
    public var part: String
    /// A short, human-readable reason. Attacker-controlled text is sanitised before it lands here.
    public var reason: String

    public init(part: String, reason: String) {
        self.part = part
        self.reason = reason
    }

    public var description: String { part.isEmpty ? reason : "part \(part): \(reason)" }
}

extension String {
    /// Attacker-controlled text made safe to quote in a defect or log line: printable ASCII only, capped.
    static func sanitisedForDefect<S: Sequence>(_ bytes: S, limit: Int = 64) -> String where S.Element == UInt8 {
        var out = ""
        var count = 0
        for byte in bytes {
            if count == limit {
                out += "…"
                break
            }
            out.unicodeScalars.append((0x20...0x7E).contains(byte) ? Unicode.Scalar(byte) : "?")
            count += 1
        }
        return out
    }
}
