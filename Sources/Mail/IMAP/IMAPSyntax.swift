/// Building IMAP commands safely and reading the few responses this client needs.
enum IMAPSyntax {
    // MARK: building commands

    /// A mailbox name as an IMAP quoted string. Mailbox names are limited to printable ASCII (non-ASCII
    /// names would need modified UTF-7), which also keeps CR/LF out of commands.
    static func quotedMailbox(_ name: String) throws(MailError) -> String {
        guard !name.isEmpty, name.utf8.count <= 512,
            name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        else {
            throw MailError(.invalidArgument, "mailbox names must be 1–512 printable ASCII characters")
        }
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// A keyword (user flag) such as "$Ticketed": an IMAP atom, not a system flag.
    static func keyword(_ keyword: String) throws(MailError) -> String {
        let specials = Set("(){ %*\"\\]".utf8)
        guard !keyword.isEmpty, keyword.utf8.count <= 128,
            keyword.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !specials.contains($0) })
        else {
            throw MailError(
                .invalidArgument,
                "a keyword must be 1–128 printable ASCII characters without spaces or ( ) { % * \" \\ ]")
        }
        return keyword
    }

    /// libcurl URL-decodes an IMAP CURLOPT_CUSTOMREQUEST before sending it, so a literal "%" must be
    /// written as "%25" or a mailbox name like "50%off" would be mangled.
    static func customRequest(_ command: String) -> String {
        command.replacingAll("%", with: "%25")
    }

    // MARK: reading responses

    /// The lines of an untagged response ("* …") whose first word after the number (if any) is `name`.
    static func untagged(_ name: String, in lines: [String]) -> [Substring] {
        lines.compactMap { line -> Substring? in
            guard line.hasPrefix("* ") else { return nil }
            var rest = line.dropFirst(2)
            if let first = rest.first, first.isNumber {
                rest = rest.drop(while: { $0.isNumber }).drop(while: { $0 == " " })
            }
            let word = rest.prefix { $0 != " " }
            return word.uppercased() == name ? rest.dropFirst(word.count).drop(while: { $0 == " " }) : nil
        }
    }

    /// The tagged completion ("A005 NO [TRYCREATE] …") that reports a failure, if the transcript has one.
    static func taggedFailure(in lines: [String]) -> String? {
        lines.first { line in
            let words = line.split(separator: " ", maxSplits: 2)
            guard words.count >= 2, words[0] != "*", words[0] != "+" else { return false }
            return words[1].uppercased() == "NO" || words[1].uppercased() == "BAD"
        }
    }

    /// The response code of a status response ("NO [TRYCREATE] …" → "TRYCREATE").
    static func responseCode(of line: String) -> String? {
        guard let open = line.firstIndex(of: "["), let close = line[open...].firstIndex(of: "]") else { return nil }
        let inside = line[line.index(after: open)..<close]
        return inside.prefix { $0 != " " }.uppercased()
    }

    /// Whether a NO without response code says the mailbox is missing (Dovecot: "NO Mailbox doesn't
    /// exist: X", where RFC 5530 would have [NONEXISTENT]).
    static func saysMissing(_ text: some StringProtocol) -> Bool {
        let lowered = text.lowercased()
        return ["doesn't exist", "does not exist", "not exist", "no such", "unknown mailbox", "not found"].contains {
            lowered.contains($0)
        }
    }

    /// `* CAPABILITY IMAP4rev1 MOVE …` → {"IMAP4REV1", "MOVE", …} (upper-cased).
    static func capabilities(in lines: [String]) -> Set<String> {
        var result: Set<String> = []
        for rest in untagged("CAPABILITY", in: lines) {
            for word in rest.split(separator: " ") { result.insert(word.uppercased()) }
        }
        return result
    }

    /// `* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1795325862)` → the numbers by name.
    static func status(in lines: [String]) -> [String: UInt64]? {
        for rest in untagged("STATUS", in: lines) {
            guard let open = rest.lastIndex(of: "("), let close = rest.lastIndex(of: ")"), open < close else {
                continue
            }
            let words = rest[rest.index(after: open)..<close].split(separator: " ")
            var values: [String: UInt64] = [:]
            var index = 0
            while index + 1 < words.count {
                if let number = UInt64(words[index + 1]) { values[words[index].uppercased()] = number }
                index += 2
            }
            return values
        }
        return nil
    }

    struct ESearch: Equatable {
        var all: [UInt32]
        var count: Int?
    }

    /// `* ESEARCH (TAG "A5") UID COUNT 3 ALL 4:5,9` → ALL expanded and COUNT.
    static func esearch(in lines: [String]) throws(MailError) -> ESearch? {
        for rest in untagged("ESEARCH", in: lines) {
            var text = rest
            if text.hasPrefix("("), let close = text.firstIndex(of: ")") {
                text = text[text.index(after: close)...]
            }
            var words = text.split(separator: " ")[...]
            if words.first?.uppercased() == "UID" { words = words.dropFirst() }
            var result = ESearch(all: [], count: nil)
            while let name = words.popFirst() {
                guard let value = words.popFirst() else { break }
                switch name.uppercased() {
                case "ALL": result.all = try sequenceSet(value)
                case "COUNT": result.count = Int(value)
                default: break
                }
            }
            return result
        }
        return nil
    }

    /// `* SEARCH 4 5 9` (servers without ESEARCH) → the numbers.
    static func search(in lines: [String]) -> [UInt32] {
        untagged("SEARCH", in: lines).flatMap { $0.split(separator: " ").compactMap { UInt32($0) } }
    }

    /// "4:7,9,12:10" → [4, 5, 6, 7, 9, 10, 11, 12] (ranges may be written either way round).
    static func sequenceSet(_ text: Substring, limit: Int = 1_000_000) throws(MailError) -> [UInt32] {
        var result: [UInt32] = []
        for item in text.split(separator: ",") {
            let bounds = item.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let first = UInt32(bounds[0]),
                let last = bounds.count == 2 ? UInt32(bounds[1]) : first
            else {
                throw MailError(.protocol, "malformed UID set in the server's answer: \(text.prefix(80))")
            }
            let range = min(first, last)...max(first, last)
            guard result.count + range.count <= limit else {
                throw MailError(.protocol, "the server's UID set is larger than \(limit)")
            }
            result.append(contentsOf: range)
        }
        return result
    }

    /// The data items of `* n FETCH (…)` responses, one dictionary per response, names upper-cased.
    /// `[1, 2, 3, 7, 9, 10]` → `1:3,7,9:10`: runs of consecutive UIDs as ranges, so a command naming a
    /// drained inbox's next hundred messages stays a few bytes long.
    static func uidSet(_ uids: [UInt32]) -> String {
        var parts: [String] = []
        var index = 0
        while index < uids.count {
            var end = index
            while end + 1 < uids.count, uids[end] != UInt32.max, uids[end + 1] == uids[end] + 1 { end += 1 }
            parts.append(end == index ? "\(uids[index])" : "\(uids[index]):\(uids[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    static func fetchItems(in lines: [String]) -> [[String: Item]] {
        untagged("FETCH", in: lines).compactMap { rest in
            var parser = ItemParser(Array(rest.utf8))
            guard case .list(let items)? = parser.parse() else { return nil }
            var result: [String: Item] = [:]
            var index = 0
            while index + 1 < items.count {
                if case .atom(let name) = items[index] { result[name.uppercased()] = items[index + 1] }
                index += 2
            }
            return result
        }
    }

    /// `* LIST (\HasNoChildren) "/" "Support Desk"` → the mailbox names with their attributes.
    static func listedMailboxes(in lines: [String]) -> [(name: String, attributes: Set<String>)] {
        untagged("LIST", in: lines).compactMap { rest in
            var parser = ItemParser(Array("(\(rest))".utf8))
            guard case .list(let items)? = parser.parse(), items.count == 3, case .list(let flags) = items[0] else {
                return nil
            }
            let name: String
            switch items[2] {
            case .atom(let text), .string(let text): name = text
            case .list: return nil
            }
            let attributes = flags.compactMap { flag -> String? in
                if case .atom(let text) = flag { return text.uppercased() }
                return nil
            }
            return (name, Set(attributes))
        }
    }

    /// `[COPYUID 1795325863 2 1]` in any line → the destination UID of the single message copied.
    static func copiedUID(in lines: [String]) -> UInt32? {
        for line in lines {
            guard let range = line.firstRange(of: "[COPYUID ") else { continue }
            let words = line[range.upperBound...].prefix { $0 != "]" }.split(separator: " ")
            guard words.count == 3, let destination = try? sequenceSet(words[2]), destination.count == 1 else {
                continue
            }
            return destination[0]
        }
        return nil
    }

    /// One value in a FETCH response.
    indirect enum Item: Equatable {
        case atom(String)
        case string(String)
        case list([Item])

        var number: UInt64? {
            if case .atom(let text) = self { return UInt64(text) }
            return nil
        }
    }

    /// Atoms, quoted strings and parenthesised lists; enough for FETCH (UID … RFC822.SIZE … FLAGS (…)).
    struct ItemParser {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func parse(depth: Int = 0) -> Item? {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard index < bytes.count, depth < 16 else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "("):
                index += 1
                var items: [Item] = []
                while true {
                    while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
                    guard index < bytes.count else { return .list(items) }
                    if bytes[index] == UInt8(ascii: ")") {
                        index += 1
                        return .list(items)
                    }
                    guard let item = parse(depth: depth + 1) else { return .list(items) }
                    items.append(item)
                }
            case UInt8(ascii: "\""):
                index += 1
                var text: [UInt8] = []
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                    text.append(bytes[index])
                    index += 1
                }
                index += 1
                return .string(String(decoding: text, as: UTF8.self))
            default:
                let start = index
                var bracketDepth = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "[") { bracketDepth += 1 }
                    if byte == UInt8(ascii: "]") { bracketDepth -= 1 }
                    if bracketDepth <= 0,
                        byte == UInt8(ascii: " ") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "(")
                    {
                        break
                    }
                    index += 1
                }
                if index == start {
                    index += 1
                    return nil
                }
                return .atom(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }
    }
}
