import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts

/// What makes a service itself: its name (= its schema), its migrations, its message
/// catalogue and the handlers for it, and the events it applies from other services.
public struct ServiceDefinition: Sendable {
    public var name: ServiceName
    public var migrations: MigrationSet
    /// Every command, query and event the service owns.
    public var catalogue: MessageCatalogue
    public var handlers: HandlerRegistry
    /// Event handlers per publishing service.
    public var subscriptions: [ServiceName: EventHandlerRegistry]
    /// Housekeeping one instance does for all (see `LeaderJob`), besides the runtime's own.
    public var leaderJobs: [LeaderJob]
    /// The largest request its ROUTER takes: more than the usual only for a service that
    /// takes files (`DocumentLimits`).
    public var maximumMessageBytes = MessagingLimits.maximumMessageBytes

    /// Refuses a definition whose handlers are not exactly its catalogue's commands and
    /// queries: a message declared and not answered, or answered and not declared.
    public init(name: ServiceName, migrations: MigrationSet, catalogue: MessageCatalogue, handlers: HandlerRegistry,
                subscriptions: [ServiceName: EventHandlerRegistry] = [:], leaderJobs: [LeaderJob] = []) throws {
        let declared = Dictionary(uniqueKeysWithValues: catalogue.requests.map { ($0.type, $0.kind) })
        guard catalogue.service == name, declared == handlers.registered else {
            let missing = declared.keys.filter { handlers.registered[$0] == nil }.sorted()
            let undeclared = handlers.registered.keys.filter { declared[$0] == nil }.sorted()
            throw ServiceDefinitionError(
                "\(name.rawValue)'s handlers differ from its catalogue (\(catalogue.service.rawValue)): "
                + "not answered \(missing), not declared \(undeclared)")
        }
        self.name = name
        self.migrations = migrations
        self.catalogue = catalogue
        self.handlers = handlers
        self.subscriptions = subscriptions
        self.leaderJobs = leaderJobs
    }
}

public struct ServiceDefinitionError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension MigrationSet {
    /// A service's numbered SQL files, copied into its resource bundle from `Store/Migrations`.
    public static func bundled(_ service: ServiceName, in bundle: Bundle) throws -> MigrationSet {
        guard let directory = bundle.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(kind: .other, message: "\(service.rawValue)-service migrations are missing from its bundle")
        }
        return try MigrationSet.load(component: service.rawValue, directory: directory)
    }
}
