import Contracts
import Foundation
@testable import InvoiceService
import TestSupport
import XCTest

/// The invoice's arithmetic: exact quantities, the one rounding rule, checked sums.
final class InvoiceArithmeticTests: XCTestCase {
    private func decimal(_ text: String) -> Decimal {
        // As the API reads a JSON number: decoded as Decimal, digit for digit.
        struct Box: Decodable { var q: Decimal }
        return (try? JSONDecoder().decode(Box.self, from: Data("{\"q\": \(text)}".utf8)).q) ?? .nan
    }

    func testQuantitiesAreReadExactlyToTheThousandth() throws {
        XCTAssertEqual(try InvoiceArithmetic.thousandths(decimal("1"), field: "q"), 1_000)
        XCTAssertEqual(try InvoiceArithmetic.thousandths(decimal("0.1"), field: "q"), 100, "0.1 is not 0.1000000000000000055")
        XCTAssertEqual(try InvoiceArithmetic.thousandths(decimal("2.005"), field: "q"), 2_005)
        XCTAssertEqual(try InvoiceArithmetic.thousandths(decimal("999999.999"), field: "q"), 999_999_999)
        for bad in ["0.0005", "1.2345", "0", "-1", "1000000.001"] {
            XCTAssertThrowsError(try InvoiceArithmetic.thousandths(decimal(bad), field: "lines[0].quantity"), bad) {
                XCTAssertEqual(($0 as? ErrorBody)?.details.keys.first, "lines[0].quantity")
            }
        }
    }

    func testEachLineAndItsTaxRoundHalfAwayFromZeroAndTheTotalIsTheirSum() throws {
        let amounts = try InvoiceArithmetic.amounts([
            .init(quantityThousandths: 1_500, unitPriceCents: 333, taxRateBasisPoints: 825),  // 499.5 → 500; tax 41.25 → 41
            .init(quantityThousandths: 3_000, unitPriceCents: 1_999, taxRateBasisPoints: 0),  // 5997
            .init(quantityThousandths: 1_000, unitPriceCents: -500, taxRateBasisPoints: 1_000),  // a discount: -500, tax -50
            .init(quantityThousandths: 250, unitPriceCents: 2, taxRateBasisPoints: 10_000),  // 0.5 → 1; tax 1
        ])
        XCTAssertEqual(amounts.lineTotals, [500, 5_997, -500, 1])
        XCTAssertEqual(amounts.lineTaxes, [41, 0, -50, 1])
        XCTAssertEqual(amounts.subtotal, 5_998)
        XCTAssertEqual(amounts.tax, -8)
        XCTAssertEqual(amounts.total, 5_990)
        XCTAssertEqual(try InvoiceArithmetic.rounded(-15, over: 10), -2, "half away from zero, also below it")
        XCTAssertEqual(try InvoiceArithmetic.rounded(14, over: 10), 1)
    }

    func testBadRatesAnInvoiceBelowZeroAndOverflowAreRefusedNotWrapped() {
        XCTAssertThrowsError(try InvoiceArithmetic.amounts([.init(quantityThousandths: 1_000, unitPriceCents: 1, taxRateBasisPoints: 10_001)]))
        XCTAssertThrowsError(try InvoiceArithmetic.amounts([.init(quantityThousandths: 1_000, unitPriceCents: -1, taxRateBasisPoints: 0)])) {
            XCTAssertEqual(($0 as? ErrorBody)?.code, .failedPrecondition)
        }
        let huge = InvoiceArithmetic.Line(quantityThousandths: 999_999_999, unitPriceCents: InvoiceArithmetic.maximumUnitPrice,
                                          taxRateBasisPoints: 10_000)
        XCTAssertThrowsError(try InvoiceArithmetic.amounts(Array(repeating: huge, count: 100))) {
            XCTAssertEqual(($0 as? ErrorBody)?.message, "the invoice's amounts are too large")
        }
    }

    /// For many random invoices (a fixed seed, so a failure repeats): every line is within
    /// half a cent of its exact value, and the lines add up to the total.
    func testForRandomLinesTheRoundedLinesAlwaysAddUpToTheTotal() throws {
        var random = SplitMix64(seed: 0x5EED_1A2B_3C4D)
        for _ in 0..<2_000 {
            let lines = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                InvoiceArithmetic.Line(quantityThousandths: Int64.random(in: 1...5_000_000, using: &random),
                                       unitPriceCents: Int64.random(in: -50_000...5_000_000, using: &random),
                                       taxRateBasisPoints: Int.random(in: 0...2_500, using: &random))
            }
            guard let amounts = try? InvoiceArithmetic.amounts(lines) else {
                // Only an invoice below zero may be refused at these sizes.
                let exact = lines.reduce(Int128(0)) { $0 + Int128($1.quantityThousandths) * Int128($1.unitPriceCents) }
                XCTAssertLessThan(exact, 0)
                continue
            }
            XCTAssertEqual(amounts.subtotal + amounts.tax, amounts.total)
            XCTAssertEqual(amounts.lineTotals.reduce(0, +), amounts.subtotal)
            XCTAssertEqual(amounts.lineTaxes.reduce(0, +), amounts.tax)
            for (line, total) in zip(lines, amounts.lineTotals) {
                let exactTimesThousand = Int128(line.quantityThousandths) * Int128(line.unitPriceCents)
                XCTAssertLessThanOrEqual((Int128(total) * 1_000 - exactTimesThousand).magnitude, 500)
            }
        }
    }
}
