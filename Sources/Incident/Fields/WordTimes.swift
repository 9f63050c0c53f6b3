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
    private static let dutch = [
        "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf",
    ]

    /// The hour (1–12) a word names in `words`, or nil.
    private static func hour(_ word: Substring, in words: [String]) -> Int? {
        let bare = word.lowercased().trimmingCharacters(",.;:!?()")
        return words.firstIndex(of: bare).map { $0 + 1 } ?? (bare == "ein" && words == german ? 1 : nil)
    }

    private static func clock(_ hour: Int, _ minute: Int) -> String {
        let hour = (hour + 11) % 12 + 1
        return "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    /// `text` with each time in words replaced by its digits; everything else as it was.
    static func numeric(_ text: String) -> String {
        let lower = text.lowercased()
        guard ["half", "halb", "quarter", "viertel", "kwart"].contains(where: { lower.contains($0) }) else {
            return text
        }
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
                }
            case "halb":
                if let target = next(1), let hour = hour(target, in: german) { replaced = (clock(hour - 1, 30), 2) }
            case "viertel", "kwart":
                let numbers = word == "viertel" ? german : dutch
                let after = word == "viertel" ? "nach" : "over"
                let before = word == "viertel" ? "vor" : "voor"
                if [after, before].contains(nextLower(1)), let target = next(2), let hour = hour(target, in: numbers) {
                    replaced = (clock(nextLower(1) == before ? hour - 1 : hour, nextLower(1) == before ? 45 : 15), 3)
                }
            default:
                break
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
