import Foundation
import Incident
import MIME
import Testing
import TicketStore

@testable import Helpdesk

@Suite struct AnswerTemplatesTests {
    let samples = AnswerFixture.root + "/Samples/templates"

    /// A fresh temporary directory holding `files`, removed by `body`'s end.
    func withDirectory<T>(_ files: [String: [UInt8]], _ body: (String) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("helpdeskd-templates-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, bytes) in files {
            #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes)))
        }
        return try body(directory)
    }

    func withDirectory<T>(_ files: [String: String], _ body: (String) throws -> T) throws -> T {
        try withDirectory(files.mapValues { Array($0.utf8) }, body)
    }

    /// The error `load` throws for a directory with `files`.
    func loadError(_ files: [String: String]) throws -> AnswerTemplateError {
        try withDirectory(files) { directory in
            do throws(AnswerTemplateError) {
                _ = try AnswerTemplates.load(directory: directory)
            } catch {
                return error
            }
            Issue.record("no error")
            return .format(path: "", message: "")
        }
    }

    /// The mail to staff (notifications, bounces) is written by `NotificationComposer`: no template names it.
    @Test func rawValuesAreTheTemplateNames() {
        #expect(
            AnswerKind.templated.map(\.rawValue) == [
                "acknowledgement", "information-request", "resumed", "password-reset", "too-large", "reply",
                "resolution",
            ])
    }

    @Test func samplesAreIdenticalToBuiltIns() throws {
        let builtIn = AnswerTemplates()
        for kind in AnswerKind.templated {
            let path = samples + "/" + kind.rawValue + ".mustache"
            let file = try #require(FileManager.default.contents(atPath: path), "\(path)")
            #expect(String(decoding: file, as: UTF8.self) == BuiltInTemplates.sources[kind], "\(kind.rawValue)")
            #expect(builtIn.sources[kind] == BuiltInTemplates.sources[kind])
            #expect(builtIn.origins[kind] == "built-in")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: samples).filter { $0.hasSuffix(".mustache") }
        #expect(Set(files) == Set(AnswerKind.templated.map { $0.rawValue + ".mustache" }))
        #expect(FileManager.default.fileExists(atPath: samples + "/README.md"))
    }

    @Test func samplesDirectoryLoads() throws {
        let loaded = try AnswerTemplates.load(directory: samples)
        for kind in AnswerKind.templated {
            #expect(loaded.sources[kind] == BuiltInTemplates.sources[kind])
            #expect(loaded.origins[kind] == samples + "/" + kind.rawValue + ".mustache")
        }
        #expect(try AnswerTemplates.load(directory: nil).origins[.acknowledgement] == "built-in")
        #expect(try AnswerTemplates.load(directory: "").origins[.acknowledgement] == "built-in")
    }

    @Test func overrideFromDirectory() throws {
        let files = [
            "acknowledgement.mustache": "\u{FEFF}Subject: Custom {{ticket}} {{subject}}\r\n\r\n"
                + "Custom body for {{ticket}}: {{subject}} & <b>\"it\"</b>\r\n\r\n\r\n\r\n{{helpdesk_address}}\r\n",
            "README.md": "not a template", "notes.txt": "{{#",
        ]
        try withDirectory(files) { directory in
            let templates = try AnswerTemplates.load(directory: directory)
            #expect(templates.origins[.acknowledgement] == directory + "/acknowledgement.mustache")
            #expect(templates.origins[.informationRequest] == "built-in")
            let composer = try AnswerFixture.composer(templates: templates)
            let parsed = ParsedAnswer(
                try composer.compose(AnswerFixture.request(.acknowledgement, subject: "Tom & Jerry <x>")))
            // The template's subject lacks the [HD-…] tag, so the composer puts it in front.
            #expect(parsed.envelope.subject == "[HD-000002] Custom HD-000002 Tom & Jerry <x>")
            // Plain text: no HTML escaping; runs of blank lines become one.
            #expect(
                parsed.body == "Custom body for HD-000002: Tom & Jerry <x> & <b>\"it\"</b>\n\nhelpdesk@example.com\n")
            // Other kinds keep the built-in text.
            let other = ParsedAnswer(try composer.compose(AnswerFixture.request(.passwordReset)))
            #expect(other.flatBody.contains("never ask you for your password"))
        }
    }

    @Test func brokenTemplateIsReportedWithFileAndLine() throws {
        let error = try loadError([
            "information-request.mustache": "Subject: x\n\nWe need:\n{{#missing}}\n  - {{prompt}}\n{{/misssing}}\n"
        ])
        guard case .syntax(let path, let line, let column, let text, _) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(path.hasSuffix("/information-request.mustache"))
        #expect(line == 6)
        #expect(column == 4)
        #expect(text == "{{/misssing}}")
        let message = error.description
        #expect(message.contains("information-request.mustache:6:4: "))
        #expect(message.contains("closing tag does not match"))
        #expect(message.contains("{{/misssing}}"))
        #expect(error.path == path)
    }

    @Test func unclosedSectionAndTagAreReported() throws {
        let unclosed = try loadError(["resumed.mustache": "Subject: x\n\n{{#critical}}\nurgent\n"])
        guard case .syntax(_, _, _, _, let message) = unclosed else {
            Issue.record("\(unclosed)")
            return
        }
        #expect(message.contains("not closed"))
        let tag = try loadError(["resumed.mustache": "Subject: x\n\nHello {{ticket\n"])
        guard case .syntax(_, _, _, _, let tagMessage) = tag else {
            Issue.record("\(tag)")
            return
        }
        #expect(tagMessage.contains("not closed"))
    }

    @Test func misspeltVariableIsReported() throws {
        let error = try loadError(["acknowledgement.mustache": "Subject: [{{ticket}}]\n\nTicket {{tiket}}\n"])
        #expect(error == .unknownVariable(path: error.path, line: 3, name: "tiket"))
        #expect(error.description.contains(":3: unknown variable \"tiket\""))
        // Known names, sections, comments, item fields and missing_<field> are fine.
        _ = try withDirectory([
            "information-request.mustache":
                "{{! a comment with {{ inside }}\nSubject: {{ ticket }}\n\n{{#missing}}{{field}}: {{prompt}}\n{{/missing}}"
                + "{{#missing_course_id}}course{{/missing_course_id}}{{{subject}}}{{&due}}{{.}}\n"
        ]) { directory in
            _ = try AnswerTemplates.load(directory: directory)
        }
    }

    @Test func badFormatIsReported() throws {
        let cases = [
            "Hello {{ticket}}\n\nbody\n": "first line must be \"Subject:",
            "Subject: {{ticket}}\nbody right away\n": "followed by a blank line",
            "Subject: {{ticket}}\n\n{{#critical}}only when critical{{/critical}}\n": "body is empty",
            "Subject: {{#critical}}x{{/critical}}\n\nbody\n": "Subject line is empty",
        ]
        for (source, expected) in cases {
            let error = try loadError(["acknowledgement.mustache": source])
            guard case .format(let path, let message) = error else {
                Issue.record("\(error)")
                continue
            }
            #expect(path.hasSuffix("acknowledgement.mustache"))
            #expect(message.contains(expected), "\(message)")
        }
    }

    @Test func unknownFileNameIsReported() throws {
        let error = try loadError(["acknowledgment.mustache": "Subject: x\n\ny\n"])
        #expect(error == .unknownTemplate(path: error.path))
        #expect(error.path.hasSuffix("/acknowledgment.mustache"))
        #expect(error.description.contains("acknowledgement.mustache, information-request.mustache"))
    }

    @Test func unreadableFilesAreReported() throws {
        let missing = "/nonexistent/helpdeskd-templates"
        #expect(throws: AnswerTemplateError.unreadable(path: missing, reason: "No such file or directory")) {
            try AnswerTemplates.load(directory: missing)
        }
        _ = try withDirectory(["too-large.mustache": [0x53, 0xFF, 0xFE, 0x0A]]) { directory in
            #expect(
                throws: AnswerTemplateError.unreadable(
                    path: directory + "/too-large.mustache", reason: "not UTF-8 text")
            ) {
                try AnswerTemplates.load(directory: directory)
            }
        }
        let huge = "Subject: x\n\n" + String(repeating: "y", count: AnswerTemplates.maxFileSize)
        let error = try loadError(["resumed.mustache": huge])
        #expect(error.description.contains("larger than 64 KB"))
    }
}
