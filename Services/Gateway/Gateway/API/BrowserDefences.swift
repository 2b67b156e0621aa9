import Contracts
import Foundation
import Hummingbird
import HTTPTypes

/// This site's origin — scheme, host and port of `AR_PUBLIC_URL` — and the one check of
/// whether a browser request came from this site's own pages (CSRF).
public struct SiteOrigin: Sendable, Equatable {
    public let scheme: String
    public let host: String
    public let port: Int

    /// Parses an absolute http(s) URL; default ports are made explicit.
    public init?(_ url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
    }

    /// Whether the request's `Origin` (or, when a browser sent none, its `Referer`) is this
    /// site; a request with neither is refused too.
    public func sent(_ request: Request) -> Bool {
        let source = request.headers[.origin] ?? request.headers[.referer]
        return source.flatMap(SiteOrigin.init) == self
    }

    /// Refuses (403) a request that did not come from this site's pages.
    func check(_ request: Request) throws {
        guard sent(request) else { throw ErrorBody(.permissionDenied, "this request did not come from this site's pages") }
    }
}

/// Where a person may be sent after signing in: a path on this site, never another site.
/// Refuses scheme-relative (`//`), backslashes (browsers read `/\` as `//`), and control
/// or whitespace characters (`/\t/evil.example` is `//evil.example` to a browser).
public enum LocalPath {
    public static let fallback = "/customers"

    public static func safe(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), candidate.count <= 2_048,
              !candidate.contains("\\"),
              !candidate.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control
                                                            || $0.properties.generalCategory == .format })
        else { return fallback }
        // Whatever the browser decodes must still be a local path.
        if let decoded = candidate.removingPercentEncoding, decoded != candidate, safe(decoded) == fallback {
            return fallback
        }
        return candidate
    }
}

/// Sets the browser defences on every answer, errors included: a Content-Security-Policy
/// without inline script, no framing, no MIME sniffing, a strict referrer policy, no
/// caching of anything but static assets, and HSTS when the public URL is https.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let https: Bool

    static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        if https { response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains" }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
