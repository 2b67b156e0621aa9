import Hummingbird
import HTTPTypes

/// Where every gateway route is registered: on the router, and in a catalogue of
/// `(method, path)` that tests walk to prove each route's authentication.
/// Built once, at start-up, on one task.
public final class Routes {
    /// A registered route: method and full path pattern (`/api/v1/customers/:id`).
    public struct Entry: Hashable, Sendable {
        public let method: HTTPRequest.Method
        public let path: String
    }

    let router: Router<GatewayRequestContext>
    /// Every route registered so far.
    public private(set) var catalogue: [Entry] = []

    init(router: Router<GatewayRequestContext>) { self.router = router }

    typealias Handler = @Sendable (Request, GatewayRequestContext) async throws -> Response

    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        let full = path.hasPrefix("/") ? path : "/" + path
        catalogue.append(Entry(method: method, path: full))
        router.on(RouterPath(full), method: method) { request, context in try await handler(request, context) }
    }

    func get(_ path: String, _ handler: @escaping Handler) { on(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { on(.post, path, handler) }
    func put(_ path: String, _ handler: @escaping Handler) { on(.put, path, handler) }
    func patch(_ path: String, _ handler: @escaping Handler) { on(.patch, path, handler) }
    func delete(_ path: String, _ handler: @escaping Handler) { on(.delete, path, handler) }
}
