/// Recognises a browser or operating system named in running text ("Chrome 130", "Windows 11"),
/// for reports that do not label them.
enum SoftwareNames {
    /// Names as written in reports, longest first so "Microsoft Edge" wins over "Edge".
    static let browsers = [
        "Microsoft Edge", "Google Chrome", "Yandex Browser", "Яндекс Браузер", "Яндекс.Браузер", "Chromium",
        "Chrome", "Firefox", "Safari", "Opera", "Edge", "Brave", "Vivaldi",
    ]
    static let systems = [
        "Windows 11", "Windows 10", "Windows 8.1", "Windows 7", "macOS", "Mac OS X", "OS X", "ChromeOS",
        "Chrome OS", "iPadOS", "iOS", "Android", "Ubuntu", "Debian", "Fedora", "Linux",
    ]

    static func browser(in text: String) -> String? { find(browsers, in: text, versioned: true) }

    static func operatingSystem(in text: String) -> String? { find(systems, in: text, versioned: true) }

    /// The first listed name found as a whole word, with a version number right after it when present.
    static func find(_ names: [String], in text: String, versioned: Bool) -> String? {
        var best: (position: String.Index, value: String)? = nil
        for name in names {
            var searchFrom = text.startIndex
            while let range = text[searchFrom...].firstRange(of: name) {
                searchFrom = range.upperBound
                let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
                let after = range.upperBound < text.endIndex ? text[range.upperBound] : " "
                guard !before.isLetter, !after.isLetter else { continue }
                var value = name
                if versioned {
                    let rest = text[range.upperBound...].drop { $0 == " " || $0 == "/" }
                    let version = rest.prefix { $0.isNumber || $0 == "." }
                    if let first = version.first, first.isNumber, rest.startIndex != range.upperBound || after == "/" || after == " " {
                        value += " " + version.trimmingTrailingDots
                    }
                }
                if best == nil || range.lowerBound < best!.position { best = (range.lowerBound, value) }
                break
            }
        }
        return best?.value
    }
}

extension Substring {
    var trimmingTrailingDots: String {
        var text = self
        while text.last == "." { text = text.dropLast() }
        return String(text)
    }
}
