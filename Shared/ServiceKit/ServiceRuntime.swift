import Contracts
import Foundation
import Logging
import Messaging
import Postgres
import PostgresContracts
import ServiceLifecycle
import Threading
import ZMQ

/// Runs one back-end service: applies its migrations (and the messaging tables), then
/// serves commands and queries, relays its outbox, and applies the events it subscribes
/// to, until graceful shutdown (SIGTERM/SIGINT), when it stops each part in order.
///
/// Its settings come read once, in `ServiceConfiguration`.
public final class ServiceRuntime: Service {
    private let definition: ServiceDefinition
    private let configuration: ServiceConfiguration
    private let logger: Logger

    public init(_ definition: ServiceDefinition, configuration: ServiceConfiguration) {
        self.definition = definition
        self.configuration = configuration
        self.logger = Logger(label: definition.name.rawValue)
    }

    public func run() async throws {
        let name = definition.name
        let directory = configuration.directory
        let url = configuration.databaseURL
        let migrations = [try MessagingMigrations.load(), definition.migrations]
        try await onThread("migrate-\(name.rawValue)") { [logger] in
            try Self.migrateWhenReachable(url: url, schema: name.rawValue, sets: migrations, logger: logger)
        }

        let keys = configuration.keys
        let context = try ZMQContext()
        let (serverSecurity, authenticator) = try keys.server(on: context)
        let outbox = Outbox(publisher: name.rawValue)
        let started = Date()
        var handlers = definition.handlers
        handlers.query(MessagingMessages.health) { _, context in
            try Self.health(of: name, startedAt: started, outbox: outbox, on: context.connection)
        }
        DeadLetters(subscriptions: definition.subscriptions).register(in: &handlers)
        var serverConfiguration = CommandServer.Configuration(
            endpoint: directory.commandBind(name), databaseURL: url, workerCount: configuration.workers, outbox: outbox,
            security: serverSecurity)
        serverConfiguration.slowWorkerCount = configuration.slowWorkers
        serverConfiguration.maximumMessageBytes = definition.maximumMessageBytes
        let server = try CommandServer(context: context, configuration: serverConfiguration, handlers: handlers, logger: logger)
        var relayConfiguration = OutboxRelay.Configuration(endpoint: directory.eventsBind(name), databaseURL: url, outbox: outbox,
                                                           security: serverSecurity)
        relayConfiguration.retentionSeconds = configuration.retentionSeconds
        relayConfiguration.maximumAgeSeconds = configuration.maximumAgeSeconds
        relayConfiguration.leaderJobs = [.purgeIdempotencyRecords(olderThan: configuration.idempotencyRetentionSeconds)]
            + definition.leaderJobs
        relayConfiguration.jobIntervalSeconds = configuration.leaderJobIntervalSeconds
        let relay = try OutboxRelay(context: context, configuration: relayConfiguration, logger: logger)
        let subscribers = definition.subscriptions.map { publisher, eventHandlers in
            var subscription = EventSubscriber.Configuration(
                publisher: publisher.rawValue, eventsEndpoint: directory.eventsEndpoint(publisher),
                commandEndpoint: directory.commandEndpoint(publisher), databaseURL: url,
                security: keys.client(to: publisher))
            subscription.outbox = outbox
            return EventSubscriber(context: context, configuration: subscription, handlers: eventHandlers, logger: logger)
        }
        logger.info("service started", metadata: ["commands": "\(server.endpoint)", "events": "\(relay.endpoint)"])

        try? await gracefulShutdown()

        logger.info("service stopping")
        await onThreadIgnoringErrors("stop-\(name.rawValue)") {
            subscribers.forEach { $0.stop() }
            server.stop()
            relay.stop()
            authenticator.stop()
            context.terminate()
        }
        logger.info("service stopped")
    }

    /// Applies migrations, waiting (with back-off, up to a minute) for the database.
    static func migrateWhenReachable(url: String, schema: String, sets: [MigrationSet], logger: Logger) throws {
        var delay = 0.2
        let deadline = Date().addingTimeInterval(60)
        while true {
            do {
                let connection = try PostgresConnection(url: url, logger: logger)
                try Migrator(schema: schema, logger: logger).migrate(connection, sets)
                return
            } catch let error as PostgresError where error.kind == .connectionFailed && Date() < deadline {
                logger.warning("database not reachable yet; retrying", metadata: ["error": "\(error.message)"])
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    static func health(of name: ServiceName, startedAt: Date, outbox: Outbox, on connection: PostgresConnection) throws -> HealthReply {
        var versions: [String: Int] = [:]
        for row in try connection.query("SELECT component, max(version) FROM schema_migrations GROUP BY component") {
            let (component, version) = try row.decode((String, Int).self)
            versions[component] = version
        }
        var offsets: [String: Int64] = [:]
        var subscriptions: [SubscriptionHealth] = []
        for row in try connection.query("""
            SELECT o.publisher, o.last_seq, o.state, o.failing_seq, o.failing_type, o.last_error, o.attempts,
                   (SELECT count(*) FROM dead_letter d WHERE d.publisher = o.publisher)::int
            FROM consumer_offset o ORDER BY o.publisher
            """) {
            let (publisher, seq, state, failingSeq, failingType, error, attempts, deadLetters) = try row.decode(
                (String, Int64, String, Int64?, String?, String?, Int, Int).self)
            offsets[publisher] = seq
            subscriptions.append(SubscriptionHealth(publisher: publisher, appliedSeq: seq, state: state, failingSeq: failingSeq,
                                                    failingType: failingType, lastError: error, attempts: attempts,
                                                    deadLetters: deadLetters))
        }
        return HealthReply(service: name.rawValue, schemaVersions: versions, uptimeSeconds: Date().timeIntervalSince(startedAt),
                           eventOffsets: offsets, latestEventSeq: try outbox.latestSeq(on: connection),
                           subscriptions: subscriptions)
    }
}

/// Runs blocking work (libpq, thread joins) on a thread of its own, not on the
/// cooperative pool, and awaits it.
func onThread<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        _ = JoinableThread(name: name) {
            continuation.resume(with: Result { try body() })
        }
    }
}

func onThreadIgnoringErrors(_ name: String, _ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { continuation in
        _ = JoinableThread(name: name) {
            body()
            continuation.resume()
        }
    }
}
