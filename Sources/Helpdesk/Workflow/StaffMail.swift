public import Incident
import MIME
public import TicketStore

/// A staff member's email to the helpdesk, read: the commands on lines of their own at the top (`#note`,
/// `#resolve`, `#close`, `#ask session_id, screenshots`, `#severity critical`, `#assign NAME`, `#open`), then
/// their new text — what they wrote, without the quoted notification and their signature (`ReporterText`).
public struct StaffMail: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        /// The text is an internal note, never emailed.
        case note
        /// Resolve the ticket; the text, if any, is the summary emailed to the customer.
        case resolve
        case close
        /// Ask the customer for these fields (keys).
        case ask([String])
        case severity(Severity)
        /// Give the ticket to this staff member (nil: to nobody).
        case assign(String?)
        /// The email forwards a customer's email: open a ticket for that customer.
        case open
    }

    public var commands: [Command]
    /// The new text below the commands, trimmed (empty when there is none).
    public var text: String

    /// At most this many command lines are read; a longer run of `#` lines is not a list of commands.
    static let maxCommands = 10

    public init(commands: [Command], text: String) {
        self.commands = commands
        self.text = text
    }

    /// Reads the staff member's own lines. Throws for an unknown command or an argument that is not one (the
    /// staff member is told why, and nothing is carried out). One pass over the lines.
    public static func read(_ lines: [Substring]) throws(StaffActionError) -> StaffMail {
        var commands: [Command] = []
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmed
            if line.isEmpty, commands.isEmpty {
                index += 1
                continue
            }
            guard line.first == "#" else { break }
            guard commands.count < maxCommands else {
                throw StaffActionError(.unknownValue, "more than \(maxCommands) command lines")
            }
            commands.append(try command(line))
            index += 1
        }
        let text = lines[index...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return StaffMail(commands: commands, text: text)
    }

    /// One command line: `#word` and its argument.
    static func command(_ line: Substring) throws(StaffActionError) -> Command {
        let body = line.dropFirst().prefix(300)
        let word = String(body.prefix { !$0.isWhitespace }).lowercased()
        let argument = body.drop { !$0.isWhitespace }.trimmed
        func noArgument(_ command: Command) throws(StaffActionError) -> Command {
            guard argument.isEmpty else {
                throw StaffActionError(.unknownValue, "#\(word) takes nothing after it on its line")
            }
            return command
        }
        switch word {
        case "note": return try noArgument(.note)
        case "resolve": return try noArgument(.resolve)
        case "close": return try noArgument(.close)
        case "open": return try noArgument(.open)
        case "ask":
            let fields = argument.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map { $0.lowercased() }
            guard !fields.isEmpty else {
                throw StaffActionError(.emptyText, "#ask needs the fields, e.g. #ask session_id")
            }
            return .ask(fields)
        case "severity":
            guard let severity = Severity(rawValue: argument.lowercased()) else {
                throw StaffActionError(.unknownValue, "#severity takes critical or normal, not \"\(argument)\"")
            }
            return .severity(severity)
        case "assign":
            guard !argument.isEmpty, !argument.contains(where: \.isWhitespace) else {
                throw StaffActionError(.unknownValue, "#assign takes one staff name (or nobody)")
            }
            let name = argument.lowercased()
            return .assign(name == "nobody" ? nil : name)
        default:
            throw StaffActionError(.unknownValue, "#\(word.prefix(40)) is not a command")
        }
    }

    /// Whether carrying it out emails the customer (a reply, a resolution summary).
    public var answersCustomer: Bool {
        let consumed = commands.contains(.note) || commands.contains(.resolve)
        return (!text.isEmpty && !consumed) || (commands.contains(.resolve) && !text.isEmpty)
    }

    /// The staff actions, in order. The text is sent to the customer unless `#note` (it is the note) or
    /// `#resolve` (it is the summary) takes it; it goes before the other commands, so `#close` or `#ask`
    /// follow the answer.
    public var actions: [StaffAction] {
        var actions: [StaffAction] = []
        let consumed = commands.contains(.note) || commands.contains(.resolve)
        if !text.isEmpty, !consumed { actions.append(.reply(text)) }
        for command in commands {
            switch command {
            case .note: actions.append(.note(text))
            case .resolve: actions.append(text.isEmpty ? .resolve : .resolveWithSummary(text))
            case .close: actions.append(.close)
            case .ask(let fields): actions.append(.askForData(fields))
            case .severity(let severity): actions.append(.setSeverity(severity))
            case .assign(let name): actions.append(.assign(name))
            case .open: break
            }
        }
        return actions
    }

    /// The author's own lines of `email` (its text, or its HTML's), wherever they are: quotes, attributions,
    /// forwarded headers and signatures removed. A customer's words for a notification.
    static func ownLines(of email: IncomingEmail, ours: OwnAnswerText) -> [Substring] {
        ReporterText.lines(
            of: bodyText(of: email), subjectIsForward: ReporterText.isForwardSubject(email.content.envelope.subject),
            ours: ours)
    }

    /// A staff member's new lines: their own lines above the first line that is not (their signature, the
    /// attribution or header block of the quoted notification). Unlike a customer's, a staff answer is never
    /// read between the lines of a quote: an HTML client's quote of the notification, once rendered as text,
    /// is not reliably marked, and nothing of it may reach the customer.
    static func newLines(of email: IncomingEmail, ours: OwnAnswerText) -> [Substring] {
        var lines: [Substring] = []
        for line in ReporterText.read(
            bodyText(of: email), subjectIsForward: ReporterText.isForwardSubject(email.content.envelope.subject),
            ours: ours)
        {
            if line.role == .own {
                lines.append(line.text)
            } else if lines.contains(where: { $0.contains { !$0.isWhitespace } }) {
                break
            }
        }
        while let last = lines.last, !last.contains(where: { !$0.isWhitespace }) { lines.removeLast() }
        return lines
    }

    /// The text body, else the HTML body as text, at most 64 KB.
    private static func bodyText(of email: IncomingEmail) -> String {
        let content = email.content
        let text = content.text ?? content.html.map { HTMLText.text(fromHTML: String($0.prefix(1 << 20))) } ?? ""
        return String(text.prefix(64 * 1024))
    }

    /// The sender of the customer's email a staff member forwarded: the From of the first message attached as
    /// message/rfc822, else the address on the "From:" line of the first inline forwarded header block. Nil when
    /// there is none.
    static func forwardedSender(of email: IncomingEmail) -> MailAddress? {
        let message = email.message
        for part in message.parts where part.kind == .message && part.parent != nil {
            guard let encapsulated = part.children.first else { continue }
            if let from = message.envelope(of: encapsulated).envelope.from.first, from.identity != nil { return from }
        }
        let content = email.content
        let text = String((content.text ?? "").prefix(64 * 1024))
        let lines = ReporterText.read(text, subjectIsForward: true)
        let names: Set<String> = ["from", "von", "de", "van", "da", "od", "от", "от кого", "kimden", "från", "fra"]
        for line in lines where line.role == .forwardHeader || line.role == .attribution {
            let text = line.text.drop { $0 == "*" || $0.isWhitespace }
            guard let colon = text.prefix(20).firstIndex(where: { $0 == ":" || $0 == "：" }) else { continue }
            let name = text[..<colon].trimmed.lowercased()
            guard names.contains(name) else { continue }
            let value = text[text.index(after: colon)...].prefix(1000)
            if let address = AddressParser.parse(value).first, address.identity != nil { return address }
        }
        return nil
    }
}

/// An email from an address in the staff registry (`StaffRecord.email`), as intake found it (`EmailIntake`).
public struct StaffSender: Sendable, Equatable {
    /// The member's name (`StaffRecord.name`): the actor on the audit trail.
    public var name: String
    /// The member's address as registered, in `MailAddress.identity` form.
    public var address: String
    /// The ticket named by a valid staff token (`MessageIDSigner.verifyStaffToken`) in In-Reply-To or References.
    public var tokenTicket: TicketRecord?
    /// That token (the notification's Message-ID).
    public var token: String?
    /// Another member who already answered the customer by replying to the same notification.
    public var answeredBy: String?

    public init(
        name: String, address: String, tokenTicket: TicketRecord? = nil, token: String? = nil, answeredBy: String? = nil
    ) {
        self.name = name
        self.address = address
        self.tokenTicket = tokenTicket
        self.token = token
        self.answeredBy = answeredBy
    }
}

extension Substring {
    /// Without white space at either end.
    fileprivate var trimmed: Substring {
        guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        return self[start...lastIndex(where: { !$0.isWhitespace })!]
    }
}
