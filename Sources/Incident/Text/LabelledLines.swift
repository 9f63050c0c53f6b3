/// Finds "Label: value" pairs in the reporter's text, the way people write them in mail: any label of the
/// lexicon in any case, with `-`, `_` or nothing where the label has a space ("Sitzungs-ID", "sessionid"), a
/// remark in parentheses inside it ("Session ID (seat TC-07): …"), and `:`, ` :` (French spacing), `：`, `=`,
/// `|`, a tab, a spaced dash or an arrow after it; bullets, numbers and emphasis before it; HTML tables
/// (converted to "Label | value" rows) and definition lists (the label alone on a line, the value on the next).
/// An ID label may also stand without a separator ("User ID 71-220-4581", "Matrikelnummer 3318842"): the value
/// must then have the shape of an ID, which the caller checks.
///
/// Each line is compared with the labels that start with its first character only, and a label is at most a
/// few dozen characters, so the cost per line is bounded whatever the line holds.
struct LabelledLines {
    /// One labelled value found in the text.
    struct Match {
        var field: IncidentField
        /// The text after the separator, cleaned (`cleaned`); "" for a placeholder ("N/A").
        var value: String
        /// Index of the line(s) holding it, so the description can leave them out.
        var lines: [Int]
        /// The label as written in the lexicon ("matrikelnummer").
        var label: String
        /// Whether a separator followed the label (without one, only an ID-shaped value counts).
        var separated: Bool
    }

    private struct Label {
        var text: [Character]
        var field: IncidentField
        var name: String
    }

    /// Labels by their first character, longest first so "session id" wins over "session".
    private let byFirst: [Character: [Label]]

    init(labels: [IncidentField: [String]]) {
        var all: [Label] = []
        for (field, names) in labels {
            for name in names where !name.isEmpty {
                all.append(Label(text: Array(name.lowercased()), field: field, name: name.lowercased()))
            }
        }
        all.sort { $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.name < $1.name }
        var index: [Character: [Label]] = [:]
        for label in all { index[label.text[0], default: []].append(label) }
        byFirst = index
    }

    /// Every labelled value, in text order; a field may appear more than once.
    func matches(in lines: [Substring]) -> [Match] {
        var found: [Match] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            let line = Self.strippingDecoration(lines[index])
            let hit = labelled(line)
            // A sentence introducing a list may start like a user label ("Students affected (…):").
            if hit == nil || (hit?.field == .userID && !(hit?.rest.isAlone ?? false)),
                let users = Self.listedUsers(under: line, in: lines, at: index)
            {
                found += users
                index = users.last!.lines[0]
                continue
            }
            // (Before a user label the sentence starts with: "Matric numbers of some of those still affected: …".)
            if hit == nil || hit?.field == .userID, let list = Self.listedUsersInline(line) {
                found.append(
                    Match(field: .userID, value: list.value, lines: [index], label: list.label, separated: true))
                continue
            }
            // A known word starting a longer label of other words ("Studenta apliecības nr.: 221RDB117").
            let unseparated: Bool
            if case .value(_, separated: false)? = hit?.rest { unseparated = true } else { unseparated = false }
            let guess = hit == nil || unseparated ? Self.guessedLabel(line) : nil
            guard let hit, !(unseparated && guess != nil) else {
                if let guess {
                    found.append(
                        Match(
                            field: guess.field, value: guess.value, lines: [index], label: guess.label, separated: false
                        ))
                }
                continue
            }
            switch hit.rest {
            case .value(let value, let separated):
                // "N° candidat<tab>ID session": a table's header row, its "value" another label.
                if value.utf8.count <= 60, case .alone? = labelled(value)?.rest { continue }
                found.append(
                    Match(field: hit.field, value: value, lines: [index], label: hit.label, separated: separated))
            case .alone:
                if let next = nextValueLine(lines, after: index) {
                    // A definition list or table cell: the label alone, the value on the next line.
                    found.append(
                        Match(
                            field: hit.field, value: next.value, lines: [index, next.index], label: hit.label,
                            separated: true))
                    index = next.index
                    // "Affected candidate numbers:" and one ID per line under it: each is a user of the list.
                    while hit.field == .userID, index + 1 < lines.count, found.count < 200 {
                        let line = Self.strippingDecoration(lines[index + 1])
                        let tokens = ValueShape.tokens(line)
                        guard tokens.count == 1, ValueShape.hasDigit(tokens[0]) else { break }
                        index += 1
                        found.append(
                            Match(
                                field: hit.field, value: String(tokens[0]), lines: [index], label: hit.label,
                                separated: true))
                    }
                }
            }
        }
        return found
    }

    /// Users listed one per line under a sentence that introduces them ("Getroffen studenten:", "Students
    /// affected (from the Lab 2 sheet):", "Beispielhaft drei Matrikelnummern, bei denen …:", "該当受験者（学籍番号）："):
    /// the line ends with a colon and names people, and at least two lines under it each hold one ID with a digit.
    static func listedUsers(under line: String, in lines: [Substring], at index: Int) -> [Match]? {
        guard line.utf8.count <= 300, index + 1 < lines.count else { return nil }
        // The first person may stand on the introducing line ("Estudiantes afectados: Valentina Ríos – código
        // 20241032118"), as HTML converted to text often leaves it.
        var head = Substring(line)
        var first: Substring? = nil
        if !(line.hasSuffix(":") || line.hasSuffix("：")) {
            guard let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }),
                let named = namedID(String(line[line.index(after: colon)...].trimmingWhitespace))
            else { return nil }
            head = line[..<colon]
            first = named
        }
        let lower = head.lowercased()
        guard first == nil || !lower.contains(where: \.isNumber),
            let noun = FieldLexicon.listedPeople.first(where: { lower.includes($0) })
        else { return nil }
        var found: [Match] = []
        if let first {
            found.append(
                Match(field: .userID, value: String(first), lines: [index], label: noun + " (list)", separated: true))
        }
        var digits = first != nil
        var next = index + 1
        while next < lines.count, found.count < 200 {
            // An ID alone, or with the person's name in brackets after it ("xnovakm2 (Martin Novák)"); a login
            // without digits ("xhorvathp") in a list where another ID has one.
            let text = Self.strippingDecoration(lines[next])
            let tokens = ValueShape.tokens(Self.withoutRemark(text))
            let id: Substring
            if tokens.count == 1, ValueShape.isUserID(tokens[0], login: true),
                ValueShape.hasDigit(tokens[0]) || tokens[0].lowercased() == String(tokens[0])
            {
                id = tokens[0]
            } else if let named = namedID(text) {
                id = named
            } else {
                break
            }
            digits = digits || ValueShape.hasDigit(id)
            found.append(
                Match(field: .userID, value: String(id), lines: [next], label: noun + " (list)", separated: true))
            next += 1
        }
        return found.count >= 2 && digits ? found : nil
    }

    /// The ID of a list line that names the person first ("Valentina Ríos – código 20241032118", "Jan de Vries:
    /// 500812"): one to five words without digits, a dash, colon or a word for a number, then one ID of at least
    /// five characters with a digit, and nothing after it. A name alone, or a sentence, gives nil.
    static func namedID(_ line: String) -> Substring? {
        guard line.utf8.count <= 160 else { return nil }
        let tokens = line.split(whereSeparator: { $0.isWhitespace || $0 == "," })
        guard let last = tokens.last, tokens.count >= 2 else { return nil }
        var id = last
        while let end = id.last, ".;)".contains(end) { id = id.dropLast() }
        guard id.count >= 5, ValueShape.hasDigit(id), ValueShape.isUserID(id, login: false) else { return nil }
        var names = 0
        var marked = false
        for token in tokens.dropLast() {
            var word = token
            while let end = word.last, ":#(".contains(end) { word = word.dropLast() }
            if word.isEmpty || ["–", "—", "-", "|"].contains(word) {
                marked = true
                continue
            }
            if namedIDWords.contains(word.lowercased()) {
                marked = true
                continue
            }
            // A name: letters (with hyphens and apostrophes), capitalised.
            let nameLike = word.allSatisfy { character in
                character.isLetter || character == "-" || character == "'" || character == "’"
            }
            guard word.first?.isUppercase == true, nameLike else { return nil }
            if token.hasSuffix(":") { marked = true }
            names += 1
        }
        return marked && (1...5).contains(names) ? id : nil
    }

    /// Words between a person's name and their ID in a list line.
    static let namedIDWords: Set<String> = [
        "código", "codigo", "code", "id", "nr", "nr.", "no", "no.", "matrícula", "matricula", "matrikelnummer",
        "matricule", "numéro", "number", "número", "номер", "numer", "nummer", "student", "studentnummer",
    ]

    /// Users listed after a sentence that introduces them, on its own line ("First few candidates who tried:
    /// HT-20931, HT-20944, HT-21007", "Exemple de studenți afectați: RO2291, RO2304, RO2317"): the words before
    /// the colon name people, and after it stand at least two IDs of one shape with a digit, nothing else.
    static func listedUsersInline(_ line: String) -> (value: String, label: String)? {
        guard line.utf8.count <= 600, let colon = line.firstIndex(where: { $0 == ":" || $0 == "：" }) else {
            return nil
        }
        let lead = line[..<colon].lowercased()
        guard lead.utf8.count <= 200, !lead.contains(where: \.isNumber),
            let noun = FieldLexicon.listedPeople.first(where: { lead.includes($0) })
        else { return nil }
        let value = String(line[line.index(after: colon)...])
        let tokens = ValueShape.tokens(value)
        guard let first = tokens.first, ValueShape.hasDigit(first), ValueShape.isUserID(first, login: false) else {
            return nil
        }
        let more = ValueShape.listed(after: String(first), in: value)
        // Nothing but the list after the colon (a sentence may end it: "…, RO2317.").
        let listWords: Set<String> = ["and", "und", "et", "y", "e", "i", "и", "&", "or", "oder", "ou", "o", "/"]
        let rest = tokens.filter { !listWords.contains($0.lowercased()) }
        guard more.count >= 1, rest.count == more.count + 1 else { return nil }
        return (value, noun + " (list)")
    }

    /// A label in words the lexicon lacks, recognised by a stem it shares with the field's names ("Studienummer",
    /// "Studenta apliecības nr.", "Learner no.", "Ikasle kodea", "Seansi ID", "økt-ID"): the text before the colon
    /// is a few words without digits, one of them starts with a stem. Found this way the value is probable, and
    /// must have the shape of an ID with a digit (the caller checks): "Student: Maria López" gives nothing.
    static func guessedLabel(_ line: String) -> (field: IncidentField, label: String, value: String)? {
        guard let separator = line.prefix(48).firstIndex(where: { ":：|՝\t".contains($0) }) else { return nil }
        let label = line[..<separator].trimmingWhitespace.lowercased()
        let words = label.split(whereSeparator: { " -/._".contains($0) })
        guard (1...5).contains(words.count), !label.contains(where: \.isNumber) else { return nil }
        let value = cleaned(line[line.index(after: separator)...])
        // "sigrun22? Nei, afsakið: … gthor23": a value the writer doubts or corrects is left to the sentences;
        // "User-Agent: Mozilla/5.0 …", "Studierendensekretariat: +49 89 …" are a header and a phone.
        guard !value.contains("?"), !value.hasPrefix("+"), !(value.split(separator: " ").first?.contains("/") ?? false),
            !label.includes("agent")
        else { return nil }
        for (field, stems) in [(IncidentField.userID, personStems), (.sessionID, sessionStems)] {
            guard let stem = words.lastIndex(where: { word in stems.contains { word.hasPrefix($0) } }) else { continue }
            // A name, not a sentence: two words at most, or ending with the stem or a word for a number or code
            // ("Studenta apliecības nr.") — "Session crashed with error: E12345" is no label.
            guard
                words.count <= 2 || stem == words.count - 1
                    || idWords.contains(where: { words.last!.hasPrefix($0) })
            else { return nil }
            // A count ("Kandidaten gesamt: 120") is no ID: a number alone needs five digits.
            guard let first = ValueShape.tokens(value).first,
                !(first.allSatisfy(\.isNumber) && first.count < 5)
            else { return nil }
            return (field, label, value)
        }
        return nil
    }

    /// Word starts that end a label naming a number or code.
    static let idWords = [
        "id", "nr", "no", "num", "nº", "n°", "№", "#", "cod", "kod", "kood", "code", "login", "ident",
    ]

    /// Word starts that name the person sitting the exam, in the languages of our mail.
    static let personStems = [
        "student", "studi", "kandidat", "candidat", "learner", "pupil", "élève", "alumn", "aluno", "ikasle",
        "schüler", "teilnehm", "participant", "examinee", "user", "login", "benutzer", "nutzer", "utente", "usuari",
        "utilisat", "користувач", "пользоват", "студент", "ученик", "öğrenci", "uczeń", "učenik", "žák", "žiak",
        "hallgató", "opiskelij", "nemand", "nemanda", "õppija", "elev", "oppilas", "mokin", "notandanafn", "trainee",
    ]
    /// Word starts that name a proctoring session or attempt.
    static let sessionStems = [
        "session", "sitzung", "sesi", "seans", "sesj", "sessão", "sessió", "økt", "seja", "сеанс", "сесси", "сесі",
        "сесия", "attempt", "versuch", "intento", "tentativ", "pokus", "próba", "poging", "forsøg", "forsøk",
        "försök", "sessie",
    ]

    /// What follows a label on its line.
    enum Rest {
        /// A value (after a separator, or directly after the label).
        case value(String, separated: Bool)
        /// Nothing: the value may be on the next line.
        case alone

        var isAlone: Bool {
            if case .alone = self { return true }
            return false
        }
    }

    /// The label a line starts with and what follows it, or nil. `line` has its decoration stripped. A label
    /// may stand in brackets ("【受験者ID】KB-77031", "[Server] …") or after a possessive ("Meine
    /// Teilnehmernummer: …", "My student ID: …").
    func labelled(_ line: String) -> (field: IncidentField, label: String, rest: Rest)? {
        if let first = line.first, first == "【" || first == "[",
            let close = line.firstIndex(of: first == "【" ? "】" : "]"),
            line.distance(from: line.startIndex, to: close) <= 40
        {
            let label = line[line.index(after: line.startIndex)..<close]
            let value = line[line.index(after: close)...]
            if let hit = labelledPlain(label + ": " + value) { return hit }
        }
        if let hit = labelledPlain(line) { return hit }
        let lower = line.lowercased()
        for possessive in Self.possessives where lower.hasPrefix(possessive) {
            if let hit = labelledPlain(String(line.dropFirst(possessive.count))) { return hit }
        }
        return nil
    }

    static let possessives = [
        "my ", "our ", "mein ", "meine ", "unser ", "unsere ", "mon ", "ma ", "notre ", "mi ", "nuestro ", "mio ",
        "mia ", "il mio ", "la mia ", "meu ", "minha ", "o meu ", "a minha ", "mój ", "moja ", "mijn ", "onze ",
        "benim ", "мой ", "моя ", "наш ", "мій ", "моє ", "мое ", "我的", "我们的", "我們的", "本人的", "私の", "僕の",
    ]

    private func labelledPlain(_ line: String) -> (field: IncidentField, label: String, rest: Rest)? {
        // The label is within the first characters; the value may be long ("Problem: …" is the description).
        let characters = Array(line.prefix(16_384))
        guard let first = characters.first,
            let candidates = byFirst[first] ?? first.lowercased().first.flatMap({ byFirst[$0] })
        else { return nil }
        for label in candidates {
            guard let end = Self.match(label.text, in: characters) else { continue }
            guard
                let rest = Self.rest(
                    after: end, in: characters, line: line, cjk: label.text.last?.isCJK ?? false,
                    person: label.field == .userID && label.text.count >= 4)
            else { continue }
            return (label.field, label.name, rest)
        }
        return nil
    }

    /// Where `label` ends in `characters` when the line starts with it: case-insensitive, and a space or hyphen
    /// in the label matches a space, `-`, `_` or nothing in the line.
    private static func match(_ label: [Character], in characters: [Character]) -> Int? {
        var position = 0
        for expected in label {
            if expected == " " || expected == "-" {
                if position < characters.count, " -_".contains(characters[position]) { position += 1 }
                continue
            }
            guard position < characters.count else { return nil }
            let actual = characters[position]
            guard actual == expected || (actual.isLetter && actual.lowercased() == String(expected)) else {
                return nil
            }
            position += 1
        }
        return position
    }

    /// What follows a label ending at `end`: a remark in parentheses is skipped, then a separator or nothing.
    private static func rest(
        after end: Int, in characters: [Character], line: String, cjk: Bool, person: Bool
    ) -> Rest? {
        var position = end
        // The label must end at a word boundary, except in scripts written without spaces.
        if !cjk, position < characters.count, characters[position].isLetter || characters[position].isNumber {
            // A plural ("Matrikelnummern:", "Student IDs:", "Sessions:") names the same field, a list of them;
            // a person may also be named in the feminine ("Étudiante :", "Teilnehmerin", "Студентка:").
            let suffixes = person ? Self.personSuffixes : ["es", "en", "s", "n"]
            guard characters[position].isLetter,
                let suffix = suffixes.first(where: { suffix in
                    let end = position + suffix.count
                    return end <= characters.count
                        && String(characters[position..<end]).lowercased() == suffix
                        && (end == characters.count || !(characters[end].isLetter || characters[end].isNumber))
                })
            else { return nil }
            position += suffix.count
        }
        func skipSpaces() { while position < characters.count, characters[position] == " " { position += 1 } }
        // An abbreviated label ("Candidate no.", "Matr.-Nr.") may end with its dot.
        if position < characters.count, characters[position] == ".", position > 0, characters[position - 1] != " " {
            position += 1
        }
        // Emphasis closing a label ("*Matricola*: …", "*ID sessione:* …", "__Server__ - …").
        func skipEmphasis() { while position < characters.count, "*_".contains(characters[position]) { position += 1 } }
        skipEmphasis()
        skipSpaces()
        if position < characters.count, characters[position] == "(" || characters[position] == "[" {
            let close: Character = characters[position] == "(" ? ")" : "]"
            guard let closing = characters[position...].prefix(80).firstIndex(of: close) else { return nil }
            position = closing + 1
            skipSpaces()
        }
        // A dot leader ("Detected at ........ 2026-12-01 13:05") separates like a colon.
        if position + 2 < characters.count, characters[position] == ".", characters[position + 1] == ".",
            characters[position + 2] == "."
        {
            while position < characters.count, characters[position] == "." || characters[position] == " " {
                position += 1
            }
            if position < characters.count, characters[position] == ":" { position += 1 }
            return .value(cleaned(Substring(String(characters[position...]))), separated: true)
        }
        guard position < characters.count else { return .alone }
        let separatorStart = position
        let character = characters[position]
        var separated = false
        switch character {
        case ":", "：", "=", "|", "\t", "→", "＝", "՝":
            position += 1
            separated = true
        case "-", "–", "—":
            // A dash separates only when spaced ("Server - x"), so "User-Agent" is not "User".
            let spaced = separatorStart > 0 && characters[separatorStart - 1] == " "
            if position + 1 < characters.count, characters[position + 1] == ">" {
                position += 2
                separated = true
            } else if spaced || (position + 1 < characters.count && characters[position + 1] == " ") {
                position += 1
                separated = true
            } else {
                return nil
            }
        default:
            // A tab right after the label separates too ("Server\thttps://…"), found above; without any
            // separator the value follows the label directly.
            if end < characters.count, characters[end] == "\t" {
                separated = true
            } else if let colon = qualifiedLabelEnd(characters, from: position) {
                // "Session ID from the admin panel: …", "Matricola studente: …": probable, ID-shaped only.
                return .value(cleaned(Substring(String(characters[(colon + 1)...]))), separated: false)
            }
        }
        if separated {
            skipEmphasis()
        }
        let value = String(characters[position...])
        // Nothing at all after a separator: the value may be on the next line. A placeholder ("-", "N/A") says
        // the field is unknown: it stays missing and the next line is not its value.
        if separated, value.allSatisfy(\.isWhitespace) { return .alone }
        return .value(cleaned(Substring(value)), separated: separated)
    }

    /// Plural and feminine endings after a label that names a person, longest first.
    static let personSuffixes = ["innen", "in", "es", "en", "ka", "ка", "s", "n", "e", "a"]

    /// Words that may continue a label before its colon ("Session reference shown on the screen:", "Session ID
    /// from the admin panel:", "Matricola studente:"): the first of at most five words must be one of these.
    static let labelQualifiers: Set<String> = [
        "reference", "ref", "number", "code", "id", "no", "nr", "from", "shown", "as", "in", "on", "according",
        "displayed", "given", "listed", "at", "of", "aus", "laut", "im", "der", "des", "vom", "von", "de", "du",
        "dans", "sur", "indiqué", "affiché", "del", "dal", "nel", "della", "dello", "da", "do", "na", "no", "из",
        "в", "на", "z", "w", "van", "uit", "op", "studente", "studentessa", "student", "studenta", "studentin",
        "étudiant", "étudiante", "candidato", "candidata", "candidate", "alumno", "alumna", "aluno", "aluna",
        "kandidat", "kandidatin", "студента", "студентки", "öğrenci", "the",
    ]

    /// The position of the colon ending a label qualified by a few words ("… from the admin panel:"), or nil.
    private static func qualifiedLabelEnd(_ characters: [Character], from start: Int) -> Int? {
        guard start > 0, start < characters.count, characters[start - 1] == " " else { return nil }
        let limit = min(characters.count, start + 60)
        guard let colon = characters[start..<limit].firstIndex(where: { $0 == ":" || $0 == "：" }),
            colon + 1 < characters.count
        else { return nil }
        let words = String(characters[start..<colon]).lowercased().split(whereSeparator: \.isWhitespace)
        guard (1...5).contains(words.count), let first = words.first, labelQualifiers.contains(String(first)),
            !words.contains(where: { $0.contains(where: \.isNumber) })
        else { return nil }
        return colon
    }

    private func nextValueLine(_ lines: [Substring], after index: Int) -> (index: Int, value: String)? {
        var next = index + 1
        while next < lines.count, lines[next].trimmingWhitespace.isEmpty, next - index <= 2 { next += 1 }
        guard next < lines.count else { return nil }
        let value = Self.strippingDecoration(lines[next])
        guard !value.isEmpty, value.count <= 300, labelled(value) == nil else { return nil }
        return (next, Self.cleaned(Substring(value)))
    }

    /// Values that mean "I don't know": the field stays missing, but the line is still a field line.
    static let placeholders: Set<String> = [
        "", "n/a", "na", "none", "unknown", "-", "—", "–", "?", "??", "tbd", "нет", "не указано", "n.a.", "null",
        "nil", "keine", "unbekannt", "inconnu", "aucun", "aucune", "desconocido", "ninguno", "sconosciuto",
        "nessuno", "brak", "geen", "yok", "なし", "不明", "无", "無", "xxx",
    ]

    /// The value without decoration: white space, paired markdown emphasis, quotes and angle brackets around
    /// it, a second table cell after it, and sentence punctuation.
    static func cleaned(_ value: Substring) -> String {
        var text = value.trimmingWhitespace
        if let cell = text.firstRange(of: " | ") { text = String(text[..<cell.lowerBound]).trimmingCharacters("") }
        if let cell = text.firstIndex(of: "\t") { text = String(text[..<cell]).trimmingCharacters("") }
        for mark in ["**", "__", "*", "_"]
        where text.count > 2 * mark.count && text.hasPrefix(mark) && text.hasSuffix(mark) {
            text = String(text.dropFirst(mark.count).dropLast(mark.count))
            break
        }
        text = text.trimmingCharacters("\"'«»“”„")
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        while let last = text.last, ".,;。、".contains(last) { text.removeLast() }
        text = text.trimmingCharacters("")
        return placeholders.contains(text.lowercased()) ? "" : text
    }

    /// An identifier without a remark after it ("ah-30117 (one of them)" → "ah-30117").
    static func withoutRemark(_ value: String) -> String {
        guard value.hasSuffix(")"), let open = value.lastIndex(of: "("), open > value.startIndex,
            value[value.index(before: open)] == " "
        else { return value }
        return value[..<open].trimmingWhitespace
    }

    /// Bullets and markers people put before a label.
    private static let bullets: Set<Character> = [
        "-", "*", "•", "–", "·", "■", "□", "●", "○", "◆", "◇", "▪", "▫", "►", "▶", "→", "・", "※", "◎", "➤", "✓",
        "✔", "—", ">",
    ]

    /// A line without list bullets, numbers and emphasis around a leading label.
    static func strippingDecoration(_ line: Substring) -> String {
        var text = Substring(line.trimmingWhitespace)
        while let first = text.first, bullets.contains(first),
            text.dropFirst().first == " " || first == "*" || first.isBulletSymbol
        {
            text = text.dropFirst()
            text = text.drop { $0 == " " }
        }
        // Numbered lists: "1. Server: …", "2) Time: …", "(3) …".
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 2 {
            let after = text.dropFirst(digits.count)
            if let marker = after.first, marker == "." || marker == ")", after.dropFirst().first == " " {
                text = after.dropFirst().drop { $0 == " " }
            }
        }
        // Emphasis around a leading label ("**Server:** …"): drop the opening and the first closing mark only,
        // so a value such as a masked "********" survives.
        for mark in ["**", "__"] where text.hasPrefix(mark) {
            text = text.dropFirst(mark.count)
            if let close = text.firstRange(of: mark) {
                return String(text[..<close.lowerBound]) + String(text[close.upperBound...])
            }
        }
        return String(text)
    }
}

extension Character {
    /// Letters of scripts written without spaces between words (Han, Kana, Hangul).
    var isCJK: Bool {
        guard let scalar = unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF66...0xFF9F:
            return true
        default:
            return false
        }
    }

    /// A bullet symbol that needs no space after it ("■サーバー").
    var isBulletSymbol: Bool { "■□●○◆◇▪▫►▶・※◎➤".contains(self) }
}
