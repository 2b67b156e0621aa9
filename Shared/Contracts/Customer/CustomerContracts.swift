import Foundation

/// The messages of customer-service.
public enum CustomerMessages {
    /// Publishes `customer.created`.
    public static let create = Command<CreateCustomer, CustomerRecord>("customer.create")
    /// `not_found` when there is no such customer.
    public static let get = Query<GetCustomer, CustomerRecord>("customer.get")
    public static let list = Query<ListCustomers, CustomerPage>("customer.list")
    /// What customer-service owns of the Customer Details screen (customer, contacts, documents).
    public static let profile = Query<GetCustomer, CustomerProfile>("customer.profile")
    public static let created = Event<CustomerCreated>("customer.created")

    public static let catalogue = MessageCatalogue(.customer, [create, get, list, profile, created])
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

/// Body of `customer.get`.
public struct GetCustomer: Codable, Hashable, Sendable {
    public var id: CustomerID
    public init(id: CustomerID) { self.id = id }
}

/// Body of `customer.list`: a search over name, company, number, email and phone, newest first.
public struct ListCustomers: Codable, Hashable, Sendable {
    public var query: String?
    public var limit: Int
    /// Opaque: the `next_cursor` of the previous page.
    public var cursor: String?
    /// Only the customers assigned to this specialist (for specialists who may not see all).
    public var assignedTo: UserID?

    public init(query: String? = nil, limit: Int = 50, cursor: String? = nil, assignedTo: UserID? = nil) {
        self.query = query
        self.limit = limit
        self.cursor = cursor
        self.assignedTo = assignedTo
    }
}

/// Reply to `customer.list`.
public struct CustomerPage: Codable, Hashable, Sendable {
    public var items: [CustomerRecord]
    public var nextCursor: String?
    public var total: Int

    public init(items: [CustomerRecord], nextCursor: String?, total: Int) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }
}

/// Event `customer.created`: the customer as created.
public struct CustomerCreated: Codable, Hashable, Sendable {
    public var customer: CustomerRecord
    public init(customer: CustomerRecord) { self.customer = customer }
}

/// A billing contact (SPEC §2).
public struct ContactRecord: Codable, Hashable, Sendable {
    public var id: ContactID
    public var customerId: CustomerID
    public var name: String
    public var title: String?
    public var email: String?
    public var phone: String?
    public var mobile: String?
    /// primary, billing, escalation
    public var role: String
    public var emailOptOut: Bool
    public var smsOptOut: Bool
    public var isActive: Bool

    public init(id: ContactID, customerId: CustomerID, name: String, title: String?, email: String?, phone: String?,
                mobile: String?, role: String, emailOptOut: Bool, smsOptOut: Bool, isActive: Bool) {
        self.id = id
        self.customerId = customerId
        self.name = name
        self.title = title
        self.email = email
        self.phone = phone
        self.mobile = mobile
        self.role = role
        self.emailOptOut = emailOptOut
        self.smsOptOut = smsOptOut
        self.isActive = isActive
    }
}

/// A document kept on a customer (SPEC §12).
public struct DocumentRecord: Codable, Hashable, Sendable {
    public var id: DocumentID
    public var filename: String
    public var contentType: String
    public var sizeBytes: Int64
    public var uploadedAt: Date

    public init(id: DocumentID, filename: String, contentType: String, sizeBytes: Int64, uploadedAt: Date) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.sizeBytes = sizeBytes
        self.uploadedAt = uploadedAt
    }
}

/// Reply to `customer.profile`: what customer-service owns of the Customer Details screen.
public struct CustomerProfile: Codable, Hashable, Sendable {
    public var customer: CustomerRecord
    public var contacts: [ContactRecord]
    public var documents: [DocumentRecord]

    public init(customer: CustomerRecord, contacts: [ContactRecord], documents: [DocumentRecord]) {
        self.customer = customer
        self.contacts = contacts
        self.documents = documents
    }
}
