import Contracts
import Foundation
import Postgres
import PostgresContracts

/// invoice-service's copy of each customer's currency, payment terms, name and addresses,
/// kept from customer-service's events, on the caller's connection.
struct CustomerTermsStore {
    let connection: PostgresConnection

    /// Keeps the customer as its latest event has it (events arrive in order).
    func keep(_ customer: CustomerRecord) throws {
        try connection.execute("""
            INSERT INTO customers (id, display_name, currency, payment_terms_days, is_deactivated, fields)
            VALUES (\(customer.id), \(customer.fields.displayName), \(customer.currency.code), \(customer.paymentTermsDays),
                    \(customer.isDeactivated), \(try PostgresJSON(customer.fields)))
            ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, currency = excluded.currency,
                payment_terms_days = excluded.payment_terms_days, is_deactivated = excluded.is_deactivated,
                fields = excluded.fields, updated_at = now()
            """)
    }

    /// Keeps what the gateway read of a customer whose events have not arrived yet; the
    /// events, when they do, replace it.
    func keepIfUnknown(_ customer: CustomerID, _ terms: CustomerTerms) throws {
        try connection.execute("""
            INSERT INTO customers (id, display_name, currency, payment_terms_days, is_deactivated)
            VALUES (\(customer), '', \(terms.currency.code), \(terms.paymentTermsDays), \(terms.isDeactivated))
            ON CONFLICT (id) DO NOTHING
            """)
    }

    func terms(of customer: CustomerID) throws -> CustomerTerms? {
        try connection.query("SELECT currency, payment_terms_days, is_deactivated FROM customers WHERE id = \(customer)")
            .first.map { row in
                let (currency, days, deactivated) = try row.decode((String, Int, Bool).self)
                return CustomerTerms(currency: Currency(currency) ?? .usd, paymentTermsDays: days, isDeactivated: deactivated)
            }
    }

    /// The customer's fields (name, addresses) for a document; nil before its first event.
    func fields(of customer: CustomerID) throws -> CustomerFields? {
        try connection.query("SELECT fields FROM customers WHERE id = \(customer) AND fields IS NOT NULL").first
            .map { try $0.decode(PostgresJSON<CustomerFields>.self, at: 0).value }
    }
}
