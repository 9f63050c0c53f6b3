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
        let haystack = ByteText(text)
        let bytes = haystack.bytes
        var best: (position: Int, value: String)? = nil
        for name in names {
            let needle = Array(name.utf8)
            guard haystack.contains(needle) else { continue }
            for start in haystack.occurrences(of: needle) {
                if let best, start >= best.position { break }
                let end = start + needle.count
                if haystack.isWordCharacter(before: start) || (start > 0 && bytes[start - 1] == UInt8(ascii: "/")) {
                    continue
                }
                guard end + 1 < bytes.count, bytes[end] == 0x20, (0x30...0x39).contains(bytes[end + 1]) else {
                    continue
                }
                var versionEnd = end + 1
                while versionEnd < bytes.count, (0x30...0x39).contains(bytes[versionEnd]) || bytes[versionEnd] == 0x2E {
                    versionEnd += 1
                }
                while bytes[versionEnd - 1] == 0x2E { versionEnd -= 1 }
                best = (start, name + " " + String(decoding: bytes[(end + 1)..<versionEnd], as: UTF8.self))
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
