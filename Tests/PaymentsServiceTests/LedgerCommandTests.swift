import Contracts
import Foundation
@testable import PaymentsService
import Postgres
import TestSupport
import Threading
import XCTest

/// Payments through payments-service's real handlers on a real PostgreSQL schema, with
/// invoices arriving as invoice-service's events: record with applications, apply later,
/// unapply, refund, never over-applied (also when requests race), and voids that raced a
/// payment taken back.
final class LedgerCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")
    private let customer = CustomerID()
    private let clock = Locked(RFC3339.date(from: "2026-11-20T15:00:00Z")!)

    override func setUp() async throws {
        let clock = self.clock
        harness = try ServiceHarness(try PaymentsService.definition(linkKey: try .forTests, now: { clock.withLock { $0 } }), workers: 8)
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func invoice(_ cents: Int64, number: String, customer: CustomerID? = nil, state: InvoiceState = .open,
                         currency: Currency = .usd) -> Invoice {
        Invoice(id: InvoiceID(), customerId: customer ?? self.customer, number: number, issueDate: BusinessDate("2026-11-01")!,
                dueDate: BusinessDate("2026-12-01")!, currency: currency, poNumber: nil, memo: nil, contactId: nil,
                collectionStatus: nil, lines: [], subtotalCents: cents, taxCents: 0, totalCents: cents, paidCents: 0,
                balanceCents: cents, state: state, voidReason: nil, createdAt: Date(), updatedAt: Date())
    }

    @discardableResult
    private func known(_ invoice: Invoice) throws -> Invoice {
        try harness.apply(InvoiceMessages.created, InvoiceCreated(invoice: invoice), from: .invoice)
        return invoice
    }

    private func record(_ cents: Int64, _ applications: [(Invoice, Int64)] = [], method: String = "check",
                        currency: Currency = .usd) async throws -> Payment {
        try await harness.client.command(PaymentsMessages.record, RecordPayment(
            customerId: customer, customerCurrency: .usd,
            payment: PaymentFields(amountCents: cents, currency: currency, method: method, reference: " 1042 ",
                                   receivedOn: BusinessDate("2026-11-19")!,
                                   applications: applications.map { ApplicationInput(invoiceId: $0.0.id, amountCents: $0.1) })),
            actor: dana)
    }

    private func count(_ table: String) throws -> Int64 {
        try harness.connection().query("SELECT count(*)::int8 FROM \(identifier: table)").single(Int64.self)
    }

    private func applied(to invoice: Invoice) throws -> Int64 {
        try harness.connection().query("""
            SELECT coalesce(sum(amount_cents), 0)::int8 FROM payment_applications WHERE invoice_id = \(invoice.id) AND unapplied_at IS NULL
            """).single(Int64.self)
    }

    func testAPaymentSplitAcrossInvoicesLeavesTheRestAsUnappliedCredit() async throws {
        let first = try known(invoice(10_000, number: "INV-000001"))
        let second = try known(invoice(5_000, number: "INV-000002"))
        let payment = try await record(20_000, [(first, 10_000), (second, 2_500)])
        XCTAssertEqual([payment.amountCents, payment.appliedCents, payment.refundedCents, payment.unappliedCents], [20_000, 12_500, 0, 7_500])
        XCTAssertEqual(payment.reference, "1042")
        XCTAssertEqual(payment.applications.map(\.invoiceNumber), ["INV-000001", "INV-000002"])
        XCTAssertEqual(payment.applications.map(\.appliedOn), [BusinessDate("2026-11-20")!, BusinessDate("2026-11-20")!])
        XCTAssertEqual(try harness.published(PaymentsMessages.recorded), [PaymentRecorded(payment: payment)])
        let events = try harness.published(PaymentsMessages.applied)
        XCTAssertEqual(events.map(\.amountCents), [10_000, 2_500])
        XCTAssertEqual(events.map(\.applicationId), payment.applications.map(\.id))
        XCTAssertEqual(events.first?.reference, "1042")

        let other = try await record(1_000, [(second, 1_000)])
        let listed = try await harness.client.query(PaymentsMessages.list, ListPayments(customerId: customer))
        XCTAssertEqual(listed.items.map(\.id), [other.id, payment.id])
        XCTAssertEqual(listed.items.map { $0.applications.map(\.invoiceNumber) }, [["INV-000002"], ["INV-000001", "INV-000002"]],
                       "each payment with its own applications")
        let open = try await harness.client.query(PaymentsMessages.openInvoices, CustomerPaymentsRequest(customerId: customer))
        XCTAssertEqual(open.items.map { "\($0.number) \($0.balanceCents)" }, ["INV-000002 1500"], "the paid one is no longer open")
        let summary = try await harness.client.query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer))
        XCTAssertEqual(summary.payment.unappliedCreditCents, 7_500)
    }

    func testNothingIsOverAppliedAndEveryRefusalChangesNothing() async throws {
        let open = try known(invoice(10_000, number: "INV-000001"))
        let draft = try known(invoice(10_000, number: "INV-000002", state: .draft))
        let theirs = try known(invoice(10_000, number: "INV-000003", customer: CustomerID()))
        let euros = try known(invoice(10_000, number: "INV-000004", currency: .eur))
        let cases: [(() async throws -> Payment, ErrorCode, String)] = [
            ({ try await self.record(20_000, [(open, 10_001)]) }, .failedPrecondition, "applications[0]"),
            ({ try await self.record(5_000, [(open, 4_000), (open, 1_000)]) }, .failedPrecondition, "applications[1].invoice_id"),
            ({ try await self.record(5_000, [(open, 6_000)]) }, .failedPrecondition, "applications"),
            ({ try await self.record(5_000, [(draft, 1_000)]) }, .failedPrecondition, "applications[0]"),
            ({ try await self.record(5_000, [(theirs, 1_000)]) }, .failedPrecondition, "applications[0]"),
            ({ try await self.record(5_000, [(euros, 1_000)]) }, .failedPrecondition, "applications[0]"),
            ({ try await self.record(5_000, method: "barter") }, .failedPrecondition, "method"),
            ({ try await self.record(5_000, currency: .eur) }, .failedPrecondition, "currency"),
            ({ try await self.record(0) }, .invalidArgument, "amount_cents"),
            ({ try await self.record(5_000, [(open, 0)]) }, .invalidArgument, "applications[0].amount_cents"),
        ]
        for (call, code, field) in cases {
            let error = await refusal(call)
            XCTAssertEqual(error?.code, code, "\(field): \(String(describing: error))")
            XCTAssertEqual(error?.details.keys.first, field, "\(String(describing: error))")
        }
        XCTAssertEqual(try count("payments"), 0)
        XCTAssertEqual(try count("payment_applications"), 0)
        XCTAssertEqual(try harness.published(PaymentsMessages.recorded), [])
    }

    func testCreditIsAppliedLaterUnappliedAndRefundedOnlyFromWhatIsUnapplied() async throws {
        let open = try known(invoice(10_000, number: "INV-000001"))
        var payment = try await record(6_000)
        XCTAssertEqual(payment.unappliedCents, 6_000)
        payment = try await harness.client.command(PaymentsMessages.apply, ApplyPayment(
            paymentId: payment.id, application: ApplicationInput(invoiceId: open.id, amountCents: 4_000)), actor: dana)
        XCTAssertEqual([payment.appliedCents, payment.unappliedCents], [4_000, 2_000])
        let tooMuch = await refusal {
            try await self.harness.client.command(PaymentsMessages.refund, RefundPayment(
                paymentId: payment.id, amountCents: 2_001, reason: "Overpaid"), actor: self.dana)
        }
        XCTAssertEqual(tooMuch?.code, .failedPrecondition, "only what is unapplied can be refunded")
        let application = try XCTUnwrap(payment.applications.first)
        payment = try await harness.client.command(PaymentsMessages.unapply, UnapplyPayment(
            paymentId: payment.id, applicationId: application.id), actor: dana)
        XCTAssertEqual([payment.appliedCents, payment.unappliedCents], [0, 6_000])
        XCTAssertEqual(payment.applications.first?.unapplyReason, .unapplied)
        let again = await refusal {
            try await self.harness.client.command(PaymentsMessages.unapply, UnapplyPayment(
                paymentId: payment.id, applicationId: application.id), actor: self.dana)
        }
        XCTAssertEqual(again?.code, .failedPrecondition)
        payment = try await harness.client.command(PaymentsMessages.refund, RefundPayment(
            paymentId: payment.id, amountCents: 6_000, reason: "  Paid twice  "), actor: dana)
        XCTAssertEqual([payment.refundedCents, payment.unappliedCents], [6_000, 0])
        XCTAssertEqual(try harness.published(PaymentsMessages.refunded).map(\.reason), ["Paid twice"])
        XCTAssertEqual(try harness.published(PaymentsMessages.unapplied).map(\.reason), [.unapplied])
        let missing = await refusal {
            try await self.harness.client.command(PaymentsMessages.refund, RefundPayment(
                paymentId: PaymentID(), amountCents: 1, reason: "x"), actor: self.dana)
        }
        XCTAssertEqual(missing?.code, .notFound)
    }

    /// Twenty requests race to apply $10 each to a $100 invoice: ten win, ten are refused,
    /// and the database never holds more than the invoice's total against it.
    func testTwentyConcurrentApplicationsNeverOverApplyAnInvoice() async throws {
        let open = try known(invoice(10_000, number: "INV-000001"))
        let (client, customer, actor) = (harness.client, self.customer, dana)
        let outcomes = try await withThrowingTaskGroup(of: ErrorCode?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await refusal {
                        try await client.command(PaymentsMessages.record, RecordPayment(
                            customerId: customer, customerCurrency: .usd,
                            payment: PaymentFields(amountCents: 1_000, currency: .usd, method: "ach", receivedOn: BusinessDate("2026-11-19")!,
                                                   applications: [ApplicationInput(invoiceId: open.id, amountCents: 1_000)])),
                            actor: actor)
                    }?.code
                }
            }
            return try await group.reduce(into: [ErrorCode?]()) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.filter { $0 == nil }.count, 10)
        XCTAssertEqual(outcomes.filter { $0 == .failedPrecondition }.count, 10)
        XCTAssertEqual(try applied(to: open), 10_000)
        XCTAssertEqual(try count("payments"), 10, "a refused payment leaves nothing behind")
    }

    /// An invoice created a moment ago is payable at once: the request waits for its event.
    func testAnInvoiceArrivingDuringTheRequestIsPayable() async throws {
        let fresh = invoice(3_000, number: "INV-000009")
        let harness = self.harness!
        let arrival = Task {
            try await Task.sleep(for: .milliseconds(400))
            try harness.apply(InvoiceMessages.created, InvoiceCreated(invoice: fresh), from: .invoice)
        }
        let payment = try await record(3_000, [(fresh, 3_000)])
        try await arrival.value
        XCTAssertEqual(payment.appliedCents, 3_000)
    }

    /// A void that raced a payment: the applications standing on it are taken back (newest
    /// first) and announced, once, however often the void arrives; so is the part of an
    /// invoice lowered below what was applied.
    func testAVoidOrAReductionThatRacedAPaymentTakesItsApplicationsBack() async throws {
        var target = try known(invoice(10_000, number: "INV-000001"))
        let early = try await record(3_000, [(target, 3_000)])
        let late = try await record(4_000, [(target, 4_000)])

        target.totalCents = 5_000
        target.subtotalCents = 5_000
        try harness.apply(InvoiceMessages.updated, InvoiceUpdated(invoice: target, changes: [], previousTotalCents: 10_000), from: .invoice)
        XCTAssertEqual(try applied(to: target), 3_000, "the newest application gave way")
        var taken = try harness.published(PaymentsMessages.unapplied)
        XCTAssertEqual(taken.map(\.paymentId), [late.id])
        XCTAssertEqual(taken.map(\.reason), [.invoiceReduced])

        target.state = .void
        for _ in 0..<2 {
            try harness.apply(InvoiceMessages.voided, InvoiceVoided(invoice: target, reason: "Sent in error"), from: .invoice)
        }
        XCTAssertEqual(try applied(to: target), 0)
        taken = try harness.published(PaymentsMessages.unapplied)
        XCTAssertEqual(taken.map(\.paymentId), [late.id, early.id], "each taken back once")
        XCTAssertEqual(taken.last?.reason, .invoiceVoided)
        let credit = try await harness.client.query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer))
        XCTAssertEqual(credit.payment.unappliedCreditCents, 7_000, "all of it is credit again")
        let refused = await refusal {
            try await self.harness.client.command(PaymentsMessages.apply, ApplyPayment(
                paymentId: early.id, application: ApplicationInput(invoiceId: target.id, amountCents: 100)), actor: self.dana)
        }
        XCTAssertEqual(refused?.code, .failedPrecondition, "a void invoice takes nothing")
    }
}
