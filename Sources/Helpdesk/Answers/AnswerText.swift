public import Incident
import MIME

/// The words and numbers answers are made of: dates, durations, sizes and how fields are asked for.
public enum AnswerText {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// How a request for missing information names a built-in field, in plain words. Custom fields use
    /// the prompt from their configuration (`[[profile.fields]] prompt`).
    public static let builtInPrompts: [IncidentField: String] = [
        .server: "the address of the proctoring server you use, e.g. https://proctor.example.edu",
        .description: "a short description of the problem: what you were doing, what you expected to happen "
            + "and what happened instead",
        .detectedAt: "when you noticed the problem (date, time and time zone)",
        .sessionID: "the ID of the affected proctoring session (you find it in the list of sessions on the "
            + "proctoring server)",
        .userID: "the ID or login name of the affected user",
        .screenshots: "a screenshot that shows the problem",
        .browser: "the browser you use, with its version (e.g. Chrome 130)",
        .os: "the operating system of the affected computer (e.g. Windows 11, macOS 15)",
    ]

    /// The prompt for `field`: `custom[field]`, else the built-in one, else the field name in words.
    static func prompt(for field: IncidentField, custom: [IncidentField: String]) -> String {
        if let text = custom[field].map({ HeaderText.capped(HeaderText.sanitised($0), 300) }), !text.isEmpty {
            return text
        }
        if let text = builtInPrompts[field] { return text }
        return "the " + field.key.split(separator: "_").joined(separator: " ")
    }

    /// RFC 5322 date-time in UTC: `Tue, 12 Nov 2024 07:47:00 +0000`.
    static func rfc5322Date(_ seconds: Int64) -> String {
        let (day, second) = civil(seconds)
        let date = CivilCalendar.civil(fromDaysSince1970: day)
        return weekdays[CivilCalendar.weekday(daysSince1970: day)] + ", " + String(date.day) + " "
            + months[date.month - 1] + " " + pad(date.year, 4) + " " + pad(second / 3600, 2) + ":"
            + pad(second / 60 % 60, 2) + ":" + pad(second % 60, 2) + " +0000"
    }

    /// A deadline as reporters read it, to the minute (seconds dropped), in UTC: `Tue 12 Nov 2024, 07:47 UTC`.
    static func deadline(_ seconds: Int64) -> String {
        let (day, second) = civil(seconds)
        let date = CivilCalendar.civil(fromDaysSince1970: day)
        return weekdays[CivilCalendar.weekday(daysSince1970: day)] + " " + String(date.day) + " "
            + months[date.month - 1] + " " + pad(date.year, 4) + ", " + pad(second / 3600, 2) + ":"
            + pad(second / 60 % 60, 2) + " UTC"
    }

    /// A period in words: "24 hours", "1 hour", "90 minutes" (hours when it is a whole number of hours),
    /// with `qualifier` before the unit: "8 working hours".
    static func period(_ seconds: Int64, qualifier: String? = nil) -> String {
        let (count, unit): (Int64, String) =
            seconds > 0 && seconds % 3600 == 0 ? (seconds / 3600, "hour") : (max(1, (seconds + 59) / 60), "minute")
        let words = [qualifier, count == 1 ? unit : unit + "s"].compactMap { $0 }.joined(separator: " ")
        return "\(count) " + words
    }

    /// A size as the configuration writes it, in powers of 1024: "25 MB", "1.5 GB", "512 KB", "900 bytes".
    static func size(_ bytes: Int64) -> String {
        let units: [(Int64, String)] = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
        for (unit, name) in units where bytes >= unit {
            let tenths = (bytes * 10 + unit / 2) / unit
            return tenths % 10 == 0 ? "\(tenths / 10) \(name)" : "\(tenths / 10).\(tenths % 10) \(name)"
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }

    private static func civil(_ seconds: Int64) -> (day: Int64, second: Int) {
        var day = seconds / 86_400
        var second = seconds % 86_400
        if second < 0 {
            day -= 1
            second += 86_400
        }
        return (day, Int(second))
    }

    private static func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// The reporter's subject as our answers quote it.
enum ReplySubject {
    /// How long the quoted original subject may be, in characters.
    static let maxLength = 150

    /// Reply and forward markers stripped from the front ("Re:", "AW:", "SV:", "Ответ:", "Fwd:" …),
    /// compared lower-cased; "Re[2]:", "Re(2):" and "RE :" are recognised too.
    static let markers: Set<String> = [
        "re", "aw", "sv", "vs", "antw", "antwort", "wg", "fw", "fwd", "tr", "rv", "enc", "rif", "odp", "ynt",
        "ответ", "отв", "пересл", "回复", "转发", "답장", "전달",
    ]

    /// The subject with markers and every `[PREFIX-nnnnnn]` tag of ours removed, sanitised to one line and
    /// capped; nil when nothing is left.
    static func cleaned(_ subject: String?, prefix: String) -> String? {
        guard let subject else { return nil }
        var text = Substring(HeaderText.sanitised(subject))
        while true {
            text = text.drop { $0 == " " }
            if let rest = droppingTag(text, prefix: prefix) ?? droppingMarker(text) {
                text = rest
                continue
            }
            break
        }
        let result = HeaderText.sanitised(removingTags(String(text), prefix: prefix))
        return result.isEmpty ? nil : HeaderText.capped(result, maxLength)
    }

    /// The text after a leading `[HD-000123]`, or nil.
    private static func droppingTag(_ text: Substring, prefix: String) -> Substring? {
        guard text.first == "[", let close = text.prefix(32).firstIndex(of: "]") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<close]
        guard TicketReference(parsing: inner, prefix: prefix) != nil else { return nil }
        return text[text.index(after: close)...]
    }

    /// The text after a leading reply or forward marker and its colon, or nil.
    private static func droppingMarker(_ text: Substring) -> Substring? {
        let word = text.prefix { $0.isLetter }
        guard (1...8).contains(word.count), markers.contains(word.lowercased()) else { return nil }
        var rest = text[word.endIndex...]
        // A reply counter: "Re[2]:", "Re(3):".
        if let open = rest.first, open == "[" || open == "(" {
            let digits = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            let afterDigits = rest.dropFirst().dropFirst(digits.count)
            guard !digits.isEmpty, digits.count <= 4, afterDigits.first == (open == "[" ? "]" : ")") else { return nil }
            rest = afterDigits.dropFirst()
        }
        if rest.first == " " { rest = rest.dropFirst() }
        guard let colon = rest.first, colon == ":" || colon == "：" else { return nil }
        return rest.dropFirst()
    }

    /// The text with every `[PREFIX-n]` tag removed wherever it stands.
    private static func removingTags(_ text: String, prefix: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            if let after = droppingTag(rest[open...], prefix: prefix) {
                out += " "
                rest = after
            } else {
                out += "["
                rest = rest[rest.index(after: open)...]
            }
        }
        out += rest
        return out
    }
}
