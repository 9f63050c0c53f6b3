public import Incident
public import MIME
public import TicketStore

/// What one automatic answer is about. Everything in it that came from the reporter (subject, address,
/// message ids) is treated as hostile: the composer sanitises, validates or drops it. Nothing of the
/// reporter's message body is part of a request, so no answer can relay a forger's text.
public struct AnswerRequest: Sendable {
    public var kind: AnswerKind
    /// The ticket the answer belongs to; its prefix must be the signer's.
    public var ticket: TicketReference
    /// The reporter's subject as decoded from their message (nil or empty when it had none).
    public var subject: String?
    /// The reporter; only the address is used (the display name is as forgeable as the body).
    public var recipient: MailAddress
    /// The Message-ID of the reporter's message, without brackets; becomes In-Reply-To.
    public var inReplyTo: String?
    /// The reporter's References, oldest first, without brackets.
    public var references: [String]
    /// The answer's number on this ticket (1 for the first), part of our Message-ID.
    public var sequence: Int
    /// The time of writing, seconds since 1970 (the Date header).
    public var now: Int64
    /// When the ticket is due (consideration or solution), seconds since 1970, if known.
    public var due: Int64?
    public var severity: Severity
    /// The required fields the report lacks, in the order to ask for them (information requests).
    public var missing: [IncidentField]
    /// How to ask for custom fields (`[[profile.fields]] prompt`), and overrides for built-in ones.
    public var fieldPrompts: [IncidentField: String]
    /// `[password_reset] url`, needed for password-reset answers.
    public var passwordResetURL: String?
    /// `[imap] max_message_size` in bytes, needed for too-large answers.
    public var sizeLimit: Int64?
    /// Values read from prose rather than after a label ("probable"), shown back to the reporter so a wrong
    /// reading is corrected instead of silently used: `(field, value)`. Only shape-checked values are shown
    /// (`ReadBack`): IDs, a host name, a time — never free text or URLs, so answers still relay no content.
    public var readBack: [(field: IncidentField, value: String)] = []
    /// Read-back fields OCR read from a screenshot: the answer says so ("the session ID (from your screenshot)").
    public var fromScreenshots: Set<IncidentField> = []
    /// What staff wrote (a reply, a resolution summary): the one text of an answer that is not the template's.
    /// Staff's own words, never the reporter's.
    public var text: String?
    /// Who the answer is from, when not the composer's address: the mailbox the reporter wrote to
    /// (`[[mailbox]] address` and `display_name`). Its address must be acceptable like the composer's.
    public var sender: MailAddress? = nil

    public init(
        kind: AnswerKind, ticket: TicketReference, subject: String?, recipient: MailAddress, inReplyTo: String?,
        references: [String] = [], sequence: Int, now: Int64, due: Int64? = nil, severity: Severity = .normal,
        missing: [IncidentField] = [], fieldPrompts: [IncidentField: String] = [:], passwordResetURL: String? = nil,
        sizeLimit: Int64? = nil, readBack: [(field: IncidentField, value: String)] = [], text: String? = nil,
        fromScreenshots: Set<IncidentField> = [], sender: MailAddress? = nil
    ) {
        self.sender = sender
        self.fromScreenshots = fromScreenshots
        self.kind = kind
        self.ticket = ticket
        self.subject = subject
        self.recipient = recipient
        self.inReplyTo = inReplyTo
        self.references = references
        self.sequence = sequence
        self.now = now
        self.due = due
        self.severity = severity
        self.missing = missing
        self.fieldPrompts = fieldPrompts
        self.passwordResetURL = passwordResetURL
        self.sizeLimit = sizeLimit
        self.readBack = readBack
        self.text = text
    }
}

/// A complete answer, ready for the outbox and SMTP.
public struct ComposedAnswer: Sendable, Equatable {
    /// Our Message-ID, without brackets (fixed now, so a resend after a crash is the same message).
    public var messageID: String
    /// The validated recipient address (`local@domain`), for SMTP RCPT TO.
    public var recipient: String
    /// The subject as written, before RFC 2047 encoding.
    public var subject: String
    /// The RFC 5322 message: CRLF line ends, 7-bit, lines of at most 998 octets.
    public var raw: [UInt8]
}

/// The promises of the support policy, as configured in `[sla]`.
public struct ResponseTerms: Sendable, Equatable {
    /// `normal_consideration`: a normal request is considered within this many seconds, non-working days not counted.
    public var normalConsideration: Int64
    /// `critical_solution`: a critical fault gets a solution within this many seconds of support hours.
    public var criticalSolution: Int64

    public init(normalConsideration: Int64 = 24 * 3600, criticalSolution: Int64 = 8 * 3600) {
        self.normalConsideration = normalConsideration
        self.criticalSolution = criticalSolution
    }
}

/// Why an answer cannot be composed.
public enum AnswerError: Error, Equatable, CustomStringConvertible {
    /// An address we would have to write into a header is not acceptable.
    case invalidAddress(String, String)
    /// A header could not be written safely (a bug or a broken configuration value).
    case invalidHeader(String)
    /// The request lacks what its kind needs, or contradicts the configuration.
    case invalidRequest(String)
    /// A template rendered something that is not `Subject: …`, a blank line and a body.
    case templateOutput(AnswerKind, String)

    public var description: String {
        switch self {
        case .invalidAddress(let address, let reason):
            return "invalid address \"\(HeaderText.capped(HeaderText.sanitised(address), 100))\": \(reason)"
        case .invalidHeader(let reason): return "cannot write header: \(reason)"
        case .invalidRequest(let reason): return "invalid answer request: \(reason)"
        case .templateOutput(let kind, let reason): return "template \(kind.rawValue): \(reason)"
        }
    }
}

/// Builds the complete outgoing message of an automatic answer.
///
/// Headers, in this order: Date (UTC), From (our display name and address), To (the reporter's address
/// only), Subject (`[HD-000123] Re: <original subject>`, RFC 2047 encoded where needed), Message-ID (signed,
/// see `MessageIDSigner`), In-Reply-To and References (the reporter's ids, validated; References capped at
/// 10 ids), Auto-Submitted: auto-replied (RFC 3834), X-Auto-Response-Suppress: All (keeps Exchange and
/// Outlook from answering the answer), MIME-Version, Content-Type text/plain UTF-8 and
/// Content-Transfer-Encoding quoted-printable (7-bit clean on any relay, lines ≤ 76).
/// No Precedence field: it was never standardised (RFC 2076 calls it non-standard and discouraged;
/// "auto_reply" is not even one of its customary values) and RFC 3834 makes Auto-Submitted the signal.
public struct AnswerComposer: Sendable {
    public let signer: MessageIDSigner
    public let templates: AnswerTemplates
    public let terms: ResponseTerms
    let sender: EmailAddress
    let senderName: String

    /// How many ids References keeps: the thread's first and the latest ones.
    static let maxReferences = 10
    /// Longest subject we write, in characters, before encoding.
    static let maxSubjectLength = 200

    /// A composer sending from `fromAddress` as `fromName`; throws when the address is not acceptable.
    public init(
        fromAddress: String, fromName: String, signer: MessageIDSigner, templates: AnswerTemplates = AnswerTemplates(),
        terms: ResponseTerms = ResponseTerms()
    ) throws(AnswerError) {
        sender = try EmailAddress(validating: fromAddress)
        senderName = HeaderText.capped(HeaderText.sanitised(fromName), 64)
        self.signer = signer
        self.templates = templates
        self.terms = terms
    }

    /// Composes the answer. Throws for an unusable recipient (invalid, or our own address), a request that
    /// lacks what its kind needs, or a template that renders no proper subject and body.
    public func compose(_ request: AnswerRequest) throws(AnswerError) -> ComposedAnswer {
        guard (1...999_999_999).contains(request.sequence) else {
            throw .invalidRequest("the answer number must be 1 or more")
        }
        guard request.ticket.prefix == signer.prefix else {
            throw .invalidRequest("ticket \(request.ticket) does not use the prefix \(signer.prefix)")
        }
        let recipient = try EmailAddress(validating: request.recipient.address)
        var from = sender
        var fromName = senderName
        if let other = request.sender {
            from = try EmailAddress(validating: other.address)
            fromName = HeaderText.capped(HeaderText.sanitised(other.name ?? ""), 64)
        }
        for own in [sender, from]
        where MessageIDSigner.lowercasedASCII(recipient.value) == MessageIDSigner.lowercasedASCII(own.value) {
            throw .invalidAddress(recipient.value, "that is our own address; answering it would loop")
        }
        let context = try makeContext(request, from: from, fromName: fromName)
        let rendered = try templates.render(request.kind, context)
        let subject = Self.subjectLine(rendered.subject, ticket: request.ticket)

        let messageID = signer.make(ticket: request.ticket, sequence: request.sequence)
        guard let ownID = MessageID(messageID) else { throw .invalidHeader("our Message-ID \(messageID) is invalid") }
        let parent = request.inReplyTo.flatMap { MessageID($0) }

        var header = HeaderWriter()
        try header.addDate("Date", secondsSince1970: request.now)
        try header.addMailbox("From", displayName: fromName, address: from)
        try header.addMailbox("To", displayName: nil, address: recipient)
        try header.addText("Subject", subject)
        try header.addMessageIDs("Message-ID", [ownID])
        if let parent { try header.addMessageIDs("In-Reply-To", [parent]) }
        let references = Self.references(request.references, parent: parent)
        if !references.isEmpty { try header.addMessageIDs("References", references) }
        if !request.kind.isWrittenByStaff {
            // A person's answer is no automatic reply (RFC 3834): the reporter's out-of-office may answer it.
            try header.addToken("Auto-Submitted", "auto-replied")
            try header.addToken("X-Auto-Response-Suppress", "All")
        }
        try header.addToken("MIME-Version", "1.0")
        try header.addToken("Content-Type", "text/plain; charset=utf-8")
        try header.addToken("Content-Transfer-Encoding", "quoted-printable")

        var raw = try header.finish()
        raw += [0x0D, 0x0A]
        raw += QuotedPrintableEncoder.encode(rendered.body)
        return ComposedAnswer(messageID: messageID, recipient: recipient.value, subject: subject, raw: raw)
    }

    // MARK: Parts

    private func makeContext(
        _ request: AnswerRequest, from: EmailAddress, fromName: String
    ) throws(AnswerError) -> AnswerContext {
        var context = AnswerContext(
            ticket: request.ticket.description,
            subject: ReplySubject.cleaned(request.subject, prefix: signer.prefix),
            helpdeskName: fromName.isEmpty ? "Helpdesk" : fromName,
            helpdeskAddress: from.value,
            critical: request.severity == .critical,
            due: request.due.map(AnswerText.deadline),
            considerationPeriod: AnswerText.period(terms.normalConsideration),
            solutionPeriod: AnswerText.period(terms.criticalSolution, qualifier: "working"))
        var seen: Set<IncidentField> = []
        for field in request.missing where seen.insert(field).inserted {
            context.missing.append((field.key, AnswerText.prompt(for: field, custom: request.fieldPrompts)))
        }
        switch request.kind {
        case .informationRequest:
            guard !context.missing.isEmpty else { throw .invalidRequest("an information request needs missing fields") }
        case .passwordReset:
            // Without `[password_reset] url` the answer points to the portal's own "forgot password" function.
            if let url = request.passwordResetURL, !Self.isSafeURL(url) {
                throw .invalidRequest("a password-reset URL must be http(s) without spaces")
            }
        case .tooLarge:
            guard let limit = request.sizeLimit, limit > 0 else {
                throw .invalidRequest("a too-large answer needs the size limit")
            }
            context.sizeLimit = AnswerText.size(limit)
        case .acknowledgement, .resumed:
            break
        case .reply, .resolution:
            guard let text = request.text, !text.isEmpty else { throw .invalidRequest("staff's answer needs its text") }
            // Lines of the text as written; the encoder keeps every line under the transport limits.
            context.text = text.replacingCRLF()
        case .notification, .staffBounce:
            throw .invalidRequest("\(request.kind.rawValue) is written by NotificationComposer, not from a template")
        }
        if let url = request.passwordResetURL, Self.isSafeURL(url) { context.resetURL = url }
        context.readBack = request.readBack.compactMap { field, value in
            ReadBack.shown(value, field: field, now: request.now).map {
                (ReadBack.what(field) + (request.fromScreenshots.contains(field) ? " (from your screenshot)" : ""), $0)
            }
        }
        if let limit = request.sizeLimit, limit > 0 { context.sizeLimit = AnswerText.size(limit) }
        return context
    }

    /// The template's subject, one line, with the ticket tag guaranteed (replies are threaded by it) and
    /// capped at 200 characters.
    static func subjectLine(_ rendered: String, ticket: TicketReference) -> String {
        let tag = "[" + ticket.description + "]"
        var subject = HeaderText.sanitised(rendered)
        if !subject.contains(tag) { subject = tag + " " + subject }
        subject = HeaderText.capped(subject, maxSubjectLength)
        if !subject.contains(tag) {
            subject = tag + " " + HeaderText.capped(subject, maxSubjectLength - tag.count - 1)
        }
        return subject
    }

    /// References for the answer: the reporter's References and then their Message-ID, invalid ids
    /// dropped, each id once (at its last place), at most 10: the first (the thread's root) and the
    /// latest nine.
    static func references(_ references: [String], parent: MessageID?) -> [MessageID] {
        var ids = references.compactMap { MessageID($0) }
        if let parent { ids.append(parent) }
        var seen: Set<MessageID> = []
        var unique: [MessageID] = []
        for id in ids.reversed() where seen.insert(id).inserted { unique.append(id) }
        unique.reverse()
        guard unique.count > maxReferences else { return unique }
        return [unique[0]] + unique.suffix(maxReferences - 1)
    }

    /// An http(s) URL of printable ASCII without spaces, at most 2000 characters.
    static func isSafeURL(_ url: String) -> Bool {
        let lower = MessageIDSigner.lowercasedASCII(url)
        return (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && url.utf8.count <= 2000
            && url.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// The variables a template sees. Only these exist; `values` is what Mustache renders.
struct AnswerContext {
    var ticket: String
    var subject: String?
    var helpdeskName: String
    var helpdeskAddress: String
    var critical: Bool
    var due: String?
    var considerationPeriod: String
    var solutionPeriod: String
    var missing: [(field: String, prompt: String)] = []
    var resetURL: String?
    var sizeLimit: String?
    /// Values we read without a label: `what` (in words) and `value`.
    var readBack: [(what: String, value: String)] = []
    /// Staff's text (reply, resolution).
    var text: String?

    /// The variable names; `missing` items have `field` and `prompt`; `missing_<field>` is also set; `read_back`
    /// items have `what` and `value`.
    static let variableNames: Set<String> = [
        "ticket", "subject", "helpdesk_name", "helpdesk_address", "critical", "due", "consideration_period",
        "solution_period", "missing", "field", "prompt", "reset_url", "size_limit", "read_back", "has_read_back",
        "what", "value", "text",
    ]

    static func isKnownVariable(_ name: String) -> Bool {
        variableNames.contains(name) || (name.hasPrefix("missing_") && name.count > "missing_".count)
    }

    var values: [String: Any] {
        var values: [String: Any] = [
            "ticket": ticket,
            "helpdesk_name": helpdeskName,
            "helpdesk_address": helpdeskAddress,
            "critical": critical,
            "consideration_period": considerationPeriod,
            "solution_period": solutionPeriod,
            "missing": missing.map { ["field": $0.field, "prompt": $0.prompt] },
        ]
        if let subject { values["subject"] = subject }
        if let due { values["due"] = due }
        if let resetURL { values["reset_url"] = resetURL }
        if let sizeLimit { values["size_limit"] = sizeLimit }
        if let text { values["text"] = text }
        for item in missing { values["missing_" + item.field] = true }
        if !readBack.isEmpty {
            values["has_read_back"] = true
            values["read_back"] = readBack.map { ["what": $0.what, "value": $0.value] }
        }
        return values
    }

    /// Contexts a template is tried with when it is loaded: everything set, and the sparsest answer.
    static func samples(for kind: AnswerKind) -> [AnswerContext] {
        var full = AnswerContext(
            ticket: "HD-000123", subject: "Student cannot start the exam", helpdeskName: "Example Helpdesk",
            helpdeskAddress: "helpdesk@example.com", critical: true, due: "Tue 12 Nov 2024, 07:47 UTC",
            considerationPeriod: "24 hours", solutionPeriod: "8 working hours")
        full.missing = [("session_id", "the ID of the affected proctoring session"), ("screenshots", "a screenshot")]
        full.resetURL = "https://proctor.example.edu/reset-password"
        full.sizeLimit = "25 MB"
        full.readBack = [("the session ID", "9b2e7c41"), ("the user ID", "s1048573")]
        var sparse = full
        sparse.subject = nil
        sparse.critical = false
        sparse.due = nil
        sparse.missing = kind == .informationRequest ? [("description", "a short description of the problem")] : []
        sparse.resetURL = nil
        sparse.readBack = []
        if kind.isWrittenByStaff {
            full.text = "We reset your exam session.\nPlease start the exam again."
            sparse.text = "Done."
        }
        return [full, sparse]
    }
}

/// Which values an answer may show back to the reporter, and how. Answers never echo the reporter's text; these
/// are the narrow exception: a value we read without a label, checked against its shape, so the reporter can
/// correct a wrong reading. Anything else — free text, URLs, values with other characters — is never shown.
enum ReadBack {
    /// The value as shown, or nil when it may not be shown.
    static func shown(_ value: String, field: IncidentField, now: Int64) -> String? {
        switch field {
        case .sessionID, .userID:
            // One ID token: ASCII letters, digits and a few separators, at most 64 characters.
            guard (2...64).contains(value.count),
                value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:@#".contains($0)) })
            else { return nil }
            return value
        case .server:
            // The host only, never the URL (a path or query is content).
            var host = Substring(value)
            if let scheme = host.range(of: "://") { host = host[scheme.upperBound...] }
            host = host.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }
            guard (4...253).contains(host.count), host.contains("."),
                host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
            else { return nil }
            return host.lowercased()
        case .detectedAt:
            guard let seconds = Int64(value) else { return nil }
            return AnswerText.deadline(seconds)
        default:
            return nil
        }
    }

    static func what(_ field: IncidentField) -> String {
        switch field {
        case .sessionID: return "the session ID"
        case .userID: return "the user ID"
        case .server: return "the proctoring server"
        case .detectedAt: return "when you noticed the problem"
        default: return field.key
        }
    }
}
