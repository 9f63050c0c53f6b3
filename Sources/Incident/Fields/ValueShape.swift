/// What a session ID or a user ID looks like, so a value is taken only when it has the shape of one: a label
/// followed by "I don't know", a student's name in the wrong column or a phone number must not become an ID.
///
/// Shapes are deliberately narrow (precision first): IDs are single tokens of letters, digits and `-_.:/+=@#`,
/// of bounded length; session IDs carry a digit; user IDs carry a digit, or are a login written in lower case
/// (`ivanova_ea`, `anowicka`) when the label says login/username.
enum ValueShape {
    /// Characters that may stand in an ID token.
    static func isIDCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.:/+=@#".contains(character))
    }

    /// A user ID may carry Cyrillic or Greek letters (a Russian record-book number "20-ЭК-1043", a Greek
    /// registry number "ΠΛΗ-2022-0457"). Its digits are ASCII: `hasDigit` counts only those.
    static func isUserIDCharacter(_ character: Character) -> Bool {
        isIDCharacter(character)
            || (character.isLetter
                && character.unicodeScalars.first.map {
                    (0x0400...0x04FF).contains($0.value) || (0x0370...0x03FF).contains($0.value)
                } == true)
    }

    /// A login by its shape alone, for a label that may also introduce a name ("Identifiant : dupont.m"): one
    /// lower-case token with a dot, underscore or @ inside it, which a person's name never has.
    static func markedLogin(_ value: some StringProtocol) -> String? {
        let parts = tokens(value)
        // "n.a.", "n.v.t.", "k.a." say the value is unknown.
        guard parts.count == 1, let token = parts.first, token.count > 5 || !token.includes("."),
            isUserID(token, login: true),
            token.lowercased() == String(token), let first = token.first, let last = token.last,
            first.isLetter, last.isLetter || last.isNumber,
            token.contains(where: { $0 == "." || $0 == "_" || $0 == "@" })
        else { return nil }
        return String(token)
    }

    /// Words that may stand between a label and its value ("Candidate #448812", "no. 448812", "is 2291847").
    static let fillers: Set<String> = [
        "#", "no", "no.", "nr", "nr.", "n°", "nº", "n.", "is", "ist", "est", "es", "è", "é", "jest", "lautet",
        "number", "numero", "número", "numéro", "numer", ":", "-", "=", "id", "n.º", "č", "br",
    ]

    /// The tokens of a value: split on white space, commas and semicolons, with surrounding brackets, quotes
    /// and sentence punctuation removed.
    static func tokens(_ value: some StringProtocol) -> [Substring] {
        value.split(whereSeparator: {
            $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "、" || $0 == "，" || $0 == "。" || $0 == "；"
        })
        .map { token in
            var text = Substring(token)
            // (and the asterisks of bold in plain text: "*u.perez27*")
            while let first = text.first, "([{<\"'«“„‚「『【：（=*".contains(first) { text = text.dropFirst() }
            while let last = text.last, ")]}>\"'»”“.,;:!?」』】）*".contains(last) { text = text.dropLast() }
            // A key=value pair pasted from a URL or log ("Спроба: attempt=119352"): the value.
            if let equals = text.firstIndex(of: "="), text.distance(from: text.startIndex, to: equals) <= 20,
                text[..<equals].allSatisfy({ $0.isLetter || $0 == "_" }), text.index(after: equals) < text.endIndex
            {
                text = text[text.index(after: equals)...]
            }
            // A possessive after an ID ("candidate SSC-24-1187's feed"): the ID ends before it.
            if text.hasSuffix("'s") || text.hasSuffix("’s"), text.dropLast(2).contains(where: \.isNumber) {
                text = text.dropLast(2)
            }
            return text
        }
        .filter { !$0.isEmpty }
    }

    static func hasDigit(_ token: some StringProtocol) -> Bool {
        token.contains { $0.isASCII && $0.isNumber }
    }

    static func isUUID(_ token: some StringProtocol) -> Bool {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// A session ID: one token of 4–100 ID characters with a digit (2 after a label: "Session ID: 42"), not a
    /// date, a time or an address.
    static func isSessionID(_ token: some StringProtocol, labelled: Bool = false) -> Bool {
        guard ((labelled ? 2 : 4)...100).contains(token.count), token.allSatisfy(isIDCharacter), hasDigit(token)
        else { return false }
        if token.includes("@") || token.hasPrefix("http") || token.hasPrefix("/") { return false }
        return !looksLikeDateOrTime(token)
    }

    /// A user ID: one token of 3–64 ID characters with a digit, or — when `login` — a lower-case login name.
    static func isUserID(_ token: some StringProtocol, login: Bool) -> Bool {
        guard (3...64).contains(token.count), token.allSatisfy(isUserIDCharacter) else { return false }
        if !token.allSatisfy(isIDCharacter), !hasDigit(token) { return false }
        if token.hasPrefix("http") || token.hasPrefix("/") || looksLikeDateOrTime(token) { return false }
        // "10:00am", "9.30pm": a time with its meridiem.
        let lower = token.lowercased()
        if lower.hasSuffix("am") || lower.hasSuffix("pm"),
            looksLikeDateOrTime(lower.dropLast(2)) || lower.dropLast(2).allSatisfy({ $0.isNumber })
        {
            return false
        }
        if hasDigit(token) { return true }
        guard login else { return false }
        // A login: lower case, or with a separator; a capitalised word is more likely a name.
        return token.lowercased() == String(token) || token.includes("_") || token.includes(".") || token.includes("@")
    }

    /// "2026-11-30", "30.11.2026", "14:05", "11/30": numbers that are dates or times, not IDs.
    static func looksLikeDateOrTime(_ token: some StringProtocol) -> Bool {
        if looksLikeClock(token) { return true }
        let pieces = token.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" || $0 == ":" })
        guard (2...3).contains(pieces.count), pieces.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return false }
        let lengths = pieces.map(\.count)
        let small = { (index: Int) in lengths[index] <= 2 }
        if token.includes(":") { return lengths.allSatisfy { $0 <= 2 } }
        if pieces.count == 2 { return small(0) && small(1) }
        return (small(0) && small(1) && (lengths[2] == 2 || lengths[2] == 4))
            || (lengths[0] == 4 && small(1) && small(2))
    }

    /// A time written the French, Flemish or English way: "15h00", "9h", "8u30", "10am", "2.30pm".
    static func looksLikeClock(_ token: some StringProtocol) -> Bool {
        let lower = token.lowercased()
        let hour = lower.prefix { $0.isASCII && $0.isNumber }
        guard (1...2).contains(hour.count) else { return false }
        var rest = lower.dropFirst(hour.count)
        if rest.hasSuffix("am") || rest.hasSuffix("pm") { rest = rest.dropLast(2) }
        if rest.isEmpty { return lower.count > hour.count }
        guard let mark = rest.first, "hu:.".contains(mark) else { return false }
        let minutes = rest.dropFirst()
        return minutes.isEmpty ? mark == "h" : minutes.count == 2 && minutes.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The one token of `value` with a digit that has the field's shape (a sentence answering "the ID of the
    /// affected user?" with "he logs in with s298114"), or nil when there is none or more than one.
    static func onlyID(in value: some StringProtocol, field: IncidentField) -> String? {
        var found: String? = nil
        for token in tokens(value).prefix(40) where hasDigit(token) {
            let fits: Bool
            switch field {
            case .sessionID: fits = isSessionID(token)
            case .userID: fits = isUserID(token, login: false)
            default: fits = false
            }
            guard fits else { continue }
            if let found, found != String(token) { return nil }
            found = String(token)
        }
        return found
    }

    /// The first token of `value` that has the field's shape, or nil.
    /// The value's first token (after filler words) when it has the field's shape, or nil: a labelled value is
    /// one ID, perhaps with a remark after it ("s412987 (studentka …)", "PCN-55107 – Herr Demir"); a value that
    /// starts with words ("there isn't one") is no ID at all.
    /// Whether two IDs look like members of one list: digits only of about the same length, or the same letters
    /// before their first digit ("C-104233", "C-104251"; "QN2301147", "QN2301893").
    static func sameShape(_ first: some StringProtocol, _ other: some StringProtocol) -> Bool {
        guard hasDigit(first), hasDigit(other), abs(first.count - other.count) <= 2 else { return false }
        let prefix = { (id: Substring) in id.prefix { !($0.isASCII && $0.isNumber) }.lowercased() }
        return prefix(Substring(first)) == prefix(Substring(other))
    }

    /// The further IDs of a list that starts with `first` ("3104877, 3105012, 3099821", "C-104233 and C-104251"):
    /// tokens of the same shape, through list words only, at most 50.
    static func listed(after first: String, in value: some StringProtocol) -> [String] {
        let words = tokens(value).prefix(200)
        guard let start = words.firstIndex(where: { $0 == first }) else { return [] }
        var found: [String] = []
        for token in words[words.index(after: start)...] {
            let bare = token.lowercased()
            if ["and", "und", "et", "y", "e", "i", "и", "&", "or", "oder", "ou", "o", "/"].contains(bare) { continue }
            guard sameShape(first, token), isUserID(token, login: false) else { break }
            if !found.contains(String(token)), token != first { found.append(String(token)) }
            if found.count >= 50 { break }
        }
        return found
    }

    static func firstID(in value: some StringProtocol, field: IncidentField, login: Bool = false) -> String? {
        for token in tokens(value).prefix(4) {
            if fillers.contains(token.lowercased()) { continue }
            switch field {
            case .sessionID: return isSessionID(token, labelled: true) ? String(token) : nil
            case .userID: return isUserID(token, login: login) ? String(token) : nil
            default: return nil
            }
        }
        return nil
    }
}
