import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The payment portal's routes and the link and promise routes in-process, on a fake mesh:
/// every portal route asks payments-service about the token and serves only the customer
/// it names (another customer's invoice is 404 like one that does not exist), none needs
/// a sign-in, and the portal has its own rate limit.
final class PortalRouteTests: XCTestCase {
    private let customerId = CustomerID()
    private let specialist = UserID()
    private let token = String(repeating: "a", count: 43)

    private func mesh(activeToken: String? = nil) -> FakeMesh {
        let mesh = FakeMesh()
        let record = CustomerRecord(id: customerId, fields: CustomerFields(displayName: "Acme"), currency: .usd, paymentTermsDays: 30,
                                    isDeactivated: false, specialistId: specialist, createdAt: Date(), updatedAt: Date())
        mesh.answer(CustomerMessages.get) { request, _ in
            guard request.id == record.id else { throw ErrorBody.notFound("customer \(request.id) does not exist") }
            return record
        }
        let active = activeToken ?? token
        let customer = customerId
        let gone = ErrorBody.notFound("this payment link does not exist or is no longer active")
        mesh.answer(PaymentsMessages.resolveLink) { request, _ in
            guard request.token == active else { throw gone }
            return ResolvedPaymentLink(customerId: customer, expiresOn: nil)
        }
        mesh.answer(PaymentsMessages.portal) { request, _ in
            guard request.token == active else { throw gone }
            return PortalView(customerId: customer, currency: .usd, invoices: [
                PayableInvoice(id: InvoiceID(), number: "INV-000001", issueDate: BusinessDate("2026-11-01")!,
                               dueDate: BusinessDate("2026-11-30")!, currency: .usd, totalCents: 10_410, balanceCents: 10_410),
            ], methods: [PortalMethodOption(method: .card, fee: ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: nil))],
                              expiresOn: nil, testMode: true)
        }
        mesh.answer(IdentityMessages.getSettings) { _, _ in
            var settings = BusinessSettings.initial
            settings.name = "Northwind Supply"
            return settings
        }
        return mesh
    }

    private func invoice(of customer: CustomerID, state: InvoiceState = .open) -> Invoice {
        Invoice(id: InvoiceID(), customerId: customer, number: "INV-000001", issueDate: BusinessDate("2026-11-01")!,
                dueDate: BusinessDate("2026-12-01")!, currency: .usd, poNumber: nil, memo: nil, contactId: nil, collectionStatus: nil,
                lines: [], subtotalCents: 100, taxCents: 0, totalCents: 100, paidCents: 0, balanceCents: 100, state: state,
                voidReason: nil, createdAt: Date(), updatedAt: Date())
    }

    func testThePortalNeedsNoSignInAndShowsTheBusinessTheCustomerAndTheFees() async throws {
        let harness = try GatewayHarness(mesh: mesh())
        let portal = try await harness.request(.get, "/api/v1/portal/\(token)", as: .none)
        XCTAssertEqual(portal.status, 200, portal.body)
        XCTAssertEqual((portal.json["business"] as? [String: Any])?["name"] as? String, "Northwind Supply")
        XCTAssertEqual((portal.json["customer"] as? [String: Any])?["name"] as? String, "Acme")
        XCTAssertEqual(portal.json["test_mode"] as? Bool, true)
        XCTAssertEqual((portal.json["invoices"] as? [[String: Any]])?.first?["balance_cents"] as? Int, 10_410)
        let page = try await harness.request(.get, "/pay/\(token)", as: .none)
        XCTAssertEqual(page.status, 200)
        for text in ["Northwind Supply", "Invoices for <span data-testid=\"portal-customer\">Acme</span>", "INV-000001", "$104.10",
                     "Test mode", "2.9% + $0.30", "/api/v1/portal/\(token)/statement.pdf"] {
            XCTAssertTrue(page.body.contains(text), text)
        }
        let other = String(repeating: "b", count: 43)
        let closed = try await harness.request(.get, "/pay/\(other)", as: .none)
        XCTAssertEqual(closed.status, 404)
        XCTAssertTrue(closed.body.contains("This payment link is not active"))
        XCTAssertFalse(closed.body.contains("INV-000001"))
        let malformed = try await harness.request(.get, "/api/v1/portal/not-a-token", as: .none)
        XCTAssertEqual(malformed.status, 404)
        XCTAssertEqual(harness.mesh.sent(PaymentsMessages.portal.type).count, 3, "a malformed token never reaches payments-service")
    }

    func testAnInvoiceOfAnotherCustomerIsNotFoundOnThePortal() async throws {
        let mesh = mesh()
        let mine = invoice(of: customerId)
        let theirs = invoice(of: CustomerID())
        let draft = invoice(of: customerId, state: .draft)
        mesh.answer(InvoiceMessages.get) { request, _ in
            guard let found = [mine, theirs, draft].first(where: { $0.id == request.id }) else {
                throw ErrorBody.notFound("invoice \(request.id) does not exist")
            }
            return found
        }
        let bytes = Array("%PDF-1.5 portal".utf8)
        mesh.answerWithFile(InvoiceMessages.pdf) { _ in
            (DocumentRendered(filename: "INV-000001.pdf", contentType: "application/pdf", byteCount: bytes.count), bytes)
        }
        mesh.answerWithFile(InvoiceMessages.statement) { _ in
            (DocumentRendered(filename: "statement.pdf", contentType: "application/pdf", byteCount: bytes.count), bytes)
        }
        let harness = try GatewayHarness(mesh: mesh)
        let pdf = try await harness.request(.get, "/api/v1/portal/\(token)/invoices/\(mine.id)/pdf", as: .none)
        XCTAssertEqual(pdf.status, 200)
        XCTAssertEqual(pdf.body, "%PDF-1.5 portal")
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.pdf), InvoiceDocumentRequest(id: mine.id, paymentLink: "\(FakeMesh.site)/pay/\(token)"))
        for other in [theirs.id, draft.id, InvoiceID()] {
            let refused = try await harness.request(.get, "/api/v1/portal/\(token)/invoices/\(other)/pdf", as: .none)
            XCTAssertEqual(refused.status, 404)
            XCTAssertEqual(refused.error.message, "invoice \(other) does not exist", "the same answer whether it exists or not")
        }
        XCTAssertEqual(mesh.sent(InvoiceMessages.pdf.type).count, 1, "only its own customer's invoice is rendered")
        let statement = try await harness.request(.get, "/api/v1/portal/\(token)/statement.pdf?from=2026-11-01", as: .none)
        XCTAssertEqual(statement.status, 200)
        XCTAssertEqual(mesh.lastBody(InvoiceMessages.statement), StatementRequest(
            customerId: customerId, from: BusinessDate("2026-11-01"), paymentLink: "\(FakeMesh.site)/pay/\(token)"))
        let revoked = String(repeating: "c", count: 43)
        let closed = try await harness.request(.get, "/api/v1/portal/\(revoked)/statement.pdf", as: .none)
        XCTAssertEqual(closed.status, 404)
        XCTAssertEqual(mesh.sent(InvoiceMessages.statement.type).count, 1)
    }

    func testAPortalPaymentHandsTheDetailsOverAndADeclineIs402() async throws {
        let mesh = mesh()
        let invoiceId = InvoiceID()
        mesh.answer(PaymentsMessages.portalPay) { request, _ in
            if request.card?.cardNumber == "4000000000000002" {
                throw ErrorBody(.paymentDeclined, "Your card was declined.", details: ["decline_code": "card_declined"])
            }
            return Payment(id: PaymentID(), customerId: CustomerID(), amountCents: 10_410, currency: .usd, method: "card",
                           reference: "Visa ending 4242, sbx_ch_1", receivedOn: BusinessDate("2026-11-30")!, appliedCents: 10_410,
                           refundedCents: 0, unappliedCents: 0, applications: [], refunds: [], feeCents: 332, source: .portal,
                           createdAt: Date())
        }
        mesh.answer(PaymentsMessages.quote) { _, _ in PortalQuote(currency: .usd, amountCents: 10_410, feeCents: 332, totalCents: 10_742) }
        let harness = try GatewayHarness(mesh: mesh)
        let quote = try await harness.request(.get, "/api/v1/portal/\(token)/quote?method=card&invoice_ids=\(invoiceId)", as: .none)
        XCTAssertEqual(quote.status, 200)
        XCTAssertEqual([quote.json["fee"] as? String, quote.json["total"] as? String], ["$3.32", "$107.42"])
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.quote), PortalQuoteRequest(token: token, invoiceIds: [invoiceId], method: .card))
        let badQuote = try await harness.request(.get, "/api/v1/portal/\(token)/quote?method=cash&invoice_ids=\(invoiceId)", as: .none)
        XCTAssertEqual(badQuote.status, 400)

        let card = #"{"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123", "name": "Pat"}"#
        let paid = try await harness.request(.post, "/api/v1/portal/\(token)/payments", json: """
            {"invoice_ids": ["\(invoiceId)"], "method": "card", "payment_details": \(card)}
            """, as: .none, headers: [.idempotencyKey: "attempt-1"])
        XCTAssertEqual(paid.status, 201, paid.body)
        XCTAssertEqual(paid.json["fee_cents"] as? Int, 332)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.portalPay), PortalPaymentRequest(
            token: token, invoiceIds: [invoiceId], method: .card,
            card: CardDetails(cardNumber: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123", name: "Pat")))
        let envelope = try XCTUnwrap(mesh.sent(PaymentsMessages.portalPay.type).last)
        XCTAssertEqual(envelope.actor, .portalPayer)
        XCTAssertEqual(envelope.idempotencyKey, PortalRoutes.scopedKey("attempt-1", token: token), "kept apart from other links' keys")
        XCTAssertNotEqual(envelope.idempotencyKey, PortalRoutes.scopedKey("attempt-1", token: String(repeating: "z", count: 43)))

        let ach = try await harness.request(.post, "/api/v1/portal/\(token)/payments", json: """
            {"invoice_ids": ["\(invoiceId)"], "method": "ach",
             "payment_details": {"routing_number": "110000000", "account_number": "000123456789", "account_type": "checking", "name": "Pat"}}
            """, as: .none)
        XCTAssertEqual(ach.status, 201)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.portalPay)?.bankAccount?.accountNumber, "000123456789")
        XCTAssertNil(mesh.lastBody(PaymentsMessages.portalPay)?.card)

        let declined = try await harness.request(.post, "/api/v1/portal/\(token)/payments", json: """
            {"invoice_ids": ["\(invoiceId)"], "method": "card", "payment_details": {"card_number": "4000000000000002", "exp_month": 12,
             "exp_year": 2030, "cvc": "123", "name": "Pat"}}
            """, as: .none)
        XCTAssertEqual(declined.status, 402)
        XCTAssertEqual(declined.error.code, "payment_declined")
        XCTAssertEqual(declined.error.message, "Your card was declined.")
        let unreadable = try await harness.request(.post, "/api/v1/portal/\(token)/payments", json: """
            {"invoice_ids": ["\(invoiceId)"], "method": "ach", "payment_details": {"routing_number": 110000000}}
            """, as: .none)
        XCTAssertEqual(unreadable.status, 400, "neither a bank account nor a card")
        XCTAssertNotNil(unreadable.json["error"])
        XCTAssertEqual(mesh.sent(PaymentsMessages.portalPay.type).count, 3)
    }

    func testAPayersPromiseIsTheTokensCustomersAndTheSpecialistFollowsItUp() async throws {
        let mesh = mesh()
        mesh.answer(PaymentsMessages.recordPromise) { request, envelope in
            PromiseToPay(id: PromiseID(), customerId: request.customerId, contactId: nil, invoiceIds: request.promise.invoiceIds,
                         invoiceNumbers: ["INV-000001"], amountCents: request.promise.amountCents, currency: .usd,
                         promisedOn: request.promise.promisedOn, note: request.promise.note, state: .open, source: request.source,
                         specialistId: request.specialistId, paidCents: 0, recordedOn: BusinessDate("2026-11-30")!, resolvedOn: nil,
                         recordedBy: envelope.actor, createdAt: Date())
        }
        let harness = try GatewayHarness(mesh: mesh)
        let invoiceId = InvoiceID()
        let promised = try await harness.request(.post, "/api/v1/portal/\(token)/promises", json: """
            {"invoice_ids": ["\(invoiceId)"], "amount_cents": 5000, "promised_on": "2026-12-10", "note": "Payday"}
            """, as: .none)
        XCTAssertEqual(promised.status, 201, promised.body)
        XCTAssertEqual(promised.json["amount_cents"] as? Int, 5_000)
        XCTAssertNil(promised.json["specialist_id"], "the payer is not told who follows it up")
        XCTAssertNil(promised.json["recorded_by"])
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.recordPromise), RecordPromise(
            customerId: customerId, specialistId: specialist, source: .portal,
            promise: PromiseFields(invoiceIds: [invoiceId], amountCents: 5_000, promisedOn: BusinessDate("2026-12-10")!, note: "Payday")))
        XCTAssertEqual(mesh.sent(PaymentsMessages.recordPromise.type).last?.actor, .portalPayer)
        let withContact = try await harness.request(.post, "/api/v1/portal/\(token)/promises", json: """
            {"invoice_ids": ["\(invoiceId)"], "amount_cents": 5000, "promised_on": "2026-12-10", "contact_id": "\(ContactID())"}
            """, as: .none)
        XCTAssertEqual(withContact.status, 201, "unknown members are ignored; a payer names no contact")
        XCTAssertNil(mesh.lastBody(PaymentsMessages.recordPromise)?.promise.contactId)

        // Staff record one for the customer with a contact of its own (checked with customer-service).
        let contact = ContactRecord(id: ContactID(), customerId: customerId, fields: ContactFields(firstName: "Pat", lastName: "Payer"),
                                    createdAt: Date(), updatedAt: Date())
        mesh.answer(ContactMessages.get) { request, _ in
            guard request.id == contact.id else { throw ErrorBody.notFound("contact \(request.id) does not exist") }
            return contact
        }
        let staff = try await harness.request(.post, "/api/v1/customers/\(customerId)/promises", json: """
            {"contact_id": "\(contact.id)", "invoice_ids": ["\(invoiceId)"], "amount_cents": 7000, "promised_on": "2026-12-12"}
            """)
        XCTAssertEqual(staff.status, 201)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.recordPromise)?.source, .staff)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.recordPromise)?.specialistId, specialist)
        let strangerContact = try await harness.request(.post, "/api/v1/customers/\(customerId)/promises", json: """
            {"contact_id": "\(ContactID())", "invoice_ids": ["\(invoiceId)"], "amount_cents": 7000, "promised_on": "2026-12-12"}
            """)
        XCTAssertEqual(strangerContact.status, 422)
        XCTAssertEqual(mesh.sent(PaymentsMessages.recordPromise.type).count, 3, "refused before payments-service heard of it")
    }

    func testPaymentAttemptsWithOneLinkAreLimited() async throws {
        let mesh = mesh()
        mesh.answer(PaymentsMessages.portalPay) { _, _ in
            throw ErrorBody(.paymentDeclined, "Your card was declined.", details: ["decline_code": "card_declined"])
        }
        let harness = try GatewayHarness(mesh: mesh)
        var statuses: [Int] = []
        for _ in 0..<11 {
            statuses.append(try await harness.request(.post, "/api/v1/portal/\(token)/payments", json: """
                {"invoice_ids": ["\(InvoiceID())"], "method": "card", "payment_details": {"card_number": "4000000000000002",
                 "exp_month": 12, "exp_year": 2030, "cvc": "123", "name": "Pat"}}
                """, as: .none).status)
        }
        XCTAssertEqual(statuses, Array(repeating: 402, count: 10) + [429], "card testing with a link stops after ten tries")
        XCTAssertEqual(mesh.sent(PaymentsMessages.portalPay.type).count, 10)
        let view = try await harness.request(.get, "/api/v1/portal/\(token)", as: .none)
        XCTAssertEqual(view.status, 200, "the page itself still opens")
    }

    func testThePortalHasItsOwnRateLimit() async throws {
        let harness = try GatewayHarness(mesh: mesh())
        var statuses: [Int] = []
        for _ in 0..<61 { statuses.append(try await harness.request(.get, "/api/v1/portal/\(token)", as: .none).status) }
        XCTAssertEqual(Array(statuses.prefix(60)), Array(repeating: 200, count: 60))
        XCTAssertEqual(statuses.last, 429)
        let signIn = try await harness.request(.get, "/api/v1/me")
        XCTAssertEqual(signIn.status, 200, "the rest of the API is not limited by it")
    }

    func testLinksAreMadeRevokedAndTheirURLsBuiltFromThePublicAddress() async throws {
        let mesh = mesh()
        mesh.answer(PaymentsMessages.createLink) { request, _ in
            PaymentLink(url: request.portalBase + "tok", token: "tok", expiresOn: request.expiresOn, created: request.expiresOn == nil)
        }
        mesh.answer(PaymentsMessages.revokeLink) { _, _ in Empty() }
        let harness = try GatewayHarness(mesh: mesh)
        let made = try await harness.request(.post, "/api/v1/customers/\(customerId)/payment-link", json: "{}")
        XCTAssertEqual(made.status, 201)
        XCTAssertEqual(made.json["url"] as? String, "\(FakeMesh.site)/pay/tok")
        XCTAssertTrue(made.json.keys.contains("expires_on"))
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.createLink), CreatePaymentLink(
            customerId: customerId, expiresOn: nil, portalBase: "\(FakeMesh.site)/pay/"))
        let existing = try await harness.request(.post, "/api/v1/customers/\(customerId)/payment-link", json: #"{"expires_on": "2026-12-31"}"#)
        XCTAssertEqual(existing.status, 200, "the active link, not a new one")
        let revoked = try await harness.request(.delete, "/api/v1/customers/\(customerId)/payment-link")
        XCTAssertEqual(revoked.status, 204)
        let viewer = try await harness.request(.post, "/api/v1/customers/\(customerId)/payment-link", json: "{}",
                                               as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 403)
        let elsewhere = try await harness.request(.post, "/api/v1/customers/\(CustomerID())/payment-link", json: "{}")
        XCTAssertEqual(elsewhere.status, 404)
        XCTAssertEqual(mesh.sent(PaymentsMessages.createLink.type).count, 2)
    }

    func testThePromisesReportNamesSpecialistsAndASpecialistSeesTheirOwn() async throws {
        let mesh = mesh()
        mesh.answer(PaymentsMessages.promiseReport) { request, _ in
            PromiseReport(from: request.from, to: request.to, items: [PromiseReportRow(
                specialistId: FakeMesh.users[.specialist], currency: .usd, open: PromiseTally(count: 1, amountCents: 500), kept: .zero,
                broken: .zero, cancelled: .zero)])
        }
        mesh.answer(IdentityMessages.listUsers) { _, _ in UserList(items: [FakeMesh.user(.specialist)]) }
        let harness = try GatewayHarness(mesh: mesh)
        let report = try await harness.request(.get, "/api/v1/reports/promises?from=2026-12-01&to=2026-12-31")
        XCTAssertEqual(report.status, 200, report.body)
        let row = (report.json["items"] as? [[String: Any]])?.first
        XCTAssertEqual(row?["specialist_name"] as? String, FakeMesh.user(.specialist).name)
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.promiseReport), PromiseReportRequest(
            from: BusinessDate("2026-12-01"), to: BusinessDate("2026-12-31")))
        _ = try await harness.request(.get, "/api/v1/reports/promises?specialist_id=\(UserID())", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(mesh.lastBody(PaymentsMessages.promiseReport)?.specialistId, FakeMesh.users[.specialist],
                       "a specialist limited to their customers sees only their own promises")
        let bad = try await harness.request(.get, "/api/v1/reports/promises?from=soon")
        XCTAssertEqual(bad.status, 400)
    }
}
