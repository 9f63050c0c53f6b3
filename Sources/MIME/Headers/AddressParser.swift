/// One mailbox from an address header.
public struct MailAddress: Hashable, Sendable {
    /// Display name as written: quotes and backslash escapes removed, comments dropped, whitespace collapsed.
    /// RFC 2047 encoded words are left as-is (the caller decodes them). nil when absent or empty.
    public var name: String?
    /// `local@domain` with the domain lower-cased and the local part as written (quoted only when it has to be,
    /// e.g. `"john doe"@example.com`). Broken input may give just a local part, or `local@` with no domain.
    public var address: String
    /// The group's display name when the mailbox came from a group (`Team: a@x, b@y;`).
    public var group: String?
    /// Whether the mailbox was written in a form that hides who it is: an obsolete route (`<@relay:a@b>`),
    /// a dropped `<`, or several unquoted `@` (`a@b@c`). Readable for display, never trusted as an identity.
    public var isAmbiguous: Bool

    public init(name: String?, address: String, group: String? = nil, isAmbiguous: Bool = false) {
        self.name = name
        self.address = address
        self.group = group
        self.isAmbiguous = isAmbiguous
    }
}

/// Reads address lists and message-id lists from header values, leniently.
///
/// Everything is one forward pass over the UTF-8 bytes: a lexer (comments tracked with a depth counter, never
/// recursion) and then a state machine over its tokens, so hostile values cost linear time and constant stack.
/// Only ASCII bytes are structural, so RFC 6532 UTF-8 in names and addresses passes through untouched.
public enum AddressParser {
    /// Parses an address-list header value (From, To, Cc, Reply-To, Sender…). Never traps; returns what it can read.
    ///
    /// Beyond RFC 5322: a comment names the mailbox when nothing else does (`a@b (Name)`); `;` separates like `,`
    /// outside a group; `mailto:` prefixes and obsolete routes (`<@r1,@r2:a@b>`) are dropped; a missing `>` ends at
    /// the next separator and a missing closing quote at the next `<`; with several `@` the last one separates
    /// local part and domain; two bracketed addresses with no comma between them are two mailboxes. Null
    /// addresses (`<>`) and display names without any address are skipped.
    public static func parse(_ value: some StringProtocol) -> [MailAddress] {
        var lexer = AddressLexer(bytes: Array(value.utf8))
        var builder = AddressListBuilder()
        while let token = lexer.next() { builder.consume(token) }
        return builder.finish()
    }

    /// Message-IDs from Message-ID / In-Reply-To / References: the ids without angle brackets, in order,
    /// tolerant of missing brackets, comments, and junk between ids (e.g. "<a@b> (comment) <c@d>", "a@b", `<a@b>,<c@d>`).
    ///
    /// Whitespace inside brackets (left by folding) is removed. Outside brackets, only a word containing `@` counts
    /// as an id; quoted strings and comments there are junk. Duplicates are kept, in order.
    public static func messageIDs(_ value: some StringProtocol) -> [String] {
        let bytes = Array(value.utf8)
        let n = bytes.count
        var ids: [String] = []
        var i = 0
        var sawUnterminatedQuote = false
        while i < n {
            let byte = bytes[i]
            switch byte {
            case ASCII.lessThan:
                // Up to ">" unless another "<" comes first; a missing ">" ends the id at whitespace instead.
                var j = i + 1
                var id: [UInt8] = []
                while j < n, bytes[j] != ASCII.greaterThan, bytes[j] != ASCII.lessThan {
                    if !ASCII.isSpace(bytes[j]) { id.append(bytes[j]) }
                    j += 1
                }
                if j < n, bytes[j] == ASCII.greaterThan {
                    if !id.isEmpty { ids.append(String(decoding: id, as: UTF8.self)) }
                    i = j + 1
                } else {
                    j = i + 1
                    while j < n, !ASCII.isSpace(bytes[j]), bytes[j] != ASCII.lessThan { j += 1 }
                    if j > i + 1 { ids.append(String(decoding: bytes[(i + 1)..<j], as: UTF8.self)) }
                    i = j
                }
            case ASCII.openParen:
                i = AddressLexer.endOfComment(bytes, from: i).end
            case ASCII.quote where !sawUnterminatedQuote:
                let end = AddressLexer.endOfQuotedString(bytes, from: i)
                if end.closed {
                    i = end.end
                } else {
                    // Treat a lone quote as junk; remembering it keeps the scan linear (see AddressLexer).
                    sawUnterminatedQuote = true
                    i += 1
                }
            default:
                if ASCII.isSpace(byte) || byte == ASCII.comma || byte == ASCII.semicolon || byte == ASCII.quote
                    || byte == ASCII.closeParen || byte == ASCII.greaterThan
                {
                    i += 1
                    continue
                }
                var j = i
                var hasAt = false
                while j < n, !isMessageIDDelimiter(bytes[j]) {
                    if bytes[j] == ASCII.at { hasAt = true }
                    j += 1
                }
                if hasAt { ids.append(String(decoding: bytes[i..<j], as: UTF8.self)) }
                i = j
            }
        }
        return ids
    }

    private static func isMessageIDDelimiter(_ byte: UInt8) -> Bool {
        ASCII.isSpace(byte) || byte == ASCII.lessThan || byte == ASCII.greaterThan || byte == ASCII.openParen
            || byte == ASCII.closeParen || byte == ASCII.comma || byte == ASCII.semicolon || byte == ASCII.quote
    }
}

// MARK: - Lexer

private enum ASCII {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let colon = UInt8(ascii: ":")
    static let at = UInt8(ascii: "@")
    static let dot = UInt8(ascii: ".")

    /// Whitespace and every other control character: header values arrive unfolded but may keep CR, LF, TAB.
    static func isSpace(_ byte: UInt8) -> Bool { byte <= 0x20 || byte == 0x7F }
}

private enum AddressToken {
    /// An atom (dots included, so `john.doe` and `example.com` are one word), backslash escapes resolved.
    case word(String)
    /// A quoted string's content, quotes and escapes removed.
    case quoted(String)
    /// A domain literal, brackets included: `[192.0.2.1]`.
    case literal(String)
    /// A comment's content without the outer parentheses, escapes resolved.
    case comment(String)
    /// One of `< > , ; : @`.
    case special(UInt8)
}

private struct Lexeme {
    var token: AddressToken
    /// Whitespace or a comment came before it: decides whether name words get a space between them and where
    /// a bare address starts.
    var spaceBefore: Bool
}

private struct AddressLexer {
    let bytes: [UInt8]
    var position = 0
    /// Once a quote has been found unterminated, later quotes are plain junk. Scanning each of them to the end
    /// again would make a value full of escaped quotes quadratic.
    var sawUnterminatedQuote = false

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> Lexeme? {
        var space = false
        let n = bytes.count
        while position < n {
            let byte = bytes[position]
            if ASCII.isSpace(byte) || byte == ASCII.closeParen || (byte == ASCII.quote && sawUnterminatedQuote) {
                space = true
                position += 1
                continue
            }
            switch byte {
            case ASCII.openParen:
                let comment = Self.endOfComment(bytes, from: position)
                position = comment.end
                return Lexeme(token: .comment(comment.text), spaceBefore: space)
            case ASCII.quote:
                let quoted = Self.endOfQuotedString(bytes, from: position)
                if quoted.closed {
                    position = quoted.end
                } else {
                    // `"John Doe <john@x>`: end the name where the address starts rather than swallow it.
                    sawUnterminatedQuote = true
                    position = quoted.firstLessThan ?? n
                }
                return Lexeme(token: .quoted(quoted.text), spaceBefore: space)
            case ASCII.openBracket:
                return Lexeme(token: .literal(domainLiteral()), spaceBefore: space)
            case ASCII.lessThan, ASCII.greaterThan, ASCII.comma, ASCII.semicolon, ASCII.colon, ASCII.at:
                position += 1
                return Lexeme(token: .special(byte), spaceBefore: space)
            default:
                return Lexeme(token: .word(atom()), spaceBefore: space)
            }
        }
        return nil
    }

    private mutating func atom() -> String {
        var text: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if ASCII.isSpace(byte) || Self.endsAtom(byte) { break }
            if byte == ASCII.backslash, position + 1 < bytes.count {
                // Not legal outside quotes, but every scanner here reads "\x" as x so they all agree.
                text.append(bytes[position + 1])
                position += 2
            } else {
                text.append(byte)
                position += 1
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func endsAtom(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.openParen, ASCII.closeParen, ASCII.quote, ASCII.openBracket, ASCII.lessThan, ASCII.greaterThan,
            ASCII.comma, ASCII.semicolon, ASCII.colon, ASCII.at:
            return true
        default:
            return false
        }
    }

    /// `[...]`; a missing `]` ends it before the next structural character so the rest of the list survives.
    private mutating func domainLiteral() -> String {
        var text: [UInt8] = [ASCII.openBracket]
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == ASCII.closeBracket {
                text.append(byte)
                position += 1
                break
            }
            if byte == ASCII.lessThan || byte == ASCII.greaterThan || byte == ASCII.comma || byte == ASCII.semicolon
                || byte == ASCII.quote || byte == ASCII.openBracket
            {
                break
            }
            if byte == ASCII.backslash, position + 1 < bytes.count {
                text.append(bytes[position + 1])
                position += 2
            } else {
                text.append(byte)
                position += 1
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The comment opening at `start` (nested with a depth counter; an unterminated one runs to the end).
    static func endOfComment(_ bytes: [UInt8], from start: Int) -> (end: Int, text: String) {
        var text: [UInt8] = []
        var depth = 1
        var i = start + 1
        while i < bytes.count {
            let byte = bytes[i]
            if byte == ASCII.backslash, i + 1 < bytes.count {
                text.append(bytes[i + 1])
                i += 2
                continue
            }
            i += 1
            if byte == ASCII.openParen {
                depth += 1
            } else if byte == ASCII.closeParen {
                depth -= 1
                if depth == 0 { break }
            }
            text.append(byte)
        }
        return (i, String(decoding: text, as: UTF8.self))
    }

    /// The quoted string opening at `start`. When it is never closed, `text` stops at the first `<` inside it
    /// (and `firstLessThan` says where that is) so the caller can resume there.
    static func endOfQuotedString(_ bytes: [UInt8], from start: Int) -> QuotedString {
        var text: [UInt8] = []
        var textBeforeLessThan: Int? = nil
        var firstLessThan: Int? = nil
        var i = start + 1
        while i < bytes.count {
            let byte = bytes[i]
            if byte == ASCII.backslash, i + 1 < bytes.count {
                text.append(bytes[i + 1])
                i += 2
                continue
            }
            if byte == ASCII.quote {
                return QuotedString(end: i + 1, text: String(decoding: text, as: UTF8.self), closed: true)
            }
            if byte == ASCII.lessThan, firstLessThan == nil {
                firstLessThan = i
                textBeforeLessThan = text.count
            }
            text.append(byte)
            i += 1
        }
        let kept = text.prefix(textBeforeLessThan ?? text.count)
        return QuotedString(
            end: i, text: String(decoding: kept, as: UTF8.self), closed: false, firstLessThan: firstLessThan)
    }

    struct QuotedString {
        /// Index after the closing quote, or the end of the input.
        var end: Int
        var text: String
        var closed: Bool
        var firstLessThan: Int? = nil
    }
}

// MARK: - List state machine

/// The tokens of one mailbox as they arrive, split around its angle brackets.
private struct Segment {
    enum Angle {
        case none
        case open
        case closed
    }
    var phrase: [Lexeme] = []
    var angle: Angle = .none
    var angleTokens: [Lexeme] = []
    var after: [Lexeme] = []
    var firstComment: String? = nil
    var sawMailto = false
    /// Tokens were dropped or re-read (a route, a second `<`): see `MailAddress.isAmbiguous`.
    var ambiguous = false
    /// Set after dropping `mailto:` so the next word does not glue onto the one before it.
    var forceSpace = false

    var isEmpty: Bool { phrase.isEmpty && angle == .none && after.isEmpty }

    /// Inside `<@r1,@r2:` commas belong to the obsolete route, not to the list.
    var inRoute: Bool {
        guard angle == .open, case .special(ASCII.at)? = angleTokens.first?.token else { return false }
        return true
    }
}

private struct AddressListBuilder {
    var result: [MailAddress] = []
    var group: String? = nil
    var segment = Segment()

    mutating func consume(_ lexeme: Lexeme) {
        switch lexeme.token {
        case .comment(let text):
            if segment.firstComment == nil, let name = collapse(text) { segment.firstComment = name }
        case .special(ASCII.lessThan):
            switch segment.angle {
            case .none: segment.angle = .open
            case .open:
                segment.angleTokens.removeAll()  // `<<a@b>>` or a missing `>`: the last `<` wins
                segment.ambiguous = true
            case .closed:
                // `A <a@b> B <b@c>`: a missing comma, so a new mailbox starts here, named by the words between.
                let carried = segment.after
                segment.after.removeAll()
                flush()
                segment.phrase = carried
                segment.angle = .open
            }
        case .special(ASCII.greaterThan):
            if segment.angle == .open { segment.angle = .closed }
        case .special(ASCII.comma):
            if segment.inRoute {
                segment.angleTokens.append(lexeme)
            } else {
                flush()
            }
        case .special(ASCII.semicolon):
            flush()
            group = nil
        case .special(ASCII.colon):
            colon()
        default:
            var lexeme = lexeme
            if segment.forceSpace {
                lexeme.spaceBefore = true
                segment.forceSpace = false
            }
            switch segment.angle {
            case .none: segment.phrase.append(lexeme)
            case .open: segment.angleTokens.append(lexeme)
            case .closed: segment.after.append(lexeme)
            }
        }
    }

    private mutating func colon() {
        switch segment.angle {
        case .open:
            // Ends an obsolete route or a `mailto:` scheme; either way what came before is not the address.
            if case .word(let word)? = segment.angleTokens.last?.token, isMailto(word) {
                segment.sawMailto = true
            } else {
                segment.ambiguous = true
            }
            segment.angleTokens.removeAll()
        case .closed:
            break
        case .none:
            if case .word(let word)? = segment.phrase.last?.token, isMailto(word) {
                segment.phrase.removeLast()
                segment.sawMailto = true
                segment.forceSpace = true
                return
            }
            // A group starts: its phrase is the group name, and nested groups are not a thing, so it replaces.
            group = phraseText(segment.phrase)
            segment = Segment()
        }
    }

    private func isMailto(_ word: String) -> Bool {
        word.utf8.count == 6 && word.lowercased() == "mailto"
    }

    mutating func finish() -> [MailAddress] {
        flush()
        return result
    }

    /// Ends the current mailbox: appends it when it holds an address, and starts a fresh one.
    private mutating func flush() {
        defer { segment = Segment() }
        guard !segment.isEmpty else { return }
        let name: String?
        let address: String?
        if segment.angle != .none {
            address = addrSpec(segment.angleTokens[...], mailto: segment.sawMailto)
            name = phraseText(segment.phrase) ?? segment.firstComment ?? phraseText(segment.after)
        } else {
            let bare = bareMailbox(segment.phrase)
            address = bare.address
            name = bare.name ?? segment.firstComment ?? bare.trailingName
        }
        guard let address, !address.isEmpty else { return }
        let tokens = segment.angle != .none ? segment.angleTokens[...] : segment.phrase[...]
        var ats = 0
        for lexeme in tokens where isAt(lexeme.token) { ats += 1 }
        result.append(
            MailAddress(name: name, address: address, group: group, isAmbiguous: segment.ambiguous || ats > 1))
    }

    /// A mailbox written without angle brackets: `a@b`, or broken `John Doe john@x`. The address is the run of
    /// tokens glued to the last `@` and the domain right after it; words before are the name, words after a
    /// fallback name. Without any `@`, a single atom is a local-part-only address (`postmaster`); anything else is
    /// a name without an address (nil).
    private func bareMailbox(_ tokens: [Lexeme]) -> (name: String?, address: String?, trailingName: String?) {
        guard let at = tokens.lastIndex(where: { isAt($0.token) }) else {
            guard tokens.count == 1, case .word = tokens[0].token else { return (nil, nil, nil) }
            return (nil, addrSpec(tokens[...], mailto: segment.sawMailto), nil)
        }
        var start = at
        if start > 0 {
            start -= 1
            while start > 0, !tokens[start].spaceBefore { start -= 1 }
        }
        var end = at + 1
        if end < tokens.count {
            end += 1
            while end < tokens.count, !tokens[end].spaceBefore { end += 1 }
        }
        let address = addrSpec(tokens[start..<end], mailto: segment.sawMailto)
        return (phraseText(tokens[..<start]), address, phraseText(tokens[end...]))
    }

    private func isAt(_ token: AddressToken) -> Bool {
        if case .special(ASCII.at) = token { return true }
        return false
    }

    /// `local@domain` from the tokens of an addr-spec; whitespace between them (obsolete CFWS) is ignored.
    private func addrSpec(_ tokens: ArraySlice<Lexeme>, mailto: Bool) -> String? {
        let at = tokens.lastIndex(where: { isAt($0.token) })
        var local = ""
        var quoted = false
        for lexeme in tokens[tokens.startIndex..<(at ?? tokens.endIndex)] {
            switch lexeme.token {
            case .word(let text), .literal(let text): local += text
            case .quoted(let text):
                local += text
                quoted = true
            case .special(let byte): if byte == ASCII.at { local += "@" }
            case .comment: break
            }
        }
        if quoted, needsQuoting(local) { local = quote(local) }
        guard let at else { return local }
        var domain = ""
        for lexeme in tokens[(at + 1)...] {
            switch lexeme.token {
            case .word(let text), .quoted(let text): domain += text
            // Obsolete syntax allows folding inside a literal (`[ 192.0.2.1 ]`); the address never keeps it.
            case .literal(let text): domain += String(decoding: text.utf8.filter { !ASCII.isSpace($0) }, as: UTF8.self)
            case .special, .comment: break
            }
        }
        if mailto, let query = domain.firstIndex(of: "?") { domain = String(domain[..<query]) }
        if local.isEmpty && domain.isEmpty { return nil }
        return local + "@" + domain.lowercased()
    }

    /// Whether a local part must stay quoted: anything that is not a dot-atom (RFC 5322 atext, or any non-ASCII
    /// per RFC 6532, separated by single dots).
    private func needsQuoting(_ local: String) -> Bool {
        if local.isEmpty { return true }
        var previousWasDot = true  // a leading dot is as bad as a doubled one
        for byte in local.utf8 {
            if byte == ASCII.dot {
                if previousWasDot { return true }
                previousWasDot = true
                continue
            }
            previousWasDot = false
            if byte >= 0x80 { continue }
            let isAlphanumeric =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if !isAlphanumeric && !"!#$%&'*+-/=?^_`{|}~".utf8.contains(byte) { return true }
        }
        return previousWasDot
    }

    private func quote(_ local: String) -> String {
        var out = "\""
        for character in local {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// Words of a display name or group name joined as written, with whitespace runs collapsed; nil when empty.
    private func phraseText(_ tokens: some Collection<Lexeme>) -> String? {
        var text = ""
        for lexeme in tokens {
            let piece: String
            switch lexeme.token {
            case .word(let word), .quoted(let word), .literal(let word): piece = word
            case .special(let byte): piece = String(UnicodeScalar(byte))
            case .comment: continue
            }
            if lexeme.spaceBefore, !text.isEmpty { text += " " }
            text += piece
        }
        return collapse(text)
    }

    /// Collapses whitespace runs (including CR, LF, TAB inside quoted strings) to one space and trims the ends.
    private func collapse(_ text: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if ASCII.isSpace(byte) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }
}
