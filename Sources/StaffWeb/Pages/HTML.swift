import Foundation
import MIME

/// HTML written by hand, with every value escaped on the way in: pages are built only from `HTML` pieces, and the
/// one way to put a string into a page is `HTML.text(_:)` (or an interpolation, which escapes), so customer
/// text can never become markup.
public struct HTML: Sendable, ExpressibleByStringInterpolation {
    public private(set) var markup: String

    /// Markup written in the source code (a literal): trusted.
    public init(stringLiteral value: String) { markup = value }

    init(trusted markup: String) { self.markup = markup }

    /// Text, escaped: `<`, `>`, `&`, `"` and `'` become entities.
    public static func text(_ text: String) -> HTML { HTML(trusted: escape(text)) }

    public static func + (left: HTML, right: HTML) -> HTML { HTML(trusted: left.markup + right.markup) }

    public static func += (left: inout HTML, right: HTML) { left.markup += right.markup }

    public static func joined(_ pieces: [HTML]) -> HTML { HTML(trusted: pieces.map(\.markup).joined()) }

    public static func escape(_ text: String) -> String {
        // Most values need nothing: one pass over the bytes decides, and the string is used as it is.
        let clean = text.utf8.allSatisfy { byte in
            byte >= 0x20 && byte != 0x7F && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">")
                && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'") && byte != 0xC2
        }
        if clean { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and line breaks have no business in a page.
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Interpolation escapes strings and numbers and passes `HTML` through.
    public struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""
        public init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { markup += literal }
        public mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        public mutating func appendInterpolation(_ number: some BinaryInteger) { markup += String(number) }
        public mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
    }

    public init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }
}

/// How pages show times and durations: UTC, to the minute, the same for every reader.
enum Clock {
    /// "2024-11-11 10:32 UTC". Built from `MessageDate`'s ISO form: a page lists hundreds of times, and a
    /// Foundation date formatter per call cost more than the rest of the page.
    static func time(_ seconds: Int64) -> String {
        let iso = isoTime(seconds)
        return String(iso.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    static func isoTime(_ seconds: Int64) -> String {
        MessageDate(secondsSince1970: seconds, utcOffsetSeconds: 0).iso8601
    }

    /// "3d 4h", "2h 05m", "12m": the coarsest two units.
    static func duration(_ seconds: Int64) -> String {
        let total = max(0, seconds) / 60
        let days = total / 1440
        let hours = (total % 1440) / 60
        let minutes = total % 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h " + (minutes < 10 ? "0" : "") + "\(minutes)m" }
        return "\(minutes)m"
    }

    /// Time left to `due` at `now`, or how far past it.
    static func left(due: Int64?, now: Int64) -> (text: String, breached: Bool) {
        guard let due else { return ("clock stopped", false) }
        return due < now ? ("overdue " + duration(now - due), true) : (duration(due - now) + " left", false)
    }
}
