import Contracts
import Foundation
@testable import InvoiceService
import Messaging
import TestSupport
import Threading
import XCTest

/// The invoice and statement PDFs through invoice-service's real handlers, read back with
/// poppler's `pdftotext`: real text, the figures the service computed, and a statement
/// whose closing balance and aging are the Customer Details totals to the cent.
final class InvoiceDocumentTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")
    private let clock = Locked(RFC3339.date(from: "2026-12-01T17:00:00Z")!)  // noon on the 1st in New York
    private let today = BusinessDate("2026-12-01")!
    private var customer = CustomerRecord(
        id: CustomerID(), fields: CustomerFields(
            displayName: "Acme Anvils", company: "Acme Anvils LLC",
            billingAddress: Address(line1: "1 Main St", city: "Springfield", region: "MA", postalCode: "01101", country: "US"),
            shippingAddress: Address(line1: "9 Dock Rd", city: "Boston", region: "MA", postalCode: "02110", country: "US"),
            currency: .usd, paymentTermsDays: 30),
        currency: .usd, paymentTermsDays: 30, isDeactivated: false, specialistId: nil, createdAt: Date(), updatedAt: Date())

    override func setUp() async throws {
        let clock = self.clock
        harness = try ServiceHarness(try InvoiceService.definition(now: { clock.withLock { $0 } }))
        var business = BusinessSettings.initial
        business.name = "Roadrunner Supply Co"
        business.address = Address(line1: "42 Desert Way", city: "Tucson", region: "AZ", postalCode: "85701", country: "US")
        business.email = "ar@roadrunner.example"
        business.timeZone = "America/New_York"
        try harness.apply(IdentityMessages.settingsChanged, business, from: .gateway)
        try harness.apply(CustomerMessages.created, CustomerCreated(customer: customer), from: .customer)
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private var terms: CustomerTerms { CustomerTerms(currency: .usd, paymentTermsDays: 30, isDeactivated: false) }

    private func invoice(issued: BusinessDate, due: BusinessDate, lines: [InvoiceLineInput]) async throws -> Invoice {
        try await harness.client.command(InvoiceMessages.create, CreateInvoice(
            customerId: customer.id, terms: terms, invoice: InvoiceFields(issueDate: issued, dueDate: due, lines: lines)), actor: dana)
    }

    private func pay(_ invoice: Invoice, _ cents: Int64, on date: BusinessDate, reference: String) throws {
        try harness.apply(PaymentsMessages.applied, PaymentApplied(
            applicationId: PaymentApplicationID(), paymentId: PaymentID(), customerId: customer.id, invoiceId: invoice.id, invoiceNumber: invoice.number,
            amountCents: cents, currency: .usd, appliedOn: date, method: "check", reference: reference), from: .payments)
    }

    func testTheInvoicePDFHoldsItsNumberLinesTotalsBalanceAndPaymentLink() async throws {
        let made = try await invoice(issued: BusinessDate("2026-11-01")!, due: BusinessDate("2026-12-01")!, lines: [
            InvoiceLineInput(description: "Anvil, forged steel, 50 kg", quantity: Decimal(string: "2.5")!, unitPriceCents: 1_999,
                             taxRateBps: 825),
            InvoiceLineInput(description: "Delivery by rocket sled", quantity: 1, unitPriceCents: 5_000),
        ])
        try pay(made, 2_000, on: BusinessDate("2026-11-20")!, reference: "1042")
        let link = "https://pay.example/p/3fZk9QmWx2"
        let (reply, pdf) = try await harness.client.queryWithAttachment(
            InvoiceMessages.pdf, InvoiceDocumentRequest(id: made.id, paymentLink: link))
        XCTAssertEqual(reply, DocumentRendered(filename: "INV-000001.pdf", contentType: "application/pdf", byteCount: pdf.count))
        XCTAssertEqual(Array(pdf.prefix(5)), Array("%PDF-".utf8))
        let text = try TestProcess.pdfText(pdf)
        for expected in ["Roadrunner Supply Co", "42 Desert Way", "INVOICE", "INV-000001", "2026-12-01", "Acme Anvils LLC",
                         "1 Main St", "9 Dock Rd", "Anvil, forged steel, 50 kg", "Delivery by rocket sled", "2.5", "8.25%",
                         "$49.98", "$50.00", "$99.98", "$4.12", "$104.10", "$20.00", "$84.10", link] {
            XCTAssertTrue(text.contains(expected), "\(expected) is not in the PDF's text:\n\(text)")
        }
        let balance = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("Balance due") })
        XCTAssertTrue(balance.contains("$84.10"), String(balance))

        let missing = await refusal {
            try await self.harness.client.queryWithAttachment(InvoiceMessages.pdf, InvoiceDocumentRequest(id: InvoiceID()))
        }
        XCTAssertEqual(missing?.code, .notFound)
    }

    /// One invoice in each aging bucket (and one paid in part), as of noon on 2026-12-01 in
    /// New York: the open-items statement closes at the details view's open balance, with
    /// the same buckets.
    func testTheStatementsClosingBalanceAndAgingAreTheDetailsTotals() async throws {
        let dues = [0, -1, -31, -61, -95]  // days from today: current, 1–30, 31–60, 61–90, over 90
        var made: [Invoice] = []
        for (index, offset) in dues.enumerated() {
            let due = today.adding(days: offset)
            made.append(try await invoice(issued: due.adding(days: -30), due: due, lines: [
                InvoiceLineInput(description: "Order \(index + 1)", quantity: Decimal(index + 1), unitPriceCents: 12_345, taxRateBps: 725),
            ]))
        }
        try pay(made[3], 5_000, on: today.adding(days: -10), reference: "CHK-77")
        let paidOff = try await invoice(issued: today.adding(days: -40), due: today.adding(days: -10), lines: [
            InvoiceLineInput(description: "Settled", quantity: 1, unitPriceCents: 1_000)])
        try pay(paidOff, 1_000, on: today.adding(days: -5), reference: "CHK-78")
        // Dated ahead, it is owed all the same: in the details totals and in the open items.
        _ = try await invoice(issued: today.adding(days: 3), due: today.adding(days: 33), lines: [
            InvoiceLineInput(description: "Next month", quantity: 1, unitPriceCents: 777)])

        let details = try await harness.client.query(InvoiceMessages.customerSummary, CustomerInvoicesRequest(customerId: customer.id))
        let totals = details.totals
        XCTAssertTrue([totals.aging.current, totals.aging.d1_30, totals.aging.d31_60, totals.aging.d61_90, totals.aging.over_90]
                        .allSatisfy { $0 > 0 }, "an invoice in every bucket: \(totals.aging)")

        let (_, pdf) = try await harness.client.queryWithAttachment(
            InvoiceMessages.statement, StatementRequest(customerId: customer.id, paymentLink: "https://pay.example/p/abc"))
        let text = try TestProcess.pdfText(pdf)
        let closing = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("Closing balance") })
        XCTAssertEqual(closing.split(separator: " ").last.map(String.init), Currency.usd.format(totals.openCents), String(closing))
        let agingRow = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("Over 90 days") }.flatMap { header in
            text.components(separatedBy: "\n").drop { $0 != String(header) }.dropFirst().first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        })
        let printed = agingRow.split(separator: " ").map(String.init)
        XCTAssertEqual(printed, [totals.aging.current, totals.aging.d1_30, totals.aging.d31_60, totals.aging.d61_90,
                                 totals.aging.over_90].map { Currency.usd.format($0) })
        for expected in ["STATEMENT", "Open items as of 2026-12-01", "Roadrunner Supply Co", "Acme Anvils", "CHK-77",
                         "https://pay.example/p/abc"] {
            XCTAssertTrue(text.contains(expected), "\(expected) is not in the statement:\n\(text)")
        }
        XCTAssertFalse(text.contains("Settled"), "a paid invoice is not an open item")
        XCTAssertTrue(text.contains("Invoice INV-000007"), "the invoice dated ahead is an open item:\n\(text)")

        let ending = await refusal {
            try await self.harness.client.queryWithAttachment(
                InvoiceMessages.statement, StatementRequest(customerId: self.customer.id, to: BusinessDate("2026-11-15")!))
        }
        XCTAssertEqual(ending?.code, .failedPrecondition, "open items are as of today; an earlier end needs a start")
        let backwards = await refusal {
            try await self.harness.client.queryWithAttachment(InvoiceMessages.statement, StatementRequest(
                customerId: self.customer.id, from: BusinessDate("2026-11-15")!, to: BusinessDate("2026-11-01")!))
        }
        XCTAssertEqual(backwards?.code, .failedPrecondition)
    }

    /// Balance forward: what was owed before the period, then each invoice and payment in
    /// date order with the running balance.
    func testABalanceForwardStatementRunsFromTheOpeningBalance() throws {
        func summary(_ number: String, issued: String, total: Int64, paid: Int64) -> InvoiceSummary {
            InvoiceSummary(id: InvoiceID(), number: number, issueDate: BusinessDate(issued)!,
                           dueDate: BusinessDate(issued)!.adding(days: 30), currency: .usd, totalCents: total, paidCents: paid,
                           balanceCents: total - paid, state: paid == 0 ? .open : (paid < total ? .partiallyPaid : .paid),
                           collectionStatus: nil)
        }
        let old = summary("INV-1", issued: "2026-09-01", total: 10_000, paid: 10_000)
        let mid = summary("INV-2", issued: "2026-10-05", total: 20_000, paid: 5_000)
        let new = summary("INV-3", issued: "2026-11-10", total: 7_500, paid: 0)
        func application(_ invoice: InvoiceSummary, _ cents: Int64, on date: String, back: String? = nil) -> StatementLedger.Application {
            StatementLedger.Application(paymentId: PaymentID(), invoiceId: invoice.id, invoiceNumber: invoice.number, amountCents: cents,
                                        appliedOn: BusinessDate(date)!, unappliedOn: back.flatMap(BusinessDate.init),
                                        method: "ach", reference: nil)
        }
        let statement = try StatementLedger.build(
            invoices: [old, mid, new], applications: [
                application(old, 10_000, on: "2026-09-20"),
                application(mid, 5_000, on: "2026-11-02"),
                application(mid, 3_000, on: "2026-10-20", back: "2026-11-05"),
            ], from: BusinessDate("2026-11-01")!, to: BusinessDate("2026-11-30")!)
        XCTAssertEqual(statement.openingCents, 20_000 - 3_000, "INV-2 less the payment standing on Oct 31")
        XCTAssertEqual(statement.entries.map(\.kind), [.payment, .reversal, .invoice])
        XCTAssertEqual(statement.entries.map(\.balanceCents), [12_000, 15_000, 22_500])
        XCTAssertEqual(statement.closingCents, 22_500)
        XCTAssertEqual(statement.closingCents, mid.balanceCents + new.balanceCents, "closing = what is owed at the end")
    }
}
