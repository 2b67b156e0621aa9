import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The invoice routes in-process: what reaches invoice-service (quantities exact, the
/// customer's terms, the scope), and what is refused before it does.
final class InvoiceRouteTests: XCTestCase {
    private let customerId = CustomerID()

    private func customer(assignedTo specialist: UserID? = nil) -> CustomerRecord {
        CustomerRecord(id: customerId, fields: CustomerFields(displayName: "Acme"), currency: .eur, paymentTermsDays: 45,
                       isDeactivated: false, specialistId: specialist, createdAt: Date(), updatedAt: Date())
    }

    private func invoice(customer: CustomerID? = nil) -> Invoice {
        Invoice(id: InvoiceID(), customerId: customer ?? customerId, number: "INV-000001", issueDate: BusinessDate("2026-11-01")!,
                dueDate: BusinessDate("2026-12-16")!, currency: .eur, poNumber: nil, memo: nil, contactId: nil, collectionStatus: nil,
                lines: [], subtotalCents: 100, taxCents: 0, totalCents: 100, paidCents: 0, balanceCents: 100, state: .open,
                voidReason: nil, createdAt: Date(), updatedAt: Date())
    }

    /// customer-service answers for Acme, visible to everyone but a specialist it is not assigned to.
    private func mesh(assignedTo specialist: UserID? = nil) -> FakeMesh {
        let mesh = FakeMesh()
        let record = customer(assignedTo: specialist)
        mesh.answer(CustomerMessages.get) { request, _ in
            guard request.id == record.id, request.assignedTo == nil || request.assignedTo == record.specialistId else {
                throw ErrorBody.notFound("customer \(request.id) does not exist")
            }
            return record
        }
        return mesh
    }

    func testCreatingSendsExactQuantitiesAndTheCustomersTerms() async throws {
        let mesh = mesh()
        let made = invoice()
        mesh.answer(InvoiceMessages.create) { _, _ in made }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.post, "/api/v1/customers/\(customerId)/invoices", json: """
            {"issue_date": "2026-11-01", "lines": [{"description": "Widgets", "quantity": 0.1, "unit_price_cents": 333,
             "tax_rate_bps": 825}, {"description": "Hours", "quantity": 2.125, "unit_price_cents": 10000}]}
            """)
        XCTAssertEqual(reply.status, 201, reply.body)
        XCTAssertEqual(reply.json["number"] as? String, "INV-000001")
        let sent = try XCTUnwrap(mesh.lastBody(InvoiceMessages.create))
        XCTAssertEqual(sent.customerId, customerId)
        XCTAssertEqual(sent.terms, CustomerTerms(currency: .eur, paymentTermsDays: 45, isDeactivated: false))
        XCTAssertEqual(sent.invoice.lines.map(\.quantity), [Decimal(string: "0.1")!, Decimal(string: "2.125")!],
                       "read as decimals, not binary floating point")
        XCTAssertEqual(sent.invoice.lines.map(\.taxRateBps), [825, nil])

        let malformed = try await harness.request(.post, "/api/v1/customers/\(customerId)/invoices",
                                                  json: #"{"issue_date": "2026-13-01", "lines": []}"#)
        XCTAssertEqual(malformed.status, 400)
        let missing = try await harness.request(.post, "/api/v1/customers/\(CustomerID())/invoices",
                                                json: #"{"issue_date": "2026-11-01", "lines": []}"#)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(mesh.sent(InvoiceMessages.create.type).count, 1, "refused before invoice-service heard of them")
    }

    func testABillingContactMustBeTheCustomersOwn() async throws {
        let mesh = mesh()
        let other = ContactRecord(id: ContactID(), customerId: CustomerID(), fields: ContactFields(firstName: "Pat"),
                                  createdAt: Date(), updatedAt: Date())
        mesh.answer(ContactMessages.get) { _, _ in other }
        let made = invoice()
        mesh.answer(InvoiceMessages.create) { _, _ in made }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.post, "/api/v1/customers/\(customerId)/invoices", json: """
            {"issue_date": "2026-11-01", "contact_id": "\(other.id)", "lines": [{"description": "A", "quantity": 1, "unit_price_cents": 1}]}
            """)
        XCTAssertEqual(reply.status, 422, reply.body)
        XCTAssertEqual((reply.json["error"] as? [String: Any])?["details"] as? [String: String],
                       ["contact_id": "contact_id is not a contact of this customer"])
        XCTAssertEqual(mesh.sent(InvoiceMessages.create.type).count, 0)
    }

    func testASpecialistReachesOnlyTheirCustomersInvoices() async throws {
        let mine = mesh(assignedTo: FakeMesh.users[.specialist])
        let theirs = mesh(assignedTo: UserID())
        for (mesh, expected) in [(mine, 200), (theirs, 404)] {
            let existing = invoice()
            mesh.answer(InvoiceMessages.get) { _, _ in existing }
            mesh.answer(InvoiceMessages.list) { _, _ in InvoicePage(items: [existing], nextCursor: nil, total: 1) }
            mesh.answer(InvoiceMessages.void) { _, _ in existing }
            let harness = try GatewayHarness(mesh: mesh)
            let specialist = FakeMesh.token(.specialist)
            let one = try await harness.request(.get, "/api/v1/invoices/\(existing.id)", as: .bearer(specialist))
            XCTAssertEqual(one.status, expected, one.body)
            let list = try await harness.request(.get, "/api/v1/customers/\(customerId)/invoices", as: .bearer(specialist))
            XCTAssertEqual(list.status, expected, list.body)
            let void = try await harness.request(.post, "/api/v1/invoices/\(existing.id)/void", as: .bearer(specialist))
            XCTAssertEqual(void.status, expected, void.body)
            XCTAssertEqual(mesh.sent(InvoiceMessages.void.type).count, expected == 200 ? 1 : 0)
            if expected == 404 {
                XCTAssertEqual((one.json["error"] as? [String: Any])?["message"] as? String, "invoice \(existing.id) does not exist")
            }
        }
    }

    func testThePatchCarriesScalarsByNameAndLinesTyped() async throws {
        let mesh = mesh()
        let existing = invoice()
        mesh.answer(InvoiceMessages.get) { _, _ in existing }
        mesh.answer(InvoiceMessages.update) { _, _ in existing }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.patch, "/api/v1/invoices/\(existing.id)", json: """
            {"memo": null, "due_date": "2026-12-31", "lines": [{"description": "A", "quantity": 1.005, "unit_price_cents": 100}]}
            """)
        XCTAssertEqual(reply.status, 200, reply.body)
        let sent = try XCTUnwrap(mesh.lastBody(InvoiceMessages.update))
        XCTAssertEqual(sent.changes, ["memo": .null, "due_date": .string("2026-12-31")])
        XCTAssertEqual(sent.lines?.map(\.quantity), [Decimal(string: "1.005")!])

        let noLines = try await harness.request(.patch, "/api/v1/invoices/\(existing.id)", json: #"{"po_number": "PO-1"}"#)
        XCTAssertEqual(noLines.status, 200)
        XCTAssertNil(mesh.lastBody(InvoiceMessages.update)?.lines)

        let badLines = try await harness.request(.patch, "/api/v1/invoices/\(existing.id)", json: #"{"lines": [{"quantity": 1}]}"#)
        XCTAssertEqual(badLines.status, 400)
        XCTAssertEqual(mesh.sent(InvoiceMessages.update.type).count, 2)
    }

    func testStatusAndQueryParametersAreChecked() async throws {
        let mesh = mesh()
        let existing = invoice()
        let status = CollectionStatusID()
        mesh.answer(InvoiceMessages.get) { _, _ in existing }
        mesh.answer(InvoiceMessages.setCollectionStatus) { _, _ in existing }
        mesh.answer(InvoiceMessages.list) { _, _ in InvoicePage(items: [], nextCursor: nil, total: 0) }
        let harness = try GatewayHarness(mesh: mesh)
        let set = try await harness.request(.put, "/api/v1/invoices/\(existing.id)/collection-status",
                                            json: #"{"collection_status_id": "\#(status)"}"#)
        XCTAssertEqual(set.status, 200, set.body)
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.setCollectionStatus),
                       SetInvoiceCollectionStatus(id: existing.id, collectionStatusId: status))
        let viewer = try await harness.request(.put, "/api/v1/invoices/\(existing.id)/collection-status",
                                               json: #"{"collection_status_id": null}"#, as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 403)

        let filtered = try await harness.request(.get, "/api/v1/customers/\(customerId)/invoices?state=partially_paid&limit=5")
        XCTAssertEqual(filtered.status, 200)
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.list), ListInvoices(customerId: customerId, state: .partiallyPaid, limit: 5))
        let bad = try await harness.request(.get, "/api/v1/customers/\(customerId)/invoices?state=late")
        XCTAssertEqual(bad.status, 400)
    }

    func testPDFsCarryThePaymentLinkAndTheStatementItsPeriod() async throws {
        let mesh = mesh()
        let existing = invoice()
        mesh.answer(InvoiceMessages.get) { _, _ in existing }
        mesh.answer(PaymentsMessages.customerSummary) { _, _ in
            CustomerPaymentsSummary(payment: PaymentSection(
                settings: PaymentSettings(cardAllowed: true, achAllowed: false, cardFee: nil, achFee: nil, autopay: false,
                                          isCustomerSpecific: false),
                link: PaymentLinkSummary(url: "https://pay.example/p/xyz", expiresOn: nil), unappliedCreditCents: 0), promises: [])
        }
        let bytes = Array("%PDF-1.5 test".utf8)
        mesh.answerWithFile(InvoiceMessages.pdf) { _ in
            (DocumentRendered(filename: "INV-000001.pdf", contentType: "application/pdf", byteCount: bytes.count), bytes)
        }
        mesh.answerWithFile(InvoiceMessages.statement) { _ in
            (DocumentRendered(filename: "statement-2026-11-30.pdf", contentType: "application/pdf", byteCount: bytes.count), bytes)
        }
        let harness = try GatewayHarness(mesh: mesh)
        let pdf = try await harness.request(.get, "/api/v1/invoices/\(existing.id)/pdf")
        XCTAssertEqual(pdf.status, 200)
        XCTAssertEqual(pdf.headers[.contentType], "application/pdf")
        XCTAssertEqual(pdf.body, "%PDF-1.5 test")
        XCTAssertTrue(pdf.headers[.contentDisposition]?.contains("INV-000001.pdf") == true)
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.pdf), InvoiceDocumentRequest(id: existing.id, paymentLink: "https://pay.example/p/xyz"))

        let statement = try await harness.request(.get, "/api/v1/customers/\(customerId)/statement.pdf?from=2026-11-01&to=2026-11-30")
        XCTAssertEqual(statement.status, 200)
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.statement), StatementRequest(
            customerId: customerId, from: BusinessDate("2026-11-01"), to: BusinessDate("2026-11-30"),
            paymentLink: "https://pay.example/p/xyz"))
        let badDate = try await harness.request(.get, "/api/v1/customers/\(customerId)/statement.pdf?from=2026-02-30")
        XCTAssertEqual(badDate.status, 400)

        mesh.takeDown(.payments)
        let withoutLink = try await harness.request(.get, "/api/v1/customers/\(customerId)/statement.pdf")
        XCTAssertEqual(withoutLink.status, 200, "a statement is still worth having without the link")
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.statement), StatementRequest(customerId: customerId))
    }
}
