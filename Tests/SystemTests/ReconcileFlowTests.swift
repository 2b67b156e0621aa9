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
}
