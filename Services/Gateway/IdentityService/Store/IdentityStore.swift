import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts

/// Users, sessions, API tokens and login failures in the `gateway` schema.
struct IdentityStore {
    let connection: PostgresConnection

    private static let userColumns: StaticString =
        "id, name, email, role, manage_all_customers, is_default_specialist, active, created_at"

    /// A user from the row's columns `offset…offset+7` (the order of `userColumns`).
    static func user(_ row: PostgresRow, offset: Int = 0) throws -> UserRecord {
        let id = try row.decode(UserID.self, at: offset)
        let name = try row.decode(String.self, at: offset + 1)
        let email = try row.decode(String.self, at: offset + 2)
        let role = try row.decode(String.self, at: offset + 3)
        let manageAll = try row.decode(Bool.self, at: offset + 4)
        let isDefault = try row.decode(Bool.self, at: offset + 5)
        let active = try row.decode(Bool.self, at: offset + 6)
        let createdAt = try row.decode(Date.self, at: offset + 7)
        return UserRecord(id: id, name: name, email: email, role: Role(rawValue: role) ?? .viewer,
                          manageAllCustomers: manageAll, isDefaultSpecialist: isDefault, active: active, createdAt: createdAt)
    }

    func userCount() throws -> Int {
        try connection.query("SELECT count(*) FROM users").single(Int.self)
    }

    /// Users with this email in any case (0 or 1).
    func userCount(email: String) throws -> Int {
        try connection.query("SELECT count(*) FROM users WHERE lower(email) = \(Secrets.emailKey(email))").single(Int.self)
    }

    func insertUser(name: String, email: String, role: Role, manageAllCustomers: Bool, passwordHash: String) throws -> UserRecord {
        try Self.user(connection.query("""
            INSERT INTO users (id, name, email, role, manage_all_customers, password_hash)
            VALUES (\(UserID()), \(name), \(email), \(role.rawValue), \(manageAllCustomers), \(passwordHash))
            RETURNING \(sql: Self.userColumns)
            """)[0])
    }

    /// An active user and their password hash, by email in any case.
    func activeUser(email: String) throws -> (UserRecord, String)? {
        try connection.query("""
            SELECT \(sql: Self.userColumns), password_hash FROM users WHERE lower(email) = \(Secrets.emailKey(email)) AND active
            """).first.map { row in (try Self.user(row), try row.decode(String.self, at: 8)) }
    }

    /// Failed sign-ins for this email from this address within the window.
    func recentFailures(emailKey: String, address: String, within seconds: Int) throws -> Int {
        try connection.query("""
            SELECT count(*) FROM login_failures
            WHERE email_key = \(emailKey) AND client_address = \(address)
              AND failed_at > now() - make_interval(secs => \(seconds))
            """).single(Int.self)
    }

    /// Failed sign-ins from this address, for any email, within the window.
    func recentFailures(address: String, within seconds: Int) throws -> Int {
        try connection.query("""
            SELECT count(*) FROM login_failures
            WHERE client_address = \(address) AND failed_at > now() - make_interval(secs => \(seconds))
            """).single(Int.self)
    }

    func recordFailure(emailKey: String, address: String) throws {
        try connection.execute("INSERT INTO login_failures (email_key, client_address) VALUES (\(emailKey), \(address))")
    }

    func insertSession(tokenHash: String, user: UserID, expiresAt: Date) throws {
        try connection.execute("""
            INSERT INTO sessions (id, token_hash, user_id, expires_at) VALUES (\(UUID()), \(tokenHash), \(user), \(expiresAt))
            """)
    }

    /// Last-seen and last-used times are written at most this often: without it every
    /// authenticated request would write a row and commit.
    static let touchIntervalSeconds = 60

    /// The session's user when the session is live (not revoked, not past either expiry);
    /// marks it seen (to the minute).
    func sessionPrincipal(tokenHash: String, idleSeconds: Int) throws -> Authentication? {
        let rows = try connection.query("""
            SELECT s.id, s.last_seen_at < now() - make_interval(secs => \(Self.touchIntervalSeconds)),
                   least(s.expires_at,
                         CASE WHEN s.last_seen_at < now() - make_interval(secs => \(Self.touchIntervalSeconds))
                              THEN now() ELSE s.last_seen_at END + make_interval(secs => \(idleSeconds))),
                   u.id, u.name, u.email, u.role, u.manage_all_customers, u.is_default_specialist, u.active, u.created_at
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(tokenHash) AND u.active AND s.revoked_at IS NULL
              AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(idleSeconds))
            """)
        guard let row = rows.first else { return nil }
        let (session, stale) = try row.decode((UUID, Bool).self)
        // Valid until the earlier of its expiry and its idle limit counted from now (this
        // use is a use; it is recorded to the minute).
        let validUntil = try row.decode(Date.self, at: 2)
        if stale { try connection.execute("UPDATE sessions SET last_seen_at = now() WHERE id = \(session)") }
        let user = try Self.user(row, offset: 3)
        return Authentication(principal: Principal(user: user, apiTokenId: nil, role: user.role,
                                                   manageAllCustomers: user.manageAllCustomers),
                              validUntil: validUntil, account: user.id)
    }

    /// The API token's principal when it is live: not revoked, not expired, and its creator
    /// still active and holding at least the token's role. Records its use (to the minute).
    func apiTokenPrincipal(tokenHash: String) throws -> Authentication? {
        let rows = try connection.query("""
            SELECT t.id, t.role,
                   t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => \(Self.touchIntervalSeconds)),
                   t.expires_at, t.created_by
            FROM api_tokens t JOIN users creator ON creator.id = t.created_by
            WHERE t.token_hash = \(tokenHash) AND t.revoked_at IS NULL
              AND (t.expires_at IS NULL OR t.expires_at > now())
              AND creator.active AND role_rank(creator.role) >= role_rank(t.role)
            """)
        guard let row = rows.first else { return nil }
        let (id, role, stale, expiresAt, creator) = try row.decode((APITokenID, String, Bool, Date?, UserID).self)
        if stale { try connection.execute("UPDATE api_tokens SET last_used_at = now() WHERE id = \(id)") }
        let scoped = Role(rawValue: role) ?? .viewer
        return Authentication(principal: Principal(user: nil, apiTokenId: id.description, role: scoped,
                                                   manageAllCustomers: scoped != .specialist),
                              validUntil: expiresAt, account: creator)
    }

    func revokeSession(tokenHash: String) throws {
        try connection.execute("UPDATE sessions SET revoked_at = now() WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
    }
}

extension IdentityStore {
    func users() throws -> [UserRecord] {
        try connection.query("SELECT \(sql: Self.userColumns) FROM users ORDER BY lower(name), id").map { try Self.user($0) }
    }

    func user(_ id: UserID, forUpdate: Bool = false) throws -> UserRecord? {
        let lock: StaticString = " FOR UPDATE"
        let none: StaticString = ""
        return try connection.query("SELECT \(sql: Self.userColumns) FROM users WHERE id = \(id)\(sql: forUpdate ? lock : none)")
            .first.map { try Self.user($0) }
    }

    /// Active owners other than `excluding`, locked so two demotions cannot race past the last one.
    func otherActiveOwners(excluding id: UserID) throws -> Int {
        try connection.query("SELECT id FROM users WHERE role = 'owner' AND active AND id <> \(id) FOR UPDATE").count
    }

    func update(_ id: UserID, name: String, role: Role, manageAllCustomers: Bool, isDefaultSpecialist: Bool, active: Bool,
                passwordHash: String?) throws -> UserRecord {
        if isDefaultSpecialist {
            try connection.execute("UPDATE users SET is_default_specialist = false WHERE is_default_specialist AND id <> \(id)")
        }
        return try Self.user(connection.query("""
            UPDATE users SET name = \(name), role = \(role.rawValue), manage_all_customers = \(manageAllCustomers),
                is_default_specialist = \(isDefaultSpecialist), active = \(active),
                password_hash = coalesce(\(passwordHash), password_hash), updated_at = now()
            WHERE id = \(id)
            RETURNING \(sql: Self.userColumns)
            """)[0])
    }

    /// Ends every session of a user (deactivated, or password changed).
    func revokeSessions(of user: UserID) throws {
        try connection.execute("UPDATE sessions SET revoked_at = now() WHERE user_id = \(user) AND revoked_at IS NULL")
    }

    func insertToken(name: String, role: Role, tokenHash: String, createdBy: UserID, expiresAt: Date?) throws -> APITokenRecord {
        try Self.token(connection.query("""
            INSERT INTO api_tokens (id, name, token_hash, role, created_by, expires_at)
            VALUES (\(APITokenID()), \(name), \(tokenHash), \(role.rawValue), \(createdBy), \(expiresAt))
            RETURNING id, name, role, created_at, last_used_at, expires_at, revoked_at IS NOT NULL
            """)[0])
    }

    func tokens() throws -> [APITokenRecord] {
        try connection.query("""
            SELECT id, name, role, created_at, last_used_at, expires_at, revoked_at IS NOT NULL
            FROM api_tokens ORDER BY created_at DESC
            """).map(Self.token)
    }

    /// Returns whether a live token was revoked.
    func revokeToken(_ id: APITokenID) throws -> Bool {
        try connection.execute("UPDATE api_tokens SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL") == 1
    }

    static func token(_ row: PostgresRow) throws -> APITokenRecord {
        let (id, name, role, created, lastUsed, expires, revoked) = try row.decode(
            (APITokenID, String, String, Date, Date?, Date?, Bool).self)
        return APITokenRecord(id: id, name: name, role: Role(rawValue: role) ?? .viewer, createdAt: created,
                              lastUsedAt: lastUsed, expiresAt: expires, revoked: revoked)
    }
}

extension IdentityStore {
    /// Failed sign-ins are kept this long (for the record; throttling looks back 15 minutes).
    static let loginFailureRetentionSeconds = 24 * 3600

    /// What the identity service's leader purges: sessions that can no longer be used
    /// (expired, idle too long, or revoked), and old login failures.
    static func leaderJobs(idleSeconds: Int) -> [LeaderJob] {
        [
            LeaderJob("purge dead sessions") { connection in
                try connection.execute("""
                    DELETE FROM sessions WHERE expires_at < now() OR revoked_at IS NOT NULL
                       OR last_seen_at < now() - make_interval(secs => \(idleSeconds))
                    """)
            },
            LeaderJob("purge old login failures") { connection in
                try connection.execute("""
                    DELETE FROM login_failures WHERE failed_at < now() - make_interval(secs => \(loginFailureRetentionSeconds))
                    """)
            },
        ]
    }

    /// A user's second-factor state, locked for the change that follows; the secrets are
    /// stored sealed by `box` and come back opened.
    func totpState(of user: UserID, box: SecretBox) throws -> (secret: String?, pending: String?, lastStep: Int64?)? {
        guard let row = try connection.query("""
            SELECT totp_secret, totp_pending_secret, totp_last_step FROM users WHERE id = \(user) FOR UPDATE
            """).first else { return nil }
        let (secret, pending, lastStep) = try row.decode((String?, String?, Int64?).self)
        return (try secret.map(box.open), try pending.map(box.open), lastStep)
    }

    func setTOTP(of user: UserID, secret: String?, pending: String?, lastStep: Int64?, box: SecretBox) throws {
        let sealedSecret = try secret.map(box.seal)
        let sealedPending = try pending.map(box.seal)
        try connection.execute("""
            UPDATE users SET totp_secret = \(sealedSecret), totp_pending_secret = \(sealedPending),
                totp_last_step = \(lastStep), updated_at = now()
            WHERE id = \(user)
            """)
    }
}
