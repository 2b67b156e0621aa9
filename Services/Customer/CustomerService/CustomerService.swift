import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// customer-service: the authority for customers, contacts, AR specialist assignment and
/// documents (ARCHITECTURE.md). Its schema is `customer`.
public enum CustomerService {
    public static func definition() throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        CustomerHandlers.register(in: &handlers)
        ContactHandlers.register(in: &handlers)
        SpecialistHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .customer, migrations: try migrations(), catalogue: CustomerMessages.catalogue,
            handlers: handlers, subscriptions: [.gateway: SpecialistHandlers.identityEvents(), .invoice: CustomerHandlers.invoiceEvents()])
    }

    public static func migrations() throws -> MigrationSet {
        try MigrationSet.bundled(.customer, in: .module)
    }
}
