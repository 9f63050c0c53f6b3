public import Incident
public import MIME

/// An email after the pure steps (`IntakePipeline.analyse`): parsed, decoded and read as an incident report.
/// What `TicketWorkflow` decides about; it holds no store state.
public struct IncomingEmail: Sendable {
    /// The email as received.
    public let raw: [UInt8]
    public let sha256: String
    /// What its author wrote, without what servers added on the way (`AuthorDigest`): the same for each copy
    /// of an email delivered to several of our mailboxes.
    public let authorSHA256: String
    public let message: MIMEMessage
    public let content: MessageContent
    public internal(set) var report: IncidentReport
    /// Set when the email was over the size limit (its size in bytes): only its header section is here.
    public internal(set) var tooLarge: Int? = nil
    /// What OCR gave for each screenshot read before the answer was decided (empty when none was read).
    public internal(set) var screenshotsRead: [OCROutcome] = []

    public init(raw: [UInt8], sha256: String, message: MIMEMessage, content: MessageContent, report: IncidentReport) {
        self.raw = raw
        self.sha256 = sha256
        self.authorSHA256 = AuthorDigest.sha256(message)
        self.message = message
        self.content = content
        self.report = report
    }

    /// The reporter's address as stored and answered: `MailAddress.identity` (ASCII case folded, IDNA domain), or
    /// as written when it is not a usable mailbox.
    public var sender: String { report.reporter.map { $0.identity ?? $0.address.lowercased() } ?? "" }
    /// The author's identity when this email may act on a ticket it refers to (`IncidentReport.mayActOnTickets`).
    public var trustedAuthor: String? { report.mayActOnTickets ? report.author?.identity : nil }
    public var messageID: String? { content.envelope.messageID }
}
