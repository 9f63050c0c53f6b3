import Foundation
import Incident
import MIME
import Testing

@testable import Helpdesk

/// `helpdeskd extract` prints the reports the extraction fixtures pin (Tests/IncidentTests, which checks the
/// extractor itself): the command's JSON is the fixtures' contract.
@Suite struct ExtractReportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("IncidentTests/Fixtures")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func canonical(_ value: Any?) -> String {
        let data = try? JSONSerialization.data(withJSONObject: ["v": value ?? NSNull()], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    @Test func theCommandPrintsWhatEveryFixtureExpects() throws {
        #expect(Self.names.count >= 40)
        for name in Self.names {
            let bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".eml")))
            let message = MIMEParser().parse(bytes)
            let extractor = IncidentExtractor()
            let report = extractor.extract(message, content: MessageContent(message))
            let json = ExtractReport.json(for: report, profile: extractor.profile).serialized()
            let actual = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let expected =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".expected.json")))
                as! [String: Any]
            for key in [
                "reporter", "subject", "ticket_ref", "automated", "category", "severity", "missing", "complete",
            ] {
                #expect(Self.canonical(actual[key]) == Self.canonical(expected[key]), "\(name) \(key)")
            }
            let actualFields = actual["fields"] as! [String: Any]
            for (key, want) in expected["fields"] as! [String: Any] where key != "description" {
                #expect(Self.canonical(actualFields[key]) == Self.canonical(want), "\(name) fields.\(key)")
            }
        }
    }
}
