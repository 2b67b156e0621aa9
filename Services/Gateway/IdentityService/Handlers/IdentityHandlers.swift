import Contracts
import Foundation
import Messaging

/// Login, sessions and first-start bootstrap.
struct IdentityHandlers {
    /// How long a session may sit unused, and how long it may live at all.
    let idleSeconds: Int
    let maximumSeconds: Int
    /// Seals TOTP secrets at rest.
    let box: SecretBox
    /// Failed logins allowed per email from one address inside the window before every
    /// attempt from there is refused; and per address, for any email.
    let failureLimit = 10
    let addressFailureLimit = 50
    let failureWindowSeconds = 15 * 60

    func register(in registry: inout HandlerRegistry) {
        registry.command(IdentityMessages.bootstrapOwner, lane: .slow) { request, context in
            let store = IdentityStore(connection: context.connection)
            try context.connection.query("SELECT pg_advisory_xact_lock(hashtext('identity.bootstrap'))")
            guard try store.userCount() == 0 else {
                throw ErrorBody.failedPrecondition("users already exist; the first owner is created only once")
            }
            try PasswordPolicy.check(request.password)
            try TextLimit.check(request.name, TextLimit.name, field: "name")
            try TextLimit.check(request.email, TextLimit.email, field: "email")
            guard EmailAddress.isPlausible(request.email) else { throw ErrorBody.invalidArgument("email is not valid", field: "email") }
            let owner = try store.insertUser(name: request.name, email: request.email, role: .owner,
                                             manageAllCustomers: true, passwordHash: Secrets.hashPassword(request.password))
            try context.publish(IdentityMessages.userUpserted, owner)
            return owner
        }

        // Every failure answers alike (no user enumeration); the failure is recorded, so
        // the reply is a value, not a thrown error that would roll the record back.
        // Throttled attempts are refused before any password work, and not recorded: a
        // flood costs a count query each, and locks out only the address it comes from.
        // bcrypt runs on the slow lane, so session checks never wait behind it.
        registry.command(IdentityMessages.login, lane: .slow) { attempt, context in
            let request = attempt.login
            let address = String(attempt.clientAddress.prefix(64))
            try TextLimit.check(request.email, TextLimit.email, field: "email")
            guard request.password.unicodeScalars.count <= TextLimit.password else {
                throw ErrorBody.invalidArgument("password must be at most \(TextLimit.password) characters", field: "password")
            }
            try TextLimit.check(request.totpCode, TextLimit.oneTimeCode, field: "totp_code")
            let store = IdentityStore(connection: context.connection)
            let key = Secrets.emailKey(request.email)
            guard try store.recentFailures(emailKey: key, address: address, within: failureWindowSeconds) < failureLimit,
                  try store.recentFailures(address: address, within: failureWindowSeconds) < addressFailureLimit else {
                return LoginOutcome.refused
            }
            let candidate = try store.activeUser(email: key)
            let passwordMatches = Secrets.verify(request.password, against: candidate?.1 ?? Secrets.decoyHash)
            guard let (user, _) = candidate, passwordMatches else {
                try store.recordFailure(emailKey: key, address: address)
                return LoginOutcome.refused
            }
            if let totp = try store.totpState(of: user.id, box: box), let secret = totp.secret {
                guard let code = request.totpCode, !code.isEmpty else { return LoginOutcome(result: nil, needsTotpCode: true) }
                guard let step = OneTimeCodes.acceptedStep(code, secret: secret, lastUsedStep: totp.lastStep) else {
                    try store.recordFailure(emailKey: key, address: address)
                    return LoginOutcome.refused
                }
                try store.setTOTP(of: user.id, secret: secret, pending: nil, lastStep: step, box: box)
            }
            let token = Secrets.newToken(prefix: "ses_")
            let expiresAt = Date().addingTimeInterval(Double(maximumSeconds))
            try store.insertSession(tokenHash: Secrets.tokenHash(token), user: user.id, expiresAt: expiresAt)
            return LoginOutcome(result: LoginResult(token: token, user: user, expiresAt: expiresAt))
        }

        registry.command(IdentityMessages.authenticate) { request, context in
            let store = IdentityStore(connection: context.connection)
            let hash = Secrets.tokenHash(request.token)
            if let principal = try store.sessionPrincipal(tokenHash: hash, idleSeconds: idleSeconds) { return principal }
            if let principal = try store.apiTokenPrincipal(tokenHash: hash) { return principal }
            throw ErrorBody(.unauthenticated, "the session or token is not valid; sign in again")
        }

        registry.command(IdentityMessages.startTOTP) { request, context in
            let store = IdentityStore(connection: context.connection)
            guard let user = try store.user(request.userId), let state = try store.totpState(of: user.id, box: box) else {
                throw ErrorBody.notFound("user \(request.userId) does not exist")
            }
            guard state.secret == nil else {
                throw ErrorBody.failedPrecondition("the one-time code is already on; turn it off first")
            }
            let secret = OneTimeCodes.newSecret()
            try store.setTOTP(of: user.id, secret: nil, pending: secret, lastStep: nil, box: box)
            return TOTPEnrollment(secret: secret, otpauthUrl: OneTimeCodes.enrollmentURL(secret: secret, email: user.email))
        }

        registry.command(IdentityMessages.confirmTOTP) { request, context in
            let code = try OneTimeCodes.wellFormed(request.code)
            let store = IdentityStore(connection: context.connection)
            guard let state = try store.totpState(of: request.userId, box: box), let pending = state.pending else {
                throw ErrorBody.failedPrecondition("start the one-time code set-up first")
            }
            guard let step = OneTimeCodes.acceptedStep(code, secret: pending, lastUsedStep: nil) else {
                throw OneTimeCodes.mismatch("the code does not match; check the authenticator app's clock")
            }
            try store.setTOTP(of: request.userId, secret: pending, pending: nil, lastStep: step, box: box)
            return Empty()
        }

        registry.command(IdentityMessages.disableTOTP) { request, context in
            let code = try OneTimeCodes.wellFormed(request.code)
            let store = IdentityStore(connection: context.connection)
            guard let state = try store.totpState(of: request.userId, box: box), let secret = state.secret else {
                throw ErrorBody.failedPrecondition("the one-time code is not on")
            }
            guard OneTimeCodes.acceptedStep(code, secret: secret, lastUsedStep: state.lastStep) != nil else {
                throw OneTimeCodes.mismatch("the code does not match")
            }
            try store.setTOTP(of: request.userId, secret: nil, pending: nil, lastStep: nil, box: box)
            return Empty()
        }

        registry.command(IdentityMessages.logout) { request, context in
            try IdentityStore(connection: context.connection).revokeSession(tokenHash: Secrets.tokenHash(request.token))
            return Empty()
        }
    }
}
