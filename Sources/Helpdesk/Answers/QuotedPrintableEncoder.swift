/// Quoted-printable body encoding (RFC 2045 §6.7) for the text of our answers.
///
/// Output lines end in CRLF and are at most 76 characters; printable ASCII stays readable, everything
/// else (UTF-8 bytes, `=`, white space before a line end) becomes `=XX`. A `.` or a `From ` at the
/// start of a line is encoded as well, so no SMTP dot-stuffing slip or mbox "From " quoting can
/// change the text on its way.
enum QuotedPrintableEncoder {
    static let maxLineLength = 76

    /// Encodes `text`, whose lines are separated by "\n", as quoted-printable with CRLF line ends.
    /// The result ends with CRLF.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            // The text's own final "\n" gives an empty last piece; it is not another line.
            if index == lines.count - 1, line.isEmpty, index > 0 { break }
            encodeLine(Array(line), into: &out)
        }
        return out
    }

    private static func encodeLine(_ line: [UInt8], into out: inout [UInt8]) {
        var length = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            var literal = byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "=")
            if byte == 0x20 || byte == 0x09 { literal = !isLast }
            if length == 0, byte == UInt8(ascii: ".") { literal = false }
            if length == 0, byte == UInt8(ascii: "F"), line[index...].starts(with: Array("From ".utf8)) {
                literal = false
            }
            let width = literal ? 1 : 3
            // Room for the soft break "=" unless this is the line's last character.
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if length + width > limit {
                out += [UInt8(ascii: "="), 0x0D, 0x0A]
                length = 0
                // The rules for a line's first character apply after a soft break too.
                if byte == UInt8(ascii: ".")
                    || (byte == UInt8(ascii: "F") && line[index...].starts(with: Array("From ".utf8)))
                {
                    literal = false
                }
            }
            if literal {
                out.append(byte)
                length += 1
            } else {
                out += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                length += 3
            }
        }
        out += [0x0D, 0x0A]
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
