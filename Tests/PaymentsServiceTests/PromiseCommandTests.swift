import Contracts
import Foundation
@testable import PaymentsService
import Postgres
import ServiceKit
import TestSupport
import Threading
import XCTest

/// Promises to pay through payments-service's real handlers on a real PostgreSQL schema,
/// with a test clock and a business in New York: kept by payments applied by the promised
/// day (in the business time zone), broken the day after, decided once however often the
/// watch runs, cancelled, following the customer's specialist, and reported.
final class PromiseCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes", role: "specialist")
    private let customer = CustomerID()
    private let specialist = UserID()
    // 10:00 on Nov 25 in New York.
    private let clock = Locked(RFC3339.date(from: "2026-11-25T15:00:00Z")!)
    private var businessClock: BusinessClock { let clock = self.clock; return BusinessClock(now: { clock.withLock { $0 } }) }

    override func setUp() async throws {
        let clock = self.clock
        harness = try ServiceHarness(try PaymentsService.definition(linkKey: try .forTests, now: { clock.withLock { $0 } }))
        var settings = BusinessSettings.initial
        settings.timeZone = "America/New_York"
        try harness.apply(IdentityMessages.settingsChanged, settings, from: .gateway)
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func at(_ instant: String) { clock.withLock { $0 = RFC3339.date(from: instant)! } }

    @discardableResult
    private func known(_ cents: Int64, number: String, customer: CustomerID? = nil, currency: Currency = .usd) throws -> Invoice {
        let invoice = Invoice(
            id: InvoiceID(), customerId: customer ?? self.customer, number: number, issueDate: BusinessDate("2026-10-01")!,
            dueDate: BusinessDate("2026-11-01")!, currency: currency, poNumber: nil, memo: nil, contactId: nil, collectionStatus: nil,
            lines: [], subtotalCents: cents, taxCents: 0, totalCents: cents, paidCents: 0, balanceCents: cents, state: .open,
            voidReason: nil, createdAt: Date(), updatedAt: Date())
        try harness.apply(InvoiceMessages.created, InvoiceCreated(invoice: invoice), from: .invoice)
        return invoice
    }

    private func promise(_ invoices: [Invoice], _ cents: Int64, by date: String, note: String? = nil) async throws -> PromiseToPay {
        try await harness.client.command(PaymentsMessages.recordPromise, RecordPromise(
            customerId: customer, specialistId: specialist, source: .staff,
            promise: PromiseFields(invoiceIds: invoices.map(\.id), amountCents: cents, promisedOn: BusinessDate(date)!, note: note)),
            actor: dana)
    }

    private func pay(_ invoice: Invoice, _ cents: Int64) async throws -> Payment {
        try await harness.client.command(PaymentsMessages.record, RecordPayment(
            customerId: customer, customerCurrency: .usd,
            payment: PaymentFields(amountCents: cents, currency: .usd, method: "check", receivedOn: BusinessDate("2026-11-25")!,
                                   applications: [ApplicationInput(invoiceId: invoice.id, amountCents: cents)])), actor: dana)
    }

    /// The leader's watch, run as the relay runs it (one transaction on its own connection).
    private struct Watch: Sendable {
        let url: String
        let clock: BusinessClock

        func run() throws -> Int {
            let connection = try PostgresConnection(url: url)
            let job = PromiseHandlers.watch(clock: clock)
            return try connection.withTransaction { try job.run(connection) }
        }
    }

    @discardableResult
    private func watch() throws -> Int { try Watch(url: harness.url, clock: businessClock).run() }

    private func state(_ promise: PromiseToPay) async throws -> PromiseToPay {
        try await harness.client.query(PaymentsMessages.getPromise, GetPromise(id: promise.id))
    }

    private func count(_ table: String) throws -> Int64 {
        try harness.connection().query("SELECT count(*)::int8 FROM \(identifier: table)").single(Int64.self)
    }

    func testAPromiseIsRecordedWithWhatItCoversAndEveryRefusalChangesNothing() async throws {
        let first = try known(30_000, number: "INV-000001")
        let second = try known(20_000, number: "INV-000002")
        let theirs = try known(5_000, number: "INV-000900", customer: CustomerID())
        let euro = try known(5_000, number: "INV-000003", currency: .eur)
        let made = try await promise([second], 15_000, by: "2026-12-01", note: "  Check in the mail  ")
        XCTAssertEqual(made.invoiceNumbers, ["INV-000002"])
        XCTAssertEqual([made.state.rawValue, made.note ?? "", made.recordedOn.description], ["open", "Check in the mail", "2026-11-25"])
        XCTAssertEqual(made.specialistId, specialist)
        XCTAssertEqual(made.recordedBy?.name, "Dana Reyes")
        XCTAssertEqual(made.paidCents, 0)
        XCTAssertEqual(try harness.published(PaymentsMessages.promiseRecorded), [PromiseChanged(promise: made)])

        let cases: [(() async throws -> PromiseToPay, String)] = [
            ({ try await self.promise([first], 40_000, by: "2026-12-01") }, "amount_cents"),  // more than is open on it
            ({ try await self.promise([first], 1_000, by: "2026-11-24") }, "promised_on"),  // yesterday in New York
            ({ try await self.promise([first], 1_000, by: "2027-12-01") }, "promised_on"),  // more than a year ahead
            ({ try await self.promise([theirs], 1_000, by: "2026-12-01") }, "invoice_ids[0]"),
            ({ try await self.promise([first, euro], 1_000, by: "2026-12-01") }, "invoice_ids"),
            ({ try await self.promise([], 1_000, by: "2026-12-01") }, "invoice_ids"),
            ({ try await self.promise([first, first], 1_000, by: "2026-12-01") }, "invoice_ids"),
            ({ try await self.promise([first], 0, by: "2026-12-01") }, "amount_cents"),
            ({ try await self.promise([first, second], 1_000, by: "2026-12-01") }, "invoice_ids[1]"),  // second has one open
        ]
        for (index, (call, field)) in cases.enumerated() {
            let refused = await refusal(call)
            XCTAssertNotNil(refused?.details[field], "case \(index): \(String(describing: refused))")
        }
        XCTAssertEqual(try count("promises"), 1, "nothing recorded by a refusal")
        XCTAssertEqual(try harness.published(PaymentsMessages.promiseRecorded).count, 1)

        let cancelled = try await harness.client.command(PaymentsMessages.cancelPromise, CancelPromise(id: made.id), actor: dana)
        XCTAssertEqual(cancelled.state, .cancelled)
        XCTAssertEqual(cancelled.resolvedOn, BusinessDate("2026-11-25")!)
        let again = await refusal { try await self.harness.client.command(PaymentsMessages.cancelPromise, CancelPromise(id: made.id),
                                                                          actor: self.dana) }
        XCTAssertEqual(again?.code, .failedPrecondition)
        XCTAssertEqual(try harness.published(PaymentsMessages.promiseCancelled).map(\.promise.id), [made.id])
        let summary = try await harness.client.query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer))
        XCTAssertTrue(summary.promises.isEmpty, "the details view lists open promises only")
        let afterCancel = try await promise([first, second], 40_000, by: "2026-12-01")
        XCTAssertEqual(afterCancel.invoiceNumbers, ["INV-000001", "INV-000002"], "a cancelled promise no longer holds its invoice")
    }

    func testAPromisePaidByItsDayInNewYorkIsKeptAtOnce() async throws {
        let invoice = try known(30_000, number: "INV-000001")
        let made = try await promise([invoice], 25_000, by: "2026-11-30")
        _ = try await pay(invoice, 10_000)
        let partly = try await state(made)
        XCTAssertEqual([partly.state.rawValue, "\(partly.paidCents)"], ["open", "10000"])
        // 23:30 on the promised day in New York (04:30 the next day in UTC): still in time.
        at("2026-12-01T04:30:00Z")
        _ = try await pay(invoice, 15_000)
        let kept = try await state(made)
        XCTAssertEqual(kept.state, .kept, "kept in the transaction that applied the money")
        XCTAssertEqual(kept.resolvedOn, BusinessDate("2026-11-30")!)
        XCTAssertEqual(kept.paidCents, 25_000)
        XCTAssertEqual(try harness.published(PaymentsMessages.promiseKept).map(\.promise.id), [made.id])
        at("2026-12-02T15:00:00Z")
        XCTAssertEqual(try watch(), 0, "a kept promise is never broken")
        XCTAssertTrue(try harness.published(PaymentsMessages.promiseBroken).isEmpty)
    }

    func testMoneyAppliedBeforeThePromiseOrAfterItsDayDoesNotKeepIt() async throws {
        let invoice = try known(30_000, number: "INV-000001")
        _ = try await pay(invoice, 5_000)  // before the promise
        let made = try await promise([invoice], 10_000, by: "2026-11-30")
        do { let current = try await state(made); XCTAssertEqual(current.paidCents, 0) }
        at("2026-12-01T05:00:01Z")  // Dec 1 in New York: too late
        _ = try await pay(invoice, 10_000)
        let late = try await state(made)
        XCTAssertEqual([late.state.rawValue, "\(late.paidCents)"], ["broken", "0"], "a late payment finds the day passed")
        XCTAssertEqual(try harness.published(PaymentsMessages.promiseBroken).map(\.promise.id), [made.id])
    }

    func testAnUnkeptPromiseIsBrokenTheDayAfterInNewYorkAndOnlyOnce() async throws {
        let invoice = try known(30_000, number: "INV-000001")
        let made = try await promise([invoice], 25_000, by: "2026-11-30")
        _ = try await pay(invoice, 5_000)
        at("2026-12-01T04:59:00Z")  // 23:59 on Nov 30 in New York
        XCTAssertEqual(try watch(), 0)
        do { let current = try await state(made); XCTAssertEqual(current.state, .open) }
        at("2026-12-01T05:00:00Z")  // midnight in New York
        // Two leaders' runs at once (a failover) and one more after: one decision.
        let leader = Watch(url: harness.url, clock: businessClock)
        async let one = Task.detached { try leader.run() }.value
        async let two = Task.detached { try leader.run() }.value
        let moved = try await one + two
        XCTAssertEqual(moved, 1)
        XCTAssertEqual(try watch(), 0)
        let broken = try await state(made)
        XCTAssertEqual([broken.state.rawValue, broken.resolvedOn?.description ?? "", "\(broken.paidCents)"], ["broken", "2026-12-01", "5000"])
        let events = try harness.published(PaymentsMessages.promiseBroken)
        XCTAssertEqual(events.map(\.promise.id), [made.id], "exactly one promise.broken")
        XCTAssertEqual(events.first?.promise.specialistId, specialist, "history-service gives the task to the specialist")
        let cancel = await refusal { try await self.harness.client.command(PaymentsMessages.cancelPromise, CancelPromise(id: made.id),
                                                                           actor: self.dana) }
        XCTAssertEqual(cancel?.code, .failedPrecondition)
    }

    func testPromisesFollowTheSpecialistAndAreReportedByThem() async throws {
        let invoice = try known(90_000, number: "INV-000001")
        let other = try known(20_000, number: "INV-000002")
        let third = try known(40_000, number: "INV-000003")
        let open = try await promise([other], 10_000, by: "2026-12-10")
        let toKeep = try await promise([invoice], 20_000, by: "2026-11-28")
        let alsoKept = try await promise([third], 30_000, by: "2026-11-26")
        _ = try await pay(invoice, 20_000)
        _ = try await pay(third, 30_000)
        do { let current = try await state(toKeep); XCTAssertEqual(current.state, .kept) }
        do { let current = try await state(alsoKept); XCTAssertEqual(current.state, .kept) }
        let late = try await promise([invoice], 5_000, by: "2026-11-26")
        at("2026-11-27T15:00:00Z")
        XCTAssertEqual(try watch(), 1)
        do { let current = try await state(late); XCTAssertEqual(current.state, .broken) }

        let newSpecialist = UserID()
        try harness.apply(SpecialistMessages.assigned, SpecialistAssigned(
            customerId: customer, customerName: "Acme", from: SpecialistReference(id: specialist),
            to: SpecialistReference(id: newSpecialist)), from: .customer)
        do { let current = try await state(open); XCTAssertEqual(current.specialistId, newSpecialist, "an open promise follows the customer's specialist") }
        do { let current = try await state(late); XCTAssertEqual(current.specialistId, specialist, "a decided one stays with who had it") }

        let report = try await harness.client.query(PaymentsMessages.promiseReport, PromiseReportRequest())
        XCTAssertEqual(report.items.count, 2)
        let bySpecialist = Dictionary(uniqueKeysWithValues: report.items.map { ($0.specialistId, $0) })
        XCTAssertEqual(bySpecialist[specialist], PromiseReportRow(
            specialistId: specialist, currency: .usd, open: .zero, kept: PromiseTally(count: 2, amountCents: 50_000),
            broken: PromiseTally(count: 1, amountCents: 5_000), cancelled: .zero))
        XCTAssertEqual(bySpecialist[specialist]?.keptRateBps, 6_667)
        XCTAssertEqual(bySpecialist[newSpecialist], PromiseReportRow(
            specialistId: newSpecialist, currency: .usd, open: PromiseTally(count: 1, amountCents: 10_000), kept: .zero, broken: .zero,
            cancelled: .zero))
        let period = try await harness.client.query(PaymentsMessages.promiseReport, PromiseReportRequest(
            from: BusinessDate("2026-12-01")!, to: BusinessDate("2026-12-31")!))
        XCTAssertEqual(period.items.map(\.specialistId), [newSpecialist], "only promises dated in the period")
        let mine = try await harness.client.query(PaymentsMessages.promiseReport, PromiseReportRequest(specialistId: specialist))
        XCTAssertEqual(mine.items.map(\.specialistId), [specialist])

        let page = try await harness.client.query(PaymentsMessages.listPromises, ListPromises(customerId: customer, limit: 2))
        XCTAssertEqual(page.items.map(\.id), [late.id, alsoKept.id], "newest first")
        XCTAssertEqual(page.total, 4)
        let next = try await harness.client.query(PaymentsMessages.listPromises, ListPromises(customerId: customer, limit: 2,
                                                                                             cursor: page.nextCursor))
        XCTAssertEqual(next.items.map(\.id), [toKeep.id, open.id])
        let broken = try await harness.client.query(PaymentsMessages.listPromises, ListPromises(customerId: customer, state: .broken))
        XCTAssertEqual(broken.items.map(\.id), [late.id])
    }
}
