import Foundation

/// Where a customer stands with the business (SPEC §1), one definition for the customers
/// list's filter and the Customer Details page alike (customer-service computes it in one
/// SQL expression from its balance projection):
/// - `inactive`: deactivated, whatever it owes;
/// - `active`: not deactivated, with an open invoice balance;
/// - `no_balance`: not deactivated, invoiced before, nothing open now;
/// - `new`: not deactivated, never invoiced.
public enum CustomerStatus: String, Codable, Hashable, Sendable, CaseIterable {
    case active
    case noBalance = "no_balance"
    case new
    case inactive

    /// How the page words it.
    public var label: String {
        switch self {
        case .active: return "Active"
        case .noBalance: return "No open balance"
        case .new: return "New"
        case .inactive: return "Inactive"
        }
    }
}

/// How the customers list is ordered: by a key, then by id, so paging is stable. A
/// leading `-` reverses (largest, newest or Z first).
public enum CustomerSort: String, Codable, Hashable, Sendable, CaseIterable {
    case created, newest = "-created", name, nameDescending = "-name"
    case openBalance = "open_balance", largestOpenBalance = "-open_balance"
    case overdueBalance = "overdue_balance", largestOverdueBalance = "-overdue_balance"

    public static let `default` = CustomerSort.newest

    public var isDescending: Bool { rawValue.hasPrefix("-") }
}

/// Body of `customer.list`: a search over name, company, number, email, phone and contact
/// names; filters; an order; a page.
public struct ListCustomers: Codable, Hashable, Sendable {
    public var query: String?
    /// nil: every status.
    public var status: CustomerStatus?
    /// Only the customers of this AR specialist (a filter anyone may set).
    public var specialistId: UserID?
    /// Only customers with an open invoice in this collection status.
    public var collectionStatusId: CollectionStatusID?
    public var sort: CustomerSort?
    public var limit: Int
    /// Opaque: the `next_cursor` of the previous page (of the same order).
    public var cursor: String?
    /// Only the customers assigned to this specialist (for specialists who may not see
    /// all) — the scope, which no filter widens.
    public var assignedTo: UserID?

    public init(query: String? = nil, status: CustomerStatus? = nil, specialistId: UserID? = nil,
                collectionStatusId: CollectionStatusID? = nil, sort: CustomerSort? = nil, limit: Int = 50,
                cursor: String? = nil, assignedTo: UserID? = nil) {
        self.query = query
        self.status = status
        self.specialistId = specialistId
        self.collectionStatusId = collectionStatusId
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
        self.assignedTo = assignedTo
    }
}

/// A customers-list row: the customer with what an AR team scans for.
public struct CustomerListItem: Codable, Hashable, Sendable {
    public var record: CustomerRecord
    public var status: CustomerStatus
    /// In the customer's currency (from invoice-service's `invoice.balance_changed`).
    public var openBalanceCents: Int64
    public var overdueBalanceCents: Int64
    public var specialist: SpecialistReference?

    public init(record: CustomerRecord, status: CustomerStatus, openBalanceCents: Int64 = 0, overdueBalanceCents: Int64 = 0,
                specialist: SpecialistReference? = nil) {
        self.record = record
        self.status = status
        self.openBalanceCents = openBalanceCents
        self.overdueBalanceCents = overdueBalanceCents
        self.specialist = specialist
    }

    private enum CodingKeys: String, CodingKey { case status, openBalanceCents, overdueBalanceCents, specialist }

    /// The customer's members at the top level (as `CustomerView`), then the row's.
    public func encode(to encoder: any Encoder) throws {
        try CustomerView(record).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(openBalanceCents, forKey: .openBalanceCents)
        try container.encode(overdueBalanceCents, forKey: .overdueBalanceCents)
        try container.encode(specialist, forKey: .specialist)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        record = try CustomerView(from: decoder).record
        status = try container.decode(CustomerStatus.self, forKey: .status)
        openBalanceCents = try container.decode(Int64.self, forKey: .openBalanceCents)
        overdueBalanceCents = try container.decode(Int64.self, forKey: .overdueBalanceCents)
        specialist = try container.decodeIfPresent(SpecialistReference.self, forKey: .specialist)
    }
}

/// Reply to `customer.list`.
public typealias CustomerPage = ItemPage<CustomerListItem>
