import Contracts
import Foundation
import Hummingbird
import HTTPTypes
import Messaging

/// Every route needs credentials except the public ones: the health check, the sign-in
/// page and API, static assets, the payment portal (its token is its credential) and
/// provider webhooks (verified by signature).
///
/// Credentials: `Authorization: Bearer <token>` (session or API token) or the
/// `ar_session` cookie the sign-in page sets. Without valid credentials every route
/// answers 401: API requests with the error body, page requests with the sign-in form.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let clients: ServiceClients

    static let cookieName = "ar_session"
    static let publicPrefixes = ["/health", "/login", "/assets/", "/pay/", "/api/v1/portal/", "/webhooks/", "/api/v1/auth/login"]

    static func isPublic(_ path: String) -> Bool {
        publicPrefixes.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") || path == $0 }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.isPublic(path) { return try await next(request, context) }
        guard let token = Self.token(in: request) else { return try refuse(request, "sign in first") }
        let principal: Principal
        do {
            principal = try await clients[.gateway].command(IdentityMessages.authenticate, TokenRequest(token: token),
                                                            as: Principal.self)
        } catch let error as ErrorBody where error.code == .unauthenticated {
            return try refuse(request, error.message)
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    /// The bearer token, else the session cookie.
    static func token(in request: Request) -> String? {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        return request.cookies[cookieName]?.value
    }

    /// 401 for everyone: API callers get the error body, people get the sign-in form,
    /// which brings them back to the page they asked for.
    private func refuse(_ request: Request, _ message: String) throws -> Response {
        if request.uri.path.hasPrefix("/api/") || request.method != .get { throw ErrorBody(.unauthenticated, message) }
        let page = LoginPage.render(next: request.uri.path)
        return Response(status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
