/// What an incident report must contain and how to recognise it: the fields, their labels, the
/// required set, and the triage rules. The defaults implement the ProctorEdu policy's "Incident
/// Registration" section; admins extend or override them in the configuration file.
public struct IncidentProfile: Sendable {
    /// A field admins add in the configuration (e.g. a course ID).
    public struct CustomField: Sendable {
        public var field: IncidentField
        /// Labels that introduce the value ("Course", "Course ID").
        public var labels: [String]
        /// A regular expression the value must match (the first match is kept); nil accepts any value.
        public var pattern: String?
        /// How the missing-information request explains the field to the reporter.
        public var prompt: String

        public init(field: IncidentField, labels: [String], pattern: String? = nil, prompt: String) {
            self.field = field
            self.labels = labels
            self.pattern = pattern
            self.prompt = prompt
        }
    }

    /// A category and the phrases that put a report in it.
    public struct CategoryRule: Sendable {
        public var category: String
        public var phrases: [String]

        public init(category: String, phrases: [String]) {
            self.category = category
            self.phrases = phrases
        }
    }

    /// Our own address (answers come from it) and any others we send from.
    public var ownAddresses: [String]
    /// The prefix of ticket references ("HD" in HD-000123).
    public var ticketPrefix: String
    /// Required fields, in the order reporters are asked for them.
    public var required: [IncidentField]
    /// A description shorter than this many characters counts as missing.
    public var descriptionMinLength: Int
    /// Host patterns ("proctor.example.edu", "*.example.edu") an unlabelled URL must match to count as
    /// the server; empty accepts any host that is not a mail provider or our own.
    public var knownServers: [String]
    /// Images smaller than this (logos, tracking pixels, signature icons) are not screenshots.
    public var minScreenshotWidth: Int
    public var minScreenshotHeight: Int
    /// Labels for each built-in field, matched case-insensitively; longer labels are tried first.
    public var labels: [IncidentField: [String]]
    public var customFields: [CustomField]
    /// Category rules in priority order; the first rule with a matching phrase wins, else "other".
    public var categories: [CategoryRule]
    /// Phrases that mean the reporter cannot operate the system (severity "critical").
    public var criticalPhrases: [String]
    /// Domains of mail and web-mail providers: a link to one of them is never the proctoring server.
    public var mailProviderDomains: [String]

    /// The domain of our own address, lower-cased.
    public var ownDomain: String? {
        ownAddresses.first.flatMap { address in
            address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]).lowercased() }
        }
    }

    public init(ownAddresses: [String] = ["helpdesk@example.com"], ticketPrefix: String = "HD") {
        self.ownAddresses = ownAddresses.map { $0.lowercased() }
        self.ticketPrefix = ticketPrefix
        required = IncidentField.defaultRequired
        descriptionMinLength = 20
        knownServers = []
        minScreenshotWidth = 200
        minScreenshotHeight = 150
        labels = Self.defaultLabels
        customFields = []
        categories = Self.defaultCategories
        criticalPhrases = Self.defaultCriticalPhrases
        mailProviderDomains = Self.defaultMailProviders
    }

    public static let defaultLabels: [IncidentField: [String]] = [
        .server: [
            "server", "server address", "proctoring server", "proctoring server address", "host", "url", "address",
            "сервер", "адрес сервера",
        ],
        .detectedAt: [
            "time", "time of detection", "detected at", "when", "date/time", "date and time", "occurred at",
            "время", "время обнаружения",
        ],
        .sessionID: [
            "session id", "session", "session data", "exam session", "attempt id", "id сессии", "сессия",
        ],
        .userID: [
            "user id", "user", "login", "username", "user name", "student id", "candidate id", "id пользователя",
            "логин",
        ],
        .browser: ["browser", "браузер"],
        .os: ["os", "operating system", "операционная система", "ос"],
        .description: ["description", "problem", "issue", "описание", "проблема"],
    ]

    public static let defaultCategories: [CategoryRule] = [
        CategoryRule(category: "password-reset", phrases: [
            "reset my password", "reset password", "password reset", "reset the password", "forgot my password",
            "forgotten my password", "forgot password", "forgotten password", "forgot the password",
            "recover my password", "password recovery", "recover password", "new password", "lost my password",
            "remember my password", "сбросить пароль", "сброс пароля", "восстановить пароль", "забыл пароль",
            "забыла пароль", "восстановление пароля",
        ]),
        CategoryRule(category: "camera-microphone", phrases: [
            "camera", "webcam", "web cam", "microphone", " mic ", "mic.", "audio", "камера", "камеру", "камеры",
            "микрофон",
        ]),
        CategoryRule(category: "screen-sharing", phrases: [
            "screen shar", "share screen", "share the screen", "share my screen", "screen capture",
            "screen recording", "demonstration of the screen", "демонстрац", "трансляция экрана",
        ]),
        CategoryRule(category: "identity-verification", phrases: [
            "identity", "identification", "id verification", "verify my id", "verification", "passport",
            "face recognition", "facial recognition", "photo id", "id card", "идентификац", "верификац",
            "паспорт", "распознавани",
        ]),
        CategoryRule(category: "network", phrases: [
            "network", "connection", "connectivity", "disconnect", "internet", "timeout", "timed out", "latency",
            "offline", "reconnect", "bandwidth", "wi-fi", "wifi", "соединени", "подключени", "интернет", "сеть",
        ]),
        CategoryRule(category: "browser", phrases: [
            "browser", "chrome", "firefox", "safari", "microsoft edge", "extension", "plugin", "plug-in",
            "cookies", "браузер", "расширени",
        ]),
    ]

    public static let defaultCriticalPhrases: [String] = [
        "cannot start", "can't start", "can not start", "cant start", "unable to start", "won't start",
        "will not start", "doesn't start", "does not start", "not starting", "fails to start",
        "cannot open", "can't open", "unable to open", "won't open", "cannot log in", "can't log in",
        "cannot login", "can't login", "unable to log in", "unable to login", "cannot sign in", "can't sign in",
        "cannot access", "can't access", "unable to access", "no access", "everything is down", "is down",
        "completely down", "system down", "site down", "service down", "outage", "all students", "all candidates",
        "all users", "all of our students", "none of our students", "none of the students", "nobody can",
        "no one can", "noone can", "bad gateway", "service unavailable", "internal server error",
        "gateway timeout", "не запускается", "не могу войти", "не открывается", "не работает ничего",
        "у всех студентов", "никто не может",
    ]

    public static let defaultMailProviders: [String] = [
        "gmail.com", "googlemail.com", "mail.google.com", "outlook.com", "outlook.office.com",
        "outlook.office365.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com", "aol.com",
        "yandex.ru", "ya.ru", "mail.ru", "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com",
        "zoho.com", "fastmail.com",
    ]
}
