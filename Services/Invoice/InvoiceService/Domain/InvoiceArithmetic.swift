import Contracts
import Foundation

/// An invoice's arithmetic, in integer minor units, with one rounding rule:
///
/// **each line's amount (quantity × unit price) and each line's tax (amount × rate) are
/// rounded to the minor unit half away from zero; the invoice's subtotal, tax and total are
/// the sums of those rounded figures** — so the lines always add up to the total, on the
/// page, in the PDF and in every report.
///
/// Quantities have at most three decimals and are read exactly (a JSON number decoded as
/// `Decimal`, never as binary floating point) into thousandths; rates are basis points
/// (825 = 8.25 %). Every product and sum is checked: an amount that does not fit is refused,
/// never wrapped.
enum InvoiceArithmetic {
    /// One line's inputs.
    struct Line: Hashable, Sendable {
        var quantityThousandths: Int64
        var unitPriceCents: Int64
        var taxRateBasisPoints: Int
    }

    /// What the lines come to.
    struct Amounts: Hashable, Sendable {
        var lineTotals: [Int64]
        var lineTaxes: [Int64]
        var subtotal: Int64
        var tax: Int64
        var total: Int64
    }

    /// The largest quantity a line may have.
    static let maximumQuantity: Decimal = 1_000_000
    /// The largest unit price, in minor units, either way.
    static let maximumUnitPrice: Int64 = 100_000_000_000_00
    /// The largest tax rate: 100 %.
    static let maximumTaxRate = 10_000

    /// `quantity` in thousandths: more than 0, at most `maximumQuantity`, at most 3 decimals.
    static func thousandths(_ quantity: Decimal, field: String) throws(ErrorBody) -> Int64 {
        guard quantity > 0, quantity <= maximumQuantity else {
            throw .invalidArgument("\(field) is more than 0 and at most 1000000", field: field)
        }
        var scaled = quantity * 1_000
        var whole = Decimal()
        NSDecimalRound(&whole, &scaled, 0, .plain)
        guard whole == scaled else { throw .invalidArgument("\(field) has at most 3 decimals", field: field) }
        return NSDecimalNumber(decimal: whole).int64Value
    }

    /// The lines' amounts under the rounding rule; `failed_precondition` when a figure would
    /// not fit in 64 bits or the invoice would come to less than nothing.
    static func amounts(_ lines: [Line]) throws(ErrorBody) -> Amounts {
        // Every line's inputs are checked (400) before anything is computed (422).
        for (index, line) in lines.enumerated() {
            guard line.unitPriceCents.magnitude <= maximumUnitPrice.magnitude else {
                throw .invalidArgument("lines[\(index)].unit_price_cents is too large", field: "lines[\(index)].unit_price_cents")
            }
            guard (0...maximumTaxRate).contains(line.taxRateBasisPoints) else {
                throw .invalidArgument("lines[\(index)].tax_rate_bps is from 0 to 10000", field: "lines[\(index)].tax_rate_bps")
            }
        }
        var totals: [Int64] = []
        var taxes: [Int64] = []
        for line in lines {
            let amount = try rounded(Int128(line.quantityThousandths) * Int128(line.unitPriceCents), over: 1_000)
            totals.append(amount)
            taxes.append(try rounded(Int128(amount) * Int128(line.taxRateBasisPoints), over: 10_000))
        }
        let subtotal = try sum(totals)
        let tax = try sum(taxes)
        let total = try sum([subtotal, tax])
        guard total >= 0 else { throw .unprocessable("the invoice comes to less than nothing", field: "lines") }
        return Amounts(lineTotals: totals, lineTaxes: taxes, subtotal: subtotal, tax: tax, total: total)
    }

    /// `numerator / denominator` rounded half away from zero, if it fits in 64 bits.
    static func rounded(_ numerator: Int128, over denominator: Int128) throws(ErrorBody) -> Int64 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        let away: Int128 = remainder.magnitude * 2 >= denominator.magnitude ? (numerator < 0 ? -1 : 1) : 0
        guard let value = Int64(exactly: quotient + away) else { throw tooLarge }
        return value
    }

    private static func sum(_ values: [Int64]) throws(ErrorBody) -> Int64 {
        var total: Int64 = 0
        for value in values {
            let (next, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw tooLarge }
            total = next
        }
        return total
    }

    private static var tooLarge: ErrorBody { .unprocessable("the invoice's amounts are too large", field: "lines") }
}
