import MIME
import Testing

@testable import Incident

/// Fields read from OCR text (`ScreenshotFields`, `IncidentExtractor.filling`): what a screenshot's regions give,
/// and what they must not (precision first).
@Suite struct ScreenshotFieldsTests {
    /// Sat, 05 Dec 2026 14:40:00 +0100.
    static let reference = MessageDate(secondsSince1970: 1_796_478_000, utcOffsetSeconds: 3600)

    /// A line of words, each read with `confidence`.
    static func line(_ text: String, confidence: Double = 95) -> RecognisedText.Line {
        RecognisedText.Line(
            words: text.split(separator: " ").map { RecognisedText.Word(String($0), confidence: confidence) })
    }

    static func text(
        bar: [RecognisedText.Line] = [], page: [RecognisedText.Line] = [], clock: [RecognisedText.Line] = []
    ) -> RecognisedText {
        RecognisedText(
            width: 1920, height: 1080,
            regions: [
                // The page reading covers the whole screen, the address bar included.
                .init(kind: .addressBar, lines: bar), .init(kind: .page, lines: bar + page),
                .init(kind: .clock, lines: clock),
            ])
    }

    func read(_ text: RecognisedText) -> [IncidentField: ScreenshotFields.Finding] {
        Dictionary(
            ScreenshotFields().read(text, reference: Self.reference).map { ($0.field, $0) },
            uniquingKeysWith: { first, _ in first })
    }

    @Test func theAddressBarGivesTheServerAndTheSessionInItsURL() {
        let found = read(
            Self.text(bar: [
                Self.line("Die Prüfungssitzung konn"),
                Self.line("[|] https://exam.tu-berlin.de/Iti/launch?sid=ba7c3a75-8d50-0f76-293d-c20674002b8e"),
            ]))
        #expect(found[.server]?.value == "exam.tu-berlin.de")
        #expect(found[.sessionID]?.value == "ba7c3a75-8d50-0f76-293d-c20674002b8e")
        #expect(found[.server]?.rule == "address bar")
    }

    /// The strip read at 2× and the page read at 1× must show the same host: "lms" in one, "1ms" in the other.
    @Test func anAddressBarValueThePageDoesNotShowIsNotTaken() {
        let text = RecognisedText(
            width: 1920, height: 1080,
            regions: [
                .init(kind: .addressBar, lines: [Self.line("https://lms.polimi.it/quiz?sid=4411aa22")]),
                .init(kind: .page, lines: [Self.line("https://1ms.polimi.it/quiz?sid=4411aa2Z")]),
            ])
        #expect(read(text).isEmpty)
    }

    @Test func anAddressWhoseSchemeLostASlashIsNotRead() {
        // "https://proctor.ucl…" read as "https:/fproctorucl…": the slash became a letter of the host.
        #expect(read(Self.text(bar: [Self.line("https:/fproctorucl.ac.uk/attempt/view:php?%id= 1077")])).isEmpty)
    }

    @Test func labelledValuesOnThePageInTheLexiconsLanguages() {
        let found = read(
            Self.text(page: [
                Self.line("Bitte wenden Sie sich an den Support."), Self.line("Sitzungs-ID: S-2026-294919"),
                Self.line("Matrikelnummer: 3318842"), Self.line("Zeitpunkt: 2026-12-05 14:32:11"),
            ]))
        #expect(found[.sessionID]?.value == "S-2026-294919")
        #expect(found[.userID]?.value == "3318842")
        // 14:32:11 at +0100 (the email's zone).
        #expect(found[.detectedAt]?.seconds == 1_796_477_531)
    }

    @Test func labelsReadWithoutTheirAccentsStillCount() {
        let found = read(Self.text(page: [Self.line("Identificador de sesion: 61c09d5d9e16")]))
        #expect(found[.sessionID]?.value == "61c09d5d9e16")
    }

    @Test func aTrayClockWithItsDateGivesTheTime() {
        let found = read(Self.text(clock: [Self.line("DE"), Self.line("14:32"), Self.line("05.12.2026")]))
        #expect(found[.detectedAt]?.seconds == 1_796_477_520)
        #expect(found[.detectedAt]?.region == .clock)
    }

    @Test func aLabelledTimeOnThePageWinsOverTheClock() {
        let found = read(
            Self.text(
                page: [Self.line("Time: 2026-12-05 14:30:00")], clock: [Self.line("14:32"), Self.line("05.12.2026")]))
        #expect(found[.detectedAt]?.seconds == 1_796_477_400)
    }

    @Test func aTimeAfterTheEmailOrDaysBeforeItIsRefused() {
        #expect(read(Self.text(clock: [Self.line("15:32"), Self.line("05.12.2026")]))[.detectedAt] == nil)
        #expect(read(Self.text(clock: [Self.line("14:32"), Self.line("01.12.2026")]))[.detectedAt] == nil)
    }

    @Test func valuesReadWithLowConfidenceAreNotTaken() {
        let found = read(
            Self.text(
                bar: [Self.line("https://exam.tu-berlin.de/lti", confidence: 60)],
                page: [Self.line("Session ID: 9b2e41", confidence: 55)]))
        #expect(found.isEmpty)
    }

    @Test func aGarbledUUIDIsRefusedNotGuessed() {
        // OCR lost a digit of the third group: no session rather than a wrong one.
        #expect(
            read(Self.text(page: [Self.line("Sitzungsnummer: ba7c3a75-8450-076-293d-c20674002b8e")]))[.sessionID] == nil
        )
    }

    @Test func aValueOCRSplitInTwoIsNotTaken() {
        let found = read(
            Self.text(page: [
                Self.line("Exam session: 354ec9da-b31b-a825 -b34f -b8e03402161c"), Self.line("Benutzer ID: pet rovel"),
            ]))
        #expect(found.isEmpty)
    }

    @Test func doubtfulLookAlikesAreRefused() {
        let found = read(
            Self.text(page: [
                Self.line("Sitzungs-ID: aQe73ed5c097"), Self.line("Student ID: 6d868794cl6a"),
                Self.line("Candidate ID: ivanova/72"),
            ]))
        #expect(found.isEmpty)
    }

    @Test func anIDTwoReadingsAgreeOnIsTakenOneReadingAloneIsNot() {
        var agreed = Self.line("Identificador de sesion: sess ay4fkzjkmwu2")
        agreed.readings = ["Identificador de sesién: sess_ay4fkzjkmwu2", "Identificador de sesion: sess_ay4fkzjkmwu2"]
        #expect(read(Self.text(page: [agreed]))[.sessionID]?.value == "sess_ay4fkzjkmwu2")
        var alone = Self.line("Student ID: muellerd3")
        alone.readings = ["Student ID: mueller03", "Student ID: muel1er03"]
        #expect(read(Self.text(page: [alone]))[.userID] == nil)
    }

    @Test func aLabelMisreadByOneLetterAndAnUnderscoreSetApartAreRepaired() {
        var line = Self.line("Identificador de sesién: sess _dkgrn7anfev4")
        line.readings = ["Identificador de sesi6n: sess_dkgrn7anfev4", "Identificador de sesion: sess dkgrn7anfev4"]
        #expect(read(Self.text(page: [line]))[.sessionID]?.value == "sess_dkgrn7anfev4")
    }

    @Test func lookAlikesInsideNumbersAreFolded() {
        let found = read(
            Self.text(page: [
                Self.line("Student ID: s29811O"), Self.line("Session ID: 7a1c0b2e-4f3d-4O1a-9c2b-1d2e3f4a5b6c"),
            ]))
        #expect(found[.userID]?.value == "s298110")
        #expect(found[.sessionID]?.value == "7a1c0b2e-4f3d-401a-9c2b-1d2e3f4a5b6c")
    }

    @Test func anUpperCaseIInAHostIsAnL() {
        // Browsers show hosts in lower case, and in their fonts "I" and "l" are one stroke: "Ims" is "lms".
        #expect(read(Self.text(bar: [Self.line("https://Ims.polimi.it/quiz")]))[.server]?.value == "lms.polimi.it")
        // Any other capital is no letter of a host.
        #expect(read(Self.text(bar: [Self.line("https://lms.poIimi.Lt/quiz")]))[.server] == nil)
    }

    @Test func theTopOfThePageStandsInForAnAddressBarReadWithoutItsScheme() {
        let text = RecognisedText(
            width: 1920, height: 1080,
            regions: [
                .init(kind: .addressBar, lines: [Self.line("()https:/testing.unibo.it/quiz/start?sid=S-2026-294919")]),
                .init(kind: .page, lines: [Self.line("-7U {| https://testing.unibo.it/quiz/start?sid=S-2026-294919")]),
            ])
        let found = read(text)
        #expect(found[.server]?.value == "testing.unibo.it")
        #expect(found[.sessionID]?.value == "S-2026-294919")
    }

    @Test func urlsOnThePageAreNotTheServer() {
        #expect(read(Self.text(page: [Self.line("Visit https://status.example.com for updates")]))[.server] == nil)
    }

    @Test func aSessionThatDiffersBetweenTheAddressBarAndThePageIsNotTaken() {
        let found = read(
            Self.text(
                bar: [Self.line("https://proctor.example.edu/exam?sid=4411aa22")],
                page: [Self.line("Session ID: 4411aa23")]))
        #expect(found[.sessionID] == nil)
        #expect(found[.server]?.value == "proctor.example.edu")
    }

    @Test func textWithoutLabelsOrURLsGivesNothing() {
        let found = read(
            Self.text(
                bar: [Self.line("ACME")], page: [Self.line("since 1931"), Self.line("Northwind 2291847")],
                clock: [Self.line("Globex")]))
        #expect(found.isEmpty)
    }

    @Test func typedValuesWinAndScreenshotValuesAreMarked() {
        let raw = """
            From: Anna <anna@uni.example.edu>
            To: helpdesk@example.com
            Subject: Exam problem
            Date: Sat, 05 Dec 2026 14:40:00 +0100
            Content-Type: text/plain

            The exam page froze, see screenshot. Session ID: 55aa66bb

            """
        let message = MIMEParser().parse(Array(raw.utf8))
        let extractor = IncidentExtractor()
        var report = extractor.extract(message, content: MessageContent(message))
        report.screenshots = [
            Screenshot(part: 2, filename: "shot.png", contentType: "image/png", width: 1920, height: 1080, sha256: "")
        ]
        let text = Self.text(
            bar: [Self.line("https://proctor.example.edu/exam")], page: [Self.line("Session ID: 99cc00dd")])
        let filled = extractor.filling(
            report, from: [.init(screenshot: report.screenshots[0], text: text)], reference: Self.reference)
        #expect(filled.values[.sessionID] == "55aa66bb")
        #expect(filled.values[.server] == "proctor.example.edu")
        #expect(filled.sources[.server]?.kind == .screenshot)
        #expect(filled.sources[.server]?.isSure == false)
        #expect(filled.sources[.server]?.detail == "shot.png, address bar")
        #expect(!filled.missing.contains(.server))
    }
}
