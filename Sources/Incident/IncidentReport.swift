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
    /// Whether `takenAt` came from the file name (else from EXIF).
    public var takenFromName = false
}

/// Where a field's value came from, so staff (and `helpdeskd extract --explain`) can see why it was read.
public struct FieldSource: Sendable, Equatable {
    /// How the value was found.
    public enum Kind: String, Sendable, Codable {
        /// After a label ("Session ID: …").
        case label
        /// In a table column under a labelled header.
        case table
        /// Inside a sentence, after a cue word ("my student number is …", "since 08:58 GMT").
        case prose
        /// From a URL (the server's host, a `session=` parameter).
        case url
        /// Recognised by its shape alone (a UUID, a `sess_…` token).
        case shape
        /// From a screenshot's file name.
        case filename
        /// From a photo's EXIF data.
        case exif
        /// Read from a screenshot's pixels.
        case screenshot
    }

    public var kind: Kind
    /// The label, cue, rule or file name that gave it ("matrikelnummer", "since", "uuid", "IMG_4821.HEIC").
    public var detail: String
    /// The line it was read from, as written (at most 200 characters), when it came from text.
    public var line: String?
    /// Sure (a label or a table header said what it is) or probable (read from prose or a shape): a probable
    /// value is shown back to the reporter so a wrong reading can be corrected.
    public var isSure: Bool

    public init(kind: Kind, detail: String, line: (some StringProtocol)? = String?.none, isSure: Bool) {
        self.kind = kind
        self.detail = detail
        self.line = line.map { Substring($0).trimmingWhitespace.prefix(200).description }
        self.isSure = isSure
    }
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
    /// Where each value came from.
    public var sources: [IncidentField: FieldSource] = [:]
    /// Every affected user when a table or list names several (the first is `values[.userID]`).
    public var userIDs: [String] = []

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
