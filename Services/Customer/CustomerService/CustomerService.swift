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
        return ServiceDefinition(name: .customer, migrations: try migrations(), handlers: handlers)
    }

    public static func migrations() throws -> MigrationSet {
        try MigrationSet.bundled(.customer, in: .module)
    }
}
