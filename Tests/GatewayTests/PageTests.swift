import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The web UI in-process: templates, forms, static files, money.
final class PageTests: XCTestCase {
    func testTheStylesheetAndScriptAreFilesWithTheirTypesAndNothingElseIs() async throws {
        let harness = try GatewayHarness()
        let css = try await harness.request(.get, "/assets/app.css", as: .none)
        XCTAssertEqual(css.status, 200)
        XCTAssertEqual(css.headers[.contentType], "text/css")
        XCTAssertEqual(css.headers[.cacheControl], "max-age=300")
        XCTAssertTrue(css.body.contains(".topbar"))
        let script = try await harness.request(.get, "/assets/app.js", as: .none)
        XCTAssertEqual(script.status, 200)
        XCTAssertTrue(script.headers[.contentType]?.contains("javascript") == true, "\(script.headers)")
        let missing = try await harness.request(.get, "/assets/nope.css", as: .none)
        XCTAssertEqual(missing.status, 404)
        let escape = try await harness.request(.get, "/assets/../Templates/layout.mustache", as: .none)
        XCTAssertEqual(escape.status, 400, "a path that climbs out of the assets is refused")
        XCTAssertFalse(escape.body.contains("{{"), "a template leaked")
    }

    func testTheSignInFormIsReadAsAFormAndAFailureShowsItsMessageEscaped() async throws {
        let harness = try GatewayHarness()
        harness.mesh.answer(IdentityMessages.login) { attempt, _ in
            XCTAssertEqual(attempt.login.email, "a+b@example.com")
            XCTAssertEqual(attempt.login.password, "p&ss word=1")
            XCTAssertNil(attempt.login.totpCode)
            return LoginOutcome.refused
        }
        let reply = try await harness.request(
            .post, "/login", form: "email=a%2Bb%40example.com&password=p%26ss+word%3D1&totp_code=&next=%2Fcustomers%2F%3Cx%3E",
            as: .none, headers: [.origin: FakeMesh.site])
        XCTAssertEqual(reply.status, 401)
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.login.type).count, 1)
        XCTAssertTrue(reply.body.contains("the email or password is not correct"))
        XCTAssertTrue(reply.body.contains(#"value="a+b@example.com""#), "the email is kept for another try")
        XCTAssertTrue(reply.body.contains(#"name="next" value="/customers/&lt;x&gt;""#), reply.body)
    }

    func testAmountsUseTheCurrencysMinorUnits() async throws {
        let mesh = FakeMesh()
        let id = CustomerID()
        let yen = Currency("JPY")!
        mesh.answer(CustomerMessages.profile) { _, _ in
            CustomerProfile(customer: CustomerRecord(id: id, fields: CustomerFields(displayName: "Tokyo KK", currency: yen), currency: yen,
                                                     paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                                     createdAt: Date(), updatedAt: Date()),
                            specialist: nil, contacts: [], documents: [])
        }
        mesh.answer(InvoiceMessages.customerSummary) { _, _ in
            CustomerInvoicesSummary(invoices: [InvoiceSummary(
                id: InvoiceID(), number: "INV-1", issueDate: BusinessDate("2026-10-01")!, dueDate: BusinessDate("2026-10-31")!,
                currency: yen, totalCents: 1_234_567, paidCents: 0, balanceCents: 1_234_567, state: .partiallyPaid, collectionStatus: nil)],
                totals: InvoiceTotals(openCents: 1_234_567, overdueCents: 0, aging: Aging(current: 1_234_567)))
        }
        let page = try await GatewayHarness(mesh: mesh).request(.get, "/customers/\(id)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.body.contains("1,234,567 JPY"), "the yen has no minor unit")
        XCTAssertFalse(page.body.contains("12,345.67"))
        XCTAssertTrue(page.body.contains("partially paid"))
    }

    /// The invoice table: the collection status as a select that saves itself (for editors,
    /// not on a void invoice), the PDF link, overdue days; the Create Invoice dialog with the
    /// default status chosen; what is open per status, by name.
    func testTheInvoiceTableAndTheCreateInvoiceDialog() async throws {
        let mesh = FakeMesh()
        let id = CustomerID()
        mesh.answer(CustomerMessages.profile) { _, _ in
            CustomerProfile(customer: CustomerRecord(id: id, fields: CustomerFields(displayName: "Acme"), currency: .usd,
                                                     paymentTermsDays: 45, isDeactivated: false, specialistId: nil,
                                                     createdAt: Date(), updatedAt: Date()),
                            specialist: nil, contacts: [], documents: [])
        }
        let reminded = CollectionStatus(id: CollectionStatusID(), name: "Reminded", position: 0, managerId: nil, isDefault: true,
                                        disputed: false, createdAt: Date())
        let disputed = CollectionStatus(id: CollectionStatusID(), name: "Disputed <x>", position: 1, managerId: nil, isDefault: false,
                                        disputed: true, createdAt: Date())
        mesh.answer(CollectionStatusMessages.list) { _, _ in CollectionStatusList(items: [reminded, disputed]) }
        let open = InvoiceID()
        let voided = InvoiceID()
        mesh.answer(InvoiceMessages.customerSummary) { _, _ in
            CustomerInvoicesSummary(invoices: [
                InvoiceSummary(id: open, number: "INV-000007", issueDate: BusinessDate("2026-10-01")!, dueDate: BusinessDate("2026-10-31")!,
                               currency: .usd, totalCents: 10_000, paidCents: 2_500, balanceCents: 7_500, state: .partiallyPaid,
                               collectionStatus: CollectionStatusRef(id: disputed.id, name: disputed.name), daysOverdue: 31),
                InvoiceSummary(id: voided, number: "INV-000008", issueDate: BusinessDate("2026-10-01")!, dueDate: BusinessDate("2026-10-31")!,
                               currency: .usd, totalCents: 500, paidCents: 0, balanceCents: 500, state: .void, collectionStatus: nil),
            ], totals: InvoiceTotals(openCents: 7_500, overdueCents: 7_500, aging: Aging(d31_60: 7_500), byCollectionStatus: [
                CollectionStatusTotal(id: disputed.id, name: disputed.name, openCents: 7_500, invoices: 1)]))
        }
        let harness = try GatewayHarness(mesh: mesh)
        let page = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(page.status, 200)
        let body = page.body
        XCTAssertTrue(body.contains(#"data-api="/api/v1/invoices/\#(open)/collection-status" data-method="PUT""#))
        XCTAssertFalse(body.contains(#"/api/v1/invoices/\#(voided)/collection-status"#), "a void invoice has no status to change")
        XCTAssertTrue(body.contains(#"<option value="\#(disputed.id)" selected>Disputed &lt;x&gt;</option>"#), body)
        XCTAssertTrue(body.contains(#"href="/api/v1/invoices/\#(open)/pdf""#))
        XCTAssertTrue(body.contains("31 days overdue"))
        XCTAssertTrue(body.contains("$25.00"), "paid")
        XCTAssertTrue(body.contains(#"data-api="/api/v1/customers/\#(id)/invoices" data-method="POST" data-invoice"#))
        XCTAssertTrue(body.contains(#"<option value="\#(reminded.id)" selected>Reminded</option>"#), "the default for new invoices")
        XCTAssertTrue(body.contains("net 45 days"))
        XCTAssertTrue(body.contains("Disputed &lt;x&gt; (1)"), "open per collection status, by name")
        XCTAssertTrue(body.contains(#"href="/api/v1/customers/\#(id)/statement.pdf""#))

        let viewer = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertFalse(viewer.body.contains(#"/invoices" data-method="POST""#), "viewers create nothing")
        XCTAssertFalse(viewer.body.contains("collection-status\" data-method"))
        XCTAssertTrue(viewer.body.contains("<td>Disputed &lt;x&gt;</td>"), "but see the status")
        XCTAssertTrue(viewer.body.contains(#"href="/api/v1/invoices/\#(open)/pdf""#))
    }

    /// The payments section: each payment with its applications (unapply on the live ones),
    /// apply-credit and refund forms where credit is left, Take Payment listing the open
    /// invoices oldest due first with their balances, and the settings dialog filled in.
    func testThePaymentsSectionAndTheTakePaymentDialog() async throws {
        let mesh = FakeMesh()
        let id = CustomerID()
        mesh.answer(CustomerMessages.profile) { _, _ in
            CustomerProfile(customer: CustomerRecord(id: id, fields: CustomerFields(displayName: "Acme"), currency: .usd,
                                                     paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                                     createdAt: Date(), updatedAt: Date()),
                            specialist: nil, contacts: [], documents: [])
        }
        let paymentId = PaymentID()
        let live = PaymentApplicationID()
        let invoice = InvoiceID()
        mesh.answer(PaymentsMessages.list) { _, _ in
            PaymentPage(items: [Payment(
                id: paymentId, customerId: id, amountCents: 20_000, currency: .usd, method: "ach", reference: "T-9",
                receivedOn: BusinessDate("2026-11-19")!, appliedCents: 12_500, refundedCents: 0, unappliedCents: 7_500,
                applications: [
                    PaymentApplication(id: live, invoiceId: invoice, invoiceNumber: "INV-000001", amountCents: 12_500,
                                       appliedOn: BusinessDate("2026-11-20")!, unappliedOn: nil, unapplyReason: nil),
                    PaymentApplication(id: PaymentApplicationID(), invoiceId: invoice, invoiceNumber: "INV-000002", amountCents: 300,
                                       appliedOn: BusinessDate("2026-11-20")!, unappliedOn: BusinessDate("2026-11-21")!,
                                       unapplyReason: .invoiceVoided),
                ], refunds: [], createdAt: Date())], nextCursor: nil, total: 1)
        }
        mesh.answer(PaymentsMessages.methods) { _, _ in
            PaymentMethodList(items: [PaymentMethod(code: "ach", name: "ACH", isBuiltin: true, active: true),
                                      PaymentMethod(code: "old", name: "Retired way", isBuiltin: false, active: false)])
        }
        mesh.answer(PaymentsMessages.openInvoices) { _, _ in
            PayableInvoiceList(items: [PayableInvoice(id: invoice, number: "INV-000003", issueDate: BusinessDate("2026-10-01")!,
                                                      dueDate: BusinessDate("2026-10-31")!, currency: .usd, totalCents: 9_000,
                                                      balanceCents: 4_250)])
        }
        mesh.answer(PaymentsMessages.settings) { _, _ in
            PaymentSettings(cardAllowed: true, achAllowed: false, cardFee: ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: nil),
                            achFee: nil, autopay: false, isCustomerSpecific: true)
        }
        let harness = try GatewayHarness(mesh: mesh)
        let body = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.specialist))).body
        XCTAssertTrue(body.contains("<strong>$200.00</strong> by ACH (T-9), received 2026-11-19"), body)
        XCTAssertTrue(body.contains(#"data-delete="/api/v1/payments/\#(paymentId)/applications/\#(live)""#), "unapply the live one")
        XCTAssertEqual(body.components(separatedBy: "/applications/").count - 1, 1, "only the live application can be taken back")
        XCTAssertTrue(body.contains("taken back 2026-11-21 (invoice voided)"))
        XCTAssertTrue(body.contains(#"data-api="/api/v1/payments/\#(paymentId)/refunds""#))
        XCTAssertTrue(body.contains(#"data-api="/api/v1/payments/\#(paymentId)/applications" data-method="POST""#))
        XCTAssertTrue(body.contains(#"data-apply-row data-invoice-id="\#(invoice)" data-balance="4250""#))
        XCTAssertTrue(body.contains(#"<option value="ach" selected>ACH</option>"#) || body.contains(#"<option value="ach">ACH</option>"#))
        XCTAssertFalse(body.contains("Retired way</option>"), "a retired method takes no new payments")
        XCTAssertTrue(body.contains(#"data-fee="card_fee" data-part="percent" value="2.90""#))
        XCTAssertTrue(body.contains(#"data-fee="card_fee" data-part="fixed" value="0.30""#))
        XCTAssertTrue(body.contains("Use business defaults"))

        let viewer = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.viewer))).body
        XCTAssertTrue(viewer.contains("<strong>$200.00</strong>"), "viewers see the payments")
        XCTAssertFalse(viewer.contains("take-payment"), "but take none")
        XCTAssertFalse(viewer.contains("/refunds"))
    }

    func testThePromisesThePaymentLinkAndThePromiseToPayDialog() async throws {
        let mesh = FakeMesh()
        let id = CustomerID()
        mesh.answer(CustomerMessages.profile) { _, _ in
            CustomerProfile(customer: CustomerRecord(id: id, fields: CustomerFields(displayName: "Acme"), currency: .usd,
                                                     paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                                     createdAt: Date(), updatedAt: Date()),
                            specialist: nil, contacts: [], documents: [])
        }
        let invoice = InvoiceID()
        let promise = PromiseToPay(
            id: PromiseID(), customerId: id, contactId: nil, invoiceIds: [invoice], invoiceNumbers: ["INV-000003"], amountCents: 4_000,
            currency: .usd, promisedOn: BusinessDate("2026-12-15")!, note: "<b>Payday</b>", state: .open, source: .portal,
            specialistId: nil, paidCents: 1_500, recordedOn: BusinessDate("2026-12-01")!, resolvedOn: nil, recordedBy: .portalPayer,
            createdAt: Date())
        mesh.answer(PaymentsMessages.customerSummary) { request, _ in
            CustomerPaymentsSummary(payment: PaymentSection(
                settings: PaymentSettings(cardAllowed: true, achAllowed: true, cardFee: nil, achFee: nil, autopay: false,
                                          isCustomerSpecific: false),
                link: request.portalBase.map { PaymentLinkSummary(url: $0 + "tok", expiresOn: nil) }, unappliedCreditCents: 0),
                promises: [promise])
        }
        mesh.answer(PaymentsMessages.list) { _, _ in PaymentPage(items: [], nextCursor: nil, total: 0) }
        mesh.answer(PaymentsMessages.openInvoices) { _, _ in
            PayableInvoiceList(items: [PayableInvoice(id: invoice, number: "INV-000003", issueDate: BusinessDate("2026-10-01")!,
                                                      dueDate: BusinessDate("2026-10-31")!, currency: .usd, totalCents: 9_000,
                                                      balanceCents: 4_250)])
        }
        let harness = try GatewayHarness(mesh: mesh)
        let body = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.specialist))).body
        XCTAssertTrue(body.contains("<strong>$40.00</strong> promised by 2026-12-15 on INV-000003"), body)
        XCTAssertTrue(body.contains(#"<span class="badge" data-testid="promise-state">open</span> via the portal"#))
        XCTAssertTrue(body.contains("Paid toward it: $15.00 — &lt;b&gt;Payday&lt;/b&gt;"), "a payer's note is text, never HTML")
        XCTAssertTrue(body.contains(#"data-post="/api/v1/promises/\#(promise.id)/cancel""#))
        XCTAssertTrue(body.contains(#"href="\#(FakeMesh.site)/pay/tok" data-testid="payment-link""#), "the link built from AR_PUBLIC_URL")
        XCTAssertTrue(body.contains(#"data-copy-link="/api/v1/customers/\#(id)/payment-link""#))
        XCTAssertTrue(body.contains(#"data-delete="/api/v1/customers/\#(id)/payment-link""#), "revoke")
        XCTAssertTrue(body.contains(#"<form class="form" data-api="/api/v1/customers/\#(id)/promises" data-method="POST""#))
        XCTAssertTrue(body.contains(#"<input type="checkbox" name="invoice_ids" value="\#(invoice)" data-list"#))

        let viewer = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.viewer))).body
        XCTAssertTrue(viewer.contains("promised by 2026-12-15"), "viewers see the promises")
        XCTAssertFalse(viewer.contains("promise-to-pay"), "but record none")
        XCTAssertFalse(viewer.contains("/cancel"))
        XCTAssertFalse(viewer.contains("data-copy-link"))
    }

    func testTheHistorySectionItsTabsNotesTasksAndMyTasks() async throws {
        let mesh = FakeMesh()
        let id = CustomerID()
        mesh.answer(CustomerMessages.profile) { _, _ in
            CustomerProfile(customer: CustomerRecord(id: id, fields: CustomerFields(displayName: "Acme"), currency: .usd,
                                                     paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                                     createdAt: Date(), updatedAt: Date()),
                            specialist: nil, contacts: [], documents: [])
        }
        let sam = SpecialistReference(id: UserID(), name: "Sam Lee")
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: [sam]) }
        let overdue = TaskSummary(id: TaskID(), assigneeId: sam.id, title: "Call <AP>", dueOn: BusinessDate("2020-01-01")!,
                                  contactId: nil, invoiceId: nil)
        let entries = (0..<20).map { index in
            Activity(id: ActivityID(), customerId: id, category: "note", type: "note.add", summary: "<script>x</script> \(index)",
                     occurredAt: Date(timeIntervalSince1970: 1_790_000_000 - Double(index)), actor: Actor(userId: UserID(), role: "manager", name: "Dana"))
        }
        mesh.answer(HistoryMessages.customerSummary) { _, _ in
            CustomerHistorySection(history: CustomerHistorySummary(items: entries, nextCursor: "page-2", openTasks: [overdue]))
        }
        let task = TaskRecord(id: TaskID(), customerId: id, assigneeId: FakeMesh.users[.specialist], title: "Send statement",
                              dueOn: BusinessDate("2020-02-01")!, contactId: nil, invoiceId: nil, promiseId: nil, state: .open,
                              createdBy: nil, createdAt: Date(), completedAt: nil, completedBy: nil)
        mesh.answer(HistoryMessages.listTasks) { _, _ in TaskPage(items: [task], nextCursor: nil, total: 1) }
        let harness = try GatewayHarness(mesh: mesh)
        let body = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.specialist))).body
        XCTAssertTrue(body.contains("&lt;script&gt;x&lt;/script&gt; 0"), "an entry is text, never HTML")
        XCTAssertFalse(body.contains("<script>x</script>"))
        XCTAssertEqual(body.components(separatedBy: "data-history-tab=").count - 1, 7, "All, Calls, Emails, SMS, Notes, Tasks, Payments")
        XCTAssertTrue(body.contains(#"data-next="page-2""#), "Load more goes on where history-service's page ended")
        XCTAssertTrue(body.contains(#"data-history="/api/v1/customers/\#(id)/history""#))
        XCTAssertTrue(body.contains(#"data-post="/api/v1/tasks/\#(overdue.id)/complete" aria-label="Complete Call &lt;AP&gt;""#))
        XCTAssertTrue(body.contains(#"<span class="badge badge-danger">overdue</span> · Sam Lee"#))
        XCTAssertTrue(body.contains(#"data-api="/api/v1/customers/\#(id)/notes""#))
        XCTAssertTrue(body.contains(#"data-api="/api/v1/customers/\#(id)/tasks""#))
        XCTAssertTrue(body.contains(#"<option value="\#(sam.id)">Sam Lee</option>"#), "whom a task can go to")

        let viewer = try await harness.request(.get, "/customers/\(id)", as: .bearer(FakeMesh.token(.viewer))).body
        XCTAssertFalse(viewer.contains("add-note"), "viewers add no notes")
        XCTAssertFalse(viewer.contains("/complete"))

        let tasks = try await harness.request(.get, "/tasks", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(tasks.status, 200)
        XCTAssertTrue(tasks.body.contains("Send statement"))
        XCTAssertTrue(tasks.body.contains(#"data-post="/api/v1/tasks/\#(task.id)/complete""#))
        XCTAssertTrue(tasks.body.contains(#"href="/customers/\#(id)""#))
        XCTAssertEqual(mesh.lastBody(HistoryMessages.listTasks), ListTasks(assigneeId: FakeMesh.users[.specialist], state: .open,
                                                                         visibleTo: FakeMesh.users[.specialist], limit: 200))
        XCTAssertTrue(tasks.body.contains(#"href="/tasks" data-testid="my-tasks-link""#), "linked from the header")
    }

    func testTheCustomersPageListsEscapedAndOffersAddOnlyToThoseWhoMay() async throws {
        let mesh = FakeMesh()
        mesh.answer(CustomerMessages.list) { _, _ in
            CustomerPage(items: [CustomerListItem(
                record: CustomerRecord(id: CustomerID(), fields: CustomerFields(displayName: "<b>Bold</b> Co"), currency: .usd,
                                       paymentTermsDays: 30, isDeactivated: false, specialistId: nil, createdAt: Date(), updatedAt: Date()),
                status: .new)], nextCursor: nil, total: 1)
        }
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: []) }
        let harness = try GatewayHarness(mesh: mesh)
        let owner = try await harness.request(.get, "/customers")
        XCTAssertEqual(owner.status, 200)
        XCTAssertTrue(owner.body.contains("&lt;b&gt;Bold&lt;/b&gt; Co"))
        XCTAssertTrue(owner.body.contains("1 customer<"), owner.body)
        XCTAssertTrue(owner.body.contains("+ Add Customer"))
        let viewer = try await harness.request(.get, "/customers", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertFalse(viewer.body.contains("+ Add Customer"))
    }

    func testTheCustomersPageKeepsItsFiltersInTheExportAndTheNextPageAndShowsBalances() async throws {
        let mesh = FakeMesh()
        let sam = SpecialistReference(id: UserID(), name: "Sam Lee")
        mesh.answer(CustomerMessages.list) { _, _ in
            CustomerPage(items: [CustomerListItem(
                record: CustomerRecord(id: CustomerID(), fields: CustomerFields(displayName: "Acme"), currency: .usd,
                                       paymentTermsDays: 30, isDeactivated: false, specialistId: sam.id, createdAt: Date(), updatedAt: Date()),
                status: .active, openBalanceCents: 1_234_500, overdueBalanceCents: 34_500, specialist: sam)],
                nextCursor: "next-one", total: 51)
        }
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: [sam]) }
        let harness = try GatewayHarness(mesh: mesh)
        let page = try await harness.request(.get, "/customers?q=ac%20me&status=active&specialist_id=\(sam.id)&sort=-overdue_balance&cursor=")
        XCTAssertEqual(page.status, 200, page.body)
        let sent = try XCTUnwrap(mesh.lastBody(CustomerMessages.list))
        XCTAssertEqual(sent, ListCustomers(query: "ac me", status: .active, specialistId: sam.id, sort: .largestOverdueBalance, limit: 50))
        let filters = "q=ac%20me&status=active&specialist_id=\(sam.id)&sort=-overdue_balance"
        XCTAssertTrue(page.body.contains(#"href="/api/v1/customers/export.csv?\#(filters.replacingOccurrences(of: "&", with: "&amp;"))""#), page.body)
        XCTAssertTrue(page.body.contains("/customers?\(filters.replacingOccurrences(of: "&", with: "&amp;"))&amp;cursor=next-one"), page.body)
        XCTAssertTrue(page.body.contains("$12,345.00"))
        XCTAssertTrue(page.body.contains(#"<td class="num danger">$345.00</td>"#), page.body)
        XCTAssertTrue(page.body.contains("<td>Sam Lee</td>"))
        XCTAssertTrue(page.body.contains(#"<option value="active" selected>Active</option>"#))
        XCTAssertTrue(page.body.contains(#"<option value="\#(sam.id)" selected>Sam Lee</option>"#))
        XCTAssertTrue(page.body.contains("51 customers"))
        XCTAssertTrue(page.body.contains(#"data-api="/api/v1/customers/bulk/specialist""#), "an owner assigns many at once")
        XCTAssertTrue(page.body.contains(#"name="customer_ids" value=""#))
        let specialist = try await harness.request(.get, "/customers", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertFalse(specialist.body.contains("bulk/specialist"), "a specialist does not")
        let empty = try await harness.request(.get, "/customers?status=&specialist_id=&sort=")
        XCTAssertEqual(empty.status, 200, "a form's empty choices are no filter")
        XCTAssertEqual(mesh.lastBody(CustomerMessages.list), ListCustomers(limit: 50))
    }
}
