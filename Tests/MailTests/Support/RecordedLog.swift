import Logging
import Synchronization

/// Keeps the messages logged through `handler`, for tests that check what the daemon reported.
final class RecordedLog: Sendable {
    private let messages = Mutex<[String]>([])

    func contains(_ text: String) -> Bool { messages.withLock { $0.contains { $0.contains(text) } } }

    /// A logger at `level` whose messages land here.
    func logger(level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: "test") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    private struct Handler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.messages.withLock { $0.append("\(event.message)") }
        }
    }
}
