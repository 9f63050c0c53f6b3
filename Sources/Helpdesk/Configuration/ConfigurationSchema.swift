import Foundation
import Incident
import MIME
import OAuth
import TOMLKit

/// Why one setting's value was refused.
struct SettingError: Error {
    var message: String
    var fix: String
}

/// A setting's value as written: in the TOML file, or in an environment variable.
enum RawSetting {
    case toml(any TOMLValueConvertible)
    case environment(String)

    func string() throws -> String {
        switch self {
        case .environment(let text): return text
        case .toml(let value):
            guard let text = value.string else {
                throw SettingError(message: "must be a string", fix: "quote it: \"…\"")
            }
            return text
        }
    }

    func int(_ range: ClosedRange<Int>) throws -> Int {
        let number: Int?
        switch self {
        case .environment(let text): number = Int(text)
        case .toml(let value): number = value.int
        }
        guard let number else { throw SettingError(message: "must be a whole number", fix: "for example 10") }
        guard range.contains(number) else {
            throw SettingError(message: "\(number) is out of range", fix: "use \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    func bool() throws -> Bool {
        switch self {
        case .environment(let text):
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw SettingError(message: "must be true or false", fix: "")
            }
        case .toml(let value):
            guard let flag = value.bool else { throw SettingError(message: "must be true or false", fix: "no quotes") }
            return flag
        }
    }

    func strings() throws -> [String] {
        switch self {
        case .environment(let text):
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .toml(let value):
            guard let array = value.array else {
                throw SettingError(message: "must be a list of strings", fix: "write [\"a\", \"b\"]")
            }
            return try array.map { element in
                guard let text = element.string else {
                    throw SettingError(message: "must be a list of strings", fix: "quote every element")
                }
                return text
            }
        }
    }

    /// A list of whole numbers (`[75, 100]`, or "75,100" in the environment), as written.
    func percentages() throws -> [String] {
        switch self {
        case .environment: return try strings()
        case .toml(let value):
            guard let array = value.array else {
                throw SettingError(message: "must be a list of whole numbers", fix: "write [75, 100]")
            }
            return try array.map { element in
                guard let number = element.int else {
                    throw SettingError(message: "must be a list of whole numbers", fix: "write [75, 100]")
                }
                return String(number)
            }
        }
    }

    /// "30s", "5m", "24h", "2d" → seconds.
    func duration(_ range: ClosedRange<Int64>) throws -> Int64 {
        let text = try string().trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int64)] = [("ms", 0), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (unit, factor) in units where text.hasSuffix(unit) && factor > 0 {
            if unit == "s", text.hasSuffix("ms") { continue }
            if let number = Int64(text.dropLast(unit.count)), number >= 0 {
                let seconds = number * factor
                guard range.contains(seconds) else {
                    throw SettingError(
                        message: "\(text) is out of range", fix: "use \(range.lowerBound)s…\(range.upperBound)s")
                }
                return seconds
            }
        }
        throw SettingError(
            message: "\"\(text)\" is not a duration", fix: "write a number with s, m, h or d, e.g. \"30s\"")
    }

    /// "25MB", "512KB", "1GB", "1000" → bytes (powers of 1024).
    func size(_ range: ClosedRange<Int>) throws -> Int {
        if case .toml(let value) = self, let number = value.int {
            guard range.contains(number) else { throw SettingError(message: "\(number) is out of range", fix: "") }
            return number
        }
        let text = try string().trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (unit, factor) in units where text.hasSuffix(unit) {
            if let number = Int(text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), number >= 0 {
                let bytes = number.multipliedReportingOverflow(by: factor)
                guard !bytes.overflow, range.contains(bytes.partialValue) else {
                    throw SettingError(message: "\(text) is out of range", fix: "")
                }
                return bytes.partialValue
            }
        }
        if let number = Int(text), range.contains(number) { return number }
        throw SettingError(message: "\"\(text)\" is not a size", fix: "write e.g. \"25MB\", \"512KB\"")
    }

    /// A file path, with `${CREDENTIALS_DIRECTORY}` (and other `${NAME}`) expanded from the environment.
    func path(_ environment: [String: String]) throws -> String {
        var text = try string()
        while let start = text.range(of: "${"), let end = text.range(of: "}", range: start.upperBound..<text.endIndex) {
            let name = String(text[start.upperBound..<end.lowerBound])
            // Outside systemd the credentials are the files LoadCredential= would have copied.
            let fallback = name == "CREDENTIALS_DIRECTORY" ? "/etc/helpdeskd" : nil
            guard let value = environment[name] ?? fallback else {
                throw SettingError(
                    message: "${\(name)} is not set", fix: "run under systemd with LoadCredential=, or set \(name)")
            }
            text.replaceSubrange(start.lowerBound..<end.upperBound, with: value)
        }
        return text
    }
}

/// One key of an `[oauth2.NAME]` section.
struct OAuthSetting: Sendable {
    let apply: @Sendable (RawSetting, inout OAuthSettings, [String: String]) throws -> Void
}

/// One configurable key: how to read it into the configuration.
struct Setting: Sendable {
    let apply: @Sendable (RawSetting, inout HelpdeskConfiguration, [String: String]) throws -> Void
}

/// The schema of `helpdeskd.toml`: every section and key, with their types and ranges.
enum ConfigurationSchema {
    static let sections: [String: [String: Setting]] = [
        "helpdesk": [
            "address": Setting { raw, c, _ in
                let address = try raw.string().lowercased()
                guard isAddress(address) else {
                    throw SettingError(
                        message: "\"\(address)\" is not an e-mail address", fix: "e.g. helpdesk@example.com")
                }
                c.identity.address = address
                c.profile.ownAddresses = [address]
            },
            "name": Setting { raw, c, _ in c.identity.name = try raw.string() },
            "ticket_prefix": Setting { raw, c, _ in
                let prefix = try raw.string().uppercased()
                guard TicketReference(prefix: prefix, number: 1) != nil else {
                    throw SettingError(
                        message: "\"\(prefix)\" cannot prefix a ticket number", fix: "1–16 letters or digits, e.g. HD")
                }
                c.identity.ticketPrefix = prefix
                c.profile.ticketPrefix = prefix
            },
            "state_directory": Setting { raw, c, env in c.identity.stateDirectory = try raw.path(env) },
            "templates_directory": Setting { raw, c, env in c.identity.templatesDirectory = try raw.path(env) },
            "hmac_key_file": Setting { raw, c, env in c.identity.hmacKeyFile = try raw.path(env) },
        ],
        "imap": [
            "url": Setting { raw, c, _ in
                c.imap.url = try serverURL(raw, schemes: ["imaps", "imap"], example: "imaps://imap.example.com/INBOX")
            },
            "user": Setting { raw, c, _ in c.imap.user = try raw.string() },
            "auth": Setting { raw, c, _ in c.imap.auth = try authentication(raw) },
            "oauth2": Setting { raw, c, _ in c.imap.oauth2 = try raw.string() },
            "password_file": Setting { raw, c, env in c.imap.passwordFile = try raw.path(env) },
            "oauth2_token_file": Setting { raw, c, env in c.imap.oauth2TokenFile = try raw.path(env) },
            "ca_file": Setting { raw, c, env in c.imap.caFile = try raw.path(env) },
            "allow_plaintext": Setting { raw, c, _ in c.imap.allowPlaintext = try raw.bool() },
            "processed_folder": Setting { raw, c, _ in c.imap.processedFolder = try folder(raw) },
            "quarantine_folder": Setting { raw, c, _ in c.imap.quarantineFolder = try folder(raw) },
            "mark_only": Setting { raw, c, _ in c.imap.markOnly = try raw.string() },
            "poll_interval": Setting { raw, c, _ in c.imap.pollInterval = try raw.duration(1...86_400) },
            "idle": Setting { raw, c, _ in c.imap.idle = try raw.bool() },
            "max_message_size": Setting { raw, c, _ in c.imap.maxMessageSize = try raw.size(1024...(1 << 30)) },
        ],
        "smtp": [
            "url": Setting { raw, c, _ in
                c.smtp.url = try serverURL(raw, schemes: ["smtp", "smtps"], example: "smtp://smtp.example.com:587")
            },
            "tls": Setting { raw, c, _ in
                let mode = try raw.string().lowercased()
                guard let tls = HelpdeskConfiguration.SMTP.TLS(rawValue: mode) else {
                    throw SettingError(message: "\"\(mode)\" is not a TLS mode", fix: "starttls, implicit or none")
                }
                c.smtp.tls = tls
            },
            "user": Setting { raw, c, _ in c.smtp.user = try raw.string() },
            "auth": Setting { raw, c, _ in c.smtp.auth = try authentication(raw) },
            "oauth2": Setting { raw, c, _ in c.smtp.oauth2 = try raw.string() },
            "password_file": Setting { raw, c, env in c.smtp.passwordFile = try raw.path(env) },
            "ca_file": Setting { raw, c, env in c.smtp.caFile = try raw.path(env) },
            "envelope_sender": Setting { raw, c, _ in c.smtp.envelopeSender = try raw.string() },
        ],
        "support_hours": [
            "timezone": Setting { raw, c, _ in
                let zone = try raw.string()
                guard let offset = utcOffset(zone) else {
                    throw SettingError(
                        message: "\"\(zone)\" is not a supported zone", fix: "UTC or a fixed offset such as +03:00")
                }
                c.serviceLevel.calendar.utcOffsetSeconds = offset
            },
            "days": Setting { raw, c, _ in
                let names = ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]
                var days: Set<Int> = []
                for day in try raw.strings() {
                    guard let number = names[String(day.lowercased().prefix(3))] else {
                        throw SettingError(
                            message: "\"\(day)\" is not a weekday", fix: "use mon, tue, wed, thu, fri, sat, sun")
                    }
                    days.insert(number)
                }
                c.serviceLevel.calendar.workingDays = days
            },
            "start": Setting { raw, c, _ in c.serviceLevel.calendar.startMinute = try minuteOfDay(raw) },
            "end": Setting { raw, c, _ in
                c.serviceLevel.calendar.endMinute = try minuteOfDay(raw, allowMidnightEnd: true)
            },
            "holidays": Setting { raw, c, _ in
                var days: Set<Int64> = []
                for text in try raw.strings() {
                    let parts = text.split(separator: "-").compactMap { Int($0) }
                    guard parts.count == 3, CivilCalendar.isValid(year: parts[0], month: parts[1], day: parts[2]) else {
                        throw SettingError(message: "\"\(text)\" is not a date", fix: "write YYYY-MM-DD")
                    }
                    days.insert(CivilCalendar.daysSince1970(year: parts[0], month: parts[1], day: parts[2]))
                }
                c.serviceLevel.calendar.holidays = days
            },
        ],
        "sla": [
            "normal_consideration": Setting { raw, c, _ in
                c.serviceLevel.normalConsideration = try raw.duration(3600...(30 * 86_400))
            },
            "critical_solution": Setting { raw, c, _ in
                c.serviceLevel.criticalSolution = try raw.duration(600...(30 * 86_400))
            },
        ],
        "limits": [
            "max_depth": Setting { raw, c, _ in c.parserLimits.maxDepth = try raw.int(1...ParserLimits.depthCeiling) },
            "max_parts": Setting { raw, c, _ in c.parserLimits.maxParts = try raw.int(1...1_000_000) },
            "max_header_lines": Setting { raw, c, _ in c.parserLimits.maxHeaderLines = try raw.int(10...1_000_000) },
            "max_header_line_length": Setting { raw, c, _ in
                c.parserLimits.maxHeaderLineLength = try raw.size(1024...(64 << 20))
            },
            "max_references": Setting { raw, c, _ in
                c.parserLimits.maxReferences = try raw.int(1...ParserLimits.referencesCeiling)
            },
            // The same limit as [imap] max_message_size, for configurations with [[mailbox]] entries.
            "max_message_size": Setting { raw, c, _ in c.imap.maxMessageSize = try raw.size(1024...(1 << 30)) },
        ],
        "mail": [
            "trusted_authserv_id": Setting { raw, c, _ in
                let id = try raw.string().trimmingCharacters(in: .whitespaces)
                guard !id.contains(where: { $0 == " " || $0 == ";" || $0 == "\t" }) else {
                    throw SettingError(message: "must be one authserv-id (a host name)", fix: "e.g. mx1.example.edu")
                }
                c.profile.trustedMTA.authservID = id.lowercased()
            },
            "spam_headers": Setting { raw, c, _ in
                let names = try raw.strings()
                guard names.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0 != ":" && $0 != " " } }) else {
                    throw SettingError(message: "must be header field names", fix: "e.g. [\"X-Spam-Flag\"]")
                }
                c.profile.trustedMTA.spamHeaders = names
            },
        ],
        "rate_limits": [
            "per_address_per_hour": Setting { raw, c, _ in c.rateLimits.perAddressPerHour = try raw.int(0...10_000) },
            "per_address_per_day": Setting { raw, c, _ in c.rateLimits.perAddressPerDay = try raw.int(0...100_000) },
            "per_domain_per_hour": Setting { raw, c, _ in c.rateLimits.perDomainPerHour = try raw.int(0...1_000_000) },
            "global_per_hour": Setting { raw, c, _ in c.rateLimits.globalPerHour = try raw.int(0...1_000_000) },
            "information_requests_per_ticket_per_day": Setting { raw, c, _ in
                c.rateLimits.informationRequestsPerTicketPerDay = try raw.int(0...100)
            },
        ],
        "password_reset": [
            "url": Setting { raw, c, _ in
                let url = try raw.string()
                guard url.isEmpty || url.hasPrefix("https://") || url.hasPrefix("http://") else {
                    throw SettingError(
                        message: "must be an http(s) URL or empty", fix: "e.g. https://proctor.example.edu/reset")
                }
                c.passwordResetURL = url
            }
        ],
        "profile": [
            "required": Setting { raw, c, _ in
                let known = Set(IncidentField.defaultRequired.map(\.key) + ["browser", "os"])
                    .union(c.profile.customFields.map(\.field.key))
                var fields: [IncidentField] = []
                for name in try raw.strings() {
                    guard known.contains(name) || name.allSatisfy({ $0.isLetter || $0 == "_" }) else {
                        throw SettingError(
                            message: "\"\(name)\" is not a field",
                            fix: "known: " + known.sorted().joined(separator: ", "))
                    }
                    fields.append(IncidentField(name))
                }
                c.profile.required = fields
            },
            "description_min_length": Setting { raw, c, _ in c.profile.descriptionMinLength = try raw.int(0...10_000) },
            "known_servers": Setting { raw, c, _ in c.profile.knownServers = try raw.strings() },
            "min_screenshot_width": Setting { raw, c, _ in c.profile.minScreenshotWidth = try raw.int(1...100_000) },
            "min_screenshot_height": Setting { raw, c, _ in c.profile.minScreenshotHeight = try raw.int(1...100_000) },
            "fields": Setting { raw, c, _ in c.profile.customFields = try customFields(raw) },
        ],
        "staff": [
            "team_address": Setting { raw, c, _ in
                let address = try raw.string()
                guard address.isEmpty || isAddress(address) else {
                    throw SettingError(
                        message: "\"\(address)\" is not an email address", fix: "e.g. support-team@example.com")
                }
                c.staff.teamAddress = address.lowercased()
            },
            "notify_opened": Setting { raw, c, _ in c.staff.notifyOpened = try raw.bool() },
            "notify_resumed": Setting { raw, c, _ in c.staff.notifyResumed = try raw.bool() },
            "sla_warnings": Setting { raw, c, _ in
                var percentages: [Int] = []
                for text in try raw.percentages() {
                    guard let number = Int(text), (1...1000).contains(number) else {
                        throw SettingError(
                            message: "\"\(text)\" is not a percentage of the SLA time", fix: "e.g. [75, 100]")
                    }
                    percentages.append(number)
                }
                c.staff.slaWarnings = Array(Set(percentages)).sorted()
            },
            "max_attachment_bytes": Setting { raw, c, _ in c.staff.maxAttachmentBytes = try raw.size(0...(100 << 20)) },
        ],
        "web": [
            "listen": Setting { raw, c, _ in
                let text = try raw.string()
                if !text.isEmpty, (try? MetricsEndpoint.Address(text)) == nil {
                    throw SettingError(message: "must be host:port", fix: "for example \"127.0.0.1:8080\"")
                }
                c.web.listen = text
            },
            "session_idle": Setting { raw, c, _ in c.web.sessionIdle = try raw.duration(1...(7 * 86_400)) },
            "session_max": Setting { raw, c, _ in c.web.sessionMax = try raw.duration(60...(30 * 86_400)) },
            "secure_cookies": Setting { raw, c, _ in c.web.secureCookies = try raw.bool() },
            "login_failures": Setting { raw, c, _ in c.web.loginFailures = try raw.int(1...1000) },
            "login_window": Setting { raw, c, _ in c.web.loginWindow = try raw.duration(1...86_400) },
            "trusted_user_header": Setting { raw, c, _ in
                let name = try raw.string()
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                    throw SettingError(message: "\"\(name)\" is not a header name", fix: "e.g. \"X-Remote-User\"")
                }
                c.web.trustedUserHeader = name
            },
            "trusted_proxies": Setting { raw, c, _ in c.web.trustedProxies = try raw.strings() },
        ],
        "ocr": [
            "enabled": Setting { raw, c, _ in c.ocr.enabled = try raw.bool() },
            "languages": Setting { raw, c, _ in
                let text = try raw.string()
                guard !text.isEmpty,
                    text.split(separator: "+", omittingEmptySubsequences: false).allSatisfy({ part in
                        !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_") }
                    })
                else {
                    throw SettingError(
                        message: "\"\(text)\" is not a list of Tesseract languages", fix: "for example \"eng+rus\"")
                }
                c.ocr.languages = text
            },
            "cpu_limit": Setting { raw, c, _ in c.ocr.cpuSeconds = Int(try raw.duration(1...600)) },
            "memory_limit": Setting { raw, c, _ in c.ocr.memoryMiB = try raw.size((64 << 20)...(16 << 30)) >> 20 },
            "time_limit": Setting { raw, c, _ in c.ocr.wallSeconds = Double(try raw.duration(1...600)) },
            "answer_wait": Setting { raw, c, _ in c.ocr.answerWait = Double(try raw.duration(0...600)) },
            "min_confidence": Setting { raw, c, _ in c.ocr.minimumConfidence = Double(try raw.int(50...100)) },
            "max_images": Setting { raw, c, _ in c.ocr.maxImages = try raw.int(1...20) },
        ],
        "retention": ["days": Setting { raw, c, _ in c.retentionDays = try raw.int(1...36_500) }],
        "metrics": [
            "listen": Setting { raw, c, _ in
                let text = try raw.string()
                if !text.isEmpty {
                    guard let address = try? MetricsEndpoint.Address(text) else {
                        throw SettingError(message: "must be host:port", fix: "for example \"127.0.0.1:9464\"")
                    }
                    // The endpoint has no TLS and no login: the ticket counts are for this host only.
                    guard address.isLoopback else {
                        throw SettingError(
                            message: "must be a loopback address",
                            fix: "use 127.0.0.1 or [::1]; scrape remotely through a proxy")
                    }
                }
                c.metricsListen = text
            }
        ],
        "log": [
            "level": Setting { raw, c, _ in
                let level = try raw.string().lowercased()
                guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                    throw SettingError(
                        message: "\"\(level)\" is not a log level", fix: "debug, info, notice, warning or error")
                }
                c.logLevel = level
            },
            "format": Setting { raw, c, _ in
                let format = try raw.string().lowercased()
                guard format == "text" || format == "json" else {
                    throw SettingError(message: "\"\(format)\" is not a log format", fix: "text or json")
                }
                c.logFormat = format
            },
        ],
    ]

    /// The keys of a `[[mailbox]]` entry besides `name`: `address`, `display_name` and those of `[imap]` but its
    /// size limit (one for the helpdesk, `[limits] max_message_size`). Each is applied to a scratch configuration's
    /// `imap`; `applyMailboxKey` reads the two of the mailbox itself.
    static let mailboxKeys: [String: Setting] = {
        var keys = sections["imap"]!
        keys["max_message_size"] = nil
        keys["address"] = Setting { _, _, _ in }
        keys["display_name"] = Setting { _, _, _ in }
        return keys
    }()

    /// Reads `address` and `display_name` of a `[[mailbox]]` entry; other keys are `[imap]`'s.
    static func applyMailboxKey(
        _ key: String, _ raw: RawSetting, to mailbox: inout HelpdeskConfiguration.Mailbox
    ) throws {
        switch key {
        case "address":
            let address = try raw.string().lowercased()
            guard isAddress(address) else {
                throw SettingError(message: "\"\(address)\" is not an email address", fix: "e.g. exams@example.edu")
            }
            mailbox.address = address
        case "display_name":
            let name = try raw.string()
            guard !name.contains(where: { $0.isNewline || $0 == "\"" }) else {
                throw SettingError(message: "must be one line without quotes", fix: "e.g. \"Exam support\"")
            }
            mailbox.displayName = name
        default: break
        }
    }

    /// The keys of an `[oauth2.NAME]` section.
    static let oauth2Keys: [String: OAuthSetting] = [
        "grant": OAuthSetting { raw, o, _ in
            let text = try raw.string().lowercased()
            guard let grant = OAuthSettings.Grant(rawValue: text) else {
                throw SettingError(
                    message: "\"\(text)\" is not a grant", fix: "client_credentials, jwt_bearer or device_code")
            }
            o.grant = grant
        },
        "tenant": OAuthSetting { raw, o, _ in
            let tenant = try raw.string()
            guard !tenant.isEmpty, tenant.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }) else {
                throw SettingError(
                    message: "\"\(tenant)\" is not a tenant", fix: "the directory (tenant) ID or a domain")
            }
            // Fills the Microsoft endpoints unless they are written out.
            if o.tokenURL.isEmpty { o.tokenURL = OAuthSettings.microsoftTokenURL(tenant: tenant) }
            if o.deviceAuthorizationURL.isEmpty {
                o.deviceAuthorizationURL = OAuthSettings.microsoftDeviceURL(tenant: tenant)
            }
        },
        "token_url": OAuthSetting { raw, o, _ in o.tokenURL = try httpsURL(raw) },
        "device_authorization_url": OAuthSetting { raw, o, _ in o.deviceAuthorizationURL = try httpsURL(raw) },
        "client_id": OAuthSetting { raw, o, _ in o.clientID = try raw.string() },
        "client_secret_file": OAuthSetting { raw, o, env in o.clientSecretFile = try raw.path(env) },
        "private_key_file": OAuthSetting { raw, o, env in o.privateKeyFile = try raw.path(env) },
        "certificate_file": OAuthSetting { raw, o, env in o.certificateFile = try raw.path(env) },
        "issuer": OAuthSetting { raw, o, _ in o.issuer = try raw.string() },
        "subject": OAuthSetting { raw, o, _ in o.subject = try raw.string() },
        "scope": OAuthSetting { raw, o, _ in o.scope = try raw.string() },
        "ca_file": OAuthSetting { raw, o, env in o.caFile = try raw.path(env) },
        "refresh_ahead": OAuthSetting { raw, o, _ in o.refreshAhead = try raw.duration(1...86_400) },
    ]

    /// The defaults an `[oauth2.NAME]` section takes from its grant: Google's token URL for JWT assertions, the
    /// providers' mail scopes.
    static func completeOAuth(_ settings: inout OAuthSettings, scopeGiven: Bool) {
        let microsoft = settings.tokenURL.hasPrefix("https://login.microsoftonline.com/")
        if settings.grant == .jwtBearer, settings.tokenURL.isEmpty, settings.privateKeyFile.hasSuffix(".pem") {
            settings.tokenURL = OAuthSettings.googleTokenURL
        }
        guard !scopeGiven else { return }
        switch settings.grant {
        case .clientCredentials where microsoft: settings.scope = OAuthSettings.microsoftMailScope
        case .jwtBearer: settings.scope = OAuthSettings.googleMailScope
        case .deviceCode where microsoft:
            settings.scope =
                "https://outlook.office365.com/IMAP.AccessAsUser.All https://outlook.office365.com/SMTP.Send offline_access"
        default: break
        }
    }

    /// "imap_password_file" → ("imap", "password_file"), choosing the longest known section name.
    static func split(_ path: String) -> (String, String)? {
        for section in sections.keys.sorted(by: { $0.count > $1.count }) where path.hasPrefix(section + "_") {
            return (section, String(path.dropFirst(section.count + 1)))
        }
        return nil
    }

    /// Checks that need several keys at once.
    static func crossChecks(_ c: HelpdeskConfiguration, file: String, locator: LineLocator) -> [ConfigurationProblem] {
        var problems: [ConfigurationProblem] = []
        if let problem = c.serviceLevel.calendar.problem {
            problems.append(
                ConfigurationProblem(
                    file: file, line: locator.line(section: "support_hours", key: nil), key: "support_hours",
                    message: problem,
                    fix: "e.g. days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"], start = \"08:00\", end = \"16:00\""
                ))
        }
        if !c.web.trustedUserHeader.isEmpty, c.web.trustedProxies.isEmpty {
            // A header anyone can send must never log anyone in: it counts only from the proxy that sets it.
            problems.append(
                ConfigurationProblem(
                    file: file, line: locator.line(section: "web", key: "trusted_user_header"),
                    key: "web.trusted_user_header", message: "is set but trusted_proxies is empty",
                    fix: "set trusted_proxies = [\"127.0.0.1\"] (the proxy's address), or remove the header"))
        }
        if !c.staff.teamAddress.isEmpty, c.staff.teamAddress == c.identity.address {
            // Notifications would arrive as mail to the helpdesk: the team needs a mailbox of its own.
            problems.append(
                ConfigurationProblem(
                    file: file, line: locator.line(section: "staff", key: "team_address"), key: "staff.team_address",
                    message: "is the helpdesk's own address", fix: "use the team's list or shared mailbox"))
        }
        var logins = [("imap", 0, c.imap.auth, c.imap.oauth2), ("smtp", 0, c.smtp.auth, c.smtp.oauth2)]
        if !c.mailboxEntries.isEmpty {
            logins.replaceSubrange(
                0...0, with: c.mailboxEntries.enumerated().map { ("mailbox", $0, $1.imap.auth, $1.imap.oauth2) })
        }
        for (section, index, auth, name) in logins {
            if let problem = oauthReference(auth: auth, name: name, configuration: c) {
                let key = section == "mailbox" ? "mailbox.\(c.mailboxEntries[index].name)" : section
                problems.append(
                    ConfigurationProblem(
                        file: file,
                        line: locator.line(section: section, key: "oauth2", occurrence: index)
                            ?? locator.line(section: section, key: "auth", occurrence: index),
                        key: "\(key).oauth2", message: problem.message, fix: problem.fix))
            }
        }
        for mailbox in c.mailboxEntries where !c.staff.teamAddress.isEmpty && mailbox.address == c.staff.teamAddress {
            problems.append(
                ConfigurationProblem(
                    file: file, line: locator.line(section: "staff", key: "team_address"), key: "staff.team_address",
                    message: "is the address of mailbox \(mailbox.name)", fix: "use the team's list or shared mailbox"))
        }
        for (name, settings) in c.oauth2.sorted(by: { $0.key < $1.key }) {
            for problem in oauthProblems(settings) {
                problems.append(
                    ConfigurationProblem(
                        file: file, line: locator.line(section: "oauth2.\(name)", key: nil), key: "oauth2.\(name)",
                        message: problem.message, fix: problem.fix))
            }
        }
        if c.rateLimits.perAddressPerDay < c.rateLimits.perAddressPerHour {
            problems.append(
                ConfigurationProblem(
                    file: file, line: locator.line(section: "rate_limits", key: "per_address_per_day"),
                    key: "rate_limits.per_address_per_day", message: "is lower than per_address_per_hour",
                    fix: "raise it to at least \(c.rateLimits.perAddressPerHour)"))
        }
        return problems
    }

    /// Whether `auth`/`oauth2` of a login name a section that exists.
    static func oauthReference(
        auth: HelpdeskConfiguration.Authentication, name: String, configuration c: HelpdeskConfiguration
    )
        -> SettingError?
    {
        switch auth {
        case .password:
            return name.isEmpty
                ? nil
                : SettingError(
                    message: "names an [oauth2] section but auth is \"password\"", fix: "set auth = \"oauth2\"")
        case .oauth2:
            guard !name.isEmpty else {
                return SettingError(
                    message: "auth = \"oauth2\" needs the section's name", fix: "oauth2 = \"NAME\" for [oauth2.NAME]")
            }
            guard c.oauth2[name] != nil else {
                return SettingError(
                    message: "there is no [oauth2.\(name)] section",
                    fix: c.oauth2.isEmpty
                        ? "add one (see Samples/helpdeskd.toml)"
                        : "known: " + c.oauth2.keys.sorted().joined(separator: ", "))
            }
            return nil
        }
    }

    /// What an `[oauth2.NAME]` section lacks for its grant.
    static func oauthProblems(_ o: OAuthSettings) -> [SettingError] {
        var problems: [SettingError] = []
        if o.tokenURL.isEmpty, !(o.grant == .jwtBearer && o.privateKeyFile.hasSuffix(".json")) {
            problems.append(SettingError(message: "no token_url", fix: "set tenant (Microsoft 365) or token_url"))
        }
        switch o.grant {
        case .clientCredentials:
            if o.clientID.isEmpty {
                problems.append(SettingError(message: "no client_id", fix: "the application (client) ID"))
            }
            if o.clientSecretFile.isEmpty, o.certificateFile.isEmpty {
                problems.append(
                    SettingError(
                        message: "no client credential",
                        fix: "set client_secret_file, or certificate_file and private_key_file"))
            }
            if !o.certificateFile.isEmpty, o.privateKeyFile.isEmpty {
                problems.append(
                    SettingError(message: "certificate_file needs private_key_file", fix: "the certificate's key (PEM)")
                )
            }
        case .jwtBearer:
            if o.privateKeyFile.isEmpty {
                problems.append(
                    SettingError(message: "no private_key_file", fix: "the service account's JSON key file"))
            }
        case .deviceCode:
            if o.clientID.isEmpty {
                problems.append(SettingError(message: "no client_id", fix: "the application (client) ID"))
            }
            if o.deviceAuthorizationURL.isEmpty {
                problems.append(
                    SettingError(message: "no device_authorization_url", fix: "set tenant (Microsoft 365) or the URL"))
            }
        }
        return problems
    }

    static func authentication(_ raw: RawSetting) throws -> HelpdeskConfiguration.Authentication {
        let text = try raw.string().lowercased()
        guard let auth = HelpdeskConfiguration.Authentication(rawValue: text) else {
            throw SettingError(message: "\"\(text)\" is not a login method", fix: "password or oauth2")
        }
        return auth
    }

    static func httpsURL(_ raw: RawSetting) throws -> String {
        let url = try raw.string()
        guard url.lowercased().hasPrefix("https://"), url.count > 8 else {
            throw SettingError(message: "must be an https:// URL", fix: "e.g. https://login.example.com/token")
        }
        return url
    }

    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
    }

    static func folder(_ raw: RawSetting) throws -> String {
        let name = try raw.string()
        guard !name.isEmpty, !name.contains(where: { $0.isNewline || $0 == "\"" || $0 == "*" || $0 == "%" }) else {
            throw SettingError(message: "\"\(name)\" is not a usable folder name", fix: "e.g. Processed")
        }
        return name
    }

    static func utcOffset(_ zone: String) -> Int? {
        let upper = zone.uppercased()
        if upper == "UTC" || upper == "GMT" || upper == "Z" { return 0 }
        var text = Substring(upper)
        if text.hasPrefix("UTC") { text = text.dropFirst(3) }
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().split(separator: ":")
        guard (1...2).contains(digits.count), let hours = Int(digits[0]), hours <= 14 else { return nil }
        let minutes = digits.count == 2 ? Int(digits[1]) ?? 99 : 0
        guard minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }

    static func minuteOfDay(_ raw: RawSetting, allowMidnightEnd: Bool = false) throws -> Int {
        let text = try raw.string()
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60,
            hour < 24 || (allowMidnightEnd && hour == 24 && minute == 0)
        else { throw SettingError(message: "\"\(text)\" is not a time of day", fix: "write HH:MM, e.g. \"08:00\"") }
        return hour * 60 + minute
    }

    static func customFields(_ raw: RawSetting) throws -> [IncidentProfile.CustomField] {
        guard case .toml(let value) = raw, let array = value.array else {
            throw SettingError(
                message: "must be a list of [[profile.fields]] tables", fix: "see Samples/helpdeskd.toml")
        }
        return try array.map { element in
            guard let table = element.table, let name = table["name"]?.string, !name.isEmpty,
                let labels = table["labels"]?.array?.compactMap({ $0.string }), !labels.isEmpty
            else {
                throw SettingError(
                    message: "each field needs a name and labels", fix: "name = \"course_id\", labels = [\"Course\"]")
            }
            let pattern = table["pattern"]?.string
            if let pattern, (try? Regex(pattern)) == nil {
                throw SettingError(message: "pattern \"\(pattern)\" is not a valid regular expression", fix: "")
            }
            return IncidentProfile.CustomField(
                field: IncidentField(name), labels: labels, pattern: pattern, prompt: table["prompt"]?.string ?? name)
        }
    }
}

/// A mail server URL: one of `schemes`, and no user or password in it (secrets belong in the
/// *_file settings; a URL is printed in logs and by check-config).
private func serverURL(_ raw: RawSetting, schemes: [String], example: String) throws -> String {
    let url = try raw.string()
    guard let separator = url.range(of: "://"), schemes.contains(String(url[..<separator.lowerBound]).lowercased())
    else {
        throw SettingError(
            message: "must start with \(schemes.map { $0 + "://" }.joined(separator: " or "))", fix: "e.g. \(example)")
    }
    let authority = url[separator.upperBound...].prefix { $0 != "/" }
    guard !authority.contains("@") else {
        throw SettingError(message: "must not contain a user or password", fix: "set user and password_file instead")
    }
    return url
}
