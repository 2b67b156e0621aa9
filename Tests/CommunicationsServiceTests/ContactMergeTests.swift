@testable import CommunicationsService
import Contracts
import Foundation
import Postgres
import PostgresContracts
import TestSupport
import XCTest

/// `contact.merged` applied by communications-service's own subscription handler on a real
/// PostgreSQL schema: workflow assignments follow the contacts into the master.
final class ContactMergeTests: XCTestCase {
    private var harness: ServiceHarness!

    override func setUp() async throws {
        harness = try ServiceHarness(try CommunicationsService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func workflow(_ name: String) throws -> WorkflowID {
        let id = WorkflowID()
        try harness.connection().execute("INSERT INTO workflows (id, name) VALUES (\(id), \(name))")
        return id
    }

    private func assign(_ workflow: WorkflowID, to contact: ContactID, of customer: CustomerID) throws -> WorkflowAssignmentID {
        let id = WorkflowAssignmentID()
        try harness.connection().execute("""
            INSERT INTO workflow_assignments (id, workflow_id, customer_id, contact_id, state)
            VALUES (\(id), \(workflow), \(customer), \(contact), 'active')
            """)
        return id
    }

    private func merged(_ customer: CustomerID, master: ContactID, _ ids: [ContactID]) -> ContactsMerged {
        let contact = ContactRecord(id: master, customerId: customer, fields: ContactFields(firstName: "Pat"),
                                    createdAt: Date(), updatedAt: Date())
        return ContactsMerged(customerId: customer, masterId: master, mergedIds: ids, contact: contact,
                              mergedNames: ids.map { _ in "Someone" }, changes: [])
    }

    func testAWorkflowOfAMergedContactNowRunsForTheMasterAndNeverTwice() throws {
        let customer = CustomerID()
        let (master, second, third) = (ContactID(), ContactID(), ContactID())
        let reminders = try workflow("Friendly reminders"), escalation = try workflow("Escalation")
        let mastersOwn = try assign(reminders, to: master, of: customer)
        let duplicate = try assign(reminders, to: second, of: customer)
        let moved = try assign(escalation, to: third, of: customer)
        let untouched = try assign(escalation, to: ContactID(), of: customer)

        try harness.apply(ContactMessages.merged, merged(customer, master: master, [second, third]), from: .customer)

        let rows = try harness.connection().query("SELECT id, contact_id, state FROM workflow_assignments").map {
            try $0.decode((WorkflowAssignmentID, ContactID, String).self)
        }
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0.0, ($0.1, $0.2)) })
        XCTAssertEqual(byId[mastersOwn]?.0, master)
        XCTAssertEqual(byId[mastersOwn]?.1, "active")
        XCTAssertEqual(byId[duplicate]?.0, master)
        XCTAssertEqual(byId[duplicate]?.1, "finished", "the master already runs this workflow")
        XCTAssertEqual(byId[moved]?.0, master)
        XCTAssertEqual(byId[moved]?.1, "active")
        XCTAssertNotEqual(byId[untouched]?.0, master)
        let shown = try harness.connection().query("""
            SELECT count(*) FROM workflow_assignments WHERE contact_id = ANY(\([second.uuid, third.uuid]))
            """).single(Int.self)
        XCTAssertEqual(shown, 0)
    }
}
