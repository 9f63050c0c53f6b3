public import Hummingbird
import NIOCore

/// Hummingbird's request context for the workspace: the core storage, and the peer's address (login throttling
/// counts per address; the single-sign-on header counts only from the configured proxies).
public struct StaffRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer IP address ("" when unknown, e.g. a Unix socket).
    public let remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }
}

/// Headers every response carries: no sniffing, no framing, no referrer, no caching of personal data, and a
/// Content-Security-Policy that allows only this site's own style sheet, script and images (a handler may set a
/// stricter one, as the file route does).
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[values: .init("X-Frame-Options")!] = ["DENY"]
        response.headers[values: .init("Referrer-Policy")!] = ["no-referrer"]
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.policy }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
