/// One `[oauth2.NAME]` section: how helpdeskd obtains access tokens for IMAP and SMTP logins.
public struct OAuthSettings: Sendable, Equatable {
    /// Which OAuth 2.0 grant obtains the tokens.
    public enum Grant: String, Sendable, CaseIterable {
        /// RFC 6749 §4.4, a confidential client acting as itself (Microsoft 365 app-only access).
        case clientCredentials = "client_credentials"
        /// RFC 7523, a JWT signed with the client's RSA key (a Google service account with domain-wide
        /// delegation; `sub` names the mailbox).
        case jwtBearer = "jwt_bearer"
        /// RFC 8628, delegated access an admin grants once (`helpdeskd oauth login NAME`); refresh tokens after.
        case deviceCode = "device_code"
    }

    public var name: String
    public var grant: Grant
    public var tokenURL: String
    /// RFC 8628's device authorization endpoint (device_code only).
    public var deviceAuthorizationURL: String
    public var clientID: String
    /// A file holding the client secret (client_credentials, and device_code for confidential clients).
    public var clientSecretFile: String
    /// An RSA private key (PEM) — or a Google service-account JSON key file, which also names the issuer and
    /// token URL — signing JWT assertions (jwt_bearer; client_credentials with a certificate).
    public var privateKeyFile: String
    /// The certificate of `privateKeyFile` (PEM): client_credentials with a certificate instead of a secret
    /// (Microsoft identity platform's client assertion, identified by the certificate's thumbprint).
    public var certificateFile: String
    /// The JWT's `iss` (the service account's e-mail address); from the JSON key file when empty.
    public var issuer: String
    /// The JWT's `sub`; empty: the mailbox user that logs in.
    public var subject: String
    /// Space-separated scopes.
    public var scope: String
    /// Extra CA certificates for the identity provider's TLS (tests, private providers).
    public var caFile: String
    /// Tokens are renewed this many seconds before they expire.
    public var refreshAhead: Int64

    public init(
        name: String, grant: Grant = .clientCredentials, tokenURL: String = "", deviceAuthorizationURL: String = "",
        clientID: String = "", clientSecretFile: String = "", privateKeyFile: String = "", certificateFile: String = "",
        issuer: String = "", subject: String = "", scope: String = "", caFile: String = "", refreshAhead: Int64 = 300
    ) {
        self.name = name
        self.grant = grant
        self.tokenURL = tokenURL
        self.deviceAuthorizationURL = deviceAuthorizationURL
        self.clientID = clientID
        self.clientSecretFile = clientSecretFile
        self.privateKeyFile = privateKeyFile
        self.certificateFile = certificateFile
        self.issuer = issuer
        self.subject = subject
        self.scope = scope
        self.caFile = caFile
        self.refreshAhead = refreshAhead
    }

    /// Microsoft identity platform's v2.0 token endpoint for a tenant (ID or domain).
    public static func microsoftTokenURL(tenant: String) -> String {
        "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/token"
    }

    /// Microsoft identity platform's device authorization endpoint for a tenant.
    public static func microsoftDeviceURL(tenant: String) -> String {
        "https://login.microsoftonline.com/\(tenant)/oauth2/v2.0/devicecode"
    }

    /// Google's token endpoint (service accounts and installed apps).
    public static let googleTokenURL = "https://oauth2.googleapis.com/token"
    /// The scope IMAP and SMTP need at Microsoft 365 with app-only access.
    public static let microsoftMailScope = "https://outlook.office365.com/.default"
    /// The scope IMAP and SMTP need at Google.
    public static let googleMailScope = "https://mail.google.com/"

    /// Whether tokens differ per mailbox user: a JWT assertion names the mailbox in `sub` unless `subject` is set.
    public var tokensPerUser: Bool { grant == .jwtBearer && subject.isEmpty }
}
