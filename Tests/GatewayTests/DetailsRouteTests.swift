import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The Customer Details view in-process: sections spliced as the services wrote them,
/// degradation when one is missing, scope, and the page.
final class DetailsRouteTests: XCTestCase {
    private let customerId = CustomerID()
    private let contactId = ContactID()
    private let invoiceId = InvoiceID()
    private let westId = CustomerID()

    private func record(name: String = "Acme Corp", specialist: UserID? = nil) -> CustomerRecord {
        CustomerRecord(id: customerId, fields: CustomerFields(displayName: name), currency: .usd, paymentTermsDays: 30,
                       isDeactivated: false, specialistId: specialist, createdAt: Date(), updatedAt: Date())
    }

    /// Every service answering for one customer (assigned to the specialist user).
    private func mesh(name: String = "Acme Corp") -> FakeMesh {
        let mesh = FakeMesh()
        let customer = record(name: name, specialist: FakeMesh.users[.specialist])
        let contactId = contactId, invoiceId = invoiceId, westId = westId
        mesh.answer(CustomerMessages.profile) { request, _ in
            guard request.id == customer.id, request.assignedTo == nil || request.assignedTo == customer.specialistId else {
                throw ErrorBody.notFound("customer \(request.id) does not exist")
            }
            let contact = ContactRecord(id: contactId, customerId: customer.id,
                                        fields: ContactFields(firstName: "Pat", lastName: "Payer", email: "pat@acme.test"),
                                        createdAt: Date(), updatedAt: Date())
            return CustomerProfile(customer: customer, specialist: SpecialistReference(id: FakeMesh.users[.specialist] ?? UserID(), name: "Sam Lee"),
                                   contacts: [contact], documents: [],
                                   subCustomers: [SubCustomer(id: westId, displayName: "Acme West", isDeactivated: true)])
        }
        mesh.answer(InvoiceMessages.customerSummary) { request, _ in
            let invoice = InvoiceSummary(id: invoiceId, number: "INV-000042", issueDate: BusinessDate("2026-10-01")!,
                                         dueDate: BusinessDate("2026-10-31")!, currency: .usd, totalCents: 12_345,
                                         paidCents: 0, balanceCents: 12_345, state: .open, collectionStatus: nil)
            return CustomerInvoicesSummary(invoices: [invoice], totals: InvoiceTotals(
                openCents: 12_345, overdueCents: 12_345, aging: Aging(d1_30: 12_345)))
        }
        mesh.answer(PaymentsMessages.customerSummary) { _, _ in
            CustomerPaymentsSummary(
                payment: PaymentSection(settings: PaymentSettings(cardAllowed: true, achAllowed: false, cardFee: nil, achFee: nil,
                                                                  autopay: false, isCustomerSpecific: false),
                                        link: nil, unappliedCreditCents: 500),
                promises: [])
        }
        mesh.answer(HistoryMessages.customerSummary) { request, _ in
            CustomerHistorySection(history: CustomerHistorySummary(items: [Activity(
                id: ActivityID(), customerId: request.customerId, category: "customer", type: "customer.created",
                summary: "Customer created", occurredAt: Date(), actor: nil)], openTasks: []))
        }
        mesh.answer(CommunicationsMessages.customerWorkflows) { _, _ in
            CustomerWorkflows(workflows: [WorkflowAssignmentSummary(
                id: WorkflowAssignmentID(), workflowId: WorkflowID(), workflowName: "Friendly reminders", contactId: contactId,
                invoiceId: nil, state: "running", nextStepOn: nil)])
        }
        return mesh
    }

    func testEverySectionArrivesAsItsServiceWroteIt() async throws {
        let harness = try GatewayHarness(mesh: mesh())
        let reply = try await harness.request(.get, "/api/v1/customers/\(customerId)/details")
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(Set(reply.json.keys), ["customer", "status", "specialist", "contacts", "documents", "sub_customers", "invoices", "totals",
                                              "payment", "promises", "history", "workflows", "unavailable"])
        XCTAssertEqual((reply.json["sub_customers"] as? [[String: Any]])?.first?["display_name"] as? String, "Acme West")
        XCTAssertEqual((reply.json["customer"] as? [String: Any])?["display_name"] as? String, "Acme Corp")
        XCTAssertEqual((reply.json["specialist"] as? [String: Any])?["id"] as? String, FakeMesh.users[.specialist]?.description)
        XCTAssertEqual((reply.json["totals"] as? [String: Any])?["overdue_cents"] as? Int, 12_345)
        XCTAssertEqual((reply.json["payment"] as? [String: Any])?["unapplied_credit_cents"] as? Int, 500)
        XCTAssertEqual(((reply.json["history"] as? [String: Any])?["items"] as? [Any])?.count, 1)
        XCTAssertEqual(((reply.json["workflows"] as? [[String: Any]])?.first)?["contact_id"] as? String, contactId.description)
        XCTAssertEqual(reply.json["unavailable"] as? [String], [])

        // Spliced, not re-encoded: the invoice service's bytes appear in the response unchanged.
        let mesh = harness.mesh
        let written = try await mesh[.invoice].queryJSON(InvoiceMessages.customerSummary,
                                                         CustomerInvoicesRequest(customerId: customerId))
        let members = try JSONObjectMembers.of(written)
        XCTAssertTrue(reply.body.contains(String(decoding: members, as: UTF8.self)))
    }

    func testAMissingSectionIsNullAndNamedAndTheRestStays() async throws {
        let mesh = mesh()
        mesh.takeDown(.invoice)
        mesh.takeDown(.history)
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.get, "/api/v1/customers/\(customerId)/details")
        XCTAssertEqual(reply.status, 200, reply.body)
        for section in ["invoices", "totals", "history"] {
            XCTAssertTrue(reply.json[section] is NSNull, "\(section) should be null: \(reply.body)")
        }
        XCTAssertEqual(reply.json["unavailable"] as? [String], ["invoices", "totals", "history"])
        XCTAssertNotNil(reply.json["payment"] as? [String: Any])
    }

    func testTheCustomerIsRequired() async throws {
        let down = mesh()
        down.takeDown(.customer)
        let unavailable = try await GatewayHarness(mesh: down).request(.get, "/api/v1/customers/\(customerId)/details")
        XCTAssertEqual(unavailable.status, 503)
        XCTAssertEqual(unavailable.error.code, "unavailable")

        let missing = try await GatewayHarness(mesh: mesh()).request(.get, "/api/v1/customers/\(CustomerID())/details")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.error.code, "not_found")
    }

    func testASpecialistSeesOnlyTheirOwnCustomers() async throws {
        let mesh = mesh()
        let harness = try GatewayHarness(mesh: mesh)
        let theirs = try await harness.request(.get, "/api/v1/customers/\(customerId)/details", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(theirs.status, 200)
        XCTAssertEqual(mesh.lastBody(CustomerMessages.profile)?.assignedTo, FakeMesh.users[.specialist])

        let other = FakeMesh()
        other.answer(CustomerMessages.profile) { request, _ in
            guard request.assignedTo == nil else { throw ErrorBody.notFound("customer \(request.id) does not exist") }
            return CustomerProfile(customer: CustomerRecord(
                id: request.id, fields: CustomerFields(displayName: "Someone else's"), currency: .usd, paymentTermsDays: 30,
                isDeactivated: false, specialistId: UserID(), createdAt: Date(), updatedAt: Date()), specialist: nil, contacts: [], documents: [])
        }
        let otherHarness = try GatewayHarness(mesh: other)
        let hidden = try await otherHarness.request(.get, "/api/v1/customers/\(customerId)/details", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(hidden.status, 404)
        let manager = try await otherHarness.request(.get, "/api/v1/customers/\(customerId)/details", as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(manager.status, 200)
        XCTAssertNil(other.lastBody(CustomerMessages.profile)?.assignedTo)
    }

    func testThePageEscapesWhatCustomersTypeAndJoinsWorkflowsToContacts() async throws {
        let harness = try GatewayHarness(mesh: mesh(name: "<script>alert(1)</script> & Co"))
        let page = try await harness.request(.get, "/customers/\(customerId)", as: .cookie(FakeMesh.token(.owner), origin: nil))
        XCTAssertEqual(page.status, 200)
        XCTAssertFalse(page.body.contains("<script>alert(1)"), "a customer's name became markup")
        XCTAssertTrue(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"))
        XCTAssertTrue(page.body.contains("Workflow: Friendly reminders (running)"), "the contact's workflow is missing")
        XCTAssertTrue(page.body.contains("INV-000042"))
        XCTAssertFalse(page.body.contains(#"data-testid="unavailable""#))
        XCTAssertTrue(page.body.contains(#"<a href="/customers/\#(westId)">Acme West</a> <span class="badge badge-muted">Inactive</span>"#),
                      "the sub-customer is listed on its parent")
    }

    /// The page offers each action only to a role that may take it, and names the specialist.
    func testThePageOffersEditingToEditorsAndAssignmentToManagers() async throws {
        let mesh = mesh(name: "Acme \"Quoted\" Corp")
        let sam = SpecialistReference(id: FakeMesh.users[.specialist] ?? UserID(), name: "Sam Lee")
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: [sam]) }
        let customers = [record(), CustomerRecord(id: westId, fields: CustomerFields(displayName: "Acme West"), currency: .usd,
                                                  paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                                  createdAt: Date(), updatedAt: Date())]
        mesh.answer(CustomerMessages.list) { _, _ in
            CustomerPage(items: customers.map { CustomerListItem(record: $0, status: .new) }, nextCursor: nil, total: 2)
        }
        let harness = try GatewayHarness(mesh: mesh)
        let manager = try await harness.request(.get, "/customers/\(customerId)", as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(manager.status, 200)
        XCTAssertTrue(manager.body.contains(#"data-open="edit-customer""#))
        XCTAssertTrue(manager.body.contains(#"<input name="display_name" value="Acme &quot;Quoted&quot; Corp" required>"#),
                      "the edit dialog is filled in, escaped")
        XCTAssertTrue(manager.body.contains(#"data-post="/api/v1/customers/\#(customerId)/deactivate""#))
        XCTAssertTrue(manager.body.contains(#"id="edit-contact-\#(contactId)""#))
        XCTAssertTrue(manager.body.contains(#"<option value="\#(sam.id)" selected>Sam Lee</option>"#), "the assign chooser")
        XCTAssertTrue(manager.body.contains("Assigned specialist: Sam Lee"))
        XCTAssertTrue(manager.body.contains(#"data-upload="/api/v1/customers/\#(customerId)/documents""#))
        XCTAssertFalse(manager.body.contains(#"id="merge-contacts""#), "one contact: nothing to merge")
        XCTAssertTrue(manager.body.contains(#"<option value="\#(westId)">Acme West</option>"#), "the parent chooser lists others")
        XCTAssertFalse(manager.body.contains(#"<option value="\#(customerId)""#), "but never the customer itself")

        let specialist = try await harness.request(.get, "/customers/\(customerId)", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertTrue(specialist.body.contains(#"data-open="edit-customer""#))
        XCTAssertFalse(specialist.body.contains(#"data-method="PUT""#), "a specialist does not choose specialists")
        XCTAssertEqual(mesh.sent(SpecialistMessages.candidates.type).count, 2, "asked for editors too: whom Assign Task offers")

        let viewer = try await harness.request(.get, "/customers/\(customerId)", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 200)
        for control in [#"data-open="edit-customer""#, "data-post=", "data-upload=", #"data-open="add-contact""#, "data-api="] {
            XCTAssertFalse(viewer.body.contains(control), "a viewer was offered \(control)")
        }
        XCTAssertEqual(mesh.sent(SpecialistMessages.candidates.type).count, 2, "nor asked whom to choose")
    }

    func testThePageSaysWhichSectionsAreUnavailable() async throws {
        let mesh = mesh()
        mesh.takeDown(.invoice)
        let page = try await GatewayHarness(mesh: mesh).request(.get, "/customers/\(customerId)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.body.contains("Some information is temporarily unavailable: invoices, totals."), page.body)
        XCTAssertFalse(page.body.contains("INV-000042"))
    }
}

/// `PATCH /customers/{id}` and the state changes, in-process.
final class CustomerChangeRouteTests: XCTestCase {
    func testChangesTravelByNameWithTheSpecialistsScope() async throws {
        let mesh = FakeMesh()
        let id = CustomerID()
        mesh.answer(CustomerMessages.update) { request, _ in
            CustomerRecord(id: request.id, fields: CustomerFields(displayName: "Acme", phone: "+1 555 0100"), currency: .usd,
                           paymentTermsDays: 30, isDeactivated: false, specialistId: request.assignedTo, createdAt: Date(), updatedAt: Date())
        }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.patch, "/api/v1/customers/\(id)", json: #"{"phone": "+1 555 0100", "notes": null}"#,
                                              as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(reply.json["phone"] as? String, "+1 555 0100")
        let sent = try XCTUnwrap(mesh.lastBody(CustomerMessages.update))
        XCTAssertEqual(sent.changes, ["phone": .string("+1 555 0100"), "notes": .null])
        XCTAssertEqual(sent.assignedTo, FakeMesh.users[.specialist], "a specialist changes only their own customers")

        let notAnObject = try await harness.request(.patch, "/api/v1/customers/\(id)", json: #"["phone"]"#)
        XCTAssertEqual(notAnObject.status, 400)
        let viewer = try await harness.request(.post, "/api/v1/customers/\(id)/deactivate", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 403)
    }
}

extension FakeMesh {
    /// The body of the last request of `command`.
    func lastBody<Request: Decodable, Reply>(_ command: Command<Request, Reply>) -> Request? {
        lastBody(Query<Request, Reply>(command.type))
    }
}
