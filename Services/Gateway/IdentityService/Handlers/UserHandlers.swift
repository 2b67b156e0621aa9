import Contracts
import Foundation
import Messaging

/// Users and API tokens. The gateway's permission table decides who may call these; the
/// handlers check the (gateway-verified) actor again, and keep the rules that protect the
/// data itself: emails are unique in any case, there is always an active owner, only an
/// owner makes, unmakes or changes an owner, at most one default specialist, tokens never
/// outrank their creator and are made by people only.
enum UserHandlers {
    static func register(in registry: inout HandlerRegistry) {
        // Both hash passwords (bcrypt): the slow lane.
        registry.command(IdentityMessages.createUser, lane: .slow) { request, context in
            try requireAdministrator(context.envelope.actor)
            try TextLimit.check(request.name, TextLimit.name, field: "name")  // as sent, before trimming
            let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw ErrorBody.invalidArgument("name is required", field: "name") }
            try TextLimit.check(request.email, TextLimit.email, field: "email")
            guard EmailAddress.isPlausible(request.email) else { throw ErrorBody.invalidArgument("email is not valid", field: "email") }
            try PasswordPolicy.check(request.password)
            try requireOwnerToGrant(request.role, actor: context.envelope.actor)
            let store = IdentityStore(connection: context.connection)
            guard try store.userCount(email: request.email) == 0 else {
                throw ErrorBody.conflict("a user with email \(request.email) already exists")
            }
            var user = try store.insertUser(name: name, email: request.email, role: request.role,
                                            manageAllCustomers: request.manageAllCustomers ?? (request.role != .specialist),
                                            passwordHash: Secrets.hashPassword(request.password))
            if request.isDefaultSpecialist == true {
                user = try store.update(user.id, name: user.name, role: user.role, manageAllCustomers: user.manageAllCustomers,
                                        isDefaultSpecialist: true, active: true, passwordHash: nil)
            }
            try context.publish(IdentityMessages.userUpserted, user)
            return user
        }

        registry.command(IdentityMessages.updateUser, lane: .slow) { request, context in
            try requireAdministrator(context.envelope.actor)
            let store = IdentityStore(connection: context.connection)
            guard let current = try store.user(request.id, forUpdate: true) else {
                throw ErrorBody.notFound("user \(request.id) does not exist")
            }
            if current.role == .owner && context.envelope.actor?.role != Role.owner.rawValue {
                context.logger.warning("refused a change to an owner's account by a non-owner", metadata: [
                    "target": "\(current.id)", "actor": "\(context.envelope.actor?.userId.map { "\($0)" } ?? "none")"])
                throw ErrorBody(.permissionDenied, "only an owner can change an owner's account")
            }
            let changes = request.changes
            let role = changes.role ?? current.role
            let active = changes.active ?? current.active
            if role != current.role && (role == .owner || current.role == .owner) {
                try requireOwnerToGrant(.owner, actor: context.envelope.actor)
            }
            if current.role == .owner && current.active && (role != .owner || !active),
               try store.otherActiveOwners(excluding: current.id) == 0 {
                throw ErrorBody.failedPrecondition("there must always be an active owner; make someone else owner first")
            }
            try TextLimit.check(changes.name, TextLimit.name, field: "name")  // as sent, before trimming
            let name = changes.name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? current.name
            guard !name.isEmpty else { throw ErrorBody.invalidArgument("name is required", field: "name") }
            var passwordHash: String?
            if let password = changes.password {
                try PasswordPolicy.check(password)
                passwordHash = Secrets.hashPassword(password)
            }
            let user = try store.update(current.id, name: name, role: role,
                                        manageAllCustomers: changes.manageAllCustomers ?? current.manageAllCustomers,
                                        isDefaultSpecialist: changes.isDefaultSpecialist ?? current.isDefaultSpecialist,
                                        active: active, passwordHash: passwordHash)
            if !active || passwordHash != nil { try store.revokeSessions(of: user.id) }
            try context.publish(IdentityMessages.userUpserted, user)
            return user
        }

        registry.query(IdentityMessages.listUsers) { _, context in
            try requireAdministrator(context.envelope.actor)
            return UserList(items: try IdentityStore(connection: context.connection).users())
        }

        registry.query(IdentityMessages.getUser) { request, context in
            try requireAdministrator(context.envelope.actor)
            guard let user = try IdentityStore(connection: context.connection).user(request.id) else {
                throw ErrorBody.notFound("user \(request.id) does not exist")
            }
            return user
        }

        registry.command(IdentityMessages.createToken) { request, context in
            let actor = try requireAdministrator(context.envelope.actor)
            guard let creator = actor.userId, actor.apiTokenId == nil else {
                throw ErrorBody(.permissionDenied, "API tokens are created by a signed-in person, not by another token")
            }
            try TextLimit.check(request.name, TextLimit.name, field: "name")  // as sent, before trimming
            let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw ErrorBody.invalidArgument("name is required", field: "name") }
            guard request.role != .owner else {
                throw ErrorBody.invalidArgument("an API token cannot act as owner; choose admin or below", field: "role")
            }
            guard let creatorRole = Role(rawValue: actor.role), request.role.rank <= creatorRole.rank else {
                throw ErrorBody.invalidArgument("an API token cannot outrank its creator (\(actor.role))", field: "role")
            }
            if let expiresAt = request.expiresAt, expiresAt <= Date() {
                // Well-formed, but already past: a precondition of now, not of the request's form.
                throw ErrorBody(.failedPrecondition, "expires_at must be in the future", details: ["expires_at": "must be in the future"])
            }
            let token = Secrets.newToken(prefix: "art_")
            let record = try IdentityStore(connection: context.connection).insertToken(
                name: name, role: request.role, tokenHash: Secrets.tokenHash(token), createdBy: creator,
                expiresAt: request.expiresAt)
            return CreatedAPIToken(token: token, record: record)
        }

        registry.query(IdentityMessages.listTokens) { _, context in
            try requireAdministrator(context.envelope.actor)
            return APITokenList(items: try IdentityStore(connection: context.connection).tokens())
        }

        registry.command(IdentityMessages.revokeToken) { request, context in
            try requireAdministrator(context.envelope.actor)
            guard try IdentityStore(connection: context.connection).revokeToken(request.id) else {
                throw ErrorBody.notFound("API token \(request.id) does not exist or is already revoked")
            }
            return Empty()
        }
    }

    /// Users and tokens are managed by owners and admins only; returns the actor.
    @discardableResult
    private static func requireAdministrator(_ actor: Actor?) throws -> Actor {
        guard let actor, actor.role == Role.owner.rawValue || actor.role == Role.admin.rawValue else {
            throw ErrorBody(.permissionDenied, "only an owner or an admin manages users and API tokens")
        }
        return actor
    }

    /// Only an owner makes (or unmakes) an owner.
    private static func requireOwnerToGrant(_ role: Role, actor: Actor?) throws {
        guard role == .owner else { return }
        guard actor?.role == Role.owner.rawValue else {
            throw ErrorBody(.permissionDenied, "only an owner can make or change an owner")
        }
    }
}
