import Foundation
import Postgres
import PostgresContracts

/// The tables every service's schema carries for messaging: outbox, sequence, consumer
/// offsets and idempotency records. Apply them with the service's own migrations.
public enum MessagingMigrations {
    public static func load() throws -> MigrationSet {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(kind: .other, message: "the Messaging migrations are missing from the bundle")
        }
        return try MigrationSet.load(component: "messaging", directory: directory)
    }
}
