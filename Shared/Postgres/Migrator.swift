import Foundation
import Logging

/// One numbered SQL migration, e.g. file `0003_add_due_date.sql` → version 3.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A stable fingerprint of the SQL (FNV-1a 64), recorded so an edited migration is noticed.
    public var checksum: String { fingerprint(Array(sql.utf8)) }
}

/// The migrations of one component (a service, or the shared messaging tables), applied
/// in version order. Components are recorded separately so their numbers never clash.
public struct MigrationSet: Sendable {
    public let component: String
    public let migrations: [Migration]

    public init(component: String, migrations: [Migration]) throws {
        let versions = migrations.map(\.version)
        guard Set(versions).count == versions.count else {
            throw PostgresError(kind: .other, message: "\(component): two migrations share a version number")
        }
        self.component = component
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Loads every `NNNN_name.sql` file in `directory`.
    public static func load(component: String, directory: URL) throws -> MigrationSet {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        let migrations = try files.map { file -> Migration in
            let stem = file.dropLast(4)
            guard let separator = stem.firstIndex(of: "_"), let version = Int(stem[..<separator]) else {
                throw PostgresError(kind: .other, message: "migration file \(file) is not named NNNN_name.sql")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(stem[stem.index(after: separator)...]), sql: sql)
        }
        return try MigrationSet(component: component, migrations: migrations)
    }
}

/// Applies migration sets to one schema, each file exactly once.
///
/// Runs in one transaction under a transaction-level advisory lock keyed by the schema, so
/// concurrent starts (several containers of one service) apply each file once: the others
/// wait, then find it recorded in `<schema>.schema_migrations`. A recorded migration whose
/// SQL changed is refused rather than silently skipped.
public struct Migrator: Sendable {
    public let schema: String
    private let logger: Logger

    public init(schema: String, logger: Logger = Logger(label: "migrator")) {
        self.schema = schema
        self.logger = logger
    }

    /// Applies what is missing; returns the `(component, version)` pairs applied now.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, _ sets: [MigrationSet]) throws -> [(String, Int)] {
        try connection.withTransaction {
            try connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("migrations:" + schema), 0))")
            // A service's role may own its schema without the right to create schemas:
            // create it only when it is missing.
            let exists = try connection.query("SELECT count(*) FROM pg_namespace WHERE nspname = \(schema)").single(Int.self) > 0
            if !exists { try connection.execute("CREATE SCHEMA \(identifier: schema)") }
            try connection.execute(PostgresQuery(unsafeSQL: "SET LOCAL search_path TO \(quoteIdentifier(schema))"))
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    component text NOT NULL,
                    version integer NOT NULL,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (component, version))
                """)
            var recorded: [String: String] = [:]
            for row in try connection.query("SELECT component, version, checksum FROM schema_migrations") {
                let (component, version, checksum) = try row.decode((String, Int, String).self)
                recorded["\(component)/\(version)"] = checksum
            }
            var applied: [(String, Int)] = []
            for set in sets {
                for migration in set.migrations {
                    if let checksum = recorded["\(set.component)/\(migration.version)"] {
                        guard checksum == migration.checksum else {
                            throw PostgresError(kind: .other, message:
                                "\(schema): migration \(set.component) \(migration.version)_\(migration.name) changed after it was applied; add a new migration instead")
                        }
                        continue
                    }
                    logger.info("applying migration", metadata: [
                        "schema": "\(schema)", "component": "\(set.component)",
                        "migration": "\(migration.version)_\(migration.name)"])
                    try connection.executeScript(migration.sql)
                    try connection.execute("""
                        INSERT INTO schema_migrations (component, version, name, checksum)
                        VALUES (\(set.component), \(migration.version), \(migration.name), \(migration.checksum))
                        """)
                    applied.append((set.component, migration.version))
                }
            }
            return applied
        }
    }
}
