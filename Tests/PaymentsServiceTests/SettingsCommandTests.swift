import Contracts
import Foundation
@testable import PaymentsService
import TestSupport
import XCTest

/// Payment settings and methods through payments-service's real handlers: a customer's own
/// settings and its return to the business defaults (one table), the one fee rule, and
/// methods as a table the business extends and retires.
final class SettingsCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try PaymentsService.definition(linkKey: try .forTests))
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func update(_ customer: CustomerID?, _ fields: PaymentSettingsFields?) async throws -> PaymentSettings {
        try await harness.client.command(PaymentsMessages.updateSettings, UpdatePaymentSettings(customerId: customer, settings: fields),
                                         actor: dana)
    }

    func testACustomerHasItsOwnSettingsOrTheDefaultsItFallsBackTo() async throws {
        let customer = CustomerID()
        let card = ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: 2_500)
        let defaults = try await update(nil, PaymentSettingsFields(cardAllowed: true, achAllowed: false, cardFee: card, autopay: false))
        XCTAssertEqual(defaults, PaymentSettings(cardAllowed: true, achAllowed: false, cardFee: card, achFee: nil, autopay: false,
                                                 isCustomerSpecific: false))
        var settings = try await harness.client.query(PaymentsMessages.settings, PaymentSettingsRequest(customerId: customer))
        XCTAssertEqual(settings, defaults, "no settings of its own: the defaults")

        settings = try await update(customer, PaymentSettingsFields(cardAllowed: false, achAllowed: true, autopay: true))
        XCTAssertEqual([settings.cardAllowed, settings.achAllowed, settings.autopay, settings.isCustomerSpecific], [false, true, true, true])
        let summary = try await harness.client.query(PaymentsMessages.customerSummary, CustomerPaymentsRequest(customerId: customer))
        XCTAssertEqual(summary.payment.settings, settings, "the details view shows the same")

        settings = try await update(customer, nil)
        XCTAssertEqual(settings, defaults, "back to the defaults")
        XCTAssertEqual(try harness.published(PaymentsMessages.settingsChanged).map(\.customerId), [nil, customer, customer])

        let refused = await refusal {
            try await self.update(customer, PaymentSettingsFields(
                cardAllowed: true, achAllowed: true, cardFee: ConvenienceFee(basisPoints: 10_001, fixedCents: 0, capCents: nil), autopay: false))
        }
        XCTAssertEqual(refused?.details.keys.first, "card_fee.basis_points")
        let noDefaults = await refusal { try await self.update(nil, nil) }
        XCTAssertEqual(noDefaults?.code, .invalidArgument)
    }

    func testMethodsAreATableTheBusinessExtendsAndRetires() async throws {
        let listed = try await harness.client.query(PaymentsMessages.methods, Empty())
        XCTAssertEqual(listed.items.map(\.code), ["ach", "card", "cash", "check", "wire"])
        let money = try await harness.client.command(PaymentsMessages.createMethod, CreatePaymentMethod(name: "  Money order! "), actor: dana)
        XCTAssertEqual(money, PaymentMethod(code: "money_order", name: "Money order!", isBuiltin: false, active: true))
        let twice = await refusal {
            try await self.harness.client.command(PaymentsMessages.createMethod, CreatePaymentMethod(name: "money ORDER!"), actor: self.dana)
        }
        XCTAssertEqual(twice?.code, .conflict)
        let symbols = await refusal {
            try await self.harness.client.command(PaymentsMessages.createMethod, CreatePaymentMethod(name: "€€€"), actor: self.dana)
        }
        XCTAssertEqual(symbols?.code, .failedPrecondition)

        let retired = try await harness.client.command(PaymentsMessages.updateMethod, UpdatePaymentMethod(code: "money_order", active: false),
                                                       actor: dana)
        XCTAssertFalse(retired.active)
        let payment = await refusal {
            try await self.harness.client.command(PaymentsMessages.record, RecordPayment(
                customerId: CustomerID(), customerCurrency: .usd,
                payment: PaymentFields(amountCents: 100, currency: .usd, method: "Money_Order", receivedOn: BusinessDate("2026-11-19")!)),
                actor: self.dana)
        }
        XCTAssertEqual(payment?.details.keys.first, "method", "a retired method takes no new payments")
        let unknown = await refusal {
            try await self.harness.client.command(PaymentsMessages.updateMethod, UpdatePaymentMethod(code: "barter", active: false),
                                                  actor: self.dana)
        }
        XCTAssertEqual(unknown?.code, .notFound)
    }

    /// The one fee rule: percent rounded half away from zero, plus the fixed part, capped.
    func testTheConvenienceFee() throws {
        let card = ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: nil)
        XCTAssertEqual(try card.fee(on: 10_000), 320)          // 2.9 % of $100 + $0.30
        XCTAssertEqual(try card.fee(on: 50), 31)               // 1.45 ¢ → 1 ¢, + 30
        XCTAssertEqual(try card.fee(on: 1_724), 80)            // 49.996 → 50, + 30
        XCTAssertEqual(try ConvenienceFee(basisPoints: 250, fixedCents: 0, capCents: nil).fee(on: 100), 3, "2.5 ¢ rounds up")
        XCTAssertEqual(try ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: 500).fee(on: 1_000_000), 500, "capped")
        XCTAssertEqual(try ConvenienceFee(basisPoints: 0, fixedCents: 0, capCents: nil).fee(on: 1_000_000), 0)
        XCTAssertThrowsError(try ConvenienceFee(basisPoints: 10_000, fixedCents: Int64.max, capCents: nil).fee(on: 1))
    }
}
