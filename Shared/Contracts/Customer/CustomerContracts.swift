import Foundation

/// The messages of customer-service.
public enum CustomerMessages {
    /// Publishes `customer.created`.
    public static let create = Command<CreateCustomer, CustomerRecord>("customer.create")
    /// `not_found` when there is no such customer.
    public static let get = Query<GetCustomer, CustomerRecord>("customer.get")
    /// Search, filters, sort and keyset paging with the total (`CustomerList.swift`).
    public static let list = Query<ListCustomers, CustomerPage>("customer.list")
    /// What customer-service owns of the Customer Details screen (customer, contacts, documents).
    public static let profile = Query<GetCustomer, CustomerProfile>("customer.profile")
    /// A partial update; publishes `customer.updated` when something changed.
    public static let update = Command<UpdateCustomer, CustomerRecord>("customer.update")
    /// Publishes `customer.deactivated` (nothing when it already was).
    public static let deactivate = Command<GetCustomer, CustomerRecord>("customer.deactivate")
    /// Publishes `customer.reactivated` (nothing when it already was active).
    public static let reactivate = Command<GetCustomer, CustomerRecord>("customer.reactivate")
    public static let created = Event<CustomerCreated>("customer.created")
    public static let updated = Event<CustomerUpdated>("customer.updated")
    public static let deactivated = Event<CustomerStateChanged>("customer.deactivated")
    public static let reactivated = Event<CustomerStateChanged>("customer.reactivated")

    public static let catalogue = MessageCatalogue(.customer, [
        create, get, list, profile, update, deactivate, reactivate, created, updated, deactivated, reactivated,
    ] + ContactMessages.all + SpecialistMessages.all + DocumentMessages.all + [ReconcileMessages.balanceFacts])
}

/// A postal address.
public struct Address: Codable, Hashable, Sendable {
    public var line1: String?
    public var line2: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?
    public var country: String?

    public init(line1: String? = nil, line2: String? = nil, city: String? = nil, region: String? = nil,
                postalCode: String? = nil, country: String? = nil) {
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
    }
}

/// The editable fields of a customer (SPEC §1).
public struct CustomerFields: Codable, Hashable, Sendable {
    public var displayName: String
    public var company: String?
    /// Free text, e.g. an insurance claim number.
    public var customerNumber: String?
    public var email: String?
    public var phone: String?
    public var mobile: String?
    public var website: String?
    public var nameOnChecks: String?
    public var billingAddress: Address?
    public var shippingAddress: Address?
    public var shippingSameAsBilling: Bool?
    public var parentCustomerId: CustomerID?
    public var billedWithParent: Bool?
    public var currency: Currency?
    /// Payment terms: net days.
    public var paymentTermsDays: Int?
    public var notes: String?

    public init(displayName: String, company: String? = nil, customerNumber: String? = nil, email: String? = nil,
                phone: String? = nil, mobile: String? = nil, website: String? = nil, nameOnChecks: String? = nil,
                billingAddress: Address? = nil, shippingAddress: Address? = nil, shippingSameAsBilling: Bool? = nil,
                parentCustomerId: CustomerID? = nil, billedWithParent: Bool? = nil, currency: Currency? = nil,
                paymentTermsDays: Int? = nil, notes: String? = nil) {
        self.displayName = displayName
        self.company = company
        self.customerNumber = customerNumber
        self.email = email
        self.phone = phone
        self.mobile = mobile
        self.website = website
        self.nameOnChecks = nameOnChecks
        self.billingAddress = billingAddress
        self.shippingAddress = shippingAddress
        self.shippingSameAsBilling = shippingSameAsBilling
        self.parentCustomerId = parentCustomerId
        self.billedWithParent = billedWithParent
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
        self.notes = notes
    }
}

/// Body of `customer.create`.
public struct CreateCustomer: Codable, Hashable, Sendable {
    public var customer: CustomerFields
    /// The AR specialist to assign (nil: the business default).
    public var specialistId: UserID?
    public init(customer: CustomerFields, specialistId: UserID? = nil) {
        self.customer = customer
        self.specialistId = specialistId
    }
}

/// A stored customer, as customer-service answers it.
public struct CustomerRecord: Codable, Hashable, Sendable {
    public var id: CustomerID
    public var fields: CustomerFields
    /// The currency every amount of this customer is in.
    public var currency: Currency
    public var paymentTermsDays: Int
    public var isDeactivated: Bool
    public var specialistId: UserID?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: CustomerID, fields: CustomerFields, currency: Currency, paymentTermsDays: Int, isDeactivated: Bool,
                specialistId: UserID?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
        self.isDeactivated = isDeactivated
        self.specialistId = specialistId
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Body of `customer.get` and `customer.profile`.
public struct GetCustomer: Codable, Hashable, Sendable {
    public var id: CustomerID
    /// Answer `not_found` unless the customer is assigned to this specialist (for
    /// specialists who may not see all), exactly as if it did not exist.
    public var assignedTo: UserID?

    public init(id: CustomerID, assignedTo: UserID? = nil) {
        self.id = id
        self.assignedTo = assignedTo
    }
}

/// A customer as the API shows it: its fields at the top level, plus id and state.
public struct CustomerView: Codable, Hashable, Sendable {
    public var record: CustomerRecord
    public init(_ record: CustomerRecord) { self.record = record }

    private enum CodingKeys: String, CodingKey { case id, currency, paymentTermsDays, isDeactivated, specialistId, createdAt, updatedAt }

    public func encode(to encoder: any Encoder) throws {
        try record.fields.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.id, forKey: .id)
        try container.encode(record.currency, forKey: .currency)
        try container.encode(record.paymentTermsDays, forKey: .paymentTermsDays)
        try container.encode(record.isDeactivated, forKey: .isDeactivated)
        try container.encode(record.specialistId, forKey: .specialistId)
        try container.encode(record.createdAt, forKey: .createdAt)
        try container.encode(record.updatedAt, forKey: .updatedAt)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        record = CustomerRecord(
            id: try container.decode(CustomerID.self, forKey: .id), fields: try CustomerFields(from: decoder),
            currency: try container.decode(Currency.self, forKey: .currency),
            paymentTermsDays: try container.decode(Int.self, forKey: .paymentTermsDays),
            isDeactivated: try container.decode(Bool.self, forKey: .isDeactivated),
            specialistId: try container.decodeIfPresent(UserID.self, forKey: .specialistId),
            createdAt: try container.decode(Date.self, forKey: .createdAt),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt))
    }
}

/// Body of `customer.update` (`PATCH /customers/{id}`): the members of `CustomerFields` to
/// change, by their API names. A member left out stays as it is; `null` clears it (not
/// `display_name`, `currency` or `payment_terms_days`, which a customer always has). A name
/// that is not a member is refused.
public struct UpdateCustomer: Codable, Hashable, Sendable {
    public var id: CustomerID
    public var changes: [String: JSONValue]
    /// Only a customer assigned to this specialist may be changed (for specialists who may
    /// not act on all); any other answers `not_found`.
    public var assignedTo: UserID?

    public init(id: CustomerID, changes: [String: JSONValue], assignedTo: UserID? = nil) {
        self.id = id
        self.changes = changes
        self.assignedTo = assignedTo
    }
}

/// One field of a change: its API name, and its value before and after.
public struct FieldChange: Codable, Hashable, Sendable {
    public var field: String
    public var old: JSONValue
    public var new: JSONValue

    public init(field: String, old: JSONValue, new: JSONValue) {
        self.field = field
        self.old = old
        self.new = new
    }
}

/// Event `customer.updated`: what changed (fields in API order), and the customer after.
public struct CustomerUpdated: Codable, Hashable, Sendable {
    public var customer: CustomerRecord
    public var changes: [FieldChange]

    public init(customer: CustomerRecord, changes: [FieldChange]) {
        self.customer = customer
        self.changes = changes
    }
}

/// Events `customer.deactivated` and `customer.reactivated`: the customer after.
public struct CustomerStateChanged: Codable, Hashable, Sendable {
    public var customer: CustomerRecord
    public init(customer: CustomerRecord) { self.customer = customer }
}

/// Event `customer.created`: the customer as created.
public struct CustomerCreated: Codable, Hashable, Sendable {
    public var customer: CustomerRecord
    public init(customer: CustomerRecord) { self.customer = customer }
}

/// Reply to `customer.profile`: customer-service's sections of the Customer Details view —
/// `customer`, `status`, `specialist`, `contacts`, `documents`, `sub_customers` — in the API's shape
/// (the gateway passes the bytes through).
public struct CustomerProfile: Codable, Hashable, Sendable {
    public var customer: CustomerView
    /// Active, no balance, new or inactive: the same value the customers list filters by.
    public var status: CustomerStatus
    public var specialist: SpecialistReference?
    public var contacts: [ContactRecord]
    public var documents: [DocumentRecord]
    /// The customers whose parent this one is, by name.
    public var subCustomers: [SubCustomer]

    public init(customer: CustomerRecord, status: CustomerStatus = .new, specialist: SpecialistReference?, contacts: [ContactRecord],
                documents: [DocumentRecord], subCustomers: [SubCustomer] = []) {
        self.customer = CustomerView(customer)
        self.status = status
        self.specialist = specialist
        self.contacts = contacts
        self.documents = documents
        self.subCustomers = subCustomers
    }

    private enum CodingKeys: String, CodingKey { case customer, status, specialist, contacts, documents, subCustomers }

    /// `specialist` is written as `null` when there is none, never left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(customer, forKey: .customer)
        try container.encode(status, forKey: .status)
        try container.encode(specialist, forKey: .specialist)
        try container.encode(contacts, forKey: .contacts)
        try container.encode(documents, forKey: .documents)
        try container.encode(subCustomers, forKey: .subCustomers)
    }
}

/// A customer listed under its parent.
public struct SubCustomer: Codable, Hashable, Sendable {
    public var id: CustomerID
    public var displayName: String
    public var isDeactivated: Bool

    public init(id: CustomerID, displayName: String, isDeactivated: Bool) {
        self.id = id
        self.displayName = displayName
        self.isDeactivated = isDeactivated
    }
}

