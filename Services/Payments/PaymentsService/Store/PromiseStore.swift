import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Promises to pay in the `payments` schema, on the caller's connection. What has been
/// paid toward a promise is read, never stored: the live applications to its invoices made
/// from the promise on, dated by its promised day.
struct PromiseStore {
    let connection: PostgresConnection

    private static let columns: StaticString = """
        p.id, p.customer_id, p.contact_id, array_to_string(p.invoice_ids, ','), to_jsonb(p.invoice_numbers), p.amount_cents, p.currency,
        p.promised_on, p.note, p.state, p.source, p.specialist_id, p.recorded_on, p.resolved_on, p.recorded_by, p.created_at,
        coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
                  WHERE a.invoice_id = ANY(p.invoice_ids) AND a.unapplied_at IS NULL
                    AND a.created_at >= p.created_at AND a.applied_on <= p.promised_on), 0)::int8
        """

    func insert(_ promise: PromiseToPay) throws {
        try connection.execute("""
            INSERT INTO promises (id, customer_id, contact_id, invoice_ids, invoice_numbers, amount_cents, currency, promised_on, note,
                                  state, source, specialist_id, recorded_on, recorded_by, created_at)
            VALUES (\(promise.id), \(promise.customerId), \(promise.contactId), \(promise.invoiceIds.map(\.uuid)),
                    \(promise.invoiceNumbers), \(promise.amountCents), \(promise.currency.code), \(promise.promisedOn), \(promise.note),
                    \(promise.state.rawValue), \(promise.source.rawValue), \(promise.specialistId), \(promise.recordedOn),
                    \(try promise.recordedBy.map(PostgresJSON.init)), clock_timestamp())
            """)
    }

    func promise(_ id: PromiseID) throws -> PromiseToPay? {
        try connection.query("SELECT \(sql: Self.columns) FROM promises p WHERE p.id = \(id)").first.map(Self.promise)
    }

    /// The promise, its row held until the transaction ends.
    func locked(_ id: PromiseID) throws -> PromiseToPay? {
        try connection.query("SELECT \(sql: Self.columns) FROM promises p WHERE p.id = \(id) FOR UPDATE").first.map(Self.promise)
    }

    /// The customer's open promises, soonest date first.
    func open(of customer: CustomerID) throws -> [PromiseToPay] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM promises p WHERE p.customer_id = \(customer) AND p.state = 'open'
            ORDER BY p.promised_on, p.created_at LIMIT 200
            """).map(Self.promise)
    }

    /// The open promises on any of `invoices`, each with the index in `invoices` of the
    /// first it covers.
    func openOn(_ invoices: [InvoiceID]) throws -> [(Int, PromiseToPay)] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM promises p
            WHERE p.state = 'open' AND p.invoice_ids && \(invoices.map(\.uuid))::uuid[] ORDER BY p.created_at
            """).map(Self.promise).compactMap { promise in
            invoices.firstIndex(where: promise.invoiceIds.contains).map { ($0, promise) }
        }
    }

    /// The customer's open promises on any of `invoices`, locked (a payment to them may keep one).
    func lockOpen(of customer: CustomerID, on invoices: [InvoiceID]) throws -> [PromiseToPay] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM promises p
            WHERE p.customer_id = \(customer) AND p.state = 'open' AND p.invoice_ids && \(invoices.map(\.uuid))::uuid[]
            ORDER BY p.id FOR UPDATE
            """).map(Self.promise)
    }

    /// Open promises that can be decided today: kept (paid in full) or past their date;
    /// at most `limit`, skipping any another transaction holds.
    func lockDecidable(today: BusinessDate, limit: Int) throws -> [PromiseToPay] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM promises p
            WHERE p.id IN (SELECT c.id FROM promises c WHERE c.state = 'open' AND (c.promised_on < \(today)
                   OR c.amount_cents <= coalesce((SELECT sum(a.amount_cents) FROM payment_applications a
                          WHERE a.invoice_id = ANY(c.invoice_ids) AND a.unapplied_at IS NULL
                            AND a.created_at >= c.created_at AND a.applied_on <= c.promised_on), 0))
                   ORDER BY c.promised_on, c.id LIMIT \(limit))
            ORDER BY p.id FOR UPDATE SKIP LOCKED
            """).map(Self.promise)
    }

    /// Moves an open promise to `state` on `date`; false when it was no longer open.
    func resolve(_ id: PromiseID, as state: PromiseState, on date: BusinessDate) throws -> Bool {
        try connection.execute("""
            UPDATE promises SET state = \(state.rawValue), resolved_on = \(date) WHERE id = \(id) AND state = 'open'
            """) == 1
    }

    /// The customer's open promises follow its new AR specialist.
    func setSpecialist(of customer: CustomerID, to specialist: UserID?) throws {
        try connection.execute("UPDATE promises SET specialist_id = \(specialist) WHERE customer_id = \(customer) AND state = 'open'")
    }

    /// A page of the customer's promises, newest first, with the total.
    func page(_ request: ListPromises) throws -> PromisePage {
        let page = try KeysetPage(limit: request.limit, cursor: request.cursor)
        let after: PostgresQuery = page.after.map { "(p.created_at, p.id) < (\($0.createdAt), \($0.id))" } ?? "TRUE"
        let state = request.state?.rawValue
        let rows = try connection.query("""
            SELECT \(sql: Self.columns) FROM promises p
            WHERE p.customer_id = \(request.customerId) AND (\(state)::text IS NULL OR p.state = \(state)) AND \(after)
            ORDER BY p.created_at DESC, p.id DESC LIMIT \(page.fetchLimit)
            """).map(Self.promise)
        let total = try connection.query("""
            SELECT count(*) FROM promises WHERE customer_id = \(request.customerId) AND (\(state)::text IS NULL OR state = \(state))
            """).single(Int.self)
        let (items, next) = page.page(rows) { PageCursor(createdAt: $0.createdAt, id: $0.id.uuid) }
        return PromisePage(items: items, nextCursor: next, total: total)
    }

    /// Promises dated in the period, counted and summed by specialist, currency and state.
    func report(_ request: PromiseReportRequest) throws -> [PromiseReportRow] {
        struct Key: Hashable { var specialist: UserID?; var currency: String }
        var tallies: [Key: [PromiseState: PromiseTally]] = [:]
        var order: [Key] = []
        for row in try connection.query("""
            SELECT specialist_id, currency, state, count(*)::int8, sum(amount_cents)::int8 FROM promises
            WHERE (\(request.from)::date IS NULL OR promised_on >= \(request.from))
              AND (\(request.to)::date IS NULL OR promised_on <= \(request.to))
              AND (\(request.specialistId)::uuid IS NULL OR specialist_id = \(request.specialistId))
            GROUP BY specialist_id, currency, state ORDER BY specialist_id NULLS LAST, currency
            """) {
            let (specialist, currency, state, count, amount) = try row.decode((UserID?, String, String, Int64, Int64).self)
            guard let state = PromiseState(rawValue: state) else { continue }
            let key = Key(specialist: specialist, currency: currency)
            if tallies[key] == nil { order.append(key) }
            tallies[key, default: [:]][state] = PromiseTally(count: Int(count), amountCents: amount)
        }
        return order.map { key in
            let tally = { (state: PromiseState) in tallies[key]?[state] ?? .zero }
            return PromiseReportRow(specialistId: key.specialist, currency: Currency(key.currency) ?? .usd, open: tally(.open),
                                    kept: tally(.kept), broken: tally(.broken), cancelled: tally(.cancelled))
        }
    }

    private static func promise(_ row: PostgresRow) throws -> PromiseToPay {
        let (id, customer, contact, invoices, numbers, amount, currency, promisedOn) =
            try row.decode((PromiseID, CustomerID, ContactID?, String, PostgresJSON<[String]>, Int64, String, BusinessDate).self)
        let note = try row.decode(String?.self, at: 8)
        let state = try row.decode(String.self, at: 9)
        let source = try row.decode(String.self, at: 10)
        let specialist = try row.decode(UserID?.self, at: 11)
        let recordedOn = try row.decode(BusinessDate.self, at: 12)
        let resolvedOn = try row.decode(BusinessDate?.self, at: 13)
        let recordedBy = try row.decode(PostgresJSON<Actor>?.self, at: 14)
        let createdAt = try row.decode(Date.self, at: 15)
        let paid = try row.decode(Int64.self, at: 16)
        return PromiseToPay(
            id: id, customerId: customer, contactId: contact,
            invoiceIds: invoices.split(separator: ",").compactMap { InvoiceID(String($0)) }, invoiceNumbers: numbers.value,
            amountCents: amount, currency: Currency(currency) ?? .usd, promisedOn: promisedOn, note: note,
            state: PromiseState(rawValue: state) ?? .open, source: PaymentSource(rawValue: source) ?? .staff, specialistId: specialist,
            paidCents: paid, recordedOn: recordedOn, resolvedOn: resolvedOn, recordedBy: recordedBy?.value, createdAt: createdAt)
    }
}
