import Foundation
import Postgres
import TestSupport
import XCTest

/// Reconciliation against the real processes: after payments recorded, applied, taken back
/// and refunded, and an invoice voided, everything adds up (the API and `gateway reconcile`,
/// which `make reconcile` runs); a cent moved behind the services' backs is named.
final class ReconcileFlowTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    private func send(_ method: String, _ path: String, _ json: String? = nil) async throws -> [String: Any] {
        let (status, body) = try await system.http(method, path, json: json)
        XCTAssertTrue((200...201).contains(status), "\(method) \(path): \(status) \(String(decoding: body, as: UTF8.self))")
        return try system.json(body)
    }

    private func paid(_ invoice: String) async throws -> Int? {
        try await send("GET", "/api/v1/invoices/\(invoice)")["paid_cents"] as? Int
    }

    func testEverythingAddsUpAfterPaymentsAndADiscrepancyIsNamed() async throws {
        let created = try await send("POST", "/api/v1/customers", #"{"display_name": "Ledger Co"}"#)
        let customer = try XCTUnwrap(created["id"] as? String)
        var invoices: [String] = []
        for cents in [10_000, 7_500] {
            let made = try await send("POST", "/api/v1/customers/\(customer)/invoices", """
                {"issue_date": "2026-11-01", "lines": [{"description": "Work", "quantity": 1, "unit_price_cents": \(cents)}]}
                """)
            invoices.append(try XCTUnwrap(made["id"] as? String))
        }
        let payment = try await send("POST", "/api/v1/customers/\(customer)/payments", """
            {"amount_cents": 20000, "currency": "USD", "method": "ach", "received_on": "2026-11-19",
             "applications": [{"invoice_id": "\(invoices[0])", "amount_cents": 10000}, {"invoice_id": "\(invoices[1])", "amount_cents": 2500}]}
            """)
        let paymentID = try XCTUnwrap(payment["id"] as? String)
        let second = try XCTUnwrap((payment["applications"] as? [[String: Any]])?.last?["id"] as? String)
        _ = try await send("DELETE", "/api/v1/payments/\(paymentID)/applications/\(second)")
        _ = try await send("POST", "/api/v1/payments/\(paymentID)/refunds", #"{"amount_cents": 2000, "reason": "Overpaid"}"#)
        _ = try await send("POST", "/api/v1/invoices/\(invoices[1])/void", "{}")

        // Quiet once invoice-service has applied payments-service's events.
        let quiet = try await system.eventually {
            let first = try await paid(invoices[0])
            let other = try await paid(invoices[1])
            return first == 10_000 && other == 0
        }
        XCTAssertTrue(quiet, system.log("invoice"))
        var report: [String: Any] = [:]
        let clean = try await system.eventually {  // the customers list follows the last balance event
            report = try await send("GET", "/api/v1/admin/reconcile")
            return (report["discrepancies"] as? [Any])?.isEmpty == true
        }
        XCTAssertTrue(clean, "\(report)")
        let checked = report["checked"] as? [String: Int]
        XCTAssertEqual(checked, ["customers": 1, "invoices": 2, "payments": 1])

        let binary = RunningSystem.binaries.appendingPathComponent("gateway")
        var (status, output) = try TestProcess.run(binary, ["reconcile"], environment: system.environmentForTests, seconds: 60)
        XCTAssertEqual(status, 0, output)

        // A cent added behind the services' backs: payments-service now holds more against the
        // invoice than invoice-service counts as paid.
        let admin = try PostgresConnection(url: system.superuserURL)
        try admin.execute("UPDATE payments.payment_applications SET amount_cents = amount_cents + 1 WHERE unapplied_at IS NULL")
        report = try await send("GET", "/api/v1/admin/reconcile")
        let found = (report["discrepancies"] as? [[String: Any]]) ?? []
        XCTAssertEqual(found.compactMap { $0["kind"] as? String }.sorted(), ["invoice_over_applied", "invoice_paid_mismatch"])
        XCTAssertEqual(Set(found.compactMap { $0["invoice_id"] as? String }), [invoices[0]])
        (status, output) = try TestProcess.run(binary, ["reconcile"], environment: system.environmentForTests, seconds: 60)
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains(invoices[0]), output)

        let (forbidden, _) = try await system.http("GET", "/api/v1/admin/reconcile", as: .anonymous)
        XCTAssertEqual(forbidden, 401)
    }

    /// A seeded random sequence of payments recorded, applied, taken back and refunded
    /// through the API (refusals included) leaves nothing for reconciliation to find.
    func testARandomSequenceThroughTheAPIReconciles() async throws {
        var random = SplitMix64(seed: 0xC0FF_EE11)
        let created = try await send("POST", "/api/v1/customers", #"{"display_name": "Random Co"}"#)
        let customer = try XCTUnwrap(created["id"] as? String)
        var invoices: [String] = []
        for cents in [12_000, 8_000, 3_000] {
            let made = try await send("POST", "/api/v1/customers/\(customer)/invoices", """
                {"issue_date": "2026-11-01", "lines": [{"description": "Work", "quantity": 1, "unit_price_cents": \(cents)}]}
                """)
            invoices.append(try XCTUnwrap(made["id"] as? String))
        }
        var payments: [[String: Any]] = []
        var outcomes: [Int: Int] = [:]
        for _ in 0..<40 {
            let amount = Int.random(in: 100...6_000, using: &random)
            let invoice = invoices[Int.random(in: 0..<invoices.count, using: &random)]
            let payment = payments.isEmpty ? nil : payments[Int.random(in: 0..<payments.count, using: &random)]
            let paymentID = payment?["id"] as? String ?? ""
            let request: (String, String, String?)
            switch (Int.random(in: 0...3, using: &random), payment) {
            case (1, .some):
                request = ("POST", "/api/v1/payments/\(paymentID)/applications", #"{"invoice_id": "\#(invoice)", "amount_cents": \#(amount)}"#)
            case (2, .some(let chosen)):
                let live = (chosen["applications"] as? [[String: Any]] ?? []).filter { $0["unapplied_on"] == nil }
                guard let application = live.first?["id"] as? String else { continue }
                request = ("DELETE", "/api/v1/payments/\(paymentID)/applications/\(application)", nil)
            case (3, .some):
                request = ("POST", "/api/v1/payments/\(paymentID)/refunds", #"{"amount_cents": \#(amount / 3 + 1), "reason": "Refund"}"#)
            default:
                request = ("POST", "/api/v1/customers/\(customer)/payments", """
                    {"amount_cents": \(amount), "currency": "USD", "method": "check", "received_on": "2026-11-19",
                     "applications": [{"invoice_id": "\(invoice)", "amount_cents": \(amount / 2 + 1)}]}
                    """)
            }
            let (status, body) = try await system.http(request.0, request.1, json: request.2)
            outcomes[status, default: 0] += 1
            XCTAssertTrue([200, 201, 422].contains(status), "\(request.0) \(request.1): \(status) \(String(decoding: body, as: UTF8.self))")
            guard status == 200 || status == 201, let changed = try? system.json(body) else { continue }
            if let index = payments.firstIndex(where: { $0["id"] as? String == changed["id"] as? String }) {
                payments[index] = changed
            } else {
                payments.append(changed)
            }
        }
        XCTAssertGreaterThan(outcomes[201, default: 0], 5, "the sequence did something: \(outcomes)")
        var report: [String: Any] = [:]
        let clean = try await system.eventually {
            report = try await send("GET", "/api/v1/admin/reconcile")
            return (report["discrepancies"] as? [Any])?.isEmpty == true
        }
        XCTAssertTrue(clean, "\(report)")
        XCTAssertEqual((report["checked"] as? [String: Int])?["payments"], payments.count)
    }
}
