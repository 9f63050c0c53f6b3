/// Masks passwords and one-time codes people write into support mail, before the text reaches any
/// field, log line, ticket or answer. The policy never needs them, and a helpdesk store full of
/// passwords is a breach waiting to happen.
public enum SecretMasker {
    /// What replaces a secret.
    public static let mask = "********"

    /// Words that introduce a secret, lower-cased.
    static let keywords = [
        "password", "passwort", "passwd", "pwd", "pass", "пароль", "kennwort", "contraseña", "mot de passe",
        "one-time code", "one time code", "otp", "verification code", "security code", "pin",
        "код подтверждения", "одноразовый код",
    ]

    private static let keywordBytes = keywords.map { Array($0.utf8) }

    /// The text with every secret value replaced by `mask`.
    public static func masked(_ text: String) -> String {
        let original = Array(text.utf8)
        let lowered = Array(text.lowercased().utf8)
        // Lower-casing keeps byte offsets for almost every script; when it does not, take the slow path.
        guard lowered.count == original.count else { return maskedByCharacters(text) }
        let haystack = ByteText(bytes: lowered)
        var ranges: [Range<Int>] = []
        for keyword in keywordBytes where haystack.contains(keyword) {
            for start in haystack.occurrences(of: keyword) {
                let end = start + keyword.count
                if haystack.isWordCharacter(before: start) || haystack.isWordCharacter(at: end) { continue }
                if let range = valueRange(in: lowered, after: end) { ranges.append(range) }
            }
        }
        guard !ranges.isEmpty else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(original.count)
        var cursor = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where range.lowerBound >= cursor {
            output += original[cursor..<range.lowerBound]
            output += mask.utf8
            cursor = range.upperBound
        }
        output += original[cursor...]
        return String(decoding: output, as: UTF8.self)
    }

    /// The secret after a keyword, in bytes: a separator (':' or '=') then one token.
    private static func valueRange(in text: [UInt8], after start: Int) -> Range<Int>? {
        var i = start
        func skipBlanks() { while i < text.count, text[i] == 0x20 || text[i] == 0x09 { i += 1 } }
        skipBlanks()
        guard i < text.count else { return nil }
        // Only ':' and '=' introduce a value: "password – can't log in" is prose, not a secret.
        let separators: [[UInt8]] = [[0x3A], [0x3D], Array("：".utf8)]
        guard let separator = separators.first(where: { text[i...].starts(with: $0) }) else { return nil }
        i += separator.count
        skipBlanks()
        let valueStart = i
        while i < text.count {
            let byte = text[i]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x26 || byte == 0x3C || byte == 0x3E {
                break
            }
            i += 1
        }
        return i > valueStart ? valueStart..<i : nil
    }

    /// The same masking over Characters, for the rare text whose lower-case form has another length.
    static func maskedByCharacters(_ text: String) -> String {
        let characters = Array(text)
        let lowered = characters.map { character -> Character in
            let lower = character.lowercased()
            return lower.count == 1 ? Character(lower) : character
        }
        var output: [Character] = []
        output.reserveCapacity(characters.count)
        var index = 0
        while index < lowered.count {
            if let keyword = keyword(in: lowered, at: index),
                let range = valueRange(in: lowered, after: index + keyword.count)
            {
                output += characters[index..<range.lowerBound]
                output += mask
                index = range.upperBound
                continue
            }
            output.append(characters[index])
            index += 1
        }
        return String(output)
    }

    /// The keyword starting at `index` at a word boundary.
    private static func keyword(in text: [Character], at index: Int) -> String? {
        if index > 0, text[index - 1].isLetter { return nil }
        for keyword in keywords {
            let characters = Array(keyword)
            guard index + characters.count <= text.count,
                Array(text[index..<(index + characters.count)]) == characters
            else { continue }
            let after = index + characters.count
            if after < text.count, text[after].isLetter { continue }
            return keyword
        }
        return nil
    }

    /// The secret after a keyword: a separator (':', '=', '-', "is") then one token.
    private static func valueRange(in text: [Character], after start: Int) -> Range<Int>? {
        var i = start
        while i < text.count, text[i] == " " || text[i] == "\t" { i += 1 }
        guard i < text.count else { return nil }
        guard text[i] == ":" || text[i] == "=" || text[i] == "：" else { return nil }
        i += 1
        while i < text.count, text[i] == " " || text[i] == "\t" { i += 1 }
        let valueStart = i
        while i < text.count, !text[i].isWhitespace, text[i] != "&", text[i] != "<", text[i] != ">" { i += 1 }
        // Strip trailing punctuation that ends a sentence, but never leave a secret half-visible.
        guard i > valueStart else { return nil }
        return valueStart..<i
    }
}
