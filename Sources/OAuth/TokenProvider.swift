import Foundation
public import Mail
import Synchronization

/// The state of one provider's tokens, for `helpdeskd status` and the metrics.
public struct TokenStatus: Sendable, Equatable {
    public var name: String
    /// When the access token in hand expires (wall-clock seconds); 0 when there is none.
    public var expiresAt: Int64
    /// The last failure to obtain a token, while it lasts (cleared by the next success).
    public var lastError: String?
    public var lastErrorAt: Int64?
}

/// Access tokens for one `[oauth2.NAME]` section (and, for per-user grants, one mailbox user): cached in the state
/// directory, renewed `refreshAhead` seconds before they expire, and a rotated refresh token saved (atomically,
/// durably) before the access token that came with it is used.
///
/// A failure to renew is recorded in the token file (so `helpdeskd status` shows it from another process) and
/// reported to the caller; the access token in hand is still handed out until it really expires, so a provider's
/// short outage costs no logins. The caller (the poller, the relay, the refresher) logs and retries: mail stays in
/// the mailbox until a token is had.
///
/// Concurrency: thread-safe. One request to the provider at a time (`requests`), so two logins never spend the
/// same refresh token; the state is a `Mutex`.
public final class TokenProvider: Sendable {
    public let settings: OAuthSettings
    /// The mailbox user the tokens are for: the JWT's `sub` (jwt_bearer without a fixed subject).
    public let user: String?
    public let cache: TokenCache
    private let makeEndpoint: @Sendable (String?) -> any TokenEndpoint
    private let state: Mutex<CachedTokens>
    /// Held while a request to the provider is under way.
    private let requests = Mutex(())

    public init(
        settings: OAuthSettings, user: String?, stateDirectory: String,
        endpoint: @escaping @Sendable (String?) -> any TokenEndpoint = { HTTPSTokenEndpoint(caFile: $0) }
    ) {
        self.settings = settings
        self.user = settings.tokensPerUser ? user : nil
        cache = TokenCache(
            stateDirectory: stateDirectory,
            key: settings.tokensPerUser && user != nil ? "\(settings.name)+\(user!)" : settings.name)
        makeEndpoint = endpoint
        state = Mutex(cache.load())
    }

    /// What is known now.
    public var status: TokenStatus {
        let tokens = state.withLock { $0 }
        return TokenStatus(
            name: settings.name, expiresAt: tokens.accessToken == nil ? 0 : tokens.expiresAt,
            lastError: tokens.lastError, lastErrorAt: tokens.lastErrorAt)
    }

    /// An access token good for at least `refreshAhead` more seconds when one can be had; otherwise the one in hand
    /// while it lasts. Throws when there is none.
    public func accessToken(now: Int64) throws(OAuthError) -> (token: Secret, expiresAt: Int64) {
        if let fresh = usable(now: now, margin: settings.refreshAhead) { return fresh }
        do {
            return try renew(now: now, unlessFreshFor: settings.refreshAhead)
        } catch {
            // The provider failed; the token in hand still works for a while (the failure is recorded).
            if let current = usable(now: now, margin: 5) { return current }
            throw error
        }
    }

    /// Renews when the token in hand expires within `refreshAhead` (the refresher service calls this); returns
    /// the failure, if any. A token renewed meanwhile by a login is left alone.
    @discardableResult
    public func refreshIfDue(now: Int64) -> OAuthError? {
        guard usable(now: now, margin: settings.refreshAhead) == nil else { return nil }
        do {
            _ = try renew(now: now, unlessFreshFor: settings.refreshAhead)
            return nil
        } catch {
            return error
        }
    }

    /// The server refused this token (revoked or expired early): the next call asks for a new one.
    public func invalidate(_ token: Secret) {
        state.withLock { tokens in
            guard let current = tokens.accessToken, Secret(current) == token else { return }
            tokens.expiresAt = 0
        }
    }

    /// Stores what `helpdeskd oauth login` obtained (device_code): the refresh token first of all.
    public func store(_ issued: IssuedToken, now: Int64) throws(OAuthError) {
        try requests.withLock { _ throws(OAuthError) in try record(issued, now: now) }
    }

    private func usable(now: Int64, margin: Int64) -> (token: Secret, expiresAt: Int64)? {
        state.withLock { tokens in
            guard let token = tokens.accessToken, tokens.expiresAt - margin > now else { return nil }
            return (Secret(token), tokens.expiresAt)
        }
    }

    private func renew(
        now: Int64, unlessFreshFor margin: Int64
    ) throws(OAuthError) -> (
        token: Secret, expiresAt: Int64
    ) {
        try requests.withLock { _ throws(OAuthError) in
            adoptNewLogin()
            // Another caller may have renewed while this one waited for the lock.
            if let fresh = usable(now: now, margin: margin) { return fresh }
            do throws(OAuthError) {
                let issued = try obtain(now: now)
                try record(issued, now: now)
                return (Secret(issued.accessToken), issued.expiresAt)
            } catch {
                recordFailure(error, now: now)
                throw error
            }
        }
    }

    /// Takes over a login made by another process. `helpdeskd oauth login` writes the token file while the daemon
    /// runs; without this the daemon would keep presenting the refresh token in its memory — the revoked one the
    /// new login was made to replace — until restarted. Only this provider writes the file otherwise, always before
    /// its memory and under `requests`, so a refresh token in the file that memory does not hold is such a login.
    /// Called under `requests`.
    private func adoptNewLogin() {
        let stored = cache.load()
        guard let refresh = stored.refreshToken, refresh != state.withLock({ $0.refreshToken }) else { return }
        state.withLock { $0 = stored }
    }

    /// Saves a newly issued token: to disk first (a rotated refresh token is the only one that works now), then
    /// in memory.
    private func record(_ issued: IssuedToken, now: Int64) throws(OAuthError) {
        var tokens = state.withLock { $0 }
        tokens.accessToken = issued.accessToken
        tokens.expiresAt = issued.expiresAt
        if let refresh = issued.refreshToken { tokens.refreshToken = refresh }
        tokens.obtainedAt = now
        tokens.lastError = nil
        tokens.lastErrorAt = nil
        try cache.save(tokens)
        state.withLock { $0 = tokens }
    }

    private func recordFailure(_ error: OAuthError, now: Int64) {
        let tokens = state.withLock { tokens in
            tokens.lastError = error.description
            tokens.lastErrorAt = now
            return tokens
        }
        try? cache.save(tokens)
    }

    // MARK: the grants

    private func obtain(now: Int64) throws(OAuthError) -> IssuedToken {
        let form: [(String, String)]
        var secrets: [String] = []
        switch settings.grant {
        case .clientCredentials:
            let client = try clientAuthentication(now: now, required: true)
            form = TokenGrant.clientCredentials(clientID: settings.clientID, client: client, scope: settings.scope)
        case .jwtBearer:
            let key = try ServiceAccountKey.load(settings)
            let subject = settings.subject.isEmpty ? user : settings.subject
            let claims = JWTAssertion.grantClaims(
                issuer: key.issuer, subject: subject, audience: key.tokenURL, scope: settings.scope, now: now)
            let assertion = try JWTAssertion.signed(header: JWTAssertion.plainHeader, claims: claims, key: key.key)
            secrets = [assertion]
            form = TokenGrant.jwtBearer(assertion: assertion, scope: settings.scope)
        case .deviceCode:
            guard let refresh = state.withLock({ $0.refreshToken }) else {
                throw OAuthError(
                    .notLoggedIn, "no refresh token for [oauth2.\(settings.name)]",
                    providerError: nil)
            }
            secrets = [refresh]
            let client = try clientAuthentication(now: now, required: false)
            form = TokenGrant.refresh(
                refreshToken: refresh, clientID: settings.clientID, client: client, scope: settings.scope)
        }
        let url = settings.grant == .jwtBearer ? try ServiceAccountKey.load(settings).tokenURL : settings.tokenURL
        return try TokenRequester(
            settings: settings, endpoint: makeEndpoint(settings.caFile.isEmpty ? nil : settings.caFile)
        )
        .request(url: url, form: form, secrets: secrets + form.filter { $0.0.hasPrefix("client_") }.map(\.1), now: now)
    }

    func clientAuthentication(now: Int64, required: Bool) throws(OAuthError) -> TokenGrant.ClientAuthentication {
        try TokenRequester.clientAuthentication(settings, now: now, required: required)
    }
}

/// One request to a token endpoint and its answer, classified.
struct TokenRequester {
    let settings: OAuthSettings
    let endpoint: any TokenEndpoint

    func request(
        url: String, form: [(String, String)], secrets: [String], now: Int64
    ) throws(OAuthError)
        -> IssuedToken
    {
        let response = try endpoint.post(url: url, form: form, secrets: secrets)
        switch try TokenGrant.answer(status: response.status, body: response.body, now: now) {
        case .issued(let token): return token
        case .pending:
            throw OAuthError(
                .unavailable,
                "the token endpoint answered 'authorization pending' to a \(settings.grant.rawValue) request")
        case .refused(let error, let description):
            throw OAuthError(
                .refused, "the identity provider refused [oauth2.\(settings.name)]",
                providerError: description.isEmpty ? error : "\(error): \(description)")
        }
    }

    /// The client secret (read from its file now, so a rotated secret is picked up) or a certificate assertion.
    static func clientAuthentication(
        _ settings: OAuthSettings, now: Int64, required: Bool
    ) throws(OAuthError)
        -> TokenGrant.ClientAuthentication
    {
        if !settings.certificateFile.isEmpty {
            let key = try RSASigningKey(pem: try readFile(settings.privateKeyFile, what: "private_key_file"))
            let header = try JWTAssertion.certificateHeader(
                certificatePEM: try readFile(settings.certificateFile, what: "certificate_file"))
            let claims = JWTAssertion.clientClaims(clientID: settings.clientID, audience: settings.tokenURL, now: now)
            return .assertion(try JWTAssertion.signed(header: header, claims: claims, key: key))
        }
        if !settings.clientSecretFile.isEmpty {
            let secret = try readFile(settings.clientSecretFile, what: "client_secret_file")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return .secret(secret)
        }
        if required {
            throw OAuthError(
                .configuration, "[oauth2.\(settings.name)] needs client_secret_file or certificate_file")
        }
        return .none
    }

    static func readFile(_ path: String, what: String) throws(OAuthError) -> String {
        guard !path.isEmpty, let data = FileManager.default.contents(atPath: path) else {
            throw OAuthError(.configuration, "cannot read \(what) \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The key that signs JWT grant assertions: a PEM file (with `issuer` and `token_url` from the settings), or a
/// Google service-account JSON key (`private_key`, `client_email`, `token_uri`).
struct ServiceAccountKey {
    let key: RSASigningKey
    let issuer: String
    let tokenURL: String

    static func load(_ settings: OAuthSettings) throws(OAuthError) -> ServiceAccountKey {
        let text = try TokenRequester.readFile(settings.privateKeyFile, what: "private_key_file")
        var pem = text
        var issuer = settings.issuer
        var tokenURL = settings.tokenURL
        if text.drop(while: \.isWhitespace).hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let key = object["private_key"] as? String
            else {
                throw OAuthError(
                    .configuration, "\(settings.privateKeyFile) is not a service-account key (no private_key)")
            }
            pem = key
            if issuer.isEmpty { issuer = object["client_email"] as? String ?? "" }
            if tokenURL.isEmpty { tokenURL = object["token_uri"] as? String ?? "" }
        }
        if tokenURL.isEmpty { tokenURL = OAuthSettings.googleTokenURL }
        guard !issuer.isEmpty else {
            throw OAuthError(.configuration, "[oauth2.\(settings.name)] needs issuer (the service account's address)")
        }
        return ServiceAccountKey(key: try RSASigningKey(pem: pem), issuer: issuer, tokenURL: tokenURL)
    }
}
