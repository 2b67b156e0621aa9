import Contracts
import Hummingbird
import HTTPTypes
import Messaging

/// `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.
struct AuthRoutes {
    let clients: ServiceClients

    func register(in routes: Routes) {
        routes.post("/api/v1/auth/login", .public) { request, _ in
            let login = try await request.decodeJSON(Login.self)
            let result = try await signIn(login)
            return try JSONResponse.make(result)
        }
        routes.post("/api/v1/auth/logout", .signedIn) { request, _ in
            if let token = Routes.token(in: request) { try await signOut(token) }
            return Response(status: .noContent)
        }
        routes.get("/api/v1/me", .signedIn) { _, context in
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(principal)
        }
    }

    /// Signs in, or throws the one `unauthenticated` answer every failure gets.
    func signIn(_ login: Login) async throws -> LoginResult {
        let outcome = try await clients[.gateway].command(IdentityMessages.login, login, as: LoginOutcome.self,
                                                          timeout: .seconds(5))
        guard let result = outcome.result else { throw ErrorBody(.unauthenticated, "the email or password is not correct") }
        return result
    }

    func signOut(_ token: String) async throws {
        _ = try await clients[.gateway].command(IdentityMessages.logout, TokenRequest(token: token), as: Empty.self)
    }
}
