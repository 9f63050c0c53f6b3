/// The text triage rules read (subject and description, lower-cased), with phrase matching at word
/// boundaries: "mic" must not match "academic", while "camera*" matches "cameras".
struct TriageText {
    let lowercased: String
    private let characters: [Character]

    init(subject: String?, description: String) {
        lowercased = ((subject ?? "") + "\n" + description).lowercased()
        characters = Array(lowercased)
    }

    /// Whether `phrase` occurs starting at a word start; a trailing `*` allows any word ending,
    /// otherwise the phrase must also end at a word end.
    func contains(_ phrase: String) -> Bool {
        let isStem = phrase.hasSuffix("*")
        let wanted = Array(isStem ? String(phrase.dropLast()) : phrase)
        guard let first = wanted.first, wanted.count <= characters.count else { return false }
        var index = 0
        let last = characters.count - wanted.count
        while index <= last {
            defer { index += 1 }
            guard characters[index] == first else { continue }
            if index > 0, Self.isWordCharacter(characters[index - 1]), Self.isWordCharacter(first) { continue }
            var matched = true
            for offset in 1..<wanted.count where characters[index + offset] != wanted[offset] {
                matched = false
                break
            }
            guard matched else { continue }
            let end = index + wanted.count
            if !isStem, end < characters.count, Self.isWordCharacter(characters[end]),
                Self.isWordCharacter(wanted[wanted.count - 1])
            {
                continue
            }
            return true
        }
        return false
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }
}

extension String {
    /// Runs of white space become one space; the ends are trimmed.
    var collapsingWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
