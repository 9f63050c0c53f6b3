public import MIME

/// Measures a full parse over messages already in memory (`helpdeskd parse --stats`).
///
/// "Full" means what a reader of the mail needs, the same work the peer parsers are asked to do in
/// `bench/`: the structure, every header field of every message decoded (RFC 2047, addresses,
/// dates), every leaf transfer-decoded, text converted to UTF-8 and HTML bodies converted to text.
public enum ParserBenchmark {
    public static func run(_ messages: [[UInt8]], parser: MIMEParser = MIMEParser()) -> JSONValue {
        var leafParts = 0
        var decodedBytes = 0
        let totalBytes = messages.reduce(0) { $0 + $1.count }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for bytes in messages {
                let message = parser.parse(bytes)
                for index in message.parts.indices where message.parts[index].isMessageRoot {
                    for field in message.parts[index].headers { _ = message.text(of: field) }
                    _ = message.envelope(of: index)
                }
                let content = MessageContent(message)
                // Counted like the peers in bench/: leaves only, text as UTF-8 after charset
                // conversion, HTML before it is turned into text.
                leafParts += message.leaves.count
                decodedBytes += content.bodyTexts.values.reduce(0) { $0 + $1.utf8.count }
                for attachment in content.attachments {
                    if attachment.contentType.hasPrefix("text/") {
                        let text = CharsetDecoder.decode(
                            attachment.bytes, label: message.parts[attachment.part].charset)
                        decodedBytes += text.text.utf8.count
                    } else {
                        decodedBytes += attachment.bytes.count
                    }
                }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return .object([
            ("parser", .string("helpdeskd")),
            ("messages", .int(messages.count)),
            ("bytes", .int(totalBytes)),
            ("seconds", .double(seconds)),
            ("mb_per_s", .double(seconds > 0 ? Double(totalBytes) / 1e6 / seconds : 0)),
            ("messages_per_s", .double(seconds > 0 ? Double(messages.count) / seconds : 0)),
            ("leaf_parts", .int(leafParts)),
            ("decoded_bytes", .int(decodedBytes)),
        ])
    }
}
