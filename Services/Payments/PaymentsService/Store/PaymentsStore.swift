import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Payment settings and unapplied credit in the `payments` schema, on the caller's connection.
struct PaymentsStore {
    let connection: PostgresConnection

    /// The customer's own settings, or the business defaults.
    func settings(of customer: CustomerID) throws -> PaymentSettings {
        let rows = try connection.query("""
            SELECT card_allowed, ach_allowed, card_fee, ach_fee, autopay, true FROM customer_payment_settings
            WHERE customer_id = \(customer)
            UNION ALL
            SELECT card_allowed, ach_allowed, card_fee, ach_fee, autopay, false FROM default_payment_settings
            """)
        guard let row = rows.first else { throw ErrorBody.internal("default payment settings are missing") }
        let (card, ach, cardFee, achFee, autopay, specific) =
            try row.decode((Bool, Bool, PostgresJSON<ConvenienceFee>?, PostgresJSON<ConvenienceFee>?, Bool, Bool).self)
        return PaymentSettings(cardAllowed: card, achAllowed: ach, cardFee: cardFee?.value, achFee: achFee?.value,
                               autopay: autopay, isCustomerSpecific: specific)
    }

    /// Received minus applied minus refunded, over all the customer's payments.
    func unappliedCredit(of customer: CustomerID) throws -> Int64 {
        try connection.query("""
            SELECT coalesce(sum(p.amount_cents - coalesce(a.applied, 0) - coalesce(r.refunded, 0)), 0)::int8
            FROM payments p
            LEFT JOIN (SELECT payment_id, sum(amount_cents) AS applied FROM payment_applications
                       WHERE unapplied_at IS NULL GROUP BY payment_id) a ON a.payment_id = p.id
            LEFT JOIN (SELECT payment_id, sum(amount_cents) AS refunded FROM refunds GROUP BY payment_id) r ON r.payment_id = p.id
            WHERE p.customer_id = \(customer)
            """).single(Int64.self)
    }
}
