import Contracts
import Messaging

/// invoice-service's commands and queries.
enum InvoiceHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(InvoiceMessages.customerSummary) { request, context in
            let invoices = try InvoiceStore(connection: context.connection).invoices(of: request.customerId)
            return CustomerInvoicesSummary(invoices: invoices, totals: try InvoiceAging.totals(of: invoices, asOf: request.asOf))
        }
    }
}
