// Foundation only reads the folder of saved fuzz findings.
import Foundation
import Testing

@testable import MIME

// Hostile-input robustness: every input here is something an attacker (or a badly broken mailer) can
// send to the helpdesk mailbox. For each one the whole intake path runs — structure parse, full decode
// of bodies and attachments, envelope of every message entity — and must finish, keep its structural
// promises (`Invariants`), and say what it repaired (defects).
//
// No test measures wall-clock time: timing assertions are flaky on a shared 2-core machine. Instead the
// inputs are large enough (10^5–10^6 lines, fields, words or parts; 1–20 MB bodies) that quadratic work
// would take minutes, so the running time of this suite is itself the check.

// MARK: - Deterministic randomness

/// SplitMix64 (Steele, Lea & Flood, 2014): a tiny generator whose sequence depends only on the seed, so a
/// failure reported with its seed replays exactly. The system generator would make failures unrepeatable.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            let word = next()
            for shift in stride(from: 0, to: 64, by: 8) where out.count < count {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }
}

// MARK: - Building inputs

/// Builds a message as bytes. Large inputs are built with appends, never with string interpolation of
/// the whole text, so building them costs linear time even in a debug build.
struct MessageBytes {
    var bytes: [UInt8] = []
    var lineBreak: [UInt8] = [13, 10]

    /// Appends `text` and a line break.
    mutating func line(_ text: String = "") {
        bytes += text.utf8
        bytes += lineBreak
    }

    /// Appends `text` without a line break.
    mutating func raw(_ text: String) { bytes += text.utf8 }

    /// Starts a multipart with `boundary` and its first part: the Content-Type line, the blank line
    /// ending the header section, and the first delimiter. The part's own headers follow.
    mutating func openMultipart(boundary: String) {
        line("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        line()
        line("--\(boundary)")
    }

    /// Appends `text` and a line break `count` times.
    mutating func repeatLine(_ text: String, _ count: Int) {
        var line = Array(text.utf8)
        line += lineBreak
        bytes.reserveCapacity(bytes.count + line.count * count)
        for _ in 0..<count { bytes += line }
    }
}

/// A small PNG signature plus a chunk header: enough for `MagicBytes` to recognise it.
let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]

/// A well-formed three-part message with two attachments, CRLF line breaks: what a student's mail client
/// sends with a screenshot and a PDF.
let threePartMessage: [UInt8] = {
    var m = MessageBytes()
    m.line("From: Student <student@example.edu>")
    m.line("To: support@example.org")
    m.line("Subject: =?utf-8?Q?Pr=C3=BCfung?= froze")
    m.line("Message-ID: <abc@example.edu>")
    m.line("MIME-Version: 1.0")
    m.line("Content-Type: multipart/mixed; boundary=\"=_outer_1\"")
    m.line()
    m.line("This is a multi-part message in MIME format.")
    m.line("--=_outer_1")
    m.line("Content-Type: text/plain; charset=utf-8")
    m.line("Content-Transfer-Encoding: quoted-printable")
    m.line()
    m.line("My exam froze at question 3. Session ID: abc123 =E2=80=94 please help.=")
    m.line("Time: 10:32")
    m.line("--=_outer_1")
    m.line("Content-Type: image/png; name=\"screen.png\"")
    m.line("Content-Transfer-Encoding: base64")
    m.line("Content-Disposition: attachment; filename*=utf-8''Bildschirm%20foto.png")
    m.line()
    m.line(Base64.encode(pngBytes))
    m.line("--=_outer_1")
    m.line("Content-Type: application/pdf; name=report.pdf")
    m.line("Content-Transfer-Encoding: base64")
    m.line("Content-Disposition: attachment; filename=\"report.pdf\"")
    m.line()
    m.line(Base64.encode(Array("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n".utf8)))
    m.line("--=_outer_1--")
    m.line("epilogue")
    return m.bytes
}()

/// A richer message for mutation: alternative text/HTML, a forwarded message with its own multipart,
/// RFC 2047 and RFC 2231 headers, base64 and quoted-printable bodies.
let realisticMessage: [UInt8] = {
    var m = MessageBytes()
    m.line("Return-Path: <student@example.edu>")
    m.line("From: =?utf-8?B?U3TDvGRlbnQ=?= <student@example.edu>")
    m.line("To: support@example.org, \"Desk, Help\" <help@example.org>")
    m.line("Subject: Fwd: =?iso-8859-1?Q?Pr=FCfung?= =?utf-8?Q?_h=C3=A4ngt?=")
    m.line("Date: Mon, 11 Nov 2024 10:00:00 +0100 (CET)")
    m.line("Message-ID: <m1@example.edu>")
    m.line("References: <r1@example.edu>")
    m.line("\t<r2@example.edu>")
    m.line("Content-Type: multipart/mixed;")
    m.line("\tboundary=\"outer\" (a comment)")
    m.line()
    m.line("--outer")
    m.line("Content-Type: multipart/alternative; boundary=alt")
    m.line()
    m.line("--alt")
    m.line("Content-Type: text/plain; charset=utf-8; format=flowed")
    m.line()
    m.line("See the forwarded report below.")
    m.line("--alt")
    m.line("Content-Type: text/html; charset=utf-8")
    m.line("Content-Transfer-Encoding: quoted-printable")
    m.line()
    m.line("<html><body><p>See the <b>forwarded</b> report.</p><table><tr><td>Session</td><td>a=")
    m.line("bc</td></tr></table><a href=3D\"https://exam.example.edu/\">exam</a></body></html>")
    m.line("--alt--")
    m.line("--outer")
    m.line("Content-Type: message/rfc822")
    m.line("Content-Disposition: inline")
    m.line()
    m.line("Subject: exam problem")
    m.line("From: Student <student@example.edu>")
    m.line("Content-Type: multipart/related; boundary=\"rel\"; type=\"text/html\"")
    m.line()
    m.line("--rel")
    m.line("Content-Type: text/html")
    m.line()
    m.line("<p>It froze: <img src=\"cid:shot@x\" alt=\"screenshot\"></p>")
    m.line("--rel")
    m.line("Content-Type: image/png")
    m.line("Content-ID: <shot@x>")
    m.line("Content-Transfer-Encoding: base64")
    m.line()
    m.line(Base64.encode(pngBytes))
    m.line("--rel--")
    m.line("--outer")
    m.line("Content-Type: application/octet-stream;")
    m.line(" name*0*=utf-8'en'log%20file;")
    m.line(" name*1=\".txt\"")
    m.line("Content-Disposition: attachment")
    m.line("Content-Transfer-Encoding: base64")
    m.line()
    m.line("bG9nIGxpbmUgMQpsb2cgbGluZSAyCg==")
    m.line("--outer--")
    return m.bytes
}()

// MARK: - Running and checking

/// What one hostile input produced.
struct HostileParse {
    let message: MIMEMessage
    let content: MessageContent
    /// Violated invariants, in words; empty when all hold.
    let violations: [String]

    var defectReasons: [String] { message.defects.map(\.reason) }
    /// Structure defects plus every decoding defect.
    var allDefects: [Defect] { content.defects }
}

/// Runs the whole intake path on `bytes` and checks the structural invariants.
func parseHostile(_ bytes: [UInt8], limits: ParserLimits = ParserLimits()) -> HostileParse {
    let message = MIMEParser(limits: limits).parse(bytes)
    let content = MessageContent(message)
    for index in message.parts.indices where message.parts[index].isMessageRoot {
        _ = message.envelope(of: index)
    }
    var violations = Invariants.check(message, input: bytes, limits: limits)
    violations += Invariants.check(content, of: message)
    return HostileParse(message: message, content: content, violations: violations)
}

/// The parser's structural promises, whatever the input.
enum Invariants {
    static func check(_ message: MIMEMessage, input: [UInt8], limits: ParserLimits) -> [String] {
        var problems: [String] = []
        func fail(_ text: @autoclosure () -> String) {
            // A broken invariant usually breaks for every part: the first few say enough.
            if problems.count < 8 { problems.append(text()) }
        }
        let parts = message.parts
        let whole = 0..<input.count
        if message.bytes != input { fail("the message's bytes differ from the input") }
        if parts.isEmpty { return ["no parts"] }
        if parts.count > limits.maxParts { fail("\(parts.count) parts, more than the limit \(limits.maxParts)") }
        if parts[0].parent != nil || !parts[0].isMessageRoot { fail("part 0 is not the top-level message") }

        var leafPaths: Set<String> = []
        for (index, part) in parts.enumerated() {
            let name = "part \(index) (\"\(part.path)\")"
            if !whole.contains(part.range) { fail("\(name): range \(part.range) outside the input \(whole)") }
            if !part.range.contains(part.headerRange) { fail("\(name): headerRange outside range") }
            if !part.range.contains(part.bodyRange) { fail("\(name): bodyRange outside range") }
            if part.headerRange.upperBound > part.bodyRange.lowerBound { fail("\(name): headers overlap the body") }
            var previousValueEnd = part.headerRange.lowerBound
            for field in part.headers {
                if !part.headerRange.contains(field.name) || !part.headerRange.contains(field.value)
                    || field.name.upperBound > field.value.lowerBound || field.name.lowerBound < previousValueEnd
                {
                    fail("\(name): header field \(field) outside or out of order in \(part.headerRange)")
                }
                previousValueEnd = field.value.upperBound
            }
            if part.depth >= limits.maxDepth { fail("\(name): depth \(part.depth) not below \(limits.maxDepth)") }

            if let parent = part.parent {
                if parent >= index { fail("\(name): parent \(parent) does not come first") }
                let parentPart = parts[parent]
                if part.depth != parentPart.depth + 1 { fail("\(name): depth is not its parent's plus one") }
                if !parentPart.bodyRange.contains(part.range) { fail("\(name): not inside its parent's body") }
                if part.isMessageRoot != (parentPart.kind == .message) { fail("\(name): isMessageRoot is wrong") }
            } else if index != 0 {
                fail("\(name): a second part without a parent")
            }

            var previousEnd = part.bodyRange.lowerBound
            for child in part.children {
                guard child > index, child < parts.count, parts[child].parent == index else {
                    fail("\(name): child \(child) does not point back")
                    continue
                }
                if parts[child].range.lowerBound < previousEnd { fail("\(name): children overlap or are unordered") }
                previousEnd = parts[child].range.upperBound
            }
            switch part.kind {
            case .leaf:
                if !part.children.isEmpty { fail("\(name): a leaf with children") }
                if part.path.isEmpty { fail("\(name): a leaf without a path") }
                if !leafPaths.insert(part.path).inserted { fail("\(name): leaf path used twice") }
            case .multipart:
                if part.children.isEmpty { fail("\(name): a multipart without parts") }
            case .message:
                if part.children.count != 1 { fail("\(name): a message part with \(part.children.count) children") }
            }
        }
        let paths = Set(parts.map(\.path))
        for defect in message.defects where !paths.contains(defect.part) {
            fail("defect \"\(defect.reason)\" names part \"\(defect.part)\", which does not exist")
        }
        return problems
    }

    static func check(_ content: MessageContent, of message: MIMEMessage) -> [String] {
        var problems: [String] = []
        let chosen = content.textParts + content.htmlParts + content.attachments.map(\.part)
        if chosen.contains(where: { !message.parts.indices.contains($0) || !message.parts[$0].isLeaf }) {
            problems.append("MessageContent refers to a part that is not a leaf")
        }
        if content.defects.count < message.defects.count { problems.append("MessageContent lost structure defects") }
        return problems
    }
}

extension Range where Bound == Int {
    /// Whether `other` lies within this range (an empty range may sit at either end).
    func contains(_ other: Range<Int>) -> Bool {
        other.lowerBound >= lowerBound && other.upperBound <= upperBound
    }
}

/// Expects that all invariants held; `label` says which input (e.g. the seed) to replay.
func expectInvariants(
    _ result: HostileParse, _ label: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.violations.isEmpty, "\(label()): \(result.violations)", sourceLocation: sourceLocation)
}

/// For loops over thousands of inputs: collects failures (with what replays them) instead of
/// emitting one expectation per input, and reports the first few.
struct FailureLog {
    private(set) var failures: [String] = []
    private(set) var count = 0

    mutating func record(_ label: @autoclosure () -> String, _ violations: [String]) {
        guard !violations.isEmpty else { return }
        count += 1
        if failures.count < 5 { failures.append("\(label()): \(violations)") }
    }

    func expectNone(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(count == 0, "\(count) inputs broke invariants, first: \(failures)", sourceLocation: sourceLocation)
    }
}

// MARK: - Tests

@Suite struct RobustnessTests {
    // MARK: Nesting

    static let depthLimits = [ParserLimits(), ParserLimits(maxDepth: ParserLimits.depthCeiling)]

    /// 10,000 nested multiparts, each closed properly at the end. Parsing must stop descending at the depth
    /// limit (also at the hard ceiling, where recursive walks over the tree would exhaust a thread's stack),
    /// keep the rest as one opaque part, and still match every closing boundary above it.
    @Test(arguments: depthLimits)
    func tenThousandNestedMultiparts(limits: ParserLimits) {
        let levels = 10_000
        var m = MessageBytes()
        for level in 0..<levels {
            m.openMultipart(boundary: "b\(level)")
        }
        m.line("Content-Type: text/plain")
        m.line()
        m.line("deep text")
        for level in (0..<levels).reversed() { m.line("--b\(level)--") }
        let result = parseHostile(m.bytes, limits: limits)
        expectInvariants(result)
        #expect(result.message.parts.map(\.depth).max() == limits.maxDepth - 1)
        #expect(
            result.defectReasons == [
                "nesting deeper than \(limits.maxDepth); this multipart is kept as one opaque part"
            ])
        let opaque = result.message.parts.last!
        #expect(opaque.contentType == "application/octet-stream")
        #expect(result.message.body(result.message.parts.count - 1).contains("deep text"))
    }

    /// 10,000 messages each forwarded inside the next (message/rfc822 nesting).
    @Test(arguments: depthLimits)
    func tenThousandNestedMessages(limits: ParserLimits) {
        var nested = MessageBytes()
        for _ in 0..<10_000 {
            nested.line("Subject: level")
            nested.line("Content-Type: message/rfc822")
            nested.line()
        }
        nested.line("Subject: bottom")
        nested.line()
        nested.line("innermost body")
        let result = parseHostile(nested.bytes, limits: limits)
        expectInvariants(result)
        #expect(result.message.parts.count == limits.maxDepth)
        #expect(result.message.parts.map(\.depth).max() == limits.maxDepth - 1)
        #expect(
            result.defectReasons == ["nesting deeper than \(limits.maxDepth); this message is kept as one opaque part"])
        #expect(result.message.body(result.message.parts.count - 1).hasSuffix("innermost body\r\n"))
    }

    /// The same boundary at every level: a delimiter belongs to the innermost multipart that uses it.
    @Test func boundaryRepeatedInNestedParts() {
        var shallow = MessageBytes()
        for _ in 0..<3 {
            shallow.openMultipart(boundary: "same")
        }
        shallow.line()
        shallow.line("inner")
        for _ in 0..<3 { shallow.line("--same--") }
        let result = parseHostile(shallow.bytes)
        expectInvariants(result)
        #expect(result.message.parts.map(\.path) == ["", "1", "1.1", "1.1.1"])
        #expect(result.message.body(3) == "inner")
        #expect(result.defectReasons.isEmpty)

        var deep = MessageBytes()
        for _ in 0..<10_000 {
            deep.openMultipart(boundary: "same")
        }
        deep.line()
        deep.line("bottom")
        deep.repeatLine("--same--", 10_000)
        let deepResult = parseHostile(deep.bytes)
        expectInvariants(deepResult)
        #expect(deepResult.defectReasons.contains { $0.hasPrefix("nesting deeper than") })
    }

    // MARK: Counts

    /// 100,000 parts, as plain parts or as digest entries (each a message entity with a body entity).
    @Test(arguments: ["mixed", "digest"])
    func hundredThousandParts(subtype: String) {
        var m = MessageBytes()
        m.line("Content-Type: multipart/\(subtype); boundary=b")
        m.line()
        for index in 0..<100_000 {
            m.line("--b")
            m.line()
            m.line("part \(index)")
        }
        m.line("--b--")
        let limits = ParserLimits()
        let result = parseHostile(m.bytes, limits: limits)
        expectInvariants(result)
        #expect(result.message.parts.count >= limits.maxParts - 1)
        #expect(
            result.defectReasons.contains("more than \(limits.maxParts) parts; the rest of the message is kept unsplit")
        )
    }

    /// 500,000 header lines: distinct fields, one field folded over 500,000 lines, a duplicated
    /// Content-Type, and the same inside a part rather than the top-level header.
    @Test(arguments: ["distinct", "folded", "duplicate", "in a part"])
    func halfAMillionHeaderLines(kind: String) {
        let count = 500_000
        var m = MessageBytes()
        if kind == "in a part" {
            m.openMultipart(boundary: "b")
        }
        switch kind {
        case "folded":
            m.line("X-Long: start")
            m.repeatLine(" more", count - 1)
        case "duplicate":
            m.repeatLine("Content-Type: text/plain", count)
        default:
            var line: [UInt8] = []
            for index in 0..<count {
                line.removeAll(keepingCapacity: true)
                line += "X-Field-\(index): value".utf8
                m.bytes += line
                m.bytes += m.lineBreak
            }
        }
        m.line()
        m.line("body")
        if kind == "in a part" { m.line("--b--") }
        let limits = ParserLimits()
        let result = parseHostile(m.bytes, limits: limits)
        expectInvariants(result)
        #expect(result.message.parts.allSatisfy { $0.headers.count <= limits.maxHeaderLines })
        #expect(result.defectReasons.contains("more than \(limits.maxHeaderLines) header lines; the rest were skipped"))
        let leaf = result.message.leaves.last!
        #expect(result.message.body(leaf).hasPrefix("body"))
    }

    // MARK: Bodies

    /// 1 MB of base64 written one character per line (3 MB of body, a million lines to skip).
    @Test func base64OneCharacterPerLine() {
        var random = SplitMix64(seed: 1)
        let data = random.bytes(3 << 18)  // 768 KiB → 1 MiB of base64
        let encoded = Base64.encode(data)
        var m = MessageBytes()
        m.openMultipart(boundary: "b")
        m.line("Content-Type: application/octet-stream")
        m.line("Content-Transfer-Encoding: base64")
        m.line()
        m.bytes.reserveCapacity(m.bytes.count + encoded.utf8.count * 3 + 16)
        for character in encoded.utf8 {
            m.bytes.append(character)
            m.bytes += m.lineBreak
        }
        m.line("--b--")
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        #expect(result.content.attachments.count == 1)
        #expect(result.content.attachments.first?.bytes == data)
        #expect(result.allDefects.isEmpty)
    }

    /// One 20 MB line of base64, then a body part after it: nothing may scan that line twice.
    @Test func twentyMegabyteBase64Line() {
        var random = SplitMix64(seed: 2)
        let block = random.bytes(48)
        let blockText = Array(Base64.encode(block).utf8)  // 64 characters, no padding
        let repeats = (20 << 20) / blockText.count
        var m = MessageBytes()
        m.openMultipart(boundary: "b")
        m.line("Content-Type: application/octet-stream")
        m.line("Content-Transfer-Encoding: base64")
        m.line()
        m.bytes.reserveCapacity(m.bytes.count + repeats * blockText.count + 64)
        for _ in 0..<repeats { m.bytes += blockText }
        m.line()
        m.line("--b")
        m.line()
        m.line("after")
        m.line("--b--")
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        let decoded = result.content.attachments.first?.bytes ?? []
        #expect(decoded.count == repeats * block.count)
        #expect(decoded.prefix(48).elementsEqual(block) && decoded.suffix(48).elementsEqual(block))
        #expect(result.content.text == "after")
        #expect(result.allDefects.isEmpty)
    }

    // MARK: Boundaries

    /// Boundaries "a", "aa", "aaa", … nested 50 deep, each level with a text part before and after its
    /// inner multipart, and near-miss lines ("--aaaa-", "--aaa---x") between them.
    @Test func boundariesThatArePrefixesOfEachOther() {
        let levels = 50
        var m = MessageBytes()
        func boundary(_ level: Int) -> String { String(repeating: "a", count: level + 1) }
        for level in 0..<levels {
            m.openMultipart(boundary: boundary(level))
            m.line()
            m.line("before \(level)")
            m.line("--\(boundary(level))-")
            m.line("--\(boundary(level))---x")
            m.line("--\(boundary(level))")
        }
        m.line()
        m.line("innermost")
        for level in (0..<levels).reversed() {
            m.line("--\(boundary(level))  ")
            m.line()
            m.line("after \(level)")
            m.line("--\(boundary(level))--")
        }
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        #expect(result.defectReasons.isEmpty)
        let bodies = result.message.leaves.map {
            String(decoding: result.message.bytes[result.message.parts[$0].bodyRange], as: UTF8.self)
        }
        #expect(bodies.count == 2 * levels + 1)
        #expect(bodies.first?.hasPrefix("before 0") == true)
        #expect(bodies.contains("innermost"))
        #expect(bodies.last == "after 0")
        // "--a-…" near misses belong to the text part they are in.
        #expect(bodies.first == "before 0\r\n--a-\r\n--a---x")
    }

    /// A 5,000-character boundary (RFC 2046 allows 70) with 10,000 near-miss lines that differ only in their
    /// last character: each costs one 5,000-byte comparison, never more.
    @Test func fiveThousandCharacterBoundary() {
        var random = SplitMix64(seed: 3)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789'()+_,-./:=?".utf8)
        let boundaryBytes = (0..<5_000).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
        let boundary = String(decoding: boundaryBytes, as: UTF8.self)
        let nearMiss = String(boundary.dropLast()) + (boundary.hasSuffix("!") ? "#" : "!")
        var m = MessageBytes()
        m.line("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        m.line()
        for index in 0..<3 {
            m.line("--\(boundary)")
            // Attachments, not text: the check is the boundary matching, not decoding 16 MB of text.
            m.line("Content-Type: application/octet-stream")
            m.line()
            m.line("part \(index)")
            m.repeatLine("--\(nearMiss)", 10_000 / 3)
        }
        m.line("--\(boundary)--")
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        #expect(result.message.parts.map(\.path) == ["", "1", "2", "3"])
        #expect(result.content.attachments.map { $0.bytes.starts(with: Array("part".utf8)) } == [true, true, true])
        #expect(result.defectReasons.isEmpty)
    }

    /// 200,000 lines of "--" and "--x" under as many open multiparts as the depth limit allows: as the
    /// delimiter of the innermost (the part limit must stop it) and as a near miss of every open boundary.
    /// Each line must cost the same whatever the depth (at the ceiling, comparing it with each open
    /// boundary in turn meant 200 million comparisons).
    @Test(arguments: ["x", "xx"], depthLimits)
    func twoHundredThousandDashLines(innermostBoundary: String, limits: ParserLimits) {
        let outer = limits.maxDepth - 5
        var m = MessageBytes()
        for level in 0..<outer {
            m.openMultipart(boundary: "x\(level)")
        }
        m.openMultipart(boundary: innermostBoundary)
        m.line()
        for _ in 0..<100_000 {
            m.line("--")
            m.line("--x")
        }
        let result = parseHostile(m.bytes, limits: limits)
        expectInvariants(result)
        #expect(result.defectReasons.filter { $0 == "multipart ended without its closing boundary" }.count == outer + 1)
        if innermostBoundary == "x" {
            #expect(result.defectReasons.contains { $0.hasPrefix("more than \(limits.maxParts) parts") })
        } else {
            #expect(result.message.parts.count == outer + 2)
        }
    }

    /// Boundaries are opaque tokens compared byte for byte: one that looks like an RFC 2047 word or holds
    /// control bytes is matched exactly as written, never decoded first.
    @Test(arguments: ["=?utf-8?q?abc?=", "=?utf-8?B?YWJj?=", "tab\there", "bell\u{7}"])
    func boundaryIsMatchedAsWritten(boundary: String) {
        var m = MessageBytes()
        m.openMultipart(boundary: boundary)
        m.line()
        m.line("one")
        // The decoded form must not be taken for a delimiter.
        m.line("--abc")
        m.line("--\(boundary)")
        m.line()
        m.line("two")
        m.line("--\(boundary)--")
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        #expect(result.message.parts.map(\.path) == ["", "1", "2"])
        #expect(result.message.body(1) == "one\r\n--abc")
        #expect(result.defectReasons.isEmpty)
    }

    // MARK: Truncation, random bytes, mutation

    /// The message cut after every byte, as a dropped connection or a full disk would leave it.
    @Test func everyTruncationOfAWellFormedMessage() throws {
        let full = threePartMessage
        let complete = parseHostile(full)
        expectInvariants(complete)
        #expect(complete.allDefects.isEmpty)
        #expect(complete.message.leaves.count == 3)
        #expect(complete.content.attachments.count == 2)

        let close = Array("--=_outer_1--".utf8)
        let closeStart = try #require(full.firstRange(of: close)).lowerBound
        let blankLine = try #require(full.firstRange(of: [13, 10, 13, 10])).upperBound
        var log = FailureLog()
        var undetected: [Int] = []
        for length in 0..<full.count {
            let result = parseHostile(Array(full[..<length]))
            log.record("prefix \(length)", result.violations)
            // Once the body has started and until the closing delimiter is complete, the cut shows.
            if length > blankLine, length < closeStart + close.count, result.defectReasons.isEmpty {
                undetected.append(length)
            }
        }
        log.expectNone()
        #expect(undetected.isEmpty, "truncations without a defect: \(undetected.prefix(10))")
    }

    enum RandomInput: String, CaseIterable, CustomTestStringConvertible {
        /// Uniform bytes.
        case bytes
        /// Fragments of MIME syntax in random order: far more likely to reach deep parser states.
        case fragments

        var testDescription: String { rawValue }
    }

    static let fragments: [[UInt8]] = [
        "\r\n", "\n", "\r", "\r\n\r\n", " ", "\t", "--", "--b", "--b--", "--c", "--c--", ":", ";", "=", "\"", "(", ")",
        "\\", "Content-Type: multipart/mixed; boundary=b\r\n", "Content-Type: multipart/alternative; boundary=c\r\n",
        "Content-Type: message/rfc822\r\n", "Content-Type: multipart/digest; boundary=b\r\n",
        "Content-Type: text/html\r\n", "Content-Transfer-Encoding: base64\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n", "Content-Disposition: attachment; filename*0*=utf-8''a%20;",
        " filename*1=b\r\n", "Subject: =?utf-8?B?w6Q=?=", "=?utf-8?q?a_b?=", "=?", "?=", "=3D", "=\r\n", "From x\r\n",
        "<p>", "<table><tr><td>", "</td></tr></table>", "<a href=\"x\">", "QUJD", "====", "\0", "\u{FF}", "é",
    ].map { Array($0.utf8) }

    /// A few thousand random inputs of 0–4 KB.
    @Test(arguments: RandomInput.allCases)
    func randomInputs(kind: RandomInput) {
        var log = FailureLog()
        for seed in UInt64(0)..<2_000 {
            var random = SplitMix64(seed: seed &+ (kind == .bytes ? 0 : 1 << 32))
            let length = Int(random.next() % 4_097)
            var input: [UInt8]
            switch kind {
            case .bytes:
                input = random.bytes(length)
            case .fragments:
                input = []
                while input.count < length {
                    input += Self.fragments[Int(random.next() % UInt64(Self.fragments.count))]
                }
            }
            log.record("\(kind) seed \(seed)", parseHostile(input).violations)
        }
        log.expectNone()
    }

    /// Random bit flips, byte insertions and deletions and line duplications of a realistic message.
    @Test func randomMutationsOfARealisticMessage() {
        let original = realisticMessage
        let clean = parseHostile(original)
        expectInvariants(clean)
        // Structure defects only: the Date parser is still a stub that reads no date.
        #expect(clean.defectReasons.isEmpty, "\(clean.defectReasons)")
        var log = FailureLog()
        for seed in UInt64(0)..<3_000 {
            var random = SplitMix64(seed: seed)
            var input = original
            for _ in 0..<(1 + random.next() % 8) {
                Self.mutate(&input, &random)
            }
            log.record("mutation seed \(seed)", parseHostile(input).violations)
        }
        log.expectNone()
    }

    static func mutate(_ input: inout [UInt8], _ random: inout SplitMix64) {
        guard !input.isEmpty else {
            input.append(UInt8(truncatingIfNeeded: random.next()))
            return
        }
        let position = Int(random.next() % UInt64(input.count))
        switch random.next() % 5 {
        case 0:
            input[position] ^= 1 << UInt8(random.next() % 8)
        case 1:
            // Insert a byte that matters to the parser more often than chance would.
            let interesting: [UInt8] = [13, 10, 0, 0x2D, 0x3D, 0x3F, 0x3A, 0x3B, 0x22, 0x28, 0x5C, 0xFF]
            let byte =
                random.next() % 2 == 0
                ? interesting[Int(random.next() % UInt64(interesting.count))] : UInt8(truncatingIfNeeded: random.next())
            input.insert(byte, at: position)
        case 2:
            let count = min(input.count - position, 1 + Int(random.next() % 16))
            input.removeSubrange(position..<(position + count))
        default:
            // Duplicate the line around `position` (a repeated delimiter or header), possibly many times.
            let start = input[..<position].lastIndex(of: 10).map { $0 + 1 } ?? 0
            let end = input[position...].firstIndex(of: 10).map { $0 + 1 } ?? input.count
            let line = Array(input[start..<end])
            let copies = random.next() % 4 == 0 ? 50 : 1
            for _ in 0..<copies { input.insert(contentsOf: line, at: end) }
        }
    }

    // MARK: Header values

    /// 100,000 encoded words in one Subject: in one charset (decoded as one run), alternating charsets,
    /// and broken (each one a defect).
    @Test(arguments: ["same charset", "alternating charsets", "broken"])
    func hundredThousandEncodedWords(kind: String) {
        let count = 100_000
        var m = MessageBytes()
        m.raw("Subject:")
        for index in 0..<count {
            switch kind {
            case "same charset": m.raw(" =?utf-8?q?a?=")
            case "alternating charsets": m.raw(index % 2 == 0 ? " =?utf-8?q?a?=" : " =?iso-8859-1?q?b?=")
            default: m.raw(" =?utf-8?b?#?=")
            }
        }
        m.line()
        m.line()
        m.line("body")
        // The Subject is up to 2 MB: raise the field-length limit so every word is decoded.
        let limits = ParserLimits(maxHeaderLineLength: 4 << 20)
        let result = parseHostile(m.bytes, limits: limits)
        expectInvariants(result)
        let subject = result.content.envelope.subject ?? ""
        switch kind {
        case "same charset": #expect(subject == String(repeating: "a", count: count))
        case "alternating charsets": #expect(subject == String(repeating: "ab", count: count / 2))
        default: #expect(result.allDefects.contains { $0.reason == "malformed base64 in an encoded word" })
        }
    }

    /// A megabyte of encoded-word openers that never become words, in the Subject and in a file name.
    @Test(arguments: ["=?", "=?utf-8?q?", "=?utf-8?b?a", "=?\(String(repeating: "c", count: 60))"])
    func megabyteOfEncodedWordOpeners(opener: String) {
        let unit = Array(opener.utf8)
        var value: [UInt8] = []
        value.reserveCapacity(1 << 20)
        while value.count + unit.count <= (1 << 20) - 64 { value += unit }
        var m = MessageBytes()
        m.raw("Subject: ")
        m.bytes += value
        m.line()
        m.openMultipart(boundary: "b")
        m.raw("Content-Disposition: attachment; filename=\"")
        m.bytes += value
        m.line("\"")
        m.line()
        m.line("attached")
        m.line("--b--")
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        // Some openers do close a (garbled) word further on; whatever is decoded, nothing is lost or added
        // beyond what the bytes say.
        let subject = result.content.envelope.subject ?? ""
        #expect(!subject.isEmpty && subject.utf8.count <= value.count)
        let filename = result.content.attachments.first?.filename ?? ""
        #expect(!filename.isEmpty && filename.utf8.count <= value.count)
    }

    /// 10,000 RFC 2231 continuations of one parameter, in order, in reverse, and with gaps: the
    /// parameter table is capped and the cap is reported.
    @Test(arguments: ["in order", "reversed", "gaps"])
    func tenThousandRFC2231Continuations(order: String) {
        let count = 10_000
        var indices = Array(0..<count)
        if order == "reversed" { indices.reverse() }
        if order == "gaps" { indices = indices.filter { $0 % 3 != 1 } }
        var m = MessageBytes()
        m.openMultipart(boundary: "b")
        m.line("Content-Type: application/octet-stream;")
        for index in indices { m.line(" name*\(index)*=%41;") }
        m.line()
        m.line("x")
        m.line("--b--")
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        #expect(
            result.defectReasons.contains { $0.hasPrefix("more than \(ParameterizedValue.maxParameters) parameters") })
        let filename = result.content.attachments.first?.filename ?? ""
        #expect(!filename.isEmpty && filename.allSatisfy { $0 == "A" })
    }

    /// Comments 100,000 deep: unbalanced (they never close) and balanced, in each structured header.
    @Test(arguments: ["Content-Type", "Content-Disposition", "Content-Transfer-Encoding", "Content-ID", "From"])
    func hundredThousandNestedComments(header: String) {
        let depth = 100_000
        var unbalanced = MessageBytes()
        unbalanced.raw("\(header): ")
        unbalanced.bytes += [UInt8](repeating: UInt8(ascii: "("), count: depth)
        unbalanced.line()
        unbalanced.line()
        unbalanced.line("body")
        let broken = parseHostile(unbalanced.bytes)
        expectInvariants(broken)
        #expect(broken.message.body(0) == "body\r\n")
        if header == "Content-Type" {
            #expect(broken.defectReasons.contains { $0.hasPrefix("unreadable Content-Type") })
        }

        var balanced = MessageBytes()
        balanced.raw("\(header): ")
        balanced.bytes += [UInt8](repeating: UInt8(ascii: "("), count: depth)
        balanced.raw("\\) x")
        balanced.bytes += [UInt8](repeating: UInt8(ascii: ")"), count: depth)
        balanced.line(header == "Content-Type" ? " text/html" : " attachment; filename=a.txt")
        balanced.line()
        balanced.line("<p>body</p>")
        let fine = parseHostile(balanced.bytes)
        expectInvariants(fine)
        if header == "Content-Type" { #expect(fine.message.parts[0].contentType == "text/html") }
        if header == "Content-Disposition" { #expect(fine.message.parts[0].filename == "a.txt") }
    }

    // MARK: Odd bytes and line breaks

    /// NUL bytes after every byte, in place of every 7th byte, inside a boundary, and as the whole input.
    @Test(arguments: ["interleaved", "every 7th", "in the boundary", "only NULs"])
    func nulBytesEverywhere(placement: String) {
        let original = threePartMessage
        var input: [UInt8] = []
        switch placement {
        case "interleaved":
            for byte in original { input += [byte, 0] }
        case "every 7th":
            input = original
            for index in stride(from: 6, to: input.count, by: 7) { input[index] = 0 }
        case "in the boundary":
            var m = MessageBytes()
            m.raw("Content-Type: multipart/mixed; boundary=\"a")
            m.bytes.append(0)
            m.line("b\"")
            m.line()
            for index in 0..<2 {
                m.raw("--a")
                m.bytes.append(0)
                m.line("b")
                m.line()
                m.line("part \(index)")
            }
            m.raw("--a")
            m.bytes.append(0)
            m.line("b--")
            input = m.bytes
        default:
            input = [UInt8](repeating: 0, count: 1 << 20)
        }
        let result = parseHostile(input)
        expectInvariants(result)
        switch placement {
        case "in the boundary":
            #expect(result.message.parts.map(\.path) == ["", "1", "2"])
            #expect(result.content.text == "part 0\npart 1")
        case "interleaved", "only NULs":
            #expect(!result.defectReasons.isEmpty)
        default:
            break
        }
    }

    /// Classic Mac OS line breaks (CR alone). They are not line breaks to the parser — RFC 5322 allows
    /// CR only before LF — but the damage must be reported, not silently produce a garbled header.
    @Test(arguments: ["single part", "multipart"])
    func carriageReturnOnlyLineBreaks(kind: String) {
        var m = MessageBytes()
        m.lineBreak = [13]
        m.line("From: student@example.edu")
        m.line("Subject: old mac")
        if kind == "multipart" {
            m.openMultipart(boundary: "b")
            m.line()
            m.line("first")
            m.line("--b")
            m.line("Content-Type: text/html")
            m.line()
            m.line("<p>second</p>")
            m.line("--b--")
        } else {
            m.line()
            m.line("body line 1")
            m.line("body line 2")
        }
        let result = parseHostile(m.bytes)
        expectInvariants(result)
        #expect(result.defectReasons.contains("bare CR in the header section; only CRLF and LF end a line"))
    }
}

// MARK: - Inputs found by fuzzing

@Suite struct FuzzRegressionTests {
    /// Every file in `Tests/MIMETests/Regressions/` is an input that once crashed or hung the parser
    /// (see `Tests/Fuzz/run.sh`). Each must now go through the whole intake path with its invariants.
    @Test func everySavedFuzzFinding() throws {
        let directory =
            #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/") + "/Regressions"
        for name in try RegressionFiles.names(in: directory) where !name.hasSuffix(".md") {
            let bytes = try RegressionFiles.read(directory + "/" + name)
            expectInvariants(parseHostile(bytes), name)
        }
    }
}

/// Reads the saved findings.
enum RegressionFiles {
    /// File names in `directory`, sorted; none when the folder does not exist (no finding saved yet).
    static func names(in directory: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
