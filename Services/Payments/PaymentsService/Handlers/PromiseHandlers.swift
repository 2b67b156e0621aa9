import Contracts
import Foundation
import Messaging
import Postgres
import ServiceKit

/// Promises to pay: recorded (by staff, or the payer on the portal), listed, cancelled,
/// and decided — kept as soon as payments to their invoices come to the amount (in the
/// transaction that applies them), broken the day after their date (the leader's daily
/// watch, in the business time zone). A promise is decided once: its row is locked and
/// moved only from `open`, so a watch that runs twice publishes one `promise.broken`.
enum PromiseHandlers {
    typealias Publish = (Event<PromiseChanged>, PromiseChanged) throws -> Void

    static func register(in registry: inout HandlerRegistry, clock: BusinessClock) {
        registry.command(PaymentsMessages.recordPromise) { request, context in
            let fields = request.promise
            try PortalRules.invoiceIDs(fields.invoiceIds)
            let today = try clock.today(on: context.connection)
            try PromiseRules.date(fields.promisedOn, today: today)
            let note = try TextLimit.trimmed(fields.note, PromiseRules.noteLength, field: "note")
            let ledger = LedgerStore(connection: context.connection)
            // Staff may promise on an invoice created a moment ago; the portal lists only
            // invoices payments-service already has, so a payer's ids are never waited for.
            if request.source == .staff { try LedgerHandlers.waitForInvoices(fields.invoiceIds, store: ledger, context: context) }
            let invoices = try PortalRules.open(fields.invoiceIds, of: request.customerId,
                                                known: try ledger.lockInvoices(fields.invoiceIds), applied: ledger.applied(to:))
            let store = PromiseStore(connection: context.connection)
            // One open promise per invoice: a payment keeps the promise it was for, not two.
            if let (index, other) = try store.openOn(fields.invoiceIds).first {
                throw ErrorBody.unprocessable(
                    "\(invoices[index].invoice.number) already has an open promise to pay by \(other.promisedOn); cancel it first",
                    field: "invoice_ids[\(index)]")
            }
            try PromiseRules.amount(fields.amountCents, open: invoices)
            guard let currency = invoices.first?.invoice.currency, invoices.allSatisfy({ $0.invoice.currency == currency }) else {
                throw ErrorBody.unprocessable("the invoices are in different currencies; promise them one currency at a time",
                                              field: "invoice_ids")
            }
            let id = PromiseID()
            try store.insert(PromiseToPay(
                id: id, customerId: request.customerId, contactId: fields.contactId, invoiceIds: fields.invoiceIds,
                invoiceNumbers: invoices.map(\.invoice.number), amountCents: fields.amountCents, currency: currency,
                promisedOn: fields.promisedOn, note: note, state: .open, source: request.source, specialistId: request.specialistId,
                paidCents: 0, recordedOn: today, resolvedOn: nil, recordedBy: context.envelope.actor, createdAt: Date()))
            guard let promise = try store.promise(id) else { throw ErrorBody.internal("promise \(id) vanished") }
            try context.publish(PaymentsMessages.promiseRecorded, PromiseChanged(promise: promise))
            return promise
        }
        registry.query(PaymentsMessages.getPromise) { request, context in
            guard let promise = try PromiseStore(connection: context.connection).promise(request.id) else { throw notFound(request.id) }
            return promise
        }
        registry.query(PaymentsMessages.listPromises) { request, context in
            try PromiseStore(connection: context.connection).page(request)
        }
        registry.command(PaymentsMessages.cancelPromise) { request, context in
            let store = PromiseStore(connection: context.connection)
            guard let promise = try store.locked(request.id) else { throw notFound(request.id) }
            guard promise.state == .open else {
                throw ErrorBody.failedPrecondition("this promise is \(promise.state.rawValue) already; only an open one can be cancelled")
            }
            let today = try clock.today(on: context.connection)
            _ = try store.resolve(promise.id, as: .cancelled, on: today)
            guard let cancelled = try store.promise(promise.id) else { throw notFound(request.id) }
            try context.publish(PaymentsMessages.promiseCancelled, PromiseChanged(promise: cancelled))
            return cancelled
        }
        registry.query(PaymentsMessages.promiseReport) { request, context in
            if let from = request.from, let to = request.to, from > to {
                throw ErrorBody.unprocessable("from is after to", field: "from")
            }
            return PromiseReport(from: request.from, to: request.to,
                                 items: try PromiseStore(connection: context.connection).report(request))
        }
    }

    private static func notFound(_ id: PromiseID) -> ErrorBody { .notFound("promise \(id) does not exist") }

    /// Decides the customer's open promises on `invoices` after money was applied to them.
    static func settle(customer: CustomerID, invoices: [InvoiceID], today: BusinessDate, store: PromiseStore,
                       publish: Publish) throws {
        try decide(try store.lockOpen(of: customer, on: invoices), today: today, store: store, publish: publish)
    }

    /// Moves each promise that has come to a decision; returns how many moved.
    @discardableResult
    static func decide(_ promises: [PromiseToPay], today: BusinessDate, store: PromiseStore, publish: Publish) throws -> Int {
        var moved = 0
        for promise in promises {
            let state = PromiseRules.decision(promise, today: today)
            guard state != .open, try store.resolve(promise.id, as: state, on: today),
                  let decided = try store.promise(promise.id) else { continue }
            try publish(state == .kept ? PaymentsMessages.promiseKept : PaymentsMessages.promiseBroken, PromiseChanged(promise: decided))
            moved += 1
        }
        return moved
    }

    /// The leader's watch: open promises paid in full are kept, those whose day has passed
    /// are broken — 500 at a time, each run (every minute), by the business date.
    static func watch(clock: BusinessClock) -> LeaderJob {
        LeaderJob("promises kept or broken") { connection in
            let today = try clock.today(on: connection)
            let store = PromiseStore(connection: connection)
            let outbox = Outbox(publisher: ServiceName.payments.rawValue)
            return try decide(try store.lockDecidable(today: today, limit: 500), today: today, store: store) { event, body in
                try outbox.append(Message(envelope: Envelope(kind: .event, type: event.type, actor: .system), encoding: body),
                                  on: connection)
            }
        }
    }

    /// Open promises follow the customer's AR specialist (customer-service's events).
    static func customerEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .block)
        events.on(SpecialistMessages.assigned) { event, context in
            try PromiseStore(connection: context.connection).setSpecialist(of: event.customerId, to: event.to.id)
        }
        return events
    }
}
