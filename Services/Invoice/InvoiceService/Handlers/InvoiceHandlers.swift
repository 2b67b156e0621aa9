import Contracts
import Foundation
import Messaging
import Postgres
import ServiceKit

/// invoice-service's invoice commands and queries, and the events it keeps: customers'
/// terms, the business's settings, and the payments applied to invoices. Every change to
/// what a customer owes publishes `invoice.balance_changed` in the same transaction.
enum InvoiceHandlers {
    /// `CustomerInvoicesSummary` with its invoices already JSON (the same keys).
    struct WrittenInvoicesSummary: Encodable {
        let invoices: RawJSON
        let totals: InvoiceTotals
    }

    static func register(in registry: inout HandlerRegistry, clock: BusinessClock) {
        // The Customer Details view's section: the invoices' JSON written by PostgreSQL, the
        // totals worked out here from the same rows.
        registry.query(InvoiceMessages.customerSummary, writing: { request, context in
            let today = try request.asOf ?? clock.today(on: context.connection)
            let rows = try InvoiceStore(connection: context.connection).summariesWithJSON(of: request.customerId, asOf: today)
            let invoices = rows.map(\.summary)
            var totals = try InvoiceAging.totals(of: invoices, asOf: today)
            totals.byCollectionStatus = try InvoiceAging.byCollectionStatus(
                invoices, order: CollectionStatusStore(connection: context.connection).all())
            return try ContractJSON.encode(WrittenInvoicesSummary(invoices: RawJSON(array: rows.map(\.json)), totals: totals))
        })
        registry.query(ReconcileMessages.invoiceFacts) { request, context in
            let store = InvoiceStore(connection: context.connection)
            let today = try clock.today(on: context.connection)
            let customers = try store.customers(after: request.after, limit: min(max(request.limit, 1), 1_000))
            var items: [CustomerInvoiceFacts] = []
            for customer in customers {
                let summaries = try store.summaries(of: customer, asOf: today)
                items.append(CustomerInvoiceFacts(customerId: customer, invoices: try store.facts(of: customer),
                                                  totals: try InvoiceAging.totals(of: summaries, asOf: today)))
            }
            return CustomerInvoiceFactsPage(items: items, next: customers.count < min(max(request.limit, 1), 1_000) ? nil : customers.last?.uuid)
        }
        registry.query(InvoiceMessages.get) { request, context in
            guard let invoice = try InvoiceStore(connection: context.connection).find(request.id) else { throw notFound(request.id) }
            return invoice
        }
        registry.query(InvoiceMessages.list) { request, context in
            try InvoiceStore(connection: context.connection).page(request)
        }
        registry.query(InvoiceMessages.pdf) { request, context in
            guard let invoice = try InvoiceStore(connection: context.connection).find(request.id) else { throw notFound(request.id) }
            let bytes = try InvoiceDocuments.invoice(
                invoice, business: try BusinessCalendar(connection: context.connection).settings(),
                customer: try CustomerTermsStore(connection: context.connection).fields(of: invoice.customerId),
                paymentLink: request.paymentLink)
            return pdf(bytes, named: "\(invoice.number).pdf", to: context)
        }
        registry.query(InvoiceMessages.statement) { request, context in
            let connection = context.connection
            let today = try clock.today(on: connection)
            // Open items are as of today (what the details view shows); a period can end earlier.
            guard request.from != nil || request.to == nil || request.to == today else {
                throw ErrorBody.unprocessable("to needs from: open items are as of today", field: "to")
            }
            let to = request.to ?? today
            if let from = request.from, from > to { throw ErrorBody.unprocessable("from is after to", field: "from") }
            let store = InvoiceStore(connection: connection)
            let statement = try StatementLedger.build(
                invoices: try store.summaries(of: request.customerId, asOf: to), applications: try store.applications(of: request.customerId),
                from: request.from, to: to)
            let customers = CustomerTermsStore(connection: connection)
            let currency = try customers.terms(of: request.customerId)?.currency ?? .usd
            let bytes = try InvoiceDocuments.statement(
                statement, currency: currency, business: try BusinessCalendar(connection: connection).settings(),
                customer: try customers.fields(of: request.customerId), paymentLink: request.paymentLink)
            return pdf(bytes, named: "statement-\(to).pdf", to: context)
        }
        registry.command(InvoiceMessages.create) { request, context in
            let invoice = try create(request, on: context.connection)
            let status = try invoice.collectionStatus.flatMap { try CollectionStatusStore(connection: context.connection).find($0.id) }
            try context.publish(InvoiceMessages.created, InvoiceCreated(invoice: invoice, alertManagerId: status?.managerId))
            try context.publish(InvoiceMessages.balanceChanged, try balance(of: invoice.customerId, on: context.connection, clock))
            return invoice
        }
        registry.command(InvoiceMessages.update) { request, context in
            let store = InvoiceStore(connection: context.connection)
            guard let current = try store.lockedForChange(request.id) else { throw notFound(request.id) }
            guard current.state != .void else { throw ErrorBody.failedPrecondition("a void invoice cannot be edited") }
            guard current.paidCents == 0 else {
                throw ErrorBody.failedPrecondition("payments are applied to \(current.number); unapply them to edit it")
            }
            var changed = try InvoiceRules.apply(request.changes, to: current)
            if changed.number.lowercased() != current.number.lowercased() { try store.requireNumberFree(changed.number, except: current.id) }
            var lines: [InvoiceArithmetic.Line]?
            if let inputs = request.lines {
                let checked = try InvoiceRules.lines(inputs)
                let (priced, amounts) = try InvoiceRules.priced(inputs, checked)
                changed.lines = priced
                changed.subtotalCents = amounts.subtotal
                changed.taxCents = amounts.tax
                changed.totalCents = amounts.total
                changed.balanceCents = amounts.total
                lines = checked
            }
            // Nothing is paid here: an issued invoice is open, or paid when it comes to nothing.
            if changed.state != .draft { changed.state = changed.totalCents == 0 ? .paid : .open }
            let changes = InvoiceRules.changes(from: current, to: changed)
            guard !changes.isEmpty else { return current }
            try store.update(changed, lines: lines)
            guard let after = try store.find(current.id) else { throw notFound(current.id) }
            try context.publish(InvoiceMessages.updated, InvoiceUpdated(invoice: after, changes: changes,
                                                                         previousTotalCents: current.totalCents))
            try context.publish(InvoiceMessages.balanceChanged, try balance(of: after.customerId, on: context.connection, clock))
            return after
        }
        registry.command(InvoiceMessages.void) { request, context in
            let store = InvoiceStore(connection: context.connection)
            guard let current = try store.lockedForChange(request.id) else { throw notFound(request.id) }
            guard current.state != .void else { throw ErrorBody.failedPrecondition("\(current.number) is already void") }
            guard current.paidCents == 0 else {
                throw ErrorBody.failedPrecondition(
                    "\(current.currency.format(current.paidCents)) of payments is applied to \(current.number); unapply it first")
            }
            let reason = try TextLimit.trimmed(request.reason, TextLimit.lineDescription, field: "reason")
            try store.void(current.id, reason: reason)
            guard let after = try store.find(current.id) else { throw notFound(current.id) }
            try context.publish(InvoiceMessages.voided, InvoiceVoided(invoice: after, reason: reason))
            try context.publish(InvoiceMessages.balanceChanged, try balance(of: after.customerId, on: context.connection, clock))
            return after
        }
        registry.command(InvoiceMessages.setCollectionStatus) { request, context in
            let store = InvoiceStore(connection: context.connection)
            guard let current = try store.lockedForChange(request.id) else { throw notFound(request.id) }
            guard current.state != .void else { throw ErrorBody.failedPrecondition("a void invoice has no collection status") }
            var status: CollectionStatus?
            if let id = request.collectionStatusId {
                guard let found = try CollectionStatusStore(connection: context.connection).find(id) else {
                    throw ErrorBody.unprocessable("collection_status_id names no collection status", field: "collection_status_id")
                }
                status = found
            }
            guard status?.id != current.collectionStatus?.id else { return current }
            try store.setCollectionStatus(current.id, to: status?.id)
            guard let after = try store.find(current.id) else { throw notFound(current.id) }
            try context.publish(InvoiceMessages.collectionStatusChanged, InvoiceCollectionStatusChanged(
                invoiceId: after.id, customerId: after.customerId, number: after.number, from: current.collectionStatus,
                to: after.collectionStatus, actor: context.envelope.actor, alertManagerId: status?.managerId))
            try context.publish(InvoiceMessages.balanceChanged, try balance(of: after.customerId, on: context.connection, clock))
            return after
        }
    }

    private static func notFound(_ id: InvoiceID) -> ErrorBody { .notFound("invoice \(id) does not exist") }

    /// A rendered PDF as a query's reply: its bytes in the attachment frame.
    private static func pdf(_ bytes: [UInt8], named filename: String, to context: HandlerContext) -> DocumentRendered {
        context.replyAttachment = bytes
        return DocumentRendered(filename: filename, contentType: "application/pdf", byteCount: bytes.count)
    }

    /// Checks and stores a new invoice; the caller publishes.
    private static func create(_ request: CreateInvoice, on connection: PostgresConnection) throws -> Invoice {
        // The terms the gateway read from customer-service for this request are the newest
        // there are; the copy kept from events may be a moment behind.
        let terms = request.terms
        try InvoiceStore(connection: connection).lockCustomer(request.customerId)
        try CustomerTermsStore(connection: connection).keepIfUnknown(request.customerId, terms)
        guard !terms.isDeactivated else {
            throw ErrorBody.unprocessable("the customer is deactivated; reactivate it to invoice it", field: "customer_id")
        }
        let fields = request.invoice
        if let currency = fields.currency, currency != terms.currency {
            throw ErrorBody.unprocessable("this customer's invoices are in \(terms.currency.code)", field: "currency")
        }
        let checked = try InvoiceRules.lines(fields.lines)
        let (lines, amounts) = try InvoiceRules.priced(fields.lines, checked)
        let due = fields.dueDate ?? fields.issueDate.adding(days: terms.paymentTermsDays)
        try InvoiceRules.checkDates(issue: fields.issueDate, due: due)
        let poNumber = try TextLimit.trimmed(fields.poNumber, TextLimit.invoiceNumber, field: "po_number")
        let memo = try TextLimit.trimmed(fields.memo, TextLimit.notes, field: "memo")
        let statuses = CollectionStatusStore(connection: connection)
        let status: CollectionStatus?
        if let id = fields.collectionStatusId {
            guard let found = try statuses.find(id) else {
                throw ErrorBody.unprocessable("collection_status_id names no collection status", field: "collection_status_id")
            }
            status = found
        } else {
            status = fields.defaultCollectionStatus ? try statuses.defaultStatus() : nil
        }
        let store = InvoiceStore(connection: connection)
        let number: String
        if let given = fields.number {
            number = try InvoiceRules.number(given)
            try store.requireNumberFree(number, except: nil)
        } else {
            number = try store.nextNumber()
        }
        let now = Date()
        let invoice = Invoice(
            id: InvoiceID(), customerId: request.customerId, number: number, issueDate: fields.issueDate, dueDate: due,
            currency: terms.currency, poNumber: poNumber, memo: memo, contactId: fields.contactId,
            collectionStatus: status.map { CollectionStatusRef(id: $0.id, name: $0.name) }, lines: lines,
            subtotalCents: amounts.subtotal, taxCents: amounts.tax, totalCents: amounts.total, paidCents: 0,
            balanceCents: amounts.total, state: fields.draft == true ? .draft : (amounts.total == 0 ? .paid : .open),
            voidReason: nil, createdAt: now, updatedAt: now)
        try store.insert(invoice, lines: checked)
        return try store.find(invoice.id) ?? invoice
    }

    /// The customer's balance as it now stands, for `invoice.balance_changed`.
    static func balance(of customer: CustomerID, on connection: PostgresConnection, _ clock: BusinessClock) throws
        -> CustomerBalanceChanged {
        let today = try clock.today(on: connection)
        let invoices = try InvoiceStore(connection: connection).summaries(of: customer, asOf: today)
        let totals = try InvoiceAging.totals(of: invoices, asOf: today)
        let open = invoices.filter(InvoiceAging.isOpen)
        var statuses: [CollectionStatusID] = []
        for id in open.compactMap(\.collectionStatus?.id) where !statuses.contains(id) { statuses.append(id) }
        let currency = try CustomerTermsStore(connection: connection).terms(of: customer)?.currency ?? invoices.first?.currency ?? .usd
        return CustomerBalanceChanged(
            customerId: customer, currency: currency, openCents: totals.openCents, overdueCents: totals.overdueCents,
            openInvoices: open.count, hasInvoices: try InvoiceStore(connection: connection).hasIssuedInvoices(customer),
            collectionStatusIds: statuses)
    }

    /// Each customer's currency, terms, name and addresses. An event no handler can read is
    /// set aside after five attempts — listed with the dead letters and retryable — rather
    /// than stopping every later customer's terms.
    static func customerEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .deadLetter(afterAttempts: 5))
        events.on(CustomerMessages.created) { event, context in
            try CustomerTermsStore(connection: context.connection).keep(event.customer)
        }
        events.on(CustomerMessages.updated) { event, context in
            try CustomerTermsStore(connection: context.connection).keep(event.customer)
        }
        for change in [CustomerMessages.deactivated, CustomerMessages.reactivated] {
            events.on(change) { event, context in
                try CustomerTermsStore(connection: context.connection).keep(event.customer)
            }
        }
        return events
    }

    /// Payments applied to invoices and taken back: each application counts once, however
    /// often its event arrives (its id is the key). Money: a subscription that stops at an
    /// event it cannot apply rather than skip it.
    static func paymentEvents(clock: BusinessClock) -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .block)
        events.on(PaymentsMessages.applied) { applied, context in
            let store = InvoiceStore(connection: context.connection)
            let invoice = try paid(applied.invoiceId, customer: applied.customerId, currency: applied.currency,
                                   cents: applied.amountCents, store: store)
            guard try store.recordApplication(applied) else { return }
            try settle(invoice, context: context, clock: clock)
        }
        events.on(PaymentsMessages.unapplied) { unapplied, context in
            let store = InvoiceStore(connection: context.connection)
            let invoice = try paid(unapplied.invoiceId, customer: unapplied.customerId, currency: unapplied.currency,
                                   cents: unapplied.amountCents, store: store)
            guard try store.recordUnapplication(unapplied) else { return }
            try settle(invoice, context: context, clock: clock)
        }
        return events
    }

    /// The invoice a payment event names, locked with its customer, when the event agrees
    /// with it (its customer, its currency, an amount above zero). An event that does not is
    /// an error payments-service must explain: the subscription stops at it (and health
    /// shows it stuck) rather than move money it cannot account for.
    private static func paid(_ id: InvoiceID, customer: CustomerID, currency: Currency, cents: Int64, store: InvoiceStore)
        throws -> Invoice {
        guard let invoice = try store.lockedForChange(id) else {
            throw ErrorBody.failedPrecondition("a payment names invoice \(id), which invoice-service does not have")
        }
        guard invoice.customerId == customer, invoice.currency == currency, cents > 0 else {
            throw ErrorBody.failedPrecondition(
                "a payment of \(cents) \(currency.code) for customer \(customer) does not fit invoice \(invoice.number) "
                + "(customer \(invoice.customerId), \(invoice.currency.code))")
        }
        return invoice
    }

    /// Recomputes what is paid on the invoice and publishes what follows from it. (An
    /// application to an invoice voided meanwhile counts on it until payments-service takes
    /// it back, as it does for every application to a voided invoice.)
    private static func settle(_ before: Invoice, context: EventContext, clock: BusinessClock) throws {
        let store = InvoiceStore(connection: context.connection)
        try store.settlePaid(before.id)
        guard let after = try store.find(before.id) else { return }
        if after.state == .paid && before.state != .paid {
            try context.publish(InvoiceMessages.paid, InvoicePaid(invoice: after))
        }
        try context.publish(InvoiceMessages.balanceChanged, try balance(of: after.customerId, on: context.connection, clock))
    }

    /// When the business's date moves on (local midnight), the balance of every customer
    /// with an invoice that fell overdue meanwhile is published again: the customers list's
    /// overdue figures and filters follow the calendar, not only changes.
    static func overdueWatch(clock: BusinessClock) -> LeaderJob {
        LeaderJob("balances of invoices fallen overdue") { connection in
            let watch = OverdueWatchStore(connection: connection)
            let today = try clock.today(on: connection)
            guard let last = try watch.lockedDate(), last < today else {
                try watch.setDate(today)
                return 0
            }
            let customers = try InvoiceStore(connection: connection).customersFallenOverdue(from: last, to: today)
            let outbox = Outbox(publisher: ServiceName.invoice.rawValue)
            for customer in customers {
                try InvoiceStore(connection: connection).lockCustomer(customer)
                let envelope = Envelope(kind: .event, type: InvoiceMessages.balanceChanged.type, actor: .system)
                try outbox.append(Message(envelope: envelope, encoding: try balance(of: customer, on: connection, clock)),
                                  on: connection)
            }
            try watch.setDate(today)
            return customers.count
        }
    }
}
