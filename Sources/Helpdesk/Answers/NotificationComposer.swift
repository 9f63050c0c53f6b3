import Digest
import Foundation
import Incident
public import TicketStore

/// Why the support team is told about a ticket (`[staff]`).
public enum NotificationEvent: Sendable, Equatable {
    /// A report opened the ticket complete: it is ready to work on.
    case opened
    /// The reporter supplied what was missing (these fields): the ticket is open again.
    case resumed(supplied: [String])
    /// The ticket's running SLA clock has used this percentage of its time (100: the due time has passed).
    case slaWarning(percent: Int)
}

/// What a notification to the support team says: the triaged summary, the customer's text and their screenshots.
/// Everything from the customer is hostile text: it goes into the body (quoted-printable, never a header) and
/// the screenshots as base64 attachments under names we make safe.
public struct NotificationRequest: Sendable {
    /// One field in force: its value and where it was read from (`FieldValueRecord.source`).
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String
        public var source: String
        public init(key: String, value: String, source: String) {
            self.key = key
            self.value = value
            self.source = source
        }
    }

    /// An image to attach.
    public struct Screenshot: Sendable, Equatable {
        public var filename: String?
        public var contentType: String
        public var bytes: [UInt8]
        public init(filename: String?, contentType: String, bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    public var event: NotificationEvent
    public var ticket: TicketRecord
    public var fields: [Field]
    /// The customer's own words (quotes and signature removed), capped by the composer.
    public var customerText: String
    public var screenshots: [Screenshot]
    /// Screenshots not attached (over `[staff] max_attachment_bytes`), by name.
    public var screenshotsLeftOut: [String] = []
    /// The notification's number on this ticket (1 for the first): part of its Message-ID, the staff token.
    public var sequence: Int
    public var now: Int64

    public init(
        event: NotificationEvent, ticket: TicketRecord, fields: [Field], customerText: String,
        screenshots: [Screenshot], sequence: Int, now: Int64
    ) {
        self.event = event
        self.ticket = ticket
        self.fields = fields
        self.customerText = customerText
        self.screenshots = screenshots
        self.sequence = sequence
        self.now = now
    }
}

/// Writes the mail helpdeskd sends to staff rather than customers: notifications to the team address and short
/// bounces to a staff member whose email was not acted on.
///
/// A notification comes from the helpdesk address, so that a staff member's reply reaches the helpdesk mailbox;
/// its Message-ID is the signed staff token (`MessageIDSigner.makeStaffToken`) that, named in the reply's
/// In-Reply-To or References, lets the reply act on the ticket (with an authenticated member address: both are
/// needed). Both kinds carry `Auto-Submitted: auto-generated` (RFC 3834: not a reply to anyone) and
/// `X-Auto-Response-Suppress: All`, so that out-of-office answers are not sent to them, and intake files any
/// that come back as machine mail: a notification never answers a notification.
///
/// Concurrency: a value type; pure.
public struct NotificationComposer: Sendable {
    let signer: MessageIDSigner
    private let sender: EmailAddress
    private let senderName: String

    /// Customer text in a notification, at most this many characters.
    static let maxCustomerText = 16_000

    /// A composer sending as `answers` does: the helpdesk's address and name, its signer's key.
    public init(answers: AnswerComposer) {
        sender = answers.sender
        senderName = answers.senderName
        signer = answers.signer
    }

    /// The notification of `request` to `team`.
    public func notification(_ request: NotificationRequest, to team: String) throws(AnswerError) -> ComposedAnswer {
        let ticket = request.ticket
        guard let reference = TicketReference(parsing: Substring(ticket.ref), prefix: signer.prefix) else {
            throw .invalidRequest("ticket \(ticket.ref) does not use the prefix \(signer.prefix)")
        }
        guard (1...999_999_999).contains(request.sequence) else {
            throw .invalidRequest("the notification number must be 1 or more")
        }
        let recipient = try EmailAddress(validating: team)
        let what: String
        switch request.event {
        case .opened: what = "New ticket"
        case .resumed: what = "Resumed"
        case .slaWarning(let percent) where percent >= 100: what = "SLA due time passed"
        case .slaWarning(let percent): what = "SLA \(percent)% used"
        }
        let subject = AnswerComposer.subjectLine(
            what + ": " + (ticket.subject.isEmpty ? "(no subject)" : ticket.subject), ticket: reference)
        let messageID = signer.makeStaffToken(ticket: reference, sequence: request.sequence)
        var parts: [(header: [String], body: [UInt8])] = [
            (
                ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
                QuotedPrintableEncoder.encode(summary(request))
            )
        ]
        for (index, shot) in request.screenshots.enumerated() {
            let type = Self.imageType(shot.contentType)
            let name = Self.attachmentName(shot.filename, index: index + 1, type: type)
            parts.append(
                (
                    [
                        "Content-Type: \(type); name=\"\(name)\"", "Content-Transfer-Encoding: base64",
                        "Content-Disposition: attachment; filename=\"\(name)\"",
                    ],
                    Self.base64Lines(shot.bytes)
                ))
        }
        let raw = try message(
            to: recipient, subject: subject, messageID: messageID, inReplyTo: nil, references: [], now: request.now,
            parts: parts)
        return ComposedAnswer(messageID: messageID, recipient: recipient.value, subject: subject, raw: raw)
    }

    /// A short bounce to staff member `address`: their email (`inReplyTo`, with its `references`; its bytes hash
    /// to `emailSHA256`) was not acted on, because `reason`. The bounce's References keep the email's, so that a
    /// corrected reply to the bounce still names the notification's token.
    public func bounce(
        to address: String, ticket: String?, reason: String, inReplyTo: String?, references: [String] = [],
        emailSHA256: String, now: Int64
    ) throws(AnswerError) -> ComposedAnswer {
        let recipient = try EmailAddress(validating: address)
        let reference = ticket.flatMap { TicketReference(parsing: Substring($0), prefix: signer.prefix) }
        let subject =
            reference.map { AnswerComposer.subjectLine("Not carried out", ticket: $0) } ?? "Not carried out"
        // One bounce per received email: its digest makes the id unique and a retry after a crash the same.
        let messageID = "staff-bounce." + String(emailSHA256.prefix(24)) + "@" + signer.domain
        var text = "Your email to the helpdesk was not carried out: nothing was sent to the customer"
        text += reference.map { " and \($0) did not change.\n\n" } ?? ".\n\n"
        text += "Why: " + HeaderText.capped(HeaderText.sanitised(reason), 300) + "\n\n"
        text += Self.commandHelp
        let parent = inReplyTo.flatMap { MessageID($0) }
        let raw = try message(
            to: recipient, subject: subject, messageID: messageID, inReplyTo: parent,
            references: AnswerComposer.references(references, parent: parent), now: now,
            parts: [
                (
                    ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
                    QuotedPrintableEncoder.encode(text)
                )
            ])
        return ComposedAnswer(messageID: messageID, recipient: recipient.value, subject: subject, raw: raw)
    }

    /// How staff work by email, at the end of every notification and bounce.
    static let commandHelp = """
        Reply to a notification to answer the customer: your new text (without the quoted notification and your \
        signature) is sent from the helpdesk address. Commands, each on a line of its own at the top:
          #note                      an internal note: nothing is sent
          #resolve                   resolve the ticket; your text is the summary sent to the customer
          #close                     close the ticket (your text, if any, is sent first)
          #ask session_id, screenshots   ask the customer for these fields
          #severity critical|normal  change the severity
          #assign NAME               give the ticket to a staff member
        Forward a customer's email to the helpdesk with #open at the top to open a ticket for them.

        """

    // MARK: Parts

    /// The plain-text summary: what happened, the triage, every field with its source, the customer's text.
    func summary(_ request: NotificationRequest) -> String {
        let ticket = request.ticket
        var text: String
        switch request.event {
        case .opened:
            text = "\(ticket.ref) was opened with a complete report.\n"
        case .resumed(let supplied):
            text = "\(ticket.ref) is open again: the customer supplied what was missing.\n"
            if !supplied.isEmpty { text += "Missing before, now supplied: \(supplied.joined(separator: ", "))\n" }
        case .slaWarning(let percent) where percent >= 100:
            text = "\(ticket.ref) has passed its SLA due time and is still open.\n"
        case .slaWarning(let percent):
            text = "\(ticket.ref) has used \(percent)% of its SLA time and is still open.\n"
        }
        text += "\n"
        text += "Reference: \(ticket.ref)\n"
        text += "Status:    \(ticket.status.rawValue)\n"
        text += "Severity:  \(ticket.severity.rawValue)\n"
        text += "Category:  \(ticket.category)\n"
        text += "Due:       " + (ticket.dueAt.map(AnswerText.deadline) ?? "-") + "\n"
        text += "Reporter:  " + ticket.reporterAddress + "\n"
        text += "Assignee:  " + (ticket.assignee ?? "-") + "\n"
        text += "Subject:   " + HeaderText.capped(HeaderText.sanitised(ticket.subject), 200) + "\n"
        if !ticket.missingFields.isEmpty { text += "Missing:   " + ticket.missingFields.joined(separator: ", ") + "\n" }
        text += "\nFields (value, then where it was read):\n"
        for field in request.fields {
            let value = HeaderText.capped(HeaderText.sanitised(field.value), 300)
            text += "- \(field.key): \(value)\n"
            if !field.source.isEmpty {
                text += "    from " + HeaderText.capped(HeaderText.sanitised(field.source), 300) + "\n"
            }
        }
        if request.fields.isEmpty { text += "- (none)\n" }
        if !request.screenshots.isEmpty {
            text += "\nScreenshots attached: \(request.screenshots.count)\n"
        }
        if !request.screenshotsLeftOut.isEmpty {
            text +=
                "Screenshots too large to attach (see the workspace): "
                + request.screenshotsLeftOut.joined(separator: ", ") + "\n"
        }
        let customer = String(request.customerText.prefix(Self.maxCustomerText))
        if !customer.isEmpty {
            text += "\nThe customer wrote:\n\n" + customer.replacingCRLF() + "\n"
        }
        text += "\n-- \n" + Self.commandHelp
        return text
    }

    private func message(
        to recipient: EmailAddress, subject: String, messageID: String, inReplyTo: MessageID?,
        references: [MessageID], now: Int64, parts: [(header: [String], body: [UInt8])]
    ) throws(AnswerError) -> [UInt8] {
        guard let ownID = MessageID(messageID) else { throw .invalidHeader("our Message-ID \(messageID) is invalid") }
        var header = HeaderWriter()
        try header.addDate("Date", secondsSince1970: now)
        try header.addMailbox("From", displayName: senderName, address: sender)
        try header.addMailbox("To", displayName: nil, address: recipient)
        // Replies must reach the helpdesk mailbox, even through a list that sets its own Reply-To.
        try header.addMailbox("Reply-To", displayName: senderName, address: sender)
        try header.addText("Subject", subject)
        try header.addMessageIDs("Message-ID", [ownID])
        if let inReplyTo { try header.addMessageIDs("In-Reply-To", [inReplyTo]) }
        if !references.isEmpty { try header.addMessageIDs("References", references) }
        try header.addToken("Auto-Submitted", "auto-generated")
        try header.addToken("X-Auto-Response-Suppress", "All")
        try header.addToken("MIME-Version", "1.0")
        var raw: [UInt8]
        if parts.count == 1 {
            for line in parts[0].header {
                let colon = line.firstIndex(of: ":")!
                try header.addToken(
                    String(line[..<colon]), String(line[line.index(after: colon)...].drop(while: { $0 == " " })))
            }
            raw = try header.finish() + [0x0D, 0x0A] + parts[0].body
            return raw
        }
        // "=_" cannot start a line of base64 or of our quoted-printable ("=" is always "=XX" there); each part is
        // checked anyway, since the customer's text is in one.
        var boundary = "=_hd_" + String(SHA256.hex(Array(messageID.utf8)).prefix(24))
        while parts.contains(where: { Self.contains($0.body, Array(("--" + boundary).utf8)) }) { boundary += "x" }
        try header.addToken("Content-Type", "multipart/mixed; boundary=\"\(boundary)\"")
        raw = try header.finish() + [0x0D, 0x0A]
        raw += Array("This is a message in MIME format.\r\n".utf8)
        for part in parts {
            raw += Array("\r\n--\(boundary)\r\n".utf8)
            for line in part.header { raw += Array((line + "\r\n").utf8) }
            raw += [0x0D, 0x0A]
            raw += part.body
        }
        raw += Array("\r\n--\(boundary)--\r\n".utf8)
        return raw
    }

    /// The image type to declare: the detected one when it is an image type we know, else a generic one.
    static func imageType(_ type: String) -> String {
        let known = ["image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "image/bmp", "image/tiff"]
        let lower = type.lowercased()
        return known.contains(lower) ? lower : "application/octet-stream"
    }

    /// A file name that is safe in a quoted parameter: the customer's, reduced to ASCII letters, digits, dot,
    /// hyphen and underscore, else `screenshot-N.<ext>`.
    static func attachmentName(_ name: String?, index: Int, type: String) -> String {
        let cleaned = String(
            (name ?? "").unicodeScalars.filter {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
            .prefix(60).map(Character.init))
        if cleaned.count >= 3, cleaned.first != ".", cleaned.contains(".") { return cleaned }
        let ext = type.hasPrefix("image/") ? String(type.dropFirst(6)) : "bin"
        return "screenshot-\(index).\(ext)"
    }

    /// Base64 in lines of 76 characters, CRLF after each.
    static func base64Lines(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + encoded.count / 76 * 2 + 2)
        var index = 0
        while index < encoded.count {
            let end = min(index + 76, encoded.count)
            out += encoded[index..<end]
            out += [0x0D, 0x0A]
            index = end
        }
        return out
    }

    /// Whether `needle` occurs at the start of a line of `haystack` (a boundary line can only start one).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var lineStart = 0
        while lineStart + needle.count <= haystack.count {
            if haystack[lineStart..<(lineStart + needle.count)].elementsEqual(needle) { return true }
            guard let next = haystack[lineStart...].firstIndex(of: 0x0A) else { return false }
            lineStart = next + 1
        }
        return false
    }
}
