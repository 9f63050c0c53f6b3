public import MIME

/// Reads the time a reporter says a problem was detected, in the forms people actually write:
/// ISO 8601, `2024-11-11 10:32 +03:00`, `11/11/2024 10:32 AM` (US), `11.11.2024 10:32` (European),
/// `11 Nov 2024 10:32`, `Nov 11, 2024 at 10:32 AM`, `today at 10:32`, `yesterday at 10:32`, or a
/// bare time. A missing date comes from the email; a missing zone is the email's own zone.
public enum DetectionTime {
    /// Parses `value`; `reference` is the email's Date (for relative days and the default zone).
    /// Returns seconds since 1970 (UTC), or nil when no time of day can be read.
    public static func parse(_ value: some StringProtocol, reference: MessageDate?) -> Int64? {
        let tokens = Token.scan(String(value.prefix(200)))
        guard let time = findTime(tokens) else { return nil }
        let zone = findZone(tokens, after: time.range) ?? reference?.utcOffsetSeconds ?? 0
        let date: (year: Int, month: Int, day: Int)
        if let explicit = findDate(tokens, reference: reference, excluding: time.range) {
            date = explicit
        } else if let reference {
            // A bare time, or "today"/"yesterday": the day the email was written, in its zone.
            let referenceOffset = Int64(reference.utcOffsetSeconds ?? 0)
            var day = floorDivide(reference.secondsSince1970 + referenceOffset, 86_400)
            if tokens.contains(where: { $0.isWord(in: yesterdayWords) }) { day -= 1 }
            date = CivilCalendar.civil(fromDaysSince1970: day)
        } else {
            return nil
        }
        guard CivilCalendar.isValid(year: date.year, month: date.month, day: date.day) else { return nil }
        let days = CivilCalendar.daysSince1970(year: date.year, month: date.month, day: date.day)
        return days * 86_400 + Int64(time.hour * 3600 + time.minute * 60 + time.second) - Int64(zone)
    }

    static let yesterdayWords: Set<String> = ["yesterday", "вчера", "gestern", "ayer", "hier"]

    // MARK: Tokens

    struct Token: Equatable {
        enum Kind { case number, word, symbol }
        var kind: Kind
        var text: String

        func isWord(in set: Set<String>) -> Bool { kind == .word && set.contains(text) }
        var number: Int? { kind == .number && text.count <= 4 ? Int(text) : nil }
        func isSymbol(_ symbol: Character) -> Bool { kind == .symbol && text.first == symbol }

        /// Splits into digit runs, letter runs (lower-cased) and single symbols; white space separates.
        static func scan(_ text: String) -> [Token] {
            var tokens: [Token] = []
            var current = ""
            var kind: Kind? = nil
            func flush() {
                if let kind, !current.isEmpty { tokens.append(Token(kind: kind, text: current)) }
                current = ""
                kind = nil
            }
            for character in text.lowercased() {
                let next: Kind?
                if character.isASCII, character.isNumber {
                    next = .number
                } else if character.isLetter {
                    next = .word
                } else if character.isWhitespace || character == "," {
                    next = nil
                } else {
                    next = .symbol
                }
                if next == .symbol {
                    flush()
                    tokens.append(Token(kind: .symbol, text: String(character)))
                    continue
                }
                if next != kind { flush() }
                kind = next
                if next != nil { current.append(character) }
            }
            flush()
            return tokens
        }
    }

    // MARK: Time of day

    struct TimeOfDay {
        var hour: Int
        var minute: Int
        var second: Int
        var range: Range<Int>
    }

    static func findTime(_ tokens: [Token]) -> TimeOfDay? {
        var i = 0
        while i + 2 < tokens.count {
            defer { i += 1 }
            guard let hour = tokens[i].number, tokens[i].text.count <= 2, tokens[i + 1].isSymbol(":"),
                let minute = tokens[i + 2].number, tokens[i + 2].text.count == 2
            else { continue }
            var end = i + 3
            var second = 0
            if end + 1 < tokens.count, tokens[end].isSymbol(":"), let s = tokens[end + 1].number,
                tokens[end + 1].text.count == 2
            {
                second = s
                end += 2
            }
            var hour24 = hour
            if end < tokens.count, tokens[end].kind == .word, let meridiem = Self.meridiem(tokens, at: end) {
                guard (1...12).contains(hour) else { return nil }
                hour24 = hour % 12 + (meridiem.isPM ? 12 : 0)
                end = meridiem.end
            }
            guard hour24 < 24, minute < 60, second < 61 else { return nil }
            return TimeOfDay(hour: hour24, minute: minute, second: min(second, 59), range: i..<end)
        }
        return nil
    }

    /// "am", "pm", "a.m.", "p.m." starting at `index`.
    static func meridiem(_ tokens: [Token], at index: Int) -> (isPM: Bool, end: Int)? {
        let word = tokens[index].text
        if word == "am" || word == "pm" { return (word == "pm", index + 1) }
        if word == "a" || word == "p", index + 2 < tokens.count, tokens[index + 1].isSymbol("."),
            tokens[index + 2].text == "m"
        {
            var end = index + 3
            if end < tokens.count, tokens[end].isSymbol(".") { end += 1 }
            return (word == "p", end)
        }
        return nil
    }

    // MARK: Date

    static let monthNames: [(prefix: String, month: Int)] = [
        ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9),
        ("oct", 10), ("nov", 11), ("dec", 12),
        ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("мая", 5), ("май", 5), ("июн", 6), ("июл", 7),
        ("авг", 8), ("сен", 9), ("окт", 10), ("ноя", 11), ("дек", 12),
        ("jän", 1), ("mär", 3), ("mai", 5), ("okt", 10), ("dez", 12), ("ene", 1), ("abr", 4), ("ago", 8),
        ("dic", 12),
    ]

    static func month(_ token: Token) -> Int? {
        guard token.kind == .word, token.text.count >= 3 else { return nil }
        return monthNames.first { token.text.hasPrefix($0.prefix) }?.month
    }

    static func year(_ token: Token) -> Int? {
        guard let value = token.number else { return nil }
        if token.text.count == 4 { return value }
        if token.text.count == 2 { return 2000 + value }
        return nil
    }

    static func findDate(
        _ tokens: [Token], reference: MessageDate?, excluding time: Range<Int>
    )
        -> (year: Int, month: Int, day: Int)?
    {
        let referenceYear = reference.map {
            CivilCalendar.civil(
                fromDaysSince1970: floorDivide($0.secondsSince1970 + Int64($0.utcOffsetSeconds ?? 0), 86_400)
            ).year
        }
        var i = 0
        while i < tokens.count {
            defer { i += 1 }
            if time.contains(i) { continue }
            let token = tokens[i]
            // Numeric dates: Y-M-D, D.M.Y, M/D/Y.
            if token.kind == .number, i + 4 < tokens.count,
                tokens[i + 1].kind == .symbol, tokens[i + 3].kind == .symbol,
                tokens[i + 1].text == tokens[i + 3].text,
                let second = tokens[i + 2].number, tokens[i + 4].kind == .number
            {
                let separator = tokens[i + 1].text
                if token.text.count == 4, let first = token.number, let third = tokens[i + 4].number,
                    ["-", "/", "."].contains(separator)
                {
                    return (first, second, third)
                }
                guard let first = token.number, token.text.count <= 2, let last = year(tokens[i + 4]) else { continue }
                switch separator {
                case ".", "-": return (last, second, first)
                case "/": return (last, first, second)
                default: continue
                }
            }
            // Named months: "11 Nov 2024", "Nov 11, 2024", "11-Nov-2024", "13 November" (year from the email).
            if let month = month(token) {
                var day: Int? = nil
                var year: Int? = nil
                var j = i - 1
                while j >= 0, tokens[j].isSymbol("-") { j -= 1 }
                if j >= 0, !time.contains(j), let value = tokens[j].number, tokens[j].text.count <= 2 { day = value }
                var k = i + 1
                while k < tokens.count, tokens[k].isSymbol("-") || tokens[k].isSymbol(".") { k += 1 }
                if day == nil, k < tokens.count, !time.contains(k), let value = tokens[k].number,
                    tokens[k].text.count <= 2
                {
                    day = value
                    k += 1
                    while k < tokens.count, tokens[k].isSymbol("-") || tokens[k].isSymbol(".") { k += 1 }
                }
                if k < tokens.count, !time.contains(k), tokens[k].text.count == 4, let value = tokens[k].number {
                    year = value
                }
                if let day, let year = year ?? referenceYear { return (year, month, day) }
            }
        }
        return nil
    }

    // MARK: Zone

    static let namedZones: [String: Int] = [
        "z": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0, "west": 3600, "bst": 3600, "cet": 3600, "cest": 7200,
        "met": 3600, "mest": 7200, "eet": 7200, "eest": 10800, "msk": 10800, "мск": 10800, "msd": 14400,
        "est": -18000, "edt": -14400, "cst": -21600, "cdt": -18000, "mst": -25200, "mdt": -21600,
        "pst": -28800, "pdt": -25200, "ist": 19800, "jst": 32400, "kst": 32400, "hkt": 28800, "sgt": 28800,
        "aest": 36000, "aedt": 39600, "nzst": 43200, "nzdt": 46800,
    ]

    /// An explicit zone: "+03:00", "+0300", "UTC+3", "GMT-05:00", "Z", or a zone name such as MSK.
    static func findZone(_ tokens: [Token], after time: Range<Int>) -> Int? {
        for (index, token) in tokens.enumerated() {
            if token.kind == .word, let base = namedZones[token.text] {
                if token.text == "utc" || token.text == "gmt", let offset = signedOffset(tokens, at: index + 1) {
                    return offset
                }
                if token.text == "z", index > 0, tokens[index - 1].kind != .number { continue }
                return base
            }
            if token.isSymbol("+") || token.isSymbol("-") || token.text == "−",
                index > 0, let offset = signedOffset(tokens, at: index)
            {
                // A sign right after a date's digits ("2024-11-11") is a separator, not an offset.
                let previous = tokens[index - 1]
                if previous.kind == .number, token.isSymbol("-"), index < time.upperBound || index > time.upperBound + 1
                {
                    continue
                }
                return offset
            }
        }
        return nil
    }

    /// "+03:00", "+0300", "+3" at `index`.
    static func signedOffset(_ tokens: [Token], at index: Int) -> Int? {
        guard index + 1 < tokens.count else { return nil }
        let sign: Int
        switch tokens[index].text {
        case "+": sign = 1
        case "-", "−": sign = -1
        default: return nil
        }
        let digits = tokens[index + 1]
        guard digits.kind == .number, let value = Int(digits.text) else { return nil }
        var hours = 0
        var minutes = 0
        switch digits.text.count {
        case 1, 2:
            hours = value
            if index + 3 < tokens.count, tokens[index + 2].isSymbol(":"), let m = tokens[index + 3].number,
                tokens[index + 3].text.count == 2
            {
                minutes = m
            }
        case 4:
            hours = value / 100
            minutes = value % 100
        default:
            return nil
        }
        guard hours <= 14, minutes < 60 else { return nil }
        return sign * (hours * 3600 + minutes * 60)
    }
}

@inline(__always)
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
