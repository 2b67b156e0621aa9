import Foundation

// MARK: - Promises to pay (SPEC §7, API.md "Payments")

extension PaymentsMessages {
    /// Records a promise; publishes `promise.recorded`.
    public static let recordPromise = Command<RecordPromise, PromiseToPay>("promise.record")
    public static let getPromise = Query<GetPromise, PromiseToPay>("promise.get")
    /// A customer's promises, newest first, keyset paged; optionally of one state.
    public static let listPromises = Query<ListPromises, PromisePage>("promise.list")
    /// Cancels an open promise; publishes `promise.cancelled`.
    public static let cancelPromise = Command<CancelPromise, PromiseToPay>("promise.cancel")
    /// Promises by specialist and state, counted and summed per currency.
    public static let promiseReport = Query<PromiseReportRequest, PromiseReport>("promise.report")

    public static let promiseRecorded = Event<PromiseChanged>("promise.recorded")
    /// Payments applied to the promised invoices, from the promise on and by its date, came
    /// to the amount.
    public static let promiseKept = Event<PromiseChanged>("promise.kept")
    /// The promised date passed (in the business time zone) without that; history-service
    /// gives the specialist a task for it.
    public static let promiseBroken = Event<PromiseChanged>("promise.broken")
    public static let promiseCancelled = Event<PromiseChanged>("promise.cancelled")

    static let promiseMessages: [any DescribedMessage] = [
        recordPromise, getPromise, listPromises, cancelPromise, promiseReport,
        promiseRecorded, promiseKept, promiseBroken, promiseCancelled,
    ]
}

public enum PromiseState: String, Codable, Hashable, Sendable, CaseIterable {
    case open, kept, broken, cancelled
}

/// The fields of `POST /customers/{id}/promises` (and the portal's).
public struct PromiseFields: Codable, Hashable, Sendable {
    public var contactId: ContactID?
    public var invoiceIds: [InvoiceID]
    public var amountCents: Int64
    public var promisedOn: BusinessDate
    public var note: String?

    public init(contactId: ContactID? = nil, invoiceIds: [InvoiceID], amountCents: Int64, promisedOn: BusinessDate, note: String? = nil) {
        self.contactId = contactId
        self.invoiceIds = invoiceIds
        self.amountCents = amountCents
        self.promisedOn = promisedOn
        self.note = note
    }
}

/// Body of `promise.record`. `specialistId`: the customer's AR specialist as the gateway
/// just read it from customer-service (kept current from `customer.specialist_assigned`);
/// `source`: staff, or the payer on the portal (then `token` names the customer).
public struct RecordPromise: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var specialistId: UserID?
    public var source: PaymentSource
    public var promise: PromiseFields

    public init(customerId: CustomerID, specialistId: UserID?, source: PaymentSource, promise: PromiseFields) {
        self.customerId = customerId
        self.specialistId = specialistId
        self.source = source
        self.promise = promise
    }
}

/// A promise to pay and where it stands.
public struct PromiseToPay: Codable, Hashable, Sendable {
    public var id: PromiseID
    public var customerId: CustomerID
    public var contactId: ContactID?
    public var invoiceIds: [InvoiceID]
    /// The invoices' numbers, in the order of `invoiceIds`.
    public var invoiceNumbers: [String]
    public var amountCents: Int64
    public var currency: Currency
    public var promisedOn: BusinessDate
    public var note: String?
    public var state: PromiseState
    public var source: PaymentSource
    /// Who follows it up: the customer's AR specialist.
    public var specialistId: UserID?
    /// Paid toward it so far: applications to its invoices from the promise on, by its date.
    public var paidCents: Int64
    /// The business date it was made, and the one it was kept, broken or cancelled.
    public var recordedOn: BusinessDate
    public var resolvedOn: BusinessDate?
    public var recordedBy: Actor?
    public var createdAt: Date

    public init(id: PromiseID, customerId: CustomerID, contactId: ContactID?, invoiceIds: [InvoiceID], invoiceNumbers: [String],
                amountCents: Int64, currency: Currency, promisedOn: BusinessDate, note: String?, state: PromiseState,
                source: PaymentSource, specialistId: UserID?, paidCents: Int64, recordedOn: BusinessDate, resolvedOn: BusinessDate?,
                recordedBy: Actor?, createdAt: Date) {
        self.id = id
        self.customerId = customerId
        self.contactId = contactId
        self.invoiceIds = invoiceIds
        self.invoiceNumbers = invoiceNumbers
        self.amountCents = amountCents
        self.currency = currency
        self.promisedOn = promisedOn
        self.note = note
        self.state = state
        self.source = source
        self.specialistId = specialistId
        self.paidCents = paidCents
        self.recordedOn = recordedOn
        self.resolvedOn = resolvedOn
        self.recordedBy = recordedBy
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, customerId, contactId, invoiceIds, invoiceNumbers, amountCents, currency, promisedOn, note, state, source,
             specialistId, paidCents, recordedOn, resolvedOn, recordedBy, createdAt
    }

    /// Optional members are written as `null`, never left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(contactId, forKey: .contactId)
        try container.encode(invoiceIds, forKey: .invoiceIds)
        try container.encode(invoiceNumbers, forKey: .invoiceNumbers)
        try container.encode(amountCents, forKey: .amountCents)
        try container.encode(currency, forKey: .currency)
        try container.encode(promisedOn, forKey: .promisedOn)
        try container.encode(note, forKey: .note)
        try container.encode(state, forKey: .state)
        try container.encode(source, forKey: .source)
        try container.encode(specialistId, forKey: .specialistId)
        try container.encode(paidCents, forKey: .paidCents)
        try container.encode(recordedOn, forKey: .recordedOn)
        try container.encode(resolvedOn, forKey: .resolvedOn)
        try container.encode(recordedBy, forKey: .recordedBy)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// Body of `promise.get`.
public struct GetPromise: Codable, Hashable, Sendable {
    public var id: PromiseID
    public init(id: PromiseID) { self.id = id }
}

/// Body of `promise.list`.
public struct ListPromises: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var state: PromiseState?
    public var limit: Int
    public var cursor: String?

    public init(customerId: CustomerID, state: PromiseState? = nil, limit: Int = 50, cursor: String? = nil) {
        self.customerId = customerId
        self.state = state
        self.limit = limit
        self.cursor = cursor
    }
}

public typealias PromisePage = ItemPage<PromiseToPay>

/// Body of `promise.cancel` (`POST /promises/{id}/cancel`).
public struct CancelPromise: Codable, Hashable, Sendable {
    public var id: PromiseID
    public init(id: PromiseID) { self.id = id }
}

/// Event `promise.recorded`, `.kept`, `.broken`, `.cancelled`: the promise after the change.
public struct PromiseChanged: Codable, Hashable, Sendable {
    public var promise: PromiseToPay
    public init(promise: PromiseToPay) { self.promise = promise }
}

/// Body of `promise.report` (`GET /reports/promises?from=&to=`): promises whose date falls
/// in the period (either end optional).
public struct PromiseReportRequest: Codable, Hashable, Sendable {
    public var from: BusinessDate?
    public var to: BusinessDate?
    /// Only these specialists' (a specialist who may not see all customers sees their own).
    public var specialistId: UserID?

    public init(from: BusinessDate? = nil, to: BusinessDate? = nil, specialistId: UserID? = nil) {
        self.from = from
        self.to = to
        self.specialistId = specialistId
    }
}

/// How many promises and how much, in one state.
public struct PromiseTally: Codable, Hashable, Sendable {
    public var count: Int
    public var amountCents: Int64

    public init(count: Int, amountCents: Int64) {
        self.count = count
        self.amountCents = amountCents
    }

    public static let zero = PromiseTally(count: 0, amountCents: 0)
}

/// One specialist's promises in one currency (no specialist: customers without one).
public struct PromiseReportRow: Codable, Hashable, Sendable {
    public var specialistId: UserID?
    /// Filled in by the gateway from its users.
    public var specialistName: String?
    public var currency: Currency
    public var open: PromiseTally
    public var kept: PromiseTally
    public var broken: PromiseTally
    public var cancelled: PromiseTally
    /// kept ÷ (kept + broken), in basis points; nil while none is decided.
    public var keptRateBps: Int?

    public init(specialistId: UserID?, specialistName: String? = nil, currency: Currency, open: PromiseTally, kept: PromiseTally,
                broken: PromiseTally, cancelled: PromiseTally) {
        self.specialistId = specialistId
        self.specialistName = specialistName
        self.currency = currency
        self.open = open
        self.kept = kept
        self.broken = broken
        self.cancelled = cancelled
        let decided = kept.count + broken.count
        keptRateBps = decided == 0 ? nil : (kept.count * 10_000 + decided / 2) / decided
    }

    private enum CodingKeys: String, CodingKey {
        case specialistId, specialistName, currency, open, kept, broken, cancelled, keptRateBps
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(specialistId, forKey: .specialistId)
        try container.encode(specialistName, forKey: .specialistName)
        try container.encode(currency, forKey: .currency)
        try container.encode(open, forKey: .open)
        try container.encode(kept, forKey: .kept)
        try container.encode(broken, forKey: .broken)
        try container.encode(cancelled, forKey: .cancelled)
        try container.encode(keptRateBps, forKey: .keptRateBps)
    }
}

/// Reply to `promise.report`.
public struct PromiseReport: Codable, Hashable, Sendable {
    public var from: BusinessDate?
    public var to: BusinessDate?
    public var items: [PromiseReportRow]

    public init(from: BusinessDate?, to: BusinessDate?, items: [PromiseReportRow]) {
        self.from = from
        self.to = to
        self.items = items
    }

    private enum CodingKeys: String, CodingKey { case from, to, items }

    /// An open end of the period is written as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(items, forKey: .items)
    }
}
