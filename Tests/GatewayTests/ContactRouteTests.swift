import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The billing-contact routes in-process: what reaches customer-service, with the
/// specialist's scope, and what the client gets back.
final class ContactRouteTests: XCTestCase {
    private let customer = CustomerID()

    private func contact(_ fields: ContactFields, id: ContactID = ContactID()) -> ContactRecord {
        ContactRecord(id: id, customerId: customer, fields: fields, createdAt: Date(), updatedAt: Date())
    }

    func testAContactIsAddedToTheCustomerOfThePathAsTheSpecialistMay() async throws {
        let mesh = FakeMesh()
        let made = contact(ContactFields(firstName: "Pat", lastName: "Payer", role: .primary))
        mesh.answer(ContactMessages.create) { _, _ in made }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.post, "/api/v1/customers/\(customer)/contacts",
                                              json: #"{"first_name": "Pat", "last_name": "Payer", "role": "primary"}"#,
                                              as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(reply.status, 201, reply.body)
        XCTAssertEqual(reply.json["first_name"] as? String, "Pat")
        XCTAssertEqual(reply.json["role"] as? String, "primary")
        let sent = try XCTUnwrap(mesh.lastBody(ContactMessages.create))
        XCTAssertEqual(sent.customerId, customer)
        XCTAssertEqual(sent.contact, ContactFields(firstName: "Pat", lastName: "Payer", role: .primary))
        XCTAssertEqual(sent.assignedTo, FakeMesh.users[.specialist])
        XCTAssertEqual(mesh.sent(ContactMessages.create.type).first?.actor?.name, "The specialist")
    }

    func testAnUnknownRoleIsRefusedBeforeAnyServiceHearsOfIt() async throws {
        let mesh = FakeMesh()
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.post, "/api/v1/customers/\(customer)/contacts", json: #"{"first_name": "Pat", "role": "boss"}"#)
        XCTAssertEqual(reply.status, 400, reply.body)
        XCTAssertEqual(mesh.sent(ContactMessages.create.type).count, 0)
    }

    func testTheListIsOnePageWithItsTotal() async throws {
        let mesh = FakeMesh()
        let pat = contact(ContactFields(firstName: "Pat")), sam = contact(ContactFields(firstName: "Sam"))
        mesh.answer(ContactMessages.list) { _, _ in ContactList(items: [pat, sam]) }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.get, "/api/v1/customers/\(customer)/contacts", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual((reply.json["items"] as? [[String: Any]])?.compactMap { $0["first_name"] as? String }, ["Pat", "Sam"])
        XCTAssertEqual(reply.json["total"] as? Int, 2)
        XCTAssertTrue(reply.json.keys.contains("next_cursor"))
        XCTAssertEqual(mesh.lastBody(ContactMessages.list)?.assignedTo, nil, "a viewer reads every customer")
    }

    func testAMergeCarriesTheMasterTheMergedAndEachFieldsSource() async throws {
        let mesh = FakeMesh()
        let master = ContactID(), second = ContactID(), third = ContactID()
        mesh.answer(ContactMessages.merge) { request, _ in
            ContactRecord(id: request.masterId, customerId: CustomerID(), fields: ContactFields(firstName: "Pat"),
                          createdAt: Date(), updatedAt: Date())
        }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.post, "/api/v1/contacts/merge", json: """
            {"master_id": "\(master)", "merge_ids": ["\(second)", "\(third)"], "fields": {"email": "\(second)"}}
            """, headers: [.idempotencyKey: "merge-1"])
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(reply.json["id"] as? String, master.description)
        let sent = try XCTUnwrap(mesh.lastBody(ContactMessages.merge))
        XCTAssertEqual(sent, MergeContacts(masterId: master, mergeIds: [second, third], fields: ["email": second]))
        XCTAssertEqual(mesh.sent(ContactMessages.merge.type).first?.idempotencyKey, "merge-1")
    }

    /// `/contacts/merge` is its own resource, not a contact called "merge".
    func testTheMergePathAllowsOnlyPost() async throws {
        let harness = try GatewayHarness()
        let reply = try await harness.request(.get, "/api/v1/contacts/merge")
        XCTAssertEqual(reply.status, 405, reply.body)
        XCTAssertEqual(reply.headers[.allow], "POST")
        let contact = try await harness.request(.delete, "/api/v1/contacts/\(ContactID())")
        XCTAssertEqual(contact.headers[.allow], "GET, HEAD, PATCH")
    }

    func testChangesAndStateTravelToTheContactOfThePath() async throws {
        let mesh = FakeMesh()
        let id = ContactID()
        mesh.answer(ContactMessages.update) { request, _ in
            ContactRecord(id: request.id, customerId: CustomerID(), fields: ContactFields(firstName: "Pat", phone: "+1 555 0142"),
                          createdAt: Date(), updatedAt: Date())
        }
        mesh.answer(ContactMessages.deactivate) { request, _ in
            ContactRecord(id: request.id, customerId: CustomerID(), fields: ContactFields(firstName: "Pat"), isActive: false,
                          createdAt: Date(), updatedAt: Date())
        }
        let harness = try GatewayHarness(mesh: mesh)
        let changed = try await harness.request(.patch, "/api/v1/contacts/\(id)", json: #"{"phone": "+1 555 0142", "title": null}"#)
        XCTAssertEqual(changed.status, 200, changed.body)
        XCTAssertEqual(mesh.lastBody(ContactMessages.update)?.changes, ["phone": .string("+1 555 0142"), "title": .null])
        let off = try await harness.request(.post, "/api/v1/contacts/\(id)/deactivate", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(off.json["is_active"] as? Bool, false)
        XCTAssertEqual(mesh.lastBody(ContactMessages.deactivate), GetContact(id: id, assignedTo: FakeMesh.users[.specialist]))
        let notAnId = try await harness.request(.get, "/api/v1/contacts/not-an-id")
        XCTAssertEqual(notAnId.status, 404)
    }
}

/// `PUT /customers/{id}/specialist` and the bulk form, in-process.
final class SpecialistRouteTests: XCTestCase {
    func testAManagerAssignsOneOrManyAndASpecialistMayNot() async throws {
        let mesh = FakeMesh()
        let customer = CustomerID(), other = CustomerID(), sam = UserID()
        mesh.answer(SpecialistMessages.assign) { request, _ in
            CustomerRecord(id: request.customerId, fields: CustomerFields(displayName: "Acme"), currency: .usd, paymentTermsDays: 30,
                           isDeactivated: false, specialistId: request.userId, createdAt: Date(), updatedAt: Date())
        }
        mesh.answer(SpecialistMessages.bulkAssign) { request, _ in
            BulkAssignment(specialist: SpecialistReference(id: request.userId, name: "Sam Lee"), customerIds: request.customerIds,
                           changedIds: [request.customerIds[0]])
        }
        let harness = try GatewayHarness(mesh: mesh)
        let one = try await harness.request(.put, "/api/v1/customers/\(customer)/specialist", json: #"{"user_id": "\#(sam)"}"#,
                                            as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(one.status, 200, one.body)
        XCTAssertEqual(one.json["specialist_id"] as? String, sam.description)
        XCTAssertEqual(mesh.lastBody(SpecialistMessages.assign), AssignSpecialist(customerId: customer, userId: sam))

        let many = try await harness.request(.post, "/api/v1/customers/bulk/specialist",
                                             json: #"{"customer_ids": ["\#(customer)", "\#(other)"], "user_id": "\#(sam)"}"#)
        XCTAssertEqual(many.status, 200, many.body)
        XCTAssertEqual(many.json["changed_ids"] as? [String], [customer.description])
        XCTAssertEqual(mesh.lastBody(SpecialistMessages.bulkAssign)?.customerIds, [customer, other])

        let specialist = try await harness.request(.put, "/api/v1/customers/\(customer)/specialist", json: #"{"user_id": "\#(sam)"}"#,
                                                   as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(specialist.status, 403)
        XCTAssertEqual(specialist.error.message, "a specialist may not assign AR specialists")
        let wrongMethod = try await harness.request(.put, "/api/v1/customers/bulk/specialist", json: "{}")
        XCTAssertEqual(wrongMethod.headers[.allow], "POST")
    }
}
