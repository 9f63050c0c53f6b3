import ArgumentParser
import Foundation
import Helpdesk
import TicketStore

/// `helpdeskd ingest`: runs emails from files through the same pipeline the IMAP poller uses.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest emails from files (or - for standard input) into the ticket store.",
        discussion: """
            Each email is parsed, checked, threaded and stored with its answer queued, in one transaction.
            Ingesting the same email twice changes nothing. Prints one line per email and a summary.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Files, directories (read recursively) or -.")
    var inputs: [String]

    @Flag(help: "Print the outcomes as JSON lines.")
    var json = false

    func run() throws {
        let context = try store.context()
        let paths = inputs == ["-"] ? ["-"] : try InputFiles.paths(inputs)
        var counts: [String: Int] = [:]
        let clock = ContinuousClock()
        let started = clock.now
        for path in paths {
            let bytes = try InputFiles.read(path)
            let source: MessageSource = .file(path: path == "-" ? "stdin" : path)
            let outcome = try context.pipeline.ingest(bytes, source: source, receivedAt: WallClock.seconds())
            let (kind, detail) = Self.describe(outcome)
            counts[kind, default: 0] += 1
            if json {
                print(
                    JSONValue.object([("file", .string(path)), ("outcome", .string(kind)), ("detail", .string(detail))])
                        .serialized())
            } else {
                print("\(path): \(kind) \(detail)")
            }
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        FileHandle.standardError.write(
            Data(
                "ingested \(paths.count) email(s) in \(String(format: "%.2f", seconds)) s: \(summary)\n".utf8))
    }

    static func describe(_ outcome: IngestOutcome) -> (String, String) {
        switch outcome {
        case .duplicate: return ("duplicate", "")
        case .copy(let ref, _): return ("copy", ref ?? "")
        case .created(let ref, let status): return ("created", "\(ref) \(status.rawValue)")
        case .updated(let ref, let status): return ("updated", "\(ref) \(status.rawValue)")
        case .automated(let reason, let ref): return ("automated", reason + (ref.map { " on \($0)" } ?? ""))
        case .staff(let result, let ref): return ("staff", result + (ref.map { " on \($0)" } ?? ""))
        }
    }
}
