import ArgumentParser
import Helpdesk
import Incident
import MIME

/// `helpdeskd extract`: what helpdeskd reads from an email as an incident report (offline).
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Extract the incident report from an email and print it as JSON (no database, no network).",
        discussion: """
            Shows the fields found, which required fields are missing, and the triage (automated mail,
            category, severity, ticket reference). Exit status is 0 for any email that can be read.
            """
    )

    @Argument(help: "An .eml file, or - for standard input; with --stats, files and directories.")
    var inputs: [String]

    @Flag(help: "Indent the JSON.")
    var pretty = false

    @Flag(
        help:
            "Add \"sources\": for each value, where it came from (label, table, prose, URL, shape, file name, EXIF), the label or cue, the line, and whether it is sure or probable."
    )
    var explain = false

    @Option(help: "Read with this configuration's profile (labels, required fields, own domain); default: built-in.")
    var config: String?

    @Flag(
        help:
            "Read the screenshots with OCR (a worker process per image): each gets its \"text\", and fields the typed text lacks are filled from them (\"screenshot_values\")."
    )
    var ocr = false

    @Flag(help: "Measure: extract every file given and print one JSON line (time beyond parsing).")
    var stats = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("Give a file, a directory (with --stats) or -.") }
        if !stats, inputs.count != 1 { throw ValidationError("extract takes one file (or --stats for many).") }
    }

    func run() throws {
        if stats {
            print(ExtractionBenchmark.run(try InputFiles.load(inputs)).serialized())
            return
        }
        let bytes = try InputFiles.read(inputs[0])
        let message = MIMEParser().parse(bytes)
        let content = MessageContent(message)
        let configuration =
            try config.map { path in
                try StoreOptions.parse(["--config", path]).configuration()
            } ?? HelpdeskConfiguration()
        let extractor = IncidentExtractor(profile: configuration.extractionProfile())
        var report = extractor.extract(message, content: content)
        var images: [(screenshot: Screenshot, outcome: OCROutcome)]? = nil
        if ocr {
            let settings = configuration.ocr
            let reading = ScreenshotReading(reader: OCRWorkerReader(settings: settings), settings: settings)
            let outcome = reading.fill(
                report, content: content, extractor: extractor,
                budget: settings.wallSeconds * Double(settings.maxImages))
            report = outcome.report
            images = outcome.images
        }
        print(
            ExtractReport.json(for: report, profile: extractor.profile, explain: explain, ocr: images)
                .serialized(pretty: pretty))
    }
}
