import Contracts
import Crypto
import Foundation
import Hummingbird
import HummingbirdAuth
import HTTPTypes
import Messaging
import Threading

/// The credentials a request carries: `Authorization: Bearer <token>` (a session or an
/// API token), else the `ar_session` cookie the sign-in page sets.
struct Credentials {
    static let cookieName = "ar_session"

    let token: String
    /// A browser sends the cookie on its own, so a change it authenticates must come from
    /// this site's pages (`SiteOrigin`). Bearer tokens are never sent by a browser on its own.
    let fromCookie: Bool

    init?(_ request: Request) {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else { return nil }
            self.token = token
            fromCookie = false
        } else if let cookie = request.cookies[Self.cookieName] {
            token = cookie.value
            fromCookie = true
        } else {
            return nil
        }
    }
}

/// Establishes who is asking (hummingbird-auth's authenticator pattern): a valid token
/// sets the context's identity; a missing or refused one leaves it empty, with the reason,
/// for `RequirePermission` to answer. A change authenticated by the cookie must come from
/// this site (the cookie is also SameSite=Strict; this is the second lock).
struct TokenAuthenticator: AuthenticatorMiddleware {
    typealias Context = GatewayRequestContext

    let principals: PrincipalCache
    let origin: SiteOrigin

    func authenticate(request: Request, context: Context) async throws -> Principal? {
        try await authenticated(request).principal
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        (context.identity, context.refusal) = try await authenticated(request)
        return try await next(request, context)
    }

    private func authenticated(_ request: Request) async throws -> (principal: Principal?, refusal: String?) {
        guard let credentials = Credentials(request) else { return (nil, "sign in first") }
        if credentials.fromCookie && ![.get, .head, .options].contains(request.method) { try origin.check(request) }
        do {
            return (try await principals.principal(for: credentials.token), nil)
        } catch let error as ErrorBody where error.code == .unauthenticated {
            return (nil, error.message)
        }
    }
}

/// Lets a request on only with an identity whose role has `permission` (the table in
/// `Permissions.swift`): without one, 401 — API requests get the error body, page
/// requests the sign-in form, which brings the person back; with one that lacks it, 403.
struct RequirePermission: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let permission: Permission

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = context.identity else {
            let message = context.refusal ?? "sign in first"
            if request.uri.path.hasPrefix("/api/") || request.method != .get { throw ErrorBody(.unauthenticated, message) }
            return Response(status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: try LoginPage.render(next: request.uri.path))))
        }
        guard PermissionTable.allows(principal.role, permission) else {
            throw ErrorBody(.permissionDenied, "a \(principal.role.rawValue) may not \(permission.action)")
        }
        return try await next(request, context)
    }
}

/// Who a token belongs to, remembered for a few seconds so that a request does not cost
/// a round trip to the identity service each time. Entries are keyed by the token's
/// SHA-256 (the cache holds no token), never outlive the session's or token's own end,
/// and are dropped when the gateway changes the session or account (`forget`) — or when
/// they age out: the bound on how long a change made elsewhere can go unseen.
final class PrincipalCache: Sendable {
    private struct Entry: Sendable {
        let principal: Principal
        /// The account it hangs on: the session's user, or the API token's creator.
        let account: UserID
        let expires: ContinuousClock.Instant
    }

    private let identity: any ServiceCaller
    private let lifetime: Duration
    private let capacity: Int
    private let entries = Locked([String: Entry]())

    init(identity: any ServiceCaller, lifetime: Duration = .seconds(5), capacity: Int = 10_000) {
        self.identity = identity
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The token's principal, or `unauthenticated`.
    func principal(for token: String) async throws -> Principal {
        let key = Self.key(token)
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), entry.expires > now { return entry.principal }
        let authentication = try await identity.command(IdentityMessages.authenticate, TokenRequest(token: token))
        // Never past the session's or token's own end.
        var expires = now + lifetime
        if let validUntil = authentication.validUntil {
            expires = min(expires, now + .milliseconds(Int64(max(0, validUntil.timeIntervalSinceNow) * 1_000)))
        }
        guard expires > now else { return authentication.principal }
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { $0.value.expires > now } }
            if entries.count < capacity {
                entries[key] = Entry(principal: authentication.principal, account: authentication.account, expires: expires)
            }
        }
        return authentication.principal
    }

    /// Forgets one token (signed out).
    func forget(token: String) {
        let key = Self.key(token)
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// Forgets every session of a user and every API token they created (their role,
    /// state or sessions changed; a token never outranks its creator).
    func forget(user: UserID) {
        entries.withLock { entries in entries = entries.filter { $0.value.account != user } }
    }

    /// Forgets an API token (revoked).
    func forget(apiToken id: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.principal.apiTokenId != id } }
    }

    private static func key(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
