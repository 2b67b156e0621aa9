import Foundation
import Messaging
import Postgres
import PostgresContracts

/// Creates a fresh schema with the messaging tables (plus `extra` migrations) and returns
/// a URL whose sessions use it.
func migratedSchemaURL(base: String, prefix: String, extra: [Migration] = []) throws -> String {
    let schema = "\(prefix)_\(UUID().uuidString.prefix(6).lowercased())"
    let admin = try PostgresConnection(url: base)
    var sets = [try MessagingMigrations.load()]
    if !extra.isEmpty { sets.append(try MigrationSet(component: "bench", migrations: extra)) }
    try Migrator(schema: schema).migrate(admin, sets)
    return postgresURL(base, searchPath: schema)
}
