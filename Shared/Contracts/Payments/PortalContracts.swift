import Foundation

// MARK: - Payment links and the portal (SPEC §6, API.md "Payment portal")

extension PaymentsMessages {
    /// The customer's payment link: the active one (its expiry changed when one is given),
    /// or a new one when none is active. Publishes `payment_link.changed` when it makes or
    /// changes one. Its reply carries the token, so none is kept for retries (a repeat
    /// returns the active link anyway).
    public static let createLink = Command<CreatePaymentLink, PaymentLink>("payment_link.create", keepsReply: false)
    /// Revokes the customer's active link: its URL answers 404 from then on.
    public static let revokeLink = Command<RevokePaymentLink, Empty>("payment_link.revoke")
    /// Which customer a token opens, while its link is active (else `not_found`).
    public static let resolveLink = Query<PortalToken, ResolvedPaymentLink>("payment_link.resolve")
    public static let linkChanged = Event<PaymentLinkChanged>("payment_link.changed")

    /// What the portal shows: the customer's open invoices, the ways to pay and their fees.
    public static let portal = Query<PortalToken, PortalView>("portal.view")
    /// The amount and convenience fee a portal payment of these invoices would be charged.
    public static let quote = Query<PortalQuoteRequest, PortalQuote>("portal.quote")
    /// Charges the payer through the processor and, when approved, records the payment
    /// applied to the chosen invoices oldest first, with the fee beside it; a decline is
    /// `payment_declined` and records nothing.
    public static let portalPay = Command<PortalPaymentRequest, Payment>("portal.pay")

    static let portalMessages: [any DescribedMessage] = [createLink, revokeLink, resolveLink, linkChanged, portal, quote, portalPay]
}

/// The customer's active payment link, as the Customer Details view shows it.
public struct PaymentLinkSummary: Codable, Hashable, Sendable {
    public var url: String
    public var expiresOn: BusinessDate?

    public init(url: String, expiresOn: BusinessDate?) {
        self.url = url
        self.expiresOn = expiresOn
    }

    private enum CodingKeys: String, CodingKey { case url, expiresOn }

    /// `expires_on` is written as `null` when the link does not expire.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(expiresOn, forKey: .expiresOn)
    }
}

/// Body of `payment_link.create` (`POST /customers/{id}/payment-link`). `portalBase`: where
/// the gateway serves the portal (`AR_PUBLIC_URL` + `/pay/`); the URL is it and the token.
public struct CreatePaymentLink: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var expiresOn: BusinessDate?
    public var portalBase: String

    public init(customerId: CustomerID, expiresOn: BusinessDate?, portalBase: String) {
        self.customerId = customerId
        self.expiresOn = expiresOn
        self.portalBase = portalBase
    }
}

/// Reply to `payment_link.create`. `created`: a new link (its URL was never handed out before).
public struct PaymentLink: Codable, Hashable, Sendable {
    public var url: String
    public var token: String
    public var expiresOn: BusinessDate?
    public var created: Bool

    public init(url: String, token: String, expiresOn: BusinessDate?, created: Bool) {
        self.url = url
        self.token = token
        self.expiresOn = expiresOn
        self.created = created
    }

    private enum CodingKeys: String, CodingKey { case url, token, expiresOn, created }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(url, forKey: .url)
        try container.encode(token, forKey: .token)
        try container.encode(expiresOn, forKey: .expiresOn)
        try container.encode(created, forKey: .created)
    }
}

/// Body of `payment_link.revoke` (`DELETE /customers/{id}/payment-link`).
public struct RevokePaymentLink: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public init(customerId: CustomerID) { self.customerId = customerId }
}

/// Event `payment_link.changed`: a link made, its expiry changed, or revoked (never the token).
public struct PaymentLinkChanged: Codable, Hashable, Sendable {
    public enum Change: String, Codable, Hashable, Sendable { case created, expiryChanged = "expiry_changed", revoked }
    public var customerId: CustomerID
    public var change: Change
    public var expiresOn: BusinessDate?

    public init(customerId: CustomerID, change: Change, expiresOn: BusinessDate?) {
        self.customerId = customerId
        self.change = change
        self.expiresOn = expiresOn
    }
}

/// A portal request's credential: the token of the URL.
public struct PortalToken: Codable, Hashable, Sendable {
    public var token: String
    public init(token: String) { self.token = token }
}

/// Reply to `payment_link.resolve`.
public struct ResolvedPaymentLink: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var expiresOn: BusinessDate?

    public init(customerId: CustomerID, expiresOn: BusinessDate?) {
        self.customerId = customerId
        self.expiresOn = expiresOn
    }
}

/// How the payer may pay on the portal.
public enum PortalMethod: String, Codable, Hashable, Sendable, CaseIterable {
    case card, ach
}

/// One way to pay on the portal and its fee rule (`ConvenienceFee.fee`).
public struct PortalMethodOption: Codable, Hashable, Sendable {
    public var method: PortalMethod
    public var fee: ConvenienceFee?

    public init(method: PortalMethod, fee: ConvenienceFee?) {
        self.method = method
        self.fee = fee
    }
}

/// Reply to `portal.view`: payments-service's part of the portal.
public struct PortalView: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var currency: Currency?
    /// Open invoices with their balances, oldest due first.
    public var invoices: [PayableInvoice]
    /// The methods the customer may pay by (card, ACH), each with its fee.
    public var methods: [PortalMethodOption]
    public var expiresOn: BusinessDate?
    /// The processor is a sandbox: nothing is really charged.
    public var testMode: Bool

    public init(customerId: CustomerID, currency: Currency?, invoices: [PayableInvoice], methods: [PortalMethodOption],
                expiresOn: BusinessDate?, testMode: Bool) {
        self.customerId = customerId
        self.currency = currency
        self.invoices = invoices
        self.methods = methods
        self.expiresOn = expiresOn
        self.testMode = testMode
    }
}

/// Body of `portal.quote`: the invoices chosen, optionally a smaller amount (applied oldest
/// first), and the method.
public struct PortalQuoteRequest: Codable, Hashable, Sendable {
    public var token: String
    public var invoiceIds: [InvoiceID]
    public var amountCents: Int64?
    public var method: PortalMethod

    public init(token: String, invoiceIds: [InvoiceID], amountCents: Int64? = nil, method: PortalMethod) {
        self.token = token
        self.invoiceIds = invoiceIds
        self.amountCents = amountCents
        self.method = method
    }
}

/// Reply to `portal.quote`: what paying would charge.
public struct PortalQuote: Codable, Hashable, Sendable {
    public var currency: Currency
    /// Applied to the invoices.
    public var amountCents: Int64
    public var feeCents: Int64
    /// amount + fee: what the processor charges.
    public var totalCents: Int64

    public init(currency: Currency, amountCents: Int64, feeCents: Int64, totalCents: Int64) {
        self.currency = currency
        self.amountCents = amountCents
        self.feeCents = feeCents
        self.totalCents = totalCents
    }
}

/// A card as the payer types it (handed to the processor, never stored or logged).
public struct CardDetails: Codable, Hashable, Sendable {
    public var cardNumber: String
    public var expMonth: Int
    public var expYear: Int
    public var cvc: String
    public var name: String

    public init(cardNumber: String, expMonth: Int, expYear: Int, cvc: String, name: String) {
        self.cardNumber = cardNumber
        self.expMonth = expMonth
        self.expYear = expYear
        self.cvc = cvc
        self.name = name
    }
}

/// A bank account for an ACH debit (handed to the processor, never stored or logged).
public struct BankAccountDetails: Codable, Hashable, Sendable {
    public enum AccountType: String, Codable, Hashable, Sendable { case checking, savings }
    public var routingNumber: String
    public var accountNumber: String
    public var accountType: AccountType
    public var name: String

    public init(routingNumber: String, accountNumber: String, accountType: AccountType, name: String) {
        self.routingNumber = routingNumber
        self.accountNumber = accountNumber
        self.accountType = accountType
        self.name = name
    }
}

/// Body of `portal.pay` (`POST /api/v1/portal/{token}/payments`): one of `card` or
/// `bankAccount`, matching `method`.
public struct PortalPaymentRequest: Codable, Hashable, Sendable {
    public var token: String
    public var invoiceIds: [InvoiceID]
    public var amountCents: Int64?
    public var method: PortalMethod
    public var card: CardDetails?
    public var bankAccount: BankAccountDetails?
    /// The total (amount + fee) the payer was shown; a different one now (the fee or a
    /// balance changed meanwhile) is refused, never charged.
    public var expectedTotalCents: Int64?

    public init(token: String, invoiceIds: [InvoiceID], amountCents: Int64? = nil, method: PortalMethod, card: CardDetails? = nil,
                bankAccount: BankAccountDetails? = nil, expectedTotalCents: Int64? = nil) {
        self.token = token
        self.invoiceIds = invoiceIds
        self.amountCents = amountCents
        self.method = method
        self.card = card
        self.bankAccount = bankAccount
        self.expectedTotalCents = expectedTotalCents
    }
}

/// A promise as the payer sees it on the portal (nothing about who follows it up).
public struct PortalPromise: Codable, Hashable, Sendable {
    public var id: PromiseID
    public var invoiceIds: [InvoiceID]
    public var invoiceNumbers: [String]
    public var amountCents: Int64
    public var currency: Currency
    public var promisedOn: BusinessDate
    public var note: String?
    public var state: PromiseState

    public init(_ promise: PromiseToPay) {
        id = promise.id
        invoiceIds = promise.invoiceIds
        invoiceNumbers = promise.invoiceNumbers
        amountCents = promise.amountCents
        currency = promise.currency
        promisedOn = promise.promisedOn
        note = promise.note
        state = promise.state
    }

    private enum CodingKeys: String, CodingKey { case id, invoiceIds, invoiceNumbers, amountCents, currency, promisedOn, note, state }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(invoiceIds, forKey: .invoiceIds)
        try container.encode(invoiceNumbers, forKey: .invoiceNumbers)
        try container.encode(amountCents, forKey: .amountCents)
        try container.encode(currency, forKey: .currency)
        try container.encode(promisedOn, forKey: .promisedOn)
        try container.encode(note, forKey: .note)
        try container.encode(state, forKey: .state)
    }
}

/// Where a payment came from.
public enum PaymentSource: String, Codable, Hashable, Sendable {
    /// Recorded by someone on the team (a check, a wire, a card taken by phone).
    case staff
    /// Paid by the customer on the payment portal, through the processor.
    case portal
}
