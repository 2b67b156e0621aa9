import Contracts
import Foundation
@testable import PaymentsService
import TestSupport
import Threading
import XCTest

/// payments-service counts days in the business's time zone (kept from identity's
/// `business_settings.changed`): a payment link that expires on the 30th works until
/// midnight in New York, hours after midnight UTC.
final class BusinessDateTests: XCTestCase {
    private var harness: ServiceHarness!
    private let clock = Locked(RFC3339.date(from: "2026-12-01T04:30:00Z")!)  // 23:30 on Nov 30 in New York

    override func setUp() async throws {
        let clock = self.clock
        harness = try ServiceHarness(try PaymentsService.definition(linkKey: try .forTests, now: { clock.withLock { $0 } }))
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    func testAPaymentLinkExpiresAtTheBusinessesMidnight() async throws {
        var settings = BusinessSettings.initial
        settings.timeZone = "America/New_York"
        try harness.apply(IdentityMessages.settingsChanged, settings, from: .gateway)
        let customer = CustomerID()
        try harness.connection().execute("""
            INSERT INTO payment_links (id, customer_id, token_hash, url, expires_on)
            VALUES (\(UUID()), \(customer), 'hash', 'https://pay.example/p/abc', '2026-11-30')
            """)
        func link() async throws -> PaymentLinkSummary? {
            try await harness.client.query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer)).payment.link
        }
        let lateEvening = try await link()
        XCTAssertEqual(lateEvening?.url, "https://pay.example/p/abc", "still the 30th in New York (already the 1st in UTC)")
        clock.withLock { $0 = RFC3339.date(from: "2026-12-01T05:00:01Z")! }
        let afterMidnight = try await link()
        XCTAssertNil(afterMidnight, "the 1st in New York: expired")
    }
}
