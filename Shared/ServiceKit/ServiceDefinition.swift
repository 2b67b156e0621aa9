import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts

/// What makes a service itself: its name (= its schema), its migrations, its command and
/// query handlers, and the events it applies from other services.
public struct ServiceDefinition: Sendable {
    public var name: ServiceName
    public var migrations: MigrationSet
    public var handlers: HandlerRegistry
    /// Event handlers per publishing service.
    public var subscriptions: [ServiceName: EventHandlerRegistry]
    /// Housekeeping one instance does for all (see `LeaderJob`), besides the runtime's own.
    public var leaderJobs: [LeaderJob]

    public init(name: ServiceName, migrations: MigrationSet, handlers: HandlerRegistry,
                subscriptions: [ServiceName: EventHandlerRegistry] = [:], leaderJobs: [LeaderJob] = []) {
        self.name = name
        self.migrations = migrations
        self.handlers = handlers
        self.subscriptions = subscriptions
        self.leaderJobs = leaderJobs
    }
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
