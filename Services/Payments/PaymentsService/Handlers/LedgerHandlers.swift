import Contracts
import Foundation
import Messaging
import Postgres
import ServiceKit

/// Payments recorded and applied, applications taken back, refunds — each in one
/// transaction with its events — and the invoices payments-service keeps from invoice
/// events. An invoice is never over-applied: every application locks the invoice's row
/// (payments-service's copy) and counts what stands applied before adding to it.
enum LedgerHandlers {
    /// How long a request waits for an invoice it names to arrive from invoice-service's
    /// events (one created a moment ago), at most, within the request's own deadline.
    static let invoiceWaitSeconds = 3.0

    static func register(in registry: inout HandlerRegistry, clock: BusinessClock) {
        registry.command(PaymentsMessages.record) { request, context in
            let store = LedgerStore(connection: context.connection)
            let fields = request.payment
            try PaymentRules.amount(fields.amountCents, field: "amount_cents")
            let method = try PaymentRules.method(fields.method)
            let reference = try TextLimit.trimmed(fields.reference, TextLimit.paymentReference, field: "reference")
            let applications = fields.applications ?? []
            try PaymentRules.applications(applications, available: fields.amountCents)
            guard fields.currency == request.customerCurrency else {
                throw ErrorBody.unprocessable("this customer pays in \(request.customerCurrency.code)", field: "currency")
            }
            guard try store.methodInUse(method) else {
                throw ErrorBody.unprocessable("method \(method) is not a payment method in use", field: "method")
            }
            try waitForInvoices(applications.map(\.invoiceId), store: store, context: context)
            let invoices = try store.lockInvoices(applications.map(\.invoiceId))
            for (index, application) in applications.enumerated() {
                try PaymentRules.check(application.amountCents, to: invoices[application.invoiceId], id: application.invoiceId,
                                       customer: request.customerId, currency: fields.currency,
                                       applied: try store.applied(to: application.invoiceId), field: "applications[\(index)]")
            }
            var recorded = fields
            recorded.method = method
            return try insert(recorded, reference: reference, customer: request.customerId, invoices: invoices, context: context,
                              clock: clock)
        }
        registry.query(PaymentsMessages.get) { request, context in
            guard let payment = try LedgerStore(connection: context.connection).payment(request.id) else { throw notFound(request.id) }
            return payment
        }
        registry.query(PaymentsMessages.list) { request, context in
            try LedgerStore(connection: context.connection).page(request)
        }
        registry.query(ReconcileMessages.appliedFacts) { request, context in
            AppliedFactList(items: try LedgerStore(connection: context.connection).appliedFacts(request.ids))
        }
        registry.query(ReconcileMessages.paymentFacts) { request, context in
            let limit = min(max(request.limit, 1), 1_000)
            let items = try LedgerStore(connection: context.connection).paymentFacts(after: request.after, limit: limit)
            return PaymentFactsPage(items: items, next: items.count < limit ? nil : items.last?.paymentId.uuid)
        }
        registry.query(PaymentsMessages.openInvoices) { request, context in
            PayableInvoiceList(items: try LedgerStore(connection: context.connection).openInvoices(of: request.customerId))
        }
        registry.command(PaymentsMessages.apply) { request, context in
            let store = LedgerStore(connection: context.connection)
            let application = request.application
            try PaymentRules.amount(application.amountCents, field: "amount_cents")
            guard try store.payment(request.paymentId) != nil else { throw notFound(request.paymentId) }
            try waitForInvoices([application.invoiceId], store: store, context: context)
            let payment = try locked(request.paymentId, store)
            guard application.amountCents <= payment.unappliedCents else {
                throw ErrorBody.unprocessable(
                    "only \(payment.currency.format(payment.unappliedCents)) of this payment is unapplied", field: "amount_cents")
            }
            let invoices = try store.lockInvoices([application.invoiceId])
            try PaymentRules.check(application.amountCents, to: invoices[application.invoiceId], id: application.invoiceId,
                                   customer: payment.customerId, currency: payment.currency,
                                   applied: try store.applied(to: application.invoiceId), field: "invoice_id")
            let today = try clock.today(on: context.connection)
            let promises = PromiseStore(connection: context.connection)
            _ = try promises.lockOpen(of: payment.customerId, on: [application.invoiceId])  // as in `insert`
            let applicationId = PaymentApplicationID()
            try store.insertApplication(applicationId, payment: payment.id, invoice: application.invoiceId,
                                        cents: application.amountCents, on: today)
            try context.publish(PaymentsMessages.applied, PaymentApplied(
                applicationId: applicationId, paymentId: payment.id, customerId: payment.customerId, invoiceId: application.invoiceId,
                invoiceNumber: invoices[application.invoiceId]?.number ?? "", amountCents: application.amountCents, currency: payment.currency, appliedOn: today, method: payment.method,
                reference: payment.reference))
            try PromiseHandlers.settle(customer: payment.customerId, invoices: [application.invoiceId], today: today,
                                       store: promises, publish: context.publish)
            return try store.payment(payment.id) ?? payment
        }
        registry.command(PaymentsMessages.unapply) { request, context in
            let store = LedgerStore(connection: context.connection)
            let payment = try locked(request.paymentId, store)
            guard let application = payment.applications.first(where: { $0.id == request.applicationId }) else {
                throw ErrorBody.notFound("application \(request.applicationId) is not one of this payment's")
            }
            let today = try clock.today(on: context.connection)
            guard try store.unapply(application.id, on: today, reason: .unapplied) else {
                throw ErrorBody.failedPrecondition("this application was already taken back")
            }
            try context.publish(PaymentsMessages.unapplied, PaymentUnapplied(
                applicationId: application.id, paymentId: payment.id, customerId: payment.customerId,
                invoiceId: application.invoiceId, invoiceNumber: application.invoiceNumber, amountCents: application.amountCents,
                currency: payment.currency, unappliedOn: today, reason: .unapplied))
            return try store.payment(payment.id) ?? payment
        }
        registry.command(PaymentsMessages.refund) { request, context in
            let store = LedgerStore(connection: context.connection)
            try PaymentRules.amount(request.amountCents, field: "amount_cents")
            guard let reason = try TextLimit.trimmed(request.reason, TextLimit.lineDescription, field: "reason") else {
                throw ErrorBody.invalidArgument("reason is required", field: "reason")
            }
            let payment = try locked(request.paymentId, store)
            guard request.amountCents <= payment.unappliedCents else {
                throw ErrorBody.unprocessable(
                    "only \(payment.currency.format(payment.unappliedCents)) of this payment is unapplied; unapply first",
                    field: "amount_cents")
            }
            let today = try clock.today(on: context.connection)
            let id = RefundID()
            try store.insertRefund(id, payment: payment.id, cents: request.amountCents, reason: reason, on: today)
            try context.publish(PaymentsMessages.refunded, PaymentRefunded(
                refundId: id, paymentId: payment.id, customerId: payment.customerId, amountCents: request.amountCents,
                currency: payment.currency, refundedOn: today, reason: reason))
            return try store.payment(payment.id) ?? payment
        }
    }

    /// Writes a payment whose applications were checked against `invoices` (locked): the
    /// payment, each application, `payment.recorded` and a `payment.applied` for each, and
    /// the promises they keep. The one way a payment is written (staff and portal alike).
    static func insert(_ fields: PaymentFields, reference: String?, customer: CustomerID,
                       invoices: [InvoiceID: LedgerStore.KnownInvoice], feeCents: Int64 = 0, source: PaymentSource = .staff,
                       context: HandlerContext, clock: BusinessClock) throws -> Payment {
        let store = LedgerStore(connection: context.connection)
        let promises = PromiseStore(connection: context.connection)
        let paid = (fields.applications ?? []).map(\.invoiceId)
        // The promises this money may keep are held first, so the daily watch cannot break
        // one while the payment that keeps it is being written.
        if !paid.isEmpty { _ = try promises.lockOpen(of: customer, on: paid) }
        let id = PaymentID()
        try store.insertPayment(id: id, customer: customer, fields: fields, reference: reference, feeCents: feeCents, source: source)
        let today = try clock.today(on: context.connection)
        var events: [PaymentApplied] = []
        for application in fields.applications ?? [] {
            let applicationId = PaymentApplicationID()
            try store.insertApplication(applicationId, payment: id, invoice: application.invoiceId, cents: application.amountCents,
                                        on: today)
            events.append(PaymentApplied(
                applicationId: applicationId, paymentId: id, customerId: customer, invoiceId: application.invoiceId,
                invoiceNumber: invoices[application.invoiceId]?.number ?? "", amountCents: application.amountCents,
                currency: fields.currency, appliedOn: today, method: fields.method, reference: reference))
        }
        guard let payment = try store.payment(id) else { throw ErrorBody.internal("payment \(id) vanished") }
        try context.publish(PaymentsMessages.recorded, PaymentRecorded(payment: payment))
        for event in events { try context.publish(PaymentsMessages.applied, event) }
        if !paid.isEmpty {
            try PromiseHandlers.settle(customer: customer, invoices: paid, today: today, store: promises, publish: context.publish)
        }
        return payment
    }

    private static func notFound(_ id: PaymentID) -> ErrorBody { .notFound("payment \(id) does not exist") }

    /// The payment, its row held until the transaction ends.
    private static func locked(_ id: PaymentID, _ store: LedgerStore) throws -> Payment {
        guard try store.lockPayment(id), let payment = try store.payment(id) else { throw notFound(id) }
        return payment
    }

    /// Waits, before any lock is taken, until every invoice in `ids` has arrived from
    /// invoice-service's events — at most `invoiceWaitSeconds`, and never past the request's
    /// deadline — so an invoice created a moment ago is payable at once. One still unknown
    /// afterwards is the caller's to refuse.
    static func waitForInvoices(_ ids: [InvoiceID], store: LedgerStore, context: HandlerContext) throws {
        guard !ids.isEmpty else { return }
        var limit = Date().addingTimeInterval(invoiceWaitSeconds)
        // At most half of what is left of the caller's deadline: the rest is for the work.
        if let deadline = context.envelope.deadline { limit = min(limit, Date().addingTimeInterval(deadline.timeIntervalSinceNow / 2)) }
        while try store.knownInvoices(ids).count < Set(ids).count, Date() < limit {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// payments-service's copy of the invoices. An invoice voided with applications standing
    /// (a payment that raced the void), or lowered below them (an edit that raced a payment),
    /// has them taken back, newest first, with `payment.unapplied` — so balances converge.
    static func invoiceEvents(clock: BusinessClock) -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .block)
        events.on(InvoiceMessages.created) { event, context in
            try LedgerStore(connection: context.connection).keep(event.invoice)
        }
        events.on(InvoiceMessages.updated) { event, context in
            try keep(event.invoice, context: context, clock: clock)
        }
        events.on(InvoiceMessages.voided) { event, context in
            try keep(event.invoice, context: context, clock: clock)
        }
        return events
    }

    private static func keep(_ invoice: Invoice, context: EventContext, clock: BusinessClock) throws {
        let store = LedgerStore(connection: context.connection)
        try store.keep(invoice)
        _ = try store.lockInvoices([invoice.id])
        var standing = try store.applied(to: invoice.id)
        let allowed: Int64 = invoice.state == .void ? 0 : invoice.totalCents
        guard standing > allowed else { return }
        let reason: UnapplyReason = invoice.state == .void ? .invoiceVoided : .invoiceReduced
        let today = try clock.today(on: context.connection)
        for application in try store.liveApplications(to: invoice.id) where standing > allowed {
            guard try store.unapply(application.id, on: today, reason: reason) else { continue }
            standing -= application.amountCents
            try context.publish(PaymentsMessages.unapplied, PaymentUnapplied(
                applicationId: application.id, paymentId: application.paymentId, customerId: application.customerId,
                invoiceId: invoice.id, invoiceNumber: invoice.number, amountCents: application.amountCents,
                currency: application.currency, unappliedOn: today, reason: reason))
        }
    }
}
