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

    /// The text with every secret value replaced by `mask`.
    public static func masked(_ text: String) -> String {
        guard mightContainSecret(text) else { return text }
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

    private static func mightContainSecret(_ text: String) -> Bool {
        let lower = text.lowercased()
        return keywords.contains { lower.contains($0) }
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
        if text[i] == ":" || text[i] == "=" || text[i] == "：" || text[i] == "-" || text[i] == "–" {
            i += 1
        } else if i + 2 < text.count, text[i] == "i", text[i + 1] == "s", text[i + 2] == " " {
            i += 2
        } else if i + 1 < text.count, text[i] == "—" {
            i += 1
        } else {
            return nil
        }
        while i < text.count, text[i] == " " || text[i] == "\t" { i += 1 }
        let valueStart = i
        while i < text.count, !text[i].isWhitespace, text[i] != "&", text[i] != "<", text[i] != ">" { i += 1 }
        // Strip trailing punctuation that ends a sentence, but never leave a secret half-visible.
        guard i > valueStart else { return nil }
        return valueStart..<i
    }
}
