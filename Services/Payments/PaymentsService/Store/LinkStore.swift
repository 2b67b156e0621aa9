import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Payment links in the `payments` schema, on the caller's connection. A link is active
/// until revoked; an expired one stays in the table (not active once its day has passed).
struct LinkStore {
    let connection: PostgresConnection

    struct Link: Hashable, Sendable {
        var id: UUID
        var customerId: CustomerID
        /// What the token is derived from (`PaymentLinkKey`).
        var tokenId: String
        var expiresOn: BusinessDate?

        func isExpired(today: BusinessDate) -> Bool { expiresOn.map { $0 < today } ?? false }
    }

    private static let columns: StaticString = "id, customer_id, token_id, expires_on"

    /// Holds the customer's links until the transaction ends (two requests never make two).
    func lockCustomer(_ customer: CustomerID) throws {
        try connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(\("payment-link:\(customer)"), 0))")
    }

    /// The customer's unrevoked link, expired or not.
    func unrevoked(of customer: CustomerID) throws -> Link? {
        try connection.query("SELECT \(sql: Self.columns) FROM payment_links WHERE customer_id = \(customer) AND revoked_at IS NULL")
            .first.map(Self.link)
    }

    /// The customer's link that opens the portal today.
    func active(of customer: CustomerID, today: BusinessDate) throws -> Link? {
        try unrevoked(of: customer).flatMap { $0.isExpired(today: today) ? nil : $0 }
    }

    /// The active link whose token hashes to `hash`.
    func active(hash: String, today: BusinessDate) throws -> Link? {
        try connection.query("SELECT \(sql: Self.columns) FROM payment_links WHERE token_hash = \(hash) AND revoked_at IS NULL")
            .first.map(Self.link).flatMap { $0.isExpired(today: today) ? nil : $0 }
    }

    func insert(_ link: Link, tokenHash: String) throws {
        try connection.execute("""
            INSERT INTO payment_links (id, customer_id, token_hash, token_id, expires_on)
            VALUES (\(link.id), \(link.customerId), \(tokenHash), \(link.tokenId), \(link.expiresOn))
            """)
    }

    func setExpiry(_ id: UUID, _ expiresOn: BusinessDate?) throws {
        try connection.execute("UPDATE payment_links SET expires_on = \(expiresOn), updated_at = now() WHERE id = \(id)")
    }

    func revoke(_ id: UUID) throws {
        try connection.execute("UPDATE payment_links SET revoked_at = now(), updated_at = now() WHERE id = \(id) AND revoked_at IS NULL")
    }

    private static func link(_ row: PostgresRow) throws -> Link {
        let (id, customer, tokenId, expires) = try row.decode((UUID, CustomerID, String, BusinessDate?).self)
        return Link(id: id, customerId: customer, tokenId: tokenId, expiresOn: expires)
    }
}
