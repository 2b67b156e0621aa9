import Contracts
import Foundation
import XCTest
@testable import HistoryService

final class HistoryServiceTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try HistoryService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(HistoryMessages.catalogue.requests.map(\.type)))
        XCTAssertEqual(Set(definition.subscriptions.keys), [.customer, .invoice, .payments, .communications, .gateway],
                       "every publisher's events reach the timeline")
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

    func testPaymentsReadAsSentencesWithAmountsAndInvoices() {
        let customer = CustomerID()
        let payment = Payment(id: PaymentID(), customerId: customer, amountCents: 15_000, currency: .usd, method: "check", reference: "1042",
                              receivedOn: BusinessDate("2026-11-19")!, appliedCents: 0, refundedCents: 0, unappliedCents: 15_000,
                              applications: [], refunds: [], createdAt: Date())
        func envelope(_ type: String) -> Envelope { Envelope(kind: .event, type: type, actor: dana) }
        XCTAssertEqual(ActivityFactory.paymentRecorded(PaymentRecorded(payment: payment), envelope: envelope(PaymentsMessages.recorded.type)).summary,
                       "Dana Reyes recorded a payment of $150.00 by check 1042")
        let applied = PaymentApplied(applicationId: PaymentApplicationID(), paymentId: payment.id, customerId: customer, invoiceId: InvoiceID(),
                                     invoiceNumber: "INV-000001", amountCents: 10_410, currency: .usd, appliedOn: BusinessDate("2026-11-20")!,
                                     method: "check", reference: "1042")
        let activity = ActivityFactory.paymentApplied(applied, envelope: envelope(PaymentsMessages.applied.type))
        XCTAssertEqual(activity.summary, "Dana Reyes applied $104.10 to INV-000001")
        XCTAssertEqual(activity.category, "payment")
        XCTAssertEqual(activity.customerId, customer)
        let voided = PaymentUnapplied(applicationId: applied.applicationId, paymentId: payment.id, customerId: customer,
                                      invoiceId: applied.invoiceId, invoiceNumber: "INV-000001", amountCents: 10_410, currency: .usd,
                                      unappliedOn: BusinessDate("2026-11-21")!, reason: .invoiceVoided)
        XCTAssertEqual(ActivityFactory.paymentUnapplied(voided, envelope: envelope(PaymentsMessages.unapplied.type)).summary,
                       "Dana Reyes took $104.10 back from INV-000001 (the invoice was voided); it is unapplied credit again")
        let refunded = PaymentRefunded(refundId: RefundID(), paymentId: payment.id, customerId: customer, amountCents: 2_000, currency: .usd,
                                       refundedOn: BusinessDate("2026-11-22")!, reason: "Overpaid")
        XCTAssertEqual(ActivityFactory.paymentRefunded(refunded, envelope: envelope(PaymentsMessages.refunded.type)).summary,
                       "Dana Reyes refunded $20.00: Overpaid")
    }
}
