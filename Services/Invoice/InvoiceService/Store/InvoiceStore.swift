import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Invoices, their lines and the payments applied to them, in the `invoice` schema, on the
/// caller's connection.
struct InvoiceStore {
    let connection: PostgresConnection

    /// An invoice as stored, before its lines and status name are attached.
    private static let columns: StaticString = """
        i.id, i.customer_id, i.number, i.issue_date, i.due_date, i.currency, i.po_number, i.memo, i.contact_id,
        i.collection_status_id, s.name, i.subtotal_cents, i.tax_cents, i.total_cents, i.paid_cents, i.state, i.void_reason,
        i.created_at, i.updated_at
        """

    // MARK: Reading

    /// The invoice with its lines; `lock` holds its row until the transaction ends.
    func find(_ id: InvoiceID, lock: Bool = false) throws -> Invoice? {
        let forUpdate: StaticString = " FOR UPDATE OF i"
        let none: StaticString = ""
        guard let row = try connection.query("""
            SELECT \(sql: Self.columns) FROM invoices i LEFT JOIN collection_statuses s ON s.id = i.collection_status_id
            WHERE i.id = \(id)\(sql: lock ? forUpdate : none)
            """).first else { return nil }
        var invoice = try Self.invoice(row)
        invoice.lines = try lines(of: id)
        return invoice
    }

    func lines(of id: InvoiceID) throws -> [InvoiceLine] {
        try lines(of: [id])[id] ?? []
    }

    /// The lines of several invoices in one query, by invoice.
    func lines(of ids: [InvoiceID]) throws -> [InvoiceID: [InvoiceLine]] {
        var lines: [InvoiceID: [InvoiceLine]] = [:]
        for row in try connection.query("""
            SELECT invoice_id, description, quantity_thousandths, unit_price_cents, tax_rate_basis_points, total_cents, tax_cents
            FROM invoice_lines WHERE invoice_id = ANY(\(ids.map(\.uuid))) ORDER BY invoice_id, position
            """) {
            let (id, description, thousandths, price, rate, total, tax) =
                try row.decode((InvoiceID, String, Int64, Int64, Int, Int64, Int64).self)
            lines[id, default: []].append(InvoiceLine(description: description, quantity: Decimal(thousandths) / 1_000,
                                                      unitPriceCents: price, taxRateBps: rate, totalCents: total, taxCents: tax))
        }
        return lines
    }

    /// A page of the customer's invoices, newest first, with their lines and the total that match.
    func page(_ request: ListInvoices) throws -> InvoicePage {
        let page = try KeysetPage(limit: request.limit, cursor: request.cursor)
        let filter: PostgresQuery = """
            i.customer_id = \(request.customerId) AND (\(request.state?.rawValue)::text IS NULL OR i.state = \(request.state?.rawValue))
              AND (\(request.collectionStatusId)::uuid IS NULL OR i.collection_status_id = \(request.collectionStatusId))
            """
        let after: PostgresQuery = page.after.map { "(i.created_at, i.id) < (\($0.createdAt), \($0.id))" } ?? "TRUE"
        var rows = try connection.query("""
            SELECT \(sql: Self.columns) FROM invoices i LEFT JOIN collection_statuses s ON s.id = i.collection_status_id
            WHERE \(filter) AND \(after)
            ORDER BY i.created_at DESC, i.id DESC LIMIT \(page.fetchLimit)
            """).map(Self.invoice)
        let lines = try lines(of: rows.map(\.id))
        for index in rows.indices { rows[index].lines = lines[rows[index].id] ?? [] }
        let total = try connection.query("SELECT count(*) FROM invoices i WHERE \(filter)").single(Int.self)
        let (items, next) = page.page(rows) { PageCursor(createdAt: $0.createdAt, id: $0.id.uuid) }
        return InvoicePage(items: items, nextCursor: next, total: total)
    }

    /// The customer's invoices except voided ones, by due date, as of `today`.
    func summaries(of customer: CustomerID, asOf today: BusinessDate) throws -> [InvoiceSummary] {
        try summaryRows(of: customer, json: false).map { try Self.summary($0, asOf: today, json: false).summary }
    }

    /// The same, each with its JSON written by PostgreSQL — `InvoiceSummary`'s keys, but
    /// `days_overdue`, which the summary works out and adds — for the Customer Details
    /// view to pass on without encoding (`InvoiceCommandTests` checks it is the typed
    /// reply exactly).
    func summariesWithJSON(of customer: CustomerID, asOf today: BusinessDate) throws -> [(summary: InvoiceSummary, json: [UInt8])] {
        try summaryRows(of: customer, json: true).map { row in
            let (summary, written) = try Self.summary(row, asOf: today, json: true)
            var json = Array((written ?? "{}").utf8.dropLast())  // the closing brace
            json.append(contentsOf: ",\"days_overdue\":\(summary.daysOverdue)}".utf8)
            return (summary, json)
        }
    }

    private func summaryRows(of customer: CustomerID, json: Bool) throws -> PostgresRows {
        try connection.query("""
            SELECT i.id, i.number, i.issue_date, i.due_date, i.currency, i.total_cents, i.paid_cents, i.state,
                   i.collection_status_id, s.name\(sql: json ? Self.summaryJSON : "")
            FROM invoices i LEFT JOIN collection_statuses s ON s.id = i.collection_status_id
            WHERE i.customer_id = \(customer) AND i.state <> 'void'
            ORDER BY i.due_date, i.number
            """)
    }

    private static let summaryJSON: StaticString = """
        , json_build_object(
              'balance_cents', i.total_cents - i.paid_cents,
              'collection_status', CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object('id', s.id, 'name', s.name) END,
              'currency', i.currency, 'due_date', i.due_date, 'id', i.id, 'issue_date', i.issue_date, 'number', i.number,
              'paid_cents', i.paid_cents, 'state', i.state, 'total_cents', i.total_cents)::text
        """

    private static func summary(_ row: PostgresRow, asOf today: BusinessDate, json: Bool) throws -> (summary: InvoiceSummary, json: String?) {
        let (id, number, issued, due, currency, total, paid, state, statusId, statusName) = try row.decode(
            (InvoiceID, String, BusinessDate, BusinessDate, String, Int64, Int64, String, CollectionStatusID?, String?).self)
        let invoiceState = InvoiceState(rawValue: state) ?? .open
        var summary = InvoiceSummary(
            id: id, number: number, issueDate: issued, dueDate: due, currency: Currency(currency) ?? .usd, totalCents: total,
            paidCents: paid, balanceCents: total - paid, state: invoiceState,
            collectionStatus: Self.reference(statusId, statusName))
        summary.daysOverdue = InvoiceAging.isOpen(summary) ? max(0, due.days(until: today)) : 0
        return (summary, json ? try row.decode(String.self, at: 10) : nil)
    }

    /// Customers with invoices, in id order, after `after`.
    func customers(after: UUID?, limit: Int) throws -> [CustomerID] {
        try connection.query("""
            SELECT DISTINCT customer_id FROM invoices WHERE (\(after)::uuid IS NULL OR customer_id > \(after))
            ORDER BY customer_id LIMIT \(limit)
            """).map { try $0.decode(CustomerID.self, at: 0) }
    }

    /// Every invoice of the customer, drafts and voided ones included, as reconciliation reads them.
    func facts(of customer: CustomerID) throws -> [InvoiceFact] {
        try connection.query("""
            SELECT id, total_cents, paid_cents, state FROM invoices WHERE customer_id = \(customer) ORDER BY id
            """).map { row in
            let (id, total, paid, state) = try row.decode((InvoiceID, Int64, Int64, String).self)
            return InvoiceFact(invoiceId: id, totalCents: total, paidCents: paid, state: InvoiceState(rawValue: state) ?? .open)
        }
    }

    /// Whether the customer has ever had an invoice that was issued (voided ones count).
    func hasIssuedInvoices(_ customer: CustomerID) throws -> Bool {
        try connection.query("SELECT EXISTS (SELECT 1 FROM invoices WHERE customer_id = \(customer) AND state <> 'draft')")
            .single(Bool.self)
    }

    /// Whether the number is taken by another invoice, in any case.
    func numberTaken(_ number: String, except id: InvoiceID?) throws -> Bool {
        try connection.query("""
            SELECT EXISTS (SELECT 1 FROM invoices WHERE lower(number) = lower(\(number)) AND (\(id)::uuid IS NULL OR id <> \(id)))
            """).single(Bool.self)
    }

    /// `conflict` (409, naming `number`) when another invoice has the number in any case.
    func requireNumberFree(_ number: String, except id: InvoiceID?) throws {
        guard try !numberTaken(number, except: id) else {
            throw ErrorBody(.conflict, "an invoice numbered \(number) exists", details: ["number": "already exists"])
        }
    }

    /// The next automatic number no invoice has: `INV-000001`, `INV-000002`, … A few typed
    /// numbers in the way are skipped; past more, the sequence jumps beyond the largest
    /// `INV-` number there is — a bounded number of queries either way.
    func nextNumber() throws -> String {
        func format(_ value: Int64) -> String {
            let digits = String(value)
            return "INV-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        }
        for _ in 0..<10 {
            let number = format(try connection.query("SELECT nextval('invoice_number_seq')").single(Int64.self))
            if try !numberTaken(number, except: nil) { return number }
        }
        let next = try connection.query("""
            SELECT setval('invoice_number_seq', greatest(
                (SELECT last_value FROM invoice_number_seq),
                (SELECT coalesce(max(substring(number FROM 5)::bigint), 0) FROM invoices WHERE number ~* '^INV-[0-9]{1,18}$')) + 1)
            """).single(Int64.self)
        return format(next)
    }

    /// Customers with an open invoice whose due date is in `[from, to)`: those that fell
    /// overdue when the business date moved from `from` to `to` (overdue: due before today).
    func customersFallenOverdue(from: BusinessDate, to: BusinessDate) throws -> [CustomerID] {
        try connection.query("""
            SELECT DISTINCT customer_id FROM invoices
            WHERE state IN ('open', 'partially_paid') AND total_cents > paid_cents
              AND due_date >= \(from) AND due_date < \(to)
            ORDER BY customer_id
            """).map { try $0.decode(CustomerID.self, at: 0) }
    }

    // MARK: Writing

    /// Serialises every change to one customer's invoices and payments until the transaction
    /// ends, so each `invoice.balance_changed` is computed after the one before it committed
    /// (the last one published is the true balance). Every writer takes it before any row lock.
    func lockCustomer(_ customer: CustomerID) throws {
        _ = try connection.query("SELECT pg_advisory_xact_lock(hashtextextended('invoice.customer:' || \(customer.description), 0))")
    }

    /// The invoice, locked for a change with its customer (customer first, then the row).
    func lockedForChange(_ id: InvoiceID) throws -> Invoice? {
        guard let customer = try connection.query("SELECT customer_id FROM invoices WHERE id = \(id)").first
            .map({ try $0.decode(CustomerID.self, at: 0) }) else { return nil }
        try lockCustomer(customer)
        return try find(id, lock: true)
    }

    func insert(_ invoice: Invoice, lines: [InvoiceArithmetic.Line]) throws {
        try connection.execute("""
            INSERT INTO invoices (id, customer_id, number, issue_date, due_date, currency, subtotal_cents, tax_cents, total_cents,
                                  paid_cents, state, collection_status_id, po_number, memo, contact_id, created_at, updated_at)
            VALUES (\(invoice.id), \(invoice.customerId), \(invoice.number), \(invoice.issueDate), \(invoice.dueDate),
                    \(invoice.currency.code), \(invoice.subtotalCents), \(invoice.taxCents), \(invoice.totalCents), 0,
                    \(invoice.state.rawValue), \(invoice.collectionStatus?.id), \(invoice.poNumber), \(invoice.memo),
                    \(invoice.contactId), \(invoice.createdAt), \(invoice.updatedAt))
            """)
        try insertLines(of: invoice, lines)
    }

    /// Writes the editable fields and the amounts, and replaces the lines when given.
    func update(_ invoice: Invoice, lines: [InvoiceArithmetic.Line]?) throws {
        try connection.execute("""
            UPDATE invoices SET number = \(invoice.number), issue_date = \(invoice.issueDate), due_date = \(invoice.dueDate),
                po_number = \(invoice.poNumber), memo = \(invoice.memo), contact_id = \(invoice.contactId),
                subtotal_cents = \(invoice.subtotalCents), tax_cents = \(invoice.taxCents), total_cents = \(invoice.totalCents),
                state = \(invoice.state.rawValue), updated_at = now()
            WHERE id = \(invoice.id)
            """)
        guard let lines else { return }
        try connection.execute("DELETE FROM invoice_lines WHERE invoice_id = \(invoice.id)")
        try insertLines(of: invoice, lines)
    }

    func void(_ id: InvoiceID, reason: String?) throws {
        try connection.execute("""
            UPDATE invoices SET state = 'void', void_reason = \(reason), voided_at = now(), updated_at = now() WHERE id = \(id)
            """)
    }

    func setCollectionStatus(_ id: InvoiceID, to status: CollectionStatusID?) throws {
        try connection.execute("UPDATE invoices SET collection_status_id = \(status), updated_at = now() WHERE id = \(id)")
    }

    private func insertLines(of invoice: Invoice, _ lines: [InvoiceArithmetic.Line]) throws {
        for (position, (line, stored)) in zip(lines, invoice.lines).enumerated() {
            try connection.execute("""
                INSERT INTO invoice_lines (invoice_id, position, description, quantity_thousandths, unit_price_cents,
                                           tax_rate_basis_points, total_cents, tax_cents)
                VALUES (\(invoice.id), \(position), \(stored.description), \(line.quantityThousandths), \(line.unitPriceCents),
                        \(line.taxRateBasisPoints), \(stored.totalCents), \(stored.taxCents))
                """)
        }
    }

    // MARK: Payments

    /// Records an application once (by its id); false when it was already recorded.
    func recordApplication(_ applied: PaymentApplied) throws -> Bool {
        try connection.execute("""
            INSERT INTO applications (id, payment_id, invoice_id, customer_id, amount_cents, applied_on, method, reference)
            VALUES (\(applied.applicationId), \(applied.paymentId), \(applied.invoiceId), \(applied.customerId),
                    \(applied.amountCents), \(applied.appliedOn), \(applied.method), \(applied.reference))
            ON CONFLICT (id) DO NOTHING
            """) == 1
    }

    /// Marks an application taken back once; false when it was unknown or already taken back.
    func recordUnapplication(_ unapplied: PaymentUnapplied) throws -> Bool {
        try connection.execute("""
            UPDATE applications SET unapplied_on = \(unapplied.unappliedOn)
            WHERE id = \(unapplied.applicationId) AND unapplied_on IS NULL
            """) == 1
    }

    /// Sets paid to the sum of the invoice's live applications and its state to what that
    /// makes it (drafts and voided invoices keep theirs).
    func settlePaid(_ id: InvoiceID) throws {
        try connection.execute("""
            UPDATE invoices i SET paid_cents = p.paid, updated_at = now(),
                state = CASE WHEN i.state IN ('draft', 'void') THEN i.state
                             WHEN p.paid = 0 THEN 'open'
                             WHEN p.paid < i.total_cents THEN 'partially_paid'
                             ELSE 'paid' END
            FROM (SELECT coalesce(sum(amount_cents), 0)::bigint AS paid FROM applications
                  WHERE invoice_id = \(id) AND unapplied_on IS NULL) p
            WHERE i.id = \(id)
            """)
    }

    /// The customer's applications (live and taken back) with the invoice numbers, by date.
    func applications(of customer: CustomerID) throws -> [StatementLedger.Application] {
        try connection.query("""
            SELECT a.payment_id, a.invoice_id, i.number, a.amount_cents, a.applied_on, a.unapplied_on, a.method, a.reference
            FROM applications a JOIN invoices i ON i.id = a.invoice_id
            WHERE i.customer_id = \(customer) ORDER BY a.applied_on, a.recorded_at, a.id
            """).map { row in
            let (payment, invoice, number, amount, applied, unapplied, method, reference) = try row.decode(
                (PaymentID, InvoiceID, String, Int64, BusinessDate, BusinessDate?, String, String?).self)
            return StatementLedger.Application(paymentId: payment, invoiceId: invoice, invoiceNumber: number, amountCents: amount,
                                               appliedOn: applied, unappliedOn: unapplied, method: method, reference: reference)
        }
    }

    // MARK: Rows

    private static func invoice(_ row: PostgresRow) throws -> Invoice {
        let (id, customer, number, issued, due, currency, po, memo, contact) = try row.decode(
            (InvoiceID, CustomerID, String, BusinessDate, BusinessDate, String, String?, String?, ContactID?).self)
        let statusId = try row.decode(CollectionStatusID?.self, at: 9)
        let statusName = try row.decode(String?.self, at: 10)
        let subtotal = try row.decode(Int64.self, at: 11)
        let tax = try row.decode(Int64.self, at: 12)
        let total = try row.decode(Int64.self, at: 13)
        let paid = try row.decode(Int64.self, at: 14)
        let state = try row.decode(String.self, at: 15)
        let reason = try row.decode(String?.self, at: 16)
        let created = try row.decode(Date.self, at: 17)
        let updated = try row.decode(Date.self, at: 18)
        return Invoice(id: id, customerId: customer, number: number, issueDate: issued, dueDate: due,
                       currency: Currency(currency) ?? .usd, poNumber: po, memo: memo, contactId: contact,
                       collectionStatus: reference(statusId, statusName), lines: [], subtotalCents: subtotal, taxCents: tax,
                       totalCents: total, paidCents: paid, balanceCents: total - paid, state: InvoiceState(rawValue: state) ?? .open,
                       voidReason: reason, createdAt: created, updatedAt: updated)
    }

    private static func reference(_ id: CollectionStatusID?, _ name: String?) -> CollectionStatusRef? {
        guard let id, let name else { return nil }
        return CollectionStatusRef(id: id, name: name)
    }
}
