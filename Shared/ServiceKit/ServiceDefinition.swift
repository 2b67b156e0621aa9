import Messaging
import Postgres

/// What makes a service itself: its name (= its schema), its migrations, its command and
/// query handlers, and the events it applies from other services.
public struct ServiceDefinition: Sendable {
    public var name: ServiceName
    public var migrations: MigrationSet
    public var handlers: HandlerRegistry
    /// Event handlers per publishing service.
    public var subscriptions: [ServiceName: EventHandlerRegistry]

    public init(name: ServiceName, migrations: MigrationSet, handlers: HandlerRegistry,
                subscriptions: [ServiceName: EventHandlerRegistry] = [:]) {
        self.name = name
        self.migrations = migrations
        self.handlers = handlers
        self.subscriptions = subscriptions
    }
}
