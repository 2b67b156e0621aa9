import Contracts
import Foundation
import Postgres

/// Users, sessions, API tokens and login failures in the `gateway` schema.
struct IdentityStore {
    let connection: PostgresConnection

    private static let userColumns: StaticString =
        "id, name, email, role, manage_all_customers, is_default_specialist, active, created_at"

    static func user(_ row: PostgresRow) throws -> UserRecord {
        let (id, name, email, role, manageAll, isDefault, active, createdAt) =
            try row.decode((UserID, String, String, String, Bool, Bool, Bool, Date).self)
        return UserRecord(id: id, name: name, email: email, role: Role(rawValue: role) ?? .viewer,
                          manageAllCustomers: manageAll, isDefaultSpecialist: isDefault, active: active, createdAt: createdAt)
    }

    func userCount() throws -> Int {
        try connection.query("SELECT count(*) FROM users").single(Int.self)
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

    func recentFailures(emailKey: String, within seconds: Int) throws -> Int {
        try connection.query("""
            SELECT count(*) FROM login_failures
            WHERE email_key = \(emailKey) AND failed_at > now() - make_interval(secs => \(seconds))
            """).single(Int.self)
    }

    func recordFailure(emailKey: String) throws {
        try connection.execute("INSERT INTO login_failures (email_key) VALUES (\(emailKey))")
    }

    func insertSession(tokenHash: String, user: UserID, expiresAt: Date) throws {
        try connection.execute("""
            INSERT INTO sessions (id, token_hash, user_id, expires_at) VALUES (\(UUID()), \(tokenHash), \(user), \(expiresAt))
            """)
    }

    /// The session's user when the session is live (not revoked, not past either expiry);
    /// marks it seen.
    func sessionPrincipal(tokenHash: String, idleSeconds: Int) throws -> Principal? {
        let rows = try connection.query("""
            UPDATE sessions s SET last_seen_at = now()
            FROM users u
            WHERE s.token_hash = \(tokenHash) AND s.user_id = u.id AND u.active AND s.revoked_at IS NULL
              AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => \(idleSeconds))
            RETURNING u.id, u.name, u.email, u.role, u.manage_all_customers, u.is_default_specialist, u.active, u.created_at
            """)
        guard let row = rows.first else { return nil }
        let user = try Self.user(row)
        return Principal(user: user, apiTokenId: nil, role: user.role, manageAllCustomers: user.manageAllCustomers)
    }

    /// The API token's principal when it is not revoked; records its use.
    func apiTokenPrincipal(tokenHash: String) throws -> Principal? {
        let rows = try connection.query("""
            UPDATE api_tokens SET last_used_at = now() WHERE token_hash = \(tokenHash) AND revoked_at IS NULL
            RETURNING id, role
            """)
        guard let row = rows.first else { return nil }
        let (id, role) = try row.decode((UUID, String).self)
        let scoped = Role(rawValue: role) ?? .viewer
        return Principal(user: nil, apiTokenId: id.uuidString.lowercased(), role: scoped,
                         manageAllCustomers: scoped != .specialist)
    }

    func revokeSession(tokenHash: String) throws {
        try connection.execute("UPDATE sessions SET revoked_at = now() WHERE token_hash = \(tokenHash) AND revoked_at IS NULL")
    }
}
