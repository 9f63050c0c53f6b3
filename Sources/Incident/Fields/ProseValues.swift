/// IDs written inside sentences rather than after a label: "my student number is 19387265", "Matrikelnummer
/// 3318842", "Öğrenci numaram 220104087", "学号2023104417", and session IDs recognisable by their shape alone
/// (a UUID or a `sess_…` token in the reporter's own words).
///
/// A cue word must be followed by the value directly or through a few filler words ("is", "est le", "ist"),
/// never through other words ("student in room 214" gives nothing), and the value must have the shape of an ID.
/// Values found this way are "probable": they are shown back to the customer, not taken silently.
enum ProseValues {
    /// A value read from prose, with the cue that introduced it.
    struct Found {
        var value: String
        var cue: String
        var line: Int
        /// The further users of a list ("three of my students (ab2201, cd2214 och ef2230)").
        var more: [String] = []
    }

    /// Words that may stand between a cue and its value.
    static let fillers: Set<String> = [
        "is", "was", "are", "ist", "lautet", "war", "est", "es", "era", "è", "é", "e", "le", "la", "el", "il", "lo",
        "o", "a", "de", "do", "da", "du", "di", "my", "mein", "meine", "mon", "ma", "mi", "mio", "mia", "meu", "minha",
        "number", "no", "no.", "nr", "nr.", "n°", "nº", "numer", "numero", "número", "jest", "to", "это", "—", "-",
        ":", "=", "#", "id", "the", "his", "her", "their", "sein", "ihr", "son", "sa", "su", "suo", "sua", "zijn",
        "haar", "mijn", "is:", "est:", "ist:", "es:", "è:", "as", "als", "como", "come", "comme", "jako", "olarak",
        "dır", "dir", "です", "は", "为", "是", "：", "는", "은", "이", "가", "на", "платформе", "platform", "plataforma",
        "plateforme",
        "piattaforma", "plattform", "platformie", "there", "here", "also", "still", "now", "then", "del", "della",
        "dello", "des", "der", "студента", "студентки", "пользователя", "ученика", "dort", "là", "allí", "lì", "ali",
        // "is" in Czech/Slovak/Croatian, Swedish, Danish/Norwegian, Ukrainian, Indonesian
        "je", "är", "er", "є", "adalah", "should", "be", "μου", "είναι", "ο", "το", "es:", "meu", "mein", "n.º", "n.",
        "siis",
        "til", "studenten", "z", "sa", "са",
        // "Mã sinh viên của em là …" (Vietnamese "of me is"), "NIM saya …" (Indonesian, Malay "my")
        "của", "em", "tôi", "mình", "saya", "aku",
        // Tagalog "ko po" (my, polite): "Student no. ko po 2022-10457"
        "ko", "po",
    ]

    /// The first ID after each cue, in text order (one per line at most).
    static func find(
        _ field: IncidentField, cues: [String], in lines: [(index: Int, text: Substring)]
    ) -> [Found] {
        let wanted = cues.map { Array($0.lowercased().utf8) }.sorted { $0.count > $1.count }
        var found: [Found] = []
        for (position, (index, text)) in lines.enumerated() {
            var (hit, cueNearEnd) = first(field, wanted, in: text, line: index)
            if let hit {
                found.append(hit)
                continue
            }
            // A value wrapped onto the next line ("… the code at the bottom of the screen was\n65a1f0c2…"): the
            // line is read with the start of the next one — not when a token was cut in two by the wrap.
            // …or a cue of several words cut by the wrap ("My matric\nno: FUO/CSC/19/0342").
            if !cueNearEnd, let lastWord = text.split(separator: " ").last?.lowercased(), lastWord.count >= 3 {
                let start = Array((lastWord + " ").utf8)
                cueNearEnd = wanted.contains { $0.starts(with: start) }
            }
            guard cueNearEnd, position + 1 < lines.count, lines[position + 1].index == index + 1,
                let lastWord = text.split(separator: " ").last, !ValueShape.hasDigit(lastWord)
            else { continue }
            let joined = Substring(text + " " + lines[position + 1].text.prefix(120))
            if let hit = first(field, wanted, in: joined, line: index).found, !text.contains(hit.value) {
                found.append(Found(value: hit.value, cue: hit.cue, line: lines[position + 1].index))
            }
        }
        return found
    }

    /// The first value after one of the cues in `text`, and whether a cue without a value stood within the last
    /// 60 bytes (its value may be on the next line).
    private static func first(
        _ field: IncidentField, _ wanted: [[UInt8]], in text: Substring, line index: Int
    ) -> (found: Found?, cueNearEnd: Bool) {
        let lower = text.lowercased()
        guard lower.utf8.count <= 4000 else { return (nil, false) }
        let bytes = ByteText(lower)
        var cueNearEnd = false
        for cue in wanted {
            for start in bytes.occurrences(of: cue).prefix(8) {
                // The cue must start a word (scripts with spaces) and its value follow it.
                if cue.first.map({ $0 < 0x80 }) == true, bytes.isWordCharacter(before: start) { continue }
                // Not inside a URL or an identifier ("…/session/abc", "session_id=…").
                if start > 0, "/.=?&_-@".utf8.contains(bytes.bytes[start - 1]) { continue }
                let after = start + cue.count
                let cueIsCJK = String(decoding: cue, as: UTF8.self).last?.isCJK ?? false
                if !cueIsCJK, bytes.isWordCharacter(at: after) { continue }
                let rest = String(decoding: bytes.bytes[after...].prefix(200), as: UTF8.self)
                let cueText = String(decoding: cue, as: UTF8.self)
                let login = FieldLexicon.loginCues.contains(cueText)
                // The value right after the cue, else after a few words that end in "is" or a colon ("the
                // attempt ID from the exam log is 7718203") — for a session, or a user cue of several words.
                let far = field == .sessionID || login || cueText.includes(" ")
                guard
                    let value = value(after: rest, field: field, original: text, offset: after, login: login)
                        ?? (far ? linkedValue(after: rest, field: field, original: text, login: login) : nil)
                else {
                    cueNearEnd = cueNearEnd || bytes.bytes.count - after <= 60
                    continue
                }
                // "dp-22817 (session 44910), dp-23051 (session 44923)": one session per user, none is the
                // report's.
                if field == .sessionID,
                    bytes.occurrences(of: cue).prefix(8).contains(where: { other in
                        other > start
                            && Self.value(
                                after: String(decoding: bytes.bytes[(other + cue.count)...].prefix(200), as: UTF8.self),
                                field: field, original: text, offset: 0, login: false
                            ).map { $0 != value } == true
                    })
                {
                    return (nil, false)
                }
                return (Found(value: value, cue: cueText, line: index), false)
            }
        }
        return (nil, cueNearEnd)
    }

    /// A user's ID in brackets after a word for the person, whatever the institution calls the number: "a
    /// student (n.º de expediente 20231177)", "학생 한 명(학번 20231204)", "sinh viên Trần Minh Khoa (mã SV:
    /// B21DCCN123)", "une étudiante (code permanent TREG12569801)". The bracket holds one to four words naming the
    /// number (a course code alone, "candidates (ECON2043)", is no user) and then
    /// one ID with a digit, nothing after it; a room, seat or phone in brackets is no user.
    static func bracketedUsers(in lines: [(index: Int, text: Substring)]) -> [Found] {
        var found: [Found] = []
        for (index, text) in lines where text.utf8.count <= 4000 {
            var rest = text[...]
            var brackets = 0
            while let open = rest.firstIndex(where: { $0 == "(" || $0 == "（" }), found.count < 20, brackets < 40 {
                brackets += 1
                let inside = rest[rest.index(after: open)...]
                guard let close = inside.prefix(80).firstIndex(where: { $0 == ")" || $0 == "）" }) else { break }
                defer { rest = inside[inside.index(after: close)...] }
                let before = text[..<open].suffix(40).lowercased()
                guard
                    LabelledLines.personStems.contains(where: { before.includes($0) })
                        || personWords.contains(where: { before.includes($0) })
                else { continue }
                let words = ValueShape.tokens(inside[..<close])
                // Several users in the bracket, perhaps after a label: "(ab2201, cd2214 och ef2230)",
                // "(JMBAG 0036512784 i 0036519033)".
                let listed = words.filter { !listWords.contains($0.lowercased()) }
                if let first = listed.firstIndex(where: ValueShape.hasDigit), first <= 1,
                    listed.count - first >= 2,
                    listed[first...].allSatisfy({
                        Self.pattern($0) == Self.pattern(listed[first]) && $0.count >= 4
                            && ValueShape.isUserID($0, login: false) && !ValueShape.looksLikeDateOrTime($0)
                    }),
                    !listed[..<first].contains(where: { notPeopleNumbers.contains($0.lowercased()) || namesAPlace($0) })
                {
                    found.append(
                        Found(
                            value: String(listed[first]), cue: "(list)", line: index,
                            more: listed[(first + 1)...].map(String.init)))
                    continue
                }
                guard let id = words.last, (2...5).contains(words.count), ValueShape.hasDigit(id), id.count >= 4,
                    ValueShape.isUserID(id, login: false), !ValueShape.looksLikeDateOrTime(id),
                    !words.dropLast().contains(where: { word in
                        ValueShape.hasDigit(word) || notPeopleNumbers.contains(word.lowercased()) || namesAPlace(word)
                    })
                else { continue }
                found.append(
                    Found(value: String(id), cue: "(" + words.dropLast().joined(separator: " ") + ")", line: index))
            }
        }
        return found
    }

    /// An ID's pattern of letters and digits ("ab2201" and "cd2214" are both "aadddd"): the users of one
    /// list share it.
    static func pattern(_ id: some StringProtocol) -> String {
        String(id.map { $0.isNumber ? "d" : $0.isLetter ? "a" : $0 })
    }

    /// Words that join the items of a list.
    static let listWords: Set<String> = [
        "and", "und", "et", "y", "e", "i", "и", "&", "och", "og", "en", "ve", "és", "a", "și", "и", "і", "ja",
    ]

    /// Words for a person in scripts and languages the stems of `LabelledLines.personStems` miss.
    static let personWords = [
        "학생", "นักศึกษา", "sinh viên", "סטודנט", "φοιτητ", "étudiant", "alumn", "студент", "学生", "考生", "受験者",
        "candidat", "aluna", "aluno", "študent", "studerende", "opiskelij", "elev", "studenat", "jmbag",
    ]
    /// Numbers in brackets that are not a user's: rooms, seats, phones.
    /// A word of a script without spaces that names a room or seat ("電腦教室", "考場", "座位"): the number after it
    /// is the place's.
    static func namesAPlace(_ word: some StringProtocol) -> Bool {
        word.first?.isCJK == true && ["教室", "考場", "考场", "座位", "会場", "試験室", "강의실", "교실"].contains { word.includes($0) }
    }

    static let notPeopleNumbers: Set<String> = [
        "room", "seat", "desk", "table", "phone", "tel", "tel.", "ext", "ext.", "raum", "saal", "platz", "salle",
        "aula", "sala", "place", "row", "pc", "computer", "station", "booth", "lab", "poste", "sitz", "mob", "mobile",
        "error", "erreur", "fehler", "errore", "build", "version", "ver", "course", "kurs", "cours", "curso", "corso",
        "module", "class", "group", "order", "invoice", "ticket", "case", "ref", "booking", "exam", "examen",
        "windows", "chrome",
    ]

    /// A user in a pasted log's key=value pairs ("… session=9d41… user=fvp2210487 event=start").
    static func loggedUser(in lines: [(index: Int, text: Substring)]) -> Found? {
        let keys = ["user=", "userid=", "user_id=", "username=", "login=", "student=", "studentid=", "candidate="]
        for (index, text) in lines where text.utf8.count <= 4000 && text.includes("=") {
            for token in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "&" || $0 == "?" }) {
                let lower = token.lowercased()
                guard let key = keys.first(where: { lower.hasPrefix($0) }) else { continue }
                let value = String(token.dropFirst(key.count)).trimmingCharacters("\"'")
                // "login=failed", "user=anonymous": a log's words, not a user — an ID with a digit or a login
                // with a dot or underscore only.
                if ValueShape.isUserID(value, login: false) || ValueShape.markedLogin(value) != nil {
                    return Found(value: value, cue: key, line: index)
                }
            }
        }
        return nil
    }

    /// Plural words for the people who sit exams, after a count ("two of our candidates, MSV-20931 and …").
    static let peoplePlurals: Set<String> = [
        "candidates", "students", "users", "examinees", "learners", "pupils", "kandidaten", "studierende",
        "studenten", "prüflinge", "candidats", "étudiants", "élèves", "candidatos", "alumnos", "estudiantes",
        "candidati", "studenti", "alunos", "studentów", "kandydatów", "öğrenci", "adaylar", "студентов", "студента",
    ]
    static let countWords: [String: Int] = [
        "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dos": 2,
        "tres": 3, "cuatro": 4, "cinco": 5, "due": 2, "tre": 3, "quattro": 4, "dois": 2, "duas": 2, "três": 3,
        "quatro": 4,
    ]

    /// Users counted and then listed ("two candidates (C-104233 and C-104251)", "3 students: 2021110345,
    /// 2021110388, 2021110402"): taken only when the list has exactly as many IDs of one shape as the count says —
    /// "240 students, ACC1012" is a course, not a student.
    static func countedUsers(in lines: [(index: Int, text: Substring)]) -> (ids: [String], line: Int)? {
        for (index, text) in lines where text.utf8.count <= 4000 {
            let words = text.split(whereSeparator: { $0.isWhitespace }).prefix(400).map(String.init)
            for (position, word) in words.enumerated() {
                let bare = word.lowercased().trimmingCharacters(",:;(")
                guard peoplePlurals.contains(bare), position > 0 else { continue }
                let before = words[max(0, position - 3)..<position].map { $0.lowercased() }
                guard
                    let count = before.lazy.compactMap({ Int($0) ?? countWords[$0] }).first,
                    (2...20).contains(count)
                else { continue }
                let after = words[(position + 1)..<min(words.count, position + 1 + count * 3 + 4)]
                    .joined(separator: " ")
                guard let first = ValueShape.tokens(after).first, ValueShape.isUserID(first, login: false),
                    ValueShape.hasDigit(first)
                else { continue }
                let more = ValueShape.listed(after: String(first), in: after)
                if more.count + 1 == count { return ([String(first)] + more, index) }
            }
        }
        return nil
    }

    /// Words that link a cue, qualified by a few words, to its value ("… from the exam log is 7718203").
    static let links = Set([
        "is", "was", "ist", "war", "lautet", "est", "était", "es", "era", "è", "é", "是", "は", "—", "–", "-", "=",
        ":", "→", "была", "было", "był", "była", "是：",
    ]).union(seeingLinks)
    /// "the session thing at the bottom of the screen said 64a1f0c2…": what the screen showed.
    static let seeingLinks: Set<String> = [
        "said", "says", "shows", "showed", "reads", "displays", "displayed", "zeigt", "zeigte", "affiche",
        "affichait", "indique", "dice", "decía", "mostraba", "diz", "mostra", "mostrava", "показывает", "показывало",
    ]

    /// Words between a cue and a link that make the value another thing's (an error code, a ticket, a room).
    static let otherThings: Set<String> = [
        "error", "errors", "code", "message", "reason", "status", "ticket", "order", "booking", "request", "reference",
        "phone", "room", "seat", "fehler", "fehlermeldung", "meldung", "erreur", "código", "codice", "errore", "ошибка",
        "ошибкой", "код", "błąd", "hata", "fout",
    ]

    /// The ID after the cue's qualifying words and a link ("the proctoring session according to our admin view
    /// is HLV-55902-A", "Session/attempt id as shown on the candidate's screen: a3f9c2d17b8e4f60"): at most eight
    /// words, none holding a digit (another ID or a number) and none ending the sentence.
    private static func linkedValue(
        after rest: String, field: IncidentField, original: Substring, login: Bool
    )
        -> String?
    {
        let tokens = rest.split(whereSeparator: { $0.isWhitespace }).prefix(12)
        for (position, token) in tokens.enumerated() {
            guard position < 9 else { return nil }
            let bare = String(token).trimmingCharacters("\"'«»“”()")
            // "Session crashed with error: E12345": the value is the error's, not the session's.
            let word = bare.trimmingCharacters(":：")
            // ("Session reference shown on …:" is the session's own reference.)
            if otherThings.contains(word), !(position == 0 && word == "reference") { return nil }
            // What a screen showed names a session ("the session thing … said 64a1f0c2…"); for a user it is as
            // often an error ("the login page … only shows 503").
            if seeingLinks.contains(bare), field != .sessionID { return nil }
            if links.contains(bare) || bare.hasSuffix(":") || bare.hasSuffix("：") {
                let remainder = tokens.dropFirst(position + 1).joined(separator: " ")
                let found = value(after: remainder, field: field, original: original, offset: 0, login: login)
                // "shows" may be followed by where ("… shows at the bottom of the screen: …").
                if found == nil, seeingLinks.contains(bare) { continue }
                return found
            }
            if token.contains(where: { $0.isNumber }) { return nil }
            if let last = bare.last, ".!?;".contains(last) { return nil }
        }
        return nil
    }

    /// The ID after a cue: through filler words only, within five tokens.
    private static func value(
        after rest: String, field: IncidentField, original: Substring, offset: Int, login: Bool
    ) -> String? {
        let tokens = rest.split(whereSeparator: { $0.isWhitespace }).prefix(6)
        var linked = false
        for (position, token) in tokens.enumerated() {
            var cleaned = ValueShape.tokens(token).first.map(String.init) ?? ""
            // An ID glued to the Chinese or Japanese text after it ("A2314）が…"): it ends where that script begins.
            if cleaned.first?.isASCII == true {
                cleaned = String(cleaned.prefix { $0.unicodeScalars.first.map { $0.value < 0x2E80 } ?? false })
            }
            let bare = String(token).trimmingCharacters(":：,.;!?()[]\"'«»“”")
            if cleaned.isEmpty || fillers.contains(bare) || fillers.contains(String(token)) {
                linked =
                    linked || ["is", "ist", "est", "es", "è", "é", ":", "is:", "be", "lautet", "je"].contains(bare)
                    || token.hasSuffix(":")
                continue
            }
            // The value is taken as written (the rest above is lower-cased): find it in the original line.
            guard let original = originalToken(cleaned, in: original) else { return nil }
            switch field {
            case .userID:
                // A login read from prose needs a digit or a separator ("ivanova.ea"): a plain word after
                // "login" is more likely the next word of the sentence ("after the login compare …").
                let loginLike = original.contains { "._-@".contains($0) }
                if ValueShape.isUserID(original, login: login && loginLike) { return original }
                // "My username is gkonstantinou.": a plain login word, when "is" or a colon links it and the
                // sentence ends after it, and it is no word of the sentence ("is blocked", "is correct").
                let ends = position + 1 == tokens.count || token.last.map { ".,;!".contains($0) } == true
                return login && linked && ends && Self.isPlainLogin(original) ? original : nil
            case .sessionID: return ValueShape.isSessionID(original) ? original : nil
            default: return nil
            }
        }
        return nil
    }

    /// Words that end "my username is …" without being a login.
    static let notLogins: Set<String> = [
        "correct", "right", "wrong", "fine", "valid", "invalid", "blocked", "locked", "disabled", "expired", "active",
        "inactive", "missing", "unknown", "different", "same", "there", "here", "gone", "empty", "new", "old", "mine",
        "not", "also", "still", "the", "this", "that", "below", "above", "attached", "ok", "okay", "fine", "visible",
        "shown", "rejected", "accepted", "working", "broken", "suspended", "deleted", "changed", "registered",
    ]

    /// A lower-case word of 5–32 ASCII letters that is not an ordinary word ending a sentence.
    static func isPlainLogin(_ word: String) -> Bool {
        guard (5...32).contains(word.count), word.allSatisfy({ $0.isASCII && $0.isLowercase }),
            !notLogins.contains(word)
        else { return false }
        return !["ed", "ing", "able", "ible", "ful", "less", "ous", "ive", "ly"].contains(where: word.hasSuffix)
    }

    /// `lowered` as it is written in `line` (the same characters in their original case).
    private static func originalToken(_ lowered: String, in line: Substring) -> String? {
        for token in ValueShape.tokens(line) where token.lowercased() == lowered { return String(token) }
        // Glued to a CJK cue ("学号2023104417"): the ID is a run inside a larger token.
        for token in ValueShape.tokens(line) {
            if let range = token.lowercased().firstRange(of: lowered) {
                let start = token.index(
                    token.startIndex,
                    offsetBy: token.lowercased().distance(
                        from: token.lowercased().startIndex, to: range.lowerBound))
                return String(token[start...].prefix(lowered.count))
            }
        }
        return nil
    }

    /// Session IDs recognisable by shape alone (UUIDs, `sess_…`/`session-…` tokens), outside URLs and outside
    /// lines that name another kind of reference (request, trace, order, booking, ticket).
    static func sessionShapes(in lines: [(index: Int, text: Substring)]) -> [Found] {
        var found: [Found] = []
        let otherReferences = [
            "request", "trace", "correlation", "order", "booking", "ticket", "incident", "reference", "ref.",
            "anfrage", "bestell", "buchung", "référence", "commande", "pedido", "reserva", "ordine", "заказ", "заявк",
            "referentie", "zamówienie", "sipariş", "meeting", "zoom", "error id", "fehler-id",
        ]
        for (index, text) in lines {
            guard text.count <= 4000 else { continue }
            let lower = text.lowercased()
            if otherReferences.contains(where: { lower.includes($0) }) { continue }
            for token in ValueShape.tokens(text) where !token.includes("://") && !token.includes("/") {
                let lowerToken = token.lowercased()
                let tagged =
                    ["sess_", "sess-", "session_", "session-", "sid_", "sid-"].contains { lowerToken.hasPrefix($0) }
                    && token.count >= 8 && ValueShape.hasDigit(token)
                if ValueShape.isUUID(token) || tagged {
                    found.append(Found(value: String(token), cue: tagged ? "token" : "uuid", line: index))
                }
            }
        }
        return found
    }
}
