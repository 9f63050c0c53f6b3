public import Incident
public import MIME
import Glibc
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

    /// One mailbox the helpdesk reads: a `[[mailbox]]` entry, or the single `[imap]` section (named "default").
    /// Each has a poller of its own; all share the store, the relay and the answer caps.
    public struct Mailbox: Sendable, Equatable {
        /// The name logs, metrics (`mailbox="NAME"`) and `status` use.
        public var name: String
        public var imap: IMAP
        /// The address answers to mail taken from this mailbox are sent from ("" = the helpdesk's address)…
        public var address = ""
        /// …and its display name ("" = the helpdesk's name).
        public var displayName = ""

        /// The name of the mailbox the single `[imap]` form makes.
        public static let defaultName = "default"

        public init(name: String, imap: IMAP, address: String = "", displayName: String = "") {
            self.name = name
            self.imap = imap
            self.address = address
            self.displayName = displayName
        }

        /// Where this mailbox's poll position is kept and what its messages' source names (`MessageSource.imap`):
        /// per mailbox and folder, because two mailboxes may share one server URL (two users' INBOX) and each
        /// numbers its messages by itself. The "default" mailbox keeps the URL alone, as before several
        /// mailboxes existed, so an upgraded store keeps its position.
        public var sourceKey: String { name == Self.defaultName ? imap.url : name + " " + imap.url }
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

    /// Support by email (`[staff]`): notifications to the team, and staff acting on tickets by replying to them.
    /// Off unless `team_address` is set; the members are the staff accounts with an address (`staff add --email`).
    public struct Staff: Sendable, Equatable {
        /// The team's list or shared mailbox notifications go to ("" = no notifications).
        public var teamAddress = ""
        /// Notify when a ticket opens complete…
        public var notifyOpened = true
        /// …when a suspended ticket resumes (the reporter supplied what was missing)…
        public var notifyResumed = true
        /// …and when a ticket's running SLA clock has used these percentages of its time (empty = never).
        public var slaWarnings: [Int] = [75, 100]
        /// Screenshots attached to a notification, in total at most this many bytes (the rest are named only).
        public var maxAttachmentBytes = 10 << 20
        public init() {}

        /// Whether notifications go out at all.
        public var notifies: Bool { !teamAddress.isEmpty }
    }

    /// Reading screenshots (`[ocr]`): Tesseract in a `helpdeskd ocr-worker` child process per image.
    public struct OCR: Sendable, Equatable {
        /// On by default when Tesseract's English data is installed (`OCR.isInstalled`); `enabled = false` turns
        /// it off, `true` insists (the configuration check then fails without Tesseract).
        public var enabled: Bool? = nil
        /// Tesseract's languages, `+`-joined; each needs its `tesseract-ocr-<lang>` package. Values are read in
        /// any of them; each added language costs time.
        public var languages = "eng"
        /// CPU seconds per image (the worker is killed beyond)…
        public var cpuSeconds = 5
        /// …its address space, in MiB…
        public var memoryMiB = 300
        /// …and the wall-clock time per image, in seconds (a starved worker is killed too).
        public var wallSeconds = 10.0
        /// How long an answer to an email that lacks required fields waits for its screenshots' text (seconds).
        public var answerWait = 5.0
        /// The least Tesseract confidence (0–100) of every word a value is read from.
        public var minimumConfidence = 80.0
        /// At most this many screenshots of one email are read.
        public var maxImages = 4
        public init() {}

        /// Where Debian's Tesseract keeps its language data.
        public static let dataDirectory = "/usr/share/tesseract-ocr/5/tessdata"

        /// Whether Tesseract's data for every configured language is installed.
        public var isInstalled: Bool {
            languages.split(separator: "+").allSatisfy { language in
                access(Self.dataDirectory + "/" + language + ".traineddata", R_OK) == 0
            }
        }

        /// Whether the daemon reads screenshots: as configured, else when Tesseract is installed.
        public var isOn: Bool { enabled ?? isInstalled }
    }

    public var identity = Identity()
    /// The single `[imap]` mailbox; unused when `mailboxEntries` is not empty.
    public var imap = IMAP()
    /// `[[mailbox]]` entries, in the order written.
    public var mailboxEntries: [Mailbox] = []
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
    public var staff = Staff()
    public var ocr = OCR()
    public var logLevel = "info"
    public var logFormat = "text"

    public init() {}

    /// Every mailbox the daemon polls: the `[[mailbox]]` entries, or the `[imap]` section as one named "default".
    public var mailboxes: [Mailbox] {
        mailboxEntries.isEmpty ? [Mailbox(name: Mailbox.defaultName, imap: imap)] : mailboxEntries
    }

    /// The mailbox named `name`.
    public func mailbox(named name: String) -> Mailbox? { mailboxes.first { $0.name == name } }

    /// The mailbox whose messages carry `sourceKey` (`MessageRecord.sourceMailbox`).
    public func mailbox(sourceKey: String) -> Mailbox? { mailboxes.first { $0.sourceKey == sourceKey } }

    /// This configuration as one mailbox's poller and its IMAP clients see it: `imap` is that mailbox's, its login
    /// defaulting to the mailbox's address (else the helpdesk's, as before).
    public func reading(_ mailbox: Mailbox) -> HelpdeskConfiguration {
        var copy = self
        copy.imap = mailbox.imap
        if copy.imap.user.isEmpty, !mailbox.address.isEmpty { copy.imap.user = mailbox.address }
        // One size limit for the helpdesk: the answers that quote it are the same whichever mailbox took the mail.
        copy.imap.maxMessageSize = imap.maxMessageSize
        return copy
    }

    /// Where the store lives.
    public var databasePath: String { identity.stateDirectory + "/helpdeskd.sqlite" }
}
