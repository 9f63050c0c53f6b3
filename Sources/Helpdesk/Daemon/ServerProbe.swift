import Mail

/// `helpdeskd check-config --connect`: logs in to the IMAP and SMTP servers with the configured
/// settings and secrets, exactly as the daemon would, and reports what they announce — without
/// fetching, moving or sending anything.
public enum ServerProbe {
    /// What one server said, or why talking to it failed.
    public struct Outcome: Sendable {
        /// "imap" or "smtp".
        public var service: String
        public var url: String
        /// One line per finding, for people.
        public var lines: [String]
        /// The failure, when the server could not be reached or refused us.
        public var error: String?
    }

    public static func imap(_ configuration: HelpdeskConfiguration) -> Outcome {
        var outcome = Outcome(service: "imap", url: configuration.imap.url, lines: [], error: nil)
        do {
            let mailbox = try MailConnections.imap(configuration)
            defer { mailbox.close() }
            let status = try mailbox.open()
            let user = mailbox.configuration.credential.user
            outcome.lines.append(
                "logged in as \(user); \(mailbox.mailbox) holds \(status.messages) message(s) "
                    + "(UIDVALIDITY \(status.uidValidity), UIDNEXT \(status.uidNext))")
            let capabilities = try mailbox.capabilities().sorted()
            outcome.lines.append("capabilities: \(capabilities.joined(separator: " "))")
            if !capabilities.contains("MOVE") {
                outcome.lines.append("note: no MOVE; handled mail is filed with UID COPY + \\Deleted + EXPUNGE")
            }
            if !capabilities.contains("UIDPLUS") {
                outcome.lines.append(
                    "note: no UIDPLUS; filing a message expunges every \\Deleted message in the mailbox")
            }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    public static func smtp(_ configuration: HelpdeskConfiguration) -> Outcome {
        var outcome = Outcome(service: "smtp", url: configuration.smtp.url, lines: [], error: nil)
        do {
            let sender = try MailConnections.smtp(configuration)
            defer { sender.close() }
            let extensions = try sender.verify()
            let login = sender.configuration.credential.map { "logged in as \($0.user)" } ?? "no login configured"
            outcome.lines.append("connected (\(configuration.smtp.tls.rawValue)), \(login)")
            outcome.lines.append("extensions: \(extensions.isEmpty ? "(none)" : extensions.joined(separator: ", "))")
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }
}
