/// Times counted back from the moment of writing: "5 minutes ago", "seit 5 Minuten", "il y a 20 minutes",
/// "hace media hora", "10分前", "20분 전". The problem began that long before the email's Date.
///
/// One pass over the words of at most a few hundred characters; only a count of minutes (up to three hours) or
/// hours (up to twelve) is read, since a longer span is no time of day.
enum RelativeTimes {
    /// Seconds per unit word.
    static let units: [String: Int64] = {
        var units: [String: Int64] = [:]
        let minutes = [
            "minute", "minutes", "min", "mins", "minuten", "minuto", "minutos", "minuti", "minut", "minuty", "minutę",
            "минут", "минуты", "минуту", "хвилин", "хвилини", "dakika", "dakikadır", "menit", "phút", "นาที",
            "minuuttia",
            "minuter", "minutter", "perc", "perce", "λεπτά", "דקות", "دقيقة", "دقائق",
        ]
        let hours = [
            "hour", "hours", "hr", "hrs", "stunde", "stunden", "heure", "heures", "hora", "horas", "ora", "ore",
            "godzinę", "godziny", "godzin", "час", "часа", "часов", "годину", "години", "uur", "saat", "saattir",
            "jam", "giờ", "timme", "timmar", "time", "timer", "óra", "óráig", "ώρα", "ώρες", "שעה", "שעות", "ساعة",
            "tuntia",
            "tunti",
            "ساعات",
        ]
        for word in minutes { units[word] = 60 }
        for word in hours { units[word] = 3600 }
        return units
    }()
    /// Words before the count that make it "that long ago" ("vor 5 Minuten", "hace 10 minutos", "since 20 min").
    static let before: Set<String> = [
        "seit", "vor", "depuis", "hace", "há", "faz", "fazem", "من", "da", "od", "sinds", "уже", "вже", "sejak",
        "since",
        "منذ",
    ]
    /// Words after the unit that make it "that long ago" ("5 minutes ago", "20 минут назад").
    static let after: Set<String> = [
        "ago", "fa", "atrás", "назад", "тому", "geleden", "temu", "önce", "önce,", "lalu", "trước", "sedan", "siden",
        "sitten",
        "ezelőtt", "πριν", "לפני",
    ]
    /// Counts written in words.
    static let counts: [String: Int64] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "five": 5, "ten": 10, "fifteen": 15, "twenty": 20,
        "thirty": 30, "forty": 40, "fünf": 5, "zehn": 10, "zwanzig": 20, "dreißig": 30, "einer": 1, "einigen": 0,
        "cinq": 5, "dix": 10, "vingt": 20, "trente": 30, "une": 1, "cinco": 5, "diez": 10, "veinte": 20, "treinta": 30,
        "una": 1, "dieci": 10, "venti": 20, "trenta": 30, "dez": 10, "vinte": 20, "trinta": 30, "uma": 1,
    ]
    /// Glued forms of scripts without spaces: "5分前", "10分钟前", "20분 전", "2時間前".
    static let gluedAgo: [(suffix: String, seconds: Int64)] = [
        ("分前", 60), ("分钟前", 60), ("分鐘前", 60), ("時間前", 3600), ("小时前", 3600), ("小時前", 3600),
        ("분전", 60), ("시간전", 3600),
    ]

    /// How long ago the text says something happened, in seconds, or nil.
    static func secondsAgo(in text: some StringProtocol) -> Int64? {
        // Arabic-Indic and Persian digits count like ASCII ones ("من حوالي ٢٠ دقيقة").
        let lower = String(
            String.UnicodeScalarView(
                text.prefix(400).lowercased().unicodeScalars.map { scalar in
                    switch scalar.value {
                    case 0x660...0x669: Unicode.Scalar(scalar.value - 0x660 + 0x30)!
                    case 0x6F0...0x6F9: Unicode.Scalar(scalar.value - 0x6F0 + 0x30)!
                    default: scalar
                    }
                }))
        let words = lower.split(whereSeparator: { $0.isWhitespace || ",;()".contains($0) }).map {
            String($0).trimmingCharacters(".!?:«»\"'")
        }
        for (index, word) in words.enumerated() {
            // Glued CJK ("10分前から…") and Korean with its space ("20분 전부터").
            let joined = index + 1 < words.count && words[index + 1].hasPrefix("전") ? word + words[index + 1] : word
            if joined.contains(where: { $0.isNumber }) {
                for glued in gluedAgo {
                    guard let range = joined.firstRange(of: glued.suffix) else { continue }
                    let digits = joined[..<range.lowerBound].reversed().prefix { $0.isASCII && $0.isNumber }
                    if let count = Int64(String(digits.reversed())), count > 0 { return bounded(count * glued.seconds) }
                }
            }
            // Russian and Ukrainian put an approximate count after its unit: "минут 20 назад", "хвилин 20 тому".
            if let unit = units[word], index + 2 < words.count, let count = Int64(words[index + 1]),
                count > 0, count < 1000, ["назад", "тому"].contains(words[index + 2])
            {
                return bounded(count * unit)
            }
            guard let unit = units[word], index > 0 else { continue }
            var countIndex = index - 1
            // "half an hour ago", "media hora", "une demi-heure", "eine halbe Stunde"
            var count = Int64(words[countIndex]).flatMap { $0 > 0 && $0 < 1000 ? $0 : nil } ?? counts[words[countIndex]]
            if ["half", "halbe", "media", "mezz'ora", "demi", "puoli"].contains(words[countIndex]) {
                count = nil
                if unit == 3600 {
                    if countIndex > 0, ["an", "a", "eine", "une"].contains(words[countIndex - 1]) { countIndex -= 1 }
                    return marked(words, countIndex: countIndex, unitIndex: index) ? 1800 : nil
                }
            }
            guard let count, count > 0 else { continue }
            if marked(words, countIndex: countIndex, unitIndex: index) { return bounded(count * unit) }
        }
        return nil
    }

    /// Whether a word before the count or after the unit says "ago" ("il y a 5 minutes": "a" after "y").
    private static func marked(_ words: [String], countIndex: Int, unitIndex: Int) -> Bool {
        if countIndex > 0 {
            var previous = words[countIndex - 1]
            // "hace como una hora", "vor etwa 20 Minuten", "about 20 minutes ago"
            if [
                "como", "unos", "unas", "etwa", "ungefähr", "about", "around", "environ", "circa", "cerca", "около",
                "примерно", "ok.", "około", "uns", "umas", "quase", "ongeveer", "yaklaşık", "khoảng",
                "sekitar", "noin", "cirka", "omkring", "kb.", "körülbelül", "حوالي", "حوالى",
            ].contains(previous), countIndex > 1 {
                previous = words[countIndex - 2]
            }
            if before.contains(previous) { return true }
            if previous == "a", countIndex > 1, words[countIndex - 2] == "y" { return true }
        }
        return unitIndex + 1 < words.count && after.contains(words[unitIndex + 1])
    }

    /// A span of at most 12 hours and at least a minute: anything else is no moment of the same day.
    private static func bounded(_ seconds: Int64) -> Int64? {
        (60...12 * 3600).contains(seconds) ? seconds : nil
    }
}
