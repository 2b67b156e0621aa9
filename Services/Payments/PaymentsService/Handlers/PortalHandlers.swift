import Contracts
import Foundation
import Messaging
import ServiceKit

/// Payment links and the portal they open. Every portal request names its token, and
/// payments-service finds the customer from it (only an active link's, by the token's
/// hash) before anything else: a token reaches its own customer's invoices and nobody
/// else's, and a revoked or expired one answers `not_found` at once.
struct PortalHandlers {
    let key: PaymentLinkKey
    let processor: any PaymentProcessor
    let clock: BusinessClock

    /// A link expires at most this many days ahead.
    static let longestExpiryDays = 3_660

    func register(in registry: inout HandlerRegistry) {
        let key = key, processor = processor, clock = clock
        registry.command(PaymentsMessages.createLink) { request, context in
            let base = try Self.portalBase(request.portalBase)
            let today = try clock.today(on: context.connection)
            if let expiresOn = request.expiresOn {
                guard expiresOn >= today, today.days(until: expiresOn) <= Self.longestExpiryDays else {
                    throw ErrorBody.unprocessable("expires_on is from today (\(today)) to ten years ahead", field: "expires_on")
                }
            }
            let links = LinkStore(connection: context.connection)
            try links.lockCustomer(request.customerId)
            if var link = try links.unrevoked(of: request.customerId) {
                if !link.isExpired(today: today) {
                    if let expiresOn = request.expiresOn, expiresOn != link.expiresOn {
                        try links.setExpiry(link.id, expiresOn)
                        link.expiresOn = expiresOn
                        try context.publish(PaymentsMessages.linkChanged, PaymentLinkChanged(
                            customerId: request.customerId, change: .expiryChanged, expiresOn: expiresOn))
                    }
                    let token = key.token(for: link.tokenId)
                    return PaymentLink(url: base + token, token: token, expiresOn: link.expiresOn, created: false)
                }
                try links.revoke(link.id)  // expired: a new one takes its place
            }
            let link = LinkStore.Link(id: UUID(), customerId: request.customerId, tokenId: PaymentLinkKey.newID(),
                                      expiresOn: request.expiresOn)
            let token = key.token(for: link.tokenId)
            try links.insert(link, tokenHash: PaymentLinkKey.hash(token))
            try context.publish(PaymentsMessages.linkChanged, PaymentLinkChanged(
                customerId: request.customerId, change: .created, expiresOn: link.expiresOn))
            return PaymentLink(url: base + token, token: token, expiresOn: link.expiresOn, created: true)
        }
        registry.command(PaymentsMessages.revokeLink) { request, context in
            let links = LinkStore(connection: context.connection)
            try links.lockCustomer(request.customerId)
            guard let link = try links.unrevoked(of: request.customerId) else {
                throw ErrorBody.notFound("this customer has no payment link")
            }
            try links.revoke(link.id)
            try context.publish(PaymentsMessages.linkChanged, PaymentLinkChanged(
                customerId: request.customerId, change: .revoked, expiresOn: link.expiresOn))
            return Empty()
        }
        registry.query(PaymentsMessages.resolveLink) { request, context in
            let link = try Self.link(of: request.token, key: key, clock: clock, context: context)
            return ResolvedPaymentLink(customerId: link.customerId, expiresOn: link.expiresOn)
        }
        registry.query(PaymentsMessages.portal) { request, context in
            let link = try Self.link(of: request.token, key: key, clock: clock, context: context)
            let settings = try PaymentsStore(connection: context.connection).settings(of: link.customerId)
            let invoices = try LedgerStore(connection: context.connection).openInvoices(of: link.customerId)
            return PortalView(customerId: link.customerId, currency: invoices.first?.currency, invoices: invoices,
                              methods: Self.methods(settings), expiresOn: link.expiresOn, testMode: processor.isTestMode)
        }
        registry.query(PaymentsMessages.quote) { request, context in
            let link = try Self.link(of: request.token, key: key, clock: clock, context: context)
            let plan = try Self.plan(request.invoiceIds, amount: request.amountCents, method: request.method,
                                     customer: link.customerId, lock: false, context: context)
            return PortalQuote(currency: plan.currency, amountCents: plan.amountCents, feeCents: plan.feeCents,
                               totalCents: plan.totalCents)
        }
        registry.command(PaymentsMessages.portalPay) { request, context in
            let link = try Self.link(of: request.token, key: key, clock: clock, context: context)
            let instrument: PaymentInstrument
            switch (request.method, request.card, request.bankAccount) {
            case (.card, let card?, nil):
                try PortalRules.check(card)
                instrument = .card(card)
            case (.ach, nil, let account?):
                try PortalRules.check(account)
                instrument = .bankAccount(account)
            default:
                throw ErrorBody.unprocessable("payment_details must be the \(request.method == .card ? "card" : "bank account")'s",
                                              field: "payment_details")
            }
            let plan = try Self.plan(request.invoiceIds, amount: request.amountCents, method: request.method,
                                     customer: link.customerId, lock: true, context: context)
            if let shown = request.expectedTotalCents, shown != plan.totalCents {
                throw ErrorBody.unprocessable(
                    "the total is now \(plan.currency.format(plan.totalCents)), not the \(plan.currency.format(shown)) shown; review it and pay again",
                    field: "expected_total_cents")
            }
            let today = try clock.today(on: context.connection)
            let outcome = try processor.charge(Charge(
                idempotencyKey: "\(link.customerId):\(context.envelope.effectiveIdempotencyKey)", totalCents: plan.totalCents,
                currency: plan.currency, payment: instrument, today: today))
            switch outcome {
            case .declined(let code, let reason):
                throw ErrorBody(.paymentDeclined, reason, details: ["decline_code": code])
            case .approved(let reference, let described):
                let fields = PaymentFields(amountCents: plan.amountCents, currency: plan.currency, method: request.method.rawValue,
                                           reference: String("\(described), \(reference)".prefix(TextLimit.paymentReference)),
                                           receivedOn: today, applications: plan.applications)
                return try LedgerHandlers.insert(fields, reference: fields.reference, customer: link.customerId, invoices: plan.invoices,
                                                 feeCents: plan.feeCents, source: .portal, context: context, clock: clock)
            }
        }
    }

    /// The active link a token opens; `not_found` in the same words for a forged, unknown,
    /// revoked or expired one.
    static func link(of token: String, key: PaymentLinkKey, clock: BusinessClock, context: HandlerContext) throws -> LinkStore.Link {
        let gone = ErrorBody.notFound("this payment link does not exist or is no longer active")
        guard key.id(of: token) != nil else { throw gone }
        guard let link = try LinkStore(connection: context.connection)
            .active(hash: PaymentLinkKey.hash(token), today: try clock.today(on: context.connection)) else { throw gone }
        return link
    }

    /// Card and ACH as the customer's settings allow them, each with its fee.
    static func methods(_ settings: PaymentSettings) -> [PortalMethodOption] {
        (settings.cardAllowed ? [PortalMethodOption(method: .card, fee: settings.cardFee)] : [])
            + (settings.achAllowed ? [PortalMethodOption(method: .ach, fee: settings.achFee)] : [])
    }

    /// What paying these invoices by `method` comes to; with `lock`, the invoices are held
    /// until the transaction ends (a payment).
    static func plan(_ ids: [InvoiceID], amount: Int64?, method: PortalMethod, customer: CustomerID, lock: Bool,
                     context: HandlerContext) throws -> PortalRules.Plan {
        try PortalRules.invoiceIDs(ids)
        let settings = try PaymentsStore(connection: context.connection).settings(of: customer)
        guard let option = methods(settings).first(where: { $0.method == method }) else {
            throw ErrorBody.unprocessable("\(method == .card ? "card" : "ACH") payments are not accepted here", field: "method")
        }
        let ledger = LedgerStore(connection: context.connection)
        let known = lock ? try ledger.lockInvoices(ids) : try ledger.invoices(ids)
        let invoices = try PortalRules.open(ids, of: customer, known: known, applied: ledger.applied(to:))
        return try PortalRules.plan(invoices, amount: amount, fee: option.fee)
    }

    /// Where the gateway serves the portal: an absolute http(s) URL.
    static func portalBase(_ base: String) throws(ErrorBody) -> String {
        guard base.utf8.count <= TextLimit.url, base.hasPrefix("http://") || base.hasPrefix("https://") else {
            throw .invalidArgument("portal_base is an absolute http or https URL", field: "portal_base")
        }
        return base
    }
}
