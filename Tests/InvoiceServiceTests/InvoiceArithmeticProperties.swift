import Contracts
@testable import InvoiceService
import PropertyBased
import Testing

/// The invoice rounding rule as properties over random lines (swift-property-based, under
/// Swift Testing): the rounded lines and taxes always add up to the invoice's figures, each
/// within half a minor unit of the exact product, and an amount that does not fit in 64 bits
/// is refused — never a wrapped number. The oracle is the rule computed in 128 bits.
struct InvoiceArithmeticProperties {
    /// Everyday lines: quantities to 1,000 with three decimals, prices to ±$100,000, any rate.
    static let everyday = zip(Gen.int64(in: 1...1_000_000), Gen.int64(in: -10_000_000...10_000_000), Gen.int(in: 0...10_000))
        .map { InvoiceArithmetic.Line(quantityThousandths: $0.0, unitPriceCents: $0.1, taxRateBasisPoints: $0.2) }
        .array(of: 1...40)

    /// Lines at the limits: the largest quantities and prices, where 64 bits run out.
    static let extreme = zip(Gen.int64(in: 1...1_000_000_000), Gen.int64(in: -InvoiceArithmetic.maximumUnitPrice...InvoiceArithmetic.maximumUnitPrice),
                             Gen.int(in: 0...10_000))
        .map { InvoiceArithmetic.Line(quantityThousandths: $0.0, unitPriceCents: $0.1, taxRateBasisPoints: $0.2) }
        .array(of: 1...8)

    /// Any 64-bit price at all, `Int64.min` included: beyond the documented maximum is a bad
    /// request, never a crash.
    static let anyPrice = zip(Gen.int64(in: 1...1_000_000_000), Gen.int64(in: .min ... .max), Gen.int(in: 0...10_000))
        .map { InvoiceArithmetic.Line(quantityThousandths: $0.0, unitPriceCents: $0.1, taxRateBasisPoints: $0.2) }
        .array(of: 1...4)

    /// The rule in 128 bits, refusing where the service must: a line, tax or running sum
    /// outside 64 bits, or an invoice below zero.
    static func oracle(_ lines: [InvoiceArithmetic.Line]) -> (totals: [Int64], taxes: [Int64], total: Int64)? {
        func rounded(_ numerator: Int128, _ denominator: Int128) -> Int128 {
            let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
            return remainder.magnitude * 2 >= denominator.magnitude ? quotient + (numerator < 0 ? -1 : 1) : quotient
        }
        func fits(_ value: Int128) -> Bool { value >= Int128(Int64.min) && value <= Int128(Int64.max) }
        var totals: [Int64] = [], taxes: [Int64] = []
        for line in lines {
            let amount = rounded(Int128(line.quantityThousandths) * Int128(line.unitPriceCents), 1_000)
            guard fits(amount) else { return nil }
            let tax = rounded(amount * Int128(line.taxRateBasisPoints), 10_000)
            guard fits(tax) else { return nil }
            totals.append(Int64(amount))
            taxes.append(Int64(tax))
        }
        var subtotal: Int128 = 0, tax: Int128 = 0
        for value in totals { subtotal += Int128(value); guard fits(subtotal) else { return nil } }
        for value in taxes { tax += Int128(value); guard fits(tax) else { return nil } }
        let total = subtotal + tax
        guard fits(total), total >= 0 else { return nil }
        return (totals, taxes, Int64(total))
    }

    static func check(_ lines: [InvoiceArithmetic.Line]) {
        let expected = oracle(lines)
        do {
            let amounts = try InvoiceArithmetic.amounts(lines)
            #expect(expected != nil, "the service accepted lines the rule refuses")
            #expect(amounts.lineTotals == expected?.totals)
            #expect(amounts.lineTaxes == expected?.taxes)
            #expect(amounts.total == expected?.total)
            #expect(amounts.subtotal + amounts.tax == amounts.total)
            #expect(amounts.lineTotals.reduce(0, +) + amounts.lineTaxes.reduce(0, +) == amounts.total, "the lines add up")
            for (line, total) in zip(lines, amounts.lineTotals) {
                let exact = Int128(line.quantityThousandths) * Int128(line.unitPriceCents)
                #expect((Int128(total) * 1_000 - exact).magnitude <= 500, "within half a minor unit")
            }
        } catch {
            let outOfRange = lines.contains { $0.unitPriceCents.magnitude > InvoiceArithmetic.maximumUnitPrice.magnitude }
            #expect(expected == nil || outOfRange, "refused lines the rule computes: \(error)")
            #expect(error.code == (outOfRange ? .invalidArgument : .failedPrecondition))
        }
    }

    @Test func everydayLinesAddUpToTheTotal() async {
        await propertyCheck(count: 500, input: Self.everyday) { Self.check($0) }
    }

    @Test func amountsAtTheLimitsAreRefusedNeverWrapped() async {
        await propertyCheck(count: 500, input: Self.extreme) { Self.check($0) }
    }

    @Test func anySixtyFourBitPriceIsAnAnswerNotACrash() async {
        await propertyCheck(count: 300, input: Self.anyPrice) { Self.check($0) }
        Self.check([InvoiceArithmetic.Line(quantityThousandths: 1_000, unitPriceCents: .min, taxRateBasisPoints: 0)])
        Self.check([InvoiceArithmetic.Line(quantityThousandths: 1_000, unitPriceCents: .max, taxRateBasisPoints: 0)])
    }

    /// The one checked addition every balance and bucket uses.
    @Test func sumsOfBalancesNeverWrap() async {
        await propertyCheck(count: 500, input: Gen.int64(in: .min ... .max).array(of: 1...6)) { values in
            var total: Int64 = 0
            var exact: Int128 = 0
            var refused = false
            for value in values {
                exact += Int128(value)
                do { try Money.add(value, to: &total) } catch { refused = true; break }
                #expect(Int128(total) == exact)
            }
            if refused { #expect(exact < Int128(Int64.min) || exact > Int128(Int64.max)) }
        }
    }
}
