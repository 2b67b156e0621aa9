import Contracts
import XCTest

final class MoneyTests: XCTestCase {
    func testAddingSameCurrency() throws {
        let sum = try Money(minorUnits: 1_050, currency: .usd) + Money(minorUnits: 99, currency: .usd)
        XCTAssertEqual(sum, Money(minorUnits: 1_149, currency: .usd))
    }

    func testMixedCurrenciesAreRefused() {
        XCTAssertThrowsError(try Money(minorUnits: 1, currency: .usd) + Money(minorUnits: 1, currency: .eur)) {
            XCTAssertEqual($0 as? MoneyError, .currencyMismatch(.usd, .eur))
        }
        XCTAssertThrowsError(try Money(minorUnits: 1, currency: .usd).isLess(than: Money(minorUnits: 2, currency: .eur)))
    }

    func testOverflowIsRefused() {
        XCTAssertThrowsError(try Money(minorUnits: .max, currency: .usd) + Money(minorUnits: 1, currency: .usd)) {
            XCTAssertEqual($0 as? MoneyError, .overflow)
        }
        XCTAssertThrowsError(try Money(minorUnits: .min, currency: .usd) - Money(minorUnits: 1, currency: .usd))
    }

    func testSumAndDescription() throws {
        let amounts = [250, 1_000, -50].map { Money(minorUnits: $0, currency: .usd) }
        XCTAssertEqual(try Money.sum(amounts, currency: .usd).description, "12.00 USD")
        XCTAssertEqual(Money(minorUnits: -5, currency: .eur).description, "-0.05 EUR")
    }

    func testCurrencyValidation() {
        XCTAssertEqual(Currency("usd"), .usd)
        XCTAssertNil(Currency("US"))
        XCTAssertNil(Currency("U$D"))
        XCTAssertThrowsError(try ContractJSON.decode(Money.self, from: Array(#"{"minor_units":1,"currency":"dollars"}"#.utf8)))
    }
}

final class CurrencyFormatTests: XCTestCase {
    func testAmountsAreWrittenWithTheCurrencysOwnMinorUnits() {
        XCTAssertEqual(Currency.usd.format(1_234_567), "$12,345.67")
        XCTAssertEqual(Currency.usd.format(-5), "-$0.05")
        XCTAssertEqual(Currency("JPY")!.format(1_234_567), "1,234,567 JPY", "the yen has no minor unit")
        XCTAssertEqual(Currency("BHD")!.format(1_234), "1.234 BHD", "the Bahraini dinar has three digits")
        XCTAssertEqual(Currency.eur.format(100), "1.00 EUR")
        XCTAssertEqual(Currency.usd.format(0), "$0.00")
        XCTAssertEqual(Currency.usd.format(Int64.min), "-$92,233,720,368,547,758.08", "the extreme does not trap")
    }
}
