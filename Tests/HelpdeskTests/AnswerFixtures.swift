import Foundation
import Incident
import MIME
import Testing
import TicketStore

@testable import Helpdesk

/// Shared values and helpers for the answer tests.
enum AnswerFixture {
    static let key = Array("0123456789abcdef0123456789abcdef".utf8)
    static let signer = MessageIDSigner(key: key, domain: "example.com", prefix: "HD")
    static let ticket = TicketReference(prefix: "HD", number: 2)!
    static let reporter = MailAddress(name: "Daniel Okafor", address: "daniel.okafor@example.org")
    static let parentID = "CAH4kT2vQ8pXz1Lw9bR7yN3mE6fJ0sDgU5oKc2iV_h8aWq+9ZtA@mail.example.org"
    static let subject = "Student stuck in \"Connection lost\" loop during proctored quiz"

    /// The repository's root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func composer(templates: AnswerTemplates = AnswerTemplates()) throws -> AnswerComposer {
        try AnswerComposer(
            fromAddress: "helpdesk@example.com", fromName: "Example Helpdesk", signer: signer,
            templates: templates)
    }

    /// Seconds since 1970 for a UTC wall-clock time.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        CivilCalendar.daysSince1970(year: year, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    static func request(
        _ kind: AnswerKind, subject: String? = AnswerFixture.subject,
        missing: [IncidentField] = []
    ) -> AnswerRequest {
        AnswerRequest(
            kind: kind, ticket: ticket, subject: subject, recipient: reporter, inReplyTo: parentID, references: [],
            sequence: 1, now: utc(2024, 11, 12, 13, 36, 40), due: utc(2024, 11, 13, 13, 36, 40), severity: .normal,
            missing: missing, passwordResetURL: "https://proctor.example.edu/reset-password",
            sizeLimit: 25 << 20, text: kind.isWrittenByStaff ? "We restarted the proctoring session." : nil)
    }
}

/// A composed answer parsed back with our own parser.
struct ParsedAnswer {
    let raw: [UInt8]
    let message: MIMEMessage
    let content: MessageContent

    init(_ answer: ComposedAnswer) {
        raw = answer.raw
        message = MIMEParser().parse(answer.raw)
        content = MessageContent(message)
    }

    var envelope: Envelope { message.envelope(of: 0).envelope }
    var envelopeDefects: [Defect] { message.envelope(of: 0).defects }

    /// Header field names, lower-cased, in order.
    var headerNames: [String] { message.parts[0].headers.map { message.name(of: $0).lowercased() } }

    /// The raw (still encoded, unfolded) value of the first field `name`.
    func rawHeader(_ name: String) -> String? {
        message.fields(named: name).first.map { String(decoding: message.rawValue(of: $0), as: UTF8.self) }
    }

    /// The decoded body text.
    var body: String { content.text ?? "" }

    /// The body with all white space runs as one space, for phrases that a template wraps.
    var flatBody: String { body.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }

    /// The raw header block's lines (without CRLF).
    var headerLines: [String] {
        let text = String(decoding: raw, as: UTF8.self)
        let header = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return header.components(separatedBy: "\r\n")
    }

    /// The raw lines of the whole message, split at CRLF.
    var rawLines: [String] { String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n") }
}
