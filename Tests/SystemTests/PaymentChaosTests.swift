import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Postgres
import Threading
import XCTest

/// Money under faults: 500 payments through the gateway from 8 concurrent clients — each
/// with its own Idempotency-Key, retried on 503 or a lost connection as a real client would —
/// while payments-service and invoice-service are each killed (SIGKILL) twice and restarted.
/// Afterwards every accepted payment exists exactly once, none was applied twice, and
/// reconciliation finds nothing. Prints the recovery time after each kill.
final class PaymentChaosTests: XCTestCase {
    private var system: RunningSystem!
    static let payments = 500
    static let clients = 8
    static let invoices = 20
    static let paymentCents = 1_000

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    private func post(_ path: String, _ json: String) async throws -> [String: Any] {
        let (status, body) = try await system.http("POST", path, json: json)
        XCTAssertTrue((200...201).contains(status), "\(path): \(status) \(String(decoding: body, as: UTF8.self))")
        return try system.json(body)
    }

    /// The clients: each pays its share, retrying a payment with its own key after a 503 or
    /// a lost connection until it is accepted (or refused for good).
    private static func pay(client: PaymentClient, customer: String, invoices: [String], accepted: Locked<[String]>,
                            refused: Locked<[String]>, deadline: Date) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    for index in stride(from: worker, to: payments, by: clients) {
                        let key = "chaos-\(index)"
                        let body = """
                            {"amount_cents": \(paymentCents), "currency": "USD", "method": "ach", "reference": "\(key)",
                             "received_on": "2026-11-19",
                             "applications": [{"invoice_id": "\(invoices[index % invoices.count])", "amount_cents": \(paymentCents)}]}
                            """
                        while true {
                            guard Date() < deadline else { refused.withLock { $0.append("\(key): out of time") }; break }
                            let status = await client.post("/api/v1/customers/\(customer)/payments", json: body, key: key)
                            if status == 201 || status == 200 { accepted.withLock { $0.append(key) }; break }
                            if status == 503 || status == 0 { try await Task.sleep(for: .milliseconds(100)); continue }
                            refused.withLock { $0.append("\(key): \(status)") }
                            break
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func testPaymentsSurviveKilledServicesExactlyOnceAndReconcile() async throws {
        let made = try await post("/api/v1/customers", #"{"display_name": "Chaos Co"}"#)
        let customer = try XCTUnwrap(made["id"] as? String)
        var invoices: [String] = []
        for _ in 0..<Self.invoices {  // 25 payments of $10 each go to every invoice of $300
            let invoice = try await post("/api/v1/customers/\(customer)/invoices", """
                {"issue_date": "2026-11-01", "lines": [{"description": "Work", "quantity": 1, "unit_price_cents": 30000}]}
                """)
            invoices.append(try XCTUnwrap(invoice["id"] as? String))
        }
        let accepted = Locked<[String]>([])
        let refused = Locked<[String]>([])
        let system = self.system!
        let invoiceIDs = invoices
        let client = PaymentClient(port: system.gatewayPort, token: try XCTUnwrap(system.ownerToken))
        let deadline = Date().addingTimeInterval(240)

        async let work: Void = Self.pay(client: client, customer: customer, invoices: invoiceIDs, accepted: accepted,
                                        refused: refused, deadline: deadline)

        // The faults, as the work goes on: each service killed when a share of the payments is in.
        var recoveries: [String] = []
        for (share, service) in [(60, "payments"), (150, "invoice"), (250, "payments"), (350, "invoice")] {
            while accepted.withLock({ $0.count }) < share, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            system.stop(service, signal: SIGKILL)
            try await Task.sleep(for: .milliseconds(300))
            let restarted = Date()
            try await system.start(service)
            let before = accepted.withLock { $0.count }
            while accepted.withLock({ $0.count }) == before, accepted.withLock({ $0.count }) < Self.payments, Date() < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            recoveries.append(String(format: "%@ %.2f s", service, Date().timeIntervalSince(restarted)))
        }
        try await work
        print("chaos: recovery after each SIGKILL (restart to the next accepted payment): \(recoveries.joined(separator: ", "))")

        XCTAssertEqual(refused.withLock { $0 }, [], "every payment is accepted in the end")
        XCTAssertEqual(Set(accepted.withLock { $0 }).count, Self.payments)
        let admin = try PostgresConnection(url: system.superuserURL)
        let recorded = try admin.query("""
            SELECT count(*)::int8, count(DISTINCT reference)::int8 FROM payments.payments WHERE reference LIKE 'chaos-%'
            """).single((Int64, Int64).self)
        XCTAssertEqual(recorded.0, Int64(Self.payments), "each accepted payment exists exactly once")
        XCTAssertEqual(recorded.1, Int64(Self.payments))
        let applications = try admin.query("""
            SELECT count(*)::int8, coalesce(sum(amount_cents), 0)::int8 FROM payments.payment_applications WHERE unapplied_at IS NULL
            """).single((Int64, Int64).self)
        XCTAssertEqual(applications.0, Int64(Self.payments), "no payment applied twice")
        XCTAssertEqual(applications.1, Int64(Self.payments * Self.paymentCents))

        // Once invoice-service has caught up on payments-service's events, nothing is amiss.
        var report: [String: Any] = [:]
        let clean = try await system.eventually(seconds: 60) {
            let (status, body) = try await system.http("GET", "/api/v1/admin/reconcile")
            guard status == 200 else { return false }
            report = try system.json(body)
            return (report["discrepancies"] as? [Any])?.isEmpty == true
        }
        XCTAssertTrue(clean, "\(report)\n\(system.log("invoice"))")
        XCTAssertEqual((report["checked"] as? [String: Int])?["payments"], Self.payments)
    }
}

/// What one of the chaos test's clients needs: the gateway's port and a bearer token, and a
/// POST with an Idempotency-Key that answers the status (0 for no answer at all).
private struct PaymentClient: Sendable {
    let port: Int
    let token: String
    static let session = URLSession(configuration: .ephemeral)

    func post(_ path: String, json: String, key: String) async -> Int {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return 0 }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = 15
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        guard let (_, response) = try? await Self.session.data(for: request) else { return 0 }
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
