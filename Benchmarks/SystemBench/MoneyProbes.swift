import BenchSupport
import Contracts
import Foundation
import Postgres
import Threading

/// The money paths, end to end through the real processes:
/// - create invoice: from sending `POST /customers/{id}/invoices` to its `invoice.created`
///   applied in history-service (a trigger on `history.activities` NOTIFYs the bench at
///   the commit — a probe, not a poll);
/// - payment visible: from sending `POST /customers/{id}/payments` to the invoice's new
///   balance and the payment's history entry both in `GET /customers/{id}/details`
///   (asked again as soon as each answer comes back).
struct MoneyProbes {
    let system: LocalSystem

    /// The probes: every activity insert is announced with its links, and every payment
    /// application invoice-service records with its payment (NOTIFY is sent at commit).
    func installProbe() throws {
        let connection = try PostgresConnection(url: system.superuserURL)
        defer { connection.close() }
        try connection.executeScript("""
            CREATE OR REPLACE FUNCTION history.bench_probe() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('bench_activity', NEW.type || ' ' || NEW.links::text); RETURN NEW; END $$;
            DROP TRIGGER IF EXISTS bench_probe ON history.activities;
            CREATE TRIGGER bench_probe AFTER INSERT ON history.activities FOR EACH ROW EXECUTE FUNCTION history.bench_probe();
            CREATE OR REPLACE FUNCTION invoice.bench_probe() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('bench_activity', 'invoice.application ' || NEW.payment_id::text); RETURN NEW; END $$;
            DROP TRIGGER IF EXISTS bench_probe ON invoice.applications;
            CREATE TRIGGER bench_probe AFTER INSERT ON invoice.applications FOR EACH ROW EXECUTE FUNCTION invoice.bench_probe();
            """)
    }

    func removeProbe() throws {
        let connection = try PostgresConnection(url: system.superuserURL)
        defer { connection.close() }
        try connection.executeScript("""
            DROP TRIGGER IF EXISTS bench_probe ON history.activities; DROP FUNCTION IF EXISTS history.bench_probe();
            DROP TRIGGER IF EXISTS bench_probe ON invoice.applications; DROP FUNCTION IF EXISTS invoice.bench_probe()
            """)
    }

    /// Listens on its own thread and remembers when each notification arrived.
    final class Listener: Sendable {
        private struct State {
            var arrivals: [(payload: String, at: ContinuousClock.Instant)] = []
            var stopped = false
            var failure: String?
        }
        private let state = Locked(State())

        /// Returns once it listens; the connection is opened and used on the listening thread.
        init(url: String) throws {
            let ready = DispatchSemaphore(value: 0)
            let state = self.state
            Thread {
                let connection: PostgresConnection
                do {
                    connection = try PostgresConnection(url: url)
                    try connection.listen("bench_activity")
                } catch {
                    state.withLock { $0.failure = "\(error)" }
                    ready.signal()
                    return
                }
                ready.signal()
                while !state.withLock({ $0.stopped }) {
                    guard let notifications = try? connection.waitForNotifications(timeoutMilliseconds: 100) else { continue }
                    let now = ContinuousClock.now
                    state.withLock { $0.arrivals += notifications.map { ($0.payload, now) } }
                }
                connection.close()
            }.start()
            guard ready.wait(timeout: .now() + 30) == .success else { throw ErrorBody.unavailable("the probe's listener did not start") }
            if let failure = state.withLock({ $0.failure }) { throw ErrorBody.unavailable("the probe's listener failed: \(failure)") }
        }

        /// When an activity whose type and links contain every one of `needles` arrived.
        func arrival(of needles: [String], within seconds: Double) async throws -> ContinuousClock.Instant {
            let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1_000))
            while ContinuousClock.now < deadline {
                let hit = state.withLock { state in state.arrivals.first { entry in needles.allSatisfy { entry.payload.contains($0) } }?.at }
                if let hit { return hit }
                try await Task.sleep(for: .milliseconds(1))
            }
            throw ErrorBody.unavailable("no activity with \(needles) in \(seconds) s")
        }

        func stop() { state.withLock { $0.stopped = true } }
    }

    /// A customer with one contact, for the probes to write to.
    private func newCustomer(_ name: String) async throws -> (customer: String, contact: String) {
        let customer = try await system.call("POST", "/api/v1/customers", ["display_name": name])["id"] as? String ?? ""
        let contact = try await system.call("POST", "/api/v1/customers/\(customer)/contacts", [
            "first_name": "Lee", "last_name": "Probe", "email": "lee@probe.example"])["id"] as? String ?? ""
        return (customer, contact)
    }

    /// An invoice; its id, the milliseconds until the POST was answered and until
    /// `invoice.created` was applied in history.
    private func newInvoice(_ listener: Listener, for account: (customer: String, contact: String), cents: Int) async throws
        -> (id: String, answered: Double, applied: Double) {
        let (customer, contact) = account
        let today = BusinessDate.today(inTimeZone: "UTC", at: Date())
        let started = ContinuousClock.now
        let invoice = try await system.call("POST", "/api/v1/customers/\(customer)/invoices", [
            "issue_date": today.description, "due_date": today.adding(days: 30).description, "contact_id": contact,
            "lines": [["description": "Consulting", "quantity": 1, "unit_price_cents": cents, "tax_rate_bps": 0]]])
        let answered = ContinuousClock.now
        guard let id = invoice["id"] as? String else { throw ErrorBody.internal("the invoice reply has no id") }
        let applied = try await listener.arrival(of: [InvoiceMessages.created.type, id], within: 10)
        return (id, (answered - started).milliseconds, (applied - started).milliseconds)
    }

    /// Milliseconds per invoice until answered and until applied in history, `count` of
    /// them after `warmup`, on a customer of their own.
    func createInvoice(count: Int, warmup: Int = 10) async throws -> (answered: [Double], applied: [Double]) {
        let listener = try Listener(url: system.superuserURL)
        defer { listener.stop() }
        let account = try await newCustomer("Invoice Probe Co")
        var answered: [Double] = [], applied: [Double] = []
        for index in 0..<(warmup + count) {
            let invoice = try await newInvoice(listener, for: account, cents: 10_000 + index)
            if index >= warmup {
                answered.append(invoice.answered)
                applied.append(invoice.applied)
            }
        }
        return (answered, applied)
    }

    /// Milliseconds per payment until the details view shows both its effects; a new
    /// customer every ten payments, so that each view stays an ordinary account's.
    /// Milliseconds per payment: until its POST was answered, until history applied it
    /// (the probe), and until the details view showed both its effects.
    struct PaymentTimes {
        var answered: [Double] = []
        var inHistory: [Double] = []
        var onInvoice: [Double] = []
        var visible: [Double] = []
    }

    func paymentVisible(count: Int, warmup: Int = 5) async throws -> PaymentTimes {
        let listener = try Listener(url: system.superuserURL)
        defer { listener.stop() }
        var times = PaymentTimes()
        var account = (customer: "", contact: "")
        for index in 0..<(warmup + count) {
            if index % 10 == 0 { account = try await newCustomer("Payment Probe \(index / 10)") }
            let customer = account.customer
            let invoice = try await newInvoice(listener, for: account, cents: 20_000 + index).id
            let started = ContinuousClock.now
            let payment = try await system.call("POST", "/api/v1/customers/\(customer)/payments", [
                "amount_cents": 20_000 + index, "currency": "USD", "method": "ach", "reference": "ACH-\(index)",
                "received_on": BusinessDate.today(inTimeZone: "UTC", at: Date()).description,
                "applications": [["invoice_id": invoice, "amount_cents": 20_000 + index]]])
            let answered = ContinuousClock.now
            guard let paymentID = payment["id"] as? String else { throw ErrorBody.internal("the payment reply has no id") }
            let deadline = started + .seconds(10)
            while true {
                let details = try await system.call("GET", "/api/v1/customers/\(customer)/details", expect: 200)
                if Self.shows(details, invoice: invoice, paidBy: paymentID) { break }
                guard ContinuousClock.now < deadline else { throw ErrorBody.unavailable("payment \(paymentID) not visible in 10 s") }
            }
            let visible = ContinuousClock.now
            let inHistory = try await listener.arrival(of: [PaymentsMessages.recorded.type, paymentID], within: 10)
            let onInvoice = try await listener.arrival(of: ["invoice.application", paymentID], within: 10)
            if index >= warmup {
                times.answered.append((answered - started).milliseconds)
                times.inHistory.append((inHistory - started).milliseconds)
                times.onInvoice.append((onInvoice - started).milliseconds)
                times.visible.append((visible - started).milliseconds)
            }
        }
        return times
    }

    /// Whether the view has the invoice paid off and a history entry linked to the payment.
    static func shows(_ details: [String: Any], invoice: String, paidBy payment: String) -> Bool {
        let invoices = details["invoices"] as? [[String: Any]] ?? []
        let paid = invoices.contains { ($0["id"] as? String) == invoice && ($0["balance_cents"] as? Int) == 0 }
        let items = (details["history"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
        let entry = items.contains { (($0["links"] as? [String: Any])?["payment_id"] as? String) == payment }
        return paid && entry
    }
}
