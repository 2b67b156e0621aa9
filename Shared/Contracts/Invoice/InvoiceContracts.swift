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

    public static let catalogue = MessageCatalogue(.invoice, [customerSummary, balanceChanged, ReconcileMessages.invoiceFacts] + invoiceMessages + CollectionStatusMessages.all)
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

/// An invoice as the Customer Details screen lists it (voided ones are left out).
public struct InvoiceSummary: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var number: String
    public var issueDate: BusinessDate
    public var dueDate: BusinessDate
    public var currency: Currency
    public var totalCents: Int64
    public var paidCents: Int64
    public var balanceCents: Int64
    public var state: InvoiceState
    public var collectionStatus: CollectionStatusRef?
    /// Days past its due date as of the business date the view was made for (0 when not
    /// overdue, or not owed).
    public var daysOverdue: Int

    public init(id: InvoiceID, number: String, issueDate: BusinessDate, dueDate: BusinessDate, currency: Currency,
                totalCents: Int64, paidCents: Int64, balanceCents: Int64, state: InvoiceState,
                collectionStatus: CollectionStatusRef?, daysOverdue: Int = 0) {
        self.id = id
        self.number = number
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.totalCents = totalCents
        self.paidCents = paidCents
        self.balanceCents = balanceCents
        self.state = state
        self.collectionStatus = collectionStatus
        self.daysOverdue = daysOverdue
    }

    private enum CodingKeys: String, CodingKey {
        case id, number, issueDate, dueDate, currency, totalCents, paidCents, balanceCents, state, collectionStatus, daysOverdue
    }

    /// `collection_status` is written as `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(number, forKey: .number)
        try container.encode(issueDate, forKey: .issueDate)
        try container.encode(dueDate, forKey: .dueDate)
        try container.encode(currency, forKey: .currency)
        try container.encode(totalCents, forKey: .totalCents)
        try container.encode(paidCents, forKey: .paidCents)
        try container.encode(balanceCents, forKey: .balanceCents)
        try container.encode(state, forKey: .state)
        try container.encode(collectionStatus, forKey: .collectionStatus)
        try container.encode(daysOverdue, forKey: .daysOverdue)
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
    /// What is open in each collection status (by name, in the statuses' order; invoices in
    /// none are left out).
    public var byCollectionStatus: [CollectionStatusTotal]

    public init(openCents: Int64, overdueCents: Int64, aging: Aging, byCollectionStatus: [CollectionStatusTotal] = []) {
        self.openCents = openCents
        self.overdueCents = overdueCents
        self.aging = aging
        self.byCollectionStatus = byCollectionStatus
    }
}

/// The open balance of one collection status's invoices.
public struct CollectionStatusTotal: Codable, Hashable, Sendable {
    public var id: CollectionStatusID
    public var name: String
    public var openCents: Int64
    public var invoices: Int

    public init(id: CollectionStatusID, name: String, openCents: Int64, invoices: Int) {
        self.id = id
        self.name = name
        self.openCents = openCents
        self.invoices = invoices
    }
}

/// Body of `invoice.customer_summary`; `asOf` is the business date aging counts from (nil:
/// today in the business time zone, as invoice-service keeps it).
public struct CustomerInvoicesRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var asOf: BusinessDate?

    public init(customerId: CustomerID, asOf: BusinessDate? = nil) {
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

// MARK: - Invoices (SPEC §3, API.md "Invoices")

/// invoice-service's invoice messages. Every change publishes its event and
/// `invoice.balance_changed` for the customer, in the same transaction.
extension InvoiceMessages {
    /// Publishes `invoice.created` (`conflict` for a number in use).
    public static let create = Command<CreateInvoice, Invoice>("invoice.create")
    public static let get = Query<GetInvoice, Invoice>("invoice.get")
    /// A customer's invoices, newest issue date first, keyset paged.
    public static let list = Query<ListInvoices, InvoicePage>("invoice.list")
    /// Edits while nothing is paid (`failed_precondition` after); publishes `invoice.updated`.
    public static let update = Command<UpdateInvoice, Invoice>("invoice.update")
    /// Refused while payments are applied; publishes `invoice.voided`.
    public static let void = Command<VoidInvoice, Invoice>("invoice.void")
    /// Publishes `invoice.collection_status_changed`.
    public static let setCollectionStatus = Command<SetInvoiceCollectionStatus, Invoice>("invoice.set_collection_status")
    /// The invoice as a PDF, in the reply's attachment frame.
    public static let pdf = Query<InvoiceDocumentRequest, DocumentRendered>("invoice.pdf")
    /// The customer's statement for a date range as a PDF, in the reply's attachment frame.
    public static let statement = Query<StatementRequest, DocumentRendered>("invoice.statement")

    public static let created = Event<InvoiceCreated>("invoice.created")
    public static let updated = Event<InvoiceUpdated>("invoice.updated")
    public static let voided = Event<InvoiceVoided>("invoice.voided")
    /// The invoice's balance reached zero (payments applied).
    public static let paid = Event<InvoicePaid>("invoice.paid")
    public static let collectionStatusChanged = Event<InvoiceCollectionStatusChanged>("invoice.collection_status_changed")

    static let invoiceMessages: [any DescribedMessage] = [
        create, get, list, update, void, setCollectionStatus, pdf, statement,
        created, updated, voided, paid, collectionStatusChanged,
    ]
}

/// Where an invoice is in its life. `open`, `partially_paid` and `paid` follow from the
/// payments applied; `draft` is not yet issued (not owed, not in balances); `void` is final.
public enum InvoiceState: String, Codable, Hashable, Sendable, CaseIterable {
    case draft, open, partiallyPaid = "partially_paid", paid, void
}

/// A collection status as an invoice names it.
public struct CollectionStatusRef: Codable, Hashable, Sendable {
    public var id: CollectionStatusID
    public var name: String
    public init(id: CollectionStatusID, name: String) {
        self.id = id
        self.name = name
    }
}

/// One line as a request gives it. `quantity` is read exactly (a JSON number decoded as
/// `Decimal`, at most three decimals); `tax_rate_bps` is basis points (825 = 8.25 %).
public struct InvoiceLineInput: Codable, Hashable, Sendable {
    public var description: String
    public var quantity: Decimal
    public var unitPriceCents: Int64
    public var taxRateBps: Int?

    public init(description: String, quantity: Decimal, unitPriceCents: Int64, taxRateBps: Int? = nil) {
        self.description = description
        self.quantity = quantity
        self.unitPriceCents = unitPriceCents
        self.taxRateBps = taxRateBps
    }
}

/// One line as stored, with what it comes to under the invoice rounding rule.
public struct InvoiceLine: Codable, Hashable, Sendable {
    public var description: String
    public var quantity: Decimal
    public var unitPriceCents: Int64
    public var taxRateBps: Int
    /// quantity × unit price, rounded half away from zero.
    public var totalCents: Int64
    /// total × rate, rounded half away from zero.
    public var taxCents: Int64

    public init(description: String, quantity: Decimal, unitPriceCents: Int64, taxRateBps: Int, totalCents: Int64, taxCents: Int64) {
        self.description = description
        self.quantity = quantity
        self.unitPriceCents = unitPriceCents
        self.taxRateBps = taxRateBps
        self.totalCents = totalCents
        self.taxCents = taxCents
    }
}

/// The fields of `POST /customers/{id}/invoices`.
public struct InvoiceFields: Codable, Hashable, Sendable {
    /// Unique; nil: the next `INV-000123`.
    public var number: String?
    public var issueDate: BusinessDate
    /// Nil: the issue date plus the customer's payment terms.
    public var dueDate: BusinessDate?
    /// The customer's currency (the only one its invoices may be in); nil: that one.
    public var currency: Currency?
    public var poNumber: String?
    public var memo: String?
    /// The billing contact, one of the customer's.
    public var contactId: ContactID?
    /// The status to start in; nil with `defaultCollectionStatus` (the member left out): the
    /// default status, if one is marked; nil without it (`null`): none.
    public var collectionStatusId: CollectionStatusID?
    /// Whether `collection_status_id` was left out, so the default applies.
    public var defaultCollectionStatus: Bool
    /// Kept as a draft (not yet owed) instead of issued.
    public var draft: Bool?
    public var lines: [InvoiceLineInput]

    public init(number: String? = nil, issueDate: BusinessDate, dueDate: BusinessDate? = nil, currency: Currency? = nil,
                poNumber: String? = nil, memo: String? = nil, contactId: ContactID? = nil,
                collectionStatusId: CollectionStatusID? = nil, defaultCollectionStatus: Bool? = nil, draft: Bool? = nil,
                lines: [InvoiceLineInput]) {
        self.number = number
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.poNumber = poNumber
        self.memo = memo
        self.contactId = contactId
        self.collectionStatusId = collectionStatusId
        self.defaultCollectionStatus = defaultCollectionStatus ?? (collectionStatusId == nil)
        self.draft = draft
        self.lines = lines
    }

    private enum CodingKeys: String, CodingKey {
        case number, issueDate, dueDate, currency, poNumber, memo, contactId, collectionStatusId, draft, lines
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decodeIfPresent(String.self, forKey: .number)
        issueDate = try container.decode(BusinessDate.self, forKey: .issueDate)
        dueDate = try container.decodeIfPresent(BusinessDate.self, forKey: .dueDate)
        currency = try container.decodeIfPresent(Currency.self, forKey: .currency)
        poNumber = try container.decodeIfPresent(String.self, forKey: .poNumber)
        memo = try container.decodeIfPresent(String.self, forKey: .memo)
        contactId = try container.decodeIfPresent(ContactID.self, forKey: .contactId)
        collectionStatusId = try container.decodeIfPresent(CollectionStatusID.self, forKey: .collectionStatusId)
        defaultCollectionStatus = !container.contains(.collectionStatusId)
        draft = try container.decodeIfPresent(Bool.self, forKey: .draft)
        lines = try container.decode([InvoiceLineInput].self, forKey: .lines)
    }

    /// `collection_status_id` is written as `null` when none was asked for, and left out
    /// when the default applies.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(number, forKey: .number)
        try container.encode(issueDate, forKey: .issueDate)
        try container.encodeIfPresent(dueDate, forKey: .dueDate)
        try container.encodeIfPresent(currency, forKey: .currency)
        try container.encodeIfPresent(poNumber, forKey: .poNumber)
        try container.encodeIfPresent(memo, forKey: .memo)
        try container.encodeIfPresent(contactId, forKey: .contactId)
        if !defaultCollectionStatus { try container.encode(collectionStatusId, forKey: .collectionStatusId) }
        try container.encodeIfPresent(draft, forKey: .draft)
        try container.encode(lines, forKey: .lines)
    }
}

/// What the gateway read of the customer from customer-service when it checked the caller
/// may act on it — the newest terms there are (invoice-service's own copy, kept from
/// customer events, may be a moment behind): the due date and currency come from them.
public struct CustomerTerms: Codable, Hashable, Sendable {
    public var currency: Currency
    public var paymentTermsDays: Int
    public var isDeactivated: Bool

    public init(currency: Currency, paymentTermsDays: Int, isDeactivated: Bool) {
        self.currency = currency
        self.paymentTermsDays = paymentTermsDays
        self.isDeactivated = isDeactivated
    }
}

/// Body of `invoice.create`.
public struct CreateInvoice: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var terms: CustomerTerms
    public var invoice: InvoiceFields

    public init(customerId: CustomerID, terms: CustomerTerms, invoice: InvoiceFields) {
        self.customerId = customerId
        self.terms = terms
        self.invoice = invoice
    }
}

/// An invoice as the API shows it. Amounts are minor units of `currency`.
public struct Invoice: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var customerId: CustomerID
    public var number: String
    public var issueDate: BusinessDate
    public var dueDate: BusinessDate
    public var currency: Currency
    public var poNumber: String?
    public var memo: String?
    public var contactId: ContactID?
    public var collectionStatus: CollectionStatusRef?
    public var lines: [InvoiceLine]
    public var subtotalCents: Int64
    public var taxCents: Int64
    public var totalCents: Int64
    public var paidCents: Int64
    /// total − paid.
    public var balanceCents: Int64
    public var state: InvoiceState
    public var voidReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: InvoiceID, customerId: CustomerID, number: String, issueDate: BusinessDate, dueDate: BusinessDate,
                currency: Currency, poNumber: String?, memo: String?, contactId: ContactID?,
                collectionStatus: CollectionStatusRef?, lines: [InvoiceLine], subtotalCents: Int64, taxCents: Int64,
                totalCents: Int64, paidCents: Int64, balanceCents: Int64, state: InvoiceState, voidReason: String?,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.customerId = customerId
        self.number = number
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.poNumber = poNumber
        self.memo = memo
        self.contactId = contactId
        self.collectionStatus = collectionStatus
        self.lines = lines
        self.subtotalCents = subtotalCents
        self.taxCents = taxCents
        self.totalCents = totalCents
        self.paidCents = paidCents
        self.balanceCents = balanceCents
        self.state = state
        self.voidReason = voidReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, customerId, number, issueDate, dueDate, currency, poNumber, memo, contactId, collectionStatus, lines,
             subtotalCents, taxCents, totalCents, paidCents, balanceCents, state, voidReason, createdAt, updatedAt
    }

    /// Every member is written, absent ones as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(number, forKey: .number)
        try container.encode(issueDate, forKey: .issueDate)
        try container.encode(dueDate, forKey: .dueDate)
        try container.encode(currency, forKey: .currency)
        try container.encode(poNumber, forKey: .poNumber)
        try container.encode(memo, forKey: .memo)
        try container.encode(contactId, forKey: .contactId)
        try container.encode(collectionStatus, forKey: .collectionStatus)
        try container.encode(lines, forKey: .lines)
        try container.encode(subtotalCents, forKey: .subtotalCents)
        try container.encode(taxCents, forKey: .taxCents)
        try container.encode(totalCents, forKey: .totalCents)
        try container.encode(paidCents, forKey: .paidCents)
        try container.encode(balanceCents, forKey: .balanceCents)
        try container.encode(state, forKey: .state)
        try container.encode(voidReason, forKey: .voidReason)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}

/// Body of `invoice.get`, `invoice.pdf`.
public struct GetInvoice: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public init(id: InvoiceID) { self.id = id }
}

/// Body of `invoice.list`.
public struct ListInvoices: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var state: InvoiceState?
    public var collectionStatusId: CollectionStatusID?
    public var limit: Int
    public var cursor: String?

    public init(customerId: CustomerID, state: InvoiceState? = nil, collectionStatusId: CollectionStatusID? = nil,
                limit: Int = 50, cursor: String? = nil) {
        self.customerId = customerId
        self.state = state
        self.collectionStatusId = collectionStatusId
        self.limit = limit
        self.cursor = cursor
    }
}

/// Reply to `invoice.list`.
public typealias InvoicePage = ItemPage<Invoice>

/// Body of `invoice.update` (`PATCH /invoices/{id}`): the members to change by API name
/// (`number`, `issue_date`, `due_date`, `po_number`, `memo`, `contact_id`, `state: "open"`
/// to issue a draft; `null` clears the optional ones), and the new lines when they change
/// (typed, so quantities stay exact).
public struct UpdateInvoice: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var changes: [String: JSONValue]
    public var lines: [InvoiceLineInput]?

    public init(id: InvoiceID, changes: [String: JSONValue], lines: [InvoiceLineInput]? = nil) {
        self.id = id
        self.changes = changes
        self.lines = lines
    }
}

/// Body of `invoice.void`.
public struct VoidInvoice: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var reason: String?
    public init(id: InvoiceID, reason: String? = nil) {
        self.id = id
        self.reason = reason
    }
}

/// Body of `invoice.set_collection_status` (`PUT /invoices/{id}/collection-status`); nil clears it.
public struct SetInvoiceCollectionStatus: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var collectionStatusId: CollectionStatusID?
    public init(id: InvoiceID, collectionStatusId: CollectionStatusID?) {
        self.id = id
        self.collectionStatusId = collectionStatusId
    }
}

/// Body of `invoice.pdf`: the invoice, and the customer's payment link when one is active
/// (payments-service's, read by the gateway).
public struct InvoiceDocumentRequest: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var paymentLink: String?
    public init(id: InvoiceID, paymentLink: String? = nil) {
        self.id = id
        self.paymentLink = paymentLink
    }
}

/// Body of `invoice.statement`: the period (nil `from`: open items only — every invoice
/// still owed on and nothing before; nil `to`: today in the business time zone).
public struct StatementRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var from: BusinessDate?
    public var to: BusinessDate?
    public var paymentLink: String?

    public init(customerId: CustomerID, from: BusinessDate? = nil, to: BusinessDate? = nil, paymentLink: String? = nil) {
        self.customerId = customerId
        self.from = from
        self.to = to
        self.paymentLink = paymentLink
    }
}

/// Reply to `invoice.pdf` and `invoice.statement`; the bytes travel in the attachment frame.
public struct DocumentRendered: Codable, Hashable, Sendable {
    public var filename: String
    public var contentType: String
    public var byteCount: Int
    public init(filename: String, contentType: String, byteCount: Int) {
        self.filename = filename
        self.contentType = contentType
        self.byteCount = byteCount
    }
}

/// Event `invoice.created`. `alertManagerId`: the manager of its collection status, to be told.
public struct InvoiceCreated: Codable, Hashable, Sendable {
    public var invoice: Invoice
    public var alertManagerId: UserID?
    public init(invoice: Invoice, alertManagerId: UserID? = nil) {
        self.invoice = invoice
        self.alertManagerId = alertManagerId
    }
}

/// Event `invoice.updated`: what changed (API names; changed lines as their counts), the
/// total before, and the invoice after.
public struct InvoiceUpdated: Codable, Hashable, Sendable {
    public var invoice: Invoice
    public var changes: [FieldChange]
    public var previousTotalCents: Int64

    public init(invoice: Invoice, changes: [FieldChange], previousTotalCents: Int64) {
        self.invoice = invoice
        self.changes = changes
        self.previousTotalCents = previousTotalCents
    }
}

/// Event `invoice.voided`.
public struct InvoiceVoided: Codable, Hashable, Sendable {
    public var invoice: Invoice
    public var reason: String?
    public init(invoice: Invoice, reason: String?) {
        self.invoice = invoice
        self.reason = reason
    }
}

/// Event `invoice.paid`.
public struct InvoicePaid: Codable, Hashable, Sendable {
    public var invoice: Invoice
    public init(invoice: Invoice) { self.invoice = invoice }
}

/// Event `invoice.collection_status_changed`: `from` and `to` (nil: none), who changed it,
/// and the manager of the status it entered (to be alerted), if it has one.
public struct InvoiceCollectionStatusChanged: Codable, Hashable, Sendable {
    public var invoiceId: InvoiceID
    public var customerId: CustomerID
    public var number: String
    public var from: CollectionStatusRef?
    public var to: CollectionStatusRef?
    public var actor: Actor?
    public var alertManagerId: UserID?

    public init(invoiceId: InvoiceID, customerId: CustomerID, number: String, from: CollectionStatusRef?,
                to: CollectionStatusRef?, actor: Actor?, alertManagerId: UserID?) {
        self.invoiceId = invoiceId
        self.customerId = customerId
        self.number = number
        self.from = from
        self.to = to
        self.actor = actor
        self.alertManagerId = alertManagerId
    }
}
