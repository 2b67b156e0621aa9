import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Payment settings (the business defaults' one row and customers' own) and payment
/// methods, in the `payments` schema, on the caller's connection. The defaults table is the
/// one source of the business's default payment settings (`/settings` shows it).
struct SettingsStore {
    let connection: PostgresConnection

    func saveDefaults(_ fields: PaymentSettingsFields) throws {
        try connection.execute("""
            UPDATE default_payment_settings SET card_allowed = \(fields.cardAllowed), ach_allowed = \(fields.achAllowed),
                card_fee = \(try fields.cardFee.map(PostgresJSON.init)), ach_fee = \(try fields.achFee.map(PostgresJSON.init)),
                autopay = \(fields.autopay)
            """)
    }

    func save(_ fields: PaymentSettingsFields, for customer: CustomerID) throws {
        try connection.execute("""
            INSERT INTO customer_payment_settings (customer_id, card_allowed, ach_allowed, card_fee, ach_fee, autopay)
            VALUES (\(customer), \(fields.cardAllowed), \(fields.achAllowed), \(try fields.cardFee.map(PostgresJSON.init)),
                    \(try fields.achFee.map(PostgresJSON.init)), \(fields.autopay))
            ON CONFLICT (customer_id) DO UPDATE SET card_allowed = excluded.card_allowed, ach_allowed = excluded.ach_allowed,
                card_fee = excluded.card_fee, ach_fee = excluded.ach_fee, autopay = excluded.autopay, updated_at = now()
            """)
    }

    /// The customer falls back to the defaults again; false when it had none of its own.
    func remove(for customer: CustomerID) throws -> Bool {
        try connection.execute("DELETE FROM customer_payment_settings WHERE customer_id = \(customer)") == 1
    }

    /// The business defaults.
    func defaults() throws -> PaymentSettings {
        guard let row = try connection.query("""
            SELECT card_allowed, ach_allowed, card_fee, ach_fee, autopay FROM default_payment_settings
            """).first else { throw ErrorBody.internal("default payment settings are missing") }
        let (card, ach, cardFee, achFee, autopay) =
            try row.decode((Bool, Bool, PostgresJSON<ConvenienceFee>?, PostgresJSON<ConvenienceFee>?, Bool).self)
        return PaymentSettings(cardAllowed: card, achAllowed: ach, cardFee: cardFee?.value, achFee: achFee?.value, autopay: autopay,
                               isCustomerSpecific: false)
    }

    // MARK: Methods

    func methods() throws -> [PaymentMethod] {
        try connection.query("SELECT code, name, is_builtin, active FROM payment_methods ORDER BY NOT is_builtin, lower(name)")
            .map(Self.method)
    }

    func method(_ code: String, lock: Bool = false) throws -> PaymentMethod? {
        let forUpdate: StaticString = " FOR UPDATE"
        let none: StaticString = ""
        return try connection.query("""
            SELECT code, name, is_builtin, active FROM payment_methods WHERE code = \(code)\(sql: lock ? forUpdate : none)
            """).first.map(Self.method)
    }

    /// Whether another method has this code or this name in any case.
    func methodTaken(code: String, name: String, except: String?) throws -> Bool {
        try connection.query("""
            SELECT EXISTS (SELECT 1 FROM payment_methods WHERE (code = \(code) OR lower(name) = lower(\(name)))
                                                           AND (\(except)::text IS NULL OR code <> \(except)))
            """).single(Bool.self)
    }

    func insert(_ method: PaymentMethod) throws {
        try connection.execute("INSERT INTO payment_methods (code, name, is_builtin, active) VALUES (\(method.code), \(method.name), false, true)")
    }

    func update(_ method: PaymentMethod) throws {
        try connection.execute("UPDATE payment_methods SET name = \(method.name), active = \(method.active) WHERE code = \(method.code)")
    }

    private static func method(_ row: PostgresRow) throws -> PaymentMethod {
        let (code, name, builtin, active) = try row.decode((String, String, Bool, Bool).self)
        return PaymentMethod(code: code, name: name, isBuiltin: builtin, active: active)
    }
}
