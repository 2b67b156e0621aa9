import Contracts
import Foundation
@testable import PaymentsService
import Postgres
import PropertyBased
import TestSupport
import Testing

/// Random sequences of record / apply / unapply / refund through payments-service's real
/// handlers (swift-property-based, under Swift Testing): whatever is accepted or refused,
/// afterwards no payment has more applied and refunded than it received, no invoice more
/// applied than its total, and the customer's unapplied credit is exactly what is left.
struct LedgerProperties {
    /// One step: which action (0 record, 1 apply, 2 unapply, 3 refund), two choices among
    /// what exists (payments, invoices, applications), and an amount.
    static let steps = zip(Gen.int(in: 0...3), Gen.int(in: 0...9), Gen.int(in: 0...9), Gen.int64(in: 1...12_000)).array(of: 4...18)

    @Test func randomSequencesKeepTheLedgerBalanced() async throws {
        let harness = try ServiceHarness(try PaymentsService.definition(linkKey: try .forTests))
        defer { harness.shutdown() }
        await propertyCheck(count: 40, input: Self.steps) { steps in
            do {
                try await Self.run(steps.map { ($0.0, $0.1, $0.2, $0.3) }, on: harness)
            } catch {
                Issue.record("the sequence could not be run: \(error)")
            }
        }
    }

    static func run(_ steps: [(Int, Int, Int, Int64)], on harness: ServiceHarness) async throws {
        let customer = CustomerID()
        let actor = Actor.person("Dana Reyes")
        var invoices: [InvoiceID] = []
        for total in [10_000, 5_000, 2_500] as [Int64] {
            let invoice = Invoice(
                id: InvoiceID(), customerId: customer, number: "INV-\(total)", issueDate: BusinessDate("2026-11-01")!,
                dueDate: BusinessDate("2026-12-01")!, currency: .usd, poNumber: nil, memo: nil, contactId: nil, collectionStatus: nil,
                lines: [], subtotalCents: total, taxCents: 0, totalCents: total, paidCents: 0, balanceCents: total, state: .open,
                voidReason: nil, createdAt: Date(), updatedAt: Date())
            try harness.apply(InvoiceMessages.created, InvoiceCreated(invoice: invoice), from: .invoice)
            invoices.append(invoice.id)
        }
        var payments: [Payment] = []
        for (kind, first, second, amount) in steps {
            let payment = payments.isEmpty ? nil : payments[first % payments.count]
            let result: Payment?
            switch kind {
            case 0:
                result = try? await harness.client.command(PaymentsMessages.record, RecordPayment(
                    customerId: customer, customerCurrency: .usd,
                    payment: PaymentFields(amountCents: amount, currency: .usd, method: "check", receivedOn: BusinessDate("2026-11-19")!,
                                           applications: second % 3 == 0 ? [] : [ApplicationInput(invoiceId: invoices[first % 3],
                                                                                                  amountCents: amount / 2 + 1)])),
                    actor: actor)
            case 1:
                guard let payment else { continue }
                result = try? await harness.client.command(PaymentsMessages.apply, ApplyPayment(
                    paymentId: payment.id, application: ApplicationInput(invoiceId: invoices[second % 3], amountCents: amount)), actor: actor)
            case 2:
                guard let payment, !payment.applications.isEmpty else { continue }
                result = try? await harness.client.command(PaymentsMessages.unapply, UnapplyPayment(
                    paymentId: payment.id, applicationId: payment.applications[second % payment.applications.count].id), actor: actor)
            default:
                guard let payment else { continue }
                result = try? await harness.client.command(PaymentsMessages.refund, RefundPayment(
                    paymentId: payment.id, amountCents: amount, reason: "Refund"), actor: actor)
            }
            if let result {
                if let index = payments.firstIndex(where: { $0.id == result.id }) { payments[index] = result } else { payments.append(result) }
            }
        }
        let connection = try harness.connection()
        let overPaid = try connection.query("""
            SELECT count(*)::int8 FROM payments p WHERE p.customer_id = \(customer) AND p.amount_cents <
                coalesce((SELECT sum(amount_cents) FROM payment_applications a WHERE a.payment_id = p.id AND a.unapplied_at IS NULL), 0)
              + coalesce((SELECT sum(amount_cents) FROM refunds r WHERE r.payment_id = p.id), 0)
            """).single(Int64.self)
        #expect(overPaid == 0, "a payment has more applied and refunded than it received")
        let overApplied = try connection.query("""
            SELECT count(*)::int8 FROM invoices i WHERE i.customer_id = \(customer) AND i.total_cents <
                coalesce((SELECT sum(amount_cents) FROM payment_applications a WHERE a.invoice_id = i.id AND a.unapplied_at IS NULL), 0)
            """).single(Int64.self)
        #expect(overApplied == 0, "an invoice has more applied than its total")
        let left = try connection.query("""
            SELECT coalesce(sum(p.amount_cents), 0)::int8
                 - coalesce((SELECT sum(a.amount_cents) FROM payment_applications a JOIN payments q ON q.id = a.payment_id
                             WHERE q.customer_id = \(customer) AND a.unapplied_at IS NULL), 0)::int8
                 - coalesce((SELECT sum(r.amount_cents) FROM refunds r JOIN payments q ON q.id = r.payment_id
                             WHERE q.customer_id = \(customer)), 0)::int8
            FROM payments p WHERE p.customer_id = \(customer)
            """).single(Int64.self)
        let summary = try await harness.client.query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer))
        #expect(summary.payment.unappliedCreditCents == left, "received − applied − refunded is the unapplied credit")
        let reported = try await harness.client.query(PaymentsMessages.list, ListPayments(customerId: customer, limit: 500))
        #expect(reported.items.allSatisfy { $0.unappliedCents >= 0 }, "no payment shows a negative credit")
    }
}
