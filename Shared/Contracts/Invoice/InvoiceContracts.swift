import Foundation

/// The messages of invoice-service.
public enum InvoiceMessages {
    /// What invoice-service owns of the Customer Details screen.
    public static let customerSummary = Query<CustomerInvoicesRequest, CustomerInvoicesSummary>("invoice.customer_summary")

    /// A customer's open and overdue balance after any change to its invoices or payments,
    /// and when one of its invoices falls overdue (the daily job, in the business time
    /// zone). customer-service keeps it for the customers list; invoice-service publishes
    /// it (issue 10).
    public static let balanceChanged = Event<CustomerBalanceChanged>("invoice.balance_changed")

    public static let catalogue = MessageCatalogue(.invoice, [customerSummary, balanceChanged] + CollectionStatusMessages.all)
}

/// Event `invoice.balance_changed`: one customer's balance as it now stands.
public struct CustomerBalanceChanged: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    /// The customer's currency, which every amount here is in.
    public var currency: Currency
    /// What is still owed on its open, partially paid and overdue invoices.
    public var openCents: Int64
    /// The part of `openCents` past its due date.
    public var overdueCents: Int64
    public var openInvoices: Int
    /// Whether it has ever had an invoice that was not a draft (a customer without is `new`).
    public var hasInvoices: Bool
    /// The collection statuses of its open invoices, each once.
    public var collectionStatusIds: [CollectionStatusID]

    public init(customerId: CustomerID, currency: Currency, openCents: Int64, overdueCents: Int64, openInvoices: Int,
                hasInvoices: Bool, collectionStatusIds: [CollectionStatusID] = []) {
        self.customerId = customerId
        self.currency = currency
        self.openCents = openCents
        self.overdueCents = overdueCents
        self.openInvoices = openInvoices
        self.hasInvoices = hasInvoices
        self.collectionStatusIds = collectionStatusIds
    }
}

/// An invoice as the Customer Details screen lists it.
public struct InvoiceSummary: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var number: String
    public var issueDate: BusinessDate
    public var dueDate: BusinessDate
    public var currency: Currency
    public var totalCents: Int64
    public var balanceCents: Int64
    /// draft, open, partially_paid, paid, void
    public var state: String
    public var collectionStatusId: CollectionStatusID?

    public init(id: InvoiceID, number: String, issueDate: BusinessDate, dueDate: BusinessDate, currency: Currency,
                totalCents: Int64, balanceCents: Int64, state: String, collectionStatusId: CollectionStatusID?) {
        self.id = id
        self.number = number
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.totalCents = totalCents
        self.balanceCents = balanceCents
        self.state = state
        self.collectionStatusId = collectionStatusId
    }
}

/// Open balance by days past due.
public struct Aging: Codable, Hashable, Sendable {
    public var current: Int64
    public var d1_30: Int64
    public var d31_60: Int64
    public var d61_90: Int64
    public var over_90: Int64

    public init(current: Int64 = 0, d1_30: Int64 = 0, d31_60: Int64 = 0, d61_90: Int64 = 0, over_90: Int64 = 0) {
        self.current = current
        self.d1_30 = d1_30
        self.d31_60 = d31_60
        self.d61_90 = d61_90
        self.over_90 = over_90
    }

    private enum CodingKeys: String, CodingKey {
        case current, d1_30, d31_60, d61_90, over_90
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(current, forKey: .current)
        try container.encode(d1_30, forKey: .d1_30)
        try container.encode(d31_60, forKey: .d31_60)
        try container.encode(d61_90, forKey: .d61_90)
        try container.encode(over_90, forKey: .over_90)
    }

    /// The bucket names hold digits after underscores, which a snake-case key decoder turns
    /// into `d130`; the keys are matched with the underscores ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        func value(_ name: String) throws -> Int64 {
            let wanted = name.replacingOccurrences(of: "_", with: "")
            guard let key = container.allKeys.first(where: { $0.stringValue.replacingOccurrences(of: "_", with: "") == wanted }) else {
                throw DecodingError.keyNotFound(AnyCodingKey(stringValue: name), .init(
                    codingPath: decoder.codingPath, debugDescription: "\(name) is required"))
            }
            return try container.decode(Int64.self, forKey: key)
        }
        self.init(current: try value("current"), d1_30: try value("d1_30"), d31_60: try value("d31_60"),
                  d61_90: try value("d61_90"), over_90: try value("over_90"))
    }
}

/// A coding key for any string.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// Totals of a customer's open invoices (minor units of the customer's currency).
public struct InvoiceTotals: Codable, Hashable, Sendable {
    public var openCents: Int64
    public var overdueCents: Int64
    public var aging: Aging

    public init(openCents: Int64, overdueCents: Int64, aging: Aging) {
        self.openCents = openCents
        self.overdueCents = overdueCents
        self.aging = aging
    }
}

/// Body of `invoice.customer_summary`; `asOf` is the business date aging counts from.
public struct CustomerInvoicesRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var asOf: BusinessDate

    public init(customerId: CustomerID, asOf: BusinessDate) {
        self.customerId = customerId
        self.asOf = asOf
    }
}

/// Reply to `invoice.customer_summary`: invoice-service's sections of the Customer Details
/// view, `invoices` and `totals`, in the API's shape (the gateway passes the bytes through).
public struct CustomerInvoicesSummary: Codable, Hashable, Sendable {
    public var invoices: [InvoiceSummary]
    public var totals: InvoiceTotals

    public init(invoices: [InvoiceSummary], totals: InvoiceTotals) {
        self.invoices = invoices
        self.totals = totals
    }
}
