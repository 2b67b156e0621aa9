import Contracts
import Hummingbird
import HummingbirdAuth
import Logging

/// The request context of every gateway route: Hummingbird's core storage plus who is
/// asking, once `TokenAuthenticator` has established it.
public struct GatewayRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller; nil on the public routes (and before authentication).
    public var identity: Principal?
    /// Why the credentials were refused, for the 401's message.
    var refusal: String?
    /// The connection's peer address as text (sign-in throttling counts per address).
    public let clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The caller, if any.
    var principal: Principal? { identity }

    /// The caller, on a route that requires one (`RequirePermission` guarantees it).
    func requirePrincipal() throws -> Principal {
        guard let identity else { throw ErrorBody(.unauthenticated, "sign in first") }
        return identity
    }
}
