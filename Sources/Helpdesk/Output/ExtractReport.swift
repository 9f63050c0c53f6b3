public import Incident
import MIME

/// The JSON that `helpdeskd extract` prints (the shape is documented in the README).
public enum ExtractReport {
    /// `ocr`: what OCR gave for each screenshot (`extract --ocr`): each screenshot then carries its `text` (or
    /// `ocr_error`), and `screenshot_values` says which fields came from which image and line.
    public static func json(
        for report: IncidentReport, profile: IncidentProfile, explain: Bool = false,
        ocr: [(screenshot: Screenshot, outcome: OCROutcome)]? = nil
    ) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("server", .string(report.values[.server])),
            ("description", .string(report.values[.description])),
            (
                "detected_at",
                .string(report.detectedAt.map { MessageDate(secondsSince1970: $0, utcOffsetSeconds: 0).iso8601 })
            ),
            ("session_id", .string(report.values[.sessionID])),
            ("user_id", .string(report.values[.userID])),
            ("screenshots", .array(report.screenshots.map { screenshot($0, ocr: ocr) })),
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
            ] + (ocr != nil ? [("screenshot_values", screenshotValues(report))] : [])
                + (explain ? [("sources", .object(explained))] : []))
    }

    static func screenshot(_ screenshot: Screenshot, ocr: [(screenshot: Screenshot, outcome: OCROutcome)]?) -> JSONValue
    {
        var members: [(String, JSONValue)] = [
            ("filename", .string(screenshot.filename)),
            ("content_type", .string(screenshot.contentType)),
            ("width", .int(screenshot.width)),
            ("height", .int(screenshot.height)),
            ("sha256", .string(screenshot.sha256)),
        ]
        if let read = ocr?.first(where: { $0.screenshot.part == screenshot.part }) {
            switch read.outcome {
            case .text(let text, _): members.append(("text", .string(text.text)))
            case .failed(let failure): members.append(("ocr_error", .string(failure.description)))
            }
        }
        return .object(members)
    }

    /// Each value read from a screenshot: `"source": "screenshot"`, the image and rule, the line it was read from.
    static func screenshotValues(_ report: IncidentReport) -> JSONValue {
        .object(
            ["server", "detected_at", "session_id", "user_id"].compactMap { key in
                guard let source = report.sources[IncidentField(key)], source.kind == .screenshot else { return nil }
                let value: String? =
                    key == "detected_at"
                    ? report.detectedAt.map { MessageDate(secondsSince1970: $0, utcOffsetSeconds: 0).iso8601 }
                    : report.values[IncidentField(key)]
                return (
                    key,
                    .object([
                        ("value", .string(value)), ("source", .string("screenshot")), ("by", .string(source.detail)),
                        ("line", .string(source.line)),
                    ])
                )
            })
    }
}
