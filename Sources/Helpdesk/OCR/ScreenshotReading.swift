public import Incident
public import MIME

/// Reads an email's screenshots and fills the fields its text lacks (`IncidentExtractor.filling`): what the
/// daemon does before it answers an incomplete report, and what `helpdeskd extract --ocr` shows.
///
/// At most `settings.maxImages` screenshots are read, first attached first, one after another, all within one
/// time budget: an image that fails or runs out of time costs that image only; images not reached are skipped.
public struct ScreenshotReading: Sendable {
    public var reader: any ScreenshotReader
    public var settings: HelpdeskConfiguration.OCR

    public init(reader: any ScreenshotReader, settings: HelpdeskConfiguration.OCR) {
        self.reader = reader
        self.settings = settings
    }

    /// The fields OCR can supply.
    public static let readableFields: Set<IncidentField> = [.server, .sessionID, .userID, .detectedAt]

    /// Whether reading `report`'s screenshots may complete it: it has screenshots and lacks a field they can show.
    public static func isWorthReading(_ report: IncidentReport) -> Bool {
        !report.screenshots.isEmpty && report.missing.contains(where: readableFields.contains)
    }

    /// What was read, image by image, and the report filled from it.
    public struct Outcome: Sendable {
        public var report: IncidentReport
        /// Each screenshot read (or tried), in order, with what came of it.
        public var images: [(screenshot: Screenshot, outcome: OCROutcome)]
        /// Fields the screenshots supplied.
        public var filled: [IncidentField] {
            [IncidentField.server, .sessionID, .userID, .detectedAt].filter { report.sources[$0]?.kind == .screenshot }
        }
    }

    /// Reads `report`'s screenshots (from `content`'s attachments) within `budget` seconds.
    public func fill(
        _ report: IncidentReport, content: MessageContent, extractor: IncidentExtractor, budget: Double
    ) -> Outcome {
        let start = ContinuousClock.now
        var images: [(screenshot: Screenshot, outcome: OCROutcome)] = []
        for screenshot in report.screenshots.prefix(settings.maxImages) {
            let spent = start.duration(to: .now)
            let left = budget - Double(spent.components.seconds) - Double(spent.components.attoseconds) / 1e18
            guard left > 0.05 else { break }
            guard let attachment = content.attachments.first(where: { $0.part == screenshot.part }) else { continue }
            images.append((screenshot, reader.read(attachment.bytes, within: left)))
        }
        let texts = images.compactMap { image in
            image.outcome.text.map { IncidentExtractor.ScreenshotText(screenshot: image.screenshot, text: $0) }
        }
        let filled = extractor.filling(
            report, from: texts, reference: content.envelope.date, minimumConfidence: settings.minimumConfidence)
        return Outcome(report: filled, images: images)
    }
}
