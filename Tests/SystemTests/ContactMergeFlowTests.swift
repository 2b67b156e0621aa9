import Contracts
import Foundation
import Postgres
import PostgresContracts
import XCTest

/// A merge as real processes carry it: customer-service folds the contacts and publishes
/// `contact.merged`; communications-service moves the workflow assignment to the master;
/// history-service words the merge on the timeline.
final class ContactMergeFlowTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.start("customer")
        try await system.start("communications")
        try await system.start("history")
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    func testAWorkflowOfAMergedContactFollowsItToTheMasterAndTheTimelineSaysWho() async throws {
        let customers = try system.client("customer")
        let dana = Actor(userId: UserID(), role: "manager", name: "Dana Reyes")
        let acme = try await customers.command(CustomerMessages.create, CreateCustomer(customer: CustomerFields(displayName: "Acme")),
                                               actor: dana)
        func add(_ fields: ContactFields) async throws -> ContactRecord {
            try await customers.command(ContactMessages.create, CreateContact(customerId: acme.id, contact: fields), actor: dana)
        }
        let pat = try await add(ContactFields(firstName: "Pat", lastName: "Payer", email: "old@acme.example"))
        let patricia = try await add(ContactFields(firstName: "Patricia", email: "pat@acme.example"))
        let payer = try await add(ContactFields(firstName: "P.", lastName: "Payer"))

        let admin = try PostgresConnection(url: system.superuserURL)
        let workflow = WorkflowID(), assignment = WorkflowAssignmentID()
        try admin.execute("INSERT INTO communications.workflows (id, name) VALUES (\(workflow), 'Friendly reminders')")
        try admin.execute("""
            INSERT INTO communications.workflow_assignments (id, workflow_id, customer_id, contact_id, state)
            VALUES (\(assignment), \(workflow), \(acme.id), \(patricia.id), 'active')
            """)

        let master = try await customers.command(
            ContactMessages.merge, MergeContacts(masterId: pat.id, mergeIds: [patricia.id, payer.id], fields: ["email": patricia.id]),
            actor: dana)
        XCTAssertEqual(master.email, "pat@acme.example")

        let superuser = system.superuserURL
        let moved = try await system.eventually {  // a connection belongs to one thread: a new one per look
            try PostgresConnection(url: superuser).query("SELECT contact_id FROM communications.workflow_assignments WHERE id = \(assignment)")
                .first?.decode(ContactID.self, at: 0) == pat.id
        }
        XCTAssertTrue(moved, system.log("communications"))
        let workflows = try await system.client("communications").query(
            CommunicationsMessages.customerWorkflows, CustomerWorkflowsRequest(customerId: acme.id))
        XCTAssertEqual(workflows.workflows.map(\.contactId), [pat.id])

        let summary = "Dana Reyes merged contacts Patricia and P. Payer into Pat Payer (email from “old@acme.example” to “pat@acme.example”)"
        let recorded = try await system.eventually {
            try await system.client("history").query(HistoryMessages.list, ListActivities(customerId: acme.id)).items
                .contains { $0.summary == summary }
        }
        let timeline = try await system.client("history").query(HistoryMessages.list, ListActivities(customerId: acme.id))
        XCTAssertTrue(recorded, "\(timeline.items.map(\.summary))")
        XCTAssertTrue(timeline.items.contains { $0.summary == "Dana Reyes added billing contact Patricia" })
    }
}
