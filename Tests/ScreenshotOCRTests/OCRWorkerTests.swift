import Foundation
import Helpdesk
import Incident
import MIME
import Testing

/// `helpdeskd ocr-worker` as the daemon runs it (`OCRWorkerReader`: the built binary, real Tesseract): a screenshot
/// is read, and hostile images cost their limit and nothing else.
@Suite(.serialized) struct OCRWorkerTests {
    static let executable = URL(
        fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/"
    )
    .deletingLastPathComponent().appendingPathComponent("helpdeskd").path
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Images")

    static func image(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: images.appendingPathComponent(name)))
    }

    func reader(_ configure: (inout HelpdeskConfiguration.OCR) -> Void = { _ in }) throws -> OCRWorkerReader {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable), "swift build --build-tests first")
        var settings = HelpdeskConfiguration.OCR()
        configure(&settings)
        return OCRWorkerReader(settings: settings, executable: Self.executable)
    }

    /// A German error page rendered by Chromium (Tests/OCR/screenshots.py, seed 21, case 006): the worker's text
    /// gives the server from the address bar and the labelled IDs, exactly.
    @Test func aRenderedScreenshotGivesItsFields() throws {
        let outcome = try reader().read(try Self.image("exam-error-de.png"), within: 60)
        let text = try #require(outcome.text, "\(outcome)")
        #expect(text.width == 1280 && text.height == 800)
        // Tue, 10 Mar 2026 19:32:18 +0100, the email's Date.
        let reference = MessageDate(secondsSince1970: 1_773_167_538, utcOffsetSeconds: 3600)
        let found = Dictionary(
            ScreenshotFields().read(text, reference: reference).map { ($0.field, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(found[.server]?.value == "examen.hse.ru")
        #expect(found[.sessionID]?.value == "ababeed579b")
        #expect(found[.userID]?.value == "7524173")
        // 18:57:18 at +0100.
        #expect(found[.detectedAt]?.seconds == 1_773_165_438)
    }

    @Test func aHeaderDeclaring30000By30000PixelsIsRefusedBeforeDecoding() throws {
        let outcome = try reader().read(try Self.image("huge-header.png"), within: 60)
        guard case .failed(let failure) = outcome else {
            Issue.record("read: \(outcome)")
            return
        }
        #expect(failure.code == .refused)
        #expect(failure.reason.contains("30000×30000"))
    }

    @Test func aDecompressionBombFailsAtTheMemoryLimit() throws {
        // 6,000 × 6,000 RGB in 105 KB: within the pixel limit, beyond 128 MiB of address space once decoded.
        let outcome = try reader { $0.memoryMiB = 128 }.read(try Self.image("bomb.png"), within: 60)
        guard case .failed(let failure) = outcome else {
            Issue.record("read: \(outcome)")
            return
        }
        #expect(failure.code == .refused || failure.code == .crashed, "\(failure)")
    }

    @Test func aTruncatedImageIsRefused() throws {
        let bytes = try Self.image("exam-error-de.png")
        let outcome = try reader().read(Array(bytes.prefix(bytes.count / 3)), within: 60)
        guard case .failed(let failure) = outcome else {
            Issue.record("read: \(outcome)")
            return
        }
        #expect(failure.code == .refused || failure.code == .crashed, "\(failure)")
    }

    @Test func bytesThatAreNoImageAreRefused() throws {
        let outcome = try reader().read(Array("GIF89a but not really".utf8), within: 60)
        #expect(
            outcome == .failed(OCRFailure(.refused, "not an image this reader knows (PNG, JPEG, GIF, TIFF, BMP, WebP)"))
        )
    }

    @Test func aWorkerPastItsTimeIsKilledAndTheNextImageIsRead() throws {
        let reader = try reader()
        let slow = reader.read(try Self.image("exam-error-de.png"), within: 0.1)
        #expect(slow == .failed(OCRFailure(.timeout, "no answer within 0.1 s; the worker was killed")))
        #expect(reader.read(try Self.image("exam-error-de.png"), within: 60).text != nil)
    }

    @Test func aMissingLanguageMakesOCRUnavailable() throws {
        let outcome = try reader { $0.languages = "xyz" }.read(try Self.image("exam-error-de.png"), within: 60)
        guard case .failed(let failure) = outcome else {
            Issue.record("read: \(outcome)")
            return
        }
        #expect(failure.code == .unavailable, "\(failure)")
    }
}
