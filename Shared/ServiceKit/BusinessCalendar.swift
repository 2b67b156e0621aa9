import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts

/// What a service keeps of the business's settings — identity's `business_settings.changed`,
/// in its own schema's one-row `business_settings` table (each service's migration makes
/// it) — and the business's "today": the calendar date in the business's time zone, which
/// decides what is overdue, which promise is broken, which link has expired.
public struct BusinessCalendar {
    let connection: PostgresConnection

    public init(connection: PostgresConnection) { self.connection = connection }

    public func keep(_ settings: BusinessSettings) throws {
        try connection.execute("""
            INSERT INTO business_settings (settings) VALUES (\(try PostgresJSON(settings)))
            ON CONFLICT (singleton) DO UPDATE SET settings = excluded.settings, updated_at = now()
            """)
    }

    /// The business as last announced; the initial settings before any announcement.
    public func settings() throws -> BusinessSettings {
        try connection.query("SELECT settings FROM business_settings").first
            .map { try $0.decode(PostgresJSON<BusinessSettings>.self, at: 0).value } ?? .initial
    }

    /// Today in the business's time zone at `instant`.
    public func today(at instant: Date) throws -> BusinessDate {
        BusinessDate.today(inTimeZone: try settings().timeZone, at: instant)
    }

    /// The subscription to identity (the gateway's publisher) that keeps the settings. An
    /// event that cannot be read is set aside after five attempts rather than blocking.
    public static func identityEvents() -> EventHandlerRegistry {
        var events = EventHandlerRegistry(poisonPolicy: .deadLetter(afterAttempts: 5))
        events.on(IdentityMessages.settingsChanged) { settings, context in
            try BusinessCalendar(connection: context.connection).keep(settings)
        }
        return events
    }
}

/// "Now" for a service, and the business's date at that moment in its time zone (kept by
/// `BusinessCalendar`). Injectable, so tests can stand at local midnight.
public struct BusinessClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    public func today(on connection: PostgresConnection) throws -> BusinessDate {
        try BusinessCalendar(connection: connection).today(at: now())
    }
}
