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
            outcome.lines.append("extensions: \(extensions.isEmpty ? "(none)" : extensions.joined(separator: ", "))")
            if let credential = sender.configuration.credential {
                // libcurl skips AUTH silently when the server offers none: say so instead of "logged in".
                guard extensions.contains(where: { $0.uppercased().hasPrefix("AUTH") }) else {
                    outcome.error =
                        "the server offers no AUTH, so the configured login as \(credential.user) was not used"
                    return outcome
                }
                outcome.lines.insert(
                    "connected (\(configuration.smtp.tls.rawValue)), logged in as \(credential.user)", at: 0)
            } else {
                outcome.lines.insert("connected (\(configuration.smtp.tls.rawValue)), no login configured", at: 0)
            }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }
}
