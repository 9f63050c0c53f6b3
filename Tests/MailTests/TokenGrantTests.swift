import Foundation
import Mail
import OAuth
import Testing

/// The pure half of OAuth 2.0 (`TokenGrant`): the form each grant posts and what a token endpoint's answer means,
/// on bytes, without any server. A `TokenProvider` on a scripted endpoint checks what a refusal leaves behind.
@Suite struct TokenGrantTests {
    private static func value(_ form: [(String, String)], _ name: String) -> String? {
        form.first { $0.0 == name }?.1
    }

    private static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The issued token's access token, expiry and refresh token; nil for any other answer.
    private static func issued(_ answer: TokenGrant.Answer) -> (String, Int64, String?)? {
        guard case .issued(let token) = answer else { return nil }
        return (token.accessToken, token.expiresAt, token.refreshToken)
    }

    // MARK: request forms

    @Test func clientCredentialsWithASecretPostsTheScopeAndTheSecret() {
        let form = TokenGrant.clientCredentials(
            clientID: "app", client: .secret("s3cret"), scope: OAuthSettings.microsoftMailScope)
        #expect(form.map(\.0) == ["grant_type", "client_id", "client_secret", "scope"])
        #expect(Self.value(form, "grant_type") == "client_credentials")
        #expect(Self.value(form, "client_secret") == "s3cret")
        #expect(Self.value(form, "scope") == "https://outlook.office365.com/.default")
    }

    @Test func aCertificateAssertionReplacesTheSecret() {
        let form = TokenGrant.clientCredentials(clientID: "app", client: .assertion("a.b.c"), scope: "")
        #expect(Self.value(form, "client_secret") == nil)
        #expect(Self.value(form, "client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        #expect(Self.value(form, "client_assertion") == "a.b.c")
        // An empty scope is left out, not sent empty (some providers refuse "scope=").
        #expect(Self.value(form, "scope") == nil)
    }

    @Test func jwtBearerPostsTheAssertion() {
        let form = TokenGrant.jwtBearer(assertion: "h.c.s", scope: OAuthSettings.googleMailScope)
        #expect(Self.value(form, "grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        #expect(Self.value(form, "assertion") == "h.c.s")
        #expect(Self.value(form, "scope") == "https://mail.google.com/")
    }

    @Test func refreshAndDeviceTokenFormsOfAPublicClientCarryNoSecret() {
        let refresh = TokenGrant.refresh(refreshToken: "r1", clientID: "app", client: .none, scope: "a b")
        #expect(refresh.map(\.0) == ["grant_type", "refresh_token", "client_id", "scope"])
        #expect(Self.value(refresh, "refresh_token") == "r1")
        let device = TokenGrant.deviceToken(deviceCode: "dc", clientID: "app", client: .none)
        #expect(device.map(\.0) == ["grant_type", "device_code", "client_id"])
        #expect(Self.value(device, "grant_type") == "urn:ietf:params:oauth:grant-type:device_code")
        #expect(TokenGrant.deviceAuthorizationRequest(clientID: "app", scope: "x").map(\.0) == ["client_id", "scope"])
    }

    // MARK: token endpoint answers

    @Test func anIssuedTokenExpiresAfterItsLifetimeAndMayRotateTheRefreshToken() throws {
        let body = Self.json(
            #"{"access_token":"at","token_type":"Bearer","expires_in":3599,"refresh_token":"r2"}"#)
        let answer = try TokenGrant.answer(status: 200, body: body, now: 1000)
        let token = try #require(Self.issued(answer))
        #expect(token.0 == "at" && token.1 == 4599 && token.2 == "r2")
    }

    @Test func expiresInAsAStringOrMissingIsUnderstood() throws {
        let text = try TokenGrant.answer(
            status: 200, body: Self.json(#"{"access_token":"at","expires_in":"60","refresh_token":""}"#), now: 10)
        let fromText = try #require(Self.issued(text))
        // An empty refresh_token is no rotation: the old one is kept.
        #expect(fromText.0 == "at" && fromText.1 == 70 && fromText.2 == nil)
        let missing = try TokenGrant.answer(status: 200, body: Self.json(#"{"access_token":"at"}"#), now: 10)
        #expect(Self.issued(missing)?.1 == 3610)
    }

    @Test func aRefusalKeepsTheProvidersErrorAndOnlyTheFirstLineOfItsDescription() throws {
        let body = Self.json(
            #"{"error":"invalid_grant","error_description":"AADSTS50173: revoked.\r\nTrace ID: 1\r\nCorrelation ID: 2"}"#
        )
        let answer = try TokenGrant.answer(status: 400, body: body, now: 0)
        #expect(answer == .refused(error: "invalid_grant", description: "AADSTS50173: revoked."))
    }

    @Test func pendingAndSlowDownKeepADeviceLoginPolling() throws {
        let pending = try TokenGrant.answer(status: 400, body: Self.json(#"{"error":"authorization_pending"}"#), now: 0)
        #expect(pending == .pending(slowDown: false))
        let slow = try TokenGrant.answer(status: 400, body: Self.json(#"{"error":"slow_down"}"#), now: 0)
        #expect(slow == .pending(slowDown: true))
    }

    @Test(arguments: [
        (200, #"<html>proxy error</html>"#),
        (502, #"{"message":"bad gateway"}"#),
        (200, #"{"token_type":"Bearer"}"#),
        (200, #"{"access_token":"at","token_type":"mac"}"#),
        (200, #"{"access_token":"at","expires_in":0}"#),
    ])
    func whatIsNotAUsableBearerTokenIsAnUnavailableEndpoint(status: Int, body: String) {
        do throws(OAuthError) {
            let answer = try TokenGrant.answer(status: status, body: Self.json(body), now: 0)
            Issue.record("read as \(answer)")
        } catch {
            #expect(error.code == .unavailable)
        }
    }

    @Test func anOversizedBodyIsNotReadAsAToken() {
        let padding = String(repeating: " ", count: 70 * 1024)
        #expect(throws: OAuthError.self) {
            try TokenGrant.answer(status: 200, body: Self.json(#"{"access_token":"at"}"# + padding), now: 0)
        }
    }

    @Test func aDeviceAuthorizationTakesGooglesOlderURLNameAndAMinimumInterval() throws {
        let body = Self.json(
            #"{"device_code":"dc","user_code":"ABCD-EFGH","verification_url":"https://g.co/device","interval":0}"#)
        let device = try TokenGrant.deviceAuthorization(status: 200, body: body)
        #expect(device.verificationURI == "https://g.co/device")
        #expect(device.interval == 1)
        #expect(device.expiresIn == 900)
        #expect(throws: OAuthError.self) {
            try TokenGrant.deviceAuthorization(status: 400, body: Self.json(#"{"error":"invalid_client"}"#))
        }
    }

    // MARK: a refused renewal, as the daemon's status and metric read it

    /// A token endpoint answering from a script, recording the forms it was sent.
    final class ScriptedEndpoint: TokenEndpoint, @unchecked Sendable {
        var answers: [HTTPSResponse]
        var forms: [[(String, String)]] = []
        init(_ answers: [HTTPSResponse]) { self.answers = answers }
        func post(url: String, form: [(String, String)], secrets: [String]) throws(OAuthError) -> HTTPSResponse {
            forms.append(form)
            guard !answers.isEmpty else { throw OAuthError(.unavailable, "no answer scripted") }
            return answers.removeFirst()
        }
    }

    @Test func aRevokedRefreshTokenIsRecordedForStatusWhileTheTokenInHandLasts() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/token-grant-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = OAuthSettings(
            name: "delegated", grant: .deviceCode, tokenURL: "https://idp.test/token", clientID: "app",
            refreshAhead: 30)
        var tokens = CachedTokens()
        tokens.refreshToken = "r1"
        let cache = TokenCache(stateDirectory: directory, key: "delegated")
        try cache.save(tokens)
        let endpoint = ScriptedEndpoint([
            HTTPSResponse(
                status: 200, body: Self.json(#"{"access_token":"a1","expires_in":60,"refresh_token":"r2"}"#)),
            HTTPSResponse(status: 400, body: Self.json(#"{"error":"invalid_grant","error_description":"revoked"}"#)),
        ])
        let provider = TokenProvider(
            settings: settings, user: "helpdesk", stateDirectory: directory, endpoint: { _ in endpoint })

        #expect(provider.refreshIfDue(now: 100) == nil)
        // Rotation: the new refresh token is on disk before it is used.
        #expect(cache.load().refreshToken == "r2")
        // Good until 160, renewed 30 s ahead: not due at 120, and no request is made.
        #expect(provider.refreshIfDue(now: 120) == nil)
        #expect(endpoint.forms.count == 1)
        let failure = provider.refreshIfDue(now: 131)
        #expect(failure?.code == .refused)
        #expect(failure?.providerError == "invalid_grant: revoked")
        // The renewal presented the rotated refresh token, not the spent one.
        #expect(endpoint.forms.last.flatMap { Self.value($0, "refresh_token") } == "r2")

        // What `helpdeskd status` (the file) and the renewal_failing gauge (memory) read.
        #expect(provider.status.lastError?.contains("invalid_grant") == true)
        #expect(provider.status.lastErrorAt == 131)
        #expect(cache.load().lastError?.contains("invalid_grant") == true)
        #expect(cache.load().refreshToken == "r2")
        // The token in hand is still handed out while it lasts; near its end there is none.
        #expect(try provider.accessToken(now: 140).token == Secret("a1"))
        #expect(throws: OAuthError.self) { try provider.accessToken(now: 156) }
    }

    @Test func aLoginWrittenByAnotherProcessReplacesARevokedRefreshToken() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/token-grant-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = OAuthSettings(
            name: "delegated", grant: .deviceCode, tokenURL: "https://idp.test/token", clientID: "app")
        let cache = TokenCache(stateDirectory: directory, key: "delegated")
        var revoked = CachedTokens()
        revoked.refreshToken = "r-revoked"
        try cache.save(revoked)
        let endpoint = ScriptedEndpoint([
            HTTPSResponse(status: 400, body: Self.json(#"{"error":"invalid_grant","error_description":"revoked"}"#))
        ])
        let provider = TokenProvider(
            settings: settings, user: nil, stateDirectory: directory, endpoint: { _ in endpoint })
        #expect(provider.refreshIfDue(now: 100)?.code == .refused)

        // `helpdeskd oauth login` in another process writes a new login to the same file.
        var login = CachedTokens()
        login.accessToken = "a-new"
        login.expiresAt = 4000
        login.refreshToken = "r-new"
        try cache.save(login)

        #expect(try provider.accessToken(now: 200).token == Secret("a-new"))
        #expect(endpoint.forms.count == 1, "the new login's access token is used without a request")
        #expect(provider.status.lastError == nil)
    }
}
