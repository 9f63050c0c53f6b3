public import Helpdesk
import Synchronization

/// An in-memory OCR for the daemon's tests: every image reads as `outcome`, and the images asked for are counted.
/// The real reader (`OCRWorkerReader`, Tesseract in a worker process) is tested in `ScreenshotOCRTests`.
public final class MemoryScreenshotReader: ScreenshotReader {
    private let reads = Mutex(0)
    public let outcome: OCROutcome

    public init(_ outcome: OCROutcome) { self.outcome = outcome }

    /// How many images were read.
    public var count: Int { reads.withLock { $0 } }

    public func read(_ bytes: [UInt8], within seconds: Double) -> OCROutcome {
        reads.withLock { $0 += 1 }
        return outcome
    }
}
