import Foundation
import Postgres

/// The throwaway PostgreSQL cluster that `make test` starts (`AR_TEST_DATABASE_URL`).
public enum TestDatabase {
    /// The server URL; tests fail with a clear message when it is not set.
    public static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["AR_TEST_DATABASE_URL"], !url.isEmpty else {
                throw TestDatabaseError.notConfigured
            }
            return url
        }
    }

    /// A URL whose sessions default to `schema` (`search_path`).
    public static func url(searchPath schema: String) throws -> String {
        postgresURL(try url, searchPath: schema)
    }

    /// Creates an empty schema with a unique name and returns it.
    public static func freshSchema(_ prefix: String = "t") throws -> String {
        let schema = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let connection = try PostgresConnection(url: url)
        try connection.execute("CREATE SCHEMA \(identifier: schema)")
        return schema
    }

    /// The extensions scripts/provision-database.sh creates for the services (pg_trgm in
    /// schema `extensions`), for tests that migrate a service's schema themselves.
    public static func provideExtensions(on admin: PostgresConnection) throws {
        guard try admin.query("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").single(Int.self) == 0 else { return }
        try admin.executeScript("""
            CREATE SCHEMA IF NOT EXISTS extensions;
            CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA extensions;
            GRANT USAGE ON SCHEMA extensions TO PUBLIC;
            """)
    }

    /// A connection whose tables default to `schema`.
    public static func connect(schema: String) throws -> PostgresConnection {
        try PostgresConnection(url: url(searchPath: schema))
    }
}

public enum TestDatabaseError: Error, CustomStringConvertible {
    case notConfigured
    public var description: String {
        "AR_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a throwaway PostgreSQL"
    }
}
