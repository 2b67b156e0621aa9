/// An ISO-4217 currency code such as `USD`.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    /// Accepts three ASCII letters, normalised to upper case.
    public init?(_ code: String) {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ (65...90).contains($0) }) else { return nil }
        self.code = upper
    }

    public static let usd = Currency("USD")!
    public static let eur = Currency("EUR")!

    public var description: String { code }

    /// How many digits its minor unit has (ISO 4217): 2 for most, 0 for the yen and the
    /// won, 3 for the Gulf dinars. An amount is always an integer count of minor units.
    public var minorUnitDigits: Int {
        switch code {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
             "XOF", "XPF":
            return 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": return 3
        case "CLF", "UYW": return 4
        default: return 2
        }
    }

    /// `minorUnits` written out: `1234567` USD → `$12,345.67`, `1234567` JPY →
    /// `1,234,567 JPY`, `1234` BHD → `1.234 BHD`. Exact: integer arithmetic only.
    public func format(_ minorUnits: Int64) -> String {
        let sign = minorUnits < 0 ? "-" : ""
        var divisor: UInt64 = 1
        for _ in 0..<minorUnitDigits { divisor *= 10 }
        let magnitude = minorUnits.magnitude
        var whole = String(magnitude / divisor)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        var amount = whole + grouped
        if minorUnitDigits > 0 {
            let fraction = String(magnitude % divisor)
            amount += "." + String(repeating: "0", count: minorUnitDigits - fraction.count) + fraction
        }
        return self == .usd ? "\(sign)$\(amount)" : "\(sign)\(amount) \(code)"
    }

    /// `minorUnits` as a plain decimal in major units, for spreadsheets and files:
    /// `1234567` USD → `12345.67`, `-5` USD → `-0.05`, `1234` JPY → `1234`. Exact.
    public func decimal(_ minorUnits: Int64) -> String {
        let sign = minorUnits < 0 ? "-" : ""
        var divisor: UInt64 = 1
        for _ in 0..<minorUnitDigits { divisor *= 10 }
        let magnitude = minorUnits.magnitude
        guard minorUnitDigits > 0 else { return sign + String(magnitude) }
        let fraction = String(magnitude % divisor)
        return sign + String(magnitude / divisor) + "." + String(repeating: "0", count: minorUnitDigits - fraction.count) + fraction
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let currency = Currency(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "expected an ISO-4217 currency code, got \"\(text)\""))
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}

/// Why a money operation was refused.
public enum MoneyError: Error, Equatable, Sendable, CustomStringConvertible {
    case currencyMismatch(Currency, Currency)
    case overflow

    public var description: String {
        switch self {
        case .currencyMismatch(let a, let b): return "cannot combine amounts in \(a) and \(b)"
        case .overflow: return "the amount is too large"
        }
    }
}

/// An amount of money: integer minor units (cents) in one currency. Never floating point.
///
/// Arithmetic refuses to mix currencies and to overflow, rather than produce a wrong sum.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public var isZero: Bool { minorUnits == 0 }
    public var isNegative: Bool { minorUnits < 0 }

    public static func + (lhs: Money, rhs: Money) throws(MoneyError) -> Money {
        guard lhs.currency == rhs.currency else { throw .currencyMismatch(lhs.currency, rhs.currency) }
        let (sum, overflow) = lhs.minorUnits.addingReportingOverflow(rhs.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) throws(MoneyError) -> Money {
        guard lhs.currency == rhs.currency else { throw .currencyMismatch(lhs.currency, rhs.currency) }
        let (difference, overflow) = lhs.minorUnits.subtractingReportingOverflow(rhs.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: difference, currency: lhs.currency)
    }

    /// Compares two amounts of the same currency.
    public func isLess(than other: Money) throws(MoneyError) -> Bool {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        return minorUnits < other.minorUnits
    }

    /// Adds `amount` minor units to `total`, throwing on overflow: the one checked addition
    /// for sums kept as plain minor units (aging buckets, balances).
    public static func add(_ amount: Int64, to total: inout Int64) throws(MoneyError) {
        let (sum, overflow) = total.addingReportingOverflow(amount)
        guard !overflow else { throw .overflow }
        total = sum
    }

    /// Sums amounts that must all be in `currency`.
    public static func sum(_ amounts: some Sequence<Money>, currency: Currency) throws(MoneyError) -> Money {
        var total = Money.zero(currency)
        for amount in amounts { total = try total + amount }
        return total
    }

    public var description: String {
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }
}
