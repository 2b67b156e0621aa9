import Contracts
import Foundation
import Postgres
import PostgresContracts

/// What invoice-service keeps of the business (from `business_settings.changed`) and the
/// business date it last published balances for, on the caller's connection.
struct BusinessStore {
    let connection: PostgresConnection

    func keep(_ settings: BusinessSettings) throws {
        try connection.execute("""
            INSERT INTO business_settings (settings) VALUES (\(try PostgresJSON(settings)))
            ON CONFLICT (singleton) DO UPDATE SET settings = excluded.settings, updated_at = now()
            """)
    }

    /// The business as last announced; the initial settings before any announcement.
    func settings() throws -> BusinessSettings {
        try connection.query("SELECT settings FROM business_settings").first
            .map { try $0.decode(PostgresJSON<BusinessSettings>.self, at: 0).value } ?? .initial
    }

    /// Today in the business's time zone at `instant`.
    func today(at instant: Date) throws -> BusinessDate {
        BusinessDate.today(inTimeZone: try settings().timeZone, at: instant)
    }

    /// The business date balances were last brought up to, locked for the change; nil the
    /// first time.
    func lockedWatchDate() throws -> BusinessDate? {
        try connection.query("SELECT as_of FROM overdue_watch FOR UPDATE").first.map { try $0.decode(BusinessDate.self, at: 0) }
    }

    func setWatchDate(_ date: BusinessDate) throws {
        try connection.execute("""
            INSERT INTO overdue_watch (as_of) VALUES (\(date)) ON CONFLICT (singleton) DO UPDATE SET as_of = excluded.as_of
            """)
    }
}
