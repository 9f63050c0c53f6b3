import CCurl

/// An HTTP response as the OAuth token endpoints give it: the status and a bounded body.
public struct HTTPSResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// Form POSTs over HTTPS with libcurl, for OAuth 2.0 token and device-authorization endpoints: the daemon
/// already links libcurl for IMAP and SMTP, so it needs no second HTTP stack.
///
/// TLS only (certificates verified, TLS 1.2 or later), no redirects, a 1 MiB cap on the answer. `secrets`
/// (a client secret, a refresh token, an assertion) are removed from every error text.
///
/// Not Sendable: one caller at a time owns a poster; it keeps its connection between requests.
public final class HTTPSPoster {
    private let handle: CurlHandle

    public init(
        caFile: String? = nil, timeouts: MailTimeouts = MailTimeouts(operation: .seconds(60))
    )
        throws(MailError)
    {
        handle = try CurlHandle(
            settings: CurlHandle.Settings(
                protocols: "https", credential: nil, tls: .none, caFile: caFile, timeouts: timeouts))
    }

    /// POSTs `form` (application/x-www-form-urlencoded) to `url`; any HTTP status is a response, only a
    /// transfer failure (DNS, connection, TLS, timeout) throws.
    public func post(
        url: String, form: [(String, String)], secrets: [String] = []
    ) throws(MailError)
        -> HTTPSResponse
    {
        guard url.lowercased().hasPrefix("https://") else {
            throw MailError(.configuration, "\(url) is not an https:// URL")
        }
        let body = form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        let response = handle.perform(
            CurlHandle.Request(
                url: url, postFields: body, httpHeaders: ["Accept: application/json"], bodyLimit: 1 << 20))
        guard response.succeeded else {
            throw response.genericError("POST \(url)").redacting(secrets)
        }
        return HTTPSResponse(status: response.responseCode, body: response.body)
    }

    /// application/x-www-form-urlencoded: unreserved characters as they are, everything else percent-encoded.
    public static func formEncode(_ text: String) -> String {
        ServerURL.percentEncode(text, keepSlash: false)
    }
}
