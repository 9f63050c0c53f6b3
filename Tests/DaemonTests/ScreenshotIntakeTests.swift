import Foundation
import Helpdesk
import HelpdeskTesting
import Incident
import Testing
import TicketStore

/// OCR before the answer (`IntakePipeline.analyse`), with an in-memory reader: an email that says only "see
/// screenshot" opens complete when the screenshot shows what was missing, and the acknowledgement says what was
/// read from it; complete emails never wait for OCR; a failed read costs only what it would have supplied.
@Suite struct ScreenshotIntakeTests {
    /// A 1280 × 800 PNG (its header is what counts as a screenshot; the in-memory reader never decodes it).
    static let png =
        "iVBORw0KGgoAAAANSUhEUgAABQAAAAMgCAIAAADz+lisAAAAC0lEQVR4nGNggAEAAAoAAX+AdF4AAAAASUVORK5CYII="

    static func email(_ body: String) -> [UInt8] {
        Array(
            """
            From: Anna Berg <anna@uni.example.edu>
            To: helpdesk@example.com
            Subject: Exam stopped
            Date: Mon, 11 Nov 2024 10:58:00 +0100
            Message-ID: <shot-\(body.count)@uni.example.edu>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain; charset=utf-8

            \(body)
            --b
            Content-Type: image/png; name=screen.png
            Content-Disposition: attachment; filename=screen.png
            Content-Transfer-Encoding: base64

            \(png)
            --b--

            """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    static func line(_ text: String) -> RecognisedText.Line {
        RecognisedText.Line(words: text.split(separator: " ").map { RecognisedText.Word(String($0), confidence: 96) })
    }

    /// What the screenshot shows: the address bar, the error page's IDs, the tray clock.
    static let screen = RecognisedText(
        width: 1280, height: 800,
        regions: [
            .init(kind: .addressBar, lines: [line("https://proctor.example.edu/exam/room?sid=9b2e41c7")]),
            .init(
                kind: .page,
                lines: [
                    line("https://proctor.example.edu/exam/room?sid=9b2e41c7"), line("Session ID: 9b2e41c7"),
                    line("Student ID: s298114"),
                ]),
            .init(kind: .clock, lines: [line("10:52"), line("11.11.2024")]),
        ])

    @Test func aScreenshotThatShowsWhatWasMissingOpensTheTicketComplete() async throws {
        let reader = MemoryScreenshotReader(.text(Self.screen, seconds: 0.3))
        let rig = try DaemonRig(screenshotReader: reader)
        rig.imap.deliver(
            Self.email(
                "When I started the exam the proctoring page showed a connection error and my camera stream stopped,"
                    + " so I could not continue with my exam. The error is in the screenshot."))
        try await rig.runOnce()

        #expect(reader.count == 1)
        #expect(try rig.tickets().map(\.status) == [.open])
        let answer = try #require(rig.smtp.delivered.first)
        let text = String(decoding: answer.raw, as: UTF8.self)
        #expect(text.contains("the session ID (from your screenshot): 9b2e41c7"))
        #expect(text.contains("the proctoring server (from your screenshot): proctor.example.edu"))
    }

    @Test func aCompleteEmailNeverWaitsForOCR() async throws {
        let reader = MemoryScreenshotReader(.text(Self.screen, seconds: 0.3))
        let rig = try DaemonRig(screenshotReader: reader)
        rig.imap.deliver(
            Self.email(
                """
                The exam page froze in the middle of my exam, I could not continue.
                Server: proctor.example.edu
                Session ID: 77aa88bb
                Student ID: s111222
                Time: 11 Nov 2024 10:50
                """))
        try await rig.runOnce()
        #expect(reader.count == 0)
        #expect(try rig.tickets().map(\.status) == [.open])
    }

    @Test func aFailedReadAsksForWhatIsStillMissing() async throws {
        let reader = MemoryScreenshotReader(.failed(OCRFailure(.timeout, "no answer within 5.0 s")))
        let rig = try DaemonRig(screenshotReader: reader)
        rig.imap.deliver(
            Self.email("The exam page froze in the middle of my exam, I could not continue. See screenshot."))
        try await rig.runOnce()

        #expect(reader.count == 1)
        #expect(try rig.tickets().map(\.status) == [.suspended])
        let text = String(decoding: try #require(rig.smtp.delivered.first).raw, as: UTF8.self)
        #expect(!text.contains("from your screenshot"))
        #expect(text.contains("session"))
    }
}
