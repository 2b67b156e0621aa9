import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// invoice-service: invoices and lines, collection statuses, balances, invoice and
/// statement PDFs. Its schema is `invoice`.
public enum InvoiceService {
    public static func definition() throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        InvoiceHandlers.register(in: &handlers)
        CollectionStatusHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .invoice, migrations: try MigrationSet.bundled(.invoice, in: .module), catalogue: InvoiceMessages.catalogue,
            handlers: handlers, subscriptions: [.customer: InvoiceHandlers.customerEvents()])
    }
}
