public import MIME

/// How urgent a report is, per the support policy.
public enum Severity: String, Sendable, Codable {
    /// The reporter cannot operate the system: a solution is due within 8 working hours.
    case critical
    /// Everything else: the request is considered within 24 hours, weekends excepted.
    case normal
}

/// An image attachment that counts as a screenshot of the problem.
public struct Screenshot: Sendable, Equatable {
    /// Index of the part in the parsed message.
    public var part: Int
    public var filename: String?
    /// The type the bytes show (not the one the sender declared).
    public var contentType: String
    public var width: Int
    public var height: Int
    /// Hex SHA-256 of the decoded bytes; attachments are stored once under it.
    public var sha256: String
    /// When the image says it was taken (file name or EXIF), seconds since 1970 UTC.
    public var takenAt: Int64?
}

/// What a customer's email reports, checked against the required fields and triaged.
public struct IncidentReport: Sendable {
    /// Who to answer: the From mailbox (the first, when a broken header names several), else Sender.
    public var reporter: MailAddress?
    /// The one unambiguous author (`Envelope.author`): only an author may update a ticket; nil when the header
    /// section does not name exactly one (`authorProblem` says why).
    public var author: MailAddress?
    public var authorProblem: String?
    /// What the admin's own MTA said: sender authentication and the spam filter's verdict.
    public var verdict = MTAVerdict()
    public var subject: String?
    /// The ticket the subject names ("[HD-000123] …"), if any.
    public var ticketReference: TicketReference?
    /// Why no automatic answer may be sent, or nil for mail a person wrote.
    public var automated: AutomatedReason?
    public var category: String
    public var severity: Severity
    /// Text fields found (server, description, session_id, user_id, browser, os, custom fields).
    public var values: [IncidentField: String]
    /// The time of detection, seconds since 1970 UTC.
    public var detectedAt: Int64?
    public var screenshots: [Screenshot]
    /// Required fields that are missing, in the profile's order.
    public var missing: [IncidentField]
    /// Fields the reporter labelled ("Session ID: …"), as opposed to values inferred from URLs, file
    /// names or prose. A reply's labelled value corrects the ticket; an inferred one only fills a gap.
    public var labelled: Set<IncidentField> = []

    /// Whether this message may act on an existing ticket (update it, resume it): it has one unambiguous author
    /// and sender authentication did not fail.
    public var mayActOnTickets: Bool { author != nil && !verdict.authentication.failed }

    /// Why it may not, in words for the audit trail; nil when it may.
    public var whyNotTrusted: String? {
        if let authorProblem { return "ambiguous author: " + authorProblem }
        if case .fail(let reason) = verdict.authentication { return "unauthenticated: " + reason }
        return nil
    }

    /// Whether every required field is present.
    public var isComplete: Bool { missing.isEmpty }

    /// Whether the report supplies `field`.
    public func has(_ field: IncidentField) -> Bool {
        switch field {
        case .screenshots: return !screenshots.isEmpty
        case .detectedAt: return detectedAt != nil
        default: return !(values[field] ?? "").isEmpty
        }
    }
}
