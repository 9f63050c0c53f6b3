/// Recognises a browser or operating system named with its version in running text ("Firefox 132",
/// "Android 14"), for reports that do not label them. A name without a version says too little
/// ("Chrome" might be the browser they usually use), and user-agent strings ("Chrome/130") are not
/// the reporter's words.
enum SoftwareNames {
    /// Names as written in reports, longest first so "Microsoft Edge" wins over "Edge".
    static let browsers = [
        "Mozilla Firefox", "Microsoft Edge", "Google Chrome", "Yandex Browser", "YaBrowser", "Chromium", "Chrome",
        "Firefox", "Safari", "Opera", "Edge", "Brave", "Vivaldi",
    ]
    static let systems = [
        "Mac OS X", "ChromeOS", "Windows", "iPadOS", "Android", "Ubuntu", "Debian", "Fedora", "macOS", "iOS",
    ]

    static func browser(in text: String) -> String? { find(browsers, in: text) }

    static func operatingSystem(in text: String) -> String? { find(systems, in: text) }

    /// The earliest listed name followed by a space and a version number, as written.
    static func find(_ names: [String], in text: String) -> String? {
        var best: (position: String.Index, value: String)? = nil
        for name in names {
            var searchFrom = text.startIndex
            while let range = text[searchFrom...].firstRange(of: name) {
                searchFrom = range.upperBound
                let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
                guard !before.isLetter, !before.isNumber, before != "/", range.upperBound < text.endIndex,
                    text[range.upperBound] == " "
                else { continue }
                let rest = text[text.index(after: range.upperBound)...]
                let version = rest.prefix { $0.isNumber || $0 == "." }.trimmingTrailingDots
                guard let first = version.first, first.isNumber else { continue }
                if best == nil || range.lowerBound < best!.position { best = (range.lowerBound, name + " " + version) }
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
