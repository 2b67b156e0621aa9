import Contracts
import Foundation
import Messaging

/// Reconciles the money across services, each answering for its own data: per payment,
/// received − refunded = applied + unapplied with nothing negative; per invoice, the amount
/// paid in invoice-service = its live applications in payments-service, never more than
/// its total, nothing on a void one, the same total in both; per customer, the Customer
/// Details totals = the sum of its invoices' balances, and the customers list's balance the
/// same. Every discrepancy names its ids. Used by `GET /api/v1/admin/reconcile` and
/// `gateway reconcile` (`make reconcile`).
struct Reconciler {
    let clients: any GatewayServices
    /// Customers per page of invoice facts; invoice ids per question to payments-service.
    var pageSize = 100
    var idsPerQuestion = 1_000
    /// How long to let events in flight land before a discrepancy is believed.
    var settle: Duration = .seconds(1)

    /// The services are read one after another, not in one snapshot: an application in
    /// flight between them can look like a discrepancy. One is reported only when a second
    /// look, after `settle`, finds it again.
    func run() async throws -> ReconcileReport {
        let first = try await look()
        guard !first.discrepancies.isEmpty else { return first }
        try await Task.sleep(for: settle)
        let second = try await look()
        let before = Set(first.discrepancies.map(Self.identity))
        return ReconcileReport(checked: second.checked,
                               discrepancies: second.discrepancies.filter { before.contains(Self.identity($0)) })
    }

    private static func identity(_ discrepancy: Discrepancy) -> String {
        [discrepancy.kind, discrepancy.customerId?.description ?? "", discrepancy.invoiceId?.description ?? "",
         discrepancy.paymentId?.description ?? ""].joined(separator: "|")
    }

    private func look() async throws -> ReconcileReport {
        var checked = ReconcileReport.Checked()
        var found: [Discrepancy] = []
        var after: UUID?
        repeat {
            let page = try await clients[.invoice].query(ReconcileMessages.invoiceFacts, FactsPage(after: after, limit: pageSize),
                                                         timeout: .seconds(30))
            let invoiceIds = page.items.flatMap { $0.invoices.map(\.invoiceId) }
            var applied: [InvoiceID: AppliedFact] = [:]
            for start in stride(from: 0, to: invoiceIds.count, by: idsPerQuestion) {
                let ids = Array(invoiceIds[start..<min(start + idsPerQuestion, invoiceIds.count)])
                for fact in try await clients[.payments].query(ReconcileMessages.appliedFacts, InvoiceIDList(ids: ids),
                                                               timeout: .seconds(30)).items {
                    applied[fact.invoiceId] = fact
                }
            }
            let balances = Dictionary(uniqueKeysWithValues: try await clients[.customer].query(
                ReconcileMessages.balanceFacts, CustomerIDList(ids: page.items.map(\.customerId)), timeout: .seconds(30))
                .items.map { ($0.customerId, $0.openCents) })
            for customer in page.items {
                checked.customers += 1
                found += Self.check(customer, applied: applied, listed: balances[customer.customerId] ?? nil)
                checked.invoices += customer.invoices.count
            }
            after = page.next
        } while after != nil
        after = nil
        repeat {
            let page = try await clients[.payments].query(ReconcileMessages.paymentFacts, FactsPage(after: after, limit: pageSize),
                                                          timeout: .seconds(30))
            for payment in page.items {
                checked.payments += 1
                if let problem = Self.check(payment) { found.append(problem) }
            }
            after = page.next
        } while after != nil
        return ReconcileReport(checked: checked, discrepancies: found)
    }

    /// One customer's invoices against payments-service's applications and the list's balance.
    static func check(_ customer: CustomerInvoiceFacts, applied: [InvoiceID: AppliedFact], listed: Int64?) -> [Discrepancy] {
        var found: [Discrepancy] = []
        var open: Int64 = 0
        for invoice in customer.invoices {
            func note(_ kind: String, _ detail: String) {
                found.append(Discrepancy(kind: kind, customerId: customer.customerId, invoiceId: invoice.invoiceId, detail: detail))
            }
            let standing = applied[invoice.invoiceId]?.appliedCents ?? 0
            if invoice.paidCents != standing {
                note("invoice_paid_mismatch", "invoice-service has \(invoice.paidCents) paid, payments-service \(standing) applied")
            }
            if invoice.state == .void, standing > 0 {
                note("void_invoice_applied", "\(standing) stands applied to a void invoice")
            } else if standing > invoice.totalCents {
                note("invoice_over_applied", "\(standing) applied to a total of \(invoice.totalCents)")
            }
            if let known = applied[invoice.invoiceId]?.knownTotalCents, invoice.state != .void, known != invoice.totalCents {
                note("invoice_total_mismatch", "invoice-service's total is \(invoice.totalCents), payments-service's \(known)")
            }
            // payments-service's copy of the invoice: known once issued, void when it is.
            let knownState = applied[invoice.invoiceId]?.knownState
            if invoice.state != .draft, knownState == nil {
                note("invoice_unknown_to_payments", "payments-service has no copy of this \(invoice.state.rawValue) invoice")
            } else if let knownState, (knownState == "void") != (invoice.state == .void) {
                note("invoice_state_mismatch", "invoice-service has it \(invoice.state.rawValue), payments-service \(knownState)")
            }
            let balance = invoice.totalCents - invoice.paidCents
            if (invoice.state == .open || invoice.state == .partiallyPaid), balance > 0 {
                let (sum, overflow) = open.addingReportingOverflow(balance)
                open = overflow ? .max : sum
            }
        }
        if customer.totals.openCents != open {
            found.append(Discrepancy(kind: "details_total_mismatch", customerId: customer.customerId,
                                     detail: "the details view shows \(customer.totals.openCents) open, its invoices come to \(open)"))
        }
        if let listed, listed != customer.totals.openCents {
            found.append(Discrepancy(kind: "customer_list_balance_mismatch", customerId: customer.customerId,
                                     detail: "the customers list has \(listed) open, the details view \(customer.totals.openCents)"))
        }
        return found
    }

    /// One payment: applied and refunded never more than received.
    static func check(_ payment: PaymentFact) -> Discrepancy? {
        let used = Int128(payment.appliedCents) + Int128(payment.refundedCents)
        guard payment.appliedCents < 0 || payment.refundedCents < 0 || used > Int128(payment.amountCents) else { return nil }
        return Discrepancy(kind: "payment_over_applied", customerId: payment.customerId, paymentId: payment.paymentId,
                           detail: "\(payment.amountCents) received, \(payment.appliedCents) applied and \(payment.refundedCents) refunded")
    }
}

/// `GET /api/v1/admin/reconcile`: owners and admins.
struct ReconcileRoutes {
    let clients: any GatewayServices

    func register(in routes: Routes) {
        routes.group(.operateSystem).get("/api/v1/admin/reconcile") { _, _ in
            try JSONResponse.make(try await Reconciler(clients: clients).run())
        }
    }
}
