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
