import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Payments, their applications and refunds, the payment methods, and payments-service's
/// copy of the invoices, in the `payments` schema, on the caller's connection.
struct LedgerStore {
    let connection: PostgresConnection

    /// An invoice as payments-service knows it from invoice-service's events.
    struct KnownInvoice: Hashable, Sendable {
        enum State: String, Sendable { case draft, issued, void }
        var id: InvoiceID
        var customerId: CustomerID
        var number: String
        var currency: Currency
        var issueDate: BusinessDate
        var dueDate: BusinessDate
        var totalCents: Int64
        var state: State
    }

    /// A live application, for taking it back.
    struct LiveApplication: Hashable, Sendable {
        var id: PaymentApplicationID
        var paymentId: PaymentID
        var customerId: CustomerID
        var amountCents: Int64
        var currency: Currency
    }

    // MARK: Invoices

    /// Keeps the invoice as its latest event has it (events arrive in order).
    func keep(_ invoice: Invoice) throws {
        let state: KnownInvoice.State = invoice.state == .void ? .void : (invoice.state == .draft ? .draft : .issued)
        try connection.execute("""
            INSERT INTO invoices (id, customer_id, number, currency, issue_date, due_date, total_cents, state)
            VALUES (\(invoice.id), \(invoice.customerId), \(invoice.number), \(invoice.currency.code), \(invoice.issueDate),
                    \(invoice.dueDate), \(invoice.totalCents), \(state.rawValue))
            ON CONFLICT (id) DO UPDATE SET number = excluded.number, currency = excluded.currency,
                issue_date = excluded.issue_date, due_date = excluded.due_date, total_cents = excluded.total_cents,
                state = excluded.state, updated_at = now()
            """)
    }

    private static let invoiceColumns: StaticString = "id, customer_id, number, currency, issue_date, due_date, total_cents, state"

    /// Which of `ids` are known.
    func knownInvoices(_ ids: [InvoiceID]) throws -> Set<InvoiceID> {
        Set(try connection.query("SELECT id FROM invoices WHERE id = ANY(\(ids.map(\.uuid)))").map { try $0.decode(InvoiceID.self, at: 0) })
    }

    /// The invoices known of `ids`, not locked.
    func invoices(_ ids: [InvoiceID]) throws -> [InvoiceID: KnownInvoice] {
        let rows = try connection.query("SELECT \(sql: Self.invoiceColumns) FROM invoices WHERE id = ANY(\(ids.map(\.uuid)))")
            .map(Self.invoice)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
    }

    /// The invoices, locked in id order (so two payments never lock the same two in opposite orders).
    func lockInvoices(_ ids: [InvoiceID]) throws -> [InvoiceID: KnownInvoice] {
        let rows = try connection.query("""
            SELECT \(sql: Self.invoiceColumns) FROM invoices WHERE id = ANY(\(ids.map(\.uuid))) ORDER BY id FOR UPDATE
            """).map(Self.invoice)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
    }

    /// What stands applied to the invoice.
    func applied(to invoice: InvoiceID) throws -> Int64 {
        try connection.query("""
            SELECT coalesce(sum(amount_cents), 0)::int8 FROM payment_applications WHERE invoice_id = \(invoice) AND unapplied_at IS NULL
            """).single(Int64.self)
    }

    /// The invoice's live applications, newest first.
    func liveApplications(to invoice: InvoiceID) throws -> [LiveApplication] {
        try connection.query("""
            SELECT a.id, a.payment_id, p.customer_id, a.amount_cents, p.currency
            FROM payment_applications a JOIN payments p ON p.id = a.payment_id
            WHERE a.invoice_id = \(invoice) AND a.unapplied_at IS NULL ORDER BY a.seq DESC
            """).map { row in
            let (id, payment, customer, amount, currency) = try row.decode((PaymentApplicationID, PaymentID, CustomerID, Int64, String).self)
            return LiveApplication(id: id, paymentId: payment, customerId: customer, amountCents: amount,
                                   currency: Currency(currency) ?? .usd)
        }
    }

    /// The customer's issued invoices with something left to pay here, oldest due first (at
    /// most 200: what one payment can be applied to at once).
    func openInvoices(of customer: CustomerID) throws -> [PayableInvoice] {
        try connection.query("""
            SELECT i.id, i.number, i.issue_date, i.due_date, i.currency, i.total_cents,
                   i.total_cents - coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
                                             WHERE a.invoice_id = i.id AND a.unapplied_at IS NULL), 0)::int8 AS balance
            FROM invoices i WHERE i.customer_id = \(customer) AND i.state = 'issued'
              AND i.total_cents > coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
                                            WHERE a.invoice_id = i.id AND a.unapplied_at IS NULL), 0)
            ORDER BY i.due_date, i.number LIMIT 200
            """).compactMap { row in
            let (id, number, issued, due, currency, total, balance) =
                try row.decode((InvoiceID, String, BusinessDate, BusinessDate, String, Int64, Int64).self)
            guard balance > 0 else { return nil }
            return PayableInvoice(id: id, number: number, issueDate: issued, dueDate: due, currency: Currency(currency) ?? .usd,
                                  totalCents: total, balanceCents: balance)
        }
    }

    // MARK: Payments

    /// `feeCents`: a convenience fee charged beside the amount (never applied or credited).
    func insertPayment(id: PaymentID, customer: CustomerID, fields: PaymentFields, reference: String?, feeCents: Int64 = 0,
                       source: PaymentSource = .staff) throws {
        try connection.execute("""
            INSERT INTO payments (id, customer_id, amount_cents, currency, method, reference, received_on, fee_cents, source)
            VALUES (\(id), \(customer), \(fields.amountCents), \(fields.currency.code), \(fields.method), \(reference), \(fields.receivedOn),
                    \(feeCents), \(source.rawValue))
            """)
    }

    /// Holds the payment's row until the transaction ends; false when there is none.
    func lockPayment(_ id: PaymentID) throws -> Bool {
        try !connection.query("SELECT 1 FROM payments WHERE id = \(id) FOR UPDATE").isEmpty
    }

    func insertApplication(_ id: PaymentApplicationID, payment: PaymentID, invoice: InvoiceID, cents: Int64, on date: BusinessDate) throws {
        try connection.execute("""
            INSERT INTO payment_applications (id, payment_id, invoice_id, amount_cents, applied_on, created_at)
            VALUES (\(id), \(payment), \(invoice), \(cents), \(date), clock_timestamp())
            """)
    }

    /// Takes a live application back; false when it was not live.
    func unapply(_ id: PaymentApplicationID, on date: BusinessDate, reason: UnapplyReason) throws -> Bool {
        try connection.execute("""
            UPDATE payment_applications SET unapplied_at = now(), unapplied_on = \(date), unapply_reason = \(reason.rawValue)
            WHERE id = \(id) AND unapplied_at IS NULL
            """) == 1
    }

    func insertRefund(_ id: RefundID, payment: PaymentID, cents: Int64, reason: String, on date: BusinessDate) throws {
        try connection.execute("""
            INSERT INTO refunds (id, payment_id, amount_cents, reason, refunded_on)
            VALUES (\(id), \(payment), \(cents), \(reason), \(date))
            """)
    }

    private static let paymentColumns: StaticString = """
        p.id, p.customer_id, p.amount_cents, p.currency, p.method, p.reference, p.received_on, p.created_at,
        coalesce((SELECT sum(a.amount_cents) FROM payment_applications a WHERE a.payment_id = p.id AND a.unapplied_at IS NULL), 0)::int8,
        coalesce((SELECT sum(r.amount_cents) FROM refunds r WHERE r.payment_id = p.id), 0)::int8, p.fee_cents, p.source
        """

    /// The payment with its applications and refunds.
    func payment(_ id: PaymentID) throws -> Payment? {
        guard var payment = try connection.query("SELECT \(sql: Self.paymentColumns) FROM payments p WHERE p.id = \(id)")
            .first.map(Self.payment) else { return nil }
        try attachDetails(&payment)
        return payment
    }

    /// A page of the customer's payments, newest first, with the total.
    func page(_ request: ListPayments) throws -> PaymentPage {
        let page = try KeysetPage(limit: request.limit, cursor: request.cursor)
        let after: PostgresQuery = page.after.map { "(p.created_at, p.id) < (\($0.createdAt), \($0.id))" } ?? "TRUE"
        var rows = try connection.query("""
            SELECT \(sql: Self.paymentColumns) FROM payments p WHERE p.customer_id = \(request.customerId) AND \(after)
            ORDER BY p.created_at DESC, p.id DESC LIMIT \(page.fetchLimit)
            """).map(Self.payment)
        try attachDetails(&rows)
        let total = try connection.query("SELECT count(*) FROM payments WHERE customer_id = \(request.customerId)").single(Int.self)
        let (items, next) = page.page(rows) { PageCursor(createdAt: $0.createdAt, id: $0.id.uuid) }
        return PaymentPage(items: items, nextCursor: next, total: total)
    }

    private func attachDetails(_ payment: inout Payment) throws {
        var one = [payment]
        try attachDetails(&one)
        payment = one[0]
    }

    /// The payments' applications and refunds, two queries for all of them.
    private func attachDetails(_ payments: inout [Payment]) throws {
        let ids = payments.map(\.id.uuid)
        var applications: [PaymentID: [PaymentApplication]] = [:]
        for row in try connection.query("""
            SELECT a.payment_id, a.id, a.invoice_id, coalesce(i.number, ''), a.amount_cents, a.applied_on, a.unapplied_on, a.unapply_reason
            FROM payment_applications a LEFT JOIN invoices i ON i.id = a.invoice_id
            WHERE a.payment_id = ANY(\(ids)) ORDER BY a.seq
            """) {
            let (payment, id, invoice, number, amount, applied, unapplied, reason) = try row.decode(
                (PaymentID, PaymentApplicationID, InvoiceID, String, Int64, BusinessDate, BusinessDate?, String?).self)
            applications[payment, default: []].append(PaymentApplication(
                id: id, invoiceId: invoice, invoiceNumber: number, amountCents: amount, appliedOn: applied, unappliedOn: unapplied,
                unapplyReason: reason.flatMap(UnapplyReason.init(rawValue:))))
        }
        var refunds: [PaymentID: [PaymentRefund]] = [:]
        for row in try connection.query("""
            SELECT payment_id, id, amount_cents, reason, refunded_on FROM refunds WHERE payment_id = ANY(\(ids)) ORDER BY created_at, id
            """) {
            let (payment, id, amount, reason, on) = try row.decode((PaymentID, RefundID, Int64, String, BusinessDate).self)
            refunds[payment, default: []].append(PaymentRefund(id: id, amountCents: amount, reason: reason, refundedOn: on))
        }
        for index in payments.indices {
            payments[index].applications = applications[payments[index].id] ?? []
            payments[index].refunds = refunds[payments[index].id] ?? []
        }
    }

    // MARK: Reconciliation

    /// What stands applied to each invoice named, with the total and state known for it.
    func appliedFacts(_ ids: [InvoiceID]) throws -> [AppliedFact] {
        try connection.query("""
            SELECT x.id, coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
                                   WHERE a.invoice_id = x.id AND a.unapplied_at IS NULL), 0)::int8, i.total_cents, i.state
            FROM unnest(\(ids.map(\.uuid))::uuid[]) AS x(id) LEFT JOIN invoices i ON i.id = x.id
            ORDER BY x.id
            """).map { row in
            let (id, applied, total, state) = try row.decode((InvoiceID, Int64, Int64?, String?).self)
            return AppliedFact(invoiceId: id, appliedCents: applied, knownTotalCents: total, knownState: state)
        }
    }

    /// Payments in id order after `after`, with what is applied and refunded of each.
    func paymentFacts(after: UUID?, limit: Int) throws -> [PaymentFact] {
        try connection.query("""
            SELECT \(sql: Self.paymentColumns) FROM payments p WHERE (\(after)::uuid IS NULL OR p.id > \(after))
            ORDER BY p.id LIMIT \(limit)
            """).map(Self.payment).map {
            PaymentFact(paymentId: $0.id, customerId: $0.customerId, amountCents: $0.amountCents, appliedCents: $0.appliedCents,
                        refundedCents: $0.refundedCents)
        }
    }

    // MARK: Methods

    /// Whether `code` names a payment method in use.
    func methodInUse(_ code: String) throws -> Bool {
        try connection.query("SELECT EXISTS (SELECT 1 FROM payment_methods WHERE code = \(code) AND active)").single(Bool.self)
    }

    // MARK: Rows

    private static func invoice(_ row: PostgresRow) throws -> KnownInvoice {
        let (id, customer, number, currency, issued, due, total, state) =
            try row.decode((InvoiceID, CustomerID, String, String, BusinessDate, BusinessDate, Int64, String).self)
        return KnownInvoice(id: id, customerId: customer, number: number, currency: Currency(currency) ?? .usd, issueDate: issued,
                            dueDate: due, totalCents: total, state: KnownInvoice.State(rawValue: state) ?? .issued)
    }

    private static func payment(_ row: PostgresRow) throws -> Payment {
        let (id, customer, amount, currency, method, reference, received, created) =
            try row.decode((PaymentID, CustomerID, Int64, String, String, String?, BusinessDate, Date).self)
        let applied = try row.decode(Int64.self, at: 8)
        let refunded = try row.decode(Int64.self, at: 9)
        let fee = try row.decode(Int64.self, at: 10)
        let source = try row.decode(String.self, at: 11)
        return Payment(id: id, customerId: customer, amountCents: amount, currency: Currency(currency) ?? .usd, method: method,
                       reference: reference, receivedOn: received, appliedCents: applied, refundedCents: refunded,
                       unappliedCents: amount - applied - refunded, applications: [], refunds: [], feeCents: fee,
                       source: PaymentSource(rawValue: source) ?? .staff, createdAt: created)
    }
}
