import Contracts
import Foundation
import Postgres
import PostgresContracts

/// Everything a service process reads from its environment, read once at start (a bad
/// value stops it there, naming the variable) and passed down — nothing below reads the
/// environment again. Each variable is documented in the README with its default.
public struct ServiceConfiguration: Sendable {
    public let name: ServiceName
    /// `AR_<SERVICE>_DATABASE_URL`, with the service's schema as the search path.
    public let databaseURL: String
    /// `AR_<SERVICE>_WORKERS` (4) and `AR_<SERVICE>_SLOW_WORKERS` (1).
    public let workers: Int
    public let slowWorkers: Int
    /// `AR_OUTBOX_RETENTION_DAYS` (7) and `AR_OUTBOX_MAX_AGE_DAYS` (30, never below retention).
    public let retentionSeconds: Double
    public let maximumAgeSeconds: Double
    /// `AR_IDEMPOTENCY_RETENTION_HOURS` (48).
    public let idempotencyRetentionSeconds: Int
    /// `AR_LEADER_JOB_INTERVAL_SECONDS` (60).
    public let leaderJobIntervalSeconds: Double
    /// Where every service listens (`AR_<SERVICE>_ENDPOINT`, …).
    public let directory: ServiceDirectory
    /// The mesh's CURVE keys as this process sees them.
    public let keys: MeshKeys

    public init(_ name: ServiceName, environment: Environment) throws {
        self.name = name
        let url = environment.string("\(name.environmentPrefix)_DATABASE_URL",
                                     default: "postgresql://ar_\(name.rawValue)@127.0.0.1:54320/ar")
        databaseURL = postgresURL(url, searchPath: name.rawValue)
        workers = max(1, try environment.int("\(name.environmentPrefix)_WORKERS", default: 4))
        slowWorkers = max(1, try environment.int("\(name.environmentPrefix)_SLOW_WORKERS", default: 1))
        let retentionDays = try environment.int("AR_OUTBOX_RETENTION_DAYS", default: 7)
        retentionSeconds = Double(retentionDays) * 86_400
        maximumAgeSeconds = Double(max(retentionDays, try environment.int("AR_OUTBOX_MAX_AGE_DAYS", default: 30))) * 86_400
        idempotencyRetentionSeconds = try environment.int("AR_IDEMPOTENCY_RETENTION_HOURS", default: 48) * 3600
        leaderJobIntervalSeconds = Double(max(1, try environment.int("AR_LEADER_JOB_INTERVAL_SECONDS", default: 60)))
        directory = ServiceDirectory(environment: environment)
        keys = try MeshKeys.load(for: name, environment: environment)
    }
}
