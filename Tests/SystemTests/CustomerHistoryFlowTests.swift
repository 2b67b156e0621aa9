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

    /// The real subscriber replays customer-service's whole stream after its offset is set back
    /// to 0 (a consumer restored from an old backup): every event is applied again, and the
    /// timeline has no second line for any of them.
    func testAReplayedStreamMakesNoSecondActivity() async throws {
        var customers: [CustomerRecord] = []
        for name in ["ReplayOne", "ReplayTwo", "ReplayThree"] { customers.append(try await createCustomer(name)) }
        let arrived = try await system.eventually { try await system.health("history").eventOffsets["customer"] == 3 }
        XCTAssertTrue(arrived, system.log("history"))
        system.stop("history")
        let history = try PostgresConnection(url: system.roleURL("history"))
        XCTAssertEqual(try history.execute("UPDATE consumer_offset SET last_seq = 0 WHERE publisher = 'customer'"), 1)
        try await system.start("history")
        let replayed = try await system.eventually { try await system.health("history").eventOffsets["customer"] == 3 }
        XCTAssertTrue(replayed, system.log("history"))
        for customer in customers {
            let entries = try await timeline(customer.id)
            XCTAssertEqual(entries.map(\.type), [CustomerMessages.created.type], "one line per event, after the replay too")
        }
    }

    func testHealthReportsSchemaVersionsAndOffsets() async throws {
        let health = try await system.health("customer")
        XCTAssertEqual(health.service, "customer")
        XCTAssertEqual(health.schemaVersions["messaging"], 3)
        XCTAssertEqual(health.schemaVersions["customer"], 7)
    }

    func testAServiceRoleCannotReadAnotherServicesSchema() throws {
        let history = try PostgresConnection(url: system.roleURL("history"))
        XCTAssertThrowsError(try history.query("SELECT count(*) FROM customer.customers")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501")  // insufficient_privilege
        }
    }
}

extension CustomerHistoryFlowTests {
    func testAChangeIsRecordedFieldByFieldAndACycleOfParentsIsRefused() async throws {
        let parent = try await createCustomer("Parent")
        let child = try await system.client("customer").command(
            CustomerMessages.create, CreateCustomer(customer: CustomerFields(displayName: "Child", parentCustomerId: parent.id)),
            actor: Actor(userId: UserID(), role: "specialist", name: "Dana Reyes"))
        let customer = try system.client("customer")
        let dana = Actor(userId: UserID(), role: "specialist", name: "Dana Reyes")
        let profile = try await customer.query(CustomerMessages.profile, GetCustomer(id: parent.id))
        XCTAssertEqual(profile.subCustomers, [SubCustomer(id: child.id, displayName: "Child", isDeactivated: false)])

        // Parent → child → parent would be a loop: refused, nothing changed.
        do {
            _ = try await customer.command(CustomerMessages.update,
                                           UpdateCustomer(id: parent.id, changes: ["parent_customer_id": .string(child.id.description)]),
                                           actor: dana)
            XCTFail("a customer became its own ancestor")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .failedPrecondition)
            XCTAssertEqual(error.details.keys.first, "parent_customer_id")
        }
        do {
            _ = try await customer.command(CustomerMessages.update,
                                           UpdateCustomer(id: parent.id, changes: ["parent_customer_id": .string(parent.id.description)]),
                                           actor: dana)
            XCTFail("a customer became its own parent")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.message, "a customer cannot be its own parent or ancestor")
        }

        let updated = try await customer.command(
            CustomerMessages.update, UpdateCustomer(id: parent.id, changes: ["phone": .string("+1 555 0100"), "email": .null]), actor: dana)
        XCTAssertEqual(updated.fields.phone, "+1 555 0100")
        XCTAssertNil(updated.fields.email)
        let again = try await customer.command(
            CustomerMessages.update, UpdateCustomer(id: parent.id, changes: ["phone": .string("+1 555 0100")]), actor: dana)
        XCTAssertEqual(again, updated, "nothing changed, nothing written")

        let off = try await customer.command(CustomerMessages.deactivate, GetCustomer(id: parent.id), actor: dana)
        XCTAssertTrue(off.isDeactivated)
        _ = try await customer.command(CustomerMessages.deactivate, GetCustomer(id: parent.id), actor: dana)

        let admin = try PostgresConnection(url: system.superuserURL)
        let published = try admin.query("""
            SELECT type FROM customer.outbox WHERE body::jsonb -> 'customer' ->> 'id' = \(parent.id.description) ORDER BY seq
            """).map { try $0.decode(String.self, at: 0) }
        XCTAssertEqual(published, ["customer.created", "customer.updated", "customer.deactivated"],
                       "one event per real change; none for the refusals or the repeats")

        let arrived = try await system.eventually { try await timeline(parent.id).count == 3 }
        XCTAssertTrue(arrived, system.log("history"))
        let summaries = try await timeline(parent.id).map(\.summary)
        XCTAssertTrue(summaries.contains("Dana Reyes updated email from “ap@parent.example” to nothing; phone from nothing to “+1 555 0100”"),
                      "\(summaries)")
        XCTAssertTrue(summaries.contains("Dana Reyes deactivated the customer"), "\(summaries)")
    }
}
