/// Reads tables of affected users the way a person does: by header and column. Exam administrators paste
/// them from spreadsheets (tab-separated), type them with aligned spaces, or send HTML tables (converted to
/// "a | b | c" rows); a student's name in the next column must never become an ID.
///
/// A table is a header row whose cells include a user or session label of the lexicon, followed by rows with
/// the same number of cells. Each line is split once, so the cost is linear in the text.
struct TableReader {
    /// One column of ID values found under a labelled header.
    struct Column {
        var field: IncidentField
        var values: [String]
        /// The header's label ("matricola").
        var label: String
        /// The header line's index.
        var line: Int
    }

    let labels: LabelledLines

    func columns(in lines: [Substring]) -> [Column] {
        var found: [Column] = []
        var index = 0
        while index < lines.count {
            var header = Self.cells(lines[index])
            // Two aligned columns ("学籍番号    セッションID") are a table only when both headers are ID labels:
            // prose has double spaces too.
            var twoAligned = false
            // "Примеры зависших сессий (логин / ID сессии):" and the rows under it (after a blank line, perhaps):
            // the columns named in the sentence's brackets.
            var headerInSentence = false
            if header.isEmpty {
                let pair = Self.cells(lines[index], aligned: 2)
                if pair.count == 2, pair.allSatisfy(isIDHeader) {
                    header = pair
                    twoAligned = true
                } else if let named = bracketHeader(lines[index]) {
                    header = named
                    twoAligned = true
                    headerInSentence = true
                }
            }
            guard header.count >= 2 else {
                index += 1
                continue
            }
            // Which columns hold IDs, by their header cell.
            var fields: [Int: (field: IncidentField, label: String)] = [:]
            for (column, cell) in header.enumerated() {
                let text = LabelledLines.strippingDecoration(Substring(cell))
                if let zone = Self.timeHeader(Substring(text)) {
                    fields[column] = (.detectedAt, zone)
                    continue
                }
                guard let hit = labels.labelled(text), hit.field == .userID || hit.field == .sessionID else {
                    continue
                }
                switch hit.rest {
                case .alone: fields[column] = (hit.field, hit.label)
                // "Candidate #", "Student no.": the label's own number sign.
                case .value(let rest, _)
                where ["#", "no", "no.", "nr", "nr.", "n°", "nº", "id", "number"].contains(
                    rest.lowercased()):
                    fields[column] = (hit.field, hit.label)
                default: break
                }
            }
            guard fields.values.contains(where: { $0.field != .detectedAt }) else {
                index += 1
                continue
            }
            var values: [Int: [String]] = [:]
            var row = index + 1
            if headerInSentence, row < lines.count, lines[row].trimmingWhitespace.isEmpty { row += 1 }
            while row < lines.count {
                let line = lines[row]
                if Self.isRule(line) {
                    row += 1
                    continue
                }
                let cells = Self.cells(line, aligned: twoAligned ? 2 : 3)
                guard cells.count == header.count || (cells.count == header.count - 1 && cells.count >= 2) else {
                    break
                }
                for (column, field) in fields where column < cells.count {
                    if field.field == .detectedAt {
                        if let time = Self.timeOfDay(cells[column]) {
                            values[column, default: []].append(field.label.isEmpty ? time : time + " " + field.label)
                        }
                        continue
                    }
                    let login = !FieldLexicon.nameLikeUserLabels.contains(field.label)
                    if let id = ValueShape.firstID(in: cells[column], field: field.field, login: login),
                        ValueShape.tokens(cells[column]).count == 1
                    {
                        values[column, default: []].append(id)
                    }
                }
                row += 1
            }
            for (column, field) in fields.sorted(by: { $0.key < $1.key }) {
                if let list = values[column], !list.isEmpty {
                    found.append(Column(field: field.field, values: list, label: field.label, line: index))
                }
            }
            index = max(row, index + 1)
        }
        return found
    }

    /// The column names a sentence gives in brackets before its colon ("(логин / ID сессии):", "(Student ID |
    /// Session ID):"): two to four ID labels, or nil.
    func bracketHeader(_ line: Substring) -> [String]? {
        let text = line.trimmingWhitespace
        guard text.utf8.count <= 300, text.hasSuffix(":") || text.hasSuffix("："),
            let close = text.lastIndex(where: { $0 == ")" || $0 == "）" }),
            let open = text[..<close].lastIndex(where: { $0 == "(" || $0 == "（" })
        else { return nil }
        let names = text[text.index(after: open)..<close].split(whereSeparator: { "/|,;".contains($0) })
            .map { String($0.trimmingWhitespace) }
        guard (2...4).contains(names.count), names.allSatisfy(isIDHeader) else { return nil }
        return names
    }

    /// Whether a header cell is a user or session label alone.
    func isIDHeader(_ cell: String) -> Bool {
        guard let hit = labels.labelled(LabelledLines.strippingDecoration(Substring(cell))),
            hit.field == .userID || hit.field == .sessionID
        else { return false }
        return hit.rest.isAlone
    }

    /// The cells of a table row: split on tabs, on " | ", or on runs of two or more spaces (into at least
    /// `aligned` cells); nil-free.
    static func cells(_ line: Substring, aligned: Int = 3) -> [String] {
        let trimmed = line.trimmingWhitespace
        guard trimmed.count >= 3, trimmed.count <= 2000 else { return [] }
        if trimmed.includes("\t") {
            return trimmed.split(separator: "\t").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
        }
        if trimmed.includes(" | ") {
            var text = Substring(trimmed)
            if text.hasPrefix("|") { text = text.dropFirst() }
            if text.hasSuffix("|") { text = text.dropLast() }
            return text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingWhitespace }
        }
        // Aligned columns: runs of two or more spaces separate cells.
        var cells: [String] = []
        var current = ""
        var spaces = 0
        for character in trimmed {
            if character == " " {
                spaces += 1
                continue
            }
            if spaces >= 2, !current.isEmpty {
                cells.append(current)
                current = ""
            } else if spaces == 1 {
                current.append(" ")
            }
            spaces = 0
            current.append(character)
        }
        if !current.isEmpty { cells.append(current) }
        return cells.count >= aligned ? cells : []
    }

    /// Header cells of a column of times ("Uhrzeit (MEZ)", "Hora aprox.", "Ora", "時刻"), in a table of users:
    /// when each was seen. Returns the zone written in brackets ("MEZ"), or "" — nil for any other cell.
    static func timeHeader(_ cell: Substring) -> String? {
        var text = cell.lowercased().trimmingCharacters(" .:")
        var zone = ""
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            zone = String(text[text.index(after: open)..<text.index(before: text.endIndex)]).trimmingCharacters(" ")
            text = String(text[..<open]).trimmingCharacters(" .")
        }
        // "Ora espulsione", "Time of disconnect": a time header and what happened then.
        let words = text.split(separator: " ")
        guard
            timeHeaders.contains(text)
                || (words.count <= 3 && words.first.map { timeHeaders.contains(String($0)) } == true),
            zone.count <= 12
        else { return nil }
        return zone.uppercased()
    }

    static let timeHeaders: Set<String> = [
        "time", "time noticed", "time seen", "approx. time", "approx time", "uhrzeit", "zeit", "zeitpunkt", "hora",
        "hora aprox", "hora aprox.", "ora", "orario", "heure", "время", "czas", "godzina", "tijd", "tijdstip", "saat",
        "時刻", "時間", "时间", "發生時間", "发生时间", "시간", "klokkeslett", "klockslag", "kellonaika", "idő", "čas",
    ]

    /// A time of day alone in a cell ("08:52", "15.20", "9h05"), written with a colon.
    static func timeOfDay(_ cell: String) -> String? {
        let text = cell.trimmingCharacters(" ")
        guard (4...5).contains(text.count), let separator = text.firstIndex(where: { ":.h".contains($0) }) else {
            return nil
        }
        let hour = text[..<separator]
        let minute = text[text.index(after: separator)...]
        guard (1...2).contains(hour.count), minute.count == 2, let h = Int(hour), let m = Int(minute), h < 24, m < 60
        else { return nil }
        return "\(h):\(minute)"
    }

    /// "-----  -------" or "|---|---|": a rule under a header.
    static func isRule(_ line: Substring) -> Bool {
        let trimmed = line.trimmingWhitespace
        return trimmed.count >= 3 && trimmed.allSatisfy { "-=_|+: \t".contains($0) }
    }
}
