public import Incident
import MIME

/// The JSON that `helpdeskd extract` prints (the shape is documented in the README).
public enum ExtractReport {
    public static func json(for report: IncidentReport, profile: IncidentProfile) -> JSONValue {
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
        return .object([
            (
                "reporter",
                report.reporter.map { .object([("name", .string($0.name)), ("address", .string($0.address))]) } ?? .null
            ),
            ("subject", .string(report.subject)),
            ("ticket_ref", .string(report.ticketReference?.description)),
            ("automated", .string(report.automated?.rawValue)),
            ("category", .string(report.category)),
            ("severity", .string(report.severity.rawValue)),
            ("fields", .object(fields)),
            ("missing", .array(report.missing.map { .string($0.key) })),
            ("complete", .bool(report.isComplete)),
        ])
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
