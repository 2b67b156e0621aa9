import Contracts
import Foundation
@testable import Gateway
import XCTest

/// The reconciliation rules on facts made by hand: each kind of discrepancy is found, named
/// by its ids, and facts that add up give none.
final class ReconcilerTests: XCTestCase {
    private let customer = CustomerID()

    private func facts(_ invoices: [InvoiceFact], open: Int64) -> CustomerInvoiceFacts {
        CustomerInvoiceFacts(customerId: customer, invoices: invoices, totals: InvoiceTotals(openCents: open, overdueCents: 0, aging: Aging()))
    }

    func testFactsThatAddUpHaveNoDiscrepancy() {
        let a = InvoiceFact(invoiceId: InvoiceID(), totalCents: 10_000, paidCents: 4_000, state: .partiallyPaid)
        let b = InvoiceFact(invoiceId: InvoiceID(), totalCents: 500, paidCents: 0, state: .void)
        let applied = [a.invoiceId: AppliedFact(invoiceId: a.invoiceId, appliedCents: 4_000, knownTotalCents: 10_000, knownState: "issued")]
        XCTAssertEqual(Reconciler.check(facts([a, b], open: 6_000), applied: applied, listed: 6_000), [])
        XCTAssertNil(Reconciler.check(PaymentFact(paymentId: PaymentID(), customerId: customer, amountCents: 5_000, appliedCents: 4_000,
                                                  refundedCents: 1_000)))
    }

    func testEachKindOfDiscrepancyIsNamedWithItsIds() {
        let paidWrong = InvoiceFact(invoiceId: InvoiceID(), totalCents: 10_000, paidCents: 4_000, state: .partiallyPaid)
        let overApplied = InvoiceFact(invoiceId: InvoiceID(), totalCents: 1_000, paidCents: 1_200, state: .paid)
        let voidApplied = InvoiceFact(invoiceId: InvoiceID(), totalCents: 800, paidCents: 300, state: .void)
        let totalWrong = InvoiceFact(invoiceId: InvoiceID(), totalCents: 2_000, paidCents: 0, state: .open)
        let applied = [
            paidWrong.invoiceId: AppliedFact(invoiceId: paidWrong.invoiceId, appliedCents: 3_000, knownTotalCents: 10_000, knownState: "issued"),
            overApplied.invoiceId: AppliedFact(invoiceId: overApplied.invoiceId, appliedCents: 1_200, knownTotalCents: 1_000, knownState: "issued"),
            voidApplied.invoiceId: AppliedFact(invoiceId: voidApplied.invoiceId, appliedCents: 300, knownTotalCents: 800, knownState: "void"),
            totalWrong.invoiceId: AppliedFact(invoiceId: totalWrong.invoiceId, appliedCents: 0, knownTotalCents: 1_900, knownState: "issued"),
        ]
        // open: 6,000 (paidWrong) + 2,000 (totalWrong) = 8,000; the details claim 9,000, the list 7,000.
        let found = Reconciler.check(facts([paidWrong, overApplied, voidApplied, totalWrong], open: 9_000), applied: applied, listed: 7_000)
        XCTAssertEqual(found.map(\.kind), ["invoice_paid_mismatch", "invoice_over_applied", "void_invoice_applied", "invoice_total_mismatch",
                                           "details_total_mismatch", "customer_list_balance_mismatch"])
        XCTAssertEqual(found.prefix(4).map(\.invoiceId), [paidWrong.invoiceId, overApplied.invoiceId, voidApplied.invoiceId, totalWrong.invoiceId])
        XCTAssertTrue(found.allSatisfy { $0.customerId == customer })
        let payment = PaymentID()
        XCTAssertEqual(Reconciler.check(PaymentFact(paymentId: payment, customerId: customer, amountCents: 5_000, appliedCents: 4_500,
                                                    refundedCents: 1_000))?.paymentId, payment)
    }
}
