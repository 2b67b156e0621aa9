import Contracts
import Foundation
import Messaging

/// Login, sessions and first-start bootstrap.
struct IdentityHandlers {
    /// How long a session may sit unused, and how long it may live at all.
    let idleSeconds: Int
    let maximumSeconds: Int
    /// Failed logins allowed per email inside the window before every attempt is refused.
    let failureLimit = 10
    let failureWindowSeconds = 15 * 60

    func register(in registry: inout HandlerRegistry) {
        registry.unrecordedCommand(IdentityMessages.bootstrapOwner, BootstrapOwner.self) { request, context in
            let store = IdentityStore(connection: context.connection)
            try context.connection.query("SELECT pg_advisory_xact_lock(hashtext('identity.bootstrap'))")
            guard try store.userCount() == 0 else {
                throw ErrorBody.failedPrecondition("users already exist; the first owner is created only once")
            }
            try PasswordPolicy.check(request.password)
            guard EmailAddress.isPlausible(request.email) else { throw ErrorBody.invalidArgument("email is not valid", field: "email") }
            let owner = try store.insertUser(name: request.name, email: request.email, role: .owner,
                                             manageAllCustomers: true, passwordHash: Secrets.hashPassword(request.password))
            try context.publish(IdentityMessages.userUpserted, owner)
            return owner
        }

        // Every failure answers alike (no user enumeration); the failure is recorded, so
        // the reply is a value, not a thrown error that would roll the record back.
        registry.unrecordedCommand(IdentityMessages.login, Login.self) { request, context in
            let store = IdentityStore(connection: context.connection)
            let key = Secrets.emailKey(request.email)
            let throttled = try store.recentFailures(emailKey: key, within: failureWindowSeconds) >= failureLimit
            let candidate = try store.activeUser(email: key)
            let passwordMatches = Secrets.verify(request.password, against: candidate?.1 ?? Secrets.decoyHash)
            guard !throttled, let (user, _) = candidate, passwordMatches else {
                try store.recordFailure(emailKey: key)
                return LoginOutcome.refused
            }
            let token = Secrets.newToken(prefix: "ses_")
            let expiresAt = Date().addingTimeInterval(Double(maximumSeconds))
            try store.insertSession(tokenHash: Secrets.tokenHash(token), user: user.id, expiresAt: expiresAt)
            return LoginOutcome(result: LoginResult(token: token, user: user, expiresAt: expiresAt))
        }

        registry.unrecordedCommand(IdentityMessages.authenticate, TokenRequest.self) { request, context in
            let store = IdentityStore(connection: context.connection)
            let hash = Secrets.tokenHash(request.token)
            if let principal = try store.sessionPrincipal(tokenHash: hash, idleSeconds: idleSeconds) { return principal }
            if let principal = try store.apiTokenPrincipal(tokenHash: hash) { return principal }
            throw ErrorBody(.unauthenticated, "the session or token is not valid; sign in again")
        }

        registry.unrecordedCommand(IdentityMessages.logout, TokenRequest.self) { request, context in
            try IdentityStore(connection: context.connection).revokeSession(tokenHash: Secrets.tokenHash(request.token))
            return Empty()
        }
    }
}
