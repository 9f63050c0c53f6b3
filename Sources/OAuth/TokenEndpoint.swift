public import Mail

/// The HTTP edge of OAuth: a form POST and its answer. `HTTPSTokenEndpoint` is the real one (libcurl); tests of
/// the grant logic may use others.
public protocol TokenEndpoint: AnyObject {
    /// POSTs `form` to `url`. Throws `OAuthError.unavailable` when no answer came (DNS, connection, TLS, timeout).
    func post(url: String, form: [(String, String)], secrets: [String]) throws(OAuthError) -> HTTPSResponse
}

/// Token requests over libcurl, trusting the system's CAs (and `caFile`, when set).
public final class HTTPSTokenEndpoint: TokenEndpoint {
    private let caFile: String?
    private var poster: HTTPSPoster?

    public init(caFile: String?) { self.caFile = caFile }

    public func post(url: String, form: [(String, String)], secrets: [String]) throws(OAuthError) -> HTTPSResponse {
        do throws(MailError) {
            let poster: HTTPSPoster
            if let open = self.poster {
                poster = open
            } else {
                poster = try HTTPSPoster(caFile: caFile)
                self.poster = poster
            }
            return try poster.post(url: url, form: form, secrets: secrets)
        } catch {
            self.poster = nil  // a fresh connection next time
            let code: OAuthError.Code = error.code == .configuration ? .configuration : .unavailable
            throw OAuthError(code, "no answer from the token endpoint: \(error.description)")
        }
    }
}
