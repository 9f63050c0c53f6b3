/// Times of day written in words ("half past two", "kwart over negen", "halb drei", "viertel vor zehn") as
/// digits ("2:30", "9:15", "2:30", "9:45"), so `DetectionTime` reads them like any other time. English, German
/// and Dutch, the languages that write times this way in support mail; one pass over at most a few hundred
/// characters.
enum WordTimes {
    private static let english = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    ]
    private static let german = [
        "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf", "zwölf",
    ]
    /// Hungarian hours, as written with the "-kor" (at) ending or alone.
    private static let hungarian = [
        "egy", "kettő", "három", "négy", "öt", "hat", "hét", "nyolc", "kilenc", "tíz", "tizenegy", "tizenkettő",
    ]
    /// Slavic hours as they follow "half"/"quarter" words, each list for hours 1–12: Czech after "na"
    /// (accusative) and after "půl" (genitive ordinal), Slovak after "pol", Ukrainian after "пів на", Russian
    /// after "пол"/"половине", Serbian and Croatian after "pola"/"пола".
    private static let slavicHours: [[String]] = [
        ["jednu", "dvě", "tři", "čtyři", "pět", "šest", "sedm", "osm", "devět", "deset", "jedenáct", "dvanáct"],
        [
            "jedné", "druhé", "třetí", "čtvrté", "páté", "šesté", "sedmé", "osmé", "deváté", "desáté", "jedenácté",
            "dvanácté",
        ],
        [
            "prvej", "druhej", "tretej", "štvrtej", "piatej", "šiestej", "siedmej", "ôsmej", "deviatej", "desiatej",
            "jedenástej", "dvanástej",
        ],
        [
            "першу", "другу", "третю", "четверту", "п'яту", "шосту", "сьому", "восьму", "дев'яту", "десяту",
            "одинадцяту", "дванадцяту",
        ],
        [
            "первого", "второго", "третьего", "четвёртого", "пятого", "шестого", "седьмого", "восьмого", "девятого",
            "десятого", "одиннадцатого", "двенадцатого",
        ],
        ["jedan", "dva", "tri", "četiri", "pet", "šest", "sedam", "osam", "devet", "deset", "jedanaest", "dvanaest"],
        ["један", "два", "три", "четири", "пет", "шест", "седам", "осам", "девет", "десет", "једанаест", "дванаест"],
    ]

    /// The hour (1–12) a Slavic word names, or nil.
    private static func slavicHour(_ word: Substring?) -> Int? {
        guard let word else { return nil }
        let bare = word.lowercased().trimmingCharacters(",.;:!?()").replacing("’", with: "'")
        if bare == "четвертого" { return 4 }
        for hours in slavicHours { if let index = hours.firstIndex(of: bare) { return index + 1 } }
        return nil
    }

    private static let dutch = [
        "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
    ]

    /// Hours in words of Italian, Spanish, Portuguese and French, read only after a time preposition and
    /// before a fraction or a part of the day ("alle tre e un quarto del pomeriggio", "a las dos y media").
    private static let romanceHours: [String: Int] = {
        var hours: [String: Int] = [:]
        for words in [
            ["una", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici", "dodici"],
            ["una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce"],
            ["uma", "duas", "três", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez", "onze", "doze"],
            ["une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze"],
        ] {
            for (index, word) in words.enumerated() where hours[word] == nil { hours[word] = index + 1 }
        }
        return hours
    }()
    private static let timePrepositions: Set<String> = [
        "alle", "verso", "le", "las", "la", "à", "às", "as", "vers", "hacia", "sobre", "dalle", "desde", "depuis",
        "das", "ore",
    ]

    /// Words for "about" before a bare hour ("gegen 9", "around 10 this morning").
    private static let approximately: Set<String> = [
        "gegen", "around", "about", "approximately", "approx", "circa", "ca.", "vers", "hacia", "verso", "около",
        "omstreeks", "rond", "sobre", "cerca",
    ]
    /// Parts of the day right after a bare hour ("10 this morning") or just before "about" ("heute morgen gegen 9").
    private static let morningWords: Set<String> = [
        "morning", "morgen", "morgens", "vormittag", "vormittags", "nachmittag", "nachmittags", "abend", "abends",
        "früh", "matin", "soir", "après-midi", "mañana", "tarde", "noche", "mattina", "stamattina", "pomeriggio",
        "sera", "утром", "вечером", "днём", "днем", "ochtend", "middag", "avond", "rano", "wieczorem", "manhã", "noite",
        "uhr", "o'clock", "heures", "uur", "часов", "часа",
    ]

    /// "gegen 9" after "heute morgen", "around 10 this morning": a bare hour said to be about then → "9:00".
    private static func approximateHour(_ hour: Int, at index: Int, in words: [Substring]) -> (String, Int)? {
        guard index > 0, (1...23).contains(hour) else { return nil }
        let about = words[index - 1].lowercased()
        guard approximately.contains(about) else { return nil }
        func bare(_ position: Int) -> String {
            position >= 0 && position < words.count
                ? words[position].lowercased().trimmingCharacters(",.;:!?()") : ""
        }
        // Right after the hour: "9 Uhr", "10 this morning", "9 in the morning" — not "10 students this morning".
        let right =
            morningWords.contains(bare(index + 1))
            || (["this", "in", "heute", "du", "di", "de"].contains(bare(index + 1))
                && (2...3).contains { morningWords.contains(bare(index + $0)) })
        // Just before "about" ("heute morgen gegen 9"): German "gegen" before a number is a time.
        let left = about == "gegen" && (2...4).contains { morningWords.contains(bare(index - $0)) }
        guard right || left else { return nil }
        return ("\(hour):00", 1)
    }

    /// The hour (1–12) a word names in `words`, or nil.
    private static func hour(_ word: Substring, in words: [String]) -> Int? {
        let bare = word.lowercased().trimmingCharacters(",.;:!?()")
        return words.firstIndex(of: bare).map { $0 + 1 } ?? (bare == "ein" && words == german ? 1 : nil)
    }

    private static func clock(_ hour: Int, _ minute: Int) -> String {
        let hour = (hour + 11) % 12 + 1
        return "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// Words that may start or end a time written in words; text without any is returned as it is.
    private static let triggers = [
        "half", "halb", "quarter", "viertel", "kwart", "mezz", "quart", "media", "cuarto", "demi", "meia", "noche",
        "tarde", "mañana", "madrugada", "noite", "manhã", "sera", "pomeriggio", "mattin", "soir", "matin",
        "après-midi", "вечера", "утра", "дня", "ночи", "gegen", "around", "about", "vers", "verso", "hacia", "около",
        "rond", "sobre", "cerca", "circa", "approx", "past", " to ", "nach", " vor ", "over", "voor", "ish", "ora ",
        "ore ", "godzinie ", "fél ",
        "negyed ", "půl ", "pol ", "pola ", "пола ", "пів ", "пол ", "половин", "čtvrt",
    ]
    /// Halves and quarters after an hour in digits: Italian, Spanish, Portuguese, French.
    private static let fractions: [(words: [String], minute: Int, before: Bool)] = [
        (["e", "mezza"], 30, false), (["e", "mezzo"], 30, false), (["e", "un", "quarto"], 15, false),
        (["e", "tre", "quarti"], 45, false), (["meno", "un", "quarto"], 45, true), (["y", "media"], 30, false),
        (["y", "cuarto"], 15, false), (["menos", "cuarto"], 45, true), (["e", "meia"], 30, false),
        (["et", "demie"], 30, false), (["et", "demi"], 30, false), (["et", "quart"], 15, false),
        (["moins", "le", "quart"], 45, true), (["moins", "quart"], 45, true),
    ]
    /// Parts of the day after an hour that say which half it is ("a las 7 de la noche", "alle 9 di sera").
    private static let dayParts: [(words: [String], isPM: Bool)] = [
        (["de", "la", "noche"], true), (["de", "la", "tarde"], true), (["de", "la", "mañana"], false),
        (["de", "la", "madrugada"], false), (["da", "tarde"], true), (["da", "noite"], true), (["da", "manhã"], false),
        (["di", "sera"], true), (["del", "pomeriggio"], true), (["di", "pomeriggio"], true),
        (["di", "mattina"], false),
        (["del", "mattino"], false), (["di", "mattino"], false), (["du", "soir"], true), (["du", "matin"], false),
        (["de", "l'après-midi"], true), (["вечера"], true), (["утра"], false), (["дня"], true), (["ночи"], false),
    ]

    /// A time of the Romance languages (and Russian) after an hour in digits at `index`: "10 e mezza" → 10:30,
    /// "8 menos cuarto" → 7:45, "9 heures et quart" → 9:15, "7 de la noche" → 7:00 pm.
    private static func romance(_ hour: Int, after index: Int, in words: [Substring]) -> (String, Int)? {
        func lower(_ offset: Int) -> String {
            index + offset < words.count
                ? words[index + offset].lowercased().trimmingCharacters(",.;:!?()") : ""
        }
        var skip = 1
        var minute = 0
        var hour = hour
        // "9 h et demie", "9 heures et quart"
        if ["h", "heure", "heures"].contains(lower(1)) { skip = 2 }
        var matched = false
        for fraction in fractions
        where (0..<fraction.words.count).allSatisfy({ lower(skip + $0) == fraction.words[$0] }) {
            minute = fraction.minute
            if fraction.before { hour -= 1 }
            skip += fraction.words.count
            matched = true
            break
        }
        var meridiem = ""
        if hour >= 1, hour <= 12 {
            for part in dayParts where (0..<part.words.count).allSatisfy({ lower(skip + $0) == part.words[$0] }) {
                meridiem = part.isPM ? " pm" : " am"
                skip += part.words.count
                matched = true
                break
            }
        }
        guard matched, hour >= 0 else { return nil }
        let digits = "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        return (digits + meridiem, skip)
    }

    /// `text` with each time in words replaced by its digits; everything else as it was.
    static func numeric(_ text: String) -> String {
        let lower = text.lowercased()
        guard triggers.contains(where: { lower.includes($0) }) else { return text }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        var output: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index].lowercased()
            func next(_ offset: Int) -> Substring? { index + offset < words.count ? words[index + offset] : nil }
            func nextLower(_ offset: Int) -> String { next(offset)?.lowercased() ?? "" }
            var replaced: (String, Int)? = nil
            switch word {
            case "half", "quarter":
                // "half past two", "quarter past/to nine"; Dutch "half drie" is half an hour before three.
                if ["past", "to"].contains(nextLower(1)), let target = next(2), let hour = hour(target, in: english) {
                    let minute = word == "half" ? 30 : (nextLower(1) == "past" ? 15 : 45)
                    replaced = (clock(nextLower(1) == "to" ? hour - 1 : hour, minute), 3)
                } else if word == "half", let target = next(1), let hour = hour(target, in: dutch) {
                    replaced = (clock(hour - 1, 30), 2)
                } else if word == "half", let target = next(1), let hour = hour(target, in: english) {
                    // British "half ten" is 10:30.
                    replaced = (clock(hour, 30), 2)
                }
            case "five", "ten", "twenty", "twenty-five", "fünf", "zehn", "zwanzig", "vijf", "tien":
                // "twenty to ten", "ten past nine", "zehn nach neun", "tien over tien"
                let minutes = [
                    "five": 5, "ten": 10, "twenty": 20, "twenty-five": 25, "fünf": 5, "zehn": 10, "zwanzig": 20,
                    "vijf": 5, "tien": 10,
                ][word]!
                let (numbers, after, before) =
                    ["fünf", "zehn", "zwanzig"].contains(word)
                    ? (german, "nach", "vor")
                    : ["vijf", "tien"].contains(word) ? (dutch, "over", "voor") : (english, "past", "to")
                if [after, before].contains(nextLower(1)), let target = next(2), let hour = hour(target, in: numbers) {
                    let isBefore = nextLower(1) == before
                    replaced = (clock(isBefore ? hour - 1 : hour, isBefore ? 60 - minutes : minutes), 3)
                }
            case "halb":
                if let target = next(1), let hour = hour(target, in: german) { replaced = (clock(hour - 1, 30), 2) }
            case "viertel", "kwart":
                let numbers = word == "viertel" ? german : dutch
                let after = word == "viertel" ? "nach" : "over"
                let before = word == "viertel" ? "vor" : "voor"
                if [after, before].contains(nextLower(1)), let target = next(2), let hour = hour(target, in: numbers) {
                    replaced = (clock(nextLower(1) == before ? hour - 1 : hour, nextLower(1) == before ? 45 : 15), 3)
                } else if word == "viertel", let target = next(1), let hour = hour(target, in: german) {
                    // Austrian and East German "viertel zehn" is 9:15, a quarter of the way to ten.
                    replaced = (clock(hour - 1, 15), 2)
                }
            case "půl", "pol", "pola", "пола", "пол", "половине":
                // "půl desáté", "o pol desiatej", "у пола дванаест", "в половине третьего": half to that hour.
                if let hour = slavicHour(next(1)) { replaced = (clock(hour - 1, 30), 2) }
            case "пів":
                // Ukrainian "пів на третю": half to three.
                if nextLower(1) == "на", let hour = slavicHour(next(2)) { replaced = (clock(hour - 1, 30), 3) }
            case "čtvrt", "čtvrť":
                // Czech "čtvrt na dvě": a quarter of the way to two (1:15).
                if nextLower(1) == "na", let hour = slavicHour(next(2)) { replaced = (clock(hour - 1, 15), 3) }
            case "fél", "negyed", "háromnegyed":
                // Hungarian counts toward the coming hour: "fél tízkor" is 9:30, "negyed kilenc" 8:15. The
                // "-kor" ending says "at", kept as a word after the digits.
                if let target = next(1) {
                    var bare = target.lowercased().trimmingCharacters(",.;:!?()")
                    let at = bare.hasSuffix("kor")
                    if at { bare = String(bare.dropLast(3)).trimmingCharacters("-") }
                    if let index = hungarian.firstIndex(of: bare) ?? (bare == "két" ? 1 : nil) {
                        let minute = word == "fél" ? 30 : word == "negyed" ? 15 : 45
                        replaced = (clock(index, minute) + (at ? " kor" : ""), 2)
                    }
                }
            case "dreiviertel":
                // "dreiviertel zehn" is 9:45.
                if let target = next(1), let hour = hour(target, in: german) { replaced = (clock(hour - 1, 45), 2) }
            case "ora", "ore", "godzinie":
                // "la ora 9" (Romanian), "alle ore 9" (Italian), "o godzinie 9" (Polish): at that hour. Italian
                // "ora" alone is "now" ("ora 2 studenti"), so the preposition must be there.
                let preposition = index > 0 ? words[index - 1].lowercased() : ""
                if ["la", "alle", "dalle", "o", "od"].contains(preposition), let target = next(1),
                    let hour = Int(String(target).trimmingCharacters(",.;:!?()")), target.count <= 3,
                    (0...23).contains(hour),
                    // "alle ore 9 e un quarto", "alle ore 9 di sera": the hour's own words read it below.
                    romance(hour, after: index + 1, in: words) == nil
                {
                    replaced = (String(words[index]) + " \(hour):00", 2)
                }
            default:
                // "at 9ish", "since 10ish": about that hour.
                if word.hasSuffix("ish"), let hour = Int(word.dropLast(3)), (1...23).contains(hour), index > 0,
                    ["at", "around", "about", "since", "from"].contains(words[index - 1].lowercased())
                {
                    replaced = ("\(hour):00", 1)
                } else if let hour = Int(word), word.count <= 2, hour <= 24 {
                    replaced = romance(hour, after: index, in: words) ?? approximateHour(hour, at: index, in: words)
                } else if index > 0, let hour = romanceHours[word],
                    timePrepositions.contains(words[index - 1].lowercased())
                {
                    replaced = romance(hour, after: index, in: words)
                }
            }
            if let (digits, count) = replaced {
                // Keep punctuation after the last word ("negen," → "9:15,").
                let last = words[index + count - 1]
                let tail = last.reversed().prefix { ",.;:!?)".contains($0) }
                output.append(digits + String(tail.reversed()))
                index += count
            } else {
                output.append(String(words[index]))
                index += 1
            }
        }
        return output.joined(separator: " ")
    }
}
