import Contracts
import Messaging
import Postgres
import PostgresContracts

/// `settings.get` and `settings.update`; every change is published for the services.
enum SettingsHandlers {
    static func register(in registry: inout HandlerRegistry) {
        registry.query(IdentityMessages.getSettings) { _, context in
            try current(on: context.connection, lock: false)
        }
        registry.command(IdentityMessages.updateSettings) { changes, context in
            let settings = try SettingsRules.apply(changes, to: try current(on: context.connection, lock: true))
            try context.connection.execute("""
                INSERT INTO business_settings (settings, updated_by) VALUES (\(try PostgresJSON(settings)), \(context.envelope.actor?.userId))
                ON CONFLICT (singleton) DO UPDATE SET settings = excluded.settings, updated_at = now(), updated_by = excluded.updated_by
                """)
            try context.publish(IdentityMessages.settingsChanged, settings)
            return settings
        }
    }

    /// The stored settings, or the initial ones before the first change.
    private static func current(on connection: PostgresConnection, lock: Bool) throws -> BusinessSettings {
        let forUpdate: StaticString = " FOR UPDATE"
        let plain: StaticString = ""
        return try connection.query("SELECT settings FROM business_settings\(sql: lock ? forUpdate : plain)")
            .first?.decode(PostgresJSON<BusinessSettings>.self, at: 0).value ?? .initial
    }
}
