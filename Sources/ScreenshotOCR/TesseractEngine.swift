import CTesseract
import Incident

/// Tesseract through its C API: one engine per process, loaded once with the configured languages, reading one
/// image region at a time into lines of words with their confidences. Not thread-safe; the OCR worker is a
/// single-threaded process (`OMP_THREAD_LIMIT=1` is set by whoever starts it: Debian's build uses OpenMP, which on
/// a small server is several times slower than one thread).
final class TesseractEngine {
    private let handle: OpaquePointer

    /// Why the engine cannot start.
    struct StartFailure: Error, CustomStringConvertible {
        var languages: String
        var description: String {
            "Tesseract could not load the languages \(languages) (install tesseract-ocr-<lang> for each, or fix [ocr] languages)"
        }
    }

    /// `languages` as Tesseract writes them ("eng+rus"); `dataPath` nil for the installed traineddata.
    init(languages: String, dataPath: String? = nil) throws {
        guard let api = TessBaseAPICreate() else { throw StartFailure(languages: languages) }
        // Warnings ("Estimating resolution…") go nowhere: the worker's stderr carries only its own reason.
        _ = TessBaseAPISetVariable(api, "debug_file", "/dev/null")
        guard TessBaseAPIInit3(api, dataPath, languages) == 0 else {
            TessBaseAPIDelete(api)
            throw StartFailure(languages: languages)
        }
        handle = api
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// How to find text in a region.
    enum Layout {
        /// A page of blocks, columns and lines.
        case page
        /// Scattered text (a strip of tabs and an address bar; a clock in a task bar).
        case sparse
        /// One line.
        case line

        var mode: TessPageSegMode {
            switch self {
            case .page: return PSM_AUTO
            case .sparse: return PSM_SPARSE_TEXT
            case .line: return PSM_SINGLE_LINE
            }
        }
    }

    /// A line as read, with where it lies in `image` (for a second, enlarged reading).
    struct ReadLine {
        var line: RecognisedText.Line
        var left: Int, top: Int, right: Int, bottom: Int
    }

    static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    /// "5169734" whose "5" is as short as a lower-case letter is "s169734": in small fonts Tesseract reads a login's
    /// leading "s" as a digit among digits, and only the glyph's height tells them apart (a digit is as tall as a
    /// capital, an "s" is x-height).
    static func withShortFive(_ text: String, boxes: [(top: Int, bottom: Int)]) -> String {
        guard text.first == "5", boxes.count == text.count, text.count >= 4,
            text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
        else { return text }
        let tops = boxes.dropFirst().map(\.top).sorted()
        let heights = boxes.dropFirst().map { $0.bottom - $0.top }.sorted()
        let top = tops[tops.count / 2]
        let height = heights[heights.count / 2]
        guard height > 0, Double(boxes[0].top - top) > 0.15 * Double(height) else { return text }
        return "s" + text.dropFirst()
    }

    /// The lines in `image`, top to bottom. `scale` is how much the image was enlarged from the screen (for the
    /// resolution Tesseract assumes).
    func read(_ image: GreyImage, layout: Layout, scale: Int = 1) -> [ReadLine] {
        TessBaseAPISetPageSegMode(handle, layout.mode)
        TessBaseAPISetImage2(handle, image.pix)
        TessBaseAPISetSourceResolution(handle, Int32(96 * scale))
        defer { TessBaseAPIClear(handle) }
        guard TessBaseAPIRecognize(handle, nil) == 0, let iterator = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        var lines: [ReadLine] = []
        var current: ReadLine? = nil
        let page = TessResultIteratorGetPageIteratorConst(iterator)
        // Symbol by symbol: each character's confidence and box; the word's text and confidence at its first one.
        var word: (text: String, confidence: Double, symbols: [Double], boxes: [(top: Int, bottom: Int)])? = nil
        func endWord() {
            if let done = word, !done.text.isEmpty {
                current?.line.words.append(
                    RecognisedText.Word(
                        Self.withShortFive(done.text, boxes: done.boxes), confidence: Self.rounded(done.confidence),
                        symbols: done.symbols.map(Self.rounded)))
            }
            word = nil
        }
        repeat {
            if TessPageIteratorIsAtBeginningOf(page, RIL_TEXTLINE) != 0 {
                endWord()
                if let line = current, !line.line.words.isEmpty { lines.append(line) }
                var left: Int32 = 0
                var top: Int32 = 0
                var right: Int32 = 0
                var bottom: Int32 = 0
                _ = TessPageIteratorBoundingBox(page, RIL_TEXTLINE, &left, &top, &right, &bottom)
                current = ReadLine(
                    line: RecognisedText.Line(words: []), left: Int(left), top: Int(top), right: Int(right),
                    bottom: Int(bottom))
            }
            if TessPageIteratorIsAtBeginningOf(page, RIL_WORD) != 0 {
                endWord()
                if let text = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) {
                    word = (String(cString: text), Double(TessResultIteratorConfidence(iterator, RIL_WORD)), [], [])
                    TessDeleteText(text)
                }
            }
            if let symbol = TessResultIteratorGetUTF8Text(iterator, RIL_SYMBOL) {
                // A symbol is one character here; one that is several (a ligature) leaves the word without them.
                let count = String(cString: symbol).count
                TessDeleteText(symbol)
                let confidence = Double(TessResultIteratorConfidence(iterator, RIL_SYMBOL))
                word?.symbols += Array(repeating: confidence, count: count)
                var left: Int32 = 0
                var top: Int32 = 0
                var right: Int32 = 0
                var bottom: Int32 = 0
                _ = TessPageIteratorBoundingBox(page, RIL_SYMBOL, &left, &top, &right, &bottom)
                word?.boxes += Array(repeating: (Int(top), Int(bottom)), count: count)
            }
        } while TessResultIteratorNext(iterator, RIL_SYMBOL) != 0
        endWord()
        if let line = current, !line.line.words.isEmpty { lines.append(line) }
        return lines
    }
}
