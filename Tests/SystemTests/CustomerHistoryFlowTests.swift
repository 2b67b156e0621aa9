import Contracts
import Foundation
import Postgres
import PostgresContracts
import XCTest

/// customer-service and history-service as real processes, spoken to over ZeroMQ: a
/// customer's creation reaches the timeline once, with its actor.
final class CustomerHistoryFlowTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.start("customer")
        try await system.start("history")
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    private func createCustomer(_ name: String) async throws -> CustomerRecord {
        try await system.client("customer").command(
            CustomerMessages.create, CreateCustomer(customer: CustomerFields(displayName: name, email: "ap@\(name.lowercased()).example")), actor: Actor(userId: UserID(), role: "specialist", name: "Dana Reyes"))
    }

    private func timeline(_ id: CustomerID) async throws -> [Activity] {
        try await system.client("history").query(HistoryMessages.list, ListActivities(customerId: id)).items
    }

    func testCreatedCustomerReachesItsTimelineWithTheActor() async throws {
        let customer = try await createCustomer("Acme")
        let fetched = try await system.client("customer").query(CustomerMessages.get, GetCustomer(id: customer.id))
        XCTAssertEqual(fetched, customer)
        let arrived = try await system.eventually { try await !timeline(customer.id).isEmpty }
        XCTAssertTrue(arrived, system.log("history"))
        let entries = try await timeline(customer.id)
        XCTAssertEqual(entries.map(\.type), [CustomerMessages.created.type])
        XCTAssertEqual(entries.first?.actor?.name, "Dana Reyes")
        XCTAssertEqual(entries.first?.summary, "Customer Acme created by Dana Reyes")
    }

    func testHistoryHealthCountsTheEventsItApplied() async throws {
        let customer = try await createCustomer("Counted")
        let arrived = try await system.eventually { try await timeline(customer.id).count == 1 }
        XCTAssertTrue(arrived)
        let health = try await system.health("history")
        XCTAssertEqual(health.eventOffsets["customer"], 1)
        let publisher = try await system.health("customer")
        XCTAssertEqual(publisher.latestEventSeq, 1)
    }

    func testInvalidCustomerIsRefusedWithTheFieldNamed() async throws {
        do {
            _ = try await createCustomer("   ")
            XCTFail("expected invalid_argument")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .invalidArgument)
            XCTAssertEqual(error.details["display_name"], "display_name is required")
        }
    }

    func testHealthReportsSchemaVersionsAndOffsets() async throws {
        let health = try await system.health("customer")
        XCTAssertEqual(health.service, "customer")
        XCTAssertEqual(health.schemaVersions["messaging"], 3)
        XCTAssertEqual(health.schemaVersions["customer"], 2)
    }

    func testAServiceRoleCannotReadAnotherServicesSchema() throws {
        let history = try PostgresConnection(url: system.roleURL("history"))
        XCTAssertThrowsError(try history.query("SELECT count(*) FROM customer.customers")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501")  // insufficient_privilege
        }
    }
}
