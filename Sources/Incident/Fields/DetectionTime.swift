public import MIME

/// Reads times people write: ISO 8601, `2024-11-11 10:32 +03:00`, `11/11/2024 10:32 AM`, `11.11.2024 10:32`,
/// `11 Nov 2024 10:32`, `Nov 11, 2024 at 10:32 AM`, `9h05`, `15 Uhr`, `9.15 uur`, `2:40pm`, `10:45 a.m.`,
/// `10時28分`, `下午2点15分`, with relative days (`today`, `gestern`, `hier`, `ayer`, `вчера`, `昨日`, weekday names)
/// and zones (`MSK`, `UTC+3`, `(heure de Paris)`, `hora peninsular`, `Moscow time`; see `ZoneNames`). A missing
/// date is the email's day (or the day a relative word names); a missing zone is the email's own zone.
///
/// `parse` reads the first time in a labelled value; `mentions` finds every time in a line of prose, with the
/// words around it, so the extractor can tell a detection time ("since 08:58") from a schedule ("the exam
/// starts at 09:00"). Tokens are scanned once; every look-around is a fixed number of tokens.
public enum DetectionTime {
    /// Parses `value`; `reference` is the email's Date (for relative days and the default zone).
    /// Returns seconds since 1970 (UTC), or nil when no time of day can be read.
    public static func parse(_ value: some StringProtocol, reference: MessageDate?) -> Int64? {
        mentions(in: value, reference: reference).first?.seconds
    }

    /// A time found in text.
    struct Mention {
        /// Seconds since 1970, UTC.
        var seconds: Int64
        /// Token range of the time of day itself.
        var range: Range<Int>
        /// Whether a date (or a relative day) was written, and whether a zone was.
        var hasDate: Bool
        var hasZone: Bool
        /// Whether it is one end of a range ("13:30–15:30", "de 18h à 20h"): a schedule, not a moment.
        var inRange: Bool
        /// Whether the day came from a weekday's name ("on Thursday at 8:00"): past or coming, text cannot say.
        var byWeekday = false
        /// Whether that weekday was said earlier in the text, not beside the time ("on Monday …, and around 3:20").
        var weekdayEarlier = false
    }

    /// Every time of day in `text` (its first 400 characters), resolved against `reference`.
    /// How much of one line is read for times: a whole paragraph as HTML mail flattens it (the times in its
    /// last sentences count too), bounded so a hostile line costs a fixed amount.
    static let scannedCharacters = 2000

    static func mentions(in text: some StringProtocol, reference: MessageDate?) -> [Mention] {
        let written = WordTimes.numeric(String(text.prefix(scannedCharacters)))
        let lowered = written.lowercased()
        let tokens = Token.scan(written)
        // "heure de l’Est": typographic apostrophes are one character, like ASCII ones.
        let places = placeZones(in: lowered.replacing("’", with: "'")) + CityZones.places(in: tokens)
        let unknownPlaces = CityZones.unknownPlaces(in: tokens).map {
            (offset: $0, zone: ZoneNames.Zone(standard: 0, rule: .fixed))
        }
        var found: [Mention] = []
        var index = 0
        while index < tokens.count {
            guard let time = timeOfDay(tokens, at: index) else {
                index += 1
                continue
            }
            defer { index = max(time.range.upperBound, index + 1) }
            var hour = time.hour
            if !time.hasMeridiem, (1...11).contains(hour), afternoon(tokens, around: time.range) { hour += 12 }
            // The date: written near the time, or a relative day, or the email's own day.
            let window = max(0, time.range.lowerBound - 10)..<min(tokens.count, time.range.upperBound + 10)
            var date: (year: Int, month: Int, day: Int)? = findDate(
                tokens, in: window, excluding: time.range, reference: reference)
            let dateWritten = date != nil
            var byWeekday = false
            var weekdayEarlier = false
            let hasDate =
                date != nil || relativeDays(tokens, in: window) != nil
                || window.contains { tokens[$0].isWord(in: todayWords) }
            if date == nil {
                guard let reference else { continue }
                let offset = Int64(reference.utcOffsetSeconds ?? 0)
                var day = floorDivide(reference.secondsSince1970 + offset, 86_400)
                if let relative = relativeDays(tokens, in: window) {
                    day += Int64(relative)
                } else if let weekday = weekday(tokens, in: window) {
                    let today = CivilCalendar.weekday(daysSince1970: day)
                    day -= Int64((today - weekday + 7) % 7)
                    byWeekday = today != weekday
                } else if !window.contains(where: { tokens[$0].isWord(in: todayWords) }),
                    let relative = relativeDays(tokens, in: max(0, window.lowerBound - 60)..<window.lowerBound)
                {
                    // "Ich habe gestern die Klausur … geschrieben. Gegen 14:30 …": the day said earlier holds.
                    day += Int64(relative)
                } else if !window.contains(where: { tokens[$0].isWord(in: todayWords) }),
                    let weekday = weekday(tokens, in: max(0, window.lowerBound - 40)..<window.lowerBound)
                {
                    // "I wrote my midterm on Monday …, and around 3:20 pm …": that Monday, as far as text can say.
                    let today = CivilCalendar.weekday(daysSince1970: day)
                    day -= Int64((today - weekday + 7) % 7)
                    byWeekday = today != weekday
                    weekdayEarlier = true
                }
                date = CivilCalendar.civil(fromDaysSince1970: day)
            }
            guard var date, CivilCalendar.isValid(year: date.year, month: date.month, day: date.day) else { continue }
            // The zone is written after its time ("10:32 CET", "15h (heure de Paris)"), or "UTC" just before it; an
            // abbreviation before belongs to the time before ("3:20pm AEDT (12:20 our time)").
            let zoneStart =
                time.range.lowerBound > 0 && ["utc", "gmt"].contains(tokens[time.range.lowerBound - 1].text)
                ? time.range.lowerBound - 1 : time.range.lowerBound
            let explicit = findZone(tokens, in: zoneStart..<window.upperBound, after: time.range)
            var zone = explicit ?? reference?.utcOffsetSeconds ?? 0
            var hasZone = explicit != nil
            if explicit == nil,
                let place = regionalZone(tokens, after: time.range)
                    ?? nearest(places, to: tokens[time.range.lowerBound].offset)
            {
                zone = ZoneNames.offset(place, year: date.year, month: date.month, day: date.day)
                hasZone = true
            } else if explicit == nil, nearest(unknownPlaces, to: tokens[time.range.lowerBound].offset) != nil {
                // "15:20 hora de Tegucigalpa": a zone we cannot tell; the email's would be a guess.
                continue
            }
            // Under a Date whose zone is unknown ("-0000", a forwarded message sent on a clock ahead of the
            // forwarder's), a time that names no zone cannot be placed.
            if !hasZone, let reference, reference.utcOffsetSeconds == nil { continue }
            // "10:05 AEDT" in an email dated 23:19 UTC: the writer's "today" is their own day, which the zone
            // they name says (already the 23rd in Sydney), not the Date header's.
            if hasZone, !dateWritten,
                let reference, case let headerZone = reference.utcOffsetSeconds ?? 0, headerZone != zone
            {
                let shift =
                    floorDivide(reference.secondsSince1970 + Int64(zone), 86_400)
                    - floorDivide(reference.secondsSince1970 + Int64(headerZone), 86_400)
                if shift != 0 {
                    date = CivilCalendar.civil(
                        fromDaysSince1970: CivilCalendar.daysSince1970(
                            year: date.year, month: date.month, day: date.day) + shift)
                }
            }
            let days = CivilCalendar.daysSince1970(year: date.year, month: date.month, day: date.day)
            var seconds = days * 86_400 + Int64(hour * 3600 + time.minute * 60 + time.second) - Int64(zone)
            // "since 1.25", "at half past two" in an afternoon email: exams do not run at 1–5 a.m., so an hour
            // written without a meridiem or a leading zero is the afternoon one when that has already passed.
            if !time.hasMeridiem, (1...5).contains(hour), tokens[time.range.lowerBound].text.count == 1,
                let reference, seconds + 12 * 3600 <= reference.secondsSince1970 + 60
            {
                seconds += 12 * 3600
            }
            found.append(
                Mention(
                    seconds: seconds, range: time.range, hasDate: hasDate, hasZone: hasZone,
                    inRange: isRange(tokens, after: time.range) || isRangeEnd(tokens, before: time.range.lowerBound),
                    byWeekday: byWeekday, weekdayEarlier: weekdayEarlier))
            if found.count >= 16 { break }
        }
        return found
    }

    // MARK: Tokens

    struct Token: Equatable {
        enum Kind { case number, word, symbol }
        var kind: Kind
        /// Lower case.
        var text: String
        /// As written (zone abbreviations count only in capitals: "EST", not French "est").
        var original: String
        /// Whether white space (or a comma) separates it from the token before.
        var spaced: Bool
        /// Where it starts in the text, in characters.
        var offset = 0

        func isWord(in set: Set<String>) -> Bool { kind == .word && set.contains(text) }
        var number: Int? { kind == .number && text.count <= 4 ? Int(text) : nil }
        func isSymbol(_ symbol: Character) -> Bool { kind == .symbol && text.first == symbol }

        /// Splits into digit runs, letter runs and single symbols; white space separates.
        static func scan(_ text: String) -> [Token] {
            var tokens: [Token] = []
            var current = ""
            var kind: Kind? = nil
            var tokenSpaced = true
            var sawSpace = true
            var position = 0
            var tokenStart = 0
            func flush() {
                if let kind, !current.isEmpty {
                    tokens.append(
                        Token(
                            kind: kind, text: current.lowercased(), original: current, spaced: tokenSpaced,
                            offset: tokenStart))
                }
                current = ""
                kind = nil
            }
            for character in text {
                defer { position += 1 }
                var piece = String(character)
                let next: Kind?
                if character.isASCII, character.isNumber {
                    next = .number
                } else if let scalar = character.unicodeScalars.first, (0xFF10...0xFF19).contains(scalar.value) {
                    next = .number  // full-width digits ("１０：２８")
                    piece = String(scalar.value - 0xFF10)
                } else if let scalar = character.unicodeScalars.first,
                    (0x0660...0x0669).contains(scalar.value) || (0x06F0...0x06F9).contains(scalar.value)
                {
                    next = .number  // Arabic-Indic and Persian digits ("الساعة ٢:٣٠ مساءً")
                    piece = String(scalar.value & 0xF)
                } else if character.isLetter || (character == "'" && kind == .word) {
                    next = .word
                } else if character.isWhitespace || character == "," || character == "、" || character == "，" {
                    next = nil
                } else {
                    next = .symbol
                }
                guard let next else {
                    flush()
                    sawSpace = true
                    continue
                }
                if next == .symbol {
                    flush()
                    let symbol = character == "：" ? ":" : piece
                    tokens.append(
                        Token(kind: .symbol, text: symbol, original: symbol, spaced: sawSpace, offset: position))
                    sawSpace = false
                    continue
                }
                if next != kind {
                    flush()
                    tokenStart = position
                    tokenSpaced = sawSpace
                    kind = next
                    sawSpace = false
                }
                current += piece
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
        var hasMeridiem: Bool
    }

    /// Words after an hour that make it one ("15 Uhr", "9.15 uur", "8 heures").
    static let hourWords: Set<String> = [
        "uhr", "uur", "h", "hs", "hrs", "heures", "heure", "horas", "hodin", "godz", "val", "hod", "ч", "часа",
        "часов", "годині", "години", "giờ", "น",
    ]
    /// Hour words that also count a span ("ждали 2 часа", "waited 2 hours"): an hour only after a lead word.
    static let spanHourWords: Set<String> = ["h", "часа", "часов", "години", "giờ"]
    /// Words before a number that make it an hour ("um 9.15", "om 9.15", "alle ore 9.15").
    static let hourLeads: Set<String> = [
        "um", "om", "ore", "alle", "at", "gegen", "ca", "vers", "vanaf", "seit", "sinds", "godz", "since", "around",
        "about", "approximately", "depuis", "verso", "dalle", "desde", "hacia", "às", "rond", "omstreeks", "saat",
        "klockan", "kello", "kl", "klo", "pukul", "jam", "ora", "lúc", "στις", "сағат", "od", "kolem", "około", "ob",
        "oko", "les", "kell", "klokken", "klokka", "u", "v", "в", "о", "o", "las", "sejak",
        "الساعة", "ساعت",
    ]

    /// French words before a spaced "20 h 15".
    static let frenchLeads: Set<String> = ["à", "dès", "depuis", "vers", "environ", "jusqu'à", "heure", "hora", "às"]
    /// What may follow minutes written without their unit after 点/時 ("9点40左右", "10時30頃").
    static let minuteTails = ["左右", "頃", "ごろ", "前後", "前后", "起", "开始", "開始", "以来", "から", "的", "时", "時", "钟", "過ぎ", "过"]

    static func timeOfDay(_ tokens: [Token], at index: Int, rangeEnd: Bool = false) -> TimeOfDay? {
        guard let hour = tokens[index].number, tokens[index].text.count <= 2 else { return nil }
        // Not the tail of a larger number or date ("2024-11-11", "12.10."), unless it ends a range ("15:00-17:00").
        if index > 0, tokens[index - 1].kind == .number, !tokens[index].spaced { return nil }
        if !rangeEnd, index > 1, !tokens[index].spaced, tokens[index - 1].kind == .symbol,
            "./-".contains(tokens[index - 1].text),
            tokens[index - 2].kind == .number, !tokens[index - 1].spaced
        {
            return nil
        }
        var minute = 0
        var second = 0
        var end = index + 1
        var isTime = false
        func next(_ offset: Int) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }
        if let colon = next(1), colon.isSymbol(":"), !colon.spaced, let m = next(2), let value = m.number,
            m.text.count == 2, !m.spaced
        {
            // 10:32, 10:32:15
            minute = value
            end = index + 3
            if let c2 = next(3), c2.isSymbol(":"), !c2.spaced, let s = next(4), let value = s.number, s.text.count == 2
            {
                second = value
                end = index + 5
            }
            isTime = true
        } else if let h = next(1), h.kind == .word, !h.spaced,
            h.text == "h" || h.text == "hs" || h.text == "g" || (h.text == "u" && next(2)?.number != nil)
        {
            // 9h05, 14h02, Vietnamese 9g30, Flemish 8u30; a bare "9h" only after a word like "à", "vers" (else it may be a
            // duration: "2h").
            end = index + 2
            if let m = next(2), let value = m.number, m.text.count == 2, !m.spaced {
                minute = value
                end = index + 3
                isTime = true
            } else if index > 0,
                tokens[index - 1].isWord(in: [
                    "à", "vers", "dès", "depuis", "às", "a", "las", "desde", "jusqu'à", "entre", "de", "aux", "oko",
                    "om", "rond", "vanaf", "sinds",
                ])
            {
                isTime = true
            }
        } else if let h = next(1), h.kind == .word, h.spaced, h.text == "h", let m = next(2), let value = m.number,
            m.text.count == 2, m.spaced,
            index == 0 || tokens[index - 1].isWord(in: hourLeads) || tokens[index - 1].isWord(in: frenchLeads)
        {
            // "vers 20 h 15", "Heure : 10 h 45 (HNE)": French spacing, after a lead word or as a value alone
            // (else "2 h 30" may be a duration).
            minute = value
            end = index + 3
            isTime = true
        } else if let dot = next(1), dot.isSymbol("."), !dot.spaced, let m = next(2), let value = m.number,
            m.text.count == 2, !m.spaced
        {
            // 9.15 — an hour only with "Uhr"/"uur" after it or "um"/"om" before it; else it is a date.
            let after = next(3)
            // "Kl. 13.30", "godz. 9.15": the abbreviation's dot stands between.
            let lead =
                index > 1 && tokens[index - 1].isSymbol(".")
                    && ["kl", "klo", "godz", "ca"].contains(tokens[index - 2].text)
                ? tokens[index - 2] : index > 0 ? tokens[index - 1] : nil
            // "30.11." is a date; "kl. 08.50." ends a sentence — minutes past 12 are no month.
            let followedByDot = after?.isSymbol(".") == true && !(after?.spaced ?? true) && value <= 12
            // "2.25pm SGT": a meridiem makes it a time whatever stands before it.
            let meridiemAfter = index + 3 < tokens.count && meridiem(tokens, at: index + 3) != nil
            // Thai glues its lead to the words before it ("ตั้งแต่เวลา 14.20").
            let thaiLead =
                lead.map { lead in lead.kind == .word && ["เวลา", "ประมาณ", "ตอน"].contains { lead.text.hasSuffix($0) }
                }
                ?? false
            if (after.map { $0.isWord(in: hourWords) } ?? false) || (lead.map { $0.isWord(in: hourLeads) } ?? false)
                || thaiLead
                || meridiemAfter,
                !followedByDot
            {
                minute = value
                end = index + 3
                if after?.isWord(in: hourWords) == true { end += 1 }
                isTime = true
            }
        } else if let word = next(1), word.kind == .word,
            word.isWord(in: hourWords) || ["uhr", "uur"].contains(word.text)
        {
            // 15 Uhr, 8 heures
            // "oko 15 h", "vers 15 h": a spaced "h" only after a word that leads an hour (else "2 h" may be a span).
            guard !spanHourWords.contains(word.text) || (index > 0 && tokens[index - 1].isWord(in: hourLeads)) else {
                return nil
            }
            end = index + 2
            isTime = true
            // "seit 8 Uhr 15": spoken German minutes after "Uhr" — not "um 8 Uhr 15 Studierende" (a count before
            // its noun, capitalised in German).
            if ["uhr", "giờ"].contains(word.text), let m = next(2), let value = m.number, m.text.count == 2, m.spaced,
                next(3).map({ $0.kind != .word || $0.original.first?.isUppercase != true }) ?? true
            {
                minute = value
                end = index + 3
            }
        } else if let word = next(1), word.kind == .word,
            let kanji = ["時", "点", "點", "시"].first(where: { word.text.hasPrefix($0) })
        {
            // 10時28分, 2点15分, 2시 15분
            end = index + 2
            if word.text == kanji, let m = next(2), let value = m.number, let unit = next(3), unit.kind == .word,
                unit.text.hasPrefix("分") || unit.text.hasPrefix("분")
            {
                minute = value
                end = index + 4
            } else if word.text == kanji, let m = next(2), let value = m.number, m.text.count == 2, !m.spaced,
                next(3).map({ $0.kind != .word || minuteTails.contains(where: $0.text.hasPrefix) }) ?? true
            {
                // "9点40左右", "10時30頃": the minutes without their unit.
                minute = value
                end = index + 3
            } else if word.text.hasPrefix(kanji + "半") {
                minute = 30
            } else if let half = next(2), half.kind == .word, half.text.hasPrefix("반") || half.text.hasPrefix("半") {
                minute = 30
                end = index + 3
            }
            isTime = true
        }
        // "alle 16", "verso le 16", "a las 16": Italian and Spanish say a bare hour with the article of hours, when
        // no noun follows it ("alle 16 studentesse" counts people).
        if !isTime, index >= 1, hour <= 23, tokens[index].text.count <= 2, tokens[index].spaced {
            let article = tokens[index - 1].text
            let lead = index >= 2 ? tokens[index - 2].text : ""
            let hourArticle =
                ["alle", "dalle"].contains(article)
                || (article == "le" && ["verso", "intorno", "dopo", "prima", "a"].contains(lead))
                || (article == "las" && ["a", "desde", "hasta", "sobre", "hacia", "eso"].contains(lead))
            let after = next(1)
            // (Punctuation, which the scan drops, may stand between: "verso le 16, durante …".)
            let punctuated = index + 1 < tokens.count && punctuationFollows(tokens, at: index)
            let noNoun =
                after.map {
                    punctuated || $0.kind == .symbol
                        || ["circa", "e", "di", "del", "de", "la", "el", "ore", "y"].contains($0.text)
                } ?? true
            // "kl. 15", "klo 9", "klockan 14": the Nordic word for o'clock makes a bare number an hour.
            let nordic =
                ["kl", "klo", "kello", "klockan", "klokka", "klokken"].contains(article)
                || (article == "." && ["kl", "klo"].contains(lead))
            if hourArticle && noNoun || nordic { isTime = true }
            // "verso le 8 e 45", "a las 4 y 20": the minutes after "and".
            if hourArticle, let and = next(1), ["e", "y"].contains(and.text), let m = next(2), let value = m.number,
                m.text.count == 2, value < 60
            {
                minute = value
                end = index + 3
            }
        }
        var hasMeridiem = false
        var hour24 = hour
        if end < tokens.count, let meridiem = meridiem(tokens, at: end) {
            guard (1...12).contains(hour) else { return nil }
            hour24 = hour % 12 + (meridiem.isPM ? 12 : 0)
            end = meridiem.end
            hasMeridiem = true
            isTime = true
        }
        // Chinese, Japanese and Korean write the half of the day before the hour (下午2点, 午後3時, 오후 2시).
        if index > 0, tokens[index - 1].kind == .word, !hasMeridiem {
            let before = tokens[index - 1].text
            if ["下午", "午後", "晚上", "傍晚", "오후", "夜", "밤", "저녁"].contains(where: { before.hasSuffix($0) }), hour < 12 {
                hour24 = hour + 12
                hasMeridiem = true
            } else if ["上午", "午前", "早上", "오전", "朝"].contains(where: { before.hasSuffix($0) }) {
                hasMeridiem = true
            }
        }
        guard isTime, hour24 < 24, minute < 60, second < 61 else { return nil }
        return TimeOfDay(
            hour: hour24, minute: minute, second: min(second, 59), range: index..<end, hasMeridiem: hasMeridiem)
    }

    /// "am", "pm", "a.m.", "p.m." starting at `index`.
    static func meridiem(_ tokens: [Token], at index: Int) -> (isPM: Bool, end: Int)? {
        guard tokens[index].kind == .word else { return nil }
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

    /// Words for the afternoon and evening near an hour without "pm": "this afternoon around 3" is 15:00.
    static let afternoonWords: Set<String> = [
        "afternoon", "evening", "tonight", "nachmittag", "nachmittags", "abend", "abends", "après", "soir", "soirée",
        "tarde", "noche", "pomeriggio", "sera", "stasera", "вечером", "вечера", "днём", "днем", "дня", "wieczorem",
        "popołudniu", "middags", "avond", "'s", "öğleden", "akşam", "akşamı", "noite",
    ]

    static func afternoon(_ tokens: [Token], around range: Range<Int>) -> Bool {
        let window = max(0, range.lowerBound - 4)..<min(tokens.count, range.upperBound + 3)
        for index in window where !range.contains(index) {
            let token = tokens[index]
            guard token.kind == .word else { continue }
            if token.text == "'s" || token.text == "s" {
                // Dutch "'s middags", "'s avonds".
                if index + 1 < tokens.count, ["middags", "avonds"].contains(tokens[index + 1].text) { return true }
                continue
            }
            if afternoonWords.contains(token.text), token.text != "'s" { return true }
            if let first = token.text.first, !first.isASCII,
                ["저녁", "오후", "晚上", "今晚", "下午", "午後", "夜", "傍晚", "مساء", "عصر"].contains(where: {
                    token.text.includes($0)
                })
            {
                return true
            }
        }
        return false
    }

    /// Whether a time is followed by the other end of a range ("13:30–15:30", "18h à 20h", "9 to 11").
    static func isRange(_ tokens: [Token], after range: Range<Int>) -> Bool {
        var index = range.upperBound
        guard index < tokens.count else { return false }
        let joiners: Set<String> = [
            "-", "–", "—", "~", "〜", "to", "till", "until", "bis", "à", "a", "al", "até", "до", "do", "tot", "al",
            "alle",
        ]
        guard joiners.contains(tokens[index].text) else { return false }
        index += 1
        // "dalle ore 9:00 alle ore 11:00", "von 9 bis um 11 Uhr": a word for "o'clock" may lead the second end.
        if index < tokens.count, rangeLeads.contains(tokens[index].text) { index += 1 }
        return index < tokens.count && timeOfDay(tokens, at: index, rangeEnd: true) != nil
    }

    /// Words that may stand between a range's joiner and its second time.
    static let rangeLeads: Set<String> = ["ore", "um", "las", "les", "o", "в", "godz", "kl", "saat", "às"]

    /// Whether a time is the second end of a range ("… 13:30–15:30", "entre 18h et 20h").
    static func isRangeEnd(_ tokens: [Token], before start: Int) -> Bool {
        guard start >= 2 else { return false }
        let joiners: Set<String> = [
            "-", "–", "—", "~", "〜", "to", "till", "until", "bis", "à", "a", "al", "até", "до", "do", "tot", "et",
            "and", "und", "y", "e", "и", "i", "alle",
        ]
        var start = start
        // ("dalle ore 9:00 alle ore 11:00"; not "começou às 9h00 e às 9h40": "and at" is a second moment.)
        let conjunctions: Set<String> = ["et", "and", "und", "y", "e", "и", "i"]
        if start >= 3, rangeLeads.contains(tokens[start - 1].text), joiners.contains(tokens[start - 2].text),
            !conjunctions.contains(tokens[start - 2].text)
        {
            start -= 1
        }
        guard joiners.contains(tokens[start - 1].text) else { return false }
        var index = start - 2
        while index >= 0, start - index <= 5 {
            if timeOfDay(tokens, at: index).map({ $0.range.upperBound == start - 1 }) == true { return true }
            index -= 1
        }
        return false
    }

    // MARK: Days

    static let todayWords: Set<String> = [
        "today", "heute", "aujourd'hui", "aujourd", "hoy", "oggi", "stamattina", "stamani", "сегодня", "dzisiaj",
        "dziś",
        "vandaag", "vanochtend", "vanmiddag", "bugün", "hoje", "今日", "今天", "本日", "오늘", "dnes", "dnešní",
        "сьогодні", "σήμερα", "idag", "tänään", "اليوم", "astăzi", "azi", "бүгін", "היום", "วันนี้",
    ]
    static let yesterdayWords: Set<String> = [
        "yesterday", "gestern", "hier", "ayer", "ieri", "вчера", "вчерашний", "wczoraj", "gisteren", "dün", "ontem",
        "昨日", "昨天", "어제", "gisteravond", "gistermiddag", "gisterochtend", "ieri sera", "anoche", "anteontem",
        "včera", "вчора", "учора", "χθες", "tegnap", "igår", "eilen", "أمس", "امس", "kemarin", "кеше", "אתמול",
        "เมื่อวาน", "jučer", "јуче", "juče", "vakar", "eile",
    ]
    static let dayBeforeWords: Set<String> = [
        "vorgestern", "avant", "anteayer", "позавчера", "przedwczoraj", "eergisteren", "一昨日", "前天", "그저께",
    ]

    static func relativeDays(_ tokens: [Token], in window: Range<Int>) -> Int? {
        for index in window where tokens[index].kind == .word {
            let word = tokens[index].text
            if let first = word.first, !first.isASCII, word.count >= 2 {
                // Scripts without spaces glue the word to the next ("昨日の15時", "昨天下午").
                if dayBeforeWords.contains(where: { !$0.first!.isASCII && word.includes($0) }) { return -2 }
                if yesterdayWords.contains(where: { !$0.first!.isASCII && $0.count >= 2 && word.includes($0) }) {
                    return -1
                }
            }
            if dayBeforeWords.contains(word) {
                // "avant-hier"
                if word == "avant" {
                    if index + 2 < tokens.count, tokens[index + 2].text == "hier" { return -2 }
                    continue
                }
                return -2
            }
            if yesterdayWords.contains(word) { return -1 }
            // Norwegian and Danish "i går" (yesterday), "i forgårs" (the day before).
            if index > 0, tokens[index - 1].text == "i" {
                if ["går", "gar"].contains(word) { return -1 }
                if ["forgårs", "forgår"].contains(word) { return -2 }
            }
            // Vietnamese "hôm qua" (yesterday), "tối qua" (last night).
            if word == "qua", index > 0,
                ["hôm", "tối", "đêm", "sáng", "chiều", "trưa"].contains(tokens[index - 1].text)
            {
                return -1
            }
            if word == "last", index + 1 < tokens.count, ["night", "evening"].contains(tokens[index + 1].text) {
                return -1
            }
        }
        return nil
    }

    static let weekdays: [(prefix: String, day: Int)] = [
        ("sunday", 0), ("monday", 1), ("tuesday", 2), ("wednesday", 3), ("thursday", 4), ("friday", 5), ("saturday", 6),
        ("sonntag", 0), ("montag", 1), ("dienstag", 2), ("mittwoch", 3), ("donnerstag", 4), ("freitag", 5),
        ("samstag", 6), ("dimanche", 0), ("lundi", 1), ("mardi", 2), ("mercredi", 3), ("jeudi", 4), ("vendredi", 5),
        ("samedi", 6), ("domingo", 0), ("lunes", 1), ("martes", 2), ("miércoles", 3), ("jueves", 4), ("viernes", 5),
        ("sábado", 6), ("domenica", 0), ("lunedì", 1), ("martedì", 2), ("mercoledì", 3), ("giovedì", 4),
        ("venerdì", 5), ("sabato", 6), ("воскресенье", 0), ("понедельник", 1), ("вторник", 2), ("среду", 3),
        ("среда", 3), ("четверг", 4), ("пятницу", 5), ("пятница", 5), ("субботу", 6), ("суббота", 6),
        ("niedziela", 0), ("niedzielę", 0), ("poniedziałek", 1), ("wtorek", 2), ("środa", 3), ("środę", 3),
        ("czwartek", 4), ("piątek", 5), ("sobota", 6), ("sobotę", 6), ("zondag", 0), ("maandag", 1), ("dinsdag", 2),
        ("woensdag", 3), ("donderdag", 4), ("vrijdag", 5), ("zaterdag", 6), ("pazar", 0), ("pazartesi", 1),
        ("salı", 2), ("çarşamba", 3), ("perşembe", 4), ("cuma", 5), ("cumartesi", 6), ("segunda", 1), ("terça", 2),
        ("quarta", 3), ("quinta", 4), ("sexta", 5), ("söndag", 0), ("måndag", 1), ("tisdag", 2), ("onsdag", 3),
        ("torsdag", 4), ("fredag", 5), ("lördag", 6), ("neděle", 0), ("neděli", 0), ("pondělí", 1), ("úterý", 2),
        ("středa", 3), ("středu", 3), ("čtvrtek", 4), ("pátek", 5), ("sobotu", 6), ("неділю", 0), ("неділя", 0),
        ("понеділок", 1), ("вівторок", 2), ("середу", 3), ("середа", 3), ("четвер", 4), ("п'ятницю", 5),
        ("суботу", 6),
    ]
    /// Weekdays of scripts that glue particles to them ("월요일에", "月曜日の", "星期一下午").
    static let gluedWeekdays: [(name: String, day: Int)] = [
        ("일요일", 0), ("월요일", 1), ("화요일", 2), ("수요일", 3), ("목요일", 4), ("금요일", 5), ("토요일", 6),
        ("日曜日", 0), ("月曜日", 1), ("火曜日", 2), ("水曜日", 3), ("木曜日", 4), ("金曜日", 5), ("土曜日", 6),
        ("星期日", 0), ("星期天", 0), ("星期一", 1), ("星期二", 2), ("星期三", 3), ("星期四", 4), ("星期五", 5),
        ("星期六", 6), ("周一", 1), ("周二", 2), ("周三", 3), ("周四", 4), ("周五", 5), ("周六", 6), ("周日", 0),
        ("週一", 1), ("週二", 2), ("週三", 3), ("週四", 4), ("週五", 5), ("週六", 6), ("週日", 0),
    ]

    static func weekday(_ tokens: [Token], in window: Range<Int>) -> Int? {
        for index in window where tokens[index].kind == .word {
            let text = tokens[index].text
            if text.count >= 5, let match = weekdays.first(where: { text == $0.prefix }) { return match.day }
            if let first = text.first, !first.isASCII, text.count >= 2,
                let match = gluedWeekdays.first(where: { text.contains($0.name) })
            {
                return match.day
            }
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
        ("dic", 12), ("janv", 1), ("févr", 2), ("fév", 2), ("avr", 4), ("juin", 6), ("juil", 7), ("août", 8),
        ("déc", 12), ("gen", 1), ("mag", 5), ("giu", 6), ("lug", 7), ("set", 9), ("ott", 10), ("fev", 2),
        ("out", 10), ("dez", 12), ("stycz", 1), ("lut", 2), ("marc", 3), ("kwie", 4), ("maj", 5), ("czerw", 6),
        ("lip", 7), ("sierp", 8), ("wrze", 9), ("paźdz", 10), ("pazdz", 10), ("listop", 11), ("grud", 12),
        ("maart", 3), ("mei", 5), ("okt", 10), ("ocak", 1), ("şubat", 2), ("mart", 3), ("nisan", 4), ("mayıs", 5),
        ("haziran", 6), ("temmuz", 7), ("ağustos", 8), ("eylül", 9), ("ekim", 10), ("kasım", 11), ("aralık", 12),
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

    /// The date nearest the time within `window`: numeric (Y-M-D, D.M.Y, D/M/Y or M/D/Y, D.M. and D/M without a
    /// year), with a month name, or CJK (2026年11月26日). A day and month without a year take the year that
    /// puts the date at or before the email; D/M against M/D is decided by which reads as a date before it.
    static func findDate(
        _ tokens: [Token], in window: Range<Int>, excluding time: Range<Int>, reference: MessageDate?
    ) -> (year: Int, month: Int, day: Int)? {
        let referenceDay = reference.map {
            floorDivide($0.secondsSince1970 + Int64($0.utcOffsetSeconds ?? 0), 86_400)
        }
        let referenceYear = referenceDay.map { CivilCalendar.civil(fromDaysSince1970: $0).year }
        /// The reading of a day and month closest before the email (a year without it: the email's, or the one before).
        func plausible(_ candidates: [(Int?, Int, Int)]) -> (Int, Int, Int)? {
            var best: ((Int, Int, Int), Int64)? = nil
            for (writtenYear, month, day) in candidates {
                for year in writtenYear.map({ [$0] }) ?? [referenceYear ?? 0, (referenceYear ?? 1) - 1] {
                    guard year > 1900, CivilCalendar.isValid(year: year, month: month, day: day) else { continue }
                    let days = CivilCalendar.daysSince1970(year: year, month: month, day: day)
                    let distance = referenceDay.map { $0 - days } ?? 0
                    // A future date is unlikely, but a written year is taken as written.
                    let score = distance < 0 ? (writtenYear != nil ? 10_000 - distance : Int64.max) : distance
                    if score == Int64.max { continue }
                    if best == nil || score < best!.1 { best = ((year, month, day), score) }
                }
            }
            return best?.0
        }
        var index = window.lowerBound
        while index < window.upperBound {
            defer { index += 1 }
            if time.contains(index) { continue }
            let token = tokens[index]
            // CJK: 2026年11月26日, 11月26日
            if token.kind == .number, index + 1 < tokens.count, tokens[index + 1].kind == .word {
                let unit = tokens[index + 1].text
                if unit.hasPrefix("年"), index + 4 < tokens.count, let month = tokens[index + 2].number,
                    tokens[index + 3].text.hasPrefix("月"), let day = tokens[index + 4].number, let year = year(token)
                {
                    return plausible([(year, month, day)])
                }
                if unit.hasPrefix("月"), index + 2 < tokens.count, let month = token.number,
                    let day = tokens[index + 2].number,
                    index + 3 >= tokens.count || tokens[index + 3].text.hasPrefix("日")
                {
                    return plausible([(nil, month, day)])
                }
            }
            // Numeric dates.
            if token.kind == .number, index + 2 < tokens.count, tokens[index + 1].kind == .symbol,
                !tokens[index + 1].spaced, let second = tokens[index + 2].number, !tokens[index + 2].spaced,
                !time.contains(index + 2)
            {
                let separator = tokens[index + 1].text
                guard ["-", "/", "."].contains(separator) else { continue }
                let hasThird =
                    index + 4 < tokens.count && tokens[index + 3].text == separator && !tokens[index + 3].spaced
                    && tokens[index + 4].kind == .number && !time.contains(index + 4)
                // A written date that is no date ("31.02.2024") makes the time unusable: (0, 0, 0) is invalid.
                if token.text.count == 4, hasThird, let first = token.number, let third = tokens[index + 4].number {
                    return plausible([(first, second, third)]) ?? (0, 0, 0)
                }
                guard let first = token.number, token.text.count <= 2 else { continue }
                if hasThird, let last = year(tokens[index + 4]) {
                    switch separator {
                    case ".", "-": return plausible([(last, second, first)]) ?? (0, 0, 0)
                    default: return plausible([(last, second, first), (last, first, second)]) ?? (0, 0, 0)
                    }
                }
                if !hasThird, tokens[index + 2].text.count <= 2 {
                    // "20.11", "26/11" without a year; not "10.32 Uhr" (a time, excluded above).
                    if index + 3 < tokens.count, tokens[index + 3].isWord(in: hourWords) { continue }
                    switch separator {
                    case ".": return plausible([(nil, second, first)])
                    case "/": return plausible([(nil, second, first), (nil, first, second)])
                    default: continue
                    }
                }
            }
            // Named months: "11 Nov 2024", "Nov 11, 2024", "30. November", "30 de noviembre de 2026".
            if let month = month(token) {
                var day: Int? = nil
                var year: Int? = nil
                var j = index - 1
                while j >= 0, tokens[j].isSymbol("-") || tokens[j].isSymbol(".") || tokens[j].text == "de" { j -= 1 }
                // "27th November", "the 1st of December": the ordinal's suffix is glued to its day.
                if j > 0, tokens[j].text == "of", tokens[j - 1].kind == .word { j -= 1 }
                if j > 0, Self.ordinalSuffixes.contains(tokens[j].text), !tokens[j].spaced,
                    tokens[j - 1].kind == .number
                {
                    j -= 1
                }
                if j >= 0, !time.contains(j), let value = tokens[j].number, tokens[j].text.count <= 2 { day = value }
                var k = index + 1
                while k < tokens.count, tokens[k].isSymbol("-") || tokens[k].isSymbol(".") || tokens[k].text == "de" {
                    k += 1
                }
                // ("mar, 1 dic 2026": Spanish "mar" is Tuesday when a comma — dropped by the scan — follows it.)
                let punctuated = k < tokens.count && k == index + 1 && punctuationFollows(tokens, at: index)
                if day == nil, k < tokens.count, !time.contains(k), let value = tokens[k].number,
                    tokens[k].text.count <= 2, !punctuated
                {
                    day = value
                    k += 1
                    if k < tokens.count, Self.ordinalSuffixes.contains(tokens[k].text), !tokens[k].spaced { k += 1 }
                    while k < tokens.count, tokens[k].isSymbol("-") || tokens[k].isSymbol(".") || tokens[k].text == "de"
                    {
                        k += 1
                    }
                }
                if k < tokens.count, !time.contains(k), tokens[k].text.count == 4, let value = tokens[k].number {
                    year = value
                }
                if let day, let found = plausible([(year, month, day)]) { return found }
            }
        }
        return nil
    }

    /// Whether punctuation the scan dropped (a comma) stands between the token at `index` and the next one: more
    /// than a space separates them.
    static func punctuationFollows(_ tokens: [Token], at index: Int) -> Bool {
        tokens[index + 1].offset > tokens[index].offset + tokens[index].text.count + 1
    }

    /// What an ordinal day carries after its digits: "27th", "1st", "2nd", French "1er".
    static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th", "er"]

    // MARK: Zone

    /// An explicit zone in the window: "+03:00", "+0300", "UTC+3", "GMT-05:00", "Z", or an abbreviation.
    static func findZone(_ tokens: [Token], in window: Range<Int>, after time: Range<Int>) -> Int? {
        for index in window {
            let token = tokens[index]
            // Up to the next time: its zone is its own.
            if index >= time.upperBound, token.kind == .number, index + 2 < tokens.count,
                tokens[index + 1].isSymbol(":"),
                tokens[index + 2].kind == .number
            {
                break
            }
            if token.kind == .word, let base = ZoneNames.abbreviations[token.text] {
                if token.text == "utc" || token.text == "gmt", let offset = signedOffset(tokens, at: index + 1) {
                    return offset
                }
                // Abbreviations count in capitals only ("EST", not French "est"), "z" only glued to a time.
                let capitals = token.original == token.original.uppercased() && token.original != token.text
                if token.text == "z" {
                    if index > 0, tokens[index - 1].kind == .number, !token.spaced, capitals { return 0 }
                    continue
                }
                guard capitals || token.text == "utc" || token.text == "gmt" else { continue }
                // "the GST 201 exam": a course code, not Gulf time.
                if index + 1 < tokens.count, tokens[index + 1].kind == .number, token.text != "utc",
                    token.text != "gmt"
                {
                    continue
                }
                return base
            }
            if token.isSymbol("+") || token.isSymbol("-") || token.text == "−", index > 0,
                let offset = signedOffset(tokens, at: index)
            {
                // Only right after the time (or its seconds): "10:32 +03:00", "10:32-05:00".
                guard
                    index == time.upperBound || (index == time.upperBound + 1 && tokens[time.upperBound].kind == .word)
                else { continue }
                return offset
            }
        }
        return nil
    }

    /// North American zones named by region right after a time ("9:52 AM Mountain", "3:20 pm Eastern"):
    /// capitalised, so "eastern" in "the eastern campus" is not a zone.
    static func regionalZone(_ tokens: [Token], after time: Range<Int>) -> ZoneNames.Zone? {
        guard time.upperBound < tokens.count else { return nil }
        let token = tokens[time.upperBound]
        guard token.kind == .word, token.original.first?.isUppercase == true,
            let standard = ZoneNames.regions[token.text]
        else { return nil }
        return ZoneNames.Zone(standard: standard, rule: .northAmerica)
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

    /// Places and national times named in the text ("heure de Paris", "по московскому времени"), with where
    /// they stand (in characters).
    static func placeZones(in lowered: String) -> [(offset: Int, zone: ZoneNames.Zone)] {
        var found: [(Int, ZoneNames.Zone)] = []
        // The byte search rules most places out cheaply; the Character search then gives the offset.
        for (phrase, zone) in ZoneNames.places where lowered.includes(phrase) {
            guard let range = lowered.firstRange(of: phrase) else { continue }
            found.append((lowered.distance(from: lowered.startIndex, to: range.lowerBound), zone))
        }
        return found
    }

    /// The place named nearest after a time (within 60 characters), else nearest before it (within 40): in
    /// "1:35 hora de Lima (o sea 7:35 hora peninsular)" each time has its own.
    static func nearest(_ places: [(offset: Int, zone: ZoneNames.Zone)], to offset: Int) -> ZoneNames.Zone? {
        let after = places.filter { $0.offset >= offset && $0.offset - offset <= 60 }.min { $0.offset < $1.offset }
        if let after { return after.zone }
        return places.filter { $0.offset < offset && offset - $0.offset <= 40 }.max { $0.offset < $1.offset }?.zone
    }
}

@inline(__always)
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
