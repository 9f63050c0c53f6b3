import ArgumentParser
import Foundation
import Helpdesk
import Incident
import MIME
import ScreenshotOCR

/// `helpdeskd ocr IMAGE`: the text OCR reads in a screenshot, region by region (for admins and tests).
struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Print the text OCR reads in an image (as the daemon reads screenshots: a worker process).",
        discussion: """
            Regions are read apart: the browser's address bar (top strip, enlarged), the page, and the clock \
            corners (enlarged). With --fields, also the incident fields the text gives, and how they were read.
            """
    )

    @Argument(help: "A PNG or JPEG file.")
    var image: String

    @Option(help: "Read with this configuration's [ocr] settings and profile; default: built-in.")
    var config: String?

    @Option(help: "Tesseract languages, e.g. eng+rus (default: the configuration's, else eng).")
    var languages: String?

    @Flag(help: "Print the recognised text as JSON, each word with its confidence.")
    var json = false

    @Flag(help: "Also print the fields the text gives (server, session_id, user_id, detected_at).")
    var fields = false

    func run() throws {
        let configuration =
            try config.map { try StoreOptions.parse(["--config", $0]).configuration() } ?? HelpdeskConfiguration()
        var settings = configuration.ocr
        if let languages { settings.languages = languages }
        let bytes = try InputFiles.read(image)
        switch OCRWorkerReader(settings: settings).read(bytes, within: settings.wallSeconds) {
        case .failed(let failure):
            throw ValidationError("\(image): \(failure)")
        case .text(let text, let seconds):
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(text), as: UTF8.self))
            } else {
                for region in text.regions where !region.lines.isEmpty {
                    print("# \(region.kind.rawValue)")
                    for line in region.lines { print(line.text) }
                }
            }
            if fields {
                let reader = ScreenshotFields(
                    profile: configuration.extractionProfile(), minimumConfidence: settings.minimumConfidence)
                let now = MessageDate(secondsSince1970: Int64(Date().timeIntervalSince1970), utcOffsetSeconds: nil)
                print("# fields")
                for finding in reader.read(text, reference: now) {
                    print(
                        "\(finding.field.key): \(finding.value) (\(finding.rule), confidence \(Int(finding.confidence)))"
                    )
                }
            }
            FileHandle.standardError.write(Data(String(format: "%.2f s\n", seconds).utf8))
        }
    }
}

/// `helpdeskd ocr-worker`: one image on standard input, its text as JSON on standard output, under limits it sets
/// on itself (`ScreenshotOCR/OCRWorker.swift`). Started by the daemon, `extract --ocr` and `ocr`; not for people.
struct OCRWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr-worker", abstract: "Read one image from standard input (started by helpdeskd itself).",
        shouldDisplay: false)

    @Option var languages = "eng"
    @Option(name: .customLong("cpu-seconds")) var cpuSeconds = 5
    @Option(name: .customLong("memory-mb")) var memoryMiB = 300

    func run() throws {
        let status = OCRWorker.run(
            languages: languages, limits: OCRWorker.Limits(cpuSeconds: cpuSeconds, memoryMiB: memoryMiB))
        throw ExitCode(status)
    }
}
