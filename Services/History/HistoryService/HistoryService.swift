import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// history-service: the activity timeline built from everyone's events, notes and tasks.
/// Its schema is `history`.
public enum HistoryService {
    public static func definition() throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        HistoryHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .history, migrations: try migrations(), catalogue: HistoryMessages.catalogue,
            handlers: handlers, subscriptions: [
                .customer: HistoryHandlers.customerEvents(), .invoice: HistoryHandlers.invoiceEvents(),
                .payments: HistoryHandlers.paymentEvents(), .communications: HistoryHandlers.communicationsEvents(),
                .gateway: HistoryHandlers.identityEvents(),
            ])
    }

    public static func migrations() throws -> MigrationSet {
        try MigrationSet.bundled(.history, in: .module)
    }
}
