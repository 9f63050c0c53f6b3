import Foundation
import Mail

/// Everything `helpdeskd check-config` checks beyond the file's syntax: secret files, the signing
/// key, templates, CA files and the state directory.
public enum ConfigurationCheck {
    public static func problems(_ configuration: HelpdeskConfiguration, file: String) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        func problem(_ key: String, _ message: String, _ fix: String) {
            problems.append(ConfigurationProblem(file: file, line: nil, key: key, message: message, fix: fix))
        }
        func readable(_ path: String, key: String, secret: Bool) {
            guard !path.isEmpty else { return }
            guard FileManager.default.isReadableFile(atPath: path) else {
                problem(
                    key, "\(path) cannot be read",
                    secret ? "create it with the secret, mode 0600, owned by the service user" : "check the path")
                return
            }
            if secret, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
            {
                problem(key, "\(path) is readable by other users (mode \(String(mode, radix: 8)))", "chmod 600 \(path)")
            }
        }
        for mailbox in configuration.mailboxes {
            let imap = mailbox.imap
            let section = configuration.mailboxEntries.isEmpty ? "imap" : "mailbox.\(mailbox.name)"
            if imap.auth == .password, imap.passwordFile.isEmpty, imap.oauth2TokenFile.isEmpty {
                problem(
                    "\(section).password_file", "no IMAP password or token file is configured",
                    "set password_file or oauth2_token_file")
            }
            readable(imap.passwordFile, key: "\(section).password_file", secret: true)
            readable(imap.oauth2TokenFile, key: "\(section).oauth2_token_file", secret: true)
            readable(imap.caFile, key: "\(section).ca_file", secret: false)
            if imap.allowPlaintext, !LoopbackHost.isLoopback(url: imap.url) {
                problem(
                    "\(section).allow_plaintext", "plain text is only allowed to a loopback server",
                    "use imaps:// or STARTTLS")
            }
        }
        let smtp = configuration.smtp
        readable(smtp.passwordFile, key: "smtp.password_file", secret: true)
        readable(smtp.caFile, key: "smtp.ca_file", secret: false)
        if smtp.auth == .password, !smtp.user.isEmpty, smtp.passwordFile.isEmpty {
            problem("smtp.password_file", "an SMTP user is set but no password file", "set smtp.password_file")
        }
        if smtp.tls == .none, !LoopbackHost.isLoopback(url: smtp.url) {
            problem("smtp.tls", "tls = \"none\" is only allowed to a loopback server", "use starttls or implicit")
        }
        let key = configuration.identity.hmacKeyFile
        if !key.isEmpty {
            if let data = FileManager.default.contents(atPath: key) {
                if let message = MessageIDSigner.problem(
                    key: [UInt8](data), domain: configuration.identity.domain,
                    prefix: configuration.identity.ticketPrefix)
                {
                    problem("helpdesk.hmac_key_file", message, "head -c 32 /dev/urandom > \(key); chmod 600 \(key)")
                }
                readable(key, key: "helpdesk.hmac_key_file", secret: true)
            } else {
                problem(
                    "helpdesk.hmac_key_file", "\(key) cannot be read",
                    "head -c 32 /dev/urandom > \(key); chmod 600 \(key)")
            }
        }
        let templates = configuration.identity.templatesDirectory
        do {
            _ = try AnswerTemplates.load(directory: templates.isEmpty ? nil : templates)
        } catch {
            problem(
                "helpdesk.templates_directory", "\(error)", "fix the template, or remove it to use the built-in one")
        }
        let state = configuration.identity.stateDirectory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: state, isDirectory: &isDirectory) {
            if !isDirectory.boolValue {
                problem("helpdesk.state_directory", "\(state) is not a directory", "point it at a directory")
            } else if !FileManager.default.isWritableFile(atPath: state) {
                problem("helpdesk.state_directory", "\(state) is not writable", "chown it to the service user")
            }
        } else if !FileManager.default.isWritableFile(atPath: (state as NSString).deletingLastPathComponent) {
            problem(
                "helpdesk.state_directory", "\(state) does not exist and cannot be created",
                "create it, owned by the service user, mode 0700")
        }
        return problems
    }
}
