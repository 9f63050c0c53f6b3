public import Logging
public import OAuth
public import ServiceLifecycle

/// Keeps the OAuth access tokens of every `auth = "oauth2"` login fresh: each is renewed `refresh_ahead` before
/// it expires, whether or not a login needs it then, so a provider's refusal (a revoked refresh token, a
/// removed app permission) is found and reported while the token in hand still works.
///
/// A refusal is an alert, never a silent stop: it is logged once per change of state at error level with the
/// provider's own error and what to do, recorded in the token file (`helpdeskd status`), and visible as
/// `helpdeskd_oauth_token_expiry_seconds` falling to 0. Logins keep failing — and mail stays in the mailbox —
/// until a token is had again; the refresher keeps trying every `retry`.
///
/// Concurrency: an async loop (a `Service`); token requests (libcurl, fsync of the token file) run on its `Lane`.
public struct OAuthRefresher: Service {
    let contexts: ContextHolder
    let tokens: TokenProviders
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// How often the tokens are looked at (and a failed renewal tried again).
    let retry: Duration

    public init(
        contexts: ContextHolder, tokens: TokenProviders, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = WallClock.seconds, retry: Duration = .seconds(15)
    ) {
        self.contexts = contexts
        self.tokens = tokens
        self.logger = logger
        self.clock = clock
        self.retry = retry
    }

    public func run() async throws {
        let lane = Lane(label: "helpdeskd.oauth", state: [String: String]())
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let logins = contexts.current.configuration.oauthLogins
            let (tokens, logger, clock) = (tokens, logger, clock)
            try? await lane.run { problems in
                for (settings, user) in logins {
                    let provider = tokens.provider(settings, user: user)
                    let key = provider.cache.path
                    var metadata: Logger.Metadata = [
                        "oauth2": "\(settings.name)", "grant": "\(settings.grant.rawValue)",
                    ]
                    if provider.user != nil { metadata["user"] = "\(user)" }
                    if let error = provider.refreshIfDue(now: clock()) {
                        guard problems[key] != error.description else { continue }
                        problems[key] = error.description
                        let expiresAt = provider.status.expiresAt
                        metadata["error"] = "\(error.description)"
                        metadata["token_expires_at"] = "\(expiresAt == 0 ? "-" : Timestamp.iso(expiresAt))"
                        metadata["fix"] = "\(Self.fix(for: error, settings: settings))"
                        logger.error(
                            "OAuth token renewal failed; logins will fail once the token in hand expires",
                            metadata: metadata)
                    } else if problems.removeValue(forKey: key) != nil {
                        logger.notice("OAuth token renewed again", metadata: metadata)
                    }
                }
            }
            let pause = retry
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// What an admin should do about `error`.
    static func fix(for error: OAuthError, settings: OAuthSettings) -> String {
        switch error.code {
        case .notLoggedIn: "run: helpdeskd oauth login \(settings.name)"
        case .refused where settings.grant == .deviceCode:
            "the refresh token is no longer accepted; run: helpdeskd oauth login \(settings.name)"
        case .refused: "check the app registration, its secret or key, and the mailbox permissions"
        case .configuration: "fix [oauth2.\(settings.name)] (helpdeskd check-config)"
        case .unavailable: "none yet: the identity provider is unreachable; retrying"
        }
    }
}

extension HelpdeskConfiguration {
    /// The OAuth sections the mail logins use, each with the user that logs in.
    public var oauthLogins: [(OAuthSettings, String)] {
        var logins: [(OAuthSettings, String)] = []
        for mailbox in mailboxes {
            let imap = reading(mailbox).imap
            if imap.auth == .oauth2, let settings = oauth2[imap.oauth2] {
                logins.append((settings, imap.user.isEmpty ? identity.address : imap.user))
            }
        }
        if smtp.auth == .oauth2, let settings = oauth2[smtp.oauth2] {
            logins.append((settings, smtp.user.isEmpty ? identity.address : smtp.user))
        }
        return logins
    }
}
