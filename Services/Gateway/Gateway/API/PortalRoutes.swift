import Contracts
import Crypto
import Foundation
import Hummingbird
import Messaging

/// The payment portal's API (no sign-in: the link's token is the credential, checked by
/// payments-service on every request, so a revoked or expired link is 404 at once):
/// `GET /api/v1/portal/{token}`, `GET …/quote`, `POST …/payments`, `POST …/promises`,
/// `GET …/invoices/{id}/pdf`, `GET …/statement.pdf`. Every request counts against the
/// portal's own rate limit per address, and reaches only the token's own customer.
struct PortalRoutes {
    let clients: any GatewayServices
    let portalBase: String
    let limiter = RateLimiter.portal()
    /// Payment attempts per link (card testing with a link): 10 at once, then 2 a minute.
    let attempts = RateLimiter(burst: 10, perMinute: 2, refusal: "too many payment attempts with this link; wait a few minutes and try again")

    /// `{invoice_ids, amount_cents?, method}` and `payment_details` read by the method.
    private struct PaymentBody: Decodable {
        var invoiceIds: [InvoiceID]
        var amountCents: Int64?
        var method: PortalMethod
        var expectedTotalCents: Int64?
    }

    private struct CardBody: Decodable { var paymentDetails: CardDetails }
    private struct BankBody: Decodable { var paymentDetails: BankAccountDetails }

    /// `{invoice_ids, amount_cents, promised_on, note?}`: a payer's promise names no contact.
    private struct PromiseBody: Decodable {
        var invoiceIds: [InvoiceID]
        var amountCents: Int64
        var promisedOn: BusinessDate
        var note: String?
    }

    func register(in routes: Routes) {
        let open = routes.group(.public)
        open.get("/api/v1/portal/:token") { _, context in
            try JSONResponse.make(try await page(token: try token(context)))
        }
        open.get("/api/v1/portal/:token/quote") { request, context in
            let token = try token(context)
            let query = QueryReader(request.uri.queryParameters)
            guard let method = try query.value("method", PortalMethod.init(rawValue:), "card or ach") else {
                throw ErrorBody.invalidArgument("method is required", field: "method")
            }
            let ids = try query.value("invoice_ids", Self.invoiceIDs, "invoice ids separated by commas") ?? []
            let amount = try query.value("amount_cents", { Int64($0) }, "a whole number of minor units")
            let quote = try await clients[.payments].query(PaymentsMessages.quote, PortalQuoteRequest(
                token: token, invoiceIds: ids, amountCents: amount, method: method))
            return try JSONResponse.make(QuoteReply(quote))
        }
        open.post("/api/v1/portal/:token/payments") { request, context in
            let token = try token(context)
            // A link that is not active is 404 before the body is read (payments-service asks again as it pays).
            _ = try await clients[.payments].query(PaymentsMessages.resolveLink, PortalToken(token: token))
            try attempts.admit(Self.scopedKey("attempts", token: token))
            let bytes = try await request.jsonBody()
            let body = try JSONBody.decode(PaymentBody.self, from: bytes)
            var payment = PortalPaymentRequest(token: token, invoiceIds: body.invoiceIds, amountCents: body.amountCents, method: body.method,
                                               expectedTotalCents: body.expectedTotalCents)
            // The details the method needs, or the other kind (payments-service refuses a mismatch,
            // 422); neither is the method's own decoding error (400).
            let card = Result { try JSONBody.decode(CardBody.self, from: bytes).paymentDetails }
            let bank = Result { try JSONBody.decode(BankBody.self, from: bytes).paymentDetails }
            switch (body.method, card, bank) {
            case (.card, .failure(let error), .failure), (.ach, .failure, .failure(let error)): throw error
            default:
                payment.card = try? card.get()
                payment.bankAccount = try? bank.get()
            }
            let made = try await clients[.payments].command(
                PaymentsMessages.portalPay, payment, actor: .portalPayer,
                idempotencyKey: try request.idempotencyKey().map { Self.scopedKey($0, token: token) }, timeout: .seconds(15))
            return try JSONResponse.make(made, status: .created)
        }
        open.post("/api/v1/portal/:token/promises") { request, context in
            let token = try token(context)
            let customer = try await customer(of: token)
            let body = try await request.decodeJSON(PromiseBody.self)
            let promise = try await clients[.payments].command(
                PaymentsMessages.recordPromise,
                RecordPromise(customerId: customer.id, specialistId: customer.specialistId, source: .portal,
                              promise: PromiseFields(invoiceIds: body.invoiceIds, amountCents: body.amountCents,
                                                     promisedOn: body.promisedOn, note: body.note)),
                actor: .portalPayer, idempotencyKey: try request.idempotencyKey().map { Self.scopedKey($0, token: token) })
            return try JSONResponse.make(PortalPromise(promise), status: .created)  // nothing about who follows it up
        }
        open.get("/api/v1/portal/:token/invoices/:id/pdf") { _, context in
            let token = try token(context)
            let id = try context.parameters.id("id", of: "invoice", as: InvoiceID.self)
            let link = try await clients[.payments].query(PaymentsMessages.resolveLink, PortalToken(token: token))
            let gone = ErrorBody.notFound("invoice \(id) does not exist")
            let invoice: Invoice
            do {
                invoice = try await clients[.invoice].query(InvoiceMessages.get, GetInvoice(id: id))
            } catch let error as ErrorBody where error.code == .notFound { throw gone }
            // Another customer's invoice is answered exactly like one that does not exist.
            guard invoice.customerId == link.customerId, invoice.state != .draft else { throw gone }
            let (document, bytes) = try await clients[.invoice].queryWithAttachment(
                InvoiceMessages.pdf, InvoiceDocumentRequest(id: invoice.id, paymentLink: portalBase + token), timeout: .seconds(20))
            return InvoiceRoutes.pdf(document, bytes)
        }
        open.get("/api/v1/portal/:token/statement.pdf") { request, context in
            let token = try token(context)
            let query = QueryReader(request.uri.queryParameters)
            let from = try query.value("from", BusinessDate.init, "a date (YYYY-MM-DD)")
            let to = try query.value("to", BusinessDate.init, "a date (YYYY-MM-DD)")
            let link = try await clients[.payments].query(PaymentsMessages.resolveLink, PortalToken(token: token))
            let (document, bytes) = try await clients[.invoice].queryWithAttachment(
                InvoiceMessages.statement,
                StatementRequest(customerId: link.customerId, from: from, to: to, paymentLink: portalBase + token),
                timeout: .seconds(20))
            return InvoiceRoutes.pdf(document, bytes)
        }
    }

    /// The path's token, once the address is within the portal's rate limit. Anything that
    /// cannot be a token is 404 like a revoked one.
    func token(_ context: GatewayRequestContext) throws -> String {
        try limiter.admit(context.clientAddress)
        guard let token = context.parameters.get("token"), token.utf8.count == 43,
              token.utf8.allSatisfy({ $0 < 128 && (isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")) })
        else { throw ErrorBody.notFound("this payment link does not exist or is no longer active") }
        return token
    }

    /// The customer the token opens.
    private func customer(of token: String) async throws -> CustomerRecord {
        let link = try await clients[.payments].query(PaymentsMessages.resolveLink, PortalToken(token: token))
        return try await clients[.customer].query(CustomerMessages.get, GetCustomer(id: link.customerId))
    }

    /// Everything the portal shows: the business, the customer, payments-service's part.
    func page(token: String) async throws -> PortalPage {
        let view = try await clients[.payments].query(PaymentsMessages.portal, PortalToken(token: token))
        async let customer = clients[.customer].query(CustomerMessages.get, GetCustomer(id: view.customerId))
        async let settings = try? clients[.gateway].query(IdentityMessages.getSettings, Empty())
        let record = try await customer
        return PortalPage(business: .init(name: await settings?.name ?? BusinessSettings.initial.name),
                          customer: .init(name: record.fields.displayName), currency: view.currency ?? record.currency,
                          invoices: view.invoices, methods: view.methods, expiresOn: view.expiresOn, testMode: view.testMode)
    }

    /// `a,b,c` as invoice ids.
    static func invoiceIDs(_ text: String) -> [InvoiceID]? {
        let ids = text.split(separator: ",").map { InvoiceID(String($0)) }
        return ids.contains(where: { $0 == nil }) ? nil : ids.compactMap { $0 }
    }

    /// The payer's Idempotency-Key kept apart from every other link's (payers share one actor).
    static func scopedKey(_ key: String, token: String) -> String {
        "portal:" + SHA256.hash(data: Data((token + "\u{0}" + key).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A quote with its amounts written out (the page shows them as they are).
    struct QuoteReply: Encodable {
        var currency: Currency
        var amountCents: Int64
        var feeCents: Int64
        var totalCents: Int64
        var amount: String
        var fee: String
        var total: String

        init(_ quote: PortalQuote) {
            currency = quote.currency
            amountCents = quote.amountCents
            feeCents = quote.feeCents
            totalCents = quote.totalCents
            amount = quote.currency.format(quote.amountCents)
            fee = quote.currency.format(quote.feeCents)
            total = quote.currency.format(quote.totalCents)
        }
    }
}

/// `GET /api/v1/portal/{token}`: the business, the customer, the open invoices, the ways to pay.
struct PortalPage: Encodable {
    struct Name: Encodable { var name: String }
    var business: Name
    var customer: Name
    var currency: Currency
    var invoices: [PayableInvoice]
    var methods: [PortalMethodOption]
    var expiresOn: BusinessDate?
    var testMode: Bool

    private enum CodingKeys: String, CodingKey { case business, customer, currency, invoices, methods, expiresOn, testMode }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(business, forKey: .business)
        try container.encode(customer, forKey: .customer)
        try container.encode(currency, forKey: .currency)
        try container.encode(invoices, forKey: .invoices)
        try container.encode(methods, forKey: .methods)
        try container.encode(expiresOn, forKey: .expiresOn)
        try container.encode(testMode, forKey: .testMode)
    }
}
