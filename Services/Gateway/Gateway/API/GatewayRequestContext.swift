import Contracts
import Hummingbird
import Logging

/// The request context of every gateway route: Hummingbird's core storage plus who is
/// asking, once `AuthenticationMiddleware` has established it.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; nil only on the public routes.
    public var principal: Principal?
    /// The connection's peer address as text (sign-in throttling counts per address).
    public let clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The caller, on a route that requires one (the middleware guarantees it).
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw ErrorBody(.unauthenticated, "sign in first") }
        return principal
    }
}
