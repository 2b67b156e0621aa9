import Foundation
import Messaging
import Postgres
import ServiceKit

/// history-service: the activity timeline built from everyone's events, notes and tasks.
/// Its schema is `history`.
public enum HistoryService {
    public static func definition() throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        HistoryHandlers.register(in: &handlers)
        return ServiceDefinition(name: .history, migrations: try migrations(), handlers: handlers,
                                 subscriptions: [.customer: HistoryHandlers.customerEvents()])
    }

    public static func migrations() throws -> MigrationSet {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(kind: .other, message: "history-service migrations are missing from the bundle")
        }
        return try MigrationSet.load(component: "history", directory: directory)
    }
}
