public import Incident

/// The OCR port: what a screenshot shows, read by something the daemon does not trust with its own memory.
///
/// `OCRWorkerReader` is the one real implementation (a `helpdeskd ocr-worker` child process per image, with CPU,
/// memory and time limits); tests use an in-memory reader that answers from a table. Calls block; the caller
/// runs them off the cooperative pool (on the poller's lane, or a thread of its own).
public protocol ScreenshotReader: Sendable {
    /// The text in the image `bytes`, or why there is none, within `seconds` (wall clock). Never throws: a failed
    /// image costs that image only.
    func read(_ bytes: [UInt8], within seconds: Double) -> OCROutcome
}

/// What reading one image gave.
public enum OCROutcome: Sendable, Equatable {
    case text(RecognisedText, seconds: Double)
    case failed(OCRFailure)

    public var text: RecognisedText? {
        if case .text(let text, _) = self { return text }
        return nil
    }
}

/// Why an image gave no text, with a `Code` to count it by (metrics) and a reason for the log.
public struct OCRFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case refused, timeout, crashed, unavailable }
        private let value: Value
        /// The worker refused the image (too large, not an image, truncated).
        public static let refused = Code(value: .refused)
        /// The worker ran past its time limit and was killed.
        public static let timeout = Code(value: .timeout)
        /// The worker died (a signal: CPU limit, memory, a decoder bug) or wrote no readable answer.
        public static let crashed = Code(value: .crashed)
        /// The worker could not start, or Tesseract or a language is missing.
        public static let unavailable = Code(value: .unavailable)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }
}
