/// Finds "Label: value" pairs in the reporter's text, the way people write them in mail: with ':',
/// '-', '=', '|' or a tab after the label, in bullet lists, in HTML tables (converted to
/// "Label | value" rows) and in definition lists (the label alone on a line, the value on the next).
struct LabelledLines {
    /// One labelled value found in the text.
    struct Match {
        var field: IncidentField
        var value: String
        /// Index of the line(s) holding it, so the description can leave them out.
        var lines: [Int]
    }

    /// Labels, lower-cased, longest first so "session id" wins over "session".
    private let labels: [(label: String, field: IncidentField)]

    init(labels: [IncidentField: [String]]) {
        var all: [(String, IncidentField)] = []
        for (field, names) in labels {
            for name in names { all.append((name.lowercased(), field)) }
        }
        // Longest first; ties broken by text so the order never depends on dictionary order.
        self.labels = all.sorted { $0.0.count != $1.0.count ? $0.0.count > $1.0.count : $0.0 < $1.0 }
    }

    /// Every labelled value, in text order; a field may appear more than once.
    func matches(in lines: [Substring]) -> [Match] {
        var found: [Match] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            let line = Self.strippingDecoration(lines[index])
            if line.isEmpty { continue }
            for (label, field) in labels {
                guard let rest = Self.rest(of: line, after: label) else { continue }
                if let value = Self.value(afterSeparatorIn: rest) {
                    if !Self.isBlankAfterSeparator(rest) {
                        // A placeholder ("N/A") gives an empty value: the field stays missing.
                        found.append(Match(field: field, value: value, lines: [index]))
                    } else if let next = nextValueLine(lines, after: index) {
                        // "Session ID:" with the value on the next line.
                        found.append(Match(field: field, value: next.value, lines: [index, next.index]))
                        index = next.index
                    }
                    break
                }
                if rest.allSatisfy({ $0.isWhitespace }), let next = nextValueLine(lines, after: index) {
                    // A definition list or table cell: the label alone, the value on the next line.
                    found.append(Match(field: field, value: next.value, lines: [index, next.index]))
                    index = next.index
                    break
                }
            }
        }
        return found
    }

    private func nextValueLine(_ lines: [Substring], after index: Int) -> (index: Int, value: String)? {
        var next = index + 1
        while next < lines.count, lines[next].trimmingWhitespace.isEmpty, next - index <= 2 { next += 1 }
        guard next < lines.count else { return nil }
        let value = Self.strippingDecoration(lines[next])
        guard !value.isEmpty, value.count <= 300, !isLabelLine(value) else { return nil }
        return (next, Self.cleaned(Substring(value)))
    }

    private func isLabelLine(_ line: String) -> Bool {
        labels.contains { label, _ in
            guard let rest = Self.rest(of: line, after: label) else { return false }
            return rest.allSatisfy { $0.isWhitespace } || Self.value(afterSeparatorIn: rest) != nil
        }
    }

    /// The text after `label` when the line starts with it (case-insensitively) at a word boundary.
    static func rest(of line: String, after label: String) -> Substring? {
        var lineIndex = line.startIndex
        for expected in label {
            guard lineIndex < line.endIndex else { return nil }
            let character = line[lineIndex]
            guard character == expected || character.lowercased() == String(expected) else { return nil }
            lineIndex = line.index(after: lineIndex)
        }
        let rest = line[lineIndex...]
        if let first = rest.first, first.isLetter || first.isNumber { return nil }
        return rest
    }

    /// Whether nothing but white space follows the separator.
    static func isBlankAfterSeparator(_ rest: Substring) -> Bool {
        rest.drop { $0 == " " }.dropFirst().allSatisfy { $0.isWhitespace }
    }

    /// The value after a separator at the start of `rest`, or nil when there is no separator.
    static func value(afterSeparatorIn rest: Substring) -> String? {
        var text = rest.drop { $0 == " " }
        guard let separator = text.first else { return nil }
        switch separator {
        case ":", "：", "=", "|", "\t":
            text = text.dropFirst()
        case "-", "–", "—":
            // A dash only separates when spaced ("Server - x"), so "User-Agent" is not "User".
            guard rest.first == " " || text.dropFirst().first == " " else { return nil }
            text = text.dropFirst()
        default:
            if rest.first == "\t" { break }
            return nil
        }
        return cleaned(text)
    }

    /// Values that mean "I don't know": the field stays missing, but the line is still a field line.
    static let placeholders: Set<String> = [
        "", "n/a", "na", "none", "unknown", "-", "—", "–", "?", "tbd", "нет", "не указано", "n.a.", "null",
    ]

    /// The value without decoration: white space, paired markdown emphasis, quotes and angle brackets
    /// around it, a second table cell after it, a trailing remark in parentheses and sentence punctuation.
    static func cleaned(_ value: Substring) -> String {
        var text = value.trimmingWhitespace
        if let cell = text.range(of: " | ") { text = String(text[..<cell.lowerBound]).trimmingCharacters("") }
        for mark in ["**", "__", "*", "_"]
        where text.count > 2 * mark.count && text.hasPrefix(mark) && text.hasSuffix(mark) {
            text = String(text.dropFirst(mark.count).dropLast(mark.count))
            break
        }
        text = text.trimmingCharacters("\"'«»“”")
        if text.hasPrefix("<"), text.hasSuffix(">") { text = String(text.dropFirst().dropLast()) }
        while let last = text.last, ".,;".contains(last) { text.removeLast() }
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

    /// A line without list bullets and emphasis around a leading label.
    static func strippingDecoration(_ line: Substring) -> String {
        var text = Substring(line.trimmingWhitespace)
        while let first = text.first, "-*•–·".contains(first), text.dropFirst().first == " " || first == "*" {
            text = text.dropFirst()
            text = text.drop { $0 == " " }
        }
        // Numbered lists: "1. Server: …", "2) Time: …".
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

extension String {
    /// The first range of `needle`, Foundation-free.
    func range(of needle: String) -> Range<String.Index>? {
        firstRange(of: needle)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
