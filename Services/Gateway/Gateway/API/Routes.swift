import Contracts
import Foundation
import Hummingbird
import HTTPTypes
import Messaging

/// Where every gateway route is registered, with the permission it needs: the one place
/// that authenticates and authorises, and a catalogue of `(method, path, permission)`
/// that tests walk route by route.
///
/// Credentials: `Authorization: Bearer <token>` (session or API token) or the `ar_session`
/// cookie the sign-in page sets. Without valid ones every non-public route answers 401 —
/// API requests with the error body, page requests with the sign-in form. A principal
/// whose role lacks the permission gets 403. Built once, at start-up, on one task.
public final class Routes {
    /// A registered route: method, full path pattern (`/api/v1/customers/:id`), permission.
    public struct Entry: Hashable, Sendable {
        public let method: HTTPRequest.Method
        public let path: String
        public let permission: Permission
    }

    static let cookieName = "ar_session"

    let router: Router<GatewayRequestContext>
    private let clients: any GatewayServices
    /// This site, for the cross-site request checks.
    let origin: SiteOrigin
    /// Every route registered so far.
    public private(set) var catalogue: [Entry] = []

    init(router: Router<GatewayRequestContext>, clients: any GatewayServices, origin: SiteOrigin) {
        self.router = router
        self.clients = clients
        self.origin = origin
    }

    typealias Handler = @Sendable (Request, GatewayRequestContext) async throws -> Response

    func on(_ method: HTTPRequest.Method, _ path: String, _ permission: Permission, _ handler: @escaping Handler) {
        let full = path.hasPrefix("/") ? path : "/" + path
        catalogue.append(Entry(method: method, path: full, permission: permission))
        let clients = self.clients
        let origin = self.origin
        router.on(RouterPath(full), method: method) { request, context in
            guard permission != .public else { return try await handler(request, context) }
            guard let (token, fromCookie) = Self.credentials(in: request) else { return try Self.refuse(request, "sign in first") }
            if fromCookie && ![.get, .head, .options].contains(request.method) { try origin.check(request) }
            let principal: Principal
            do {
                principal = try await clients[.gateway].command(IdentityMessages.authenticate, TokenRequest(token: token))
            } catch let error as ErrorBody where error.code == .unauthenticated {
                return try Self.refuse(request, error.message)
            }
            guard PermissionTable.allows(principal.role, permission) else {
                throw ErrorBody(.permissionDenied, "a \(principal.role.rawValue) may not \(permission.action)")
            }
            var context = context
            context.principal = principal
            return try await handler(request, context)
        }
    }

    func get(_ path: String, _ permission: Permission, _ handler: @escaping Handler) { on(.get, path, permission, handler) }
    func post(_ path: String, _ permission: Permission, _ handler: @escaping Handler) { on(.post, path, permission, handler) }
    func put(_ path: String, _ permission: Permission, _ handler: @escaping Handler) { on(.put, path, permission, handler) }
    func patch(_ path: String, _ permission: Permission, _ handler: @escaping Handler) { on(.patch, path, permission, handler) }
    func delete(_ path: String, _ permission: Permission, _ handler: @escaping Handler) { on(.delete, path, permission, handler) }

    /// The bearer token, else the session cookie; and whether it came from the cookie.
    ///
    /// A change authenticated by the cookie must come from this site's pages
    /// (`SiteOrigin`): browsers send cookies on their own, so that request is always
    /// checked, whatever other headers it carries. (The cookie is also SameSite=Strict;
    /// this is the second lock.) Bearer tokens are never sent by a browser on its own.
    static func credentials(in request: Request) -> (token: String, fromCookie: Bool)? {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : (token, false)
        }
        return request.cookies[cookieName].map { ($0.value, true) }
    }

    /// The bearer token, else the session cookie.
    static func token(in request: Request) -> String? { credentials(in: request)?.token }

    /// 401 for everyone: API callers get the error body, people get the sign-in form, which
    /// brings them back to the page they asked for.
    private static func refuse(_ request: Request, _ message: String) throws -> Response {
        if request.uri.path.hasPrefix("/api/") || request.method != .get { throw ErrorBody(.unauthenticated, message) }
        return Response(status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: LoginPage.render(next: request.uri.path))))
    }
}
