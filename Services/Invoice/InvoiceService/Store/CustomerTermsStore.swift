import Contracts
import Foundation
import Postgres
import PostgresContracts

/// invoice-service's copy of each customer's currency and payment terms, kept from
/// customer-service's events, on the caller's connection.
struct CustomerTermsStore {
    let connection: PostgresConnection

    /// What invoice-service keeps of a customer.
    struct Terms: Hashable, Sendable {
        var currency: Currency
        var paymentTermsDays: Int
        var isDeactivated: Bool
    }

    /// Keeps the customer as its latest event has it (events arrive in order).
    func keep(_ customer: CustomerRecord) throws {
        try connection.execute("""
            INSERT INTO customers (id, display_name, currency, payment_terms_days, is_deactivated)
            VALUES (\(customer.id), \(customer.fields.displayName), \(customer.currency.code), \(customer.paymentTermsDays),
                    \(customer.isDeactivated))
            ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, currency = excluded.currency,
                payment_terms_days = excluded.payment_terms_days, is_deactivated = excluded.is_deactivated, updated_at = now()
            """)
    }

    func terms(of customer: CustomerID) throws -> Terms? {
        try connection.query("SELECT currency, payment_terms_days, is_deactivated FROM customers WHERE id = \(customer)")
            .first.map { row in
                let (currency, days, deactivated) = try row.decode((String, Int, Bool).self)
                return Terms(currency: Currency(currency) ?? .usd, paymentTermsDays: days, isDeactivated: deactivated)
            }
    }
}
