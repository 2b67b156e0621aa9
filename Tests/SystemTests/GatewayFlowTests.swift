import Contracts
import Foundation
import Glibc
import XCTest

/// The whole system as processes, driven through the gateway's HTTP API.
final class GatewayFlowTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    private func createCustomer(_ name: String) async throws -> String {
        let (status, body) = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "\#(name)", "company": "\#(name) Ltd"}"#)
        XCTAssertEqual(status, 201, String(decoding: body, as: UTF8.self))
        return try XCTUnwrap(system.json(body)["id"] as? String)
    }

    private func details(_ id: String) async throws -> [String: Any] {
        let (status, body) = try await system.http("GET", "/api/v1/customers/\(id)/details")
        XCTAssertEqual(status, 200, String(decoding: body, as: UTF8.self))
        return try system.json(body)
    }

    private func historyCount(_ id: String) async throws -> Int {
        let details = try await details(id)
        return ((details["history"] as? [String: Any])?["items"] as? [Any])?.count ?? -1
    }

    func testCreatedCustomerShowsInDetailsWithItsHistoryEntry() async throws {
        let id = try await createCustomer("Acme")
        let (status, body) = try await system.http("GET", "/api/v1/customers/\(id)")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(try system.json(body)["display_name"] as? String, "Acme")

        let arrived = try await system.eventually { try await historyCount(id) == 1 }
        XCTAssertTrue(arrived, system.log("history"))
        let view = try await details(id)
        XCTAssertEqual((view["customer"] as? [String: Any])?["display_name"] as? String, "Acme")
        XCTAssertEqual(view["unavailable"] as? [String], [])
        for section in ["specialist", "contacts", "payment", "invoices", "promises", "history", "documents", "totals"] {
            XCTAssertTrue(view.keys.contains(section), "details has no \(section)")
        }
        let items = (view["history"] as? [String: Any])?["items"] as? [[String: Any]]
        XCTAssertEqual(items?.first?["type"] as? String, "customer.created")
    }

    func testHistoryKilledWithSIGKILLShowsBothLaterCustomersExactlyOnce() async throws {
        let first = try await createCustomer("First")
        let firstArrived = try await system.eventually { try await historyCount(first) == 1 }
        XCTAssertTrue(firstArrived)

        system.stop("history", signal: SIGKILL)
        let second = try await createCustomer("Second")
        let third = try await createCustomer("Third")
        try await system.start("history")

        let caughtUp = try await system.eventually {
            let secondCount = try await historyCount(second)
            let thirdCount = try await historyCount(third)
            return secondCount == 1 && thirdCount == 1
        }
        XCTAssertTrue(caughtUp, system.log("history"))
        // Once history has applied everything customer published, no late duplicate can come.
        let published = try await system.health("customer").latestEventSeq
        let applied = try await system.eventually {
            try await system.health("history").eventOffsets["customer"] == published
        }
        XCTAssertTrue(applied)
        for id in [first, second, third] {
            let count = try await historyCount(id)
            XCTAssertEqual(count, 1)
        }
    }

    func testDetailsDegradeWithinASecondWhenInvoiceServiceIsDown() async throws {
        let id = try await createCustomer("Degraded")
        system.stop("invoice")
        let started = Date()
        let view = try await details(id)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
        XCTAssertEqual(Set(view["unavailable"] as? [String] ?? []), ["invoices", "totals"])
        XCTAssertTrue(view["invoices"] is NSNull)
        XCTAssertEqual((view["customer"] as? [String: Any])?["display_name"] as? String, "Degraded")

        let (status, body) = try await system.http("GET", "/health")
        XCTAssertEqual(status, 503)
        let services = try system.json(body)["services"] as? [String: [String: Any]]
        XCTAssertEqual(services?["invoice"]?["reachable"] as? Bool, false)
        XCTAssertEqual(services?["customer"]?["reachable"] as? Bool, true)
    }

    func testHealthIsGreenWhenEverythingRuns() async throws {
        let (status, body) = try await system.http("GET", "/health")
        XCTAssertEqual(status, 200, String(decoding: body, as: UTF8.self))
        XCTAssertEqual(try system.json(body)["status"] as? String, "ok")
    }

    func testBadInputGetsAClearErrorAndChangesNothing() async throws {
        let before = try system.json(try await system.http("GET", "/api/v1/customers").body)["total"] as? Int

        let missing = try await system.http("POST", "/api/v1/customers", json: #"{"company": "No Name Inc"}"#)
        XCTAssertEqual(missing.status, 400)
        let error = try system.json(missing.body)["error"] as? [String: Any]
        XCTAssertEqual(error?["code"] as? String, "invalid_argument")
        XCTAssertEqual((error?["details"] as? [String: String])?["display_name"], "display_name is required")

        let invalid = try await system.http("POST", "/api/v1/customers", json: "{not json")
        XCTAssertEqual(invalid.status, 400)
        let wrongType = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": 42}"#)
        XCTAssertEqual(wrongType.status, 400)
        XCTAssertEqual(((try system.json(wrongType.body)["error"] as? [String: Any])?["message"] as? String), "display_name must be a string")
        let badEmail = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "X", "email": "not-an-email"}"#)
        XCTAssertEqual(badEmail.status, 400)

        let after = try system.json(try await system.http("GET", "/api/v1/customers").body)["total"] as? Int
        XCTAssertEqual(before, after)

        let unknown = try await system.http("GET", "/api/v1/customers/\(UUID().uuidString.lowercased())/details")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual((try system.json(unknown.body)["error"] as? [String: Any])?["code"] as? String, "not_found")
        let notAnID = try await system.http("GET", "/api/v1/customers/not-an-id")
        XCTAssertEqual(notAnID.status, 404)
    }

    func testIdempotencyKeyMakesARetryReturnTheFirstCustomer() async throws {
        let headers = ["Idempotency-Key": "create-acme-once"]
        let first = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Once"}"#, headers: headers)
        let retry = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Once"}"#, headers: headers)
        XCTAssertEqual(first.status, 201)
        XCTAssertEqual(retry.status, 201)
        XCTAssertEqual(try system.json(first.body)["id"] as? String, try system.json(retry.body)["id"] as? String)
        let search = try system.json(try await system.http("GET", "/api/v1/customers?q=Once").body)
        XCTAssertEqual(search["total"] as? Int, 1)
    }

    func testWebPagesRenderTheCustomerAndItsSections() async throws {
        let id = try await createCustomer("Globex")
        let list = try await system.http("GET", "/customers?q=Globex")
        XCTAssertEqual(list.status, 200)
        XCTAssertTrue(String(decoding: list.body, as: UTF8.self).contains("Globex"))
        _ = try await system.eventually { try await historyCount(id) == 1 }
        let page = String(decoding: try await system.http("GET", "/customers/\(id)").body, as: UTF8.self)
        // Each section's own content, not only its heading (a heading renders even when a section is unavailable).
        for text in ["Globex", "No billing contacts yet.", "No invoices yet.", "No open promises to pay.", "No payment link yet.",
                     "No documents yet.", "No AR specialist assigned yet.", "Customer Globex created"] {
            XCTAssertTrue(page.contains(text), "the details page lacks \(text)")
        }
        XCTAssertFalse(page.contains(#"data-testid="unavailable""#), "a section was unavailable")
        let css = try await system.http("GET", "/assets/app.css")
        XCTAssertEqual(css.status, 200)
    }
}

extension GatewayFlowTests {
    func testMetricsExposeHTTPRequestsAndServiceCallsInPrometheusText() async throws {
        _ = try await createCustomer("Measured")
        let (status, body) = try await system.http("GET", "/metrics")
        XCTAssertEqual(status, 200)
        let text = String(decoding: body, as: UTF8.self)
        XCTAssertTrue(text.contains("ar_service_request_seconds"), text)
        XCTAssertTrue(text.contains(#"service="customer""#), text)
        XCTAssertTrue(text.contains("hb_requests"), text)
    }
}
