import MIME

/// Time zones as people name them in mail: abbreviations ("CET", "MSK", "PST"), offsets written out ("UTC+3",
/// "GMT-05:00"), and the names of places and national times ("heure de Paris", "ora italiana", "hora
/// peninsular", "по московскому времени", "horário de Brasília", "北京时间"). A named zone that observes
/// daylight saving time takes its offset for the date in question (EU and US rules), so "Paris time" is +01:00
/// in November and +02:00 in July.
public enum ZoneNames {
    /// When a region switches to summer time.
    enum Rule {
        /// Fixed offset all year.
        case fixed
        /// EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
        case europe
        /// US and Canada: second Sunday of March 02:00 local to first Sunday of November 02:00 local.
        case northAmerica
        /// South-eastern Australia: first Sunday of October to first Sunday of April.
        case australia
    }

    struct Zone {
        var standard: Int
        var rule: Rule
    }

    /// Abbreviations, lower case, with their fixed offsets (a writer who says "CEST" means +02:00).
    static let abbreviations: [String: Int] = [
        "z": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0, "west": 3600, "bst": 3600, "cet": 3600, "cest": 7200,
        "met": 3600, "mest": 7200, "mez": 3600, "mesz": 7200, "eet": 7200, "eest": 10800, "msk": 10800, "мск": 10800,
        "msd": 14400, "trt": 10800, "tsi": 10800, "tsi\u{307}": 10800, "est": -18000, "edt": -14400,
        "cst": -21600, "cdt": -18000, "mst": -25200, "mdt": -21600, "pst": -28800, "pdt": -25200, "akst": -32400,
        "hst": -36000, "ist": 19800, "jst": 32400, "kst": 32400, "hkt": 28800, "sgt": 28800, "myt": 28800,
        "pht": 28800, "awst": 28800, "wib": 25200, "ict": 25200, "aest": 36000, "aedt": 39600, "acst": 34200,
        "nzst": 43200, "nzdt": 46800, "brt": -10800, "art": -10800, "clt": -14400, "cot": -18000, "pet": -18000,
        "sast": 7200, "cat": 7200, "eat": 10800, "wat": 3600, "gst": 14400, "pkt": 18000, "npt": 20700,
        "bdt": 21600, "ast": 10800, "irst": 12600, "yekt": 18000, "omst": 21600, "krat": 25200, "vlat": 36000,
        // Canadian French: heure normale / avancée de l'Est, du Centre, des Rocheuses, du Pacifique, de l'Atlantique.
        "hne": -18000, "hae": -14400, "hnc": -21600, "hac": -18000, "hnr": -25200, "har": -21600, "hnp": -28800,
        "hap": -25200, "hna": -14400, "haa": -10800, "hnt": -12600, "hat": -9000,
        "akdt": -28800, "nst": -12600, "ndt": -9000, "wita": 28800, "wit": 32400, "acdt": 37800,
    ]

    /// North American zones named by their region alone after a time ("9:52 AM Mountain"), standard offsets.
    static let regions: [String: Int] = [
        "eastern": -18000, "central": -21600, "mountain": -25200, "pacific": -28800, "atlantic": -14400,
        "alaska": -32400,
    ]

    /// Places and national times: phrases, lower case, and their zone.
    static let places: [(phrase: String, zone: Zone)] = [
        ("heure de paris", Zone(standard: 3600, rule: .europe)),
        ("heure française", Zone(standard: 3600, rule: .europe)),
        ("heure de france", Zone(standard: 3600, rule: .europe)),
        ("heure de bruxelles", Zone(standard: 3600, rule: .europe)),
        ("paris time", Zone(standard: 3600, rule: .europe)),
        ("central european time", Zone(standard: 3600, rule: .europe)),
        ("ora italiana", Zone(standard: 3600, rule: .europe)), ("ora di roma", Zone(standard: 3600, rule: .europe)),
        ("hora peninsular", Zone(standard: 3600, rule: .europe)),
        ("hora de madrid", Zone(standard: 3600, rule: .europe)),
        ("hora española", Zone(standard: 3600, rule: .europe)), ("hora de españa", Zone(standard: 3600, rule: .europe)),
        ("hora canaria", Zone(standard: 0, rule: .europe)), ("hora de canarias", Zone(standard: 0, rule: .europe)),
        ("hora de portugal", Zone(standard: 0, rule: .europe)), ("hora de lisboa", Zone(standard: 0, rule: .europe)),
        ("deutscher zeit", Zone(standard: 3600, rule: .europe)), ("deutsche zeit", Zone(standard: 3600, rule: .europe)),
        ("berliner zeit", Zone(standard: 3600, rule: .europe)),
        ("mitteleuropäischer zeit", Zone(standard: 3600, rule: .europe)),
        ("czasu polskiego", Zone(standard: 3600, rule: .europe)), ("czas polski", Zone(standard: 3600, rule: .europe)),
        ("nederlandse tijd", Zone(standard: 3600, rule: .europe)),
        ("amsterdamse tijd", Zone(standard: 3600, rule: .europe)),
        ("belgische tijd", Zone(standard: 3600, rule: .europe)), ("uk time", Zone(standard: 0, rule: .europe)),
        ("london time", Zone(standard: 0, rule: .europe)), ("irish time", Zone(standard: 0, rule: .europe)),
        ("dublin time", Zone(standard: 0, rule: .europe)), ("lisbon time", Zone(standard: 0, rule: .europe)),
        ("madrid time", Zone(standard: 3600, rule: .europe)), ("rome time", Zone(standard: 3600, rule: .europe)),
        ("berlin time", Zone(standard: 3600, rule: .europe)), ("amsterdam time", Zone(standard: 3600, rule: .europe)),
        ("warsaw time", Zone(standard: 3600, rule: .europe)), ("vienna time", Zone(standard: 3600, rule: .europe)),
        ("athens time", Zone(standard: 7200, rule: .europe)), ("helsinki time", Zone(standard: 7200, rule: .europe)),
        ("bucharest time", Zone(standard: 7200, rule: .europe)), ("kyiv time", Zone(standard: 7200, rule: .europe)),
        ("kiev time", Zone(standard: 7200, rule: .europe)), ("cairo time", Zone(standard: 7200, rule: .fixed)),
        ("istanbul time", Zone(standard: 10800, rule: .fixed)), ("turkey time", Zone(standard: 10800, rule: .fixed)),
        ("türkiye saati", Zone(standard: 10800, rule: .fixed)),
        ("türkiye saatiyle", Zone(standard: 10800, rule: .fixed)),
        ("moscow time", Zone(standard: 10800, rule: .fixed)),
        ("по московскому времени", Zone(standard: 10800, rule: .fixed)),
        ("московского времени", Zone(standard: 10800, rule: .fixed)),
        ("по москве", Zone(standard: 10800, rule: .fixed)),
        ("по московскому", Zone(standard: 10800, rule: .fixed)),
        ("время московское", Zone(standard: 10800, rule: .fixed)),
        ("horário de brasília", Zone(standard: -10800, rule: .fixed)),
        ("hora de brasília", Zone(standard: -10800, rule: .fixed)),
        ("horário de brasilia", Zone(standard: -10800, rule: .fixed)),
        ("brasília time", Zone(standard: -10800, rule: .fixed)),
        ("hora de méxico", Zone(standard: -21600, rule: .fixed)),
        ("hora del centro", Zone(standard: -21600, rule: .fixed)),
        ("hora de argentina", Zone(standard: -10800, rule: .fixed)),
        ("hora de chile", Zone(standard: -10800, rule: .fixed)),
        ("hora de colombia", Zone(standard: -18000, rule: .fixed)),
        ("hora de lima", Zone(standard: -18000, rule: .fixed)),
        ("eastern time", Zone(standard: -18000, rule: .northAmerica)),
        ("central time", Zone(standard: -21600, rule: .northAmerica)),
        ("mountain time", Zone(standard: -25200, rule: .northAmerica)),
        ("pacific time", Zone(standard: -28800, rule: .northAmerica)),
        ("new york time", Zone(standard: -18000, rule: .northAmerica)),
        ("toronto time", Zone(standard: -18000, rule: .northAmerica)),
        ("heure de montréal", Zone(standard: -18000, rule: .northAmerica)),
        ("heure de l'est", Zone(standard: -18000, rule: .northAmerica)),
        ("heure normale de l'est", Zone(standard: -18000, rule: .northAmerica)),
        ("heure du centre", Zone(standard: -21600, rule: .northAmerica)),
        ("heure de l'atlantique", Zone(standard: -14400, rule: .northAmerica)),
        ("heure du pacifique", Zone(standard: -28800, rule: .northAmerica)),
        ("eastern standard time", Zone(standard: -18000, rule: .northAmerica)),
        ("central standard time", Zone(standard: -21600, rule: .northAmerica)),
        ("mountain standard time", Zone(standard: -25200, rule: .northAmerica)),
        ("pacific standard time", Zone(standard: -28800, rule: .northAmerica)),
        ("atlantic time", Zone(standard: -14400, rule: .northAmerica)),
        ("за київським часом", Zone(standard: 7200, rule: .europe)),
        ("київського часу", Zone(standard: 7200, rule: .europe)), ("за києвом", Zone(standard: 7200, rule: .europe)),
        ("по києву", Zone(standard: 7200, rule: .europe)), ("по киеву", Zone(standard: 7200, rule: .europe)),
        ("по киевскому времени", Zone(standard: 7200, rule: .europe)),
        ("киевского времени", Zone(standard: 7200, rule: .europe)),
        ("за київським", Zone(standard: 7200, rule: .europe)),
        ("stockholmstid", Zone(standard: 3600, rule: .europe)), ("svensk tid", Zone(standard: 3600, rule: .europe)),
        ("dansk tid", Zone(standard: 3600, rule: .europe)), ("norsk tid", Zone(standard: 3600, rule: .europe)),
        ("finsk tid", Zone(standard: 7200, rule: .europe)), ("suomen aikaa", Zone(standard: 7200, rule: .europe)),
        ("českého času", Zone(standard: 3600, rule: .europe)),
        ("středoevropského času", Zone(standard: 3600, rule: .europe)),
        ("hora portuguesa", Zone(standard: 0, rule: .europe)),
        ("ora româniei", Zone(standard: 7200, rule: .europe)), ("ora romaniei", Zone(standard: 7200, rule: .europe)),
        ("เวลาประเทศไทย", Zone(standard: 25200, rule: .fixed)), ("เวลาไทย", Zone(standard: 25200, rule: .fixed)),
        ("horário de lisboa", Zone(standard: 0, rule: .europe)),
        ("hora del pacífico", Zone(standard: -28800, rule: .northAmerica)),
        ("hora del este", Zone(standard: -18000, rule: .northAmerica)),
        ("بتوقيت مكة", Zone(standard: 10800, rule: .fixed)), ("بتوقيت السعودية", Zone(standard: 10800, rule: .fixed)),
        ("بتوقيت الرياض", Zone(standard: 10800, rule: .fixed)), ("بتوقيت القاهرة", Zone(standard: 7200, rule: .fixed)),
        ("بتوقيت الإمارات", Zone(standard: 14400, rule: .fixed)), ("بتوقيت دبي", Zone(standard: 14400, rule: .fixed)),
        ("بتوقيت غرينتش", Zone(standard: 0, rule: .fixed)),
        ("서울 시간", Zone(standard: 32400, rule: .fixed)), ("한국시간", Zone(standard: 32400, rule: .fixed)),
        ("korean time", Zone(standard: 32400, rule: .fixed)), ("seoul time", Zone(standard: 32400, rule: .fixed)),
        ("prague time", Zone(standard: 3600, rule: .europe)),
        ("stockholm time", Zone(standard: 3600, rule: .europe)), ("riyadh time", Zone(standard: 10800, rule: .fixed)),
        ("lagos time", Zone(standard: 3600, rule: .fixed)),
        ("nairobi time", Zone(standard: 10800, rule: .fixed)), ("sao paulo time", Zone(standard: -10800, rule: .fixed)),
        ("são paulo time", Zone(standard: -10800, rule: .fixed)),
        ("melbourne time", Zone(standard: 36000, rule: .australia)),
        ("canberra time", Zone(standard: 36000, rule: .australia)),
        ("heure du québec", Zone(standard: -18000, rule: .northAmerica)),
        ("india time", Zone(standard: 19800, rule: .fixed)),
        ("indian standard time", Zone(standard: 19800, rule: .fixed)),
        ("singapore time", Zone(standard: 28800, rule: .fixed)),
        ("beijing time", Zone(standard: 28800, rule: .fixed)), ("北京时间", Zone(standard: 28800, rule: .fixed)),
        ("北京時間", Zone(standard: 28800, rule: .fixed)), ("台北時間", Zone(standard: 28800, rule: .fixed)),
        ("台灣時間", Zone(standard: 28800, rule: .fixed)), ("香港時間", Zone(standard: 28800, rule: .fixed)),
        ("日本時間", Zone(standard: 32400, rule: .fixed)), ("日本時刻", Zone(standard: 32400, rule: .fixed)),
        ("japan time", Zone(standard: 32400, rule: .fixed)), ("tokyo time", Zone(standard: 32400, rule: .fixed)),
        ("한국 시간", Zone(standard: 32400, rule: .fixed)), ("korea time", Zone(standard: 32400, rule: .fixed)),
        ("sydney time", Zone(standard: 36000, rule: .australia)),
        ("gulf time", Zone(standard: 14400, rule: .fixed)), ("dubai time", Zone(standard: 14400, rule: .fixed)),
        ("bangkok time", Zone(standard: 25200, rule: .fixed)), ("jakarta time", Zone(standard: 25200, rule: .fixed)),
        ("malaysia time", Zone(standard: 28800, rule: .fixed)), ("manila time", Zone(standard: 28800, rule: .fixed)),
        // A country's time by its adjective ("japanische Zeit", "heure japonaise").
        ("japanese time", Zone(standard: 32400, rule: .fixed)),
        ("japanische zeit", Zone(standard: 32400, rule: .fixed)),
        ("japanischer zeit", Zone(standard: 32400, rule: .fixed)),
        ("heure japonaise", Zone(standard: 32400, rule: .fixed)),
        ("heure du japon", Zone(standard: 32400, rule: .fixed)),
        ("hora de japón", Zone(standard: 32400, rule: .fixed)), ("hora japonesa", Zone(standard: 32400, rule: .fixed)),
        ("ora giapponese", Zone(standard: 32400, rule: .fixed)),
        ("японскому времени", Zone(standard: 32400, rule: .fixed)),
        ("chinese time", Zone(standard: 28800, rule: .fixed)), ("china time", Zone(standard: 28800, rule: .fixed)),
        ("chinesische zeit", Zone(standard: 28800, rule: .fixed)),
        ("chinesischer zeit", Zone(standard: 28800, rule: .fixed)),
        ("koreanische zeit", Zone(standard: 32400, rule: .fixed)),
        ("koreanischer zeit", Zone(standard: 32400, rule: .fixed)),
        ("indische zeit", Zone(standard: 19800, rule: .fixed)), ("indischer zeit", Zone(standard: 19800, rule: .fixed)),
        ("türkische zeit", Zone(standard: 10800, rule: .fixed)),
        ("türkischer zeit", Zone(standard: 10800, rule: .fixed)),
        ("britische zeit", Zone(standard: 0, rule: .europe)), ("britischer zeit", Zone(standard: 0, rule: .europe)),
        ("englische zeit", Zone(standard: 0, rule: .europe)), ("englischer zeit", Zone(standard: 0, rule: .europe)),
    ]

    /// The offset for `zone` on the civil date given (the rule's switch instant is approximated to the day).
    static func offset(_ zone: Zone, year: Int, month: Int, day: Int) -> Int {
        switch zone.rule {
        case .fixed:
            return zone.standard
        case .europe:
            let start = lastSunday(year: year, month: 3)
            let end = lastSunday(year: year, month: 10)
            let today = CivilCalendar.daysSince1970(year: year, month: month, day: day)
            return today >= start && today < end ? zone.standard + 3600 : zone.standard
        case .northAmerica:
            let start = nthSunday(2, year: year, month: 3)
            let end = nthSunday(1, year: year, month: 11)
            let today = CivilCalendar.daysSince1970(year: year, month: month, day: day)
            return today >= start && today < end ? zone.standard + 3600 : zone.standard
        case .australia:
            let end = nthSunday(1, year: year, month: 4)
            let start = nthSunday(1, year: year, month: 10)
            let today = CivilCalendar.daysSince1970(year: year, month: month, day: day)
            return today >= start || today < end ? zone.standard + 3600 : zone.standard
        }
    }

    private static func lastSunday(year: Int, month: Int) -> Int64 {
        let next =
            month == 12
            ? CivilCalendar.daysSince1970(year: year + 1, month: 1, day: 1)
            : CivilCalendar.daysSince1970(year: year, month: month + 1, day: 1)
        let last = next - 1
        return last - Int64(CivilCalendar.weekday(daysSince1970: last))
    }

    private static func nthSunday(_ n: Int, year: Int, month: Int) -> Int64 {
        let first = CivilCalendar.daysSince1970(year: year, month: month, day: 1)
        let toSunday = Int64((7 - CivilCalendar.weekday(daysSince1970: first)) % 7)
        return first + toSunday + Int64(7 * (n - 1))
    }
}
