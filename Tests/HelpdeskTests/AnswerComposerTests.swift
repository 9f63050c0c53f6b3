import Foundation
import Incident
import MIME
import Testing
import TicketStore

@testable import Helpdesk

@Suite struct AnswerComposerTests {
    let composer = try! AnswerFixture.composer()

    func compose(_ request: AnswerRequest) throws -> ParsedAnswer {
        ParsedAnswer(try composer.compose(request))
    }

    /// A header line is at most 78 characters, unless it holds one value that cannot be split (a long
    /// message id), which may go up to RFC 5322's 998.
    func isFolded(_ line: String) -> Bool {
        if line.utf8.count <= 78 { return true }
        let values = line.split(separator: " ").dropFirst(line.hasPrefix(" ") ? 0 : 1)
        return values.count == 1 && line.utf8.count <= 998
    }

    // MARK: Headers

    @Test func acknowledgementHeaders() throws {
        var request = AnswerFixture.request(.acknowledgement)
        request.references = ["root@example.org", "HD-000002.1.0123456789abcdef@example.com"]
        let answer = try composer.compose(request)
        let parsed = ParsedAnswer(answer)
        #expect(
            parsed.headerNames == [
                "date", "from", "to", "subject", "message-id", "in-reply-to", "references", "auto-submitted",
                "x-auto-response-suppress", "mime-version", "content-type", "content-transfer-encoding",
            ])
        #expect(parsed.message.defects.isEmpty)
        #expect(parsed.envelopeDefects.isEmpty)
        #expect(parsed.content.defects.isEmpty)

        let envelope = parsed.envelope
        #expect(envelope.subject == "[HD-000002] Re: " + AnswerFixture.subject)
        #expect(answer.subject == envelope.subject)
        #expect(envelope.from == [MailAddress(name: "Example Helpdesk", address: "helpdesk@example.com")])
        #expect(parsed.rawHeader("From") == "\"Example Helpdesk\" <helpdesk@example.com>")
        #expect(envelope.to == [MailAddress(name: nil, address: "daniel.okafor@example.org")])
        #expect(answer.recipient == "daniel.okafor@example.org")
        #expect(envelope.messageID == answer.messageID)
        let verified = try #require(AnswerFixture.signer.verify(answer.messageID))
        #expect(verified.ticket == AnswerFixture.ticket && verified.sequence == 1)
        #expect(envelope.inReplyTo == [AnswerFixture.parentID])
        #expect(envelope.references == request.references + [AnswerFixture.parentID])
        #expect(envelope.date?.secondsSince1970 == AnswerFixture.utc(2024, 11, 12, 13, 36, 40))
        #expect(parsed.rawHeader("Date") == "Tue, 12 Nov 2024 13:36:40 +0000")
        #expect(parsed.rawHeader("Auto-Submitted") == "auto-replied")
        #expect(parsed.rawHeader("X-Auto-Response-Suppress") == "All")
        #expect(parsed.rawHeader("MIME-Version") == "1.0")
        #expect(parsed.message.parts[0].contentType == "text/plain")
        #expect(parsed.message.parts[0].charset == "utf-8")
        #expect(parsed.message.parts[0].transferEncoding == "quoted-printable")
        #expect(parsed.message.fields(named: "Precedence").isEmpty)
    }

    @Test func staffAnswersCarryTheirTextAndAreNotMarkedAutomatic() throws {
        for kind in [AnswerKind.reply, .resolution] {
            let parsed = try compose(AnswerFixture.request(kind))
            #expect(parsed.body.contains("We restarted the proctoring session."))
            #expect(parsed.rawHeader("Auto-Submitted") == nil && parsed.rawHeader("X-Auto-Response-Suppress") == nil)
            #expect(parsed.envelope.inReplyTo == [AnswerFixture.parentID], "threaded like every answer")
            var empty = AnswerFixture.request(kind)
            empty.text = nil
            #expect(throws: AnswerError.self) { try AnswerFixture.composer().compose(empty) }
        }
    }

    @Test func wireFormat() throws {
        for kind in AnswerKind.templated {
            let request = AnswerFixture.request(
                kind, subject: String(repeating: "Пропал звук 🎧 ", count: 30),
                missing: [.server, .sessionID])
            let parsed = try compose(request)
            #expect(parsed.raw.allSatisfy { $0 < 0x80 && $0 != 0 }, "7-bit")
            // Every CR is followed by LF and every LF preceded by CR.
            for (index, byte) in parsed.raw.enumerated() {
                if byte == 0x0D { #expect(index + 1 < parsed.raw.count && parsed.raw[index + 1] == 0x0A) }
                if byte == 0x0A { #expect(index > 0 && parsed.raw[index - 1] == 0x0D) }
            }
            #expect(parsed.raw.suffix(2) == [0x0D, 0x0A])
            for line in parsed.headerLines { #expect(isFolded(line), "\(line)") }
            for line in parsed.rawLines { #expect(line.utf8.count <= 998) }
            let body = parsed.rawLines.drop { !$0.isEmpty }.dropFirst()
            for line in body { #expect(line.utf8.count <= 76, "\(line)") }
        }
    }

    @Test func dateIsUTC() throws {
        var request = AnswerFixture.request(.acknowledgement)
        request.now = AnswerFixture.utc(2025, 1, 1, 0, 0, 5)
        #expect(try compose(request).rawHeader("Date") == "Wed, 1 Jan 2025 00:00:05 +0000")
    }

    // MARK: Subject

    @Test(arguments: [
        ("Re: [HD-000002] Student stuck", "[HD-000002] Re: Student stuck"),
        ("[HD-000002] Re: Student stuck", "[HD-000002] Re: Student stuck"),
        ("AW: SV: Ответ: Fwd: RE: [hd-000002] Re[2]: Re(3): FW : Student stuck", "[HD-000002] Re: Student stuck"),
        ("Re:Re:[HD-000002]Student stuck", "[HD-000002] Re: Student stuck"),
        ("Student stuck [HD-000002]", "[HD-000002] Re: Student stuck"),
        ("Re: [HD-000001] Student stuck", "[HD-000002] Re: Student stuck"),
        ("Regarding the exam", "[HD-000002] Re: Regarding the exam"),
        ("[Exam] Re: camera", "[HD-000002] Re: [Exam] Re: camera"),
        ("  Tabs\tand   spaces  ", "[HD-000002] Re: Tabs and spaces"),
    ])
    func subjectIsNotStacked(original: String, expected: String) throws {
        let parsed = try compose(AnswerFixture.request(.acknowledgement, subject: original))
        #expect(parsed.envelope.subject == expected)
    }

    @Test(arguments: [
        (
            "04-reply-with-missing-data.eml", 2,
            "[HD-000002] Re: Student stuck in \"Connection lost\" loop during proctored quiz"
        ),
        ("08-russian-koi8-report.eml", 5, "[HD-000005] Re: Не проходит идентификация на экзамене (с телефона)"),
        ("09-forwarded-report.eml", 6, "[HD-000006] Re: Exam crashed at question 14 - can't get back in"),
        ("10-critical-outage.eml", 7, "[HD-000007] Re: URGENT: nobody can start the exam - 502 Bad Gateway"),
    ])
    func samplesAreAnsweredInTheirThread(file: String, number: Int, expected: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: AnswerFixture.root + "/Samples/" + file))
        let message = MIMEParser().parse(Array(bytes))
        let content = MessageContent(message)
        let report = IncidentExtractor().extract(message, content: content)
        let ticket = report.ticketReference ?? TicketReference(prefix: "HD", number: number)!
        #expect(ticket.number == number)
        let request = AnswerRequest(
            kind: .acknowledgement, ticket: ticket, subject: report.subject, recipient: try #require(report.reporter),
            inReplyTo: content.envelope.messageID, references: content.envelope.references, sequence: 2,
            now: AnswerFixture.utc(2024, 11, 13, 9), severity: report.severity)
        let answer = try composer.compose(request)
        let parsed = ParsedAnswer(answer)
        #expect(parsed.envelope.subject == expected)
        #expect(parsed.envelope.inReplyTo == [try #require(content.envelope.messageID)])
        #expect(parsed.envelope.references.last == content.envelope.messageID)
        #expect(parsed.envelope.to.map(\.address) == [report.reporter?.address])
        #expect(parsed.flatBody.contains("within 24 hours") == (report.severity == .normal))
        #expect(parsed.flatBody.contains("8 working hours") == (report.severity == .critical))
    }

    @Test func missingSubjectGetsATitle() throws {
        for subject in [nil, "", "Re:", "[HD-000002]", "  \r\n "] {
            let parsed = try compose(AnswerFixture.request(.acknowledgement, subject: subject))
            #expect(parsed.envelope.subject == "[HD-000002] Your report has been registered")
        }
    }

    @Test(arguments: [
        "Не могу начать экзамен — ошибка 502",
        "Exam 🚀🎓 broken 👩‍💻 on 🇩🇪 laptops",
        "Mixed ASCII and 中文 and עברית",
        "Ça ne marche pas: caméra «noire»",
        "A=?utf-8?B?x?= looks encoded ?= =?",
    ])
    func encodedSubjectRoundTrip(subject: String) throws {
        let answer = try composer.compose(AnswerFixture.request(.acknowledgement, subject: subject))
        let parsed = ParsedAnswer(answer)
        #expect(parsed.envelope.subject == "[HD-000002] Re: " + subject)
        #expect(answer.subject == parsed.envelope.subject)
        #expect(parsed.envelopeDefects.isEmpty)
        let subjectLines = parsed.headerLines.drop { !$0.hasPrefix("Subject:") }.prefix {
            $0.hasPrefix("Subject:") || $0.hasPrefix(" ")
        }
        #expect(subjectLines.first?.hasPrefix("Subject: [HD-000002] Re:") == true, "the tag stays readable")
        for line in subjectLines {
            #expect(line.utf8.count <= 78)
            for word in line.split(separator: " ") where word.hasPrefix("=?") {
                #expect(word.count <= 75)
                #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
            }
        }
    }

    @Test func longSubjectIsCappedAndFolded() throws {
        let words = (1...80).map { "Wort\($0)-ü" }.joined(separator: " ")
        let long = words + " " + String(repeating: "x", count: 300) + " 🎓"
        let answer = try composer.compose(AnswerFixture.request(.acknowledgement, subject: long))
        let parsed = ParsedAnswer(answer)
        let subject = try #require(parsed.envelope.subject)
        #expect(subject == answer.subject)
        #expect(subject.count <= 200)
        #expect(subject.hasPrefix("[HD-000002] Re: Wort1-ü Wort2-ü"))
        #expect(subject.hasSuffix("…"))
        let subjectLines = parsed.headerLines.drop { !$0.hasPrefix("Subject:") }.prefix {
            $0.hasPrefix("Subject:") || $0.hasPrefix(" ")
        }
        #expect(subjectLines.count > 3)
        for line in subjectLines { #expect(line.utf8.count <= 78) }
    }

    @Test func longASCIIWordIsSplitAcrossLines() throws {
        let word = String(repeating: "abcdefghij", count: 12)
        let answer = try composer.compose(AnswerFixture.request(.acknowledgement, subject: word))
        let parsed = ParsedAnswer(answer)
        #expect(parsed.envelope.subject == "[HD-000002] Re: " + word)
        for line in parsed.headerLines { #expect(isFolded(line), "\(line)") }
    }

    // MARK: Header injection

    static let injectedHeaders = ["bcc", "cc", "x-injected", "content-type"]

    func expectNoInjection(_ parsed: ParsedAnswer) {
        let names = parsed.headerNames
        #expect(!names.contains("bcc") && !names.contains("cc") && !names.contains("x-injected"))
        #expect(names.filter { $0 == "content-type" }.count == 1)
        #expect(names.filter { $0 == "to" }.count == 1)
        #expect(parsed.envelope.to.count == 1)
        for text in [parsed.envelope.subject ?? ""] + parsed.envelope.from.compactMap(\.name) {
            #expect(!text.contains("\r") && !text.contains("\n"))
        }
    }

    @Test(arguments: [
        "Hello\r\nBcc: x@y.example",
        "Hello\nBcc: x@y.example\r\n\r\nbody",
        "Hello\rCc: x@y.example",
        "Hello\u{85}X-Injected: 1",
        "Hello\u{2028}Bcc: x@y.example",
        "Hello\0\r\nContent-Type: text/html",
        "=?utf-8?q?a=0D=0ABcc:_x@y?=",
        "=?utf-8?B?YQ0KQmNjOiB4QHk=?=",
    ])
    func subjectInjection(subject: String) throws {
        let parsed = try compose(AnswerFixture.request(.acknowledgement, subject: subject))
        expectNoInjection(parsed)
        let decoded = try #require(parsed.envelope.subject)
        #expect(decoded.hasPrefix("[HD-000002] Re: "))
        if subject.hasPrefix("=?") {
            // Written encoded, so it reads back as the same literal text, not as CR LF.
            #expect(decoded == "[HD-000002] Re: " + subject)
        }
    }

    @Test func encodedWordSmuggledCRLFFromAReporter() throws {
        let incoming =
            "From: Mallory <mallory@example.org>\r\nTo: helpdesk@example.com\r\n"
            + "Subject: =?utf-8?q?a=0D=0ABcc:_x@y?=\r\nMessage-ID: <m1@example.org>\r\n\r\nHi\r\n"
        let message = MIMEParser().parse(Array(incoming.utf8))
        let envelope = message.envelope(of: 0).envelope
        let subject = try #require(envelope.subject)
        var request = AnswerFixture.request(.acknowledgement, subject: subject)
        request.inReplyTo = envelope.messageID
        let parsed = try compose(request)
        expectNoInjection(parsed)
        #expect(parsed.envelope.subject == "[HD-000002] Re: a Bcc: x@y")
        #expect(parsed.envelope.inReplyTo == ["m1@example.org"])
    }

    @Test func displayNameInjection() throws {
        for name in ["Helpdesk\r\nBcc: x@y.example", "Help \"desk\" \\ \r\nX-Injected: 1", "Служба\r\nBcc: x@y"] {
            let composer = try AnswerComposer(
                fromAddress: "helpdesk@example.com", fromName: name,
                signer: AnswerFixture.signer)
            let parsed = ParsedAnswer(try composer.compose(AnswerFixture.request(.acknowledgement)))
            expectNoInjection(parsed)
            let from = try #require(parsed.envelope.from.first)
            #expect(from.address == "helpdesk@example.com")
            #expect(from.name == HeaderText.sanitised(name))
        }
    }

    @Test func nonASCIIDisplayNameIsEncoded() throws {
        let composer = try AnswerComposer(
            fromAddress: "helpdesk@example.com", fromName: "Служба поддержки «Пример»",
            signer: AnswerFixture.signer)
        let parsed = ParsedAnswer(try composer.compose(AnswerFixture.request(.acknowledgement)))
        #expect(
            parsed.envelope.from == [MailAddress(name: "Служба поддержки «Пример»", address: "helpdesk@example.com")])
        #expect(parsed.rawHeader("From")?.hasPrefix("=?utf-8?B?") == true)
        #expect(parsed.flatBody.contains("Служба поддержки «Пример»"))
    }

    @Test func referencesAreValidatedAndCapped() throws {
        var request = AnswerFixture.request(.acknowledgement)
        let valid = (1...15).map { "id\($0)@example.org" }
        request.references =
            [
                "<a@b>\r\nBcc: x@y", "not an id", "x y@example.org", "a@b@c", "\"q\"@example.org", "<>",
                "ü@example.org",
            ] + valid + ["id3@example.org"]
        let parsed = try compose(request)
        expectNoInjection(parsed)
        let references = parsed.envelope.references
        #expect(references.count == 10)
        #expect(references.first == "id1@example.org")
        #expect(
            Array(references.dropFirst()) == Array(
                (valid.filter { $0 != "id3@example.org" } + ["id3@example.org"])
                    .suffix(8)) + [AnswerFixture.parentID])
        for line in parsed.headerLines { #expect(isFolded(line), "\(line)") }
    }

    @Test func invalidParentIsDropped() throws {
        var request = AnswerFixture.request(.acknowledgement)
        request.inReplyTo = "junk\r\nBcc: x@y"
        request.references = ["ok@example.org"]
        let parsed = try compose(request)
        expectNoInjection(parsed)
        #expect(parsed.rawHeader("In-Reply-To") == nil)
        #expect(parsed.envelope.references == ["ok@example.org"])
        request.inReplyTo = nil
        request.references = []
        let bare = try compose(request)
        #expect(!bare.headerNames.contains("in-reply-to") && !bare.headerNames.contains("references"))
    }

    @Test(arguments: [
        "", "no-at-sign", "a@b@example.org", "a b@example.org", "\"john doe\"@example.org", "a@localhost",
        "a@-bad.example", "a@example.123", "a@[192.0.2.1]", "ä@example.org", ".a@example.org", "a..b@example.org",
        "a@example..org", "victim@example.org\r\nBcc: x@y", "victim@example.org, x@y", "<victim@example.org>",
        String(repeating: "a", count: 65) + "@example.org", "a@" + String(repeating: "b", count: 250) + ".org",
        "HELPDESK@Example.COM",
    ])
    func invalidRecipientIsRefused(address: String) {
        var request = AnswerFixture.request(.acknowledgement)
        request.recipient = MailAddress(name: nil, address: address)
        #expect(throws: AnswerError.self) { try composer.compose(request) }
    }

    @Test func invalidSenderIsRefused() {
        #expect(throws: AnswerError.self) {
            try AnswerComposer(fromAddress: "help desk@example.com", fromName: "x", signer: AnswerFixture.signer)
        }
    }

    @Test func requestsThatCannotBeAnswered() {
        var request = AnswerFixture.request(.acknowledgement)
        request.sequence = 0
        #expect(throws: AnswerError.self) { try composer.compose(request) }
        request = AnswerFixture.request(.acknowledgement)
        request.ticket = TicketReference(prefix: "XY", number: 2)!
        #expect(throws: AnswerError.self) { try composer.compose(request) }
        request = AnswerFixture.request(.informationRequest, missing: [])
        #expect(throws: AnswerError.self) { try composer.compose(request) }
        request = AnswerFixture.request(.passwordReset)
        request.passwordResetURL = "javascript:alert(1)"
        #expect(throws: AnswerError.self) { try composer.compose(request) }
        request.passwordResetURL = "https://x.example/a b"
        #expect(throws: AnswerError.self) { try composer.compose(request) }
        request = AnswerFixture.request(.tooLarge)
        request.sizeLimit = nil
        #expect(throws: AnswerError.self) { try composer.compose(request) }
    }

    // MARK: Bodies

    @Test func acknowledgementPromisesConsiderationTime() throws {
        var request = AnswerFixture.request(.acknowledgement)
        request.due = AnswerFixture.utc(2024, 11, 12, 7, 47, 31)
        let parsed = try compose(request)
        #expect(parsed.flatBody.contains("registered it as ticket HD-000002"))
        #expect(parsed.flatBody.contains("within 24 hours, weekends excepted — by Tue 12 Nov 2024, 07:47 UTC"))
        #expect(parsed.flatBody.contains("keep [HD-000002] in the subject line"))
        #expect(parsed.flatBody.contains("Example Helpdesk"))
        #expect(!parsed.flatBody.contains("working hours"))
    }

    @Test func criticalAcknowledgementPromisesSolutionTime() throws {
        var request = AnswerFixture.request(.acknowledgement)
        request.severity = .critical
        request.due = AnswerFixture.utc(2024, 11, 25, 14, 5)
        let parsed = try compose(request)
        #expect(parsed.flatBody.contains("a solution within 8 working hours — by Mon 25 Nov 2024, 14:05 UTC"))
        #expect(!parsed.flatBody.contains("weekends excepted"))
    }

    @Test func configuredTermsAreUsed() throws {
        let composer = try AnswerComposer(
            fromAddress: "helpdesk@example.com", fromName: "Example Helpdesk",
            signer: AnswerFixture.signer,
            terms: ResponseTerms(normalConsideration: 48 * 3600, criticalSolution: 4 * 3600))
        var request = AnswerFixture.request(.acknowledgement)
        request.due = nil
        #expect(
            ParsedAnswer(try composer.compose(request)).flatBody.contains("within 48 hours, weekends excepted, and"))
        request.severity = .critical
        #expect(ParsedAnswer(try composer.compose(request)).flatBody.contains("a solution within 4 working hours."))
    }

    @Test func informationRequestNamesExactlyTheMissingFields() throws {
        let all = IncidentField.defaultRequired
        for missing in [
            [IncidentField.sessionID, .screenshots], [.server], all, [.detectedAt, .userID, .description],
        ] {
            let parsed = try compose(AnswerFixture.request(.informationRequest, missing: missing))
            let body = parsed.body
            for field in all {
                let prompt = try #require(AnswerText.builtInPrompts[field])
                #expect(body.contains("  - " + prompt) == missing.contains(field), "\(field) in \(missing)")
            }
            // In the order given.
            let positions = missing.map { body.range(of: AnswerText.builtInPrompts[$0]!)!.lowerBound }
            #expect(positions == positions.sorted())
            #expect(parsed.flatBody.contains("reply to this email"))
            #expect(parsed.flatBody.contains("keep [HD-000002] in the subject line"))
            #expect(parsed.flatBody.contains("attach the screenshot") == missing.contains(.screenshots))
        }
    }

    @Test func informationRequestUsesCustomPrompts() throws {
        var request = AnswerFixture.request(
            .informationRequest,
            missing: [
                .server, IncidentField("course_id"),
                IncidentField("exam_room"), .server,
            ])
        request.fieldPrompts = [IncidentField("course_id"): "the course ID (for example CS-101)"]
        let body = try compose(request).body
        #expect(body.contains("  - the address of the proctoring server you use, e.g. https://proctor.example.edu\n"))
        #expect(body.contains("  - the course ID (for example CS-101)\n"))
        #expect(body.contains("  - the exam room\n"))
        #expect(body.components(separatedBy: "proctoring server you use").count == 2, "asked once")
    }

    @Test func passwordResetAnswer() throws {
        let parsed = try compose(AnswerFixture.request(.passwordReset, subject: "Forgot my password"))
        #expect(parsed.envelope.subject == "[HD-000002] Re: Forgot my password")
        #expect(parsed.body.contains("  https://proctor.example.edu/reset-password\n"))
        #expect(parsed.flatBody.contains("never ask you for your password"))
        #expect(!parsed.flatBody.contains("screenshot"))
    }

    /// Without `[password_reset] url` a password request still gets the instructions: the portal's own function.
    @Test func passwordResetAnswerWithoutAResetPage() throws {
        var request = AnswerFixture.request(.passwordReset, subject: "Forgot my password")
        request.passwordResetURL = nil
        let parsed = try compose(request)
        #expect(parsed.flatBody.contains("choose \"Forgot password?\""))
        #expect(!parsed.flatBody.contains("http"))
        #expect(!parsed.flatBody.contains("screenshot"))
        #expect(!parsed.flatBody.contains("session"))
    }

    /// Values read without a label are shown back (IDs, the host, a time), never free text or a URL.
    @Test func probableValuesAreReadBackAndOnlyShapeCheckedOnes() throws {
        var request = AnswerFixture.request(.acknowledgement)
        request.readBack = [
            (.sessionID, "9b2e7c41-aa"), (.userID, "s1048573"), (.server, "https://exam.uni.example/path?q=secret"),
            (.userID, "Robert'); DROP TABLE"), (.description, "free text must never be echoed"),
        ]
        let parsed = try compose(request)
        #expect(parsed.body.contains("  - the session ID: 9b2e7c41-aa\n"))
        #expect(parsed.body.contains("  - the user ID: s1048573\n"))
        #expect(parsed.body.contains("  - the proctoring server: exam.uni.example\n"))
        #expect(!parsed.body.contains("secret") && !parsed.body.contains("DROP") && !parsed.body.contains("free text"))
        request.readBack = []
        #expect(try !compose(request).body.contains("We read these"))
    }

    @Test func tooLargeAnswer() throws {
        let parsed = try compose(AnswerFixture.request(.tooLarge, subject: nil))
        #expect(parsed.envelope.subject == "[HD-000002] Your message was too large")
        #expect(parsed.flatBody.contains("larger than 25 MB, the largest message"))
    }

    @Test func resumedAnswer() throws {
        var request = AnswerFixture.request(.resumed, subject: "Re: [HD-000002] Student stuck")
        request.sequence = 2
        request.due = AnswerFixture.utc(2024, 11, 14, 8, 18)
        let answer = try composer.compose(request)
        let parsed = ParsedAnswer(answer)
        #expect(AnswerFixture.signer.verify(answer.messageID)?.sequence == 2)
        #expect(parsed.flatBody.contains("resumed work on it"))
        #expect(parsed.flatBody.contains("by Thu 14 Nov 2024, 08:18 UTC"))
    }

    @Test func quotedPrintableBodyDecodesExactly() throws {
        let parsed = try compose(AnswerFixture.request(.acknowledgement))
        #expect(parsed.body.hasPrefix("Hello,\n\nThank you for your report."))
        #expect(parsed.body.contains("—"))
        #expect(parsed.body.hasSuffix("reach our support team.\n"))
        #expect(!parsed.body.contains("\r"))
        #expect(!parsed.body.contains("{{"))
    }

    // MARK: Data protection

    @Test func reporterBodyIsNeverEchoed() throws {
        let path = AnswerFixture.root + "/Samples/02-missing-session-and-screenshot.eml"
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let message = MIMEParser().parse(Array(bytes))
        let content = MessageContent(message)
        let report = IncidentExtractor().extract(message, content: content)
        #expect(report.missing == [.sessionID, .screenshots])
        var request = AnswerFixture.request(
            .informationRequest, subject: content.envelope.subject, missing: report.missing)
        request.recipient = try #require(report.reporter)
        request.inReplyTo = content.envelope.messageID
        request.references = content.envelope.references

        for kind in AnswerKind.templated {
            request.kind = kind
            request.text = kind.isWrittenByStaff ? "We restarted the proctoring session." : nil
            let parsed = try compose(request)
            let answerText = parsed.body + "\n" + String(decoding: parsed.raw, as: UTF8.self)
            let reporterLines = (content.text ?? "").split(separator: "\n")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.count >= 16 }
            #expect(reporterLines.count > 3)
            for line in reporterLines { #expect(!answerText.contains(line), "\(kind): \(line)") }
            for value in report.values.values where value.count >= 8 {
                #expect(!answerText.contains(value), "\(kind): \(value)")
            }
            #expect(!answerText.contains("Daniel"), "the reporter's display name is not echoed either")
        }
    }
}
