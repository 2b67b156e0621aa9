import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// customer-service: the authority for customers, contacts, AR specialist assignment and
/// documents (ARCHITECTURE.md). Its schema is `customer`.
public enum CustomerService {
    /// `documentBytes`: the largest document kept (`AR_DOCUMENT_MAX_BYTES`, `DocumentLimits`).
    public static func definition(documentBytes: Int = DocumentLimits.defaultMaximumBytes) throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        CustomerHandlers.register(in: &handlers)
        ContactHandlers.register(in: &handlers)
        SpecialistHandlers.register(in: &handlers)
        DocumentHandlers.register(in: &handlers, maximumBytes: documentBytes)
        var definition = try ServiceDefinition(
            name: .customer, migrations: try migrations(), catalogue: CustomerMessages.catalogue,
            handlers: handlers, subscriptions: [.gateway: SpecialistHandlers.identityEvents(), .invoice: CustomerHandlers.invoiceEvents()])
        definition.maximumMessageBytes = DocumentLimits.messageBytes(forDocuments: documentBytes)
        return definition
    }

    public static func migrations() throws -> MigrationSet {
        try MigrationSet.bundled(.customer, in: .module)
    }
}
