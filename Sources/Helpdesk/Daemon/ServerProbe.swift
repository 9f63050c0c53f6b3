import Mail
import OAuth

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

    /// Logs in to `mailbox` (by default the first: the `[imap]` section's).
    public static func imap(
        _ configuration: HelpdeskConfiguration, mailbox: HelpdeskConfiguration.Mailbox? = nil
    ) -> Outcome {
        let mailbox = mailbox ?? configuration.mailboxes[0]
        let configuration = configuration.reading(mailbox)
        let service = mailbox.name == HelpdeskConfiguration.Mailbox.defaultName ? "imap" : "imap [\(mailbox.name)]"
        var outcome = Outcome(service: service, url: configuration.imap.url, lines: [], error: nil)
        do {
            var token: Secret? = nil
            if configuration.imap.auth == .oauth2 {
                let (line, issued) = try Self.token(
                    configuration, name: configuration.imap.oauth2, user: MailConnections.imapUser(configuration))
                outcome.lines.append(line)
                token = issued
            }
            let mailbox = try IMAPMailbox(configuration: MailConnections.imapConfiguration(configuration, token: token))
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
            var token: Secret? = nil
            if configuration.smtp.auth == .oauth2 {
                let user = configuration.smtp.user.isEmpty ? configuration.identity.address : configuration.smtp.user
                let (line, issued) = try Self.token(configuration, name: configuration.smtp.oauth2, user: user)
                outcome.lines.append(line)
                token = issued
            }
            let sender = try SMTPSender(configuration: MailConnections.smtpConfiguration(configuration, token: token))
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
                    "connected (\(configuration.smtp.tls.rawValue)), logged in as \(credential.user)",
                    at: token == nil ? 0 : 1)
            } else {
                outcome.lines.insert("connected (\(configuration.smtp.tls.rawValue)), no login configured", at: 0)
            }
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }

    /// An access token from `[oauth2.NAME]` for `user` (from the token file when still fresh), and what to say.
    static func token(_ configuration: HelpdeskConfiguration, name: String, user: String) throws -> (String, Secret) {
        let provider = try MailConnections.tokenProvider(configuration, name: name, user: user, tokens: nil)
        let now = WallClock.seconds()
        let (token, expiresAt) = try provider.accessToken(now: now)
        return (
            "access token from [oauth2.\(name)] (\(provider.settings.grant.rawValue)) for \(user), valid for \(expiresAt - now) s",
            token
        )
    }
}
