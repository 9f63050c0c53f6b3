/// What OCR read in one screenshot: the words of each region it looked at, each with Tesseract's confidence.
///
/// The OCR worker (`helpdeskd ocr-worker`) produces it and sends it to the daemon as JSON; `ScreenshotFields` reads
/// incident fields from it. Regions are read apart because each says something different: the browser's address
/// bar holds the server (and sometimes the session), the page holds labelled values, the clock holds the time.
public struct RecognisedText: Sendable, Codable, Equatable {
    /// Where on the screen a region is.
    public enum RegionKind: String, Sendable, Codable {
        /// The strip at the top: tabs, the browser's address bar, a macOS menu-bar clock.
        case addressBar = "address_bar"
        /// The whole image.
        case page
        /// The task-bar and menu-bar corners, read enlarged: a clock, often a date under it.
        case clock
    }

    /// One recognised word and Tesseract's confidence in it (0–100), and in each of its characters when known: a
    /// URL is one word, and a misread path must not cost the host its confidence.
    public struct Word: Sendable, Codable, Equatable {
        public var text: String
        public var confidence: Double
        /// One confidence per character of `text`, or nil.
        public var symbols: [Double]?

        public init(_ text: String, confidence: Double, symbols: [Double]? = nil) {
            self.text = text
            self.confidence = confidence
            self.symbols = symbols.flatMap { $0.count == text.count ? $0 : nil }
        }

        /// The lowest confidence of the characters in `range` (offsets in characters); the word's own when the
        /// characters' are not known.
        public func confidence(ofCharacters range: Range<Int>) -> Double {
            guard let symbols, range.upperBound <= symbols.count, !range.isEmpty else { return confidence }
            return symbols[range].min() ?? confidence
        }
    }

    /// A line of words, in reading order, and its text as read again at other scales (value lines only): a value
    /// is only as good as the readings that agree on it.
    public struct Line: Sendable, Codable, Equatable {
        public var words: [Word]
        /// The line's other readings (the same pixels at another scale), or nil when it was read once.
        public var readings: [String]?

        public init(words: [Word], readings: [String]? = nil) {
            self.words = words
            self.readings = readings
        }

        public var text: String { words.map(\.text).joined(separator: " ") }
    }

    public struct Region: Sendable, Codable, Equatable {
        public var kind: RegionKind
        public var lines: [Line]

        public init(kind: RegionKind, lines: [Line]) {
            self.kind = kind
            self.lines = lines
        }
    }

    /// The image's size in pixels.
    public var width: Int
    public var height: Int
    public var regions: [Region]

    public init(width: Int, height: Int, regions: [Region]) {
        self.width = width
        self.height = height
        self.regions = regions
    }

    /// The text of every region, region by region, one line per line.
    public var text: String {
        regions.map { region in region.lines.map(\.text).joined(separator: "\n") }.filter { !$0.isEmpty }
            .joined(separator: "\n\n")
    }

    /// Lines of one kind of region.
    public func lines(in kind: RegionKind) -> [Line] {
        regions.filter { $0.kind == kind }.flatMap(\.lines)
    }
}
