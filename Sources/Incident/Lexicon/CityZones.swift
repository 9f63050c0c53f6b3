/// Cities people name a time by ("2:15pm Lagos time", "15:20 hora de Bogotá", "10h00 heure de Casablanca",
/// "10:40 (I'm in Vancouver)"), with their zone. A city counts only in one of those phrasings, so "Lima" in an
/// address or "Paris" in a course name says nothing about a time.
enum CityZones {
    typealias Zone = ZoneNames.Zone

    /// By the city's first word, lower case; the other words must follow.
    static let cities: [String: [(words: [String], zone: Zone)]] = {
        let table: [(String, Int, ZoneNames.Rule)] = [
            ("bogotá", -18000, .fixed), ("bogota", -18000, .fixed), ("lima", -18000, .fixed), ("quito", -18000, .fixed),
            ("medellín", -18000, .fixed), ("medellin", -18000, .fixed), ("cali", -18000, .fixed),
            ("panamá", -18000, .fixed), ("caracas", -14400, .fixed), ("la paz", -14400, .fixed),
            ("buenos aires", -10800, .fixed), ("montevideo", -10800, .fixed), ("são paulo", -10800, .fixed),
            ("sao paulo", -10800, .fixed), ("rio", -10800, .fixed), ("brasília", -10800, .fixed),
            ("santiago", -10800, .fixed), ("asunción", -10800, .fixed), ("cdmx", -21600, .fixed),
            ("ciudad de méxico", -21600, .fixed), ("mexico city", -21600, .fixed), ("monterrey", -21600, .fixed),
            ("guadalajara", -21600, .fixed), ("guatemala", -21600, .fixed), ("san josé", -21600, .fixed),
            ("lagos", 3600, .fixed), ("abuja", 3600, .fixed), ("kinshasa", 3600, .fixed), ("luanda", 3600, .fixed),
            ("accra", 0, .fixed), ("dakar", 0, .fixed), ("abidjan", 0, .fixed), ("bamako", 0, .fixed),
            ("casablanca", 3600, .fixed), ("rabat", 3600, .fixed), ("alger", 3600, .fixed), ("algiers", 3600, .fixed),
            ("tunis", 3600, .fixed), ("cairo", 7200, .fixed), ("le caire", 7200, .fixed),
            ("johannesburg", 7200, .fixed), ("joburg", 7200, .fixed), ("cape town", 7200, .fixed),
            ("pretoria", 7200, .fixed), ("durban", 7200, .fixed), ("harare", 7200, .fixed), ("lusaka", 7200, .fixed),
            ("kigali", 7200, .fixed), ("nairobi", 10800, .fixed), ("addis ababa", 10800, .fixed),
            ("kampala", 10800, .fixed), ("dar es salaam", 10800, .fixed), ("riyadh", 10800, .fixed),
            ("jeddah", 10800, .fixed), ("doha", 10800, .fixed), ("kuwait", 10800, .fixed), ("baghdad", 10800, .fixed),
            ("amman", 10800, .fixed), ("istanbul", 10800, .fixed), ("ankara", 10800, .fixed),
            ("moscow", 10800, .fixed), ("minsk", 10800, .fixed), ("tehran", 12600, .fixed), ("dubai", 14400, .fixed),
            ("abu dhabi", 14400, .fixed), ("muscat", 14400, .fixed), ("baku", 14400, .fixed),
            ("tbilisi", 14400, .fixed), ("yerevan", 14400, .fixed), ("karachi", 18000, .fixed),
            ("lahore", 18000, .fixed), ("islamabad", 18000, .fixed), ("tashkent", 18000, .fixed),
            ("almaty", 18000, .fixed), ("astana", 18000, .fixed), ("delhi", 19800, .fixed),
            ("new delhi", 19800, .fixed), ("mumbai", 19800, .fixed), ("bangalore", 19800, .fixed),
            ("bengaluru", 19800, .fixed), ("chennai", 19800, .fixed), ("kolkata", 19800, .fixed),
            ("hyderabad", 19800, .fixed), ("pune", 19800, .fixed), ("colombo", 19800, .fixed),
            ("kathmandu", 20700, .fixed), ("dhaka", 21600, .fixed), ("bangkok", 25200, .fixed),
            ("jakarta", 25200, .fixed), ("hanoi", 25200, .fixed), ("hà nội", 25200, .fixed),
            ("ho chi minh", 25200, .fixed), ("saigon", 25200, .fixed), ("singapore", 28800, .fixed),
            ("kuala lumpur", 28800, .fixed), ("manila", 28800, .fixed), ("beijing", 28800, .fixed),
            ("shanghai", 28800, .fixed), ("hong kong", 28800, .fixed), ("taipei", 28800, .fixed),
            ("perth", 28800, .fixed), ("tokyo", 32400, .fixed), ("seoul", 32400, .fixed),
            ("brisbane", 36000, .fixed), ("sydney", 36000, .australia), ("melbourne", 36000, .australia),
            ("canberra", 36000, .australia), ("hobart", 36000, .australia), ("adelaide", 34200, .australia),
            ("darwin", 34200, .fixed), ("vancouver", -28800, .northAmerica), ("seattle", -28800, .northAmerica),
            ("los angeles", -28800, .northAmerica), ("san francisco", -28800, .northAmerica),
            ("calgary", -25200, .northAmerica), ("edmonton", -25200, .northAmerica),
            ("denver", -25200, .northAmerica), ("phoenix", -25200, .fixed), ("arizona", -25200, .fixed),
            ("chicago", -21600, .northAmerica), ("dallas", -21600, .northAmerica),
            ("houston", -21600, .northAmerica), ("winnipeg", -21600, .northAmerica),
            ("new york", -18000, .northAmerica), ("toronto", -18000, .northAmerica),
            ("montreal", -18000, .northAmerica), ("montréal", -18000, .northAmerica),
            ("ottawa", -18000, .northAmerica), ("boston", -18000, .northAmerica), ("atlanta", -18000, .northAmerica),
            ("miami", -18000, .northAmerica), ("halifax", -14400, .northAmerica), ("london", 0, .europe),
            ("dublin", 0, .europe), ("lisbon", 0, .europe), ("lisboa", 0, .europe), ("paris", 3600, .europe),
            ("berlin", 3600, .europe), ("madrid", 3600, .europe), ("barcelona", 3600, .europe),
            ("rome", 3600, .europe), ("roma", 3600, .europe), ("milan", 3600, .europe), ("amsterdam", 3600, .europe),
            ("brussels", 3600, .europe), ("bruxelles", 3600, .europe), ("vienna", 3600, .europe),
            ("wien", 3600, .europe), ("zurich", 3600, .europe), ("zürich", 3600, .europe), ("geneva", 3600, .europe),
            ("genève", 3600, .europe), ("prague", 3600, .europe), ("praha", 3600, .europe),
            ("warsaw", 3600, .europe), ("warszawa", 3600, .europe), ("budapest", 3600, .europe),
            ("stockholm", 3600, .europe), ("oslo", 3600, .europe), ("copenhagen", 3600, .europe),
            ("athens", 7200, .europe), ("αθήνα", 7200, .europe), ("ελλάδος", 7200, .europe),
            ("helsinki", 7200, .europe), ("bucharest", 7200, .europe), ("bucurești", 7200, .europe),
            ("sofia", 7200, .europe), ("kyiv", 7200, .europe), ("kiev", 7200, .europe), ("riga", 7200, .europe),
            ("vilnius", 7200, .europe), ("tallinn", 7200, .europe), ("jerusalem", 7200, .fixed),
            ("tel aviv", 7200, .fixed), ("beirut", 7200, .fixed),
            // Russian and Ukrainian say a city's time "по Екатеринбургу", "по новосибирскому (времени)".
            ("москве", 10800, .fixed), ("московскому", 10800, .fixed), ("питеру", 10800, .fixed),
            ("казани", 10800, .fixed), ("калининграду", 7200, .fixed), ("калининградскому", 7200, .fixed),
            ("самаре", 14400, .fixed), ("самарскому", 14400, .fixed), ("екатеринбургу", 18000, .fixed),
            ("екатеринбургскому", 18000, .fixed), ("уфе", 18000, .fixed), ("перми", 18000, .fixed),
            ("челябинску", 18000, .fixed), ("тюмени", 18000, .fixed), ("омску", 21600, .fixed),
            ("омскому", 21600, .fixed), ("новосибирску", 25200, .fixed), ("новосибирскому", 25200, .fixed),
            ("томску", 25200, .fixed), ("барнаулу", 25200, .fixed), ("красноярску", 25200, .fixed),
            ("красноярскому", 25200, .fixed), ("иркутску", 28800, .fixed), ("иркутскому", 28800, .fixed),
            ("якутску", 32400, .fixed), ("владивостоку", 36000, .fixed), ("хабаровску", 36000, .fixed),
            ("киеву", 7200, .europe), ("києву", 7200, .europe), ("минску", 10800, .fixed),
        ]
        var cities: [String: [(words: [String], zone: Zone)]] = [:]
        for (name, standard, rule) in table {
            let words = name.split(separator: " ").map(String.init)
            cities[words[0], default: []].append((words, Zone(standard: standard, rule: rule)))
        }
        return cities
    }()

    /// Words before a city that make it a time's ("hora de", "heure de", "ora di", "horário de", "ώρα", "I'm in").
    static let leads: Set<String> = ["hora", "heure", "horário", "horario", "ora", "ώρα", "in", "time", "по"]
    /// Words after a city that make it a time's ("Lagos time", "İstanbul saati").
    static let tails: Set<String> = ["time", "saati", "saatiyle", "zeit", "tid", "tijd", "czasu", "času"]

    /// The cities named as a time's zone in `tokens`, at their character offsets.
    static func places(in tokens: [DetectionTime.Token]) -> [(offset: Int, zone: Zone)] {
        var found: [(offset: Int, zone: Zone)] = []
        for (index, token) in tokens.enumerated() where token.kind == .word {
            guard let candidates = cities[token.text] else { continue }
            for city in candidates {
                let end = index + city.words.count
                guard end <= tokens.count,
                    (1..<city.words.count).allSatisfy({ tokens[index + $0].text == city.words[$0] })
                else { continue }
                // "hora de Bogotá", "heure de Casablanca", "ora di Roma", "(I'm in Vancouver)"; "Lagos time".
                let before = (1...2).compactMap { index - $0 >= 0 ? tokens[index - $0].text : nil }
                let led = before.contains(where: leads.contains)
                let tailed = end < tokens.count && tails.contains(tokens[end].text)
                if led || tailed { found.append((token.offset, city.zone)) }
                break
            }
            if found.count >= 16 { break }
        }
        return found
    }

    /// Places named as a time's zone that are no city we know ("hora de Tegucigalpa", "heure de Nouakchott"):
    /// a time beside one is in a zone we cannot tell, so it is not taken in the email's.
    static func unknownPlaces(in tokens: [DetectionTime.Token]) -> [Int] {
        var found: [Int] = []
        for index in tokens.indices.dropLast(2) {
            let lead = tokens[index].text
            // "(по Пензе)": a Russian city's time in brackets.
            if lead == "по", tokens[index + 1].kind == .word, tokens[index + 1].original.first?.isUppercase == true,
                tokens[index + 1].text.first.map({ ("а"..."я").contains($0) }) == true,
                tokens[index + 2].isSymbol(")") || tokens[index + 2].text == "времени",
                cities[tokens[index + 1].text] == nil
            {
                found.append(tokens[index + 1].offset)
                continue
            }
            guard ["hora", "heure", "horário", "ora"].contains(lead),
                ["de", "di", "du"].contains(tokens[index + 1].text),
                tokens[index + 2].kind == .word
            else { continue }
            let place = tokens[index + 2]
            guard place.original.first?.isUppercase == true, cities[place.text] == nil else { continue }
            found.append(place.offset)
            if found.count >= 16 { break }
        }
        return found
    }
}
