public import Incident

/// Reads a screenshot the way its information is laid out, so the targeted crops pay for themselves:
///
/// 1. the top strip (tabs, the browser's address bar, a macOS menu bar), enlarged 2× — URL hosts are OCR's weak
///    spot at screen size;
/// 2. the whole image at its own size, then again, enlarged 2× and 3×, each line that holds a digit or a colon
///    (where values stand) — small fonts are read right only enlarged, and a value the readings disagree on is
///    not taken;
/// 3. the task-bar corners (bottom right, and top right for a menu bar), enlarged 3×: a tray clock's two small
///    lines (time over date) are lost at screen size.
///
/// Dark regions are inverted first (Tesseract reads dark text on a light ground). Not thread-safe: one per process.
public final class ScreenshotRecogniser {
    /// How much an image may ask for before it is decoded.
    public struct Limits: Sendable {
        /// Most pixels (width × height) decoded: 40 million (an 8K screen is 33 million).
        public var maxPixels = 40_000_000
        /// Longest side decoded.
        public var maxSide = 16_384

        public init() {}
    }

    private let engine: TesseractEngine
    private let limits: Limits
    /// Lines re-read enlarged, at most: bounds the time a page full of numbers costs.
    static let maxRereadLines = 16

    /// `languages` as Tesseract writes them ("eng+rus"). Throws when Tesseract or a language is missing.
    public init(languages: String, limits: Limits = Limits()) throws {
        engine = try TesseractEngine(languages: languages)
        self.limits = limits
    }

    /// Why an image was not read, for the log and the worker's exit reason.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// What the screenshot in `bytes` shows.
    public func recognise(_ bytes: [UInt8]) -> Result<RecognisedText, Refusal> {
        let image: GreyImage
        switch GreyImage.decode(bytes, maxPixels: limits.maxPixels, maxSide: limits.maxSide) {
        case .success(let decoded): image = decoded
        case .failure(let refusal): return .failure(Refusal(description: refusal.description))
        }
        var regions: [RecognisedText.Region] = []
        let width = image.width
        let height = image.height

        // 1. The address bar.
        let strip = min(height, max(60, height / 9))
        if let top = image.cropped(x: 0, y: 0, width: width, height: strip)?.lightGround().scaled(by: 2) {
            regions.append(.init(kind: .addressBar, lines: engine.read(top, layout: .sparse, scale: 2).map(\.line)))
        }

        // 2. The page, then its value lines enlarged.
        let page = image.lightGround()
        var lines = engine.read(page, layout: .page)
        let candidates = lines.indices.filter { index in
            lines[index].line.text.contains(where: { $0.isNumber || $0 == ":" })
        }
        for index in candidates.prefix(Self.maxRereadLines) {
            let line = lines[index]
            let margin = max(4, (line.bottom - line.top) / 3)
            guard
                let crop = page.cropped(
                    x: max(0, line.left - margin), y: max(0, line.top - margin),
                    width: line.right - line.left + 2 * margin, height: line.bottom - line.top + 2 * margin)
            else { continue }
            // Read again at 2× and 3×: the 2× reading is the line (small fonts are read right only enlarged), the
            // others say whether its values hold (`ScreenshotFields` takes a value two readings agree on).
            var readings = [line.line]
            for factor in [2, 3] {
                guard let enlarged = crop.scaled(by: factor) else { continue }
                let reread = engine.read(enlarged, layout: .line, scale: factor)
                if reread.count == 1, let again = reread.first?.line { readings.append(again) }
            }
            let chosen = readings.count > 1 ? 1 : 0
            var result = readings[chosen]
            result.readings = readings.indices.filter { $0 != chosen }.map { readings[$0].text }
            lines[index].line = result
        }
        regions.append(.init(kind: .page, lines: lines.map(\.line)))

        // 3. The clocks.
        let cornerWidth = min(width, max(160, width / 5))
        let bar = min(height, max(40, height / 18))
        for (y, h) in [(height - bar, bar), (0, min(height, max(28, height / 36)))] {
            guard
                let corner = image.cropped(x: width - cornerWidth, y: y, width: cornerWidth, height: h)?
                    .lightGround().scaled(by: 3)
            else { continue }
            regions.append(.init(kind: .clock, lines: engine.read(corner, layout: .sparse, scale: 3).map(\.line)))
        }
        return .success(RecognisedText(width: width, height: height, regions: regions))
    }
}
