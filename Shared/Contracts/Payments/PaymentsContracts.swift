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

    public static let catalogue = MessageCatalogue(.payments, [customerSummary, applied, unapplied, refunded, ReconcileMessages.appliedFacts, ReconcileMessages.paymentFacts] + paymentMessages + settingsMessages + portalMessages + promiseMessages)
}

/// Event `payment.applied`. An application id is never used again (taking an application
/// back ends it; applying the money again is a new application).
public struct PaymentApplied: Codable, Hashable, Sendable {
    public var applicationId: PaymentApplicationID
    public var paymentId: PaymentID
    public var customerId: CustomerID
    public var invoiceId: InvoiceID
    /// The invoice's number, for a timeline to name it.
    public var invoiceNumber: String
    /// More than 0, in `currency` (the invoice's).
    public var amountCents: Int64
    public var currency: Currency
    /// The business date it counts from (statements list it on this day).
    public var appliedOn: BusinessDate
    /// How it was paid (`card`, `ach`, `check`, a custom method's code) and its reference.
    public var method: String
    public var reference: String?

    public init(applicationId: PaymentApplicationID, paymentId: PaymentID, customerId: CustomerID, invoiceId: InvoiceID,
                invoiceNumber: String, amountCents: Int64, currency: Currency, appliedOn: BusinessDate, method: String,
                reference: String?) {
        self.applicationId = applicationId
        self.paymentId = paymentId
        self.customerId = customerId
        self.invoiceId = invoiceId
        self.invoiceNumber = invoiceNumber
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
    /// The invoice's total was lowered below what stood applied to it (an edit that raced a
    /// payment); the newest applications are taken back until it fits.
    case invoiceReduced = "invoice_reduced"
}

/// Event `payment.unapplied`.
public struct PaymentUnapplied: Codable, Hashable, Sendable {
    public var applicationId: PaymentApplicationID
    public var paymentId: PaymentID
    public var customerId: CustomerID
    public var invoiceId: InvoiceID
    public var invoiceNumber: String
    public var amountCents: Int64
    public var currency: Currency
    public var unappliedOn: BusinessDate
    public var reason: UnapplyReason

    public init(applicationId: PaymentApplicationID, paymentId: PaymentID, customerId: CustomerID, invoiceId: InvoiceID,
                invoiceNumber: String, amountCents: Int64, currency: Currency, unappliedOn: BusinessDate, reason: UnapplyReason) {
        self.applicationId = applicationId
        self.paymentId = paymentId
        self.customerId = customerId
        self.invoiceId = invoiceId
        self.invoiceNumber = invoiceNumber
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

/// Body of `payments.customer_summary`.
/// `portalBase`: where the gateway serves the portal (`AR_PUBLIC_URL` + `/pay/`), for the
/// link's URL; without it the summary has no link.
public struct CustomerPaymentsRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var portalBase: String?
    public init(customerId: CustomerID, portalBase: String? = nil) {
        self.customerId = customerId
        self.portalBase = portalBase
    }
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
    /// The open promises to pay, soonest date first.
    public var promises: [PromiseToPay]

    public init(payment: PaymentSection, promises: [PromiseToPay]) {
        self.payment = payment
        self.promises = promises
    }
}

// MARK: - Payments (SPEC §5, API.md "Payments")

extension PaymentsMessages {
    /// A payment received, with its first applications; publishes `payment.recorded` and a
    /// `payment.applied` per application.
    public static let record = Command<RecordPayment, Payment>("payment.record")
    public static let get = Query<GetPayment, Payment>("payment.get")
    /// A customer's payments, newest first, keyset paged.
    public static let list = Query<ListPayments, PaymentPage>("payment.list")
    /// Applies part of a payment's unapplied credit to an open invoice.
    public static let apply = Command<ApplyPayment, Payment>("payment.apply")
    /// Takes an application back: its amount is unapplied credit again.
    public static let unapply = Command<UnapplyPayment, Payment>("payment.unapply")
    /// Returns money from a payment's unapplied credit.
    public static let refund = Command<RefundPayment, Payment>("payment.refund")
    /// The customer's open invoices as payments-service knows them (balances after its
    /// applications), oldest due first: what a payment can be applied to.
    public static let openInvoices = Query<CustomerPaymentsRequest, PayableInvoiceList>("payment.open_invoices")
    public static let recorded = Event<PaymentRecorded>("payment.recorded")

    static let paymentMessages: [any DescribedMessage] = [record, get, list, apply, unapply, refund, openInvoices, recorded]
}

/// One application as a request gives it.
public struct ApplicationInput: Codable, Hashable, Sendable {
    public var invoiceId: InvoiceID
    public var amountCents: Int64

    public init(invoiceId: InvoiceID, amountCents: Int64) {
        self.invoiceId = invoiceId
        self.amountCents = amountCents
    }
}

/// The fields of `POST /customers/{id}/payments`.
public struct PaymentFields: Codable, Hashable, Sendable {
    public var amountCents: Int64
    public var currency: Currency
    /// A payment method's code (`check`, `ach`, `wire`, `card`, `cash`, or a custom one).
    public var method: String
    public var reference: String?
    public var receivedOn: BusinessDate
    public var applications: [ApplicationInput]?

    public init(amountCents: Int64, currency: Currency, method: String, reference: String? = nil, receivedOn: BusinessDate,
                applications: [ApplicationInput]? = nil) {
        self.amountCents = amountCents
        self.currency = currency
        self.method = method
        self.reference = reference
        self.receivedOn = receivedOn
        self.applications = applications
    }
}

/// Body of `payment.record`. `customerCurrency`: the customer's currency as the gateway
/// just read it from customer-service (a payment must be in it).
public struct RecordPayment: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var customerCurrency: Currency
    public var payment: PaymentFields

    public init(customerId: CustomerID, customerCurrency: Currency, payment: PaymentFields) {
        self.customerId = customerId
        self.customerCurrency = customerCurrency
        self.payment = payment
    }
}

/// A payment's application to an invoice, live or taken back.
public struct PaymentApplication: Codable, Hashable, Sendable {
    public var id: PaymentApplicationID
    public var invoiceId: InvoiceID
    public var invoiceNumber: String
    public var amountCents: Int64
    public var appliedOn: BusinessDate
    /// Set when it was taken back.
    public var unappliedOn: BusinessDate?
    public var unapplyReason: UnapplyReason?

    public init(id: PaymentApplicationID, invoiceId: InvoiceID, invoiceNumber: String, amountCents: Int64, appliedOn: BusinessDate,
                unappliedOn: BusinessDate?, unapplyReason: UnapplyReason?) {
        self.id = id
        self.invoiceId = invoiceId
        self.invoiceNumber = invoiceNumber
        self.amountCents = amountCents
        self.appliedOn = appliedOn
        self.unappliedOn = unappliedOn
        self.unapplyReason = unapplyReason
    }
}

/// Money returned from a payment.
public struct PaymentRefund: Codable, Hashable, Sendable {
    public var id: RefundID
    public var amountCents: Int64
    public var reason: String
    public var refundedOn: BusinessDate

    public init(id: RefundID, amountCents: Int64, reason: String, refundedOn: BusinessDate) {
        self.id = id
        self.amountCents = amountCents
        self.reason = reason
        self.refundedOn = refundedOn
    }
}

/// A payment as the API shows it: what was received, applied, refunded and is left.
public struct Payment: Codable, Hashable, Sendable {
    public var id: PaymentID
    public var customerId: CustomerID
    public var amountCents: Int64
    public var currency: Currency
    public var method: String
    public var reference: String?
    public var receivedOn: BusinessDate
    /// The live applications' sum.
    public var appliedCents: Int64
    public var refundedCents: Int64
    /// amount − applied − refunded: credit the customer has, to apply or refund.
    public var unappliedCents: Int64
    public var applications: [PaymentApplication]
    public var refunds: [PaymentRefund]
    /// The convenience fee charged beside the amount (portal payments), never applied or credited.
    public var feeCents: Int64
    public var source: PaymentSource
    public var createdAt: Date

    public init(id: PaymentID, customerId: CustomerID, amountCents: Int64, currency: Currency, method: String, reference: String?,
                receivedOn: BusinessDate, appliedCents: Int64, refundedCents: Int64, unappliedCents: Int64,
                applications: [PaymentApplication], refunds: [PaymentRefund], feeCents: Int64 = 0, source: PaymentSource = .staff,
                createdAt: Date) {
        self.id = id
        self.customerId = customerId
        self.amountCents = amountCents
        self.currency = currency
        self.method = method
        self.reference = reference
        self.receivedOn = receivedOn
        self.appliedCents = appliedCents
        self.refundedCents = refundedCents
        self.unappliedCents = unappliedCents
        self.applications = applications
        self.refunds = refunds
        self.feeCents = feeCents
        self.source = source
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, customerId, amountCents, currency, method, reference, receivedOn, appliedCents, refundedCents, unappliedCents,
             applications, refunds, feeCents, source, createdAt
    }

    /// `reference` is written as `null` when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(amountCents, forKey: .amountCents)
        try container.encode(currency, forKey: .currency)
        try container.encode(method, forKey: .method)
        try container.encode(reference, forKey: .reference)
        try container.encode(receivedOn, forKey: .receivedOn)
        try container.encode(appliedCents, forKey: .appliedCents)
        try container.encode(refundedCents, forKey: .refundedCents)
        try container.encode(unappliedCents, forKey: .unappliedCents)
        try container.encode(applications, forKey: .applications)
        try container.encode(refunds, forKey: .refunds)
        try container.encode(feeCents, forKey: .feeCents)
        try container.encode(source, forKey: .source)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// Body of `payment.get`.
public struct GetPayment: Codable, Hashable, Sendable {
    public var id: PaymentID
    public init(id: PaymentID) { self.id = id }
}

/// Body of `payment.list`.
public struct ListPayments: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var limit: Int
    public var cursor: String?

    public init(customerId: CustomerID, limit: Int = 50, cursor: String? = nil) {
        self.customerId = customerId
        self.limit = limit
        self.cursor = cursor
    }
}

/// Reply to `payment.list`.
public typealias PaymentPage = ItemPage<Payment>

/// Body of `payment.apply` (`POST /payments/{id}/applications`).
public struct ApplyPayment: Codable, Hashable, Sendable {
    public var paymentId: PaymentID
    public var application: ApplicationInput

    public init(paymentId: PaymentID, application: ApplicationInput) {
        self.paymentId = paymentId
        self.application = application
    }
}

/// Body of `payment.unapply` (`DELETE /payments/{id}/applications/{application_id}`).
public struct UnapplyPayment: Codable, Hashable, Sendable {
    public var paymentId: PaymentID
    public var applicationId: PaymentApplicationID

    public init(paymentId: PaymentID, applicationId: PaymentApplicationID) {
        self.paymentId = paymentId
        self.applicationId = applicationId
    }
}

/// Body of `payment.refund` (`POST /payments/{id}/refunds`).
public struct RefundPayment: Codable, Hashable, Sendable {
    public var paymentId: PaymentID
    public var amountCents: Int64
    public var reason: String

    public init(paymentId: PaymentID, amountCents: Int64, reason: String) {
        self.paymentId = paymentId
        self.amountCents = amountCents
        self.reason = reason
    }
}

/// An invoice a payment can be applied to, with its balance after the live applications.
public struct PayableInvoice: Codable, Hashable, Sendable {
    public var id: InvoiceID
    public var number: String
    public var issueDate: BusinessDate
    public var dueDate: BusinessDate
    public var currency: Currency
    public var totalCents: Int64
    public var balanceCents: Int64

    public init(id: InvoiceID, number: String, issueDate: BusinessDate, dueDate: BusinessDate, currency: Currency,
                totalCents: Int64, balanceCents: Int64) {
        self.id = id
        self.number = number
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.totalCents = totalCents
        self.balanceCents = balanceCents
    }
}

/// Reply to `payment.open_invoices`.
public struct PayableInvoiceList: Codable, Hashable, Sendable {
    public var items: [PayableInvoice]
    public init(items: [PayableInvoice]) { self.items = items }
}

/// Event `payment.recorded`: the payment as received (its applications follow as `payment.applied`).
public struct PaymentRecorded: Codable, Hashable, Sendable {
    public var payment: Payment
    public init(payment: Payment) { self.payment = payment }
}

// MARK: - Payment settings and methods (SPEC §5)

extension PaymentsMessages {
    /// A customer's payment settings (its own, or the business defaults it falls back to);
    /// without a customer, the business defaults.
    public static let settings = Query<PaymentSettingsRequest, PaymentSettings>("payment_settings.get")
    /// Sets a customer's own settings, or the business defaults (no customer); `settings`
    /// nil returns a customer to the defaults. Publishes `payment_settings.changed`.
    public static let updateSettings = Command<UpdatePaymentSettings, PaymentSettings>("payment_settings.update")
    public static let settingsChanged = Event<PaymentSettingsChanged>("payment_settings.changed")
    /// Every payment method, built-in and the business's own, in use or retired.
    public static let methods = Query<Empty, PaymentMethodList>("payment_method.list")
    public static let createMethod = Command<CreatePaymentMethod, PaymentMethod>("payment_method.create")
    /// Renames a method or retires it (`active: false`; payments already made keep it).
    public static let updateMethod = Command<UpdatePaymentMethod, PaymentMethod>("payment_method.update")
    public static let methodChanged = Event<PaymentMethod>("payment_method.changed")

    static let settingsMessages: [any DescribedMessage] = [
        settings, updateSettings, settingsChanged, methods, createMethod, updateMethod, methodChanged,
    ]
}

extension ConvenienceFee {
    /// The largest fixed part or cap, in minor units.
    public static let maximumCents: Int64 = 100_000_000

    /// The fee on paying `amount` minor units: `amount × basis points / 10 000` rounded half
    /// away from zero, plus the fixed part, at most the cap. The one fee rule (the portal
    /// shows it before paying, and records it); every product and sum checked.
    public func fee(on amount: Int64) throws(MoneyError) -> Int64 {
        let product = Int128(amount) * Int128(basisPoints)
        let (quotient, remainder) = product.quotientAndRemainder(dividingBy: 10_000)
        let percent = remainder.magnitude * 2 >= 10_000 ? quotient + (product < 0 ? -1 : 1) : quotient
        guard let total = Int64(exactly: percent + Int128(fixedCents)) else { throw .overflow }
        return capCents.map { min(total, $0) } ?? total
    }
}

/// Body of `payment_settings.get`; nil: the business defaults.
public struct PaymentSettingsRequest: Codable, Hashable, Sendable {
    public var customerId: CustomerID?
    public init(customerId: CustomerID? = nil) { self.customerId = customerId }
}

/// How a customer may pay, as `PUT /customers/{id}/payment-settings` and the business
/// defaults (`default_payment_settings` of `PATCH /settings`) give it.
public struct PaymentSettingsFields: Codable, Hashable, Sendable {
    public var cardAllowed: Bool
    public var achAllowed: Bool
    public var cardFee: ConvenienceFee?
    public var achFee: ConvenienceFee?
    public var autopay: Bool

    public init(cardAllowed: Bool, achAllowed: Bool, cardFee: ConvenienceFee? = nil, achFee: ConvenienceFee? = nil, autopay: Bool) {
        self.cardAllowed = cardAllowed
        self.achAllowed = achAllowed
        self.cardFee = cardFee
        self.achFee = achFee
        self.autopay = autopay
    }
}

extension PaymentSettingsFields {
    /// The rules the fees obey, naming the field: basis points 0–10 000, fixed part and cap
    /// 0–`ConvenienceFee.maximumCents`. (The gateway checks them too, before a `/settings`
    /// change touches anything.)
    public func check() throws(ErrorBody) {
        for (fee, field) in [(cardFee, "card_fee"), (achFee, "ach_fee")] {
            guard let fee else { continue }
            guard (0...10_000).contains(fee.basisPoints) else {
                throw .invalidArgument("\(field).basis_points is from 0 to 10000", field: "\(field).basis_points")
            }
            guard (0...ConvenienceFee.maximumCents).contains(fee.fixedCents) else {
                throw .invalidArgument("\(field).fixed_cents is from 0 to \(ConvenienceFee.maximumCents)", field: "\(field).fixed_cents")
            }
            if let cap = fee.capCents, !(0...ConvenienceFee.maximumCents).contains(cap) {
                throw .invalidArgument("\(field).cap_cents is from 0 to \(ConvenienceFee.maximumCents)", field: "\(field).cap_cents")
            }
        }
    }
}

/// Body of `payment_settings.update`.
public struct UpdatePaymentSettings: Codable, Hashable, Sendable {
    /// Nil: the business defaults.
    public var customerId: CustomerID?
    /// Nil (for a customer): back to the business defaults.
    public var settings: PaymentSettingsFields?

    public init(customerId: CustomerID?, settings: PaymentSettingsFields?) {
        self.customerId = customerId
        self.settings = settings
    }
}

/// Event `payment_settings.changed`: a customer's settings (or the defaults, no customer) after.
public struct PaymentSettingsChanged: Codable, Hashable, Sendable {
    public var customerId: CustomerID?
    public var settings: PaymentSettings

    public init(customerId: CustomerID?, settings: PaymentSettings) {
        self.customerId = customerId
        self.settings = settings
    }
}

/// A way money arrives.
public struct PaymentMethod: Codable, Hashable, Sendable {
    /// `check`, `ach`, … or one made from a custom method's name (`money_order`).
    public var code: String
    public var name: String
    public var isBuiltin: Bool
    public var active: Bool

    public init(code: String, name: String, isBuiltin: Bool, active: Bool) {
        self.code = code
        self.name = name
        self.isBuiltin = isBuiltin
        self.active = active
    }
}

/// Reply to `payment_method.list`.
public struct PaymentMethodList: Codable, Hashable, Sendable {
    public var items: [PaymentMethod]
    public init(items: [PaymentMethod]) { self.items = items }
}

/// Body of `payment_method.create` (`POST /payment-methods`).
public struct CreatePaymentMethod: Codable, Hashable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// Body of `payment_method.update` (`PATCH /payment-methods/{code}`).
public struct UpdatePaymentMethod: Codable, Hashable, Sendable {
    public var code: String
    public var name: String?
    public var active: Bool?

    public init(code: String, name: String? = nil, active: Bool? = nil) {
        self.code = code
        self.name = name
        self.active = active
    }
}
