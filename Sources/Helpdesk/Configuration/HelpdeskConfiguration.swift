public import Incident
public import MIME
public import OAuth

/// Everything an admin can configure, with the defaults `Samples/helpdeskd.toml` documents.
/// Plain values: loading, validation and secrets live in `ConfigurationLoader`.
public struct HelpdeskConfiguration: Sendable {
    /// Who the helpdesk is.
    public struct Identity: Sendable, Equatable {
        public var address = "helpdesk@example.com"
        public var name = "Helpdesk"
        public var ticketPrefix = "HD"
        public var stateDirectory = "/var/lib/helpdeskd"
        public var templatesDirectory = ""
        public var hmacKeyFile = ""

        /// The domain of our address: our Message-IDs use it.
        public var domain: String {
            address.split(separator: "@").last.map { $0.lowercased() } ?? "localhost"
        }

        public init() {}
    }

    /// How a mail server login proves who we are.
    public enum Authentication: String, Sendable, Equatable {
        /// A password from `password_file` (or, for IMAP, a bearer token from `oauth2_token_file`).
        case password
        /// An access token from the `[oauth2.NAME]` section named by `oauth2`, sent with SASL XOAUTH2.
        case oauth2
    }

    public struct IMAP: Sendable, Equatable {
        public var url = "imaps://imap.example.com/INBOX"
        public var user = ""
        public var auth = Authentication.password
        /// The `[oauth2.NAME]` section when `auth` is oauth2.
        public var oauth2 = ""
        public var passwordFile = ""
        /// A bearer token an external refresher keeps current (the older way; `auth = "oauth2"` is built in).
        public var oauth2TokenFile = ""
        public var caFile = ""
        public var allowPlaintext = false
        public var processedFolder = "Processed"
        public var quarantineFolder = "Quarantine"
        public var markOnly = ""
        public var pollInterval: Int64 = 30
        /// Between polls, wait with IMAP IDLE so that new mail is taken within seconds.
        public var idle = true
        public var maxMessageSize = 25 * 1024 * 1024
        public init() {}
    }

    public struct SMTP: Sendable, Equatable {
        public enum TLS: String, Sendable { case starttls, implicit, none }
        public var url = "smtp://smtp.example.com:587"
        public var tls = TLS.starttls
        public var user = ""
        public var auth = Authentication.password
        public var oauth2 = ""
        public var passwordFile = ""
        public var caFile = ""
        /// "" sends with the null sender `<>`, as RFC 3834 recommends for automatic replies.
        public var envelopeSender = ""
        public init() {}
    }

    /// Caps on automatic answers: a helpdesk must never become a spam cannon for forged senders.
    public struct RateLimits: Sendable, Equatable {
        public var perAddressPerHour = 10
        public var perAddressPerDay = 40
        /// Answers to all mailboxes of one domain per hour.
        public var perDomainPerHour = 100
        public var globalPerHour = 500
        public var informationRequestsPerTicketPerDay = 1
        public init() {}
    }

    /// The staff web workspace (`[web]`): off unless `listen` is set.
    public struct Web: Sendable, Equatable {
        /// host:port; "" = no web interface in the daemon.
        public var listen = ""
        /// A session ends after this long without a request (seconds)…
        public var sessionIdle: Int64 = 30 * 60
        /// …and this long after its login, used or not.
        public var sessionMax: Int64 = 12 * 3600
        /// Cookies carry `Secure` (and the `__Host-` name prefix). Off only for plain-HTTP tests on loopback.
        public var secureCookies = true
        /// Failed logins allowed per name (and per address) in `loginWindow` before logins are refused.
        public var loginFailures = 5
        public var loginWindow: Int64 = 15 * 60
        /// A request header carrying the staff name a single-sign-on proxy authenticated ("" = off)…
        public var trustedUserHeader = ""
        /// …honoured only on connections from these proxy addresses.
        public var trustedProxies: [String] = []
        public init() {}
    }

    public var identity = Identity()
    public var imap = IMAP()
    public var smtp = SMTP()
    /// `[oauth2.NAME]` sections by name.
    public var oauth2: [String: OAuthSettings] = [:]
    public var serviceLevel = ServiceLevel.policyDefault
    public var parserLimits = ParserLimits()
    public var rateLimits = RateLimits()
    public var passwordResetURL = ""
    public var profile = IncidentProfile()
    public var retentionDays = 2555
    public var metricsListen = ""
    public var web = Web()
    public var logLevel = "info"
    public var logFormat = "text"

    public init() {}

    /// Where the store lives.
    public var databasePath: String { identity.stateDirectory + "/helpdeskd.sqlite" }
}
