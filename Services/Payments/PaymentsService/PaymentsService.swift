import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// payments-service: payment settings and methods, fees, payments and applications,
/// unapplied credit, refunds, promises to pay, payment links. Its schema is `payments`.
public enum PaymentsService {
    /// `now`: the clock "today" is read from (in the business time zone); tests move it.
    public static func definition(now: @escaping @Sendable () -> Date = { Date() }) throws -> ServiceDefinition {
        let clock = BusinessClock(now: now)
        var handlers = HandlerRegistry()
        PaymentsHandlers.register(in: &handlers, clock: clock)
        LedgerHandlers.register(in: &handlers, clock: clock)
        SettingsHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .payments, migrations: try MigrationSet.bundled(.payments, in: .module), catalogue: PaymentsMessages.catalogue,
            handlers: handlers,
            subscriptions: [.gateway: BusinessCalendar.identityEvents(), .invoice: LedgerHandlers.invoiceEvents(clock: clock)])
    }
}
