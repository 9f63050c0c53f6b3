public import MIME

/// Reads incident fields from what OCR recognised in a screenshot: the server and a session in the browser's
/// address bar, labelled values on the page ("Sitzungs-ID: …", with the extraction's own lexicon), the time on a
/// labelled line or on the task-bar clock.
///
/// Precision first — a wrong session ID is worse than none: a value passes the same shape checks as a typed one,
/// every word it comes from must have been read with at least `minimumConfidence`, look-alike characters are
/// folded only where the shape leaves no doubt (`O`→`0` inside a number), and a value that looks garbled (a UUID
/// with a group too short) is refused rather than guessed. Pure and bounded: at most `maxLines` lines per region
/// are read, each at most 400 characters.
public struct ScreenshotFields: Sendable {
    /// One value read from a screenshot.
    public struct Finding: Sendable, Equatable {
        public var field: IncidentField
        /// The value; for the time of detection, the text it was read from.
        public var value: String
        /// For the time of detection: seconds since 1970, UTC.
        public var seconds: Int64?
        public var region: RecognisedText.RegionKind
        /// The recognised line it was read from.
        public var line: String
        /// How it was read: "address bar", "label sitzungs-id", "task-bar clock".
        public var rule: String
        /// The lowest confidence of the words it came from.
        public var confidence: Double
    }

    /// The least word confidence (0–100) a value is taken with.
    public var minimumConfidence: Double
    static let maxLines = 200
    private let labels: LabelledLines
    /// The ID labels (accents removed, lower case), to recognise one OCR misread by a letter ("sesién", "sesi6n").
    private let idLabels: [String]

    public init(profile: IncidentProfile = IncidentProfile(), minimumConfidence: Double = 80) {
        // OCR often loses accents ("sesion", "Numero etudiant"): each label also without them.
        var labels = profile.labels
        for (field, names) in labels {
            labels[field] = names + names.map(Self.withoutAccents).filter { !names.contains($0) }
        }
        self.labels = LabelledLines(labels: labels)
        idLabels = Array(Set(((labels[.sessionID] ?? []) + (labels[.userID] ?? [])).map(Self.withoutAccents)))
            .filter { $0.count >= 6 }.sorted()
        self.minimumConfidence = minimumConfidence
    }

    static func withoutAccents(_ text: String) -> String {
        let plain: [Character: String] = [
            "á": "a", "à": "a", "â": "a", "ä": "a", "ã": "a", "é": "e", "è": "e", "ê": "e", "ë": "e", "í": "i",
            "ì": "i",
            "î": "i", "ï": "i", "ó": "o", "ò": "o", "ô": "o", "ö": "o", "õ": "o", "ú": "u", "ù": "u", "û": "u",
            "ü": "u",
            "ñ": "n", "ç": "c", "ß": "ss",
        ]
        return text.map { plain[$0] ?? String($0) }.joined()
    }

    /// The fields `text` shows, at most one per field (the best-placed reading first: the address bar for the
    /// server, a label for IDs and the time, then the clock). `reference` is the email's Date: a time without a
    /// date or zone is read in it, and a time after it (or more than two days before) is refused.
    /// `isCandidateServer` is the extractor's own test (not a mail provider, not ours, a known server if any are
    /// configured).
    public func read(
        _ text: RecognisedText, reference: MessageDate?, isCandidateServer: (String) -> Bool = { _ in true }
    ) -> [Finding] {
        var found: [IncidentField: Finding] = [:]
        func take(_ finding: Finding) {
            guard finding.confidence >= minimumConfidence, found[finding.field] == nil else { return }
            found[finding.field] = finding
        }
        // 1. The address bar: the first URL whose host has a known top-level domain. It is read twice: in the top
        // strip at 2× and at the top of the page at 1×. A value is taken from one reading when the other shows it
        // too; a different reading of the same host or session means one of them is wrong.
        let barLines = Self.bounded(text.lines(in: .addressBar))
        let pageLines = Self.bounded(text.lines(in: .page))
        let pageURLs = pageLines.compactMap { Self.normalisedAddress($0.text) }.flatMap {
            ServerAddress.candidates(in: $0)
        }
        let pageHosts = Set(pageURLs.compactMap(ServerAddress.host(of:)))
        let pageSessions = Set(pageURLs.compactMap(ServerAddress.sessionID(inURL:)))
        let pageTexts = pageLines.flatMap { [$0.text] + ($0.readings ?? []) }.map(Self.withFoldedHosts)
        let barTexts = barLines.map { Self.withFoldedHosts($0.text) }
        func contradicted(_ value: String, by others: Set<String>) -> Bool {
            !others.contains(value) && others.contains { Self.nearlyEqual($0, value) }
        }
        let readings =
            barLines.map { (line: $0, others: pageTexts, region: RecognisedText.RegionKind.addressBar) }
            + pageLines.prefix(4).map { (line: $0, others: barTexts, region: RecognisedText.RegionKind.page) }
        for reading in readings {
            let line = reading.line
            func confirmed(_ value: String) -> Bool { reading.others.contains { $0.contains(value) } }
            guard let normalised = Self.normalisedAddress(line.text) else { continue }
            // With a scheme in the line, only the URL that starts with it: OCR that put a space into the host
            // ("https://proctoring. polimi.it") leaves a shorter host behind it.
            let hasScheme = normalised.lowercased().includes("http")
            for candidate in ServerAddress.candidates(in: normalised)
            where !hasScheme || candidate.lowercased().hasPrefix("http") {
                guard let host = ServerAddress.host(of: candidate), Self.isPlainHost(candidate, host: host),
                    isCandidateServer(candidate), !contradicted(host, by: pageHosts), confirmed(host)
                else { continue }
                let confidence = Self.confidence(of: host, in: line)
                take(
                    Finding(
                        field: .server, value: host, region: reading.region, line: line.text, rule: "address bar",
                        confidence: confidence))
                if let session = ServerAddress.sessionID(inURL: candidate), !Self.looksGarbled(session),
                    !Self.hasDoubtfulLookAlike(session),
                    !contradicted(session, by: pageSessions), confirmed(session)
                {
                    take(
                        Finding(
                            field: .sessionID, value: session, region: reading.region, line: line.text,
                            rule: "session in the address bar", confidence: Self.confidence(of: session, in: line)))
                }
                break
            }
            if found[.server] != nil { break }
        }
        // 2. Labelled values on the page, read with the extraction's lexicon.
        let strings = pageLines.map { Substring(repairedLabel($0.text)) }
        var labelled: [IncidentField: Finding] = [:]
        for match in labels.matches(in: strings) where match.separated {
            let line = pageLines[match.lines.last ?? match.lines[0]]
            let rule = "label " + match.label
            switch match.field {
            case .sessionID, .userID:
                // The line's readings vote: an ID is taken when two of them (at different scales) show it, or the
                // one reading of a line read once.
                let texts = [line.text] + (line.readings ?? [])
                var votes: [String: Int] = [:]
                for text in texts {
                    guard let id = cellID(in: text, field: match.field) else { continue }
                    votes[id, default: 0] += 1
                }
                // …and no reading shows another ID ("T696276" read as "7696276" twice and right once: none is sure).
                let needed = texts.count > 1 ? 2 : 1
                guard votes.count == 1, let (id, count) = votes.first, count >= needed else { continue }
                // The characters' confidence where the chosen reading shows the value; a value only the other
                // readings show as it is (folded, or read right only at 1× and 3×) is taken on their agreement.
                let shown = Self.confidence(of: id, in: line)
                let confidence = shown > 0 ? shown : minimumConfidence
                if labelled[match.field] == nil || (labelled[match.field]?.confidence ?? 0) < minimumConfidence {
                    labelled[match.field] = Finding(
                        field: match.field, value: id, region: .page, line: line.text, rule: rule,
                        confidence: confidence)
                }
            case .detectedAt:
                guard let seconds = DetectionTime.parse(match.value, reference: reference),
                    Self.isPlausible(seconds, reference: reference)
                else { continue }
                let words = match.value.split(separator: " ").prefix(3).map(String.init)
                let confidence = words.map { Self.confidence(of: $0, in: line) }.min() ?? 0
                if labelled[.detectedAt] == nil {
                    labelled[.detectedAt] = Finding(
                        field: .detectedAt, value: match.value, seconds: seconds, region: .page, line: line.text,
                        rule: rule, confidence: confidence)
                }
            default:
                continue
            }
        }
        // A session read both in the address bar and on the page must agree; when they differ, neither is sure.
        if let page = labelled[.sessionID], let bar = found[.sessionID], page.value != bar.value {
            found[.sessionID] = nil
            labelled[.sessionID] = nil
        }
        for field in [IncidentField.sessionID, .userID, .detectedAt] {
            if let finding = labelled[field] { take(finding) }
        }
        // 3. The clock: a time, perhaps a date, in a corner of the screen.
        if found[.detectedAt] == nil {
            for region in text.regions where region.kind == .clock {
                let lines = Self.bounded(region.lines)
                guard let index = lines.lastIndex(where: { Self.hasTimeOfDay($0.text) }) else { continue }
                // The date is the line under the time (Windows; a language indicator may be read between them) or
                // beside it (macOS).
                let used = [lines[index]] + lines[(index + 1)...].prefix(2).filter { Self.hasDigitRun($0.text) }
                let joined = used.map(\.text).joined(separator: " ")
                guard let seconds = DetectionTime.parse(joined, reference: reference),
                    Self.isPlausible(seconds, reference: reference)
                else { continue }
                let confidence = used.flatMap(\.words).filter { Self.hasDigitRun($0.text) }.map(\.confidence).min() ?? 0
                take(
                    Finding(
                        field: .detectedAt, value: joined, seconds: seconds, region: .clock, line: joined,
                        rule: "clock", confidence: confidence))
            }
        }
        return [IncidentField.server, .sessionID, .userID, .detectedAt].compactMap { found[$0] }
    }

    /// The ID a labelled line shows for `field`: a value alone in its cell (more after it means OCR split it:
    /// "354ec9da-b31b-a825 -b34f …", "pet rovel"), look-alikes folded, with the field's shape; else nil.
    /// `text` (its first 400 characters) with an ID label OCR misread by one letter written as the lexicon has it
    /// ("Identificador de sesién: …" → "identificador de sesion: …"), and an underscore OCR set apart joined again
    /// ("sess _dkgrn7…" → "sess_dkgrn7…").
    func repairedLabel(_ text: String) -> String {
        var line = String(text.prefix(400))
        for (spaced, joined) in [(" _ ", "_"), (" _", "_"), ("_ ", "_")] {
            line = line.replacing(spaced, with: joined)
        }
        // The whole text before the colon is compared ("identificador" alone is a user label: "Identificador de
        // sesién" must not stop there).
        guard let colon = line.firstIndex(of: ":"), line.distance(from: line.startIndex, to: colon) <= 40
        else { return line }
        let before: Substring = line[..<colon]
        let label = Self.withoutAccents(String(Substring(before.lowercased()).trimmingWhitespace))
        guard label.count >= 6,
            let known = idLabels.first(where: { abs($0.count - label.count) <= 1 && Self.distance($0, label) <= 1 })
        else { return line }
        return known + line[colon...]
    }

    /// Another reading of a labelled line may have misread the label ("sesién"): its value is what follows its colon.
    func cellID(in text: String, field: IncidentField) -> String? {
        let raw: String
        let line = repairedLabel(text)
        if let hit = labels.labelled(LabelledLines.strippingDecoration(Substring(line))), hit.field == field,
            case .value(let value, true) = hit.rest
        {
            raw = value
        } else if let colon = line.firstIndex(of: ":"), line.distance(from: line.startIndex, to: colon) <= 40 {
            raw = String(line[line.index(after: colon)...])
        } else {
            return nil
        }
        let value = LabelledLines.withoutRemark(raw)
        let tokens = ValueShape.tokens(value).filter { !ValueShape.fillers.contains($0.lowercased()) }
        guard tokens.count == 1, let token = tokens.first, let end = line.firstRange(of: token)?.upperBound,
            line[end...].allSatisfy({ $0 == " " || $0 == "." || $0 == "," })
        else { return nil }
        return Self.foldedID(String(token), field: field)
    }

    static func bounded(_ lines: [RecognisedText.Line]) -> [RecognisedText.Line] {
        Array(lines.prefix(maxLines))
    }

    /// Address-bar text as a URL, or nil when its scheme was misread ("https:/host", "https//host"): OCR that
    /// lost a slash may have turned it into a letter of the host ("https:/fproctor…"), so nothing after it is taken.
    static func normalisedAddress(_ text: String) -> String? {
        let line = String(text.prefix(400))
        let lower = line.lowercased()
        for scheme in ["https:/", "http:/", "https//", "http//", "https:", "http:"] {
            guard let range = lower.firstRange(of: scheme) else { continue }
            let complete = scheme.hasSuffix(":/") && lower[range.upperBound...].hasPrefix("/")
            return complete ? withFoldedHosts(line) : nil
        }
        return line
    }

    /// An upper-case `I` in a URL's host is OCR's reading of an `l`: hosts are shown in lower case, and in the
    /// fonts browsers use `I` and `l` are the same stroke (`i` has its dot, `1` its flag).
    static func withFoldedHosts(_ text: String) -> String {
        var result = ""
        var inHost = false
        var rest = Substring(text)
        while let character = rest.first {
            if rest.hasPrefix("://") {
                result += "://"
                rest = rest.dropFirst(3)
                inHost = true
                continue
            }
            if "/?# ".contains(character) { inHost = false }
            result.append(inHost && character == "I" ? "l" : character)
            rest = rest.dropFirst()
        }
        return result
    }

    /// Whether two readings of one value differ by a character or two (the same value misread once).
    static func nearlyEqual(_ a: String, _ b: String) -> Bool {
        a != b && abs(a.count - b.count) <= 2 && distance(a, b) <= 2
    }

    /// The edit distance of the first 100 characters of `a` and `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(100))
        let b = Array(b.prefix(100))
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }

    /// A host as browsers show it: lower case (an upper-case letter is OCR's guess at an `l` or an `i`), with a
    /// known top-level domain and a letter in its name.
    static func isPlainHost(_ candidate: String, host: String) -> Bool {
        var shown = Substring(candidate)
        if let scheme = shown.firstRange(of: "://") { shown = shown[scheme.upperBound...] }
        shown = shown.prefix { $0 != "/" && $0 != "?" && $0 != ":" && $0 != "#" }
        guard !shown.contains(where: \.isUppercase) else { return false }  // "I" was folded to "l" before
        let labels = host.split(separator: ".")
        guard let top = labels.last, TopLevelDomains.known.contains(String(top)) else { return false }
        return labels.dropLast().contains { label in label.contains(where: { $0.isLetter }) }
    }

    /// Look-alikes folded where the shape leaves no doubt, then the field's shape; nil for a value that looks
    /// garbled or has no ID's shape.
    static func foldedID(_ raw: String, field: IncidentField) -> String? {
        var token = raw
        // In the part from the first digit on, a value whose only letters are look-alikes of digits is a number.
        if let firstDigit = token.firstIndex(where: { $0.isASCII && $0.isNumber }) {
            let tail = token[firstDigit...]
            let letters = tail.filter { $0.isLetter || $0 == "|" }
            let lookAlikes: [Character: Character] = ["O": "0", "o": "0", "l": "1", "I": "1", "|": "1"]
            if !letters.isEmpty, letters.allSatisfy({ lookAlikes[$0] != nil }), tail.count - letters.count >= 4 {
                token = String(token[..<firstDigit]) + String(tail.map { lookAlikes[$0] ?? $0 })
            }
        }
        // A UUID's groups with non-hex look-alikes folded.
        let groups = token.split(separator: "-", omittingEmptySubsequences: false)
        if groups.count == 5 {
            let folded = token.map { character -> Character in
                switch character {
                case "O", "o": return "0"
                case "l", "I", "|": return "1"
                default: return character
                }
            }
            token = String(folded)
        }
        if looksGarbled(token) || hasDoubtfulLookAlike(token) { return nil }
        switch field {
        case .sessionID: return ValueShape.isSessionID(token, labelled: true) && token.count >= 4 ? token : nil
        case .userID: return ValueShape.isUserID(token, login: true) ? token : nil
        default: return nil
        }
    }

    /// A character OCR confuses with another that the rest of the token makes doubtful: an upper-case `S`, `O`, `Q`,
    /// `D`, `I`, `Z`, `B` or `G` among lower-case letters ("sess_jfqS5ph…"), an `l`, `o`, `O` or `I` in a
    /// hexadecimal token ("6d868794cl6a": `1` or `l`?), such a letter beside a digit ("ivanoval9"), or a single
    /// slash.
    static func hasDoubtfulLookAlike(_ token: String) -> Bool {
        // One slash in an ID on a screen is more often a stroke OCR added ("ivanova/72") than a separator.
        if token.filter({ $0 == "/" }).count == 1 { return true }
        // A letter that looks like a digit next to a digit: "ivanoval9" (or "ivanova19"?).
        let characters = Array(token)
        let digitLike: Set<Character> = ["l", "I", "O", "o", "S", "B", "Z", "|"]
        for index in characters.indices where digitLike.contains(characters[index]) {
            let neighbours = [index - 1, index + 1].filter(characters.indices.contains).map { characters[$0] }
            if neighbours.contains(where: { $0.isASCII && $0.isNumber }) { return true }
        }
        let letters = token.filter(\.isLetter)
        let capitals: Set<Character> = ["S", "O", "Q", "D", "I", "Z", "B", "G"]
        if letters.contains(where: \.isLowercase), letters.contains(where: capitals.contains),
            letters.allSatisfy({ $0.isLowercase || capitals.contains($0) })
        {
            return true
        }
        let hexLookAlikes: Set<Character> = ["l", "o", "O", "I"]
        let digits = token.filter { $0.isASCII && $0.isNumber }.count
        return digits >= 4 && letters.contains(where: hexLookAlikes.contains)
            && letters.allSatisfy { $0.isHexDigit || hexLookAlikes.contains($0) }
    }

    /// A value that was surely misread: hex groups joined by hyphens that do not make a UUID (a group lost or
    /// gained a character), or a character no ID has.
    static func looksGarbled(_ token: String) -> Bool {
        let groups = token.split(separator: "-", omittingEmptySubsequences: false)
        if groups.count >= 4, groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) { return !ValueShape.isUUID(token) }
        if groups.count == 5, groups.map(\.count) == [8, 4, 4, 4, 12] { return !ValueShape.isUUID(token) }
        return !token.allSatisfy(ValueShape.isIDCharacter)
    }

    /// The lowest confidence of the characters `value` was read from (of the words, where it spans several);
    /// 0 when it cannot be found in the line.
    static func confidence(of value: String, in line: RecognisedText.Line) -> Double {
        for word in line.words {
            // A host is looked for as read with "I" folded to "l" (the same characters, so the same offsets).
            let shown = withFoldedHosts(word.text)
            guard let range = shown.firstRange(of: value) else { continue }
            let start = shown.distance(from: shown.startIndex, to: range.lowerBound)
            return word.confidence(ofCharacters: start..<(start + value.count))
        }
        let overlapping = line.words.filter { $0.text.count >= 2 && value.contains($0.text) }
        return overlapping.map(\.confidence).min() ?? 0
    }

    /// Not after the email (a minute's grace for clocks) and at most two days before it.
    static func isPlausible(_ seconds: Int64, reference: MessageDate?) -> Bool {
        guard let reference else { return true }
        return seconds <= reference.secondsSince1970 + 60 && seconds >= reference.secondsSince1970 - 2 * 86_400
    }

    static func hasTimeOfDay(_ text: String) -> Bool {
        let characters = Array(text.prefix(80))
        for index in characters.indices.dropFirst().dropLast(2) where characters[index] == ":" {
            if characters[index - 1].isNumber, characters[index + 1].isNumber, characters[index + 2].isNumber {
                return true
            }
        }
        return false
    }

    static func hasDigitRun(_ text: String) -> Bool {
        text.contains { $0.isASCII && $0.isNumber }
    }
}
