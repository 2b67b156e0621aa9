import Contracts
import Messaging

/// invoice-service's commands and queries, and the customer events it keeps.
enum InvoiceHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(InvoiceMessages.customerSummary) { request, context in
            let invoices = try InvoiceStore(connection: context.connection).invoices(of: request.customerId)
            return CustomerInvoicesSummary(invoices: invoices, totals: try InvoiceAging.totals(of: invoices, asOf: request.asOf))
        }
    }

    /// Each customer's currency and payment terms (an invoice's due date comes from them).
    /// An event no handler can read is set aside after five attempts — listed with the dead
    /// letters and retryable — rather than stopping every later customer's terms.
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
}
