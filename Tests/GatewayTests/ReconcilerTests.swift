import Contracts
import Foundation
@testable import Gateway
import Threading
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
        let applied = [a.invoiceId: AppliedFact(invoiceId: a.invoiceId, appliedCents: 4_000, knownTotalCents: 10_000, knownState: "issued"),
                       b.invoiceId: AppliedFact(invoiceId: b.invoiceId, appliedCents: 0, knownTotalCents: 500, knownState: "void")]
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

        // payments-service's copy of an invoice: missing, or not void when the invoice is.
        let unknown = InvoiceFact(invoiceId: InvoiceID(), totalCents: 100, paidCents: 0, state: .open)
        let staleVoid = InvoiceFact(invoiceId: InvoiceID(), totalCents: 100, paidCents: 0, state: .void)
        let copies = [staleVoid.invoiceId: AppliedFact(invoiceId: staleVoid.invoiceId, appliedCents: 0, knownTotalCents: 100,
                                                       knownState: "issued")]
        XCTAssertEqual(Reconciler.check(facts([unknown, staleVoid], open: 100), applied: copies, listed: nil).map(\.kind),
                       ["invoice_unknown_to_payments", "invoice_state_mismatch"])
    }

    /// Pages of customers and of payments are followed to the end, and a discrepancy seen once
    /// (an event in flight) but not on the second look is not reported.
    func testEveryPageIsReadAndAPassingDifferenceIsNotReported() async throws {
        let mesh = FakeMesh()
        let customers = (0..<5).map { _ in CustomerID() }.sorted { $0.uuid.uuidString < $1.uuid.uuidString }
        let invoice = InvoiceID()
        let looks = Locked(0)
        mesh.answer(ReconcileMessages.invoiceFacts) { request, _ in
            let rest = customers.filter { id in request.after.map { id.uuid.uuidString > $0.uuidString } ?? true }
            let page = Array(rest.prefix(request.limit))
            let items = page.map { id in
                CustomerInvoiceFacts(customerId: id, invoices: id == customers[0]
                    ? [InvoiceFact(invoiceId: invoice, totalCents: 1_000, paidCents: looks.withLock { $0 } == 0 ? 0 : 400, state: .partiallyPaid)]
                    : [], totals: InvoiceTotals(openCents: id == customers[0] ? (looks.withLock { $0 } == 0 ? 1_000 : 600) : 0,
                                                overdueCents: 0, aging: Aging()))
            }
            if request.after == nil { looks.withLock { $0 += 1 } }
            return CustomerInvoiceFactsPage(items: items, next: page.count < request.limit ? nil : page.last?.uuid)
        }
        mesh.answer(ReconcileMessages.appliedFacts) { request, _ in
            AppliedFactList(items: request.ids.map { AppliedFact(invoiceId: $0, appliedCents: 400, knownTotalCents: 1_000, knownState: "issued") })
        }
        mesh.answer(ReconcileMessages.balanceFacts) { request, _ in BalanceFactList(items: request.ids.map { BalanceFact(customerId: $0, openCents: nil) }) }
        let payments = (0..<3).map { _ in PaymentFact(paymentId: PaymentID(), customerId: customers[0], amountCents: 100, appliedCents: 0,
                                                      refundedCents: 0) }.sorted { $0.paymentId.uuid.uuidString < $1.paymentId.uuid.uuidString }
        mesh.answer(ReconcileMessages.paymentFacts) { request, _ in
            let rest = payments.filter { fact in request.after.map { fact.paymentId.uuid.uuidString > $0.uuidString } ?? true }
            let page = Array(rest.prefix(request.limit))
            return PaymentFactsPage(items: page, next: page.count < request.limit ? nil : page.last?.paymentId.uuid)
        }
        var reconciler = Reconciler(clients: mesh)
        reconciler.pageSize = 2
        reconciler.settle = .milliseconds(10)
        let report = try await reconciler.run()
        XCTAssertEqual(report.checked, ReconcileReport.Checked(customers: 5, invoices: 1, payments: 3))
        XCTAssertEqual(report.discrepancies, [], "the first look's paid mismatch was an application in flight")
        XCTAssertEqual(looks.withLock { $0 }, 2, "a second look was taken")
    }
}
