import BenchSupport
import Contracts
import Foundation
import Postgres

/// The benchmark's data set. Through the API (the services' own commands and stores): the
/// 1,000 customers, and the heavy customer's profile, 5 contacts, 3 documents, 50 invoices
/// (47 open, over every aging bucket), 30 payments with applications, 2 open promises and
/// 5 notes. Straight into history-service's table (`INSERT … SELECT generate_series`):
/// the heavy customer's timeline topped up to 500 activities, and with `--scale` 100,000
/// customers and 20,000,000 activities — through the API those would take hours.
struct DataSet {
    let system: LocalSystem
    /// The heavy customer.
    private(set) var heavy = ""

    static let customers = 1_000
    static let heavyActivities = 500

    init(system: LocalSystem) { self.system = system }

    mutating func seed() async throws -> (customers: Int, seconds: Double) {
        let started = ContinuousClock.now
        heavy = try await system.call("POST", "/api/v1/customers", [
            "display_name": "Heavy Account Holdings", "email": "ap@heavy.example", "phone": "+1 212 555 0100",
            "notes": "Large account: weekly statement, escalate past 60 days."])["id"] as? String ?? ""
        try await seedHeavy()
        // The rest of the 1,000, four requests at a time.
        let system = self.system
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<4 {
                group.addTask {
                    for index in stride(from: 1 + lane, to: Self.customers, by: 4) {
                        try await system.call("POST", "/api/v1/customers", ["display_name": String(format: "Customer %04d", index)])
                    }
                }
            }
            try await group.waitForAll()
        }
        try topUpTimeline()
        // Statistics, as a database in use has them (autovacuum would get there in its own
        // time): without them the first minutes' plans are not the ones a real system runs.
        let connection = try PostgresConnection(url: system.superuserURL)
        try connection.executeScript("VACUUM ANALYZE")
        connection.close()
        return (Self.customers, (ContinuousClock.now - started).seconds)
    }

    private func seedHeavy() async throws {
        let base = "/api/v1/customers/\(heavy)"
        var contacts: [String] = []
        for (index, role) in ["primary", "billing", "billing", "escalation", "billing"].enumerated() {
            let contact = try await system.call("POST", "\(base)/contacts", [
                "first_name": ["Avery", "Blake", "Casey", "Devon", "Emery"][index], "last_name": "Heavy",
                "email": "contact\(index)@heavy.example", "phone": "+1 212 555 01\(10 + index)", "role": role])
            contacts.append(contact["id"] as? String ?? "")
        }
        for index in 1...3 {
            let bytes = Data("%PDF-1.4\n% bench document \(index)\n%%EOF\n".utf8)
            let (status, reply) = try await system.http("POST", "\(base)/documents?filename=contract-\(index).pdf", json: bytes,
                                                        contentType: "application/pdf")
            guard status == 201 else { throw ErrorBody.internal("document upload answered \(status): \(String(decoding: reply, as: UTF8.self))") }
        }
        // 50 invoices, ten in each aging bucket (current, 1–30, 31–60, 61–90, over 90 days).
        let today = BusinessDate.today(inTimeZone: "UTC", at: Date())
        let dueOffsets = [12, -15, -45, -75, -140]
        var invoices: [(id: String, total: Int)] = []
        for index in 0..<50 {
            let due = today.adding(days: dueOffsets[index % 5] - index / 5)
            let invoice = try await system.call("POST", "\(base)/invoices", [
                "issue_date": due.adding(days: -30).description, "due_date": due.description, "po_number": "PO-\(4000 + index)",
                "contact_id": contacts[index % contacts.count],
                "lines": [["description": "Monthly service", "quantity": 1, "unit_price_cents": 90_000 + index * 1_371, "tax_rate_bps": 825],
                          ["description": "Support hours", "quantity": 2.5, "unit_price_cents": 12_000, "tax_rate_bps": 0]]])
            invoices.append((invoice["id"] as? String ?? "", invoice["total_cents"] as? Int ?? 0))
        }
        // 30 payments: three pay an invoice in full (47 stay open), 27 pay a third of one.
        for index in 0..<30 {
            let (invoice, total) = invoices[index]
            let amount = index < 3 ? total : total / 3
            try await system.call("POST", "\(base)/payments", [
                "amount_cents": amount, "currency": "USD", "method": "check", "reference": "CHK-\(7000 + index)",
                "received_on": today.adding(days: -index).description,
                "applications": [["invoice_id": invoice, "amount_cents": amount]]])
        }
        for (index, days) in [7, 14].enumerated() {
            let (invoice, total) = invoices[40 + index]
            try await system.call("POST", "\(base)/promises", [
                "contact_id": contacts[0], "invoice_ids": [invoice], "amount_cents": total / 2,
                "promised_on": today.adding(days: days).description, "note": "Promised on the call"])
        }
        for index in 1...5 {
            try await system.call("POST", "\(base)/notes", ["body": "Call \(index): AP confirmed the invoices are in the payment run."])
        }
    }

    /// The heavy customer's timeline to 500 activities: calls, emails, SMS and notes over
    /// the last year, written as history-service writes them (actor, links, source).
    private func topUpTimeline() throws {
        let connection = try PostgresConnection(url: system.superuserURL)
        defer { connection.close() }
        // The events of the API calls above land asynchronously; count once they have.
        let deadline = ContinuousClock.now + .seconds(60)
        var existing = 0
        while ContinuousClock.now < deadline {
            let now = try connection.query("SELECT count(*)::bigint FROM history.activities WHERE customer_id = \(heavy)::uuid")
                .single(Int64.self)
            if now == Int64(existing) && now >= 90 { break }
            existing = Int(now)
            Thread.sleep(forTimeInterval: 0.5)
        }
        let missing = Self.heavyActivities - existing
        guard missing > 0 else { return }
        try connection.execute("""
            INSERT INTO history.activities (id, customer_id, category, type, summary, occurred_at, actor, direction,
                                            source_publisher, source_event_id)
            SELECT gen_random_uuid(), \(heavy)::uuid, k.category, k.type, k.summary || ' #' || g,
                   now() - make_interval(hours => (g * 17)::int), (SELECT actor FROM history.activities WHERE actor IS NOT NULL LIMIT 1),
                   k.direction, 'communications', gen_random_uuid()
            FROM generate_series(1, \(missing)) g
            JOIN (VALUES (0, 'call', 'call.logged', 'Called AP about the open invoices', 'outbound'),
                         (1, 'email', 'email.sent', 'Sent the statement and the reminder template', 'outbound'),
                         (2, 'sms', 'sms.sent', 'Sent a payment reminder by text', 'outbound'),
                         (3, 'email', 'email.received', 'AP replied: payment scheduled', 'inbound'))
                 AS k(n, category, type, summary, direction) ON k.n = g % 4
            """)
    }

    /// `--scale`: customers up to 100,000 and the timeline table to 20,000,000 activities,
    /// in PostgreSQL (the heavy customer's own data stays as it is). The two timeline
    /// indexes are dropped for the load and built again after it; the ids are ascending so
    /// that the unique indexes are appended to. Returns the seconds it took.
    func scale(customers: Int = 100_000, activities: Int = 20_000_000, progress: (String) -> Void) throws -> Double {
        let started = ContinuousClock.now
        let connection = try PostgresConnection(url: system.superuserURL)
        defer { connection.close() }
        // Each batch of 2,000,000 rows and each index build may take longer than the
        // connection's default 30 s bound on a slow disk; still bounded, by ten minutes.
        try connection.executeScript("""
            SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 1; SET statement_timeout = '10min'
            """)
        let current = Int(try connection.query("SELECT count(*)::bigint FROM customer.customers").single(Int64.self))
        let newCustomers = max(0, customers - current)
        try connection.execute("""
            INSERT INTO customer.customers (id, display_name, currency, payment_terms_days)
            SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Scale customer ' || g, 'USD', 30
            FROM generate_series(1, \(newCustomers)) g
            """)
        progress("customers: \(current + newCustomers)")
        let indexes = try connection.query("""
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'history' AND tablename = 'activities' AND indexname LIKE 'activities_timeline%'
            """).map { try $0.decode((String, String).self) }
        for (name, _) in indexes { try connection.executeScript("DROP INDEX history.\(name)") }
        let have = Int(try connection.query("SELECT count(*)::bigint FROM history.activities").single(Int64.self))
        let total = max(0, activities - have)
        let batch = 2_000_000
        var written = 0
        while written < total {
            let count = min(batch, total - written)
            // Customer n of the new ones gets activity g when g mod newCustomers = n.
            try connection.execute("""
                INSERT INTO history.activities (id, customer_id, category, type, summary, occurred_at, direction,
                                                source_publisher, source_event_id)
                SELECT ('10000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                       ('00000000-0000-4000-8000-' || lpad(to_hex(1 + g % \(max(newCustomers, 1))), 12, '0'))::uuid,
                       (ARRAY['call', 'email', 'sms', 'note'])[1 + g % 4], (ARRAY['call.logged', 'email.sent', 'sms.sent', 'note.added'])[1 + g % 4],
                       'Scale activity ' || g, now() - make_interval(mins => (g % 525600)::int), 'outbound',
                       'communications', ('20000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid
                FROM generate_series(\(written + 1), \(written + count)) g
                """)
            written += count
            progress("activities: \(have + written)")
        }
        for (_, definition) in indexes { try connection.executeScript(definition) }
        try connection.executeScript("VACUUM ANALYZE history.activities")  // VACUUM runs alone, outside a transaction
        try connection.executeScript("VACUUM ANALYZE customer.customers")
        // The load's dirty pages written out now, not by the checkpointer during the measurement.
        try connection.executeScript("CHECKPOINT")
        progress("indexes rebuilt, analysed, checkpointed")
        return (ContinuousClock.now - started).seconds
    }
}
