import Contracts
import Foundation
import XCTest
@testable import HistoryService

final class HistoryServiceTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try HistoryService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(HistoryMessages.catalogue.requests.map(\.type)))
        XCTAssertEqual(Set(definition.subscriptions.keys), [.customer])
    }

    func testACreatedCustomerReadsAsOneLineWithWhoDidIt() {
        let customer = CustomerRecord(id: CustomerID(), fields: CustomerFields(displayName: "Acme Corp"), currency: .usd,
                                      paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                      createdAt: Date(), updatedAt: Date())
        let actor = Actor(userId: UserID(), role: "specialist", name: "Dana Reyes")
        let envelope = Envelope(kind: .event, type: CustomerMessages.created.type, actor: actor)
        let activity = ActivityFactory.customerCreated(CustomerCreated(customer: customer), envelope: envelope)
        XCTAssertEqual(activity.summary, "Customer Acme Corp created by Dana Reyes")
        XCTAssertEqual(activity.customerId, customer.id)
        XCTAssertEqual(activity.category, "customer")
        XCTAssertEqual(activity.type, "customer.created")
        XCTAssertEqual(activity.occurredAt, envelope.sentAt)
        XCTAssertEqual(activity.actor, actor)
    }

    private let dana = Actor(userId: UserID(), role: "manager", name: "Dana Reyes")

    func testAnAssignmentNamesTheNewAndThePreviousSpecialist() {
        let event = SpecialistAssigned(customerId: CustomerID(), customerName: "Acme",
                                       from: SpecialistReference(id: UserID(), name: "Pat Kim"),
                                       to: SpecialistReference(id: UserID(), name: "Sam Lee"))
        let envelope = Envelope(kind: .event, type: SpecialistMessages.assigned.type, actor: dana)
        XCTAssertEqual(ActivityFactory.specialistAssigned(event, envelope: envelope).summary,
                       "Dana Reyes assigned AR specialist Sam Lee (was Pat Kim)")
        var first = event
        first.from = nil
        XCTAssertEqual(ActivityFactory.specialistAssigned(first, envelope: envelope).summary, "Dana Reyes assigned AR specialist Sam Lee")
    }

    func testContactChangesAndMergesReadAsSentences() {
        let customer = CustomerID()
        let pat = ContactRecord(id: ContactID(), customerId: customer,
                                fields: ContactFields(firstName: "Pat", lastName: "Payer", role: .primary), createdAt: Date(), updatedAt: Date())
        func summary(_ type: String, _ changes: [FieldChange] = []) -> String {
            ActivityFactory.contactChanged(ContactChanged(contact: pat, changes: changes),
                                           envelope: Envelope(kind: .event, type: type, actor: dana)).summary
        }
        XCTAssertEqual(summary(ContactMessages.created.type), "Dana Reyes added primary contact Pat Payer")
        XCTAssertEqual(summary(ContactMessages.updated.type, [FieldChange(field: "phone", old: .null, new: .string("+1 555 0100"))]),
                       "Dana Reyes updated contact Pat Payer: phone from nothing to “+1 555 0100”")
        XCTAssertEqual(summary(ContactMessages.deactivated.type), "Dana Reyes deactivated contact Pat Payer")
        let merged = ContactsMerged(customerId: customer, masterId: pat.id, mergedIds: [ContactID(), ContactID()], contact: pat,
                                    mergedNames: ["Patricia", "P. Payer"], changes: [])
        let activity = ActivityFactory.contactsMerged(merged, envelope: Envelope(kind: .event, type: ContactMessages.merged.type, actor: dana))
        XCTAssertEqual(activity.summary, "Dana Reyes merged contacts Patricia and P. Payer into Pat Payer")
        XCTAssertEqual(activity.customerId, customer)
    }

    func testADocumentReadsWithItsNameAndSize() {
        let document = DocumentRecord(id: DocumentID(), customerId: CustomerID(), filename: "terms.pdf", contentType: "application/pdf",
                                      sizeBytes: 184_320, sha256: String(repeating: "0", count: 64), uploadedAt: Date())
        XCTAssertEqual(ActivityFactory.documentChanged(DocumentChanged(document: document),
                                                       envelope: Envelope(kind: .event, type: DocumentMessages.uploaded.type, actor: dana)).summary,
                       "Dana Reyes uploaded document terms.pdf (180 KB)")
        XCTAssertEqual(ActivityFactory.documentChanged(DocumentChanged(document: document),
                                                       envelope: Envelope(kind: .event, type: DocumentMessages.deleted.type, actor: dana)).summary,
                       "Dana Reyes deleted document terms.pdf")
    }
}
