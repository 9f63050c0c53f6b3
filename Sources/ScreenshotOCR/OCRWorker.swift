import Foundation
import Glibc
public import Incident

/// `helpdeskd ocr-worker`: reads one image on standard input and writes what it shows as JSON
/// (`RecognisedText`) on standard output, under limits it sets on itself before it reads a byte.
///
/// The daemon starts one worker per image (`Helpdesk/OCR/OCRWorkerReader.swift`): decoding and recognising
/// attacker-supplied images is the riskiest work helpdeskd does, so it happens in a process whose CPU time
/// (`RLIMIT_CPU`: the kernel kills it) and address space (`RLIMIT_AS`: allocations fail, Leptonica and Tesseract
/// give up) are bounded, and whose crash costs that image only.
///
/// Exit status: 0 with the JSON; 3 when the image is refused (too large, not an image, truncated), the reason on
/// standard error; 4 when its limits cannot be set or Tesseract cannot start (languages missing); killed by a
/// signal when a limit is hit.
public enum OCRWorker {
    /// The worker's limits, given on its command line.
    public struct Limits: Sendable {
        /// CPU seconds for the whole process (loading the languages included).
        public var cpuSeconds: Int
        /// Address space, in MiB.
        public var memoryMiB: Int
        /// Most bytes read from standard input.
        public var maxInputBytes: Int
        public var image = ScreenshotRecogniser.Limits()

        public init(cpuSeconds: Int = 5, memoryMiB: Int = 300, maxInputBytes: Int = 32 << 20) {
            self.cpuSeconds = cpuSeconds
            self.memoryMiB = memoryMiB
            self.maxInputBytes = maxInputBytes
        }
    }

    public static let refusedStatus: Int32 = 3
    public static let unavailableStatus: Int32 = 4

    /// Runs the worker in this process; returns its exit status.
    public static func run(languages: String, limits: Limits) -> Int32 {
        // Without its limits the worker reads nothing (a sandbox that forbids setrlimit, say).
        guard applyLimits(limits) else {
            FileHandle.standardError.write(Data("cannot set the worker's limits (setrlimit: errno \(errno))\n".utf8))
            return unavailableStatus
        }
        let input = readInput(limit: limits.maxInputBytes)
        guard let bytes = input else {
            return refuse("the image is larger than \(limits.maxInputBytes) bytes")
        }
        let recogniser: ScreenshotRecogniser
        do {
            recogniser = try ScreenshotRecogniser(languages: languages, limits: limits.image)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return unavailableStatus
        }
        switch recogniser.recognise(bytes) {
        case .failure(let refusal):
            return refuse(refusal.description)
        case .success(let text):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(text) else { return refuse("the text could not be encoded") }
            FileHandle.standardOutput.write(data)
            return 0
        }
    }

    /// What `helpdeskd ocr IMAGE` uses in process (no limits but the image's): the recognised text, or why not.
    public static func recognise(_ bytes: [UInt8], languages: String) -> Result<RecognisedText, any Error> {
        Result {
            try ScreenshotRecogniser(languages: languages).recognise(bytes).get()
        }
    }

    static func refuse(_ reason: String) -> Int32 {
        FileHandle.standardError.write(Data((reason + "\n").utf8))
        return refusedStatus
    }

    /// CPU time: the soft limit sends SIGXCPU (fatal), the hard limit a second later SIGKILL. Address space:
    /// allocations beyond it fail.
    static func applyLimits(_ limits: Limits) -> Bool {
        var cpu = rlimit(rlim_cur: rlim_t(limits.cpuSeconds), rlim_max: rlim_t(limits.cpuSeconds + 1))
        let bytes = rlim_t(limits.memoryMiB) << 20
        var memory = rlimit(rlim_cur: bytes, rlim_max: bytes)
        // No core files of attacker-supplied images.
        var core = rlimit(rlim_cur: 0, rlim_max: 0)
        return setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &cpu) == 0
            && setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &memory) == 0
            && setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &core) == 0
    }

    /// Standard input, or nil when it holds more than `limit` bytes.
    static func readInput(limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > limit { return nil }
        }
        return bytes
    }
}
