public import Incident
import MIME

/// The JSON that `helpdeskd extract` prints (the shape is documented in the README).
public enum ExtractReport {
    public static func json(for report: IncidentReport, profile: IncidentProfile, explain: Bool = false) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("server", .string(report.values[.server])),
            ("description", .string(report.values[.description])),
            (
                "detected_at",
                .string(report.detectedAt.map { MessageDate(secondsSince1970: $0, utcOffsetSeconds: 0).iso8601 })
            ),
            ("session_id", .string(report.values[.sessionID])),
            ("user_id", .string(report.values[.userID])),
            ("screenshots", .array(report.screenshots.map(screenshot))),
            ("browser", .string(report.values[.browser])),
            ("os", .string(report.values[.os])),
        ]
        for custom in profile.customFields {
            fields.append((custom.field.key, .string(report.values[custom.field])))
        }
        if report.userIDs.count > 1 { fields.append(("user_ids", .array(report.userIDs.map { .string($0) }))) }
        var explained: [(String, JSONValue)] = []
        if explain {
            // Where each value came from: the rule, the label or cue, the line, and whether it is sure.
            let keys = fields.map(\.0).filter { report.sources[IncidentField($0)] != nil }
            for key in keys {
                guard let source = report.sources[IncidentField(key)] else { continue }
                explained.append(
                    (
                        key,
                        .object([
                            ("from", .string(source.kind.rawValue)), ("by", .string(source.detail)),
                            ("line", .string(source.line)), ("sure", .bool(source.isSure)),
                        ])
                    ))
            }
        }
        return .object(
            [
                (
                    "reporter",
                    report.reporter.map { .object([("name", .string($0.name)), ("address", .string($0.address))]) }
                        ?? .null
                ),
                ("subject", .string(report.subject)),
                ("ticket_ref", .string(report.ticketReference?.description)),
                ("automated", .string(report.automated?.rawValue)),
                ("category", .string(report.category)),
                ("severity", .string(report.severity.rawValue)),
                ("fields", .object(fields)),
                ("missing", .array(report.missing.map { .string($0.key) })),
                ("complete", .bool(report.isComplete)),
            ] + (explain ? [("sources", .object(explained))] : []))
    }

    static func screenshot(_ screenshot: Screenshot) -> JSONValue {
        .object([
            ("filename", .string(screenshot.filename)),
            ("content_type", .string(screenshot.contentType)),
            ("width", .int(screenshot.width)),
            ("height", .int(screenshot.height)),
            ("sha256", .string(screenshot.sha256)),
        ])
    }
}
