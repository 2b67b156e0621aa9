import ServiceKit

/// The gateway's settings, from the environment (each documented in the README).
public struct GatewayConfiguration: Sendable {
    /// `AR_GATEWAY_HOST` (default 127.0.0.1) and `AR_GATEWAY_PORT` (default 8080).
    public var host: String
    public var port: Int
    /// `AR_DETAILS_TIMEOUT_MS` (default 700): each section's deadline in the Customer Details view.
    public var sectionTimeoutMilliseconds: Int
    /// `AR_PUBLIC_URL` (default http://<host>:<port>): how people and customers reach the
    /// site; its origin is the one browser requests must come from.
    public var publicURL: String
    public var origin: SiteOrigin
    /// Where the payment portal is served: `AR_PUBLIC_URL` + `/pay/` (a link's URL is this and its token).
    public var portalBase: String { (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + "/pay/" }
    public var directory: ServiceDirectory
    /// `AR_PRINCIPAL_CACHE_SECONDS` (default 10; 0 turns it off): how long the gateway
    /// trusts what it learned about a token without asking the identity service again.
    /// Sign-out, user changes and token revocation reach it at once; this bounds the rest.
    public var principalCacheSeconds: Int
    /// `AR_DOCUMENT_MAX_BYTES` (default 10 MiB, `DocumentLimits`): a larger upload is 413
    /// before it is read further.
    public var documentBytes: Int

    public init(environment: Environment) throws {
        host = environment.string("AR_GATEWAY_HOST", default: "127.0.0.1")
        port = try environment.int("AR_GATEWAY_PORT", default: 8080)
        sectionTimeoutMilliseconds = try environment.int("AR_DETAILS_TIMEOUT_MS", default: 700)
        publicURL = environment.string("AR_PUBLIC_URL", default: "http://\(host):\(port)")
        guard let origin = SiteOrigin(publicURL) else {
            throw ConfigurationError("AR_PUBLIC_URL must be an absolute http or https URL, got \"\(publicURL)\"")
        }
        self.origin = origin
        directory = ServiceDirectory(environment: environment)
        principalCacheSeconds = try environment.int("AR_PRINCIPAL_CACHE_SECONDS", default: 10)
        guard principalCacheSeconds >= 0 else { throw ConfigurationError("AR_PRINCIPAL_CACHE_SECONDS must not be negative") }
        documentBytes = try DocumentLimits.maximumBytes(environment)
    }
}
