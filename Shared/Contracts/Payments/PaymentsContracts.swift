import Foundation

/// The messages of payments-service.
public enum PaymentsMessages {
    /// What payments-service owns of the Customer Details screen.
    public static let customerSummary = Query<CustomerPaymentsRequest, CustomerPaymentsSummary>("payments.customer_summary")

    /// Part of a payment applied to one invoice (payments-service publishes it; invoice-service
    /// lowers the invoice's balance once per application id, however often it arrives).
    public static let applied = Event<PaymentApplied>("payment.applied")
    /// An application taken back (by a person, or because the invoice was voided in a race):
    /// the amount is the payment's unapplied credit again and the invoice's balance rises.
    public static let unapplied = Event<PaymentUnapplied>("payment.unapplied")
    /// Money returned from a payment's unapplied credit. Never touches an invoice's balance
    /// (only unapplied credit is refundable).
    public static let refunded = Event<PaymentRefunded>("payment.refunded")

    public static let catalogue = MessageCatalogue(.payments, [customerSummary, applied, unapplied, refunded])
}

/// Event `payment.applied`. An application id is never used again (taking an application
/// back ends it; applying the money again is a new application).
public struct PaymentApplied: Codable, Hashable, Sendable {
    public var applicationId: PaymentApplicationID
    public var paymentId: PaymentID
    public var customerId: CustomerID
    public var invoiceId: InvoiceID
    /// More than 0, in `currency` (the invoice's).
    public var amountCents: Int64
    public var currency: Currency
    /// The business date it counts from (statements list it on this day).
    public var appliedOn: BusinessDate
    /// How it was paid (`card`, `ach`, `check`, a custom method's code) and its reference.
    public var method: String
    public var reference: String?

    public init(applicationId: PaymentApplicationID, paymentId: PaymentID, customerId: CustomerID, invoiceId: InvoiceID,
                amountCents: Int64, currency: Currency, appliedOn: BusinessDate, method: String, reference: String?) {
        self.applicationId = applicationId
        self.paymentId = paymentId
        self.customerId = customerId
        self.invoiceId = invoiceId
        self.amountCents = amountCents
        self.currency = currency
        self.appliedOn = appliedOn
        self.method = method
        self.reference = reference
    }
}

/// Why an application was taken back.
public enum UnapplyReason: String, Codable, Hashable, Sendable {
    /// A person unapplied it.
    case unapplied
    /// The invoice was voided while it was applied; the money is credit again.
    case invoiceVoided = "invoice_voided"
}

/// Event `payment.unapplied`.
public struct PaymentUnapplied: Codable, Hashable, Sendable {
    public var applicationId: PaymentApplicationID
    public var paymentId: PaymentID
    public var customerId: CustomerID
    public var invoiceId: InvoiceID
    public var amountCents: Int64
    public var currency: Currency
    public var unappliedOn: BusinessDate
    public var reason: UnapplyReason

    public init(applicationId: PaymentApplicationID, paymentId: PaymentID, customerId: CustomerID, invoiceId: InvoiceID,
                amountCents: Int64, currency: Currency, unappliedOn: BusinessDate, reason: UnapplyReason) {
        self.applicationId = applicationId
        self.paymentId = paymentId
        self.customerId = customerId
        self.invoiceId = invoiceId
        self.amountCents = amountCents
        self.currency = currency
        self.unappliedOn = unappliedOn
        self.reason = reason
    }
}

/// Event `payment.refunded`.
public struct PaymentRefunded: Codable, Hashable, Sendable {
    public var refundId: RefundID
    public var paymentId: PaymentID
    public var customerId: CustomerID
    public var amountCents: Int64
    public var currency: Currency
    public var refundedOn: BusinessDate
    public var reason: String

    public init(refundId: RefundID, paymentId: PaymentID, customerId: CustomerID, amountCents: Int64, currency: Currency,
                refundedOn: BusinessDate, reason: String) {
        self.refundId = refundId
        self.paymentId = paymentId
        self.customerId = customerId
        self.amountCents = amountCents
        self.currency = currency
        self.refundedOn = refundedOn
        self.reason = reason
    }
}

/// A convenience fee: percent (basis points) plus fixed, optionally capped.
public struct ConvenienceFee: Codable, Hashable, Sendable {
    public var basisPoints: Int
    public var fixedCents: Int64
    public var capCents: Int64?

    public init(basisPoints: Int, fixedCents: Int64, capCents: Int64?) {
        self.basisPoints = basisPoints
        self.fixedCents = fixedCents
        self.capCents = capCents
    }
}

/// How a customer may pay (falling back to the business defaults).
public struct PaymentSettings: Codable, Hashable, Sendable {
    public var cardAllowed: Bool
    public var achAllowed: Bool
    public var cardFee: ConvenienceFee?
    public var achFee: ConvenienceFee?
    public var autopay: Bool
    /// Whether these are the customer's own settings or the business defaults.
    public var isCustomerSpecific: Bool

    public init(cardAllowed: Bool, achAllowed: Bool, cardFee: ConvenienceFee?, achFee: ConvenienceFee?, autopay: Bool,
                isCustomerSpecific: Bool) {
        self.cardAllowed = cardAllowed
        self.achAllowed = achAllowed
        self.cardFee = cardFee
        self.achFee = achFee
        self.autopay = autopay
        self.isCustomerSpecific = isCustomerSpecific
    }
}

/// The customer's payment link, when one is active.
public struct PaymentLinkSummary: Codable, Hashable, Sendable {
    public var url: String
    public var expiresOn: BusinessDate?

    public init(url: String, expiresOn: BusinessDate?) {
        self.url = url
        self.expiresOn = expiresOn
    }
}

/// A promise to pay, as the Customer Details screen lists it.
public struct PromiseSummary: Codable, Hashable, Sendable {
    public var id: PromiseID
    public var contactId: ContactID?
    public var invoiceIds: [InvoiceID]
    public var amountCents: Int64
    public var promisedOn: BusinessDate
    /// open, kept, broken, cancelled
    public var state: String
    public var note: String?

    public init(id: PromiseID, contactId: ContactID?, invoiceIds: [InvoiceID], amountCents: Int64, promisedOn: BusinessDate,
                state: String, note: String?) {
        self.id = id
        self.contactId = contactId
        self.invoiceIds = invoiceIds
        self.amountCents = amountCents
        self.promisedOn = promisedOn
        self.state = state
        self.note = note
    }
}

/// Body of `payments.customer_summary`.
public struct CustomerPaymentsRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public init(customerId: CustomerID) { self.customerId = customerId }
}

/// The Customer Details view's `payment` section.
public struct PaymentSection: Codable, Hashable, Sendable {
    public var settings: PaymentSettings
    public var link: PaymentLinkSummary?
    public var unappliedCreditCents: Int64

    public init(settings: PaymentSettings, link: PaymentLinkSummary?, unappliedCreditCents: Int64) {
        self.settings = settings
        self.link = link
        self.unappliedCreditCents = unappliedCreditCents
    }

    private enum CodingKeys: String, CodingKey { case settings, link, unappliedCreditCents }

    /// `link` is written as `null` when there is none, never left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(settings, forKey: .settings)
        try container.encode(link, forKey: .link)
        try container.encode(unappliedCreditCents, forKey: .unappliedCreditCents)
    }
}

/// Reply to `payments.customer_summary`: payments-service's sections of the Customer
/// Details view, `payment` and `promises`, in the API's shape (the gateway passes the
/// bytes through).
public struct CustomerPaymentsSummary: Codable, Hashable, Sendable {
    public var payment: PaymentSection
    /// The open promises to pay.
    public var promises: [PromiseSummary]

    public init(payment: PaymentSection, promises: [PromiseSummary]) {
        self.payment = payment
        self.promises = promises
    }
}
