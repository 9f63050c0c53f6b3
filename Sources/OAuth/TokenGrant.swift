import Foundation

/// What a token endpoint issued (RFC 6749 §5.1).
public struct IssuedToken: Sendable, Equatable {
    public var accessToken: String
    /// Wall-clock seconds when the access token stops working.
    public var expiresAt: Int64
    /// A new refresh token when the provider rotates them (or first issues one); nil: keep the old one.
    public var refreshToken: String?
}

/// RFC 8628 §3.2: what the device authorization endpoint answers.
public struct DeviceAuthorization: Sendable, Equatable {
    public var deviceCode: String
    public var userCode: String
    public var verificationURI: String
    public var verificationURIComplete: String?
    public var expiresIn: Int64
    /// Seconds to wait between token requests.
    public var interval: Int64
}

/// The pure half of OAuth 2.0: the form each grant posts, and what an endpoint's answer means. No I/O, so every
/// rule here is tested on bytes.
public enum TokenGrant {
    /// A token endpoint's answer, classified.
    public enum Answer: Sendable, Equatable {
        case issued(IssuedToken)
        /// RFC 8628 §3.5: keep polling (`slowDown`: and wait 5 s longer).
        case pending(slowDown: Bool)
        /// The provider's refusal: `error` and `error_description`.
        case refused(error: String, description: String)
    }

    public static let jwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    public static let deviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code"
    public static let clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// How a confidential client proves who it is: a secret, or a signed JWT (RFC 7523 §2.2).
    public enum ClientAuthentication: Sendable {
        case none
        case secret(String)
        case assertion(String)

        var fields: [(String, String)] {
            switch self {
            case .none: []
            case .secret(let secret): [("client_secret", secret)]
            case .assertion(let jwt):
                [("client_assertion_type", TokenGrant.clientAssertionType), ("client_assertion", jwt)]
            }
        }
    }

    public static func clientCredentials(
        clientID: String, client: ClientAuthentication, scope: String
    )
        -> [(String, String)]
    {
        [("grant_type", "client_credentials"), ("client_id", clientID)] + client.fields + scopeField(scope)
    }

    public static func jwtBearer(assertion: String, scope: String) -> [(String, String)] {
        // Google takes the scope from the assertion's claims; others from the form. Both are harmless.
        [("grant_type", jwtBearerGrant), ("assertion", assertion)] + scopeField(scope)
    }

    public static func refresh(
        refreshToken: String, clientID: String, client: ClientAuthentication, scope: String
    )
        -> [(String, String)]
    {
        [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientID)] + client.fields
            + scopeField(scope)
    }

    public static func deviceAuthorizationRequest(clientID: String, scope: String) -> [(String, String)] {
        [("client_id", clientID)] + scopeField(scope)
    }

    public static func deviceToken(
        deviceCode: String, clientID: String, client: ClientAuthentication
    )
        -> [(String, String)]
    {
        [("grant_type", deviceCodeGrant), ("device_code", deviceCode), ("client_id", clientID)] + client.fields
    }

    private static func scopeField(_ scope: String) -> [(String, String)] {
        scope.isEmpty ? [] : [("scope", scope)]
    }

    /// Bodies are small JSON objects; anything larger is not a token response.
    static let bodyLimit = 64 * 1024

    /// Reads a token endpoint's answer (`status`, `body`) received at `now`.
    public static func answer(status: Int, body: [UInt8], now: Int64) throws(OAuthError) -> Answer {
        let object = try jsonObject(body, status: status)
        if let error = object["error"] as? String {
            let description = (object["error_description"] as? String).map(firstLine) ?? ""
            switch error {
            case "authorization_pending": return .pending(slowDown: false)
            case "slow_down": return .pending(slowDown: true)
            default: return .refused(error: String(error.prefix(100)), description: description)
            }
        }
        guard (200..<300).contains(status) else {
            throw OAuthError(.unavailable, "the token endpoint answered HTTP \(status) without an OAuth error")
        }
        guard let token = object["access_token"] as? String, !token.isEmpty else {
            throw OAuthError(.unavailable, "the token endpoint's answer has no access_token")
        }
        if let type = object["token_type"] as? String, type.lowercased() != "bearer" {
            throw OAuthError(.unavailable, "the token endpoint issued a \(type) token, not a bearer token")
        }
        // RFC 6749 recommends expires_in; Microsoft sends it as a number, some as a string. Without it: an hour.
        let lifetime = number(object["expires_in"]) ?? 3600
        guard lifetime > 0 else { throw OAuthError(.unavailable, "the token endpoint issued an expired token") }
        let refresh = (object["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        return .issued(IssuedToken(accessToken: token, expiresAt: now + lifetime, refreshToken: refresh))
    }

    /// Reads the device authorization endpoint's answer.
    public static func deviceAuthorization(status: Int, body: [UInt8]) throws(OAuthError) -> DeviceAuthorization {
        let object = try jsonObject(body, status: status)
        if let error = object["error"] as? String {
            let description = (object["error_description"] as? String).map(firstLine) ?? ""
            throw OAuthError(
                .refused, "the device authorization endpoint refused", providerError: "\(error): \(description)")
        }
        guard (200..<300).contains(status), let deviceCode = object["device_code"] as? String,
            let userCode = object["user_code"] as? String,
            // Google names it verification_url (an older draft's name).
            let uri = (object["verification_uri"] ?? object["verification_url"]) as? String
        else {
            throw OAuthError(.unavailable, "the device authorization endpoint's answer lacks device_code/user_code")
        }
        return DeviceAuthorization(
            deviceCode: deviceCode, userCode: userCode, verificationURI: uri,
            verificationURIComplete: object["verification_uri_complete"] as? String,
            expiresIn: number(object["expires_in"]) ?? 900, interval: max(1, number(object["interval"]) ?? 5))
    }

    private static func jsonObject(_ body: [UInt8], status: Int) throws(OAuthError) -> [String: Any] {
        guard body.count <= bodyLimit,
            let parsed = try? JSONSerialization.jsonObject(with: Data(body)),
            let object = parsed as? [String: Any]
        else {
            throw OAuthError(.unavailable, "the endpoint answered HTTP \(status) with something other than JSON")
        }
        return object
    }

    private static func number(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    /// Microsoft's descriptions carry trace and correlation IDs on further lines; the first says what is wrong.
    /// Their lines end in CR LF, which Swift reads as one Character equal to neither "\r" nor "\n": `isNewline`
    /// matches it.
    private static func firstLine(_ text: String) -> String {
        String(text.prefix { !$0.isNewline }.prefix(300))
    }
}
