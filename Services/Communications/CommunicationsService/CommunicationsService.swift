import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// communications-service: email and SMS, call logs, templates, collection workflows and
/// their scheduler. Its schema is `communications`.
public enum CommunicationsService {
    public static func definition() throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        CommunicationsHandlers.register(in: &handlers)
        return try ServiceDefinition(
            name: .communications, migrations: try MigrationSet.bundled(.communications, in: .module), catalogue: CommunicationsMessages.catalogue,
            handlers: handlers, subscriptions: [.customer: CommunicationsHandlers.customerEvents()])
    }
}
