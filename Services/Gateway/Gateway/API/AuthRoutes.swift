import Contracts
import Hummingbird
import HTTPTypes
import Messaging

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.
struct AuthRoutes {
    let clients: any GatewayServices
    let principals: PrincipalCache
    let limiter = RateLimiter.signIn()

    func register(in routes: Routes) {
        let open = routes.group(.public)
        let signedIn = routes.group(.signedIn)
        open.post("/api/v1/auth/login") { request, context in
            let login = try await request.decodeJSON(Login.self)
            let result = try await signIn(login, from: context.clientAddress)
            return try JSONResponse.make(result)
        }
        signedIn.post("/api/v1/auth/logout") { request, _ in
            if let token = Credentials(request)?.token { try await signOut(token) }
            return Response(status: .noContent)
        }
        signedIn.get("/api/v1/me") { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(principal)
        }
        signedIn.post("/api/v1/me/totp") { _, context in
            let user = try signedInUser(context)
            return try JSONResponse.make(try await clients[.gateway].command(
                IdentityMessages.startTOTP, TOTPRequest(userId: user), actor: context.principal?.actor),
                status: .created)
        }
        signedIn.post("/api/v1/me/totp/confirm") { request, context in
            let user = try signedInUser(context)
            let body = try await request.decodeJSON(TOTPCode.self)
            _ = try await clients[.gateway].command(IdentityMessages.confirmTOTP, TOTPRequest(userId: user, code: body.code), actor: context.principal?.actor)
            return Response(status: .noContent)
        }
        signedIn.delete("/api/v1/me/totp") { request, context in
            let user = try signedInUser(context)
            let body = try await request.decodeJSON(TOTPCode.self)
            _ = try await clients[.gateway].command(IdentityMessages.disableTOTP, TOTPRequest(userId: user, code: body.code), actor: context.principal?.actor)
            return Response(status: .noContent)
        }
    }

    /// The signed-in person (the second factor belongs to people, not API tokens).
    private func signedInUser(_ context: GatewayRequestContext) throws -> UserID {
        guard let user = try context.requirePrincipal().user?.id else {
            throw ErrorBody.failedPrecondition("one-time codes are for people signed in, not API tokens")
        }
        return user
    }

    /// Signs in, or throws the one `unauthenticated` answer every failure gets.
    func signIn(_ login: Login, from address: String) async throws -> LoginResult {
        try limiter.admit(address)
        let outcome = try await clients[.gateway].command(IdentityMessages.login, LoginAttempt(login: login, clientAddress: address), timeout: .seconds(10))
        if outcome.needsTotpCode {
            throw ErrorBody(.unauthenticated, "enter the one-time code from your authenticator app", details: ["totp_code": "required"])
        }
        guard let result = outcome.result else { throw ErrorBody(.unauthenticated, "the email or password is not correct") }
        return result
    }

    func signOut(_ token: String) async throws {
        principals.forget(token: token)
        _ = try await clients[.gateway].command(IdentityMessages.logout, TokenRequest(token: token))
    }
}

/// `{"code": "123456"}`.
struct TOTPCode: Decodable {
    var code: String
}
