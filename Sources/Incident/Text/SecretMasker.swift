/// Masks passwords and one-time codes people write into support mail, before the text reaches any
/// field, log line, ticket or answer. The policy never needs them, and a helpdesk store full of
/// passwords is a breach waiting to happen.
///
/// Only labelled secrets are masked, so the diagnostic numbers support needs ("error code 1603",
/// "HTTP 503", a session ID) stay readable:
/// - a password keyword (`password`, `pwd`, `пароль`, …) then `:` or `=`: the following token;
/// - a one-time-code label (`OTP`, `one-time code`, `verification code`, `PIN`, `код подтверждения`, …)
///   then `:` or `=`: a code-shaped value (4 to 8 digits, or two groups of 3–4 digits split by a space
///   or a hyphen), else the following token when it has a digit; or then a space, `#`, a dash, `is`
///   or `was`: a code-shaped value;
/// - a bare `code` (`код`) with nothing or only `your`/`the`/`my`/`a`/`this`… before it, then `:`, `=`,
///   `is` or `was`: a code-shaped value of 6 to 8 digits. "Error code: 1603" names a diagnostic
///   code, not a secret, and is left alone.
public enum SecretMasker {
    /// What replaces a secret.
    public static let mask = "********"

    /// How a keyword introduces its secret.
    enum Label {
        /// `:` or `=`, then any token.
        case password
        /// `:` or `=` then any token, or a softer connector then a code-shaped value.
        case oneTimeCode
        /// Only at the start of a phrase, `:`/`=`/`is`/`was`, then 6–8 digits.
        case bareCode
    }

    /// Words that introduce a secret, lower-cased, with how they introduce it.
    static let keywords: [(String, Label)] = [
        ("password", .password), ("passwort", .password), ("passwd", .password), ("pwd", .password),
        ("pass", .password), ("пароль", .password), ("kennwort", .password), ("contraseña", .password),
        ("mot de passe", .password),
        ("one-time code", .oneTimeCode), ("one time code", .oneTimeCode), ("one-time password", .oneTimeCode),
        ("one time password", .oneTimeCode), ("one-time passcode", .oneTimeCode), ("otp", .oneTimeCode),
        ("totp", .oneTimeCode), ("verification code", .oneTimeCode), ("security code", .oneTimeCode),
        ("authentication code", .oneTimeCode), ("authenticator code", .oneTimeCode), ("auth code", .oneTimeCode),
        ("login code", .oneTimeCode), ("sign-in code", .oneTimeCode), ("2fa code", .oneTimeCode),
        ("mfa code", .oneTimeCode), ("sms code", .oneTimeCode), ("access code", .oneTimeCode),
        ("passcode", .oneTimeCode), ("pin", .oneTimeCode), ("pin code", .oneTimeCode), ("pin-code", .oneTimeCode),
        ("sms-code", .oneTimeCode), ("bestätigungscode", .oneTimeCode),
        ("sicherheitscode", .oneTimeCode), ("código de verificación", .oneTimeCode),
        ("code de vérification", .oneTimeCode), ("код подтверждения", .oneTimeCode),
        ("одноразовый код", .oneTimeCode), ("проверочный код", .oneTimeCode), ("код из смс", .oneTimeCode),
        ("code", .bareCode), ("код", .bareCode),
    ]

    private static let keywordBytes = keywords.map { (Array($0.0.utf8), $0.1) }

    /// Words that may stand before a bare "code" that names a secret: "your code is 123456".
    private static let bareCodeLeads: Set<[UInt8]> = Set(
        ["your", "the", "my", "a", "this", "that", "his", "her", "their", "our", "new", "ваш", "мой", "твой", "этот"]
            .map { Array($0.utf8) })

    /// The text with every secret value replaced by `mask`.
    public static func masked(_ text: String) -> String {
        let original = Array(text.utf8)
        var lowered = Array(text.lowercased().utf8)
        // Matching needs a lower-case copy with the same byte offsets; lower-casing changes the length
        // of a few characters (İ, ẞ…), which then stay as they are.
        if lowered.count != original.count { lowered = sameLengthLowercase(text) }
        let haystack = ByteText(bytes: lowered)
        var ranges: [Range<Int>] = []
        for (keyword, label) in keywordBytes where haystack.contains(keyword) {
            for start in haystack.occurrences(of: keyword) {
                let end = start + keyword.count
                if haystack.isWordCharacter(before: start) || haystack.isWordCharacter(at: end) { continue }
                if let range = secretRange(in: haystack, label: label, keywordStart: start, keywordEnd: end) {
                    ranges.append(range)
                }
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

    /// Lower-cases character by character, keeping a character as it is when its lower-case form has
    /// another length in UTF-8, so offsets stay those of the original.
    static func sameLengthLowercase(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for character in text {
            let original = String(character).utf8
            let lower = character.lowercased().utf8
            out += lower.count == original.count ? Array(lower) : Array(original)
        }
        return out
    }

    // MARK: Values

    private static func secretRange(in text: ByteText, label: Label, keywordStart: Int, keywordEnd: Int) -> Range<Int>?
    {
        let bytes = text.bytes
        switch label {
        case .password:
            return tokenAfterSeparator(in: bytes, from: keywordEnd)
        case .oneTimeCode:
            if let token = tokenAfterSeparator(in: bytes, from: keywordEnd) {
                // "739 201" is one code; "OTP: never arrived" is prose: a code has at least one digit.
                if let code = codeRange(in: text, at: token.lowerBound, minimumDigits: 4) { return code }
                return bytes[token].contains(where: isDigit) ? token : nil
            }
            guard let start = afterConnector(in: bytes, from: keywordEnd) else { return nil }
            return codeRange(in: text, at: start, minimumDigits: 4)
        case .bareCode:
            guard startsPhrase(text, before: keywordStart) else { return nil }
            var i = keywordEnd
            skipBlanks(bytes, &i)
            let start: Int
            if i < bytes.count, bytes[i] == 0x3A || bytes[i] == 0x3D {
                i += 1
                skipBlanks(bytes, &i)
                start = i
            } else if let after = afterVerb(in: bytes, from: i) {
                start = after
            } else {
                return nil
            }
            return codeRange(in: text, at: start, minimumDigits: 6)
        }
    }

    /// The token after `:`, `=` or `：` (blanks around it allowed): up to white space, `&`, `<` or `>`.
    private static func tokenAfterSeparator(in text: [UInt8], from start: Int) -> Range<Int>? {
        var i = start
        skipBlanks(text, &i)
        guard i < text.count else { return nil }
        // Only ':' and '=' introduce a value: "password – can't log in" is prose, not a secret.
        let separators: [[UInt8]] = [[0x3A], [0x3D], Array("：".utf8)]
        guard let separator = separators.first(where: { text[i...].starts(with: $0) }) else { return nil }
        i += separator.count
        skipBlanks(text, &i)
        let valueStart = i
        while i < text.count {
            let byte = text[i]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x26 || byte == 0x3C
                || byte == 0x3E
            {
                break
            }
            i += 1
        }
        return i > valueStart ? valueStart..<i : nil
    }

    /// Where a value starts after a one-time-code label and a soft connector: blanks, then optionally
    /// `#` or a dash, then optionally "is"/"was"; nil when the label is glued to what follows.
    private static func afterConnector(in text: [UInt8], from start: Int) -> Int? {
        var i = start
        skipBlanks(text, &i)
        var moved = i > start
        for mark in ["#", "-", "–", "—", "№"].map({ Array($0.utf8) }) where text[i...].starts(with: mark) {
            i += mark.count
            skipBlanks(text, &i)
            moved = true
            break
        }
        if let after = afterVerb(in: text, from: i) { return after }
        return moved ? i : nil
    }

    /// After "is", "was", "ist", "es" (with an optional ':') and blanks; nil when none is there.
    private static func afterVerb(in text: [UInt8], from start: Int) -> Int? {
        for verb in ["is", "was", "ist", "es", "est"].map({ Array($0.utf8) }) where text[start...].starts(with: verb) {
            var i = start + verb.count
            guard i < text.count, text[i] == 0x20 || text[i] == 0x09 || text[i] == 0x3A else { continue }
            if text[i] == 0x3A { i += 1 }
            let beforeBlanks = i
            skipBlanks(text, &i)
            if i > beforeBlanks || text[i - 1] == 0x3A { return i }
        }
        return nil
    }

    /// A code-shaped value at `start`: `minimumDigits`…8 digits, or two groups of 3–4 digits joined by
    /// one space or hyphen (6–8 digits in all), standing alone: not followed by a letter or digit, nor
    /// by `-`, `.`, `/`, `:` or `,` and a digit (dates, times, versions, amounts are not codes).
    private static func codeRange(in text: ByteText, at start: Int, minimumDigits: Int) -> Range<Int>? {
        let bytes = text.bytes
        func digits(from index: Int) -> Int {
            var i = index
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            return i - index
        }
        func standsAlone(_ end: Int) -> Bool {
            if text.isWordCharacter(at: end) { return false }
            if end + 1 < bytes.count, Array("-./:,".utf8).contains(bytes[end]), isDigit(bytes[end + 1]) { return false }
            return true
        }
        let first = digits(from: start)
        guard first > 0 else { return nil }
        if (3...4).contains(first), start + first + 1 < bytes.count,
            bytes[start + first] == 0x20 || bytes[start + first] == 0x2D
        {
            let second = digits(from: start + first + 1)
            let end = start + first + 1 + second
            if (3...4).contains(second), first + second >= max(minimumDigits, 6), standsAlone(end) {
                return start..<end
            }
        }
        let end = start + first
        guard (minimumDigits...8).contains(first), standsAlone(end) else { return nil }
        return start..<end
    }

    /// Whether a bare "code" starts a phrase: nothing but punctuation or a line break before it, or
    /// one of `bareCodeLeads` ("your", "the", …), not a qualifier such as "error" or "course".
    private static func startsPhrase(_ text: ByteText, before start: Int) -> Bool {
        let bytes = text.bytes
        var i = start
        while i > 0, bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09 { i -= 1 }
        guard text.isWordCharacter(before: i) else { return true }
        var wordStart = i
        while wordStart > 0, text.isWordCharacter(before: wordStart) {
            wordStart -= 1
            while wordStart > 0, bytes[wordStart] & 0xC0 == 0x80 { wordStart -= 1 }
        }
        return bareCodeLeads.contains(Array(bytes[wordStart..<i]))
    }

    private static func skipBlanks(_ text: [UInt8], _ i: inout Int) {
        while i < text.count, text[i] == 0x20 || text[i] == 0x09 { i += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
