import Incident
import MIME

/// Measures incident extraction apart from parsing (`helpdeskd extract --stats`): messages are parsed
/// and decoded first, untimed, then only the extractor runs under the clock.
public enum ExtractionBenchmark {
    public static func run(_ messages: [[UInt8]], rounds: Int = 5) -> JSONValue {
        let parsed = messages.map { bytes -> (MIMEMessage, MessageContent) in
            let message = MIMEParser().parse(bytes)
            return (message, MessageContent(message))
        }
        let extractor = IncidentExtractor()
        var complete = 0
        var best = Duration.seconds(1_000_000)
        for _ in 0..<max(1, rounds) {
            complete = 0
            let elapsed = ContinuousClock().measure {
                for (message, content) in parsed where extractor.extract(message, content: content).isComplete {
                    complete += 1
                }
            }
            best = min(best, elapsed)
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        return .object([
            ("messages", .int(messages.count)),
            ("complete", .int(complete)),
            ("seconds", .double(seconds)),
            ("microseconds_per_message", .double(messages.isEmpty ? 0 : seconds * 1e6 / Double(messages.count))),
        ])
    }
}
