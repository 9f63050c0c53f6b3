import Foundation
import Incident
import MIME
import Testing

/// The table of realistic emails in Tests/IncidentTests/Fixtures, each with the report it must give
/// (see that folder's README for what each one exercises and the judgement calls they pin). The expected files
/// are in the shape `helpdeskd extract` prints; `report(_:profile:)` reads an `IncidentReport` in that shape
/// (HelpdeskTests' ExtractReportTests checks that the command prints the same).
enum ExtractionFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func actual(_ name: String) throws -> [String: Any] {
        let bytes = try [UInt8](Data(contentsOf: directory.appendingPathComponent(name + ".eml")))
        let message = MIMEParser().parse(bytes)
        let extractor = IncidentExtractor()
        let report = extractor.extract(message, content: MessageContent(message))
        return Self.report(report, profile: extractor.profile)
    }

    /// The report as `helpdeskd extract` prints it (README, "extract"): absent values are null.
    static func report(_ report: IncidentReport, profile: IncidentProfile) -> [String: Any] {
        func value(_ text: String?) -> Any { text ?? NSNull() }
        var fields: [String: Any] = [
            "server": value(report.values[.server]),
            "description": value(report.values[.description]),
            "detected_at": value(
                report.detectedAt.map { MessageDate(secondsSince1970: $0, utcOffsetSeconds: 0).iso8601 }),
            "session_id": value(report.values[.sessionID]),
            "user_id": value(report.values[.userID]),
            "screenshots": report.screenshots.map { shot -> [String: Any] in
                [
                    "filename": value(shot.filename), "content_type": shot.contentType, "width": shot.width,
                    "height": shot.height, "sha256": shot.sha256,
                ]
            },
            "browser": value(report.values[.browser]),
            "os": value(report.values[.os]),
        ]
        for custom in profile.customFields { fields[custom.field.key] = value(report.values[custom.field]) }
        return [
            "reporter": report.reporter.map { ["name": value($0.name), "address": $0.address] as [String: Any] }
                ?? NSNull(),
            "subject": value(report.subject),
            "ticket_ref": value(report.ticketReference?.description),
            "automated": value(report.automated?.rawValue),
            "category": report.category,
            "severity": report.severity.rawValue,
            "fields": fields,
            "missing": report.missing.map(\.key),
            "complete": report.isComplete,
        ]
    }

    /// A value as sorted-key JSON text: both sides come from JSONSerialization, so equal JSON compares equal.
    static func canonical(_ value: Any?) -> String {
        let data = try? JSONSerialization.data(withJSONObject: ["v": value ?? NSNull()], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

@Suite struct ExtractionFixtureTests {
    @Test func thereAreAtLeastFortyFixtures() {
        #expect(ExtractionFixtures.names.count >= 40)
    }

    @Test(arguments: ExtractionFixtures.names)
    func fixture(_ name: String) throws {
        let actual = try ExtractionFixtures.actual(name)
        let expected = try ExtractionFixtures.expected(name)
        for key in ["reporter", "subject", "ticket_ref", "automated", "category", "severity", "missing", "complete"] {
            let got = ExtractionFixtures.canonical(actual[key])
            let want = ExtractionFixtures.canonical(expected[key])
            #expect(got == want, "\(name) \(key)")
        }
        let actualFields = actual["fields"] as! [String: Any]
        let expectedFields = expected["fields"] as! [String: Any]
        for (key, want) in expectedFields where key != "description" {
            #expect(
                ExtractionFixtures.canonical(actualFields[key]) == ExtractionFixtures.canonical(want),
                "\(name) fields.\(key)")
        }
        let description = expectedFields["description"] as! [String: Any]
        let text = actualFields["description"] as? String
        if description["present"] as? Bool == true {
            #expect(text != nil, "\(name): description missing")
            for phrase in description["contains"] as? [String] ?? [] {
                #expect(text?.contains(phrase) == true, "\(name): description lacks \"\(phrase)\": \(text ?? "nil")")
            }
            for phrase in description["excludes"] as? [String] ?? [] {
                #expect(text?.contains(phrase) != true, "\(name): description has \"\(phrase)\": \(text ?? "nil")")
            }
        } else {
            #expect(text == nil, "\(name): description should be missing, got \(text ?? "")")
        }
    }
}
