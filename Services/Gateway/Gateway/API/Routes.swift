import Contracts
import Foundation
import Hummingbird
import HTTPTypes
import Threading
import Messaging

/// Where the gateway's routes are registered: a Hummingbird route group per permission.
/// Every group but the public one authenticates (`TokenAuthenticator`) and checks its
/// permission (`RequirePermission`) before a handler runs, so a handler never does.
///
///     let customers = routes.group(.readCustomers)
///     customers.get("/api/v1/customers/:id") { request, context in … }
///
/// The catalogue of `(method, path, permission)` that tests walk comes from the router
/// itself: a route registered around the groups shows up as public, and the test of the
/// public routes catches it.
public final class Routes {
    /// A registered route: method, path pattern (`/api/v1/customers/{id}`), permission.
    public struct Entry: Hashable, Sendable {
        public let method: HTTPRequest.Method
        public let path: String
        public let permission: Permission
    }

    let router: Router<GatewayRequestContext>
    /// This site, for the cross-site request checks.
    let origin: SiteOrigin
    let principals: PrincipalCache
    private let ledger = PermissionLedger()

    init(router: Router<GatewayRequestContext>, principals: PrincipalCache, origin: SiteOrigin) {
        self.router = router
        self.principals = principals
        self.origin = origin
    }

    /// The routes that need `permission`.
    func group(_ permission: Permission) -> PermissionGroup {
        let group = router.group()
        if permission != .public {
            group.add(middleware: TokenAuthenticator(principals: principals, origin: origin))
                .add(middleware: RequirePermission(permission: permission))
        }
        return PermissionGroup(permission: permission, group: group, ledger: ledger)
    }

    /// Every route the router has, with the permission its group checks.
    public var catalogue: [Entry] {
        router.routes.map { route in
            Entry(method: route.method, path: route.path.description,
                  permission: ledger.permission(route.method, route.path.description) ?? .public)
        }
    }
}

/// A Hummingbird route group that notes each route's permission for the catalogue.
struct PermissionGroup: RouterMethods {
    typealias Context = GatewayRequestContext

    let permission: Permission
    let group: RouterGroup<Context>
    let ledger: PermissionLedger

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        ledger.record(method, path.description, permission)
        group.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        group.add(middleware: middleware)
        return self
    }
}

/// Which permission each registered route's group checks. Written while the router is
/// built (on one task), read by the catalogue.
final class PermissionLedger: Sendable {
    private let permissions = Locked([String: Permission]())

    func record(_ method: HTTPRequest.Method, _ path: String, _ permission: Permission) {
        permissions.withLock { $0["\(method) \(path)"] = permission }
    }

    func permission(_ method: HTTPRequest.Method, _ path: String) -> Permission? {
        permissions.withLock { $0["\(method) \(path)"] }
    }
}
