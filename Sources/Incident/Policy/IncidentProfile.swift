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
    /// Extra phrases that make a report critical (severity "critical"), besides `Impact`'s reading.
    public var criticalPhrases: [String]
    /// Domains of mail and web-mail providers: a link to one of them is never the proctoring server.
    public var mailProviderDomains: [String]
    /// Our own answers' text, so a customer's inline answers inside a quote of it (without `>` markers) are read.
    public var ownAnswers: OwnAnswerText = .none
    /// The admin's own MTA, whose Authentication-Results and spam verdicts are believed; with an empty
    /// authserv-id (the default) none are.
    public var trustedMTA: TrustedMTA

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
        trustedMTA = TrustedMTA(authservID: "")
    }

    /// Labels for the built-in fields in the languages of exam candidates (`FieldLexicon`).
    public static let defaultLabels: [IncidentField: [String]] = {
        var labels = FieldLexicon.labels
        labels[.userID, default: []] += FieldLexicon.generatedUserLabels
        return labels
    }()

    /// Category rules in priority order: the most specific component first, so a camera problem
    /// seen in Chrome is a camera problem. A trailing `*` matches any word ending.
    public static let defaultCategories: [CategoryRule] = [
        CategoryRule(
            category: "password-reset",
            phrases: [
                "reset password", "reset my password", "reset the password", "reset your password", "password reset",
                "forgot password", "forgot my password", "forgotten password", "forgotten my password",
                "recover password", "recover my password", "password recovery", "new password",
                "сбросить пароль", "сброс пароля", "восстановить пароль", "восстановление пароля",
                "восстановления пароля", "забыли пароль",
                "passwort zurücksetzen", "passwort vergessen", "kennwort vergessen", "kennwort zurücksetzen",
                "neues passwort", "restablecer contraseña", "restablecer la contraseña", "restablecer mi contraseña",
                "olvidé contraseña", "olvidé mi contraseña", "olvidé la contraseña", "olvidado la contraseña",
                "olvidado mi contraseña", "recuperar mi contraseña",
                "recuperar la contraseña", "mot de passe oublié", "oublié mon mot de passe",
                "réinitialiser mon mot de passe",
                "réinitialiser le mot de passe", "réinitialisation du mot de passe", "nouveau mot de passe",
                "password dimenticata", "dimenticato la password", "dimenticato la mia password",
                "reimpostare la password", "reimpostazione della password", "recuperare la password",
                "esqueci minha senha", "esqueci a senha", "esqueci a minha senha", "redefinir a senha",
                "redefinir minha senha", "recuperar a senha", "esqueci-me da palavra-passe", "zapomniałem hasła",
                "zapomniałam hasła", "nie pamiętam hasła", "reset hasła", "zresetowanie hasła", "zresetować hasło",
                "odzyskać hasło", "wachtwoord vergeten", "wachtwoord resetten", "wachtwoord herstellen",
                "şifremi unuttum", "şifre sıfırlama", "şifremi sıfırla", "parolamı unuttum", "parola sıfırlama",
                "パスワードを忘れ", "パスワードのリセット", "パスワードを再設定", "パスワード再発行", "忘记密码", "重置密码",
                "找回密码", "忘記密碼", "重設密碼", "비밀번호를 잊", "сбросить пароль", "новый пароль",
                "zapomněl jsem heslo", "zapomněla jsem heslo", "reset hesla", "obnovit heslo", "obnovení hesla",
                "zabudol som heslo", "zabudla som heslo", "نسيت كلمة المرور", "نسيت كلمة السر",
                "إعادة تعيين كلمة المرور",
                "забув пароль", "забула пароль", "скинути пароль", "glömt lösenord", "glömt mitt lösenord",
                "återställa lösenord", "am uitat parola", "resetarea parolei", "ξέχασα τον κωδικό", "lupa kata sandi",
                "lupa password", "quên mật khẩu", "ลืมรหัสผ่าน", "שכחתי סיסמה", "שכחתי את הסיסמה",
                "can't remember my password", "cannot remember my password", "lost my password", "password bhool",
                "पासवर्ड भूल", "құпия сөзді ұмыт", "olvidé mi clave", "olvidé la clave", "restablecer mi clave",
                "recuperar mi clave", "resetear mi contraseña", "resetear la contraseña", "reset de senha",
                "ξέχασα τον κωδικό μου", "επαναφορά κωδικού", "zapomniałem hasło", "wachtwoord kwijt",
                "no me acuerdo de la contraseña", "no recuerdo la contraseña", "no recuerdo mi contraseña",
                "lupa kata laluan", "reset kata laluan", "set semula kata laluan", "don't remember my password",
                "do not remember my password", "forgot the password", "ich weiß mein passwort nicht mehr",
                "je ne me souviens plus de mon mot de passe", "non ricordo la password", "não lembro a senha",
                "não me lembro da senha", "не помню пароль", "не пам'ятаю пароль", "glemt passord", "glemt adgangskode",
                "unohdin salasanan", "нулирайте паролата", "забравих паролата", "забравена парола", "нова парола",
                "elfelejtettem a jelszavam", "elfelejtettem a jelszavamat", "elfelejtett jelszó",
                "új jelszó", "zaboravio sam lozinku", "zaboravila sam lozinku",
                "pozabil sem geslo", "pozabila sem geslo", "رمز عبورم را فراموش", "فراموشی رمز",
                "забыла пароль", "забыл пароль", "сбросьте пароль", "сбросьте, пожалуйста, пароль",
                "сбросьте мне пароль", "forgot my pasword", "forgot my passowrd", "reset email", "reset e-mail",
                "reset link", "send me a reset", "password reset link", "reset it manually", "unohdin salasanani",
                "nollata salasanan", "nollata salasana", "salasanan palautus", "לאפס את הסיסמה", "איפוס סיסמה",
                "איפוס הסיסמה", "zapomněl jsem si heslo", "zapomněla jsem si heslo",
            ]),
        CategoryRule(
            category: "identity-verification",
            phrases: [
                "identity", "id document", "id card", "passport", "face does not match", "face match",
                "face recognition", "face verification", "verification photo", "идентификац*", "верификац*",
                "паспорт*", "удостоверени*", "identität*", "identidad",
            ]),
        CategoryRule(
            category: "screen-sharing",
            phrases: [
                "screen shar*", "screen-shar*", "share screen", "share the screen", "share my screen",
                "share their screen",
                "share your screen", "share the entire screen", "share the whole screen", "share my entire screen",
                "shared the screen", "shared my screen", "shared the entire screen", "shared the whole screen",
                "shared their screen", "sharing the screen", "sharing my screen", "sharing their screen",
                "sharing the entire screen", "sharing the whole screen", "демонстрация экрана", "демонстрации экрана",
                "демонстрацию экрана", "поделиться экраном",
                "трансляция экрана", "трансляции экрана", "трансляцию экрана", "bildschirmfreigabe",
                "compartir pantalla", "compartir la pantalla",
            ]),
        CategoryRule(
            category: "camera-microphone",
            phrases: [
                "camera*", "webcam*", "web camera", "microphone*", "mic", "audio", "sound", "headset", "камер*",
                "микрофон*", "звук*", "kamera*", "mikrofon*", "cámara", "micrófono",
            ]),
        CategoryRule(
            category: "network",
            phrases: [
                "connect*", "disconnect*", "reconnect*", "network*", "internet", "timeout", "timed out", "bandwidth",
                "latency", "offline", "packet loss", "proxy", "firewall", "vpn", "500 internal server error",
                "502 bad gateway", "503 service unavailable", "504 gateway timeout", "internal server error",
                "bad gateway", "service unavailable", "gateway timeout", "соединени*", "подключени*", "сеть", "сети",
                "интернет*", "verbindung*", "netzwerk*", "conexión", "desconect*",
            ]),
        CategoryRule(
            category: "browser",
            phrases: [
                "browser*", "chrome", "chromium", "firefox", "safari", "edge", "opera", "yandex browser", "extension*",
                "plugin*", "plug-in*", "add-on*", "cache", "cookie", "cookies", "pop-up*", "popup*", "javascript",
                "браузер*", "расширени*", "navegador*",
            ]),
    ]

    /// Phrases that alone make a report critical, besides the built-in reading of impact (`Impact`): an outage,
    /// a server error, everyone unable to work. Admins add their own (a product name that is down, say).
    public static let defaultCriticalPhrases: [String] = []

    public static let defaultMailProviders: [String] = [
        "gmail.com", "googlemail.com", "mail.google.com", "inbox.google.com", "outlook.com", "office.com",
        "live.com", "hotmail.com", "yahoo.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.de", "gmx.net", "web.de", "yandex.ru", "yandex.com", "ya.ru", "mail.ru", "bk.ru", "inbox.ru",
        "list.ru", "rambler.ru", "zoho.com",
        // Services a report links to that are never the proctoring server.
        "zoom.us", "teams.microsoft.com", "teams.live.com", "meet.google.com", "aka.ms", "microsoft.com",
        "office365.com", "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com",
        "youtu.be", "service-now.com", "zendesk.com", "atlassian.net", "freshdesk.com", "freshservice.com",
        "wikipedia.org", "apple.com", "google.com", "bit.ly", "tinyurl.com", "wa.me", "t.me", "whatsapp.com",
        "qq.com", "weixin.qq.com", "vk.com", "ok.ru",
    ]
}
