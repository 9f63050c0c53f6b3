import Testing

@testable import MIME

/// Builds a message from lines joined with CRLF, as mail travels on the wire.
func crlf(_ lines: String) -> [UInt8] {
    Array(lines.replacingLineFeeds(with: "\r\n").utf8)
}

extension String {
    func replacingLineFeeds(with separator: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: separator)
    }
}

extension MIMEMessage {
    func body(_ index: Int) -> String { String(decoding: bytes[parts[index].bodyRange], as: UTF8.self) }
    func part(_ path: String) -> Int? { parts.indices.first { parts[$0].path == path && parts[$0].kind == .leaf } }
    var defectReasons: [String] { defects.map(\.reason) }
}

@Suite struct StructureTests {
    /// The header-only reading gives the same fields and the same end as the whole parse.
    @Test(arguments: [
        "Subject: Hi\r\nFrom: a@example.org\r\n\r\nHello\r\n",
        "From evil@example.org Mon Jan  1 00:00:00 2024\r\nFrom: m@example.org\r\n\r\nx",
        "Subject: no body\r\nTo: x@example.org\r\n",
        "Subject: lf\nX-A: folded\n  twice\n\nbody\n",
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nSubject: inner\r\n\r\nx\r\n--b--\r\n",
        "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n",
        "This is not a header\r\n\r\nbody", "",
    ])
    func headerSectionAloneReadsAsTheWholeParse(_ text: String) {
        let bytes = Array(text.utf8)
        let whole = MIMEParser().parse(bytes).parts[0]
        let section = MIMEParser().parseHeaderSection(bytes)
        #expect(section.fields == whole.headers)
        #expect(section.range == whole.headerRange)
    }

    @Test func headerSectionOfALongLineIsCutAsTheWholeParseCutsIt() {
        let bytes = Array(("Subject: " + String(repeating: "a", count: 300) + "\r\nFrom: x@example.org\r\n\r\nb").utf8)
        let limits = ParserLimits(maxHeaderLineLength: 100)
        let section = MIMEParser(limits: limits).parseHeaderSection(bytes)
        #expect(section.fields == MIMEParser(limits: limits).parse(bytes).parts[0].headers)
        #expect(section.fields.first?.value.count == 100)
    }

    @Test func singlePartMessage() {
        let message = MIMEParser().parse(crlf("Subject: Hi\nFrom: a@example.org\n\nHello\nworld\n"))
        #expect(message.parts.count == 1)
        #expect(message.parts[0].path == "1")
        #expect(message.parts[0].contentType == "text/plain")
        #expect(message.body(0) == "Hello\r\nworld\r\n")
        #expect(message.headerText("subject") == "Hi")
        #expect(message.defects.isEmpty)
    }

    @Test func multipartMixedWithAttachment() throws {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary="b1"

                preamble text
                --b1
                Content-Type: text/plain; charset=utf-8

                Body text
                --b1
                Content-Type: image/png; name="shot.png"
                Content-Transfer-Encoding: base64
                Content-Disposition: attachment; filename="screen.png"

                iVBORw0KGgo=
                --b1--
                epilogue
                """))
        #expect(message.parts.map(\.path) == ["", "1", "2"])
        #expect(message.parts[0].kind == .multipart)
        #expect(message.body(1) == "Body text")
        #expect(message.parts[2].filename == "screen.png")
        #expect(message.decodedBody(of: 2).bytes == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let content = MessageContent(message)
        #expect(content.text == "Body text")
        #expect(content.attachments.map(\.path) == ["2"])
        #expect(content.attachments.first?.detectedType == "image/png")
        #expect(message.defects.isEmpty)
    }

    @Test func alternativeInsideMixedChoosesPlainAndHTML() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/alternative; boundary=inner

                --inner
                Content-Type: text/plain

                plain version
                --inner
                Content-Type: text/html

                <p>html version</p>
                --inner--
                --outer
                Content-Type: application/pdf; name=report.pdf

                %PDF-1.4
                --outer--
                """))
        #expect(message.parts.map(\.path) == ["", "1", "1.1", "1.2", "2"])
        let content = MessageContent(message)
        #expect(content.text == "plain version")
        #expect(content.html == "<p>html version</p>")
        #expect(content.attachments.map(\.path) == ["2"])
        #expect(content.attachments.first?.detectedType == "application/pdf")
    }

    @Test func htmlOnlyMessageGivesConvertedText() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: text/html; charset=utf-8

                <html><body><p>Session ID: <b>abc</b></p></body></html>
                """))
        let content = MessageContent(message)
        #expect(content.text == "Session ID: abc")
        #expect(content.html?.contains("<b>abc</b>") == true)
    }

    @Test func forwardedMessageKeepsItsScreenshot() {
        let message = MIMEParser().parse(
            crlf(
                """
                Subject: Fwd: exam problem
                Content-Type: multipart/mixed; boundary=fwd

                --fwd
                Content-Type: text/plain

                See below.
                --fwd
                Content-Type: message/rfc822

                Subject: exam problem
                From: Student <student@example.edu>
                Content-Type: multipart/mixed; boundary=orig

                --orig
                Content-Type: text/plain

                It froze.
                --orig
                Content-Type: image/png
                Content-Transfer-Encoding: base64

                iVBORw0KGgo=
                --orig--
                --fwd--
                """))
        #expect(message.parts.map(\.path) == ["", "1", "2", "2", "2.1", "2.2"])
        #expect(message.parts[2].kind == .message)
        #expect(message.parts[3].isMessageRoot)
        #expect(message.headerText("subject", in: 3) == "exam problem")
        let content = MessageContent(message)
        #expect(content.text == "See below.")
        #expect(content.attachments.map(\.path) == ["2.1", "2.2"])
        #expect(content.attachments.last?.detectedType == "image/png")
        #expect(message.defects.isEmpty)
    }

    @Test func forwardedSinglePartMessageBodyIsNumberedDotOne() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary=x

                --x
                Content-Type: message/rfc822

                Subject: inner

                inner body
                --x--
                """))
        #expect(message.parts.map(\.path) == ["", "1", "1.1"])
        #expect(message.body(2) == "inner body")
    }

    @Test func missingFinalBoundaryKeepsEveryPart() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                first
                --b
                Content-Type: text/plain

                second, and then the connection dropped
                """))
        #expect(message.parts.map(\.path) == ["", "1", "2"])
        #expect(message.body(2).hasPrefix("second"))
        #expect(message.defectReasons.contains("multipart ended without its closing boundary"))
    }

    @Test func outerBoundaryClosesAnInnerMultipartThatNeverClosed() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/alternative; boundary=inner

                --inner
                Content-Type: text/plain

                inner text
                --outer
                Content-Type: text/plain

                after
                --outer--
                """))
        #expect(message.parts.map(\.path) == ["", "1", "1.1", "2"])
        #expect(message.body(2) == "inner text")
        #expect(message.body(3) == "after")
        #expect(message.defects.map(\.description) == ["part 1: multipart ended without its closing boundary"])
    }

    @Test func boundariesWithOddCharactersAndPrefixesOfEachOther() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary="=_odd ?b'(x)+,./:=?"

                --=_odd ?b'(x)+,./:=?
                Content-Type: multipart/alternative; boundary="=_odd ?b'(x)+,./:=?2"

                --=_odd ?b'(x)+,./:=?2
                Content-Type: text/plain

                one
                --=_odd ?b'(x)+,./:=?2--
                --=_odd ?b'(x)+,./:=?\t 
                Content-Type: text/plain

                two
                --=_odd ?b'(x)+,./:=?--
                """))
        #expect(message.parts.map(\.path) == ["", "1", "1.1", "2"])
        #expect(message.body(2) == "one")
        #expect(message.body(3) == "two")
        #expect(message.defects.isEmpty)
    }

    @Test func bareLineFeedsAreLineBreaksToo() {
        let raw = Array(
            "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nA\n--b\nContent-Type: text/html\n\n<b>B</b>\n--b--\n"
                .utf8)
        let message = MIMEParser().parse(raw)
        #expect(message.parts.map(\.path) == ["", "1", "2"])
        #expect(message.body(1) == "A")
        #expect(message.body(2) == "<b>B</b>")
    }

    @Test func headerSectionWithoutBlankLine() {
        let message = MIMEParser().parse(crlf("Subject: x\nThis line is body text\nmore"))
        #expect(message.headerText("subject") == "x")
        #expect(message.body(0) == "This line is body text\r\nmore")
        #expect(message.defectReasons == ["header section ended without a blank line"])
    }

    @Test func foldedAndObsoleteHeaders() {
        let message = MIMEParser().parse(crlf("Subject : a long\n\tfolded\n  subject\nX-Empty:\n\nbody"))
        #expect(message.headerText("subject") == "a long folded  subject")
        #expect(message.headerText("x-empty") == "")
        #expect(message.headerText("missing") == nil)
    }

    @Test func mboxFromLineIsSkipped() {
        let message = MIMEParser().parse(crlf("From someone@example.org Mon Nov 11 10:00:00 2024\nSubject: s\n\nbody"))
        #expect(message.headerText("subject") == "s")
        #expect(message.defects.isEmpty)
        #expect(message.parts[0].range.lowerBound > 0)
    }

    @Test func emptyInputAndHeadersOnly() {
        let empty = MIMEParser().parse([])
        #expect(empty.parts.count == 1)
        #expect(empty.parts[0].bodyRange.isEmpty)
        let headersOnly = MIMEParser().parse(crlf("Subject: only headers"))
        #expect(headersOnly.headerText("subject") == "only headers")
        #expect(headersOnly.parts[0].bodyRange.isEmpty)
    }

    @Test func digestPartsDefaultToMessages() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/digest; boundary=d

                --d

                Subject: first

                one
                --d

                Subject: second

                two
                --d--
                """))
        #expect(message.parts.filter { $0.kind == .message }.count == 2)
        #expect(message.headerText("subject", in: 2) == "first")
    }

    @Test func multipartWithoutBoundaryIsKeptAsText() {
        let message = MIMEParser().parse(crlf("Content-Type: multipart/mixed\n\nsome text"))
        #expect(message.parts[0].kind == .leaf)
        #expect(message.parts[0].contentType == "text/plain")
        #expect(MessageContent(message).text == "some text")
        #expect(message.defects.count == 1)
    }

    @Test func multipartWhoseBoundaryNeverAppearsKeepsItsBody() {
        let message = MIMEParser().parse(crlf("Content-Type: multipart/mixed; boundary=zz\n\nno parts here"))
        #expect(message.parts.count == 1)
        #expect(MessageContent(message).text == "no parts here")
        #expect(message.defectReasons.contains { $0.contains("has no parts") })
    }

    @Test func emptyPartsBetweenConsecutiveBoundaries() {
        let message = MIMEParser().parse(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n--b\n\nx\n--b--"))
        #expect(message.parts.map(\.path) == ["", "1", "2"])
        #expect(message.body(1) == "")
        #expect(message.body(2) == "x")
    }

    @Test func delimiterThatEndsTheInputOpensNoPart() {
        // Cut right after a delimiter: nothing follows it, so there is no part to add (Dovecot's test case,
        // in Stalwart's corpus as malformed/014.eml).
        for tail in ["--b\n", "--b"] {
            let head = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nhello\n")
            let message = MIMEParser().parse(head + Array(tail.utf8))
            #expect(message.parts.map(\.path) == ["", "1"])
            #expect(message.body(1) == "hello")
            #expect(message.defectReasons == ["multipart ended without its closing boundary"])
        }
        // With no part before it, the multipart has none and its body stays text.
        let empty = MIMEParser().parse(crlf("Content-Type: multipart/mixed; boundary=b\n\npreamble\n--b\n"))
        #expect(empty.parts.count == 1)
        #expect(empty.parts[0].contentType == "text/plain")
        // A delimiter followed by an empty line does open an (empty) part.
        let blank = MIMEParser().parse(crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nx\n--b\n\n"))
        #expect(blank.parts.map(\.path) == ["", "1", "2"])
    }

    @Test func delimiterFollowedByJunkStillCounts() {
        // RFC 2046 §5.1.1: the boundary appearing in its entirety at the start of a line is sufficient
        // (mime4j's ending-boundaries.msg).
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary="b"

                --b this is ignored
                Content-Type: text/plain

                first
                --b\tand so is this

                second
                --b-- not part of the epilogue
                epilogue
                --b
                """))
        #expect(message.parts.map(\.path) == ["", "1", "2"])
        #expect(message.body(1) == "first")
        #expect(message.body(2) == "second")
        #expect(message.defects.isEmpty)
    }

    @Test func boundaryPrefixesNeedAVisibleEnd() {
        // "--ab" is not a delimiter of "a": the boundary token goes on. Here it is the first delimiter of the
        // multipart that declares "ab" in a header section that ran into it without a blank line.
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary="a"

                --a
                Content-Type: multipart/mixed; boundary="ab"
                --ab
                Content-Type: text/plain

                text
                --ab--
                --a--
                """))
        #expect(message.parts.map(\.path) == ["", "1", "1.1"])
        #expect(message.body(2) == "text")
        // With both open, an exact match wins over a prefix match of an inner boundary.
        let nested = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary="ab"

                --ab
                Content-Type: multipart/mixed; boundary="a"

                --a

                inner
                --ab

                outer
                --ab--
                """))
        #expect(nested.parts.map(\.path) == ["", "1", "1.1", "2"])
        #expect(nested.body(2) == "inner")
        #expect(nested.body(3) == "outer")
    }

    @Test func boundaryDeclaredWithTrailingSpaces() {
        // Not allowed (RFC 2046's bcharsnospace), and gateways strip trailing white space from lines, so the
        // delimiter matches with or without it; the close delimiter may keep it before its "--".
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary="b  "

                --b \("")

                one
                --b

                two
                --b  --
                epilogue
                """))
        #expect(message.parts.map(\.path) == ["", "1", "2"])
        #expect(message.body(2) == "two")
        #expect(message.defects.isEmpty)
    }

    @Test func fieldNameWith8BitBytesIsAFieldNotTheBody() {
        // mime4j's obsolete.msg: one broken name must not push the fields after it into the body.
        var raw = crlf("Subject: s\n")
        raw += Array("Inval".utf8) + [0xED] + crlf("d-Header: not valid\nContent-Type: text/html\n\n<p>body</p>")
        let message = MIMEParser().parse(raw)
        #expect(message.parts[0].headers.count == 3)
        #expect(message.parts[0].contentType == "text/html")
        #expect(message.body(0) == "<p>body</p>")
        #expect(message.defectReasons == ["header field name with 8-bit bytes"])
    }

    @Test func rawBytesAreNeverModifiedAndRangesPointIntoThem() {
        let raw = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nabc\n--b--\n")
        let message = MIMEParser().parse(raw)
        #expect(message.bytes == raw)
        let leaf = message.parts[1]
        #expect(Array(raw[leaf.headerRange]) == Array("Content-Type: text/plain\r\n".utf8))
        #expect(Array(raw[leaf.bodyRange]) == Array("abc".utf8))
        #expect(leaf.range.lowerBound == leaf.headerRange.lowerBound)
    }

    @Test func unknownTransferEncodingIsReportedAndKept() {
        let message = MIMEParser().parse(crlf("Content-Transfer-Encoding: x-custom\n\nraw"))
        #expect(message.decodedBody(of: 0).bytes == Array("raw".utf8))
        #expect(message.defectReasons.contains { $0.contains("x-custom") })
    }

    @Test func encodedMessageRFC822StaysALeaf() {
        let message = MIMEParser().parse(
            crlf(
                """
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: message/rfc822
                Content-Transfer-Encoding: base64

                U3ViamVjdDogeAoKYm9keQ==
                --b--
                """))
        #expect(message.parts[1].kind == .leaf)
        #expect(message.decodedBody(of: 1).bytes == Array("Subject: x\n\nbody".utf8))
    }
}

@Suite struct LimitTests {
    @Test func nestingBeyondTheLimitStopsDescendingAndKeepsTheRest() {
        var text = ""
        for level in 0..<100 { text += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        text += "Content-Type: text/plain\n\ndeep text\n"
        let message = MIMEParser(limits: ParserLimits(maxDepth: 10)).parse(crlf(text))
        #expect(message.parts.map(\.depth).max()! < 10)
        #expect(message.defectReasons.contains { $0.hasPrefix("nesting deeper than 10") })
        let opaque = message.parts.last!
        #expect(String(decoding: message.bytes[opaque.bodyRange], as: UTF8.self).hasSuffix("deep text\r\n"))
    }

    @Test func partCountLimit() {
        var text = "Content-Type: multipart/mixed; boundary=b\n\n"
        for index in 0..<50 { text += "--b\n\npart \(index)\n" }
        text += "--b--\n"
        let message = MIMEParser(limits: ParserLimits(maxParts: 10)).parse(crlf(text))
        #expect(message.parts.count == 10)
        #expect(message.defectReasons.contains { $0.hasPrefix("more than 10 parts") })
    }

    @Test func headerLineLimit() {
        var text = ""
        for index in 0..<500 { text += "X-Junk-\(index): v\n" }
        text += "Subject: late\n\nbody"
        let message = MIMEParser(limits: ParserLimits(maxHeaderLines: 100)).parse(crlf(text))
        #expect(message.parts[0].headers.count == 100)
        #expect(message.headerText("subject") == nil)
        #expect(message.body(0) == "body")
        #expect(message.defectReasons.contains { $0.hasPrefix("more than 100 header lines") })
    }

    @Test func headerLengthLimitCutsFoldedFields() {
        let long = String(repeating: "a", count: 300)
        let message = MIMEParser(limits: ParserLimits(maxHeaderLineLength: 200))
            .parse(crlf("Subject: \(long)\n \(long)\n\nbody"))
        #expect(message.parts[0].headers[0].value.count == 200)
        #expect(message.defectReasons.filter { $0.contains("longer than 200") }.count == 1)
    }
}
