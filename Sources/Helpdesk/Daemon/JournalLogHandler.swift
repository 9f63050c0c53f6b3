import Foundation
public import Logging

/// Log lines for journald and log shippers. `text`: `<N>message key=value …` where `<N>` is the
/// syslog priority journald understands (it adds its own time stamps); `json`: one object a line.
/// Metadata carries the ticket reference and Message-ID so one email's lines can be found together;
/// secrets are never put in metadata by helpdeskd.
public struct JournalLogHandler: LogHandler {
    public enum Format: String, Sendable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: Format
    let write: @Sendable (String) -> Void

    public init(
        label: String, level: Logger.Level, format: Format,
        write: @escaping @Sendable (String) -> Void = JournalLogHandler.standardError
    ) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.write = write
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(
            Self.render(level: event.level, message: "\(event.message)", metadata: merged, label: label, format: format)
        )
    }

    static func render(
        level: Logger.Level, message: String, metadata: Logger.Metadata, label: String, format: Format
    )
        -> String
    {
        let oneLine = message.replacingOccurrences(of: "\n", with: " ")
        switch format {
        case .text:
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\(quoted("\($0.value)"))" }
            return "<\(priority(level))>" + ([oneLine] + fields).joined(separator: " ")
        case .json:
            var members: [(String, JSONValue)] = [
                ("level", .string(level.rawValue)), ("logger", .string(label)), ("message", .string(message)),
            ]
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { members.append((key, .string("\(value)"))) }
            return JSONValue.object(members).serialized()
        }
    }

    /// syslog priorities (sd-daemon(3)).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    static func quoted(_ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\n", with: " ")
        guard clean.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || clean.isEmpty else { return clean }
        return "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }
}
