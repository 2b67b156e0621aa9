import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// payments-service: payment settings and methods, fees, payments and applications,
/// unapplied credit, refunds, promises to pay, payment links. Its schema is `payments`.
public enum PaymentsService {
    public static func definition() throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        PaymentsHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .payments, migrations: try MigrationSet.bundled(.payments, in: .module), catalogue: PaymentsMessages.catalogue,
            handlers: handlers)
    }
}
