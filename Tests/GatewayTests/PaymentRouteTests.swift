import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The payment routes in-process: what reaches payments-service (the customer's currency as
/// customer-service has it, the scope), and what is refused before it does.
final class PaymentRouteTests: XCTestCase {
    private let customerId = CustomerID()

    private func mesh(assignedTo specialist: UserID? = nil) -> FakeMesh {
        let mesh = FakeMesh()
        let record = CustomerRecord(id: customerId, fields: CustomerFields(displayName: "Acme"), currency: .eur, paymentTermsDays: 30,
                                    isDeactivated: false, specialistId: specialist, createdAt: Date(), updatedAt: Date())
        mesh.answer(CustomerMessages.get) { request, _ in
            guard request.id == record.id, request.assignedTo == nil || request.assignedTo == record.specialistId else {
                throw ErrorBody.notFound("customer \(request.id) does not exist")
            }
            return record
        }
        return mesh
    }

    private func payment() -> Payment {
        Payment(id: PaymentID(), customerId: customerId, amountCents: 5_000, currency: .eur, method: "check", reference: nil,
                receivedOn: BusinessDate("2026-11-19")!, appliedCents: 0, refundedCents: 0, unappliedCents: 5_000, applications: [],
                refunds: [], createdAt: Date())
    }

    func testRecordingCarriesTheCustomersCurrencyAndTheApplications() async throws {
        let mesh = mesh()
        let made = payment()
        mesh.answer(PaymentsMessages.record) { _, _ in made }
        let harness = try GatewayHarness(mesh: mesh)
        let invoice = InvoiceID()
        let reply = try await harness.request(.post, "/api/v1/customers/\(customerId)/payments", json: """
            {"amount_cents": 5000, "currency": "EUR", "method": "check", "reference": "1042", "received_on": "2026-11-19",
             "applications": [{"invoice_id": "\(invoice)", "amount_cents": 2000}]}
            """)
        XCTAssertEqual(reply.status, 201, reply.body)
        XCTAssertEqual(reply.json["unapplied_cents"] as? Int, 5_000)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.record), RecordPayment(
            customerId: customerId, customerCurrency: .eur,
            payment: PaymentFields(amountCents: 5_000, currency: .eur, method: "check", reference: "1042",
                                   receivedOn: BusinessDate("2026-11-19")!,
                                   applications: [ApplicationInput(invoiceId: invoice, amountCents: 2_000)])))
        let malformed = try await harness.request(.post, "/api/v1/customers/\(customerId)/payments",
                                                  json: #"{"amount_cents": "lots", "currency": "EUR", "method": "check", "received_on": "2026-11-19"}"#)
        XCTAssertEqual(malformed.status, 400)
        let viewer = try await harness.request(.post, "/api/v1/customers/\(customerId)/payments", json: "{}",
                                               as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 403)
        XCTAssertEqual(mesh.sent(PaymentsMessages.record.type).count, 1, "refused before payments-service heard of them")
    }

    func testASpecialistReachesOnlyTheirCustomersPayments() async throws {
        for (mesh, expected) in [(mesh(assignedTo: FakeMesh.users[.specialist]), 200), (mesh(assignedTo: UserID()), 404)] {
            let existing = payment()
            mesh.answer(PaymentsMessages.get) { _, _ in existing }
            mesh.answer(PaymentsMessages.refund) { _, _ in existing }
            mesh.answer(PaymentsMessages.unapply) { _, _ in existing }
            let harness = try GatewayHarness(mesh: mesh)
            let specialist = FakeMesh.token(.specialist)
            let one = try await harness.request(.get, "/api/v1/payments/\(existing.id)", as: .bearer(specialist))
            XCTAssertEqual(one.status, expected)
            let refund = try await harness.request(.post, "/api/v1/payments/\(existing.id)/refunds",
                                                   json: #"{"amount_cents": 100, "reason": "Overpaid"}"#, as: .bearer(specialist))
            XCTAssertEqual(refund.status, expected == 200 ? 201 : 404)
            let application = PaymentApplicationID()
            let unapply = try await harness.request(.delete, "/api/v1/payments/\(existing.id)/applications/\(application)",
                                                    as: .bearer(specialist))
            XCTAssertEqual(unapply.status, expected)
            XCTAssertEqual(mesh.sent(PaymentsMessages.refund.type).count, expected == 200 ? 1 : 0)
            if expected == 200 {
                XCTAssertEqual(mesh.lastBody(PaymentsMessages.refund), RefundPayment(paymentId: existing.id, amountCents: 100, reason: "Overpaid"))
                XCTAssertEqual(mesh.lastBody(PaymentsMessages.unapply), UnapplyPayment(paymentId: existing.id, applicationId: application))
            } else {
                XCTAssertEqual((one.json["error"] as? [String: Any])?["message"] as? String, "payment \(existing.id) does not exist")
            }
        }
    }

    /// `/settings` shows payments-service's defaults (their one source) and hands a change of
    /// them to it; the rest stays identity's.
    func testSettingsCarryThePaymentDefaultsFromPaymentsService() async throws {
        let mesh = FakeMesh()
        mesh.answer(IdentityMessages.getSettings) { _, _ in BusinessSettings.initial }
        mesh.answer(IdentityMessages.updateSettings) { _, _ in BusinessSettings.initial }
        let defaults = PaymentSettings(cardAllowed: true, achAllowed: false, cardFee: ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: nil),
                                       achFee: nil, autopay: false, isCustomerSpecific: false)
        mesh.answer(PaymentsMessages.settings) { _, _ in defaults }
        mesh.answer(PaymentsMessages.updateSettings) { _, _ in defaults }
        let harness = try GatewayHarness(mesh: mesh)
        let read = try await harness.request(.get, "/api/v1/settings")
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.json["name"] as? String, BusinessSettings.initial.name)
        XCTAssertEqual(((read.json["default_payment_settings"] as? [String: Any])?["card_fee"] as? [String: Any])?["basis_points"] as? Int, 290)

        let changed = try await harness.request(.patch, "/api/v1/settings", json: """
            {"name": "Roadrunner", "default_payment_settings": {"card_allowed": false, "ach_allowed": true, "autopay": true}}
            """)
        XCTAssertEqual(changed.status, 200, changed.body)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.updateSettings), UpdatePaymentSettings(
            customerId: nil, settings: PaymentSettingsFields(cardAllowed: false, achAllowed: true, autopay: true)))
        XCTAssertEqual(mesh.lastBody(IdentityMessages.updateSettings)?.name, "Roadrunner")
        let nameOnly = try await harness.request(.patch, "/api/v1/settings", json: #"{"name": "Roadrunner Co"}"#)
        XCTAssertEqual(nameOnly.status, 200)
        XCTAssertEqual(mesh.sent(PaymentsMessages.updateSettings.type).count, 1, "no payment defaults, nothing for payments-service")

        mesh.takeDown(.payments)
        let degraded = try await harness.request(.get, "/api/v1/settings")
        XCTAssertEqual(degraded.status, 200)
        XCTAssertTrue(degraded.json["default_payment_settings"] is NSNull)
    }
}
