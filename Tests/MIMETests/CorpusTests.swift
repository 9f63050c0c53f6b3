import Foundation
import Testing

@testable import MIME

// The public MIME corpora in `<repo>/../shared/corpora` (see its README.md) as tests:
//
// - `stalwart-mail-parser/` — Stalwart Labs' mail-parser (Rust), commit 339a430, Apache-2.0/MIT. Each `.eml`
//   has a `.json` dump of Stalwart's parse of the file with its line breaks made LF.
// - `mime4j/` — Apache James mime4j, commit 2602a9a9, Apache-2.0; `mimetools-testmsgs/` comes from Perl
//   MIME-tools. Each `.msg` has a `_decoded.xml` tree whose leaves name `_decoded_*` files holding the
//   transfer-decoded body bytes.
//
// The files are read in place, never copied into the project; when the folder is missing the tests fail, unless
// `HELPDESKD_NO_CORPORA=1` says that is expected. Every check compares one thing; a disagreement fails the test
// unless the tables below ("Known disagreements") list it with the reason our reading is the better (or an
// equally valid) one, and a listed disagreement that no longer occurs fails too, so the tables stay true.
// `HELPDESKD_CORPUS_REPORT=1` prints every check that disagrees, listed or not.

@Suite struct CorpusTests {
    @Test func everyMessageFileParses() throws {
        guard let corpora = Corpora.locate() else { return }
        let files = Corpora.messageFiles(in: corpora)
        #expect(files.filter { $0.hasSuffix(".eml") }.count == 107)
        #expect(files.filter { $0.hasSuffix(".msg") }.count == 80)
        #expect(files.filter { $0.hasSuffix(".out") }.count == 80)
        for file in files {
            let bytes = try Corpora.read(corpora, file)
            // As stored (LF, CRLF or a mix), with LF only and with CRLF only: each must parse with sound structure.
            let variants = [("", bytes), (" (LF)", Corpora.withLF(bytes)), (" (CRLF)", Corpora.withCRLF(bytes))]
            for (variant, input) in variants {
                let message = MIMEParser().parse(input)
                let problems = StructureInvariants.violations(in: message)
                #expect(problems.isEmpty, "\(file)\(variant): \(problems.joined(separator: "; "))")
                let content = MessageContent(message)
                #expect(content.textParts.allSatisfy { message.parts[$0].kind == .leaf })
                for index in message.parts.indices {
                    if message.parts[index].isMessageRoot { _ = message.envelope(of: index) }
                    if message.parts[index].kind == .leaf {
                        _ = message.text(ofPart: index)
                        if let opened = OpenedTree.openEncapsulated(message, index) {
                            let inner = StructureInvariants.violations(in: opened).joined(separator: "; ")
                            #expect(inner.isEmpty, "\(file)\(variant), opened part \(index): \(inner)")
                            _ = MessageContent(opened)
                        }
                    }
                }
            }
        }
    }

    @Test func stalwartAgreement() throws {
        guard let corpora = Corpora.locate() else { return }
        let suite = corpora.appendingPathComponent("stalwart-mail-parser")
        let files = Corpora.files(in: suite, extension: "eml")
        #expect(files.count == 107)
        var tally = Tally(suite: "stalwart-mail-parser")
        for file in files {
            let expectationURL = suite.appendingPathComponent(String(file.dropLast(4)) + ".json")
            guard let data = FileManager.default.contents(atPath: expectationURL.path) else {
                Issue.record("\(file): no .json")
                continue
            }
            let expected = try StalwartMessage(json: JSONSerialization.jsonObject(with: data))
            // The `.json` is Stalwart's parse of the file with every CRLF made LF (the `.crlf.json` of the
            // opposite), so that is what we parse too.
            let message = MIMEParser().parse(Corpora.withLF(try Corpora.read(suite, file)))
            var checks = Checks()
            StalwartComparison.compare(expected, with: OpenedTree.Node(message, 0), into: &checks)
            tally.add(file: file, checks: checks, known: knownStalwartDisagreements)
        }
        tally.finish(known: knownStalwartDisagreements)
    }

    @Test func mime4jAgreement() throws {
        guard let corpora = Corpora.locate() else { return }
        let suite = corpora.appendingPathComponent("mime4j")
        let files = Corpora.files(in: suite, extension: "msg")
        #expect(files.count == 80)
        var tally = Tally(suite: "mime4j")
        for file in files {
            let stem = String(file.dropLast(4))
            let treeURL = suite.appendingPathComponent(stem + "_decoded.xml")
            guard let data = FileManager.default.contents(atPath: treeURL.path) else {
                Issue.record("\(file): no _decoded.xml")
                continue
            }
            let tree = try Mime4jTree.parse(Array(data))
            let message = MIMEParser().parse(try Corpora.read(suite, file))
            var checks = Checks()
            let directory = suite.appendingPathComponent(stem).deletingLastPathComponent()
            Mime4jComparison.compare(
                tree, with: OpenedTree.Node(message, 0), name: "1", directory: directory, into: &checks)
            tally.add(file: file, checks: checks, known: knownMime4jDisagreements)
        }
        tally.finish(known: knownMime4jDisagreements)
    }
}

// MARK: - Known disagreements

/// Checks on which we knowingly read a corpus file differently from the other parser, and why our reading is the
/// better or an equally valid one.
struct KnownDisagreement {
    /// The file, relative to its suite.
    let file: String
    /// The checks as the comparison names them: "shape <path>", "body <path>" (our IMAP path, or mime4j's
    /// number), "subject", "from", "to", "text_body", "html_body", "attachments" (with the path of an
    /// encapsulated message after it when the lists are an inner message's).
    let checks: [String]
    let reason: String

    init(_ file: String, _ checks: [String], _ reason: String) {
        self.file = file
        self.checks = checks
        self.reason = reason
    }
}

/// Reasons shared by several files.
enum Because {
    static let eightBitHeader = """
        8-bit header text outside encoded words that is not UTF-8 (ISO-8859-1 from pre-RFC 6532 clients): Stalwart \
        turns each byte into U+FFFD, we decode it as windows-1252 as mail clients do, so "Müller" stays readable \
        (with a defect saying so).
        """
    static let eightBitBody = """
        text/plain without a charset (so US-ASCII) but with 8-bit bytes: Stalwart turns each into U+FFFD, we decode \
        the text as windows-1252 (with a defect), which reads these ISO-8859-1 umlauts right.
        """
    static let inlineMedia = """
        RFC 8621 §4.1.4 also lists inline image/audio/video parts in textBody/htmlBody so a client can show them \
        in place; bodyParts(of:) lists only the text/plain and text/html parts that MessageContent decodes as \
        text (its documented contract). The media stay in the attachments, where RFC 8621 and Stalwart list \
        them too: the attachments check agrees.
        """
    static let outerBoundary = """
        RFC 2046 §5.1.2: "MIME implementations are therefore required to recognize outer level boundary markers \
        at ANY level of inner nesting". An inner multipart (or encapsulated message) that is never closed ends at \
        the next delimiter of an enclosing multipart, as we read it; Stalwart only looks for the innermost \
        boundary, so the rest of the message, enclosing delimiters included, becomes the last inner part.
        """
    static let exactBeatsPrefix = """
        Boundaries "ab" (outer) and "a" (inner): "--ab" is exactly the outer delimiter, which we prefer to a \
        prefix match; Stalwart takes it for a delimiter of "a", so the outer multipart never gets its second part.
        """
    static let truncatedTextIsBody = """
        Stalwart lists a text part that runs to the end of the message without its closing boundary (or a \
        multipart that never found its boundary) as an attachment. RFC 8621 §4.1.4 decides by type, disposition \
        and position only, and an inline text/plain is body text: we list it as such (the structure defect is \
        recorded separately).
        """
    static let encodedMessage = """
        message/rfc822 sent with a base64 (or quoted-printable) body, which RFC 2046 §5.2.1 forbids: the parser \
        keeps the part a leaf (a defect says why) and callers parse decodedBody(of:) themselves; the others open \
        it. This comparison opens it the way a caller does, and everything inside agrees.
        """
    static let emptyMultipart = """
        No delimiter of the multipart's boundary is found (none present, only a close delimiter, or the \
        boundary parameter folded across two lines so no line carries it): mime4j keeps a multipart with no \
        parts and hides the text in its preamble; we keep the body as one text/plain leaf (with a defect "has no \
        parts") so its text stays readable. The same bytes either way.
        """
    static let trailingSpaceBoundary = """
        The boundary is declared with trailing spaces, which RFC 2046 forbids (bcharsnospace) because gateways \
        strip trailing white space from lines. We match boundaries without it, so the line "with one space \
        fewer" that mime4j's test wants to be body text is a delimiter to us, and we get one more part. Robust \
        to the stripping the RFC warns of.
        """
    static let headerLineEndsHeaders = """
        A line that is not a header field (no colon) inside the header section: mime4j's default mode drops it \
        and keeps reading headers, losing text. We end the header section there, as mime4j's \
        malformed-header-starts-body mode and Python's email do, and keep every line as body.
        """
}

let knownStalwartDisagreements: [KnownDisagreement] = [
    .init("legacy/010.eml", ["subject", "to"], Because.eightBitHeader),
    .init("legacy/017.eml", ["to"], Because.eightBitHeader),
    .init("legacy/020.eml", ["subject", "to"], Because.eightBitHeader),
    .init("legacy/022.eml", ["subject", "to"], Because.eightBitHeader),
    .init("legacy/027.eml", ["subject", "to"], Because.eightBitHeader),
    .init("legacy/052.eml", ["subject", "to"], Because.eightBitHeader),
    .init("legacy/026.eml", ["body 2"], Because.eightBitBody),
    .init("legacy/052.eml", ["body 1"], Because.eightBitBody),
    .init("legacy/030.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("legacy/032.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("legacy/035.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("legacy/037.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("legacy/039.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("legacy/044.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("legacy/048.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("malformed/017.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init("rfc/002.eml", ["text_body 2", "html_body 2"], Because.inlineMedia),
    .init("rfc/007.eml", ["text_body"], Because.inlineMedia),
    .init("thirdparty/013.eml", ["text_body", "html_body"], Because.inlineMedia),
    .init(
        "malformed/000.eml", ["shape root", "text_body", "html_body"],
        """
        Five delimiters, the last a close: four parts (one empty, three with a header and no body), as we read \
        them. Stalwart reports a multipart with no parts at all.
        """),
    .init("malformed/001.eml", ["shape root", "text_body", "html_body", "attachments"], Because.exactBeatsPrefix),
    .init("malformed/008.eml", ["shape root", "text_body", "html_body", "attachments"], Because.exactBeatsPrefix),
    .init("malformed/002.eml", ["text_body", "html_body", "attachments"], Because.truncatedTextIsBody),
    .init("malformed/003.eml", ["text_body", "html_body", "attachments"], Because.truncatedTextIsBody),
    .init("malformed/006.eml", ["text_body", "html_body", "attachments"], Because.truncatedTextIsBody),
    .init(
        "malformed/004.eml", ["shape 1", "text_body", "html_body", "attachments"],
        """
        Boundary "a" and delimiter lines "--ab", "--ac": Stalwart matches them by prefix. We accept a prefix \
        match only when the boundary visibly ends (white space or "--" after it, RFC 2046 §5.1.1's junk after a \
        delimiter), because "b" and "c" continue the boundary token: read by prefix, "--ab" would be taken \
        from an "ab" multipart (see malformed/007). No part is found, and the body stays text.
        """),
    .init(
        "malformed/007.eml", ["shape root", "text_body", "html_body", "attachments"],
        """
        Part 1's header section declares boundary "ab" and runs into "--ab" without a blank line: we end the \
        header section there and read the multipart it declared (1.1 is the text/plain part). Stalwart takes \
        "--ab" for a delimiter of the outer "a" (prefix match) and gets two empty parts.
        """),
    .init("malformed/009.eml", ["shape root", "text_body", "html_body", "attachments"], Because.outerBoundary),
    .init("malformed/011.eml", ["shape root", "text_body", "html_body", "attachments"], Because.outerBoundary),
    .init("malformed/012.eml", ["shape root", "attachments"], Because.outerBoundary),
    .init("thirdparty/015.eml", ["shape root", "text_body", "html_body", "attachments"], Because.outerBoundary),
    .init(
        "malformed/016.eml", ["shape root", "text_body", "html_body", "attachments"],
        """
        Three nested boundaries of 80 to 82 characters (RFC 2046 allows 70) sharing an 80-character prefix: each \
        delimiter matches one boundary exactly, and by RFC 2046 §5.1.2 the outermost one closes both inner \
        multiparts, after which the other lines are text. Stalwart matches by prefix, innermost first, and puts \
        every part into the innermost multipart. Neither is what the (broken) sender meant.
        """),
    .init(
        "malformed/019.eml", ["shape root", "text_body", "html_body"],
        """
        Fuzzer output. Header sections hold lines that are no header fields ("JPlain text body…", "Ct \
        fixture.</Mmlti…"): we end the header section at such a line (RFC 5322 syntax; Python's email does the \
        same), so the text stays body text; Stalwart skips them and keeps reading headers, finding nested \
        multiparts in what we read as text. Neither reading is a sender's.
        """),
    .init(
        "malformed/020.eml", ["shape 1", "text_body", "html_body"],
        """
        Part 1 has two Content-Type fields (multipart/alternative, then text/plain). We use the first (with a \
        defect), as Python's email does, and keep the alternative's HTML part (its "Plain Text" becomes the \
        preamble); Stalwart uses the last and shows the raw HTML source as part of the plain text. Both lose \
        something; neither is better.
        """),
    .init("malformed/021.eml", ["shape 1", "text_body", "html_body"], "As malformed/020.eml."),
    .init(
        "malformed/022.eml", ["shape 2"],
        """
        message/rfc822 whose content is no message: we honour the declared type (an encapsulated message with \
        no header fields, whose body is the text; a defect says so), Stalwart falls back to a text leaf. The \
        same text, and both list the part as an attachment.
        """),
    .init(
        "rfc/000.eml", ["body 3.1", "body 3.2"],
        """
        RFC 2046's example has prose placeholders ("... base64-encoded image data goes here ...") where base64 \
        should be. Stalwart keeps the raw text after failing to decode; we decode the base64 letters there are, \
        ignoring the other characters as RFC 2045 §6.8 says (with a defect), which recovers real, lightly \
        damaged base64. No reading yields the audio or image.
        """),
    .init(
        "rfc/001.eml", ["from", "to"],
        """
        "From: Whomever", a lone word with no "@" and no angle brackets: Stalwart makes it a display name with an \
        empty address, we keep it as an address (a local part without domain, as in "To: postmaster" on a \
        local system). Neither is a valid RFC 5322 mailbox; ours keeps a replyable token.
        """),
    .init("rfc/004.eml", ["from", "to"], "As rfc/001.eml."),
    .init("rfc/008.eml", ["shape 2"], Because.encodedMessage),
    .init(
        "thirdparty/002.eml", ["body 2"],
        """
        "ecO2dMOkIHZhYW4uCg== ignored": both decode the junk after the padding (we do on purpose: some mailers \
        concatenate base64 chunks, see Base64Tests), and we also keep the two whole bytes of the final partial \
        quantum, which Stalwart drops. Junk either way.
        """),
    .init(
        "thirdparty/002.eml", ["body 3", "text_body", "html_body", "attachments"],
        """
        An inline text/plain declared base64 whose body "?garbage" is not base64: we decode the letters (junk, \
        with a defect) and list it as body text by RFC 8621; Stalwart keeps the undecodable raw text and moves \
        the part to the attachments.
        """),
    .init(
        "thirdparty/005.eml", ["body 5"],
        """
        The last part's body is the line "invalid--1--". A delimiter only counts at the start of a line (RFC 2046 \
        §5.1.1), so the line is text and the multipart ends unclosed; Stalwart cuts the line at "--1--".
        """),
]

let knownMime4jDisagreements: [KnownDisagreement] = [
    .init("mimetools-testmsgs/multi-2gifs-base64.msg", ["shape 1"], Because.encodedMessage),
    .init("testmsgs/bad-newlines-multiple-parts-base64.msg", ["shape 1"], Because.encodedMessage),
    .init("testmsgs/base64encoded-rfc822message.msg", ["shape 1"], Because.encodedMessage),
    .init("testmsgs/base64encoded-rfc822message-nested.msg", ["shape 1", "shape 1_1"], Because.encodedMessage),
    .init("mimetools-testmsgs/badbound.msg", ["shape 1"], Because.emptyMultipart),
    .init("testmsgs/missing-boundary.msg", ["shape 1"], Because.emptyMultipart),
    .init("testmsgs/multipartnopart.msg", ["shape 1"], Because.emptyMultipart),
    .init("testmsgs/missing-inner-boundary.msg", ["shape 1_2"], Because.emptyMultipart),
    .init("testmsgs/missing-inner-start-boundary.msg", ["shape 1_2"], Because.emptyMultipart),
    .init("testmsgs/weird-boundary.msg", ["shape 1"], Because.trailingSpaceBoundary),
    .init("testmsgs/very-long-boundary.msg", ["shape 1"], Because.trailingSpaceBoundary),
    .init("testmsgs/very-very-long-boundary.msg", ["shape 1"], Because.trailingSpaceBoundary),
    .init("testmsgs/malformedHeader-nocrlfcrlf.msg", ["body 1"], Because.headerLineEndsHeaders),
    .init(
        "testmsgs/malformedHeader-noheader.msg", ["body 1"],
        """
        No header section at all. mime4j's default mode drops every line as an invalid header field and leaves \
        the body empty; the message says "The whole text should be recognized as body", and that is our body.
        """),
    .init(
        "testmsgs/malformedHeaderStartsBody-nocrlfcrlf.msg", ["body 1"],
        """
        mime4j's malformed-header-starts-body mode: the body starts at the invalid line, as ours does, but \
        mime4j loses the "AnotherHeader: …" line after it; we keep every line.
        """),
    .init(
        "testmsgs/malformedHeaderStartsBody-noheader.msg", ["body 1"],
        """
        The same mode keeps only the first of the two lines; the message says "The whole text should be \
        recognized as body", and we keep both.
        """),
    .init(
        "mimetools-testmsgs/hdr-fakeout.msg", ["body 1"],
        """
        The "blank" line after the header holds a space. Both read it as folding of the previous field; mime4j \
        then drops the text lines as invalid header fields up to the real blank line, so the body is empty. We \
        end the header section at the first line that is not a field, so the text is the body.
        """),
    .init(
        "testmsgs/basic-plain-with-bad-header-separator.msg", ["body 1"],
        """
        As hdr-fakeout.msg: mime4j loses the first paragraph to the header section, we keep it.
        """),
    .init(
        "mimetools-testmsgs/frag.msg", ["body 1_2_1_2_1_2_1_2"],
        """
        A base64 attachment cut short: its last line has 27 characters, so the final quantum has 3. Those 18 \
        bits hold 2 whole bytes, which we keep (as padding would have); mime4j drops the partial quantum.
        """),
    .init(
        "mimetools-testmsgs/multi-frag.msg", ["body 1_3_2"],
        """
        The GIF's close delimiter is broken ("XXXXXX--unique-boundary-2--"), so both parsers run the base64 on \
        into the epilogue up to the outer delimiter. The image bytes agree up to its trailer; the junk after it \
        differs because we read the URL-safe letters "-" and "_" in base64 (Base64.swift, for webmail that \
        sends them) and mime4j skips them.
        """),
]

// MARK: - Locating and reading the corpora

enum Corpora {
    /// `<repo>/../shared/corpora`, from this file's path; records an issue when it is missing unless
    /// `HELPDESKD_NO_CORPORA=1` says that is expected.
    static func locate(sourceLocation: SourceLocation = #_sourceLocation) -> URL? {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        // Beside the checkout (worktrees, CI), or where the project's machines keep them (as Tests/Fuzz/run.sh
        // looks too); HELPDESKD_CORPORA overrides.
        var candidates = [
            repo.deletingLastPathComponent().appendingPathComponent("shared/corpora").standardizedFileURL,
            URL(fileURLWithPath: "/work/shared/corpora"),
        ]
        if let chosen = ProcessInfo.processInfo.environment["HELPDESKD_CORPORA"] {
            candidates = [URL(fileURLWithPath: chosen)]
        }
        for corpora in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: corpora.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return corpora
            }
        }
        if ProcessInfo.processInfo.environment["HELPDESKD_NO_CORPORA"] != "1" {
            let places = candidates.map(\.path).joined(separator: " or ")
            Issue.record(
                "MIME corpora not found at \(places); set HELPDESKD_CORPORA=DIR, or HELPDESKD_NO_CORPORA=1 to run without them",
                sourceLocation: sourceLocation)
        }
        return nil
    }

    /// Files under `directory` whose name ends in `.ext`, relative to it, sorted.
    static func files(in directory: URL, extension ext: String) -> [String] {
        allFiles(in: directory).filter { $0.hasSuffix("." + ext) }
    }

    static func allFiles(in directory: URL) -> [String] {
        let base = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var found: [String] = []
        while let next = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + next, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(next)
            }
        }
        return found.sorted()
    }

    /// Every message in both suites: `.eml`, `.msg`, and mime4j's `.out` traces (its re-serialisation of
    /// each message, itself a message).
    static func messageFiles(in corpora: URL) -> [String] {
        allFiles(in: corpora).filter { $0.hasSuffix(".eml") || $0.hasSuffix(".msg") || $0.hasSuffix(".out") }
    }

    static func read(_ directory: URL, _ file: String) throws -> [UInt8] {
        let url = directory.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return Array(data)
    }

    /// Every CRLF made LF.
    static func withLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated()
        where !(byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) {
            out.append(byte)
        }
        return out
    }

    /// Every bare LF made CRLF.
    static func withCRLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A, previous != 0x0D { out.append(0x0D) }
            out.append(byte)
            previous = byte
        }
        return out
    }
}

// MARK: - Structural invariants

enum StructureInvariants {
    /// What is wrong with a parse's structure; empty when it is sound.
    static func violations(in message: MIMEMessage) -> [String] {
        var problems: [String] = []
        let all = 0..<message.bytes.count
        func inside(_ inner: Range<Int>, _ outer: Range<Int>) -> Bool {
            inner.lowerBound >= outer.lowerBound && inner.upperBound <= outer.upperBound
        }
        if message.parts.isEmpty { return ["no parts"] }
        if message.parts[0].parent != nil || !message.parts[0].isMessageRoot { problems.append("bad root") }
        for (index, part) in message.parts.enumerated() {
            let label = "part \(index) (\(part.path))"
            if !inside(part.range, all) { problems.append("\(label): range outside the input") }
            if !inside(part.headerRange, part.range) || !inside(part.bodyRange, part.range) {
                problems.append("\(label): header or body outside the entity")
            }
            if part.headerRange.upperBound > part.bodyRange.lowerBound {
                problems.append("\(label): body before headers")
            }
            if part.bodyRange.upperBound != part.range.upperBound {
                problems.append("\(label): body does not end the entity")
            }
            for field in part.headers
            where !inside(field.name, part.headerRange) || !inside(field.value, part.headerRange) {
                problems.append("\(label): header field outside the header section")
            }
            switch part.kind {
            case .leaf: if !part.children.isEmpty { problems.append("\(label): leaf with children") }
            case .multipart: if part.children.isEmpty { problems.append("\(label): multipart without children") }
            case .message: if part.children.count != 1 { problems.append("\(label): message without one child") }
            }
            var previousEnd = part.bodyRange.lowerBound
            for child in part.children {
                guard child > index, child < message.parts.count else {
                    problems.append("\(label): child \(child) out of order")
                    continue
                }
                let childPart = message.parts[child]
                if childPart.parent != index { problems.append("\(label): child \(child) names another parent") }
                if childPart.depth != part.depth + 1 { problems.append("\(label): child \(child) has the wrong depth") }
                if childPart.isMessageRoot != (part.kind == .message) {
                    problems.append("\(label): child \(child) isMessageRoot is wrong")
                }
                if !inside(childPart.range, part.bodyRange) {
                    problems.append("\(label): child \(child) outside the body")
                }
                if childPart.range.lowerBound < previousEnd { problems.append("\(label): children overlap") }
                previousEnd = childPart.range.upperBound
            }
        }
        return problems
    }
}

// MARK: - Our tree, with encoded encapsulated messages opened

/// Our structure as the comparisons walk it. A `message/rfc822` part with a base64 or quoted-printable body stays
/// a leaf in the parser (RFC 2046 §5.2.1 forbids that encoding); callers that want its content parse the decoded
/// body themselves, and so does this walk, so the content inside can still be compared.
enum OpenedTree {
    struct Node {
        let message: MIMEMessage
        let index: Int
        /// Where `message` was opened: "" for the message parsed from the file, "2>" for the one decoded from
        /// its part 2, and so on.
        let prefix: String

        init(_ message: MIMEMessage, _ index: Int, prefix: String = "") {
            self.message = message
            self.index = index
            self.prefix = prefix
        }

        var part: MIMEPart { message.parts[index] }
        /// The part's IMAP path ("root" for the top-level multipart), after `prefix`.
        var label: String { prefix + (part.path.isEmpty ? "root" : part.path) }
        /// Whether this is a leaf the parser kept opaque but whose decoded body is a message.
        var isEncodedMessage: Bool { OpenedTree.isEncodedMessage(part) }
        var children: [Node] {
            if let opened = OpenedTree.openEncapsulated(message, index) {
                return [Node(opened, 0, prefix: label + ">")]
            }
            return part.children.map { Node(message, $0, prefix: prefix) }
        }
    }

    static func isEncodedMessage(_ part: MIMEPart) -> Bool {
        part.kind == .leaf && (part.contentType == "message/rfc822" || part.contentType == "message/global")
            && ["base64", "quoted-printable"].contains(part.transferEncoding)
    }

    /// The message inside an encoded `message/rfc822` leaf, parsed the way a caller would.
    static func openEncapsulated(_ message: MIMEMessage, _ index: Int) -> MIMEMessage? {
        guard isEncodedMessage(message.parts[index]) else { return nil }
        return MIMEParser().parse(message.decodedBody(of: index).bytes)
    }
}

// MARK: - Checks and tallies

/// The outcome of every check on one file.
struct Checks {
    /// Check name → nil when it agrees, else what differs.
    private(set) var results: [(name: String, difference: String?)] = []

    mutating func check(_ name: String, _ agrees: Bool, _ difference: @autoclosure () -> String) {
        results.append((name, agrees ? nil : difference()))
    }
}

struct Tally {
    let suite: String
    var files = 0
    var filesInFullAgreement = 0
    var passed = 0
    var total = 0
    var listed = 0
    var knownSeen: Set<String> = []
    let report = ProcessInfo.processInfo.environment["HELPDESKD_CORPUS_REPORT"] == "1"

    init(suite: String) { self.suite = suite }

    mutating func add(file: String, checks: Checks, known: [KnownDisagreement]) {
        files += 1
        var allAgree = true
        for (name, difference) in checks.results {
            total += 1
            guard let difference else {
                passed += 1
                continue
            }
            allAgree = false
            let isListed = known.contains { $0.file == file && $0.checks.contains(name) }
            if isListed {
                listed += 1
                knownSeen.insert(file + "\u{0}" + name)
            }
            if report { print("[\(suite)] \(file) \(name)\(isListed ? " (known)" : ""): \(difference)") }
            if !isListed { Issue.record("\(suite) \(file) — \(name): \(difference)") }
        }
        if allAgree { filesInFullAgreement += 1 }
    }

    func finish(known: [KnownDisagreement]) {
        for entry in known {
            for check in entry.checks where !knownSeen.contains(entry.file + "\u{0}" + check) {
                Issue.record("\(suite) \(entry.file) — \(check) is listed as a known disagreement but agrees now")
            }
        }
        print(
            "[\(suite)] \(files) files, \(filesInFullAgreement) in full agreement; \(passed)/\(total) checks "
                + "agree; \(listed) known disagreements, \(total - passed - listed) new")
    }
}

/// Text compared across parsers: CRLF (and lone CR) as LF, trailing white space dropped from every line and
/// trailing blank lines from the end.
func normalisedText(_ text: String) -> String {
    let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    var lines = unified.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        var end = line.endIndex
        while end > line.startIndex, let last = line[line.index(before: end)].unicodeScalars.first,
            last.properties.isWhitespace
        {
            end = line.index(before: end)
        }
        return String(line[..<end])
    }
    while let last = lines.last, last.isEmpty { lines.removeLast() }
    return lines.joined(separator: "\n")
}

/// A short, printable excerpt of the first difference between two texts.
func describeDifference(_ ours: String, _ theirs: String) -> String {
    let a = Array(ours.unicodeScalars)
    let b = Array(theirs.unicodeScalars)
    var i = 0
    while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
    func excerpt(_ s: [Unicode.Scalar]) -> String {
        let slice = s[max(0, i - 20)..<min(s.count, i + 40)]
        return String(String.UnicodeScalarView(slice)).debugDescription
    }
    return "ours \(a.count) vs theirs \(b.count) characters, first difference at \(i): "
        + "ours \(excerpt(a)) theirs \(excerpt(b))"
}

func describeDifference(_ ours: [UInt8], _ theirs: [UInt8]) -> String {
    var i = 0
    while i < ours.count, i < theirs.count, ours[i] == theirs[i] { i += 1 }
    func excerpt(_ s: [UInt8]) -> String {
        String(decoding: s[max(0, i - 16)..<min(s.count, i + 32)], as: UTF8.self).debugDescription
    }
    return "ours \(ours.count) vs theirs \(theirs.count) bytes, first difference at \(i): "
        + "ours \(excerpt(ours)) theirs \(excerpt(theirs))"
}

// MARK: - Stalwart

/// The parts of a Stalwart `.json` dump that the comparison reads.
struct StalwartMessage {
    enum Body {
        case multipart([Int])
        case text(String)
        case html(String)
        case binary([UInt8], inline: Bool)
        case message(StalwartMessage)
    }

    struct Address: Equatable, CustomStringConvertible {
        var name: String?
        var address: String
        var description: String { (name.map { "\"\($0)\" " } ?? "") + "<\(address)>" }
    }

    struct Part {
        var body: Body
        var subject: String?
        var from: [Address]?
        var to: [Address]?
    }

    var parts: [Part]
    var textBody: [Int]
    var htmlBody: [Int]
    var attachments: [Int]

    struct Malformed: Error { let what: String }

    init(json: Any) throws {
        guard let object = json as? [String: Any], let parts = object["parts"] as? [[String: Any]] else {
            throw Malformed(what: "message")
        }
        textBody = (object["text_body"] as? [Int]) ?? []
        htmlBody = (object["html_body"] as? [Int]) ?? []
        attachments = (object["attachments"] as? [Int]) ?? []
        self.parts = try parts.map(Self.part)
    }

    private static func part(_ object: [String: Any]) throws -> Part {
        guard let body = object["body"] as? [String: Any], let (kind, value) = body.first else {
            throw Malformed(what: "body")
        }
        let parsed: Body
        switch kind {
        case "Multipart": parsed = .multipart(value as? [Int] ?? [])
        case "Text": parsed = .text(value as? String ?? "")
        case "Html": parsed = .html(value as? String ?? "")
        case "Binary", "InlineBinary":
            let bytes = (value as? [Int] ?? []).map { UInt8(truncatingIfNeeded: $0) }
            parsed = .binary(bytes, inline: kind == "InlineBinary")
        case "Message": parsed = .message(try StalwartMessage(json: value))
        default: throw Malformed(what: "body kind \(kind)")
        }
        var result = Part(body: parsed)
        for header in object["headers"] as? [[String: Any]] ?? [] {
            guard let name = header["name"] as? String, let value = header["value"] as? [String: Any] else { continue }
            switch name {
            case "subject" where result.subject == nil: result.subject = value["Text"] as? String ?? ""
            case "from" where result.from == nil: result.from = addresses(value)
            case "to" where result.to == nil: result.to = addresses(value)
            default: break
            }
        }
        return result
    }

    private static func addresses(_ value: [String: Any]) -> [Address] {
        guard let address = value["Address"] as? [String: Any] else { return [] }
        var list: [[String: Any]] = address["List"] as? [[String: Any]] ?? []
        for group in address["Group"] as? [[String: Any]] ?? [] {
            list += group["addresses"] as? [[String: Any]] ?? []
        }
        return list.map { Address(name: $0["name"] as? String, address: $0["address"] as? String ?? "") }
    }
}

extension StalwartMessage.Part {
    init(body: StalwartMessage.Body) {
        self.body = body
    }
}

enum StalwartComparison {
    /// Compares one message with our entity `root`: the top level (`inside` nil), or the message encapsulated
    /// in our part `inside`, whose path then names its body-list checks.
    static func compare(
        _ expected: StalwartMessage, with root: OpenedTree.Node, inside: String? = nil,
        into checks: inout Checks
    ) {
        var mapping: [Int: OpenedTree.Node] = [:]
        walk(expected, 0, root, into: &checks, mapping: &mapping)
        let label = inside.map { " " + $0 } ?? ""
        let message = root.message
        if inside == nil {
            let envelope = message.envelope(of: root.index).envelope
            let theirs = expected.parts[0]
            checks.check(
                "subject", envelope.subject == theirs.subject,
                "ours \(String(describing: envelope.subject)) vs theirs \(String(describing: theirs.subject))")
            for (name, ours, their) in [("from", envelope.from, theirs.from), ("to", envelope.to, theirs.to)] {
                let ourList = ours.map { StalwartMessage.Address(name: $0.name, address: $0.address) }
                // We lower-case domains (MailAddress's contract); Stalwart keeps them as written.
                let theirList = (their ?? []).map { address in
                    StalwartMessage.Address(name: address.name, address: lowercasedDomain(address.address))
                }
                checks.check(name, ourList == theirList, "ours \(ourList) vs theirs \(theirList)")
            }
        }
        // Body selection: only meaningful where the whole tree lined up.
        let (text, html) = message.bodyParts(of: root.index)
        let ourAttachments = attachments(root, excluding: Set(text).union(html))
        func ours(_ list: [Int]) -> [String] { list.map { OpenedTree.Node(message, $0, prefix: root.prefix).label } }
        func theirs(_ list: [Int]) -> [String] { list.map { mapping[$0]?.label ?? "(unmatched #\($0))" } }
        checks.check(
            "text_body" + label, ours(text) == theirs(expected.textBody),
            "ours \(ours(text)) vs theirs \(theirs(expected.textBody))")
        checks.check(
            "html_body" + label, ours(html) == theirs(expected.htmlBody),
            "ours \(ours(html)) vs theirs \(theirs(expected.htmlBody))")
        let ourAttachmentPaths = ourAttachments.map(\.label)
        checks.check(
            "attachments" + label, ourAttachmentPaths == theirs(expected.attachments),
            "ours \(ourAttachmentPaths) vs theirs \(theirs(expected.attachments))")
    }

    static func lowercasedDomain(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return address[..<at] + address[at...].lowercased()
    }

    /// Leaves (and encapsulated messages, not entered) that are neither text nor HTML body, in order.
    static func attachments(_ root: OpenedTree.Node, excluding bodies: Set<Int>) -> [OpenedTree.Node] {
        var found: [OpenedTree.Node] = []
        func visit(_ node: OpenedTree.Node) {
            switch node.part.kind {
            case .multipart: node.children.forEach(visit)
            case .message: found.append(node)
            case .leaf: if !bodies.contains(node.index) { found.append(node) }
            }
        }
        if root.part.kind == .multipart { root.children.forEach(visit) } else { visit(root) }
        return found
    }

    /// Walks Stalwart's part `index` and our `node` together.
    static func walk(
        _ expected: StalwartMessage, _ index: Int, _ node: OpenedTree.Node, into checks: inout Checks,
        mapping: inout [Int: OpenedTree.Node]
    ) {
        mapping[index] = node
        let part = node.part
        let path = node.label
        switch expected.parts[index].body {
        case .multipart(let children):
            let ourChildren = node.children
            let same = part.kind == .multipart && ourChildren.count == children.count
            checks.check(
                "shape \(path)", same,
                "ours \(part.kind) with \(ourChildren.count) children vs theirs multipart with \(children.count)")
            if same {
                for (child, ours) in zip(children, ourChildren) {
                    walk(expected, child, ours, into: &checks, mapping: &mapping)
                }
            }
        case .message(let inner):
            let ourChildren = node.children
            let same = (part.kind == .message || node.isEncodedMessage) && ourChildren.count == 1
            checks.check(
                "shape \(path)", part.kind == .message && same,
                "ours \(part.kind) \(part.contentType) vs theirs message")
            if same { compare(inner, with: ourChildren[0], inside: path, into: &checks) }
        case .text(let text), .html(let text):
            guard part.kind == .leaf else {
                checks.check("shape \(path)", false, "ours \(part.kind) vs theirs a text leaf")
                return
            }
            let ours = normalisedText(node.message.text(ofPart: node.index).text)
            let theirs = normalisedText(text)
            checks.check("body \(path)", ours == theirs, describeDifference(ours, theirs))
        case .binary(let bytes, _):
            guard part.kind == .leaf else {
                checks.check("shape \(path)", false, "ours \(part.kind) vs theirs a binary leaf")
                return
            }
            let ours = node.message.decodedBody(of: node.index).bytes
            checks.check("body \(path)", ours == bytes, describeDifference(ours, bytes))
        }
    }
}

// MARK: - mime4j

/// A `_decoded.xml` tree: `<message>` and `<body-part>` entities holding a `<multipart>` (of body parts), a
/// `<message>`, or a `<text-body name=…/>` / `<binary-body name=…/>` naming the file with the decoded bytes.
indirect enum Mime4jTree {
    case multipart([Mime4jTree])
    case message(Mime4jTree)
    case body(file: String, isText: Bool)

    struct Malformed: Error { let what: String }

    /// Reads the tree; headers, preambles and epilogues are skipped.
    static func parse(_ xml: [UInt8]) throws -> Mime4jTree {
        // Tags only: the text between them is never needed.
        var tags: [(name: String, closing: Bool, selfClosing: Bool, attributes: String)] = []
        var i = 0
        while let open = xml[i...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = xml[open...].firstIndex(of: UInt8(ascii: ">")) else { break }
            var inner = String(decoding: xml[(open + 1)..<close], as: UTF8.self)
            let closing = inner.hasPrefix("/")
            if closing { inner.removeFirst() }
            let selfClosing = inner.hasSuffix("/")
            if selfClosing { inner.removeLast() }
            let name = String(inner.prefix { $0 != " " })
            tags.append((name, closing, selfClosing, String(inner.dropFirst(name.count))))
            i = close + 1
        }
        var position = 0
        func skip(_ name: String) throws {
            // Skips an element whose start tag is at `position`, with everything inside it.
            var depth = 0
            repeat {
                let tag = tags[position]
                if tag.name == name, !tag.selfClosing { depth += tag.closing ? -1 : 1 }
                position += 1
            } while depth > 0 && position < tags.count
        }
        /// An entity (`message` or `body-part`) whose start tag is at `position`.
        func entity() throws -> Mime4jTree {
            let name = tags[position].name
            position += 1
            var content: Mime4jTree?
            while position < tags.count {
                let tag = tags[position]
                if tag.closing, tag.name == name {
                    position += 1
                    break
                }
                switch tag.name {
                case "header": try skip("header")
                case "multipart": content = try multipart()
                case "message": content = .message(try entity())
                case "text-body", "binary-body":
                    guard let start = tag.attributes.range(of: "name=\""),
                        let end = tag.attributes[start.upperBound...].firstIndex(of: "\"")
                    else { throw Malformed(what: "body without a name") }
                    let file = String(tag.attributes[start.upperBound..<end])
                    content = .body(file: file, isText: tag.name == "text-body")
                    position += 1
                    if !tag.selfClosing { try skip(tag.name) }
                default: throw Malformed(what: "unexpected <\(tag.name)> in <\(name)>")
                }
            }
            guard let content else { throw Malformed(what: "<\(name)> without content") }
            return content
        }
        func multipart() throws -> Mime4jTree {
            position += 1
            var parts: [Mime4jTree] = []
            while position < tags.count {
                let tag = tags[position]
                if tag.closing, tag.name == "multipart" {
                    position += 1
                    break
                }
                switch tag.name {
                case "preamble", "epilogue":
                    position += 1
                    if !tag.selfClosing { try skip(tag.name) }
                case "body-part": parts.append(try entity())
                default: throw Malformed(what: "unexpected <\(tag.name)> in <multipart>")
                }
            }
            return .multipart(parts)
        }
        guard tags.first?.name == "message" else { throw Malformed(what: "no <message>") }
        // The root <message> is an entity: its content is the top-level body.
        return try entity()
    }
}

enum Mime4jComparison {
    /// Walks mime4j's entity content `tree` and our `node` together. `name` is mime4j's number for the entity:
    /// "1" for the top-level message, then the 1-based position of each body part, and a further "_1" for the
    /// message inside a `message/rfc822` part. So mime4j's `1` is our "1" in a single-part message, `1_2` is our
    /// "2" in a multipart one, and `1_3_1_2` is our "3.2" (`1_3_1` our "3.1") when part 3 is a `message/rfc822`
    /// whose message is a multipart (a single part). The walk checks this against mime4j's own file names.
    static func compare(
        _ tree: Mime4jTree, with node: OpenedTree.Node, name: String, directory: URL,
        into checks: inout Checks
    ) {
        let part = node.part
        let path = node.label
        switch tree {
        case .multipart(let children):
            let ourChildren = node.children
            let same = part.kind == .multipart && ourChildren.count == children.count
            checks.check(
                "shape \(name)", same,
                "ours \(part.kind) (\(path)) with \(ourChildren.count) children vs theirs multipart with "
                    + "\(children.count)")
            if same {
                for (position, (child, ours)) in zip(children, ourChildren).enumerated() {
                    compare(child, with: ours, name: name + "_\(position + 1)", directory: directory, into: &checks)
                }
            }
        case .message(let inner):
            let ourChildren = node.children
            let same = (part.kind == .message || node.isEncodedMessage) && ourChildren.count == 1
            checks.check(
                "shape \(name)", part.kind == .message && same,
                "ours \(part.kind) \(part.contentType) (\(path)) vs theirs message")
            if same { compare(inner, with: ourChildren[0], name: name + "_1", directory: directory, into: &checks) }
        case .body(let file, let isText):
            let stemEnd = file.range(of: "_decoded_")
            let fileName = stemEnd.map { String(file[$0.upperBound...].prefix { $0 != "." }) }
            checks.check(
                "numbering \(name)", fileName == name, "our walk numbers \(path) as \(name), mime4j names it \(file)")
            guard part.kind == .leaf else {
                checks.check("shape \(name)", false, "ours \(part.kind) (\(path)) vs theirs a leaf")
                return
            }
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
                checks.check("body \(name)", false, "missing \(file)")
                return
            }
            // Transfer-decoded bytes, charset untouched. A text body's line breaks are compared as line breaks:
            // mime4j writes every quoted-printable hard line break as CRLF (RFC 2045's canonical form), we keep
            // the break the message has (LF in these files).
            var ours = node.message.decodedBody(of: node.index).bytes
            var theirs = Array(data)
            if isText {
                ours = Corpora.withLF(ours)
                theirs = Corpora.withLF(theirs)
            }
            checks.check("body \(name)", ours == theirs, describeDifference(ours, theirs))
        }
    }
}
