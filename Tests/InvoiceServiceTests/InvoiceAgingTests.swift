import Contracts
import XCTest
@testable import InvoiceService

final class InvoiceAgingTests: XCTestCase {
    private func invoice(due: String, balance: Int64, state: InvoiceState = .open) -> InvoiceSummary {
        InvoiceSummary(id: InvoiceID(), number: "INV-\(due)", issueDate: BusinessDate("2026-01-01")!, dueDate: BusinessDate(due)!,
                       currency: .usd, totalCents: balance, paidCents: 0, balanceCents: balance, state: state, collectionStatus: nil)
    }

    func testASumThatWouldOverflowIsAnErrorNotAWrappedNumber() {
        let today = BusinessDate("2026-11-29")!
        let huge = [invoice(due: "2026-11-28", balance: Int64.max), invoice(due: "2026-11-27", balance: 1)]
        XCTAssertThrowsError(try InvoiceAging.totals(of: huge, asOf: today)) { error in
            XCTAssertEqual(error as? MoneyError, .overflow)
        }
    }

    func testBucketsByDaysPastDueAndSkipsPaidDraftAndVoid() throws {
        let today = BusinessDate("2026-11-29")!
        let invoices = [
            invoice(due: "2026-11-29", balance: 100),    // due today: current
            invoice(due: "2026-11-28", balance: 200),    // 1 day: 1-30
            invoice(due: "2026-10-30", balance: 300),    // 30 days: 1-30
            invoice(due: "2026-10-29", balance: 400),    // 31 days: 31-60
            invoice(due: "2026-08-31", balance: 500),    // 90 days: 61-90
            invoice(due: "2026-08-30", balance: 600, state: .partiallyPaid),  // 91 days: >90
            invoice(due: "2026-01-01", balance: 700, state: .draft),
            invoice(due: "2026-01-01", balance: 0, state: .paid),
        ]
        let totals = try InvoiceAging.totals(of: invoices, asOf: today)
        XCTAssertEqual(totals.aging, Aging(current: 100, d1_30: 500, d31_60: 400, d61_90: 500, over_90: 600))
        XCTAssertEqual(totals.openCents, 2_100)
        XCTAssertEqual(totals.overdueCents, 2_000)
    }
}

final class InvoiceCatalogueTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let definition = try InvoiceService.definition()
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(InvoiceMessages.catalogue.requests.map(\.type)))
    }
}
