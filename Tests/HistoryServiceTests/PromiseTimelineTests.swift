import Contracts
import Foundation
@testable import HistoryService
import Postgres
import TestSupport
import XCTest

/// What payments-service's promise, link and portal events become in history-service's
/// real handlers on a real schema: one line each, and one follow-up task per broken
/// promise, however often the event arrives.
final class PromiseTimelineTests: XCTestCase {
    private var harness: ServiceHarness!
    private let customer = CustomerID()
    private let specialist = UserID()

    override func setUp() async throws {
        harness = try ServiceHarness(try HistoryService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func promise(_ state: PromiseState, source: PaymentSource = .staff, specialist: UserID?) -> PromiseToPay {
        PromiseToPay(id: PromiseID(), customerId: customer, contactId: nil, invoiceIds: [InvoiceID()], invoiceNumbers: ["INV-000012"],
                     amountCents: 50_000, currency: .usd, promisedOn: BusinessDate("2026-11-30")!, note: "Check in the mail",
                     state: state, source: source, specialistId: specialist, paidCents: 20_000,
                     recordedOn: BusinessDate("2026-11-20")!, resolvedOn: state == .open ? nil : BusinessDate("2026-12-01")!,
                     recordedBy: Actor.person("Dana Reyes"), createdAt: Date())
    }

    private func summaries() async throws -> [String] {
        try await harness.client.query(HistoryMessages.list, ListActivities(customerId: customer)).items.map(\.summary)
    }

    private func tasks() async throws -> [TaskSummary] {
        try await harness.client.query(HistoryMessages.customerSummary, CustomerHistoryRequest(customerId: customer)).history.openTasks
    }

    func testABrokenPromiseGivesTheSpecialistOneTaskHoweverOftenItArrives() async throws {
        try harness.apply(IdentityMessages.userUpserted, UserRecord(
            id: specialist, name: "Sam Lee", email: "sam@example.com", role: .specialist, manageAllCustomers: false,
            isDefaultSpecialist: false, active: true, createdAt: Date()), from: .gateway)
        let broken = promise(.broken, specialist: specialist)
        let event = MessageID()
        for _ in 0..<3 {
            try harness.apply(PaymentsMessages.promiseBroken, PromiseChanged(promise: broken), from: .payments, actor: .system, id: event)
        }
        let open = try await tasks()
        XCTAssertEqual(open.count, 1, "one task for one broken promise")
        XCTAssertEqual(open.first?.assigneeId, specialist)
        XCTAssertEqual(open.first?.title, "Follow up the broken promise to pay $500.00 by 2026-11-30 on INV-000012")
        XCTAssertEqual(open.first?.dueOn, BusinessDate("2026-12-01")!)
        XCTAssertEqual(open.first?.invoiceId, broken.invoiceIds.first)
        let lines = try await summaries()
        XCTAssertEqual(Set(lines), [
            "Broke the promise to pay $500.00 by 2026-11-30 on INV-000012 ($200.00 paid); a follow-up task was created",
            "System assigned task “Follow up the broken promise to pay $500.00 by 2026-11-30 on INV-000012” to Sam Lee, due 2026-12-01",
        ])
        XCTAssertEqual(try harness.published(HistoryMessages.taskAssigned).map(\.title), [open.first?.title ?? ""],
                       "one task.assigned for the one task")

        // Without a specialist, the task goes to whoever recorded the promise.
        let unassigned = promise(.broken, specialist: nil)
        try harness.apply(PaymentsMessages.promiseBroken, PromiseChanged(promise: unassigned), from: .payments, actor: .system)
        let both = try await tasks()
        XCTAssertEqual(both.count, 2)
        XCTAssertTrue(both.contains { $0.assigneeId == unassigned.recordedBy?.userId })
    }

    func testPromisesLinksAndPortalPaymentsReadAsSentences() async throws {
        let dana = Actor.person("Dana Reyes")
        try harness.apply(PaymentsMessages.promiseRecorded, PromiseChanged(promise: promise(.open, specialist: specialist)),
                          from: .payments, actor: dana)
        try harness.apply(PaymentsMessages.promiseRecorded, PromiseChanged(promise: promise(.open, source: .portal, specialist: nil)),
                          from: .payments, actor: .portalPayer)
        try harness.apply(PaymentsMessages.promiseKept, PromiseChanged(promise: promise(.kept, specialist: specialist)),
                          from: .payments, actor: .system)
        try harness.apply(PaymentsMessages.promiseCancelled, PromiseChanged(promise: promise(.cancelled, specialist: specialist)),
                          from: .payments, actor: dana)
        try harness.apply(PaymentsMessages.linkChanged, PaymentLinkChanged(customerId: customer, change: .created,
                                                                           expiresOn: BusinessDate("2026-12-31")!),
                          from: .payments, actor: dana)
        try harness.apply(PaymentsMessages.linkChanged, PaymentLinkChanged(customerId: customer, change: .revoked, expiresOn: nil),
                          from: .payments, actor: dana)
        let payment = Payment(
            id: PaymentID(), customerId: customer, amountCents: 10_410, currency: .usd, method: "card",
            reference: "Visa ending 4242, sbx_ch_0123456789ab", receivedOn: BusinessDate("2026-11-30")!, appliedCents: 10_410,
            refundedCents: 0, unappliedCents: 0, applications: [], refunds: [], feeCents: 332, source: .portal, createdAt: Date())
        try harness.apply(PaymentsMessages.recorded, PaymentRecorded(payment: payment), from: .payments, actor: .portalPayer)
        let lines = Set(try await summaries())
        XCTAssertEqual(lines, [
            "Dana Reyes recorded a promise to pay $500.00 by 2026-11-30 on INV-000012: “Check in the mail”",
            "Customer made a promise to pay $500.00 by 2026-11-30 on INV-000012 via portal: “Check in the mail”",
            "Kept the promise to pay $500.00 by 2026-11-30 on INV-000012",
            "Dana Reyes cancelled the promise to pay $500.00 by 2026-11-30 on INV-000012",
            "Dana Reyes created the payment link (expires 2026-12-31)",
            "Dana Reyes revoked the payment link; its URL no longer opens the portal",
            "Paid via portal: $104.10 by Visa ending 4242, sbx_ch_0123456789ab (convenience fee $3.32)",
        ])
        let activities = try await harness.client.query(HistoryMessages.list, ListActivities(customerId: customer, tab: .payment))
        XCTAssertEqual(activities.items.count, 7, "the Payments tab: payments, the link and promises")
        let open = try await tasks()
        XCTAssertTrue(open.isEmpty, "only a broken promise makes a task")
    }
}
