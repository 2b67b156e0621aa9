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

    /// Received minus applied minus refunded, over all the customer's payments: summed per
    /// payment of this customer (by the payment indexes), never an aggregate of every
    /// customer's applications.
    func unappliedCredit(of customer: CustomerID) throws -> Int64 {
        try connection.query("""
            SELECT coalesce(sum(p.amount_cents
                       - coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
                                   WHERE a.payment_id = p.id AND a.unapplied_at IS NULL), 0)
                       - coalesce((SELECT sum(r.amount_cents) FROM refunds r WHERE r.payment_id = p.id), 0)), 0)::int8
            FROM payments p
            WHERE p.customer_id = \(customer)
            """).single(Int64.self)
    }
}
