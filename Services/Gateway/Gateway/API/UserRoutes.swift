import Contracts
import Hummingbird
import Messaging

/// `GET|POST /users`, `GET|PATCH /users/{id}`, `POST|GET /api-tokens`, `DELETE /api-tokens/{id}`.
struct UserRoutes {
    let clients: any GatewayServices

    func register(in routes: Routes) {
        let principals = routes.principals
        let userAdmins = routes.group(.manageUsers)
        let tokenAdmins = routes.group(.manageAPITokens)
        userAdmins.get("/api/v1/users") { _, context in
            let users = try await clients[.gateway].query(IdentityMessages.listUsers, Empty(),
                                                          actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(ListResponse(items: users.items, nextCursor: nil, total: users.items.count))
        }
        userAdmins.post("/api/v1/users") { request, context in
            let body = try await request.decodeJSON(CreateUser.self)
            let user = try await clients[.gateway].command(IdentityMessages.createUser, body,
                                                           actor: try context.requirePrincipal().actor,
                                                           idempotencyKey: try request.idempotencyKey())
            return try JSONResponse.make(user, status: .created)
        }
        userAdmins.get("/api/v1/users/:id") { _, context in
            let id = try context.parameters.id("id", of: "user", as: UserID.self)
            return try JSONResponse.make(try await clients[.gateway].query(
                IdentityMessages.getUser, GetUser(id: id), actor: try context.requirePrincipal().actor))
        }
        userAdmins.patch("/api/v1/users/:id") { request, context in
            let id = try context.parameters.id("id", of: "user", as: UserID.self)
            let changes = try await request.decodeJSON(UserChangesBody.self)
            guard changes.email == nil else {
                throw ErrorBody.invalidArgument("email cannot be changed; create a new user instead", field: "email")
            }
            let user = try await clients[.gateway].command(
                IdentityMessages.updateUser, UpdateUser(id: id, changes: changes.changes),
                actor: try context.requirePrincipal().actor, idempotencyKey: try request.idempotencyKey())
            principals.forget(user: id)  // a new role or a deactivation counts from the next request
            return try JSONResponse.make(user)
        }
        tokenAdmins.post("/api/v1/api-tokens") { request, context in
            let body = try await request.decodeJSON(CreateAPIToken.self)
            let created = try await clients[.gateway].command(IdentityMessages.createToken, body,
                                                              actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(created, status: .created)
        }
        tokenAdmins.get("/api/v1/api-tokens") { _, context in
            let tokens = try await clients[.gateway].query(IdentityMessages.listTokens, Empty(),
                                                           actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(ListResponse(items: tokens.items, nextCursor: nil, total: tokens.items.count))
        }
        tokenAdmins.delete("/api/v1/api-tokens/:id") { _, context in
            let id = try context.parameters.id("id", of: "API token", as: APITokenID.self)
            _ = try await clients[.gateway].command(IdentityMessages.revokeToken, RevokeAPIToken(id: id),
                                                    actor: try context.requirePrincipal().actor)
            principals.forget(apiToken: "\(id)")
            return Response(status: .noContent)
        }
    }
}

/// `PATCH /users/{id}`'s body: the changes, and `email` only to refuse it by name.
struct UserChangesBody: Decodable {
    var changes: UserChanges
    var email: String?

    private enum CodingKeys: String, CodingKey { case email }

    init(from decoder: any Decoder) throws {
        changes = try UserChanges(from: decoder)
        email = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .email)
    }
}
