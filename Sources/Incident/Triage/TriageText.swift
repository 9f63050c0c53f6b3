/// The text triage rules read (subject and description, lower-cased), with phrase matching at word
/// boundaries: "mic" must not match "academic", while "camera*" matches "cameras".
struct TriageText {
    let lowercased: String
    private let text: ByteText

    init(subject: String?, description: String) {
        lowercased = ((subject ?? "") + "\n" + description).lowercased()
        text = ByteText(lowercased)
    }

    /// Whether `phrase` (lower-case) occurs starting at a word start; a trailing `*` allows any word
    /// ending, otherwise the phrase must also end at a word end.
    func contains(_ phrase: String) -> Bool {
        let isStem = phrase.hasSuffix("*")
        let wanted = Array((isStem ? String(phrase.dropLast()) : phrase).utf8)
        guard let first = wanted.first, let last = wanted.last, text.contains(wanted) else { return false }
        // Scripts written without spaces (Han, Kana, Hangul syllables) have no word boundaries to respect.
        let unspaced = phrase.unicodeScalars.first.map { Character($0).isCJK } ?? false
        if unspaced { return true }
        let startsWord = first >= 0x80 || ByteText.isWordByte(first)
        let endsWord = last >= 0x80 || ByteText.isWordByte(last)
        for start in text.occurrences(of: wanted) {
            if startsWord, text.isWordCharacter(before: start) { continue }
            if !isStem, endsWord, text.isWordCharacter(at: start + wanted.count) { continue }
            return true
        }
        return false
    }
}

extension String {
    /// Runs of white space become one space; the ends are trimmed.
    var collapsingWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
