import Foundation

/// RFC 8628, the device authorization grant, as `helpdeskd oauth login NAME` runs it: ask for a user code, let an
/// admin approve it in a browser, poll the token endpoint until they have, store the refresh token.
///
/// Blocking; the waits are `sleep` between polls at the interval the provider asks for.
public struct DeviceLogin {
    public let settings: OAuthSettings
    let endpoint: any TokenEndpoint

    public init(settings: OAuthSettings, endpoint: any TokenEndpoint) {
        self.settings = settings
        self.endpoint = endpoint
    }

    /// Step 1: the codes to show the admin.
    public func start() throws(OAuthError) -> DeviceAuthorization {
        guard settings.grant == .deviceCode, !settings.deviceAuthorizationURL.isEmpty else {
            throw OAuthError(
                .configuration, "[oauth2.\(settings.name)] is not a device_code grant with a device_authorization_url")
        }
        let response = try endpoint.post(
            url: settings.deviceAuthorizationURL,
            form: TokenGrant.deviceAuthorizationRequest(clientID: settings.clientID, scope: settings.scope),
            secrets: [])
        return try TokenGrant.deviceAuthorization(status: response.status, body: response.body)
    }

    /// Step 2: polls until the admin approved (the tokens), refused, or the code expired (thrown).
    public func wait(for authorization: DeviceAuthorization) throws(OAuthError) -> IssuedToken {
        try wait(
            for: authorization, now: { Int64(Date().timeIntervalSince1970) },
            sleep: { Foundation.sleep(UInt32(clamping: $0)) })
    }

    /// `wait(for:)` with a clock and a sleep of the caller's.
    public func wait(
        for authorization: DeviceAuthorization, now: () -> Int64, sleep: (Int64) -> Void
    )
        throws(OAuthError) -> IssuedToken
    {
        let deadline = now() + authorization.expiresIn
        var interval = authorization.interval
        let client = try TokenRequester.clientAuthentication(settings, now: now(), required: false)
        let form = TokenGrant.deviceToken(
            deviceCode: authorization.deviceCode, clientID: settings.clientID, client: client)
        while now() < deadline {
            sleep(interval)
            let response = try endpoint.post(url: settings.tokenURL, form: form, secrets: [authorization.deviceCode])
            switch try TokenGrant.answer(status: response.status, body: response.body, now: now()) {
            case .issued(let token):
                guard token.refreshToken != nil else {
                    throw OAuthError(
                        .refused, "the provider issued no refresh token; add the offline_access scope (Microsoft)")
                }
                return token
            case .pending(let slowDown):
                if slowDown { interval += 5 }
            case .refused(let error, let description):
                throw OAuthError(.refused, "the login was not approved", providerError: "\(error): \(description)")
            }
        }
        throw OAuthError(.refused, "the code expired before the login was approved; run the command again")
    }
}
