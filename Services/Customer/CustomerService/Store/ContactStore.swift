import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Reads and writes billing contacts in the `customer` schema, on the caller's connection.
/// A merged contact (`merged_into` set) is gone for every read here.
struct ContactStore {
    let connection: PostgresConnection

    private static let columns: StaticString = """
        id, customer_id, first_name, last_name, title, email, phone, mobile, role, email_opt_out, sms_opt_out,
        call_opt_out, is_active, created_at, updated_at
        """

    func insert(_ id: ContactID, customer: CustomerID, _ fields: ContactFields) throws -> ContactRecord {
        let rows = try connection.query("""
            INSERT INTO contacts (id, customer_id, first_name, last_name, title, email, phone, mobile, role,
                email_opt_out, sms_opt_out, call_opt_out)
            VALUES (\(id), \(customer), \(fields.firstName), \(fields.lastName), \(fields.title), \(fields.email),
                \(fields.phone), \(fields.mobile), \((fields.role ?? .billing).rawValue), \(fields.emailOptOut ?? false),
                \(fields.smsOptOut ?? false), \(fields.callOptOut ?? false))
            RETURNING \(sql: Self.columns)
            """)
        return try Self.record(rows[0])
    }

    /// The contact unless merged; `lock` holds its row until the transaction ends.
    func find(_ id: ContactID, lock: Bool = false) throws -> ContactRecord? {
        let forUpdate: StaticString = " FOR UPDATE"
        let plain: StaticString = ""
        return try connection.query("""
            SELECT \(sql: Self.columns) FROM contacts WHERE id = \(id) AND merged_into IS NULL\(sql: lock ? forUpdate : plain)
            """).first.map(Self.record)
    }

    /// Several contacts locked in id order (so two merges never wait on each other in a
    /// circle); merged ones are left out.
    func lock(_ ids: [ContactID]) throws -> [ContactRecord] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM contacts WHERE id = ANY(\(ids.map(\.uuid))) AND merged_into IS NULL
            ORDER BY id FOR UPDATE
            """).map(Self.record)
    }

    /// The customer's contacts, primary first, then by name.
    func contacts(of customer: CustomerID) throws -> [ContactRecord] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM contacts WHERE customer_id = \(customer) AND merged_into IS NULL
            ORDER BY is_active DESC, role = 'primary' DESC, first_name, last_name NULLS FIRST, id
            """).map(Self.record)
    }

    /// Writes every field of `fields`.
    func update(_ id: ContactID, _ fields: ContactFields) throws -> ContactRecord {
        let rows = try connection.query("""
            UPDATE contacts SET first_name = \(fields.firstName), last_name = \(fields.lastName), title = \(fields.title),
                email = \(fields.email), phone = \(fields.phone), mobile = \(fields.mobile),
                role = \((fields.role ?? .billing).rawValue), email_opt_out = \(fields.emailOptOut ?? false),
                sms_opt_out = \(fields.smsOptOut ?? false), call_opt_out = \(fields.callOptOut ?? false), updated_at = now()
            WHERE id = \(id)
            RETURNING \(sql: Self.columns)
            """)
        return try Self.record(rows[0])
    }

    /// Deactivates or reactivates; nil when it already was in that state.
    func setActive(_ id: ContactID, _ active: Bool) throws -> ContactRecord? {
        try connection.query("""
            UPDATE contacts SET is_active = \(active), updated_at = now()
            WHERE id = \(id) AND merged_into IS NULL AND is_active <> \(active)
            RETURNING \(sql: Self.columns)
            """).first.map(Self.record)
    }

    /// Folds `ids` into `master`: they leave every list and keep pointing at it.
    func markMerged(_ ids: [ContactID], into master: ContactID) throws {
        try connection.execute("""
            UPDATE contacts SET merged_into = \(master), merged_at = now(), is_active = false, updated_at = now()
            WHERE id = ANY(\(ids.map(\.uuid))) AND merged_into IS NULL
            """)
    }

    private static func record(_ row: PostgresRow) throws -> ContactRecord {
        let (id, customer, first, last, title, email, phone, mobile) =
            try row.decode((ContactID, CustomerID, String, String?, String?, String?, String?, String?).self)
        let roleName = try row.decode(String.self, at: 8)
        let (emailOptOut, smsOptOut, callOptOut, isActive) = (
            try row.decode(Bool.self, at: 9), try row.decode(Bool.self, at: 10), try row.decode(Bool.self, at: 11),
            try row.decode(Bool.self, at: 12))
        let createdAt = try row.decode(Date.self, at: 13)
        let updatedAt = try row.decode(Date.self, at: 14)
        let fields = ContactFields(firstName: first, lastName: last, title: title, email: email, phone: phone, mobile: mobile,
                                   role: ContactRole(rawValue: roleName) ?? .billing, emailOptOut: emailOptOut,
                                   smsOptOut: smsOptOut, callOptOut: callOptOut)
        return ContactRecord(id: id, customerId: customer, fields: fields, isActive: isActive, createdAt: createdAt,
                             updatedAt: updatedAt)
    }
}
