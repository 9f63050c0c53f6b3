import MIME

/// Writes the header block of an outgoing message so that no value can leave its field.
///
/// Every value goes through a typed path: fixed tokens are checked to be printable ASCII, text is
/// sanitised (control characters removed) and written as plain words or RFC 2047 encoded words,
/// addresses are `EmailAddress` values and message ids `MessageID` values, both validated when made.
/// Lines are folded at 78 characters where the value allows it and never exceed 998 octets; line ends
/// are CRLF. `finish()` re-checks the whole block before it is used.
struct HeaderWriter {
    private(set) var bytes: [UInt8] = []

    /// RFC 5322's recommended line length; values longer than this are folded.
    static let foldWidth = 78
    /// RFC 5322's hard limit, CRLF excluded.
    static let maxLineLength = 998
    /// UTF-8 bytes per encoded word: "=?utf-8?B?" + 56 base64 characters + "?=" is 68 characters, so
    /// "Subject: " plus one word stays within 78.
    static let encodedWordBytes = 42
    /// Longer ASCII words are encoded so that they can be split across lines.
    static let maxPlainWordLength = 68

    /// A field whose value is a fixed token such as `auto-replied` or `text/plain; charset=utf-8`.
    mutating func addToken(_ name: String, _ value: String) throws(AnswerError) {
        guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }),
            value.first != " ", value.last != " "
        else { throw AnswerError.invalidHeader("\(name): not a printable ASCII token") }
        try writeLine(name, [value])
    }

    /// An unstructured field (Subject): the text sanitised to one line and RFC 2047 encoded where needed.
    mutating func addText(_ name: String, _ text: String) throws(AnswerError) {
        let clean = HeaderText.sanitised(text)
        guard !clean.isEmpty else { throw AnswerError.invalidHeader("\(name): empty after sanitising") }
        try writeLine(name, Self.textAtoms(clean))
    }

    /// A mailbox field: `"Display Name" <local@domain>` (the name quoted or encoded) or `<local@domain>`.
    mutating func addMailbox(_ name: String, displayName: String?, address: EmailAddress) throws(AnswerError) {
        var atoms: [String] = []
        if let displayName {
            let clean = HeaderText.sanitised(displayName)
            if !clean.isEmpty { atoms += Self.phraseAtoms(clean) }
        }
        atoms.append("<" + address.value + ">")
        try writeLine(name, atoms)
    }

    /// A field listing message ids (`<a@b>`), one fold point between ids.
    mutating func addMessageIDs(_ name: String, _ ids: [MessageID]) throws(AnswerError) {
        guard !ids.isEmpty else { throw AnswerError.invalidHeader("\(name): no message id") }
        try writeLine(name, ids.map { "<" + $0.value + ">" })
    }

    /// A Date field in RFC 5322 form, in UTC: `Tue, 12 Nov 2024 07:47:00 +0000`.
    mutating func addDate(_ name: String, secondsSince1970: Int64) throws(AnswerError) {
        try writeLine(name, [AnswerText.rfc5322Date(secondsSince1970)])
    }

    /// The block, after checking every line once more: names are RFC 5322 field names, lines are at most
    /// 998 octets, and CR and LF only occur as CRLF, followed by white space within a field.
    func finish() throws(AnswerError) -> [UInt8] {
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                guard byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A else {
                    throw AnswerError.invalidHeader("bare CR or LF in the header block")
                }
                guard index - lineStart <= Self.maxLineLength else {
                    throw AnswerError.invalidHeader("header line longer than 998 octets")
                }
                index += 2
                lineStart = index
                continue
            }
            if byte == 0 || byte >= 0x80 { throw AnswerError.invalidHeader("NUL or 8-bit byte in the header block") }
            index += 1
        }
        guard lineStart == bytes.count else { throw AnswerError.invalidHeader("unterminated header line") }
        return bytes
    }

    // MARK: Writing

    /// Writes `Name: atom atom …`, folding between atoms when a line would pass 78 characters.
    private mutating func writeLine(_ name: String, _ atoms: [String]) throws(AnswerError) {
        guard Self.isFieldName(name) else { throw AnswerError.invalidHeader("invalid field name \"\(name)\"") }
        var line = Array(name.utf8) + [UInt8(ascii: ":")]
        var atomsOnLine = 0
        for atom in atoms {
            let utf8 = Array(atom.utf8)
            guard !utf8.isEmpty, utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw AnswerError.invalidHeader("\(name): a value part is not printable ASCII")
            }
            if atomsOnLine > 0, line.count + 1 + utf8.count > Self.foldWidth {
                // Folding: CRLF, then the space below starts the continuation line.
                bytes += line + [0x0D, 0x0A]
                line = []
                atomsOnLine = 0
            }
            line.append(0x20)
            line += utf8
            atomsOnLine += 1
            guard line.count <= Self.maxLineLength else {
                throw AnswerError.invalidHeader("\(name): line longer than 998 octets")
            }
        }
        bytes += line + [0x0D, 0x0A]
    }

    /// RFC 5322 field name: printable ASCII except colon.
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 76 && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x3A }
    }

    // MARK: Encoding

    /// An unstructured value as atoms: printable ASCII words as they are, runs of words that need
    /// encoding (non-ASCII, looking like an encoded word, too long for a line) as encoded words.
    /// White space inside a run is encoded with it, since decoders drop space between encoded words.
    static func textAtoms(_ text: String) -> [String] {
        var atoms: [String] = []
        var run: [Substring] = []
        func flush() {
            guard !run.isEmpty else { return }
            atoms += encodedWords(run.joined(separator: " "))
            run = []
        }
        for word in text.split(separator: " ") {
            if needsEncoding(word) {
                run.append(word)
            } else {
                flush()
                atoms.append(String(word))
            }
        }
        flush()
        return atoms
    }

    /// A display name as atoms: a quoted string when it is printable ASCII and fits on a line, else
    /// encoded words (RFC 2047 §5 (3) allows them in a phrase; they are never put inside quotes).
    static func phraseAtoms(_ name: String) -> [String] {
        let isPlain = name.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !name.contains("=?")
        if isPlain {
            var quoted = "\""
            for character in name {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            quoted.append("\"")
            if quoted.utf8.count <= maxPlainWordLength { return [quoted] }
        }
        return encodedWords(name)
    }

    private static func needsEncoding(_ word: Substring) -> Bool {
        word.utf8.count > maxPlainWordLength || word.contains("=?") || word.contains("?=")
            || !word.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }

    /// `text` as UTF-8 B encoded words of at most 42 bytes each, split between characters (grapheme
    /// clusters; a cluster too long for one word is split between its scalars, never inside a scalar).
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func append(_ piece: [UInt8]) {
            if chunk.count + piece.count > encodedWordBytes, !chunk.isEmpty {
                words.append("=?utf-8?B?" + Base64.encode(chunk) + "?=")
                chunk = []
            }
            chunk += piece
        }
        for character in text {
            let utf8 = Array(String(character).utf8)
            if utf8.count <= encodedWordBytes {
                append(utf8)
            } else {
                for scalar in character.unicodeScalars { append(Array(String(scalar).utf8)) }
            }
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + Base64.encode(chunk) + "?=") }
        return words
    }
}

/// Header text cleaning shared by the writer and the subject logic.
enum HeaderText {
    /// One line of text: control characters (C0, DEL, C1, line and paragraph separators) and bidi
    /// embedding/override/isolate controls become spaces, white space runs become one space, ends trimmed.
    static func sanitised(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let isBlank =
                v < 0x21 || v == 0x7F || (0x80...0xA0).contains(v) || v == 0x2028 || v == 0x2029
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFEFF
                || v == 0x1680 || (0x2000...0x200A).contains(v) || v == 0x202F || v == 0x205F || v == 0x3000
            if isBlank {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(scalar)
        }
        return String(out)
    }

    /// At most `limit` characters: longer text is cut at a character boundary and ends in "…".
    static func capped(_ text: String, _ limit: Int) -> String {
        guard text.count > limit else { return text }
        var cut = String(text.prefix(limit - 1))
        while cut.last == " " { cut.removeLast() }
        return cut + "…"
    }
}

/// A recipient or sender address we are willing to put in a header: ASCII `local@domain`, the local
/// part a dot-atom (no quoting, no spaces, no comments), the domain a host name with at least two labels.
struct EmailAddress: Sendable, Equatable {
    /// `local@domain` with the domain lower-cased.
    let value: String

    init(validating address: String) throws(AnswerError) {
        let bytes = Array(address.utf8)
        guard (3...254).contains(bytes.count) else {
            throw AnswerError.invalidAddress(address, "length must be 3 to 254 characters")
        }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw AnswerError.invalidAddress(address, "only printable ASCII without spaces is accepted")
        }
        let sides = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard sides.count == 2 else { throw AnswerError.invalidAddress(address, "needs exactly one @") }
        let local = sides[0]
        let domain = sides[1]
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }),
            local.allSatisfy({ $0 == UInt8(ascii: ".") || MessageID.isAtext($0) })
        else { throw AnswerError.invalidAddress(address, "the local part is not a plain dot-atom") }
        let domainText = String(decoding: domain, as: UTF8.self)
        guard MessageIDSigner.isValidDomain(domainText), domain.contains(UInt8(ascii: ".")),
            !domain.split(separator: UInt8(ascii: ".")).last!.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { throw AnswerError.invalidAddress(address, "the domain is not a host name") }
        value = String(decoding: local, as: UTF8.self) + "@" + MessageIDSigner.lowercasedASCII(domainText)
    }
}

/// A message id safe to copy into In-Reply-To and References: `id-left@id-right` in printable ASCII,
/// the left a dot-atom text, the right a dot-atom text or a `[literal]`, at most 250 characters.
struct MessageID: Sendable, Equatable, Hashable {
    /// The id without angle brackets.
    let value: String

    /// Nil for anything that is not a sane msg-id (spaces, controls, quotes, several @, …).
    init?(_ text: String) {
        var id = Substring(text)
        if id.first == "<", id.last == ">", id.count >= 2 { id = id.dropFirst().dropLast() }
        let bytes = Array(id.utf8)
        guard (3...250).contains(bytes.count) else { return nil }
        let sides = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty,
            sides[0].allSatisfy({ $0 == UInt8(ascii: ".") || Self.isAtext($0) })
        else { return nil }
        let right = sides[1]
        if right.first == UInt8(ascii: "[") {
            guard right.count >= 3, right.last == UInt8(ascii: "]"),
                right.dropFirst().dropLast().allSatisfy({
                    $0 > 0x20 && $0 < 0x7F && $0 != 0x5B && $0 != 0x5D && $0 != 0x5C
                })
            else { return nil }
        } else {
            guard right.allSatisfy({ $0 == UInt8(ascii: ".") || Self.isAtext($0) }) else { return nil }
        }
        value = String(id)
    }

    /// RFC 5322 atext: letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
        }
    }
}
