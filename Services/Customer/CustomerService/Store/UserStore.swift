import Contracts
import Foundation
import Postgres
import PostgresContracts

/// customer-service's copy of the users (from `user.upserted`), on the caller's connection.
struct UserStore {
    let connection: PostgresConnection

    /// Keeps the user as the gateway last published them. Only one user is the default
    /// specialist: marking one unmarks the others (the gateway publishes only the one marked).
    func upsert(_ user: UserRecord) throws {
        if user.isDefaultSpecialist {
            try connection.execute("UPDATE users SET is_default_specialist = false WHERE is_default_specialist AND id <> \(user.id)")
        }
        try connection.execute("""
            INSERT INTO users (id, name, email, role, manage_all_customers, is_default_specialist, active)
            VALUES (\(user.id), \(user.name), \(user.email), \(user.role.rawValue), \(user.manageAllCustomers),
                    \(user.isDefaultSpecialist), \(user.active))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role,
                manage_all_customers = excluded.manage_all_customers, is_default_specialist = excluded.is_default_specialist,
                active = excluded.active, updated_at = now()
            """)
    }

    /// The user as a specialist reference, if customer-service has heard of them.
    func reference(_ id: UserID) throws -> SpecialistReference? {
        try connection.query("SELECT name, email, active FROM users WHERE id = \(id)").first.map { row in
            let (name, email, active) = try row.decode((String, String, Bool).self)
            return SpecialistReference(id: id, name: name, email: email, isActive: active)
        }
    }

    /// References for a customer's specialist: by name when known, by id alone otherwise.
    func reference(of customer: CustomerRecord) throws -> SpecialistReference? {
        guard let id = customer.specialistId else { return nil }
        return try reference(id) ?? SpecialistReference(id: id)
    }

    /// The user, when they may be assigned: active, and not a viewer.
    func assignable(_ id: UserID) throws -> SpecialistReference {
        let row = try connection.query("SELECT name, email, role, active FROM users WHERE id = \(id)").first?
            .decode((String, String, String, Bool).self)
        guard let (name, email, role, active) = row else {
            throw ErrorBody.unprocessable("user_id does not name a user", field: "user_id")
        }
        guard active else { throw ErrorBody.unprocessable("\(name) is deactivated and cannot be assigned", field: "user_id") }
        guard role != Role.viewer.rawValue else {
            throw ErrorBody.unprocessable("\(name) is a viewer and cannot be an AR specialist", field: "user_id")
        }
        return SpecialistReference(id: id, name: name, email: email, isActive: true)
    }

    /// The business default specialist, when there is one who may be assigned.
    func defaultSpecialist() throws -> UserID? {
        try connection.query("""
            SELECT id FROM users WHERE is_default_specialist AND active AND role <> 'viewer'
            """).first?.decode(UserID.self, at: 0)
    }

    /// Everyone who may be assigned, by name.
    func candidates() throws -> [SpecialistReference] {
        try connection.query("""
            SELECT id, name, email FROM users WHERE active AND role <> 'viewer' ORDER BY lower(name), id LIMIT 1000
            """).map { row in
            let (id, name, email) = try row.decode((UserID, String, String).self)
            return SpecialistReference(id: id, name: name, email: email, isActive: true)
        }
    }
}
