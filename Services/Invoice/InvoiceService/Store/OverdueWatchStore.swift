import Contracts
import Foundation
import Postgres
import PostgresContracts

/// The business date invoice-service last brought balances up to (`overdue_watch`), on the
/// caller's connection. The business's settings themselves are `BusinessCalendar`'s.
struct OverdueWatchStore {
    let connection: PostgresConnection

    /// The date, locked for the change; nil the first time.
    func lockedDate() throws -> BusinessDate? {
        try connection.query("SELECT as_of FROM overdue_watch FOR UPDATE").first.map { try $0.decode(BusinessDate.self, at: 0) }
    }

    func setDate(_ date: BusinessDate) throws {
        try connection.execute("""
            INSERT INTO overdue_watch (as_of) VALUES (\(date)) ON CONFLICT (singleton) DO UPDATE SET as_of = excluded.as_of
            """)
    }
}
