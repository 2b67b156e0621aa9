import Contracts
import Foundation
import Postgres
import PostgresContracts

/// The customers list: search, filters, order and keyset paging with the total, over the
/// customers, their contacts, the balance projection and the users — and the status both
/// the list and the Customer Details page show, defined once here.
struct CustomerListStore {
    let connection: PostgresConnection

    /// The one definition of `CustomerStatus`, over `customers c LEFT JOIN customer_balances b`.
    static let status: StaticString = """
        CASE WHEN c.deactivated_at IS NOT NULL THEN 'inactive'
             WHEN coalesce(b.open_cents, 0) > 0 THEN 'active'
             WHEN coalesce(b.has_invoices, false) THEN 'no_balance'
             ELSE 'new' END
        """

    /// The search and filters, shared by the page and its total. The customer text is the
    /// expression `customers_search` (migration 0006) indexes, the contact name
    /// `contacts_search`'s; the unit separator keeps a search from matching across fields.
    private static func filters(_ request: ListCustomers) -> PostgresQuery {
        let pattern = request.query?.trimmedOrNil.map { "%" + escapeLike($0) + "%" }
        let status = request.status?.rawValue
        return """
            FROM customers c LEFT JOIN customer_balances b ON b.customer_id = c.id LEFT JOIN users u ON u.id = c.specialist_id
            WHERE (\(pattern)::text IS NULL OR c.id IN (
                       SELECT s.id FROM customers s
                       WHERE (s.display_name || E'\\x1f' || coalesce(s.company, '') || E'\\x1f' || coalesce(s.customer_number, '')
                              || E'\\x1f' || coalesce(s.email, '') || E'\\x1f' || coalesce(s.phone, '') || E'\\x1f'
                              || coalesce(s.mobile, '')) ILIKE \(pattern)
                       UNION
                       SELECT k.customer_id FROM contacts k
                       WHERE k.merged_into IS NULL AND (k.first_name || ' ' || coalesce(k.last_name, '')) ILIKE \(pattern)))
              AND (\(request.assignedTo)::uuid IS NULL OR c.specialist_id = \(request.assignedTo))
              AND (\(request.specialistId)::uuid IS NULL OR c.specialist_id = \(request.specialistId))
              AND (\(request.collectionStatusId)::uuid IS NULL OR \(request.collectionStatusId) = ANY(b.collection_status_ids))
              AND (\(status)::text IS NULL OR \(sql: Self.status) = \(status))
            """
    }

    /// The order's key expression and its direction.
    private static func order(_ sort: CustomerSort) -> (key: StaticString, direction: StaticString, comparison: StaticString) {
        let key: StaticString
        switch sort {
        case .created, .newest: key = "c.created_at"
        case .name, .nameDescending: key = "lower(c.display_name)"
        case .openBalance, .largestOpenBalance: key = "coalesce(b.open_cents, 0)"
        case .overdueBalance, .largestOverdueBalance: key = "coalesce(b.overdue_cents, 0)"
        }
        return sort.isDescending ? (key, "DESC", "<") : (key, "ASC", ">")
    }

    /// The rows after the cursor's position, in the order's own terms: its key bound with
    /// its type (a key that is not one — a forged cursor — is 400, never a failed cast).
    private static func after(_ cursor: PageCursor?, _ sort: CustomerSort) throws -> PostgresQuery {
        guard let cursor else { return "TRUE" }
        let (key, _, comparison) = order(sort)
        switch sort {
        case .created, .newest:
            return "(\(sql: key), c.id) \(sql: comparison) (\(cursor.createdAt), \(cursor.id))"
        case .name, .nameDescending:
            return "(\(sql: key), c.id) \(sql: comparison) (\(cursor.key ?? ""), \(cursor.id))"
        case .openBalance, .largestOpenBalance, .overdueBalance, .largestOverdueBalance:
            guard let value = cursor.key.flatMap(Int64.init) else {
                throw ErrorBody.invalidArgument("cursor is not one this API returned", field: "cursor")
            }
            return "(\(sql: key), c.id) \(sql: comparison) (\(value), \(cursor.id))"
        }
    }

    func list(_ request: ListCustomers) throws -> CustomerPage {
        let sort = request.sort ?? .default
        // The default order keeps the plain cursor form, so a cursor stays valid as before.
        let orderName = sort == .default ? nil : sort.rawValue
        let paging = try KeysetPage(limit: request.limit, cursor: request.cursor, order: orderName)
        let (key, direction, _) = Self.order(sort)
        let rows = try connection.query("""
            SELECT \(sql: CustomerStore.prefixedColumns), \(sql: Self.status), coalesce(b.open_cents, 0), coalesce(b.overdue_cents, 0),
                   u.name, u.email, u.active, (\(sql: key))::text
            \(Self.filters(request))
              AND \(try Self.after(paging.after, sort))
            ORDER BY \(sql: key) \(sql: direction), c.id \(sql: direction)
            LIMIT \(paging.fetchLimit)
            """)
        let total = try connection.query(Self.count(request)).single(Int.self)
        let items = try rows.map { row -> (item: CustomerListItem, key: String) in
            let record = try CustomerStore.record(row)
            let status = CustomerStatus(rawValue: try row.decode(String.self, at: 21)) ?? .new
            let (name, email, active) = try (row.decode(String?.self, at: 24), row.decode(String?.self, at: 25),
                                              row.decode(Bool?.self, at: 26))
            let specialist = record.specialistId.map { SpecialistReference(id: $0, name: name, email: email, isActive: active ?? true) }
            let item = CustomerListItem(record: record, status: status, openBalanceCents: try row.decode(Int64.self, at: 22),
                                        overdueBalanceCents: try row.decode(Int64.self, at: 23), specialist: specialist)
            return (item, try row.decode(String.self, at: 27))
        }
        let page = paging.page(items) { row in
            // The created orders continue from `createdAt` itself; the others from their key.
            let keyed = sort != .created && sort != .newest
            return PageCursor(createdAt: row.item.record.createdAt, id: row.item.record.id.uuid, order: orderName,
                              key: keyed ? row.key : nil)
        }
        return CustomerPage(items: page.items.map(\.item), nextCursor: page.nextCursor, total: total)
    }

    /// How many customers the search and filters match.
    static func count(_ request: ListCustomers) -> PostgresQuery {
        "SELECT count(*) \(filters(request))"
    }

    /// The customer's status by the one definition above.
    func status(of customer: CustomerID) throws -> CustomerStatus {
        let text = try connection.query("""
            SELECT \(sql: Self.status) FROM customers c LEFT JOIN customer_balances b ON b.customer_id = c.id WHERE c.id = \(customer)
            """).first?.decode(String.self, at: 0)
        return text.flatMap(CustomerStatus.init(rawValue:)) ?? .new
    }

    /// Whether invoice-service has published a balance for the customer: it has (or had) an
    /// invoice, a draft included.
    func hasBeenInvoiced(_ customer: CustomerID) throws -> Bool {
        try connection.query("SELECT EXISTS (SELECT 1 FROM customer_balances WHERE customer_id = \(customer))").single(Bool.self)
    }

    /// The open balance the list keeps for each customer named (nil: none recorded).
    func balanceFacts(_ ids: [CustomerID]) throws -> [BalanceFact] {
        try connection.query("""
            SELECT x.id, b.open_cents FROM unnest(\(ids.map(\.uuid))::uuid[]) AS x(id)
            LEFT JOIN customer_balances b ON b.customer_id = x.id ORDER BY x.id
            """).map { row in
            let (id, open) = try row.decode((CustomerID, Int64?).self)
            return BalanceFact(customerId: id, openCents: open)
        }
    }

    /// Keeps a customer's balance as invoice-service last published it.
    func record(_ balance: CustomerBalanceChanged) throws {
        try connection.execute("""
            INSERT INTO customer_balances (customer_id, currency, open_cents, overdue_cents, open_invoices, has_invoices,
                                           collection_status_ids)
            VALUES (\(balance.customerId), \(balance.currency.code), \(balance.openCents), \(balance.overdueCents),
                    \(balance.openInvoices), \(balance.hasInvoices), \(balance.collectionStatusIds.map(\.uuid)))
            ON CONFLICT (customer_id) DO UPDATE SET currency = excluded.currency, open_cents = excluded.open_cents,
                overdue_cents = excluded.overdue_cents, open_invoices = excluded.open_invoices,
                has_invoices = excluded.has_invoices, collection_status_ids = excluded.collection_status_ids, updated_at = now()
            """)
    }
}
