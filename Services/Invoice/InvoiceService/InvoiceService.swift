import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// invoice-service: invoices and lines, collection statuses, balances, invoice and
/// statement PDFs. Its schema is `invoice`.
public enum InvoiceService {
    /// `now`: the clock "today" is read from (in the business time zone); tests move it.
    public static func definition(now: @escaping @Sendable () -> Date = { Date() }) throws -> ServiceDefinition {
        let clock = BusinessClock(now: now)
        var handlers = HandlerRegistry()
        InvoiceHandlers.register(in: &handlers, clock: clock)
        CollectionStatusHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .invoice, migrations: try MigrationSet.bundled(.invoice, in: .module), catalogue: InvoiceMessages.catalogue,
            handlers: handlers,
            subscriptions: [.customer: InvoiceHandlers.customerEvents(), .gateway: BusinessCalendar.identityEvents(),
                            .payments: InvoiceHandlers.paymentEvents(clock: clock)],
            leaderJobs: [InvoiceHandlers.overdueWatch(clock: clock)])
    }
}
