/// A point in time read from a Date header (or similar text), with the zone offset it was written in.
///
/// Two values are equal only when both the instant and the written offset agree; ordering is by instant,
/// with the offset as a tie-breaker so that `<` stays consistent with `==`.
public struct MessageDate: Hashable, Sendable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z (UTC).
    public var secondsSince1970: Int64
    /// Offset written in the value; nil when the zone was missing/unknown (then UTC was assumed).
    public var utcOffsetSeconds: Int?

    public init(secondsSince1970: Int64, utcOffsetSeconds: Int?) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public static func < (lhs: MessageDate, rhs: MessageDate) -> Bool {
        if lhs.secondsSince1970 != rhs.secondsSince1970 { return lhs.secondsSince1970 < rhs.secondsSince1970 }
        // nil sorts first; only reached for the same instant, so this just keeps the order total.
        switch (lhs.utcOffsetSeconds, rhs.utcOffsetSeconds) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let l?, let r?): return l < r
        }
    }

    /// Parses an RFC 5322 date-time and the common broken forms; nil when no date can be read.
    ///
    /// Accepted beyond the RFC grammar: missing day name or seconds, two- and three-digit years (RFC 5322
    /// obs-year), named and military zones, comments anywhere, `-`/`.` between fields, full or any-case month
    /// names, ISO 8601-like `2024-11-11[T ]10:32:15[.fff][Z|±hh[:mm]]`, asctime `Mon Nov 11 10:32:15 2024`,
    /// `AM`/`PM`, and a date without a time (read as midnight). The day name is never checked against the date.
    ///
    /// Zones: a numeric offset wins over a name; `-0000` (RFC 5322: "no zone information") and a missing or
    /// unknown zone give a nil offset with the time read as UTC; military letters count as `+0000`; a zone name
    /// that only appears in a comment (`10:32:15 (MSK)`) is used when nothing else names the zone.
    ///
    /// Only the first 1 KiB is read (a digit run or word cut by that limit is dropped), so any input is parsed in
    /// bounded time. Numeric offsets beyond ±14:00, impossible dates and times, and years outside 1900...9999 give nil.
    public static func parse(_ value: some StringProtocol) -> MessageDate? {
        // One byte past the limit tells whether the value was cut, without counting a huge string.
        var bytes = Array(value.utf8.prefix(maxScannedBytes + 1))
        let truncated = bytes.count > maxScannedBytes
        if truncated { bytes.removeLast() }
        let tokens = DateLexer.tokens(bytes, truncated: truncated)
        return DateInterpreter(tokens: tokens).interpret()
    }

    /// How much of a value `parse` looks at: far more than any real Date header (RFC 5322 lines stop at 998).
    static let maxScannedBytes = 1024

    /// "2024-11-11T10:32:00Z": the instant in UTC, whatever offset it was written in.
    public var iso8601: String {
        let (days, secondOfDay) = floorDivide(secondsSince1970, by: 86_400)
        let date = CivilCalendar.civil(fromDaysSince1970: days)
        let seconds = Int(secondOfDay)
        let year = date.year < 0 ? "-" + pad(-date.year, 4) : pad(date.year, 4)
        return year + "-" + pad(date.month, 2) + "-" + pad(date.day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "Z"
    }

    private func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Floor division that cannot overflow (unlike `(x - (d - 1)) / d` at `Int64.min`).
private func floorDivide(_ value: Int64, by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
    var quotient = value / divisor
    var remainder = value % divisor
    if remainder < 0 {
        quotient -= 1
        remainder += divisor
    }
    return (quotient, remainder)
}

/// Proleptic Gregorian calendar arithmetic on civil dates, shared by the parser and the SLA calendar.
///
/// The algorithms are Howard Hinnant's (http://howardhinnant.github.io/date_algorithms.html): branch-light,
/// exact for negative years, and free of any table or locale.
public enum CivilCalendar {
    /// Days from 1970-01-01 to the given date (negative before it). Expects a date for which `isValid` holds
    /// and a year within a few billion of today, far beyond any calendar use.
    public static func daysSince1970(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(year) - (month <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)  // March = 0, so leap days come last
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date `days` after 1970-01-01. Day counts beyond ±2^52 (about ±10^13 years) are clamped so the
    /// arithmetic cannot overflow.
    public static func civil(fromDaysSince1970 days: Int64) -> (year: Int, month: Int, day: Int) {
        let limit: Int64 = 1 << 52
        let z = min(max(days, -limit), limit) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// 0 = Sunday ... 6 = Saturday.
    public static func weekday(daysSince1970: Int64) -> Int {
        // 1970-01-01 was a Thursday (4); `% 7` keeps the sign of the dividend, hence the + 7.
        Int((daysSince1970 % 7 + 7 + 4) % 7)
    }

    /// Whether the date exists in the proleptic Gregorian calendar (any year, including 0 and negatives).
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month) else { return false }
        return day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

// MARK: - Lexing

private enum DateToken: Equatable {
    /// A run of digits; `value` stops growing after 10 digits (clamped, never overflows), `digits` counts them all.
    case number(value: Int, digits: Int)
    /// ASCII letters, lower-cased; over-long runs become "" so they match nothing.
    case word(String)
    /// Any other printable ASCII character.
    case punct(UInt8)
    /// A comment holding a single word, e.g. "(MSK)": kept as a last-resort zone name.
    case commentWord(String)
}

private enum DateLexer {
    static func tokens(_ bytes: [UInt8], truncated: Bool) -> [DateToken] {
        var tokens: [DateToken] = []
        var i = 0
        let n = bytes.count
        while i < n {
            let byte = bytes[i]
            if isDigit(byte) {
                var value = 0
                var digits = 0
                while i < n, isDigit(bytes[i]) {
                    if digits < 10 { value = value * 10 + Int(bytes[i] - UInt8(ascii: "0")) }
                    digits += 1
                    i += 1
                }
                // A token running into the scan limit may have been cut short: don't let "10:3|2" read as 10:03.
                if !(truncated && i == n) { tokens.append(.number(value: value, digits: digits)) }
            } else if isLetter(byte) {
                let start = i
                while i < n, isLetter(bytes[i]) { i += 1 }
                if !(truncated && i == n) { tokens.append(.word(lowercasedWord(bytes[start..<i]))) }
            } else if byte == UInt8(ascii: "(") {
                i = skipComment(bytes, from: i, into: &tokens)
            } else if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ")") {
                tokens.append(.punct(byte))
                i += 1
            } else {
                // Whitespace, controls, stray ")" and non-ASCII bytes only separate tokens.
                i += 1
            }
        }
        return tokens
    }

    /// Skips a (possibly nested, possibly unterminated) comment with a depth counter, never recursion.
    /// Returns the index after it.
    private static func skipComment(_ bytes: [UInt8], from start: Int, into tokens: inout [DateToken]) -> Int {
        var i = start + 1
        var depth = 1
        var letters: [UInt8] = []
        var onlyOneWord = true
        var wordEnded = false
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\\") {
                onlyOneWord = false
                i += 2
                continue
            }
            i += 1
            if byte == UInt8(ascii: "(") {
                depth += 1
                onlyOneWord = false
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 {
                    if onlyOneWord, !letters.isEmpty { tokens.append(.commentWord(lowercasedWord(letters[...]))) }
                    return i
                }
            } else if isLetter(byte) {
                if wordEnded || letters.count >= 8 { onlyOneWord = false } else { letters.append(byte) }
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                wordEnded = !letters.isEmpty
            } else {
                onlyOneWord = false
            }
        }
        return bytes.count
    }

    private static func lowercasedWord(_ letters: ArraySlice<UInt8>) -> String {
        guard letters.count <= 12 else { return "" }
        return String(decoding: letters.map { $0 | 0x20 }, as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isLetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }
}

// MARK: - Interpretation

private struct DateInterpreter {
    let tokens: [DateToken]

    /// Offsets of zone names in minutes: RFC 5322's own, plus the abbreviations mailers in the wild write.
    /// Ambiguous abbreviations take their most common mail meaning (CST = US Central, IST = India, BST = British).
    static let zoneMinutes: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0,
        "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
        "akst": -540, "akdt": -480, "hst": -600,
        "west": 60, "bst": 60, "cet": 60, "cest": 120, "eet": 120, "eest": 180, "msk": 180, "msd": 240,
        "ist": 330, "sgt": 480, "hkt": 480, "jst": 540, "kst": 540, "aest": 600, "aedt": 660,
        "nzst": 720, "nzdt": 780,
    ]

    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
        "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
        "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
        "dec": 12, "december": 12,
    ]

    func interpret() -> MessageDate? {
        let time: (start: Int, end: Int, hour: Int, minute: Int, second: Int)?
        switch findTime() {
        case .absent: time = nil
        case .invalid: return nil
        case .found(let start, let end, let hour, let minute, let second): time = (start, end, hour, minute, second)
        }
        let dateEnd = time?.start ?? tokens.count

        // Numbers outside the time and the zone are the date's; the zone is only looked for after the time.
        var dateNumbers: [(value: Int, digits: Int)] = []
        for case .number(let value, let digits) in tokens[..<dateEnd] { dateNumbers.append((value, digits)) }

        var numericZone: Int?? = nil  // .some(nil) records "-0000"
        var namedZone: Int? = nil
        var commentZone: Int? = nil
        var meridiem: String? = nil
        if let time {
            var k = time.end
            while k < tokens.count {
                switch tokens[k] {
                case .punct(let sign) where sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"):
                    guard case .number(let value, let digits)? = token(k + 1) else {
                        k += 1
                        continue
                    }
                    var minutesToken: Int? = nil
                    if digits <= 2, token(k + 2) == .punct(UInt8(ascii: ":")),
                        case .number(let minutes, 2)? = token(k + 3)
                    {
                        minutesToken = minutes
                    }
                    if numericZone == nil {
                        guard let offset = Self.offset(value: value, digits: digits, minutes: minutesToken) else {
                            return nil
                        }
                        let negativeZero = offset == 0 && sign == UInt8(ascii: "-")
                        numericZone = .some(negativeZero ? nil : (sign == UInt8(ascii: "-") ? -offset : offset))
                    }
                    k += minutesToken == nil ? 2 : 4
                    continue
                case .number(let value, let digits):
                    dateNumbers.append((value, digits))
                case .word(let word):
                    if word == "am" || word == "pm" {
                        meridiem = meridiem ?? word
                    } else if namedZone == nil {
                        if let minutes = Self.zoneMinutes[word] {
                            namedZone = minutes * 60
                        } else if word.utf8.count == 1, word != "j" {
                            namedZone = 0  // military zones: RFC 5322 says their meaning is unreliable
                        }
                    }
                case .commentWord(let word):
                    if commentZone == nil, let minutes = Self.zoneMinutes[word] { commentZone = minutes * 60 }
                case .punct:
                    break
                }
                k += 1
            }
        }

        guard let date = isoDate(before: dateEnd) ?? namedMonthDate(numbers: dateNumbers) else { return nil }
        guard (1900...9999).contains(date.year),
            CivilCalendar.isValid(year: date.year, month: date.month, day: date.day)
        else { return nil }

        var hour = time?.hour ?? 0
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem == "pm" ? 12 : 0)
        }
        let minute = time?.minute ?? 0
        let second = time?.second ?? 0
        // 60 is a leap second: it reads as the first second of the next minute, as POSIX time does.
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }

        let offset: Int? = if let numericZone { numericZone } else { namedZone ?? commentZone }
        let days = CivilCalendar.daysSince1970(year: date.year, month: date.month, day: date.day)
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return MessageDate(secondsSince1970: local - Int64(offset ?? 0), utcOffsetSeconds: offset)
    }

    private func token(_ index: Int) -> DateToken? { index < tokens.count ? tokens[index] : nil }

    private enum TimeScan {
        case absent
        case invalid
        case found(start: Int, end: Int, hour: Int, minute: Int, second: Int)
    }

    /// `hh:mm[:ss][.fraction]`, starting at the first digit run followed by a colon (one after a sign is a zone's
    /// `+03:00`). If that run does not start a well-formed time, the value is nonsense: reading it as a date
    /// without a time would silently turn `10:3` cut short, or `100:00`, into midnight.
    private func findTime() -> TimeScan {
        let colon = DateToken.punct(UInt8(ascii: ":"))
        var i = 0
        while i + 1 < tokens.count {
            defer { i += 1 }
            guard case .number(let hour, let hourDigits) = tokens[i], tokens[i + 1] == colon else { continue }
            if i > 0, tokens[i - 1] == .punct(UInt8(ascii: "+")) || tokens[i - 1] == .punct(UInt8(ascii: "-")) {
                continue
            }
            guard hourDigits <= 2, case .number(let minute, let minuteDigits)? = token(i + 2), minuteDigits <= 2 else {
                return .invalid
            }
            var end = i + 3
            var second = 0
            if token(end) == colon {
                guard case .number(let value, let digits)? = token(end + 1), digits <= 2 else { return .invalid }
                second = value
                end += 2
                // Fractional seconds (ISO 8601) are dropped.
                if token(end) == .punct(UInt8(ascii: ".")) || token(end) == .punct(UInt8(ascii: ",")),
                    case .number? = token(end + 1)
                {
                    end += 2
                }
            }
            return .found(start: i, end: end, hour: hour, minute: minute, second: second)
        }
        return .absent
    }

    /// `yyyy-mm-dd` (or with `/` or `.`) before the time: year first, so never ambiguous.
    private func isoDate(before end: Int) -> (year: Int, month: Int, day: Int)? {
        var i = 0
        while i + 4 < end {
            if case .number(let year, 4) = tokens[i], case .punct(let separator) = tokens[i + 1],
                separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/") || separator == UInt8(ascii: "."),
                case .number(let month, let monthDigits) = tokens[i + 2], monthDigits <= 2,
                tokens[i + 3] == .punct(separator),
                case .number(let day, let dayDigits) = tokens[i + 4], dayDigits <= 2
            {
                return (year, month, day)
            }
            i += 1
        }
        return nil
    }

    /// A month name anywhere; the first short number is the day and the next number the year, which covers
    /// both RFC 5322 order (`11 Nov 2024`) and asctime (`Nov 11 10:32:15 2024`).
    private func namedMonthDate(numbers: [(value: Int, digits: Int)]) -> (year: Int, month: Int, day: Int)? {
        var month: Int? = nil
        for case .word(let word) in tokens {
            if let found = Self.months[word] {
                month = found
                break
            }
        }
        guard let month, let dayIndex = numbers.firstIndex(where: { $0.digits <= 2 }) else { return nil }
        guard let yearNumber = numbers.indices.first(where: { $0 != dayIndex }).map({ numbers[$0] }) else {
            return nil
        }
        let year: Int
        switch yearNumber.digits {
        case 2: year = yearNumber.value + (yearNumber.value < 50 ? 2000 : 1900)  // RFC 5322 obs-year
        case 3: year = yearNumber.value + 1900
        case 4: year = yearNumber.value
        default: return nil
        }
        return (year, month, numbers[dayIndex].value)
    }

    /// A numeric zone's size in seconds: `hhmm`, `hmm`, `hh` / `h`, or `hh:mm` when `minutes` is given.
    /// nil when it is not a real offset (minutes ≥ 60, more than 14 hours, or too many digits).
    private static func offset(value: Int, digits: Int, minutes: Int?) -> Int? {
        let hours: Int
        let mins: Int
        switch digits {
        case 1, 2:
            hours = value
            mins = minutes ?? 0
        case 3, 4:
            hours = value / 100
            mins = value % 100
        default:
            return nil
        }
        guard mins < 60 else { return nil }
        let seconds = hours * 3600 + mins * 60
        return seconds <= 14 * 3600 ? seconds : nil
    }
}
