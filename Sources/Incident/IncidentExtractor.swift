public import MIME
import Digest

/// Turns a parsed email into an incident report: reads the fields the policy requires, decides which
/// are missing, and triages the report (automated?, category, severity, ticket reference).
///
/// Pure and synchronous: the same message and profile always give the same report.
public struct IncidentExtractor: Sendable {
    public var profile: IncidentProfile
    private let labels: LabelledLines
    private let customLabels: LabelledLines

    public init(profile: IncidentProfile = IncidentProfile()) {
        self.profile = profile
        labels = LabelledLines(labels: profile.labels)
        var custom: [IncidentField: [String]] = [:]
        for field in profile.customFields { custom[field.field] = field.labels }
        customLabels = LabelledLines(labels: custom)
    }

    /// The most text read from one email; a report is never longer, and the cap keeps hostile
    /// multi-megabyte bodies from costing more than a normal one.
    static let maxTextLength = 256 * 1024

    public func extract(_ message: MIMEMessage, content: MessageContent) -> IncidentReport {
        let envelope = content.envelope
        let reporter = envelope.from.first ?? envelope.sender.first
        let subject = envelope.subject.map(SecretMasker.masked)

        // The reporter's words: the body text, then each forwarded message. Each source is read on its own, so
        // the forwarder's signature does not cut off the forwarded report; each keeps its own Date, the zone a
        // time written without one is in.
        var budget = Self.maxTextLength
        var lines: [Substring] = []
        var lineDates: [MessageDate?] = []
        var answers: [IncidentField?] = []
        let forward = ReporterText.isForwardSubject(envelope.subject)
        for source in reporterSources(message, content: content) where budget > 0 {
            let text = SecretMasker.masked(String(source.text.prefix(budget)))
            budget -= text.utf8.count
            if !lines.isEmpty {
                lines.append("")
                lineDates.append(source.date)
                answers.append(nil)
            }
            let sourceLines = ReporterText.ownLines(of: text, subjectIsForward: forward, ours: profile.ownAnswers)
            lines += sourceLines.map(\.text)
            answers += sourceLines.map(\.answers)
            // A line of an inline-forwarded message belongs to that message's day and time.
            var forwarded: (text: Substring, date: MessageDate?)? = nil
            lineDates += sourceLines.map { line in
                guard let text = line.forwardedDate, let reference = source.date else { return source.date }
                if forwarded?.text != text {
                    forwarded = (text, Self.forwardedDate(text, forwardedIn: reference))
                }
                return forwarded?.date ?? source.date
            }
        }
        var reading = Reading(lines: lines)

        // 1. Labels: "Session ID: …", "Matrikelnummer 3318842", "■学籍番号：A230417".
        for match in labels.matches(in: lines) {
            reading.read(match, lineDates: lineDates, reference: envelope.date)
        }
        for match in customLabels.matches(in: lines) {
            reading.usedLines.formUnion(match.lines)
            guard reading.values[match.field] == nil, let value = customValue(match) else { continue }
            reading.set(
                match.field, value,
                FieldSource(kind: .label, detail: match.label, line: lines[match.lines[0]], isSure: true))
        }
        // Answers written under our quoted questions: the question says which field the answer is.
        for (index, field) in answers.enumerated() {
            guard let field, !reading.usedLines.contains(index) else { continue }
            let source = FieldSource(kind: .label, detail: "answer to our question", line: lines[index], isSure: true)
            let text = Self.withoutAnswerMarker(lines[index])
            var taken = false
            switch field {
            case .server:
                if let address = ServerAddress.fromLabelledValue(String(text)), isCandidateServer(address) {
                    reading.set(.server, address, source)
                    taken = true
                }
            case .sessionID, .userID:
                if let id = ValueShape.firstID(in: text, field: field, login: true) {
                    reading.set(field, id, source)
                    taken = true
                } else if let id = ValueShape.onlyID(in: text, field: field),
                    !Self.namesAnotherThing(before: id, in: text)
                {
                    // "lo studente accede con s298114", "Roll no. NMCB/FMGE/26/004719": the one ID in the answer,
                    // shown back to the reporter.
                    var probable = source
                    probable.isSure = false
                    reading.set(field, id, probable)
                    taken = true
                }
            case .detectedAt:
                if let time = DetectionTime.parse(text, reference: lineDates[index] ?? envelope.date),
                    reading.detectedAt == nil
                {
                    reading.detectedAt = time
                    reading.sources[.detectedAt] = source
                    taken = true
                }
            default:
                break
            }
            if taken { reading.usedLines.insert(index) }
        }
        // 2. Tables of affected users, read by header and column: in the text, else in the HTML (a plain-text
        // alternative often flattens a table into one cell per line).
        var columns = TableReader(labels: labels).columns(in: lines)
        if columns.isEmpty, let html = content.html, html.utf8.count <= 1 << 20, content.text != nil {
            let rendered = SecretMasker.masked(String(HTMLText.text(fromHTML: html).prefix(Self.maxTextLength)))
            let own = ReporterText.lines(of: rendered, subjectIsForward: forward, ours: profile.ownAnswers)
            columns = TableReader(labels: labels).columns(in: own).map { column in
                var column = column
                column.line = -1
                return column
            }
        }
        for column in columns {
            let source = FieldSource(
                kind: .table, detail: column.label, line: column.line >= 0 ? lines[column.line] : nil, isSure: true)
            // A column of the times each user was affected: the first of them, when no label gave one.
            if column.field == .detectedAt {
                let date = column.line >= 0 ? lineDates[column.line] ?? envelope.date : envelope.date
                guard reading.detectedAt == nil, let date else { continue }
                // "ayer", "yesterday" in the sentence above the table holds for its times.
                var days = 0
                if column.line > 0 {
                    // The lines just above the header: the sentence that introduces the table.
                    let above = lines[max(0, column.line - 8)..<column.line].joined(separator: " ").suffix(1000)
                    let tokens = DetectionTime.Token.scan(String(above))
                    days = DetectionTime.relativeDays(tokens, in: 0..<tokens.count) ?? 0
                }
                let times = column.values.compactMap { DetectionTime.parse($0, reference: date) }
                    .map { $0 + Int64(days) * 86_400 }
                    .filter { $0 <= date.secondsSince1970 + 60 && $0 >= date.secondsSince1970 - 3 * 86_400 }
                if let first = times.min() {
                    reading.detectedAt = first
                    reading.sources[.detectedAt] = FieldSource(
                        kind: .table, detail: "time column", line: source.line, isSure: false)
                }
                continue
            }
            if column.field == .userID, reading.userIDs.isEmpty { reading.userIDs = column.values }
            reading.set(column.field, column.values[0], source)
        }
        // 3. Values inside sentences, in the reporter's words and the subject.
        var prose = lines.enumerated().map { (index: $0.offset, text: $0.element) }
        if let subject { prose.append((index: -1, text: Substring(subject))) }
        func line(_ index: Int) -> String { index >= 0 ? String(lines[index]) : (subject ?? "") }
        for found in ProseValues.find(.userID, cues: FieldLexicon.userCues, in: prose) {
            reading.set(
                .userID, found.value,
                FieldSource(kind: .prose, detail: found.cue, line: line(found.line), isSure: false))
            // "Student numbers 219034561 and 219087712": the users of one sentence.
            if reading.userIDs.isEmpty, reading.values[.userID] == found.value, found.line >= 0 {
                let more = ValueShape.listed(after: found.value, in: lines[found.line])
                if !more.isEmpty { reading.userIDs = [found.value] + more }
            }
        }
        if reading.values[.userID] == nil, let bracketed = ProseValues.bracketedUsers(in: prose).first {
            reading.set(
                .userID, bracketed.value,
                FieldSource(kind: .prose, detail: bracketed.cue, line: line(bracketed.line), isSure: false))
            if !bracketed.more.isEmpty, reading.userIDs.isEmpty { reading.userIDs = [bracketed.value] + bracketed.more }
        }
        if reading.values[.userID] == nil, let logged = ProseValues.loggedUser(in: prose) {
            reading.set(
                .userID, logged.value,
                FieldSource(kind: .prose, detail: logged.cue, line: line(logged.line), isSure: false))
        }
        if reading.values[.userID] == nil, let counted = ProseValues.countedUsers(in: prose) {
            reading.set(
                .userID, counted.ids[0],
                FieldSource(kind: .prose, detail: "counted list", line: line(counted.line), isSure: false))
            reading.userIDs = counted.ids
        }
        for found in ProseValues.find(.sessionID, cues: FieldLexicon.sessionCues, in: prose) {
            reading.set(
                .sessionID, found.value,
                FieldSource(kind: .prose, detail: found.cue, line: line(found.line), isSure: false))
        }
        let shapes = ProseValues.sessionShapes(in: prose)
        // "session 8d2c61fa state=DISCONNECTED" in a log, the UUID it abbreviates written in full elsewhere: the
        // full one is the ID.
        if reading.sources[.sessionID]?.kind == .prose, let short = reading.values[.sessionID],
            let full = shapes.first(where: { $0.value.count > short.count && $0.value.hasPrefix(short) })
        {
            reading.values[.sessionID] = nil
            reading.set(
                .sessionID, full.value,
                FieldSource(kind: .shape, detail: full.cue, line: line(full.line), isSure: false))
        }
        if Set(shapes.map(\.value)).count == 1, let shape = shapes.first {
            reading.set(
                .sessionID, shape.value,
                FieldSource(kind: .shape, detail: shape.cue, line: line(shape.line), isSure: false))
        }

        // "login studenta: s21878 / poprawka - s21887, pomyliłam cyfry": a corrected ID of the same shape replaces
        // the one it corrects.
        for (index, text) in lines.enumerated() where text.utf8.count <= 200 {
            guard let id = Self.correctedID(in: text) else { continue }
            for field in [IncidentField.userID, .sessionID] {
                guard let current = reading.values[field], current != id,
                    ProseValues.pattern(current) == ProseValues.pattern(id)
                else { continue }
                reading.values[field] = nil
                if field == .userID { reading.userIDs.removeAll() }
                reading.set(
                    field, id, FieldSource(kind: .label, detail: "correction", line: lines[index], isSure: false))
                break
            }
        }

        // 4. The server: a labelled one, else the first host in the reporter's words that is not a mail
        // provider, ours, or another service's.
        let newText = lines.joined(separator: "\n")
        // The subject's addresses come last ("exam.uni.edu usuario 1045872231 no carga la camara").
        var candidates = (ServerAddress.candidates(in: newText) + ServerAddress.candidates(in: subject ?? ""))
            .filter(isCandidateServer)
        // A bare "www." host is a home page (a signature's, a forwarder's), never the proctoring server read from
        // a sentence; only a label ("Server: www.…") makes it one.
        candidates.removeAll(where: Self.isHomePage)
        // "non è esami.… ma proctoring.…", "not X but Y": a host the reporter says it is not, when another is named.
        // (Only the first few are looked up: each lookup searches the text, and a hostile mail names thousands.)
        let denied = candidates.prefix(8).filter { Self.isDenied($0, in: newText) }
        if !denied.isEmpty, candidates.count > denied.count { candidates.removeAll(where: denied.contains) }
        // "The students start the exam from our Moodle (https://moodle…), the proctoring runs on aufsicht…": the
        // learning platform is where they come from, a proctoring host is the server.
        if let first = candidates.first, Self.isLearningPlatform(first),
            let proctoring = candidates.firstIndex(where: { !Self.isLearningPlatform($0) })
        {
            candidates.insert(candidates.remove(at: proctoring), at: 0)
        }
        if let server = candidates.first {
            reading.set(
                .server, server,
                FieldSource(
                    kind: .url, detail: "first address in the text", line: lineContaining(server, lines), isSure: false)
            )
        }
        let urls = [reading.values[.server]].compactMap { $0 } + candidates
        if let session = urls.lazy.compactMap(ServerAddress.sessionID(inURL:)).first {
            reading.set(
                .sessionID, session,
                FieldSource(
                    kind: .url, detail: "session in the server's URL", line: lineContaining(session, lines),
                    isSure: false))
        }
        if let user = urls.lazy.compactMap(ServerAddress.userID(inURL:)).first {
            reading.set(
                .userID, user,
                FieldSource(
                    kind: .url, detail: "user in the server's URL", line: lineContaining(user, lines), isSure: false))
        }
        if let browser = SoftwareNames.browser(in: newText) {
            reading.set(.browser, browser, FieldSource(kind: .prose, detail: "browser name and version", isSure: false))
        }
        if let os = SoftwareNames.operatingSystem(in: newText) {
            reading.set(.os, os, FieldSource(kind: .prose, detail: "system name and version", isSure: false))
        }

        // 5. The time of detection: labelled, else in a sentence, else the screenshots' names or EXIF. Never a time
        // after the email was written.
        if let time = reading.detectedAt, let date = envelope.date, time > date.secondsSince1970 + 60 {
            reading.detectedAt = nil
            reading.sources[.detectedAt] = nil
        }
        if reading.detectedAt == nil {
            // A labelled line's words after its value are still the reporter's sentence ("Candidate no. 448812
            // got as far as the room scan at 9.50 this morning").
            let values = reading.values.values.filter { $0.count >= 3 }
            let dated = lines.indices.compactMap { index -> (index: Int, text: Substring, date: MessageDate?)? in
                var text = lines[index]
                if reading.usedLines.contains(index) {
                    guard let end = values.compactMap({ text.firstRange(of: $0)?.upperBound }).max() else { return nil }
                    text = text[end...]
                    guard text.split(separator: " ").count >= 4 else { return nil }
                }
                return (index: index, text: text, date: lineDates[index] ?? envelope.date)
            }
            // A time cut by the client's line wrap ("om kwart\nvoor elf", "vers 14h20,\nheure de Paris") is read
            // from the wrapped lines joined, when the lines alone give none.
            if let found = ProseTimes.detectionTime(in: dated) ?? ProseTimes.detectionTime(in: Self.unwrapped(dated)) {
                reading.detectedAt = found.seconds
                reading.sources[.detectedAt] = FieldSource(
                    kind: .prose, detail: found.cue ?? "the only time in the text", line: lines[found.line],
                    isSure: false)
            }
        }
        let screenshots = self.screenshots(content, reference: envelope.date).map { shot in
            var shot = shot
            if let taken = shot.takenAt, let date = envelope.date, taken > date.secondsSince1970 + 60 {
                shot.takenAt = nil
            }
            return shot
        }
        if reading.detectedAt == nil, let shot = screenshots.first(where: { $0.takenAt != nil }) {
            reading.detectedAt = shot.takenAt
            reading.sources[.detectedAt] = FieldSource(
                kind: shot.takenFromName ? .filename : .exif, detail: shot.filename ?? "image", isSure: false)
        }

        let description = describe(lines, skipping: reading.usedLines)
        let isReply = !envelope.inReplyTo.isEmpty || ticketReference(in: envelope.subject) != nil
        // What was written under our questions is judged apart: mostly about the data we asked for.
        let answerLines = Set(answers.indices.filter { answers[$0] != nil && answers[$0] != .description })
        let ownWords = describe(lines, skipping: reading.usedLines.union(answerLines))
        if description.count >= profile.descriptionMinLength,
            DescriptionSubstance.isSubstantive(ownWords, isReply: isReply, answers: answerBlocks(lines, answers))
        {
            reading.values[.description] = description
            reading.sources[.description] = FieldSource(kind: .prose, detail: "the reporter's own words", isSure: true)
        }

        // Triage reads what the reporter says in their own words: never labels, quotes or signatures.
        let searchable = TriageText(subject: subject, description: description)
        let verdict = MTAVerdict.read(message, trusting: profile.trustedMTA)
        // What the sending system wrote itself (its text and footer, not what it quotes): a notification says
        // there that it was generated and must not be answered. Forwards are people's.
        let written =
            forward
            ? ""
            : ReporterText.read(String((content.text ?? "").prefix(64 * 1024)), ours: profile.ownAnswers)
                .filter { $0.role == .own || $0.role == .signature }.map(\.text).joined(separator: "\n")
        let automated = AutomatedMailDetector.reason(
            for: message, envelope: envelope, profile: profile, verdict: verdict, writtenText: written)
        let category =
            profile.categories.first { rule in rule.phrases.contains(where: searchable.contains) }?
            .category ?? "other"
        // A forgotten password is one person's problem, answered with the reset instructions: never critical.
        let severity: Severity = category != "password-reset" && isCritical(searchable) ? .critical : .normal

        var report = IncidentReport(
            reporter: reporter, subject: subject, ticketReference: ticketReference(in: envelope.subject),
            automated: automated, category: category, severity: severity, values: reading.values,
            detectedAt: reading.detectedAt, screenshots: screenshots, missing: [])
        report.missing = profile.required.filter { !report.has($0) }
        report.sources = reading.sources
        report.labelled = Set(reading.sources.filter { $0.value.isSure && $0.key != .description }.map(\.key))
        report.userIDs = reading.userIDs.isEmpty ? reading.values[.userID].map { [$0] } ?? [] : reading.userIDs
        report.author = envelope.author
        report.authorProblem = envelope.authorProblem
        report.verdict = verdict
        return report
    }

    /// What has been read so far: the first value for each field wins (sources are consulted best first).
    struct Reading {
        let lines: [Substring]
        var values: [IncidentField: String] = [:]
        var sources: [IncidentField: FieldSource] = [:]
        var detectedAt: Int64? = nil
        var usedLines = Set<Int>()
        var userIDs: [String] = []

        init(lines: [Substring]) { self.lines = lines }

        mutating func set(_ field: IncidentField, _ value: String, _ source: FieldSource) {
            guard values[field] == nil, !value.isEmpty else { return }
            values[field] = String(value.prefix(500))
            sources[field] = source
        }

        /// Takes a labelled value when it has the field's shape; a labelled line is a field line (left out of the
        /// description) even when its value is unusable ("N/A"), but not when a label word merely starts prose.
        mutating func read(_ match: LabelledLines.Match, lineDates: [MessageDate?], reference: MessageDate?) {
            // A label without a separator starts a sentence as often as a field ("My student number is …"):
            // what follows it is probable, shown back to the reporter.
            let source = FieldSource(
                kind: .label, detail: match.label, line: lines[match.lines[0]], isSure: match.separated)
            switch match.field {
            case .description:
                return  // "Description: …" stays in the description.
            case .server:
                guard match.separated else { return }
                usedLines.formUnion(match.lines)
                if let address = ServerAddress.fromLabelledValue(match.value) { set(.server, address, source) }
            case .detectedAt:
                guard match.separated, !IncidentExtractor.isPastedHeader(match, in: lines) else { return }
                let reference = match.lines.first.map { lineDates[$0] } ?? reference
                // After a time label, "14.20 WIB" is a time even without "um"/"at" before it. A value that is a
                // sentence with several times ("Time: the candidate started at 9.00am and the button did nothing
                // from about 9.05am") is read like prose: the moment, not the schedule.
                let words = match.value.split(separator: " ").filter { $0.count > 1 && $0.allSatisfy(\.isLetter) }
                let several =
                    words.count >= 3 && DetectionTime.mentions(in: match.value, reference: reference).count > 1
                let sentence = several ? ProseTimes.detectionTime(in: [(0, Substring(match.value), reference)]) : nil
                if let time = sentence?.seconds ?? DetectionTime.parse(match.value, reference: reference)
                    ?? DetectionTime.parse("at " + match.value, reference: reference)
                {
                    usedLines.formUnion(match.lines)
                    if detectedAt == nil {
                        detectedAt = time
                        sources[.detectedAt] = source
                    }
                }
            case .sessionID, .userID:
                // A login without digits ("petrov_iv") counts after a user label; after a word that may
                // introduce a name ("Candidate: …", "Student: …") only an ID with a digit does.
                let login = !FieldLexicon.nameLikeUserLabels.contains(match.label)
                let value = LabelledLines.withoutRemark(match.value)
                if match.separated { usedLines.formUnion(match.lines) }
                // Without a separator ("User ID 71-220-4581") only an ID with a digit is taken.
                guard
                    let id = ValueShape.firstID(in: value, field: match.field, login: login && match.separated)
                        ?? (match.field == .userID && match.separated ? ValueShape.markedLogin(value) : nil)
                else { return }
                if !match.separated { usedLines.formUnion(match.lines) }
                if match.field == .userID, values[.userID] != nil, !userIDs.contains(id) {
                    // Several labelled users ("Kandidaten-Nr. …" three times): a list.
                    if userIDs.isEmpty, let first = values[.userID] { userIDs = [first] }
                    userIDs.append(id)
                }
                set(match.field, id, source)
                // One label, several users ("Matrikelnummern: 3104877, 3105012, 3099821").
                let more = match.field == .userID ? ValueShape.listed(after: id, in: value) : []
                if !more.isEmpty, values[.userID] == id {
                    if userIDs.isEmpty { userIDs = [id] }
                    userIDs += more.filter { !userIDs.contains($0) }
                }
            default:
                guard match.separated else { return }
                usedLines.formUnion(match.lines)
                set(match.field, String(match.value.prefix(500)), source)
            }
        }
    }

    /// Lines a client wrapped, joined again: a line of at least 40 characters that ends without a sentence's end
    /// takes the next line with it (at most a few hundred characters, so the scan stays bounded).
    static func unwrapped(
        _ lines: [(index: Int, text: Substring, date: MessageDate?)]
    ) -> [(index: Int, text: Substring, date: MessageDate?)] {
        var joined: [(index: Int, text: Substring, date: MessageDate?)] = []
        for line in lines {
            if let last = joined.last, last.text.count >= 40, last.text.count < 600,
                last.index + (last.text.filter { $0 == "\n" }.count) + 1 == line.index,
                let end = last.text.last, !".!?:;。！？".contains(end)
            {
                joined[joined.count - 1].text = Substring(String(last.text) + "\n" + String(line.text))
            } else {
                joined.append(line)
            }
        }
        return joined.map { (index: $0.index, text: Substring($0.text.replacing("\n", with: " ")), date: $0.date) }
    }

    /// Whether the first mention of `address` in `text` follows a denial ("non è ", "not ", "nicht ", "pas ").
    static func isDenied(_ address: String, in text: String) -> Bool {
        guard let range = text.firstRange(of: address) else { return false }
        let before = text[..<range.lowerBound].suffix(14).lowercased().replacing("\n", with: " ")
        return denials.contains { before.hasSuffix($0) }
    }

    static let denials = [
        " non è ", " not ", " isn't ", " is not ", " nicht ", " pas ", " n'est pas ", " no es ", " não é ", " niet ",
        " не ", " nie ", " değil ", " non ",
    ]

    /// The ID a line corrects to ("poprawka - s21887, pomyliłam cyfry", "Correction: the login is ab1234",
    /// "Korrektur: 3318842"): a word for a correction opens the line, and one ID with a digit follows it.
    static func correctedID(in line: Substring) -> String? {
        let lower = line.trimmingWhitespace.lowercased()
        guard let word = correctionWords.first(where: { lower.hasPrefix($0) }) else { return nil }
        let rest = lower.dropFirst(word.count)
        guard rest.first.map({ !$0.isLetter }) ?? false else { return nil }
        let start = line.trimmingWhitespace.dropFirst(word.count)
        let ids = ValueShape.tokens(start.prefix(80)).filter { ValueShape.hasDigit($0) && $0.count >= 4 }
        guard ids.count == 1, ValueShape.isUserID(ids[0], login: false) || ValueShape.isSessionID(ids[0]) else {
            return nil
        }
        return String(ids[0])
    }

    static let correctionWords = [
        "correction", "corrected", "korrektur", "berichtigung", "poprawka", "korekta", "correzione", "corrección",
        "correccion", "correção", "correcao", "rectificatif", "rectification", "исправление", "поправка", "oprava",
        "düzeltme", "correctie", "rettifica", "sorry, it's", "sorry, it is",
    ]

    /// Whether the words just before an ID in an answer say it is something else's ("Non lo trovo … Il codice
    /// dell'esame è STAT-2-APP3", "the course code is BIO-101"): an exam's, a course's, an error's code.
    static func namesAnotherThing(before id: String, in text: Substring) -> Bool {
        guard let range = text.firstRange(of: id) else { return false }
        let before = text[..<range.lowerBound].lowercased().split(whereSeparator: { !$0.isLetter }).suffix(4)
        return before.contains { ProseValues.otherThings.contains(String($0)) }
    }

    /// A "date:" line of an HTTP response or mail header block pasted into the report (beside "server:",
    /// "content-type:" …): when that response was fetched, not when the problem was noticed.
    static func isPastedHeader(_ match: LabelledLines.Match, in lines: [Substring]) -> Bool {
        guard match.label == "date", let line = match.lines.first else { return false }
        let headers = [
            "server:", "content-type:", "content-length:", "http/", "cache-control:", "connection:", "x-request-id:",
            "via:", "x-cache:", "strict-transport-security:", "set-cookie:", "location:", "retry-after:",
        ]
        return [line - 1, line + 1].contains { index in
            guard lines.indices.contains(index) else { return false }
            let neighbour = lines[index].trimmingWhitespace.lowercased()
            return headers.contains { neighbour.hasPrefix($0) }
        }
    }

    /// An inline answer without the marker people put before it: their initials ("[JB] …", "JB: …") or a word
    /// for "answer" ("R: …", "Antwort: …").
    static func withoutAnswerMarker(_ line: Substring) -> Substring {
        var text = line.drop { $0 == " " || $0 == "\t" }
        if text.first == "[", let close = text.firstIndex(of: "]"), text.distance(from: text.startIndex, to: close) <= 6
        {
            text = text[text.index(after: close)...].drop { $0 == " " }
        }
        let words = [
            "answer:", "antwort:", "réponse :", "réponse:", "respuesta:", "resposta:", "risposta:", "ответ:",
            "odp.:", "odp:", "antwoord:", "cevap:", "r:", "a:", "re:",
        ]
        // An arrow pointing at the answer ("--> Matrikelnummer 2215037").
        for arrow in ["-->", "->", "=>", "==>", "→", "⇒"] where text.hasPrefix(arrow) {
            text = text.dropFirst(arrow.count).drop { $0 == " " }
            break
        }
        let lower = text.lowercased()
        if let word = words.first(where: { lower.hasPrefix($0) }) {
            text = text.dropFirst(word.count).drop { $0 == " " }
        } else if let colon = text.prefix(5).firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isUppercase }),
            text.distance(from: text.startIndex, to: colon) >= 2
        {
            text = text[text.index(after: colon)...].drop { $0 == " " }  // "JB: …"
        }
        return text
    }

    func lineContaining(_ value: String, _ lines: [Substring]) -> String? {
        lines.first { $0.contains(value) }.map(String.init)
    }

    // MARK: Text

    /// The body text, then the text of each forwarded message attached as message/rfc822, each with
    /// the Date of the message it belongs to.
    /// A learning platform's host by its first label ("moodle.uni.example", "lms.…", "brightspace.…").
    static func isLearningPlatform(_ host: String) -> Bool {
        let first = host.split(separator: ".").first.map { $0.lowercased() } ?? ""
        return [
            "moodle", "lms", "brightspace", "d2l", "canvas", "blackboard", "learn", "ilias", "olat", "elearning",
            "e-learning", "sakai", "stud", "studip", "cursos", "campus", "aulavirtual", "classroom",
        ].contains(first)
    }

    /// The Date of an inline-forwarded message ("Sent: Thursday, 26 November 2026 2:14 PM"), written on the
    /// original sender's clock in a zone it does not name. Read in the forwarder's zone it may fall after the
    /// forward itself, which cannot be: the sender's clock is ahead by some hours nobody wrote down. Then the
    /// message was sent before the forward, in an unknown zone: a time in it counts only where it names its zone
    /// ("Around 1:50pm AEDT").
    static func forwardedDate(_ text: Substring, forwardedIn reference: MessageDate) -> MessageDate? {
        // "Date: Mon, 30 Nov 2026 09:41:27 -0800" (Thunderbird, Apple Mail): the sender's own zone, written.
        if let written = MessageDate.parse(text.trimmingWhitespace), written.utcOffsetSeconds != nil,
            written.secondsSince1970 <= reference.secondsSince1970 + 60
        {
            return written
        }
        guard let seconds = DetectionTime.parse(text, reference: reference) else { return nil }
        if seconds > reference.secondsSince1970 + 60 {
            return MessageDate(secondsSince1970: reference.secondsSince1970, utcOffsetSeconds: nil)
        }
        return MessageDate(secondsSince1970: seconds, utcOffsetSeconds: reference.utcOffsetSeconds)
    }

    func reporterSources(_ message: MIMEMessage, content: MessageContent) -> [(text: String, date: MessageDate?)] {
        var sources: [(text: String, date: MessageDate?)] = [(content.text ?? "", content.envelope.date)]
        for part in message.parts where part.kind == .message && part.parent != nil {
            guard let encapsulated = part.children.first else { continue }
            let pieces = message.bodyParts(of: encapsulated).text.map { body -> String in
                let decoded = message.text(ofPart: body).text
                return message.parts[body].contentType == "text/html" ? HTMLText.text(fromHTML: decoded) : decoded
            }
            if !pieces.isEmpty {
                sources.append((pieces.joined(separator: "\n"), message.envelope(of: encapsulated).envelope.date))
            }
        }
        // A note attached as plain text ("incident-note.txt") is the reporter's report written elsewhere; logs,
        // tables and documents are not read.
        for attachment in content.attachments
        where attachment.contentType == "text/plain" && attachment.bytes.count <= 16 * 1024
            && (attachment.filename.map { $0.lowercased().hasSuffix(".txt") } ?? true)
            && message.parts[attachment.part].parent.map({ message.parts[$0].kind != .message }) ?? true
        {
            sources.append((message.text(ofPart: attachment.part).text, content.envelope.date))
        }
        return sources
    }

    /// The reporter's lines minus the labelled-field lines: wrapped lines joined into paragraphs,
    /// paragraphs separated by a blank line, white space collapsed.
    func describe(_ lines: [Substring], skipping used: Set<Int>) -> String {
        var paragraphs: [String] = []
        var current: [String] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingWhitespace
            if used.contains(index) || trimmed.isEmpty {
                if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
                current = []
                continue
            }
            var text = trimmed
            let decoration = LabelledLines.strippingDecoration(line)
            if let hit = labels.labelled(decoration), hit.field == .description, case .value(let value, true) = hit.rest
            {
                text = value
            }
            if !text.isEmpty { current.append(text.collapsingWhitespace) }
        }
        if !current.isEmpty { paragraphs.append(current.joined(separator: " ")) }
        return paragraphs.joined(separator: "\n\n")
    }

    /// The reporter's answers under our questions, one text per question answered (values included: the first
    /// sentence of an answer is its value).
    func answerBlocks(_ lines: [Substring], _ answers: [IncidentField?]) -> [String] {
        var blocks: [String] = []
        var current: [String] = []
        var field: IncidentField? = nil
        for (index, line) in lines.enumerated() {
            let answer = answers[index] == .description ? nil : answers[index]
            if answer != field || answer == nil {
                if !current.isEmpty { blocks.append(current.joined(separator: " ")) }
                current = []
            }
            field = answer
            let text = Self.withoutAnswerMarker(line).trimmingWhitespace
            if answer != nil, !text.isEmpty { current.append(text.collapsingWhitespace) }
        }
        if !current.isEmpty { blocks.append(current.joined(separator: " ")) }
        return blocks
    }

    func customValue(_ match: LabelledLines.Match) -> String? {
        guard let definition = profile.customFields.first(where: { $0.field == match.field }) else { return nil }
        guard let pattern = definition.pattern else { return match.value.isEmpty ? nil : match.value }
        guard let regex = try? Regex(pattern), let found = match.value.firstMatch(of: regex) else { return nil }
        return String(match.value[found.range])
    }

    // MARK: Server

    /// "www.kingsbridge.ac.uk", "https://www.uni.edu/": a home page, with no path to an exam.
    static func isHomePage(_ url: String) -> Bool {
        guard let host = ServerAddress.host(of: url), host.hasPrefix("www.") else { return false }
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let path = rest.drop { $0 != "/" }
        return path.count <= 1
    }

    func isCandidateServer(_ url: String) -> Bool {
        guard let host = ServerAddress.host(of: url) else { return false }
        if let own = profile.ownDomain, host == own || host.hasSuffix("." + own) { return false }
        if profile.mailProviderDomains.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { return false }
        if !profile.knownServers.isEmpty {
            return profile.knownServers.contains { ServerAddress.matches(host, pattern: $0) }
        }
        return true
    }

    // MARK: Screenshots

    func screenshots(_ content: MessageContent, reference: MessageDate?) -> [Screenshot] {
        content.attachments.compactMap { attachment in
            guard let info = ImageInfo.read(attachment.bytes), info.width >= profile.minScreenshotWidth,
                info.height >= profile.minScreenshotHeight
            else { return nil }
            let exif = info.dateTimeOriginal.flatMap { original in
                DetectionTime.parse(
                    original.replacingFirstColons() + (info.offsetTimeOriginal.map { " " + $0 } ?? ""),
                    reference: reference)
            }
            // A camera that recorded its offset knows the moment; a file name ("20261120_185207.jpg") is local
            // time in a zone the sender's Date header may not share.
            var taken = info.offsetTimeOriginal != nil ? exif : nil
            if taken == nil {
                taken = attachment.filename.flatMap { ScreenshotName.timestamp(in: $0, reference: reference) }
            }
            let fromName = taken != nil && !(info.offsetTimeOriginal != nil && exif != nil)
            if taken == nil { taken = exif }
            return Screenshot(
                part: attachment.part, filename: attachment.filename, contentType: info.type, width: info.width,
                height: info.height, sha256: SHA256.hex(attachment.bytes), takenAt: taken, takenFromName: fromName)
        }
    }

    // MARK: Triage

    func ticketReference(in subject: String?) -> TicketReference? {
        subject.flatMap { TicketReference.first(in: $0, prefix: profile.ticketPrefix) }
    }

    func isCritical(_ text: TriageText) -> Bool {
        Impact.isCritical(text, extra: profile.criticalPhrases)
    }
}

/// HTTP 5xx status codes written as errors ("HTTP 502", "error 503", "500 Internal Server Error").
enum ServerErrorCode {
    /// The reason phrases of the 5xx statuses: a server's error page names its status even without the number.
    static let reasons = [
        "internal server error", "bad gateway", "service unavailable", "service temporarily unavailable",
        "gateway timeout", "gateway time-out",
    ]

    static func mentioned(in lowercased: String) -> Bool {
        if reasons.contains(where: { lowercased.includes($0) }) { return true }
        let characters = Array(lowercased)
        var index = 0
        while index + 2 < characters.count {
            defer { index += 1 }
            guard characters[index] == "5", characters[index + 1].isASCII, characters[index + 1].isNumber,
                characters[index + 2].isASCII, characters[index + 2].isNumber
            else { continue }
            if index > 0, characters[index - 1].isNumber || characters[index - 1].isLetter { continue }
            if index + 3 < characters.count, characters[index + 3].isNumber || characters[index + 3].isLetter {
                continue
            }
            let before = String(characters[max(0, index - 12)..<index])
            let after = String(characters[(index + 3)..<min(characters.count, index + 28)])
            if [
                "http", "error", "status", "code", "ошибка", "код", "fehler", "erreur", "código", "codice", "kod",
                "hata",
                "코드", "오류", "错误", "錯誤", "エラー",
            ].contains(where: { before.includes($0) })
                || [
                    "error", "bad gateway", "internal server", "service unavailable", "service temporarily unavailable",
                    "gateway timeout", "gateway time-out", "time-out",
                ]
                .contains(where: { after.includes($0) })
            {
                return true
            }
        }
        return false
    }
}

extension String {
    /// "2024:11:11 10:32:15" (EXIF) → "2024-11-11 10:32:15".
    func replacingFirstColons() -> String {
        var result = ""
        var replaced = 0
        for character in self {
            if character == ":", replaced < 2 {
                result.append("-")
                replaced += 1
            } else {
                result.append(character)
            }
        }
        return result
    }
}
