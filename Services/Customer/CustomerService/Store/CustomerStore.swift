import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Reads and writes customers in the `customer` schema, on the caller's connection.
struct CustomerStore {
    let connection: PostgresConnection

    private static let columns: StaticString = """
        id, display_name, company, customer_number, email, phone, mobile, website, name_on_checks,
        billing_address, shipping_address, shipping_same_as_billing, parent_customer_id, billed_with_parent,
        currency, payment_terms_days, notes, specialist_id, deactivated_at IS NOT NULL, created_at, updated_at
        """

    /// `columns` qualified by the table alias `c` (for statements that join).
    static let prefixedColumns: StaticString = """
        c.id, c.display_name, c.company, c.customer_number, c.email, c.phone, c.mobile, c.website, c.name_on_checks,
        c.billing_address, c.shipping_address, c.shipping_same_as_billing, c.parent_customer_id, c.billed_with_parent,
        c.currency, c.payment_terms_days, c.notes, c.specialist_id, c.deactivated_at IS NOT NULL, c.created_at, c.updated_at
        """

    func insert(_ id: CustomerID, _ fields: CustomerFields, specialist: UserID?, createdBy: Actor?) throws -> CustomerRecord {
        let currency = fields.currency ?? CustomerValidation.defaultCurrency
        let terms = fields.paymentTermsDays ?? CustomerValidation.defaultPaymentTermsDays
        if let parent = fields.parentCustomerId, try find(parent) == nil {
            throw ErrorBody.unprocessable("parent_customer_id does not name a customer", field: "parent_customer_id")
        }
        let rows = try connection.query("""
            INSERT INTO customers (id, display_name, company, customer_number, email, phone, mobile, website,
                name_on_checks, billing_address, shipping_address, shipping_same_as_billing, parent_customer_id,
                billed_with_parent, currency, payment_terms_days, notes, specialist_id, created_by)
            VALUES (\(id), \(fields.displayName), \(fields.company), \(fields.customerNumber), \(fields.email),
                \(fields.phone), \(fields.mobile), \(fields.website), \(fields.nameOnChecks),
                \(try fields.billingAddress.map(PostgresJSON.init)), \(try fields.shippingAddress.map(PostgresJSON.init)),
                \(fields.shippingSameAsBilling ?? true), \(fields.parentCustomerId), \(fields.billedWithParent ?? false),
                \(currency.code), \(terms), \(fields.notes), \(specialist), \(try createdBy.map(PostgresJSON.init)))
            RETURNING \(sql: Self.columns)
            """)
        return try Self.record(rows[0])
    }

    /// The customer; `lock` holds its row until the transaction ends (a change reads, then writes).
    func find(_ id: CustomerID, lock: Bool = false) throws -> CustomerRecord? {
        let forUpdate: StaticString = " FOR UPDATE"
        let plain: StaticString = ""
        return try connection.query("SELECT \(sql: Self.columns) FROM customers WHERE id = \(id)\(sql: lock ? forUpdate : plain)")
            .first.map(Self.record)
    }

    /// Writes every field of `fields`; the parent must exist and not descend from the customer.
    func update(_ id: CustomerID, _ fields: CustomerFields) throws -> CustomerRecord {
        if let parent = fields.parentCustomerId {
            guard try find(parent) != nil else {
                throw ErrorBody.unprocessable("parent_customer_id does not name a customer", field: "parent_customer_id")
            }
            let cycle = try connection.query("""
                WITH RECURSIVE ancestors(id, parent) AS (
                    SELECT id, parent_customer_id FROM customers WHERE id = \(parent)
                    UNION
                    SELECT c.id, c.parent_customer_id FROM customers c JOIN ancestors a ON c.id = a.parent)
                SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = \(id))
                """).single(Bool.self)
            guard !cycle else {
                throw ErrorBody.unprocessable("a customer cannot be its own parent or ancestor", field: "parent_customer_id")
            }
        }
        let rows = try connection.query("""
            UPDATE customers SET display_name = \(fields.displayName), company = \(fields.company),
                customer_number = \(fields.customerNumber), email = \(fields.email), phone = \(fields.phone),
                mobile = \(fields.mobile), website = \(fields.website), name_on_checks = \(fields.nameOnChecks),
                billing_address = \(try fields.billingAddress.map(PostgresJSON.init)),
                shipping_address = \(try fields.shippingAddress.map(PostgresJSON.init)),
                shipping_same_as_billing = \(fields.shippingSameAsBilling ?? true), parent_customer_id = \(fields.parentCustomerId),
                billed_with_parent = \(fields.billedWithParent ?? false),
                currency = \((fields.currency ?? CustomerValidation.defaultCurrency).code),
                payment_terms_days = \(fields.paymentTermsDays ?? CustomerValidation.defaultPaymentTermsDays),
                notes = \(fields.notes), updated_at = now()
            WHERE id = \(id)
            RETURNING \(sql: Self.columns)
            """)
        return try Self.record(rows[0])
    }

    /// Assigns `specialist` to each customer that has another; returns those changed, with
    /// the specialist each had. Every named customer must exist (`lockAll` first).
    func assign(_ specialist: UserID, to ids: [CustomerID]) throws -> [(record: CustomerRecord, previous: UserID?)] {
        try connection.query("""
            WITH before AS (SELECT id, specialist_id FROM customers WHERE id = ANY(\(ids.map(\.uuid))))
            UPDATE customers c SET specialist_id = \(specialist), updated_at = now()
            FROM before b WHERE c.id = b.id AND c.specialist_id IS DISTINCT FROM \(specialist)
            RETURNING \(sql: Self.prefixedColumns), b.specialist_id
            """).map { row in (try Self.record(row), try row.decode(UserID?.self, at: 21)) }
    }

    /// Locks the named customers in id order; returns the ids that do not exist.
    func lockAll(_ ids: [CustomerID]) throws -> [CustomerID] {
        let found = Set(try connection.query("""
            SELECT id FROM customers WHERE id = ANY(\(ids.map(\.uuid))) ORDER BY id FOR UPDATE
            """).map { try $0.decode(CustomerID.self, at: 0) })
        return ids.filter { !found.contains($0) }
    }

    /// Deactivates or reactivates; nil when it already was in that state.
    func setDeactivated(_ id: CustomerID, _ deactivated: Bool) throws -> CustomerRecord? {
        try connection.query("""
            UPDATE customers SET deactivated_at = CASE WHEN \(deactivated) THEN now() END, updated_at = now()
            WHERE id = \(id) AND (deactivated_at IS NOT NULL) <> \(deactivated)
            RETURNING \(sql: Self.columns)
            """).first.map(Self.record)
    }

    static func record(_ row: PostgresRow) throws -> CustomerRecord {
        let (id, displayName, company, number, email, phone, mobile, website, nameOnChecks) =
            try row.decode((CustomerID, String, String?, String?, String?, String?, String?, String?, String?).self)
        let billing = try row.decode(PostgresJSON<Address>?.self, at: 9)?.value
        let shipping = try row.decode(PostgresJSON<Address>?.self, at: 10)?.value
        let sameAsBilling = try row.decode(Bool.self, at: 11)
        let parent = try row.decode(CustomerID?.self, at: 12)
        let billedWithParent = try row.decode(Bool.self, at: 13)
        let currencyCode = try row.decode(String.self, at: 14)
        let terms = try row.decode(Int.self, at: 15)
        let notes = try row.decode(String?.self, at: 16)
        let specialist = try row.decode(UserID?.self, at: 17)
        let deactivated = try row.decode(Bool.self, at: 18)
        let createdAt = try row.decode(Date.self, at: 19)
        let updatedAt = try row.decode(Date.self, at: 20)
        let currency = Currency(currencyCode) ?? CustomerValidation.defaultCurrency
        let fields = CustomerFields(
            displayName: displayName, company: company, customerNumber: number, email: email, phone: phone,
            mobile: mobile, website: website, nameOnChecks: nameOnChecks, billingAddress: billing,
            shippingAddress: shipping, shippingSameAsBilling: sameAsBilling, parentCustomerId: parent,
            billedWithParent: billedWithParent, currency: currency, paymentTermsDays: terms, notes: notes)
        return CustomerRecord(id: id, fields: fields, currency: currency, paymentTermsDays: terms, isDeactivated: deactivated,
                              specialistId: specialist, createdAt: createdAt, updatedAt: updatedAt)
    }
}

/// `%`, `_` and `\\` match literally in an ILIKE pattern built from user input.
func escapeLike(_ text: String) -> String {
    var escaped = ""
    for character in text {
        if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return escaped
}

extension CustomerStore {
    /// The customers whose parent this one is, by name.
    func subCustomers(of parent: CustomerID) throws -> [SubCustomer] {
        try connection.query("""
            SELECT id, display_name, deactivated_at IS NOT NULL FROM customers
            WHERE parent_customer_id = \(parent) ORDER BY display_name, id LIMIT 500
            """).map { row in
            let (id, name, deactivated) = try row.decode((CustomerID, String, Bool).self)
            return SubCustomer(id: id, displayName: name, isDeactivated: deactivated)
        }
    }
}
