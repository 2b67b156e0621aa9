import Contracts
import Foundation
@testable import InvoiceService
import Messaging
import Postgres
import ServiceKit
import TestSupport
import Threading
import XCTest

/// Invoices through invoice-service's real handlers on a real PostgreSQL schema: create,
/// edit, void, collection status, payments applied and taken back, the balances published,
/// and "today" in the business's time zone on a clock the test moves.
final class InvoiceCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")
    private let clock = Locked(RFC3339.date(from: "2026-11-20T12:00:00Z")!)
    private let customer = CustomerID()
    private let terms = CustomerTerms(currency: .usd, paymentTermsDays: 30, isDeactivated: false)

    override func setUp() async throws {
        let clock = self.clock
        harness = try ServiceHarness(try InvoiceService.definition(now: { clock.withLock { $0 } }))
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func line(_ description: String, _ quantity: String, _ price: Int64, tax: Int? = nil) -> InvoiceLineInput {
        InvoiceLineInput(description: description, quantity: Decimal(string: quantity)!, unitPriceCents: price, taxRateBps: tax)
    }

    private func create(_ fields: InvoiceFields, for customer: CustomerID? = nil, terms: CustomerTerms? = nil) async throws -> Invoice {
        try await harness.client.command(InvoiceMessages.create,
                                         CreateInvoice(customerId: customer ?? self.customer, terms: terms ?? self.terms, invoice: fields),
                                         actor: dana)
    }

    @discardableResult
    private func simple(_ number: String? = nil, issued: String = "2026-11-01", due: String? = nil, cents: Int64 = 10_000)
        async throws -> Invoice {
        try await create(InvoiceFields(number: number, issueDate: BusinessDate(issued)!, dueDate: due.flatMap(BusinessDate.init),
                                       lines: [line("Consulting", "1", cents)]))
    }

    private func count(_ table: String) throws -> Int {
        try harness.connection().query("SELECT count(*) FROM \(identifier: table)").single(Int.self)
    }

    private func applied(_ invoice: Invoice, _ cents: Int64, id: PaymentApplicationID = PaymentApplicationID()) -> PaymentApplied {
        PaymentApplied(applicationId: id, paymentId: PaymentID(), customerId: invoice.customerId, invoiceId: invoice.id,
                       invoiceNumber: invoice.number, amountCents: cents, currency: .usd, appliedOn: BusinessDate("2026-11-15")!, method: "check", reference: "1042")
    }

    private func unapplied(_ application: PaymentApplied) -> PaymentUnapplied {
        PaymentUnapplied(applicationId: application.applicationId, paymentId: application.paymentId,
                         customerId: application.customerId, invoiceId: application.invoiceId,
                         invoiceNumber: application.invoiceNumber, amountCents: application.amountCents, currency: .usd, unappliedOn: BusinessDate("2026-11-16")!,
                         reason: .unapplied)
    }

    func testAnInvoiceIsPricedNumberedDatedFromTermsAndPublished() async throws {
        let status = try await harness.client.command(
            CollectionStatusMessages.create, CreateCollectionStatus(name: "Reminder sent", managerId: UserID(), isDefault: true),
            actor: dana)
        let invoice = try await create(InvoiceFields(
            issueDate: BusinessDate("2026-11-01")!, poNumber: "  PO-7 ", lines: [
                line("Widgets", "2.5", 1_999, tax: 825),     // 49.975 → 49.98; tax 4.123… → 4.12
                line("Setup", "1", 5_000),
            ]))
        XCTAssertEqual(invoice.number, "INV-000001")
        XCTAssertEqual(invoice.dueDate, BusinessDate("2026-12-01"), "issue date + the customer's 30 days")
        XCTAssertEqual(invoice.lines.map(\.totalCents), [4_998, 5_000])
        XCTAssertEqual(invoice.lines.map(\.taxCents), [412, 0])
        XCTAssertEqual(invoice.lines.first?.quantity, Decimal(string: "2.5"))
        XCTAssertEqual([invoice.subtotalCents, invoice.taxCents, invoice.totalCents, invoice.balanceCents], [9_998, 412, 10_410, 10_410])
        XCTAssertEqual(invoice.state, .open)
        XCTAssertEqual(invoice.poNumber, "PO-7")
        XCTAssertEqual(invoice.collectionStatus, CollectionStatusRef(id: status.id, name: "Reminder sent"), "the default status")

        XCTAssertEqual(try harness.published(InvoiceMessages.created), [InvoiceCreated(invoice: invoice, alertManagerId: status.managerId)])
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged), [CustomerBalanceChanged(
            customerId: customer, currency: .usd, openCents: 10_410, overdueCents: 0, openInvoices: 1, hasInvoices: true,
            collectionStatusIds: [status.id])])
        let stored = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: invoice.id))
        XCTAssertEqual(stored, invoice)

        let second = try await simple()
        XCTAssertEqual(second.number, "INV-000002")
    }

    func testANumberInUseInAnyCaseIsAConflictAndAutomaticNumbersSkipIt() async throws {
        try await simple("INV-000001")
        let error = await refusal { try await self.simple("inv-000001") }
        XCTAssertEqual(error?.code, .conflict)
        XCTAssertEqual(error?.details, ["number": "already exists"])
        XCTAssertEqual(try count("invoices"), 1)
        let automatic = try await simple()
        XCTAssertEqual(automatic.number, "INV-000002", "the typed number is skipped")
        // Many typed numbers in the way: the sequence jumps past the largest, in a bounded number of steps.
        for number in 3...40 { try await simple(String(format: "inv-%06d", number)) }
        let jumped = try await simple()
        XCTAssertEqual(jumped.number, "INV-000041")
    }

    /// Every change to one customer's invoices waits for the one before it, so the last
    /// balance published is the true one, however the changes interleave.
    func testConcurrentChangesPublishTheTrueBalanceLast() async throws {
        let (client, request, actor) = (harness.client, CreateInvoice(
            customerId: customer, terms: terms,
            invoice: InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line("Consulting", "1", 1_000)])), dana)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { _ = try await client.command(InvoiceMessages.create, request, actor: actor) } }
            try await group.waitForAll()
        }
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).last?.openCents, 12_000)
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).map(\.openInvoices), Array(1...12))
    }

    func testTheCollectionStatusIsTheDefaultWhenLeftOutAndNoneWhenNull() async throws {
        let status = try await harness.client.command(
            CollectionStatusMessages.create, CreateCollectionStatus(name: "New", isDefault: true), actor: dana)
        let defaulted = try await simple()
        XCTAssertEqual(defaulted.collectionStatus?.id, status.id)
        let none = try await create(InvoiceFields(issueDate: BusinessDate("2026-11-01")!, collectionStatusId: nil,
                                                  defaultCollectionStatus: false, lines: [line("A", "1", 100)]))
        XCTAssertNil(none.collectionStatus)
        let decoded = try ContractJSON.decode(InvoiceFields.self, from: Array(#"{"issue_date": "2026-11-01", "collection_status_id": null, "lines": []}"#.utf8))
        XCTAssertFalse(decoded.defaultCollectionStatus, "null asks for none")
        let absent = try ContractJSON.decode(InvoiceFields.self, from: Array(#"{"issue_date": "2026-11-01", "lines": []}"#.utf8))
        XCTAssertTrue(absent.defaultCollectionStatus, "left out: the default")
    }

    func testEditingAFreeInvoiceToAnAmountOpensIt() async throws {
        let free = try await simple(cents: 0)
        XCTAssertEqual(free.state, .paid, "nothing to pay")
        let priced = try await harness.client.command(InvoiceMessages.update, UpdateInvoice(
            id: free.id, changes: [:], lines: [line("Consulting", "1", 10_000)]), actor: dana)
        XCTAssertEqual(priced.state, .open)
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).last?.openCents, 10_000)
        let draft = try await create(InvoiceFields(issueDate: BusinessDate("2026-11-01")!, draft: true, lines: [line("A", "1", 0)]))
        XCTAssertEqual(draft.state, .draft)
        let issued = try await harness.client.command(InvoiceMessages.update, UpdateInvoice(id: draft.id, changes: ["state": .string("open")]),
                                                      actor: dana)
        XCTAssertEqual(issued.state, .paid, "a draft that comes to nothing is settled when issued")
    }

    /// A payment event that does not fit its invoice stops the (money) subscription instead of
    /// moving money: nothing is recorded.
    func testAPaymentThatDoesNotFitItsInvoiceIsRefusedAndRecordsNothing() async throws {
        let invoice = try await simple(cents: 10_000)
        var otherCustomer = applied(invoice, 1_000)
        otherCustomer.customerId = CustomerID()
        var otherCurrency = applied(invoice, 1_000)
        otherCurrency.currency = .eur
        var unknown = applied(invoice, 1_000)
        unknown.invoiceId = InvoiceID()
        for event in [otherCustomer, otherCurrency, unknown] {
            XCTAssertThrowsError(try harness.apply(PaymentsMessages.applied, event, from: .payments))
        }
        XCTAssertEqual(try count("applications"), 0)
        let now = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: invoice.id))
        XCTAssertEqual(now.paidCents, 0)
    }

    func testBadInvoicesAreRefusedByFieldAndChangeNothing() async throws {
        let cases: [(InvoiceFields, ErrorCode, String)] = [
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: []), .invalidArgument, "lines"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line("A", "1.0005", 100)]), .invalidArgument, "lines[0].quantity"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line("A", "0", 100)]), .invalidArgument, "lines[0].quantity"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line(" ", "1", 100)]), .invalidArgument, "lines[0].description"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line("A", "1", 100, tax: 10_001)]), .invalidArgument,
             "lines[0].tax_rate_bps"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line("A", "1", -500)]), .failedPrecondition, "lines"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, dueDate: BusinessDate("2026-10-31")!, lines: [line("A", "1", 1)]),
             .failedPrecondition, "due_date"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, currency: .eur, lines: [line("A", "1", 1)]), .failedPrecondition, "currency"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, collectionStatusId: CollectionStatusID(), lines: [line("A", "1", 1)]),
             .failedPrecondition, "collection_status_id"),
            (InvoiceFields(number: " ", issueDate: BusinessDate("2026-11-01")!, lines: [line("A", "1", 1)]), .invalidArgument, "number"),
            (InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [line("A", "1", .min)]), .invalidArgument,
             "lines[0].unit_price_cents"),
            (InvoiceFields(issueDate: BusinessDate("9999-12-20")!, lines: [line("A", "1", 1)]), .failedPrecondition, "due_date"),
        ]
        for (fields, code, field) in cases {
            let error = await refusal { try await self.create(fields) }
            XCTAssertEqual(error?.code, code, "\(field): \(String(describing: error))")
            XCTAssertEqual(error?.details.keys.first, field, "\(String(describing: error))")
        }
        let deactivated = await refusal {
            try await self.create(InvoiceFields(issueDate: BusinessDate("2026-11-01")!, lines: [self.line("A", "1", 1)]),
                                  for: CustomerID(), terms: CustomerTerms(currency: .usd, paymentTermsDays: 30, isDeactivated: true))
        }
        XCTAssertEqual(deactivated?.code, .failedPrecondition)
        XCTAssertEqual(try count("invoices"), 0)
        XCTAssertEqual(try count("invoice_lines"), 0)
        XCTAssertEqual(try harness.published(InvoiceMessages.created), [])
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged), [])
    }

    func testEditingRepricesAndIsRefusedOncePaid() async throws {
        let invoice = try await simple()
        let edited = try await harness.client.command(InvoiceMessages.update, UpdateInvoice(
            id: invoice.id, changes: ["memo": .string("Thanks"), "due_date": .string("2026-12-15")],
            lines: [line("Consulting", "3", 10_000, tax: 1_000)]), actor: dana)
        XCTAssertEqual([edited.subtotalCents, edited.taxCents, edited.totalCents, edited.balanceCents], [30_000, 3_000, 33_000, 33_000])
        XCTAssertEqual(edited.memo, "Thanks")
        let event = try XCTUnwrap(try harness.published(InvoiceMessages.updated).last)
        XCTAssertEqual(event.changes.map(\.field), ["due_date", "memo", "lines"])
        XCTAssertEqual(event.previousTotalCents, 10_000)
        XCTAssertEqual(event.invoice, edited)
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).last?.openCents, 33_000)

        try harness.apply(PaymentsMessages.applied, applied(edited, 1_000), from: .payments)
        let refused = await refusal {
            try await self.harness.client.command(InvoiceMessages.update, UpdateInvoice(id: invoice.id, changes: ["memo": .null]),
                                                  actor: self.dana)
        }
        XCTAssertEqual(refused?.code, .failedPrecondition)
        let after = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: invoice.id))
        XCTAssertEqual(after.memo, "Thanks")

        let unknown = await refusal {
            try await self.harness.client.command(InvoiceMessages.update, UpdateInvoice(id: InvoiceID(), changes: ["memo": .null]),
                                                  actor: self.dana)
        }
        XCTAssertEqual(unknown?.code, .notFound)
    }

    func testPaymentsDeliveredTwiceCountOnceAndMoveTheState() async throws {
        let invoice = try await simple(cents: 10_000)
        let first = applied(invoice, 4_000)
        try harness.apply(PaymentsMessages.applied, first, from: .payments)
        try harness.apply(PaymentsMessages.applied, first, from: .payments)  // a replay
        var now = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: invoice.id))
        XCTAssertEqual([now.paidCents, now.balanceCents], [4_000, 6_000])
        XCTAssertEqual(now.state, .partiallyPaid)

        let rest = applied(invoice, 6_000)
        try harness.apply(PaymentsMessages.applied, rest, from: .payments)
        try harness.apply(PaymentsMessages.applied, rest, from: .payments)
        now = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: invoice.id))
        XCTAssertEqual([now.paidCents, now.balanceCents], [10_000, 0])
        XCTAssertEqual(now.state, .paid)
        XCTAssertEqual(try harness.published(InvoiceMessages.paid).map(\.invoice.id), [invoice.id], "paid once")
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).last?.openCents, 0)

        let void = await refusal {
            try await self.harness.client.command(InvoiceMessages.void, VoidInvoice(id: invoice.id), actor: self.dana)
        }
        XCTAssertEqual(void?.code, .failedPrecondition, "void refused while payments are applied")

        try harness.apply(PaymentsMessages.unapplied, unapplied(rest), from: .payments)
        try harness.apply(PaymentsMessages.unapplied, unapplied(rest), from: .payments)
        try harness.apply(PaymentsMessages.unapplied, unapplied(first), from: .payments)
        now = try await harness.client.query(InvoiceMessages.get, GetInvoice(id: invoice.id))
        XCTAssertEqual([now.paidCents, now.balanceCents], [0, 10_000])
        XCTAssertEqual(now.state, .open)

        let voided = try await harness.client.command(InvoiceMessages.void, VoidInvoice(id: invoice.id, reason: "Billed twice"),
                                                      actor: dana)
        XCTAssertEqual(voided.state, .void)
        XCTAssertEqual(try harness.published(InvoiceMessages.voided), [InvoiceVoided(invoice: voided, reason: "Billed twice")])
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).last?.openCents, 0)
        let again = await refusal {
            try await self.harness.client.command(InvoiceMessages.void, VoidInvoice(id: invoice.id), actor: self.dana)
        }
        XCTAssertEqual(again?.code, .failedPrecondition)
    }

    func testChangingTheCollectionStatusPublishesFromToActorAndTheManagerToAlert() async throws {
        let manager = UserID()
        let disputed = try await harness.client.command(
            CollectionStatusMessages.create, CreateCollectionStatus(name: "Disputed", managerId: manager, disputed: true), actor: dana)
        let invoice = try await simple()
        XCTAssertNil(invoice.collectionStatus)
        let moved = try await harness.client.command(
            InvoiceMessages.setCollectionStatus, SetInvoiceCollectionStatus(id: invoice.id, collectionStatusId: disputed.id), actor: dana)
        XCTAssertEqual(moved.collectionStatus?.name, "Disputed")
        XCTAssertEqual(try harness.published(InvoiceMessages.collectionStatusChanged), [InvoiceCollectionStatusChanged(
            invoiceId: invoice.id, customerId: customer, number: invoice.number, from: nil,
            to: CollectionStatusRef(id: disputed.id, name: "Disputed"), actor: dana, alertManagerId: manager)])
        XCTAssertEqual(try harness.published(InvoiceMessages.balanceChanged).last?.collectionStatusIds, [disputed.id])

        let unknown = await refusal {
            try await self.harness.client.command(InvoiceMessages.setCollectionStatus,
                                                  SetInvoiceCollectionStatus(id: invoice.id, collectionStatusId: CollectionStatusID()),
                                                  actor: self.dana)
        }
        XCTAssertEqual(unknown?.code, .failedPrecondition)
        let inUse = await refusal {
            try await self.harness.client.command(CollectionStatusMessages.delete, DeleteCollectionStatus(id: disputed.id), actor: self.dana)
        }
        XCTAssertEqual(inUse?.code, .conflict)
        XCTAssertEqual(try harness.published(InvoiceMessages.collectionStatusChanged).count, 1)
    }

    func testTheListFiltersAndPagesNewestFirst() async throws {
        var made: [Invoice] = []
        for _ in 0..<5 { made.append(try await simple()) }
        _ = try await harness.client.command(InvoiceMessages.void, VoidInvoice(id: made[0].id), actor: dana)
        var seen: [InvoiceID] = []
        var cursor: String?
        repeat {
            let page = try await harness.client.query(InvoiceMessages.list, ListInvoices(customerId: customer, limit: 2, cursor: cursor))
            XCTAssertEqual(page.total, 5)
            XCTAssertEqual(page.items.map(\.lines), page.items.map { _ in [InvoiceLine(
                description: "Consulting", quantity: 1, unitPriceCents: 10_000, taxRateBps: 0, totalCents: 10_000, taxCents: 0)] },
                "every invoice of the page with its own lines")
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen, made.reversed().map(\.id))
        let voided = try await harness.client.query(InvoiceMessages.list, ListInvoices(customerId: customer, state: .void))
        XCTAssertEqual(voided.items.map(\.id), [made[0].id])
        let none = try await harness.client.query(InvoiceMessages.list, ListInvoices(customerId: CustomerID()))
        XCTAssertEqual(none.items, [])
    }

    /// The details view's section has its invoices written by PostgreSQL: it decodes to
    /// exactly the typed summaries and totals, and is the contract's JSON member for member
    /// (a missing collection status is null, days overdue as the summary works them out).
    func testTheWrittenDetailsSectionIsTheTypedOneExactly() async throws {
        _ = try await simple(issued: "2026-09-01", due: "2026-09-30")
        _ = try await simple(issued: "2026-11-20", due: "2026-12-20")
        _ = try await simple(issued: "2026-10-01", due: "2026-10-31")
        let statusConnection = try harness.connection()
        let status = CollectionStatusID()
        try statusConnection.execute("""
            INSERT INTO collection_statuses (id, name, position, is_default, disputed) VALUES (\(status), 'Disputed "é"', 9, false, true)
            """)
        try statusConnection.execute("UPDATE invoices SET collection_status_id = \(status) WHERE customer_id = \(customer) AND due_date = '2026-09-30'")
        statusConnection.close()
        clock.withLock { $0 = RFC3339.date(from: "2026-11-25T12:00:00Z")! }
        let written = try await harness.client.query(InvoiceMessages.customerSummary, CustomerInvoicesRequest(customerId: customer))
        let bytes = try await harness.client.queryJSON(InvoiceMessages.customerSummary, CustomerInvoicesRequest(customerId: customer))
        let reader = try harness.connection()  // used before the next await: a connection stays on its thread
        let today = try XCTUnwrap(BusinessDate("2026-11-25"))
        let typed = try InvoiceStore(connection: reader).summaries(of: customer, asOf: today)
        var totals = try InvoiceAging.totals(of: typed, asOf: today)
        totals.byCollectionStatus = try InvoiceAging.byCollectionStatus(typed, order: CollectionStatusStore(connection: reader).all())
        reader.close()
        let expected = CustomerInvoicesSummary(invoices: typed, totals: totals)
        XCTAssertEqual(written, expected)
        XCTAssertEqual(written.invoices.map(\.daysOverdue), [56, 25, 0])
        XCTAssertEqual(written.invoices.first?.collectionStatus?.name, #"Disputed "é""#)
        XCTAssertEqual(try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary,
                       try JSONSerialization.jsonObject(with: Data(try ContractJSON.encode(expected))) as? NSDictionary)
    }

    /// New York is UTC−5 in late November: 04:59 UTC on the 1st is still the 30th there.
    func testOverdueFlipsAtLocalMidnightOfTheBusinessTimeZone() async throws {
        var settings = BusinessSettings.initial
        settings.timeZone = "America/New_York"
        try harness.apply(IdentityMessages.settingsChanged, settings, from: .gateway)
        let invoice = try await simple(issued: "2026-11-01", due: "2026-11-30")

        func overdue() async throws -> (Int64, Int) {
            let summary = try await harness.client.query(InvoiceMessages.customerSummary, CustomerInvoicesRequest(customerId: customer))
            return (summary.totals.overdueCents, summary.invoices.first?.daysOverdue ?? -1)
        }
        clock.withLock { $0 = RFC3339.date(from: "2026-12-01T04:59:00Z")! }
        var (cents, days) = try await overdue()
        XCTAssertEqual(cents, 0, "23:59 on the due date in New York: not yet overdue (in UTC it is already the 1st)")
        XCTAssertEqual(days, 0)

        let watch = InvoiceHandlers.overdueWatch(clock: BusinessClock(now: { [clock] in clock.withLock { $0 } }))
        func runWatch() throws -> Int {  // a connection lives on one thread: one per run
            let connection = try harness.connection()
            return try connection.withTransaction { try watch.run(connection) }
        }
        XCTAssertEqual(try runWatch(), 0, "the first run only notes the date")

        clock.withLock { $0 = RFC3339.date(from: "2026-12-01T05:00:30Z")! }
        (cents, days) = try await overdue()
        XCTAssertEqual(cents, invoice.totalCents, "00:00:30 on the 1st in New York")
        XCTAssertEqual(days, 1)

        let before = try harness.published(InvoiceMessages.balanceChanged).count
        XCTAssertEqual(try runWatch(), 1, "one customer fell overdue")
        XCTAssertEqual(try runWatch(), 0, "and only once")
        let published = try harness.published(InvoiceMessages.balanceChanged)
        XCTAssertEqual(published.count, before + 1)
        XCTAssertEqual(published.last?.overdueCents, invoice.totalCents)
    }
}
