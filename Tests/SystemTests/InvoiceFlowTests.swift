import Foundation
import XCTest

/// Invoices across the real processes: invoice-service's balances reach customer-service's
/// list (filters by collection status and by active), and a void takes a customer off it.
final class InvoiceFlowTests: XCTestCase {
    private var system: RunningSystem!

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

    private func names(_ query: String) async throws -> [String] {
        let (status, body) = try await system.http("GET", "/api/v1/customers?\(query)&sort=name")
        XCTAssertEqual(status, 200)
        return (try system.json(body)["items"] as? [[String: Any]] ?? []).compactMap { $0["display_name"] as? String }
    }

    func testTheCustomersListFiltersByCollectionStatusAndActiveAsInvoicesChange() async throws {
        let made = try await post("/api/v1/collection-statuses", #"{"name": "Flow Disputed"}"#)
        let disputed = try XCTUnwrap(made["id"] as? String)
        var ids: [String: String] = [:]
        for name in ["Flow A", "Flow B", "Flow C"] {
            let customer = try await post("/api/v1/customers", #"{"display_name": "\#(name)"}"#)
            ids[name] = try XCTUnwrap(customer["id"] as? String)
        }
        let line = #"[{"description": "Work", "quantity": 1, "unit_price_cents": 12500}]"#
        let first = try await post("/api/v1/customers/\(ids["Flow A"]!)/invoices",
                                   #"{"issue_date": "2026-11-01", "collection_status_id": "\#(disputed)", "lines": \#(line)}"#)
        XCTAssertEqual(first["balance_cents"] as? Int, 12_500)
        let second = try await post("/api/v1/customers/\(ids["Flow B"]!)/invoices", #"{"issue_date": "2026-11-01", "lines": \#(line)}"#)
        let secondID = try XCTUnwrap(second["id"] as? String)

        var inDispute: [String] = [], active: [String] = [], new: [String] = []
        let listed = try await system.eventually {
            inDispute = try await names("collection_status_id=\(disputed)")
            active = try await names("status=active")
            new = try await names("status=new")
            return inDispute == ["Flow A"] && active == ["Flow A", "Flow B"] && new == ["Flow C"]
        }
        XCTAssertTrue(listed, "disputed \(inDispute), active \(active), new \(new)\n\(system.log("customer"))")

        _ = try await post("/api/v1/invoices/\(secondID)/void", #"{"reason": "Sent in error"}"#)
        var afterVoid: [String] = []
        let dropped = try await system.eventually {
            afterVoid = try await names("status=active")
            return afterVoid == ["Flow A"]
        }
        XCTAssertTrue(dropped, "active after the void: \(afterVoid)")
        let (status, body) = try await system.http("GET", "/api/v1/customers/\(ids["Flow A"]!)/details")
        XCTAssertEqual(status, 200)
        let totals = try system.json(body)["totals"] as? [String: Any]
        XCTAssertEqual(totals?["open_cents"] as? Int, 12_500)
        XCTAssertEqual((totals?["by_collection_status"] as? [[String: Any]])?.first?["name"] as? String, "Flow Disputed")
    }
}
