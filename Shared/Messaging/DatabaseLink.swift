import Contracts
import Foundation
import Logging
import Postgres
import PostgresContracts

/// A thread's connection to its service's database, (re)established on demand: the one
/// reconnect mechanism of workers, relays and subscribers. While the database is down it
/// tries at most once per `retrySeconds` (callers get `unavailable` in between); a
/// connection that failed is dropped and the next use connects afresh, running `setUp`
/// (e.g. LISTEN, or reading an offset) on each new connection.
///
/// Owned by one thread, like the connection it holds.
final class DatabaseLink {
    private let url: String
    private let logger: Logger
    private let retrySeconds: Double
    private let setUp: (PostgresConnection) throws -> Void
    private var current: PostgresConnection?
    private var nextAttempt = Date.distantPast

    init(url: String, logger: Logger, retrySeconds: Double = 1,
         setUp: @escaping (PostgresConnection) throws -> Void = { _ in }) {
        self.url = url
        self.logger = logger
        self.retrySeconds = retrySeconds
        self.setUp = setUp
    }

    /// Whether a connection is open now.
    var isConnected: Bool { current != nil }

    /// The open connection, or a new one; `unavailable` while the database cannot be reached.
    func connection() throws(ErrorBody) -> PostgresConnection {
        if let current { return current }
        guard Date() >= nextAttempt else { throw ErrorBody.unavailable("the database is unavailable") }
        do {
            let fresh = try PostgresConnection(url: url, logger: logger)
            try setUp(fresh)
            current = fresh
            return fresh
        } catch {
            nextAttempt = Date().addingTimeInterval(retrySeconds)
            logger.error("cannot connect to PostgreSQL", metadata: ["error": "\(error)"])
            throw ErrorBody.unavailable("the database is unavailable")
        }
    }

    /// After `error`: a connection in doubt is closed, so the next use reconnects.
    func failed(_ error: any Error) {
        guard let postgres = error as? PostgresError, postgres.isConnectionProblem else { return }
        current?.close()
        current = nil
    }
}

@available(*, unavailable)
extension DatabaseLink: Sendable {}
