import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import TestSupport
import XCTest
import ZMQ

/// A publishing service and a consuming service, each with its own schema in the test
/// PostgreSQL, talking over real ZeroMQ sockets on loopback.
final class MessagingFixture: Sendable {
    let context: ZMQContext
    let publisherSchema: String
    let consumerSchema: String
    let publisherURL: String
    let consumerURL: String
    let outbox: Outbox

    init() throws {
        context = try ZMQContext()
        publisherSchema = "pub_\(UUID().uuidString.prefix(8).lowercased())"
        consumerSchema = "sub_\(UUID().uuidString.prefix(8).lowercased())"
        publisherURL = try TestDatabase.url(searchPath: publisherSchema)
        consumerURL = try TestDatabase.url(searchPath: consumerSchema)
        outbox = Outbox(publisher: publisherSchema)
        let admin = try PostgresConnection(url: try TestDatabase.url)
        let messaging = try MessagingMigrations.load()
        try Migrator(schema: publisherSchema).migrate(admin, [messaging, try MigrationSet(component: "test", migrations: [
            Migration(version: 1, name: "counter", sql: """
                CREATE TABLE counter (name text PRIMARY KEY, value bigint NOT NULL);
                """),
        ])])
        try Migrator(schema: consumerSchema).migrate(admin, [messaging, try MigrationSet(component: "test", migrations: [
            Migration(version: 1, name: "applied", sql: """
                CREATE TABLE applied (position bigserial PRIMARY KEY, seq bigint NOT NULL, event_id uuid NOT NULL, n bigint NOT NULL);
                """),
        ])])
    }

    /// A command server for the publisher with the test handlers.
    func startServer(workers: Int = 2, security: SocketSecurity = .none, drainSeconds: Double = 10,
                     maximumMessageBytes: Int64 = MessagingLimits.maximumMessageBytes) throws -> CommandServer {
        var configuration = CommandServer.Configuration(endpoint: "tcp://127.0.0.1:*", databaseURL: publisherURL,
                                                        workerCount: workers, outbox: outbox, security: security)
        configuration.drainSeconds = drainSeconds
        configuration.maximumMessageBytes = maximumMessageBytes
        return try CommandServer(context: context, configuration: configuration, handlers: Self.handlers)
    }

    func startRelay(endpoint: String = "tcp://127.0.0.1:*") throws -> OutboxRelay {
        var configuration = OutboxRelay.Configuration(endpoint: endpoint, databaseURL: publisherURL, outbox: outbox)
        configuration.tickMilliseconds = 200
        return try OutboxRelay(context: context, configuration: configuration)
    }

    /// A subscriber that records each `test.happened` in `applied`; `refuse` makes the
    /// handler throw for an event (a poison event while it says so).
    func startSubscriber(server: CommandServer, eventsEndpoint: String, policy: PoisonPolicy = .block,
                         refuse: @escaping @Sendable (Int) -> Bool = { _ in false }) -> EventSubscriber {
        var handlers = EventHandlerRegistry(poisonPolicy: policy)
        handlers.on(Messages.happened) { body, context in
            if refuse(body.n) { throw ErrorBody.failedPrecondition("event \(body.n) cannot be applied") }
            try context.connection.execute("""
                INSERT INTO applied (seq, event_id, n) VALUES (\(context.envelope.seq ?? -1), \(context.envelope.id), \(body.n))
                """)
        }
        var configuration = EventSubscriber.Configuration(
            publisher: publisherSchema, eventsEndpoint: eventsEndpoint, commandEndpoint: server.endpoint,
            databaseURL: consumerURL)
        configuration.batchSize = 200
        configuration.consumer = consumerSchema
        configuration.ackSeconds = 0.2
        return EventSubscriber(context: context, configuration: configuration, handlers: handlers)
    }

    /// The consumer's subscription row: state, failing seq, error, attempts.
    func subscriptionState() throws -> (state: String, failingSeq: Int64?, error: String?, attempts: Int) {
        let connection = try PostgresConnection(url: consumerURL)
        guard let row = try connection.query("""
            SELECT state, failing_seq, last_error, attempts FROM consumer_offset WHERE publisher = \(publisherSchema)
            """).first else { return ("none", nil, nil, 0) }
        let (state, seq, error, attempts) = try row.decode((String, Int64?, String?, Int).self)
        return (state, seq, error, attempts)
    }

    /// Writes one event in its own transaction on `connection` (publisher schema).
    func writeEvent(_ n: Int, on connection: PostgresConnection) throws {
        try connection.withTransaction {
            try outbox.append(try Message(envelope: Envelope(kind: .event, type: "test.happened"), encoding: Happened(n: n)),
                              on: connection)
        }
    }

    /// What the consumer applied, in application order: (seq, event id, n).
    func applied() throws -> [(seq: Int64, eventID: UUID, n: Int64)] {
        let connection = try PostgresConnection(url: consumerURL)
        return try connection.query("SELECT seq, event_id, n FROM applied ORDER BY position").map {
            let (seq, id, n) = try $0.decode((Int64, UUID, Int64).self)
            return (seq, id, n)
        }
    }

    func appliedCount() throws -> Int {
        let connection = try PostgresConnection(url: consumerURL)
        return try connection.query("SELECT count(*) FROM applied").single(Int.self)
    }

    /// Polls `condition` until it holds or `seconds` pass.
    func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try condition()
    }

    struct Happened: Codable, Sendable { var n: Int }
    struct Increment: Codable, Sendable { var name: String; var by: Int64 }
    struct Counted: Codable, Sendable, Equatable { var value: Int64; var receipt: UUID }
    struct Echo: Codable, Sendable, Equatable { var text: String }
    struct Nap: Codable, Sendable { var milliseconds: Int }
    /// A file's size and first byte, as a handler saw its attachment (-1: none).
    struct FileSeen: Codable, Sendable, Equatable { var bytes: Int; var first: Int }
    /// Who a handler saw: the caller (by key) and the actor it may act as.
    struct Seen: Codable, Sendable, Equatable { var caller: String?; var actorRole: String?; var actorName: String? }

    /// The test service's messages.
    enum Messages {
        static let echo = Query<Echo, Echo>("test.echo")
        static let nap = Query<Nap, Empty>("test.nap")
        static let slowNap = Command<Nap, Empty>("test.slow-nap")
        static let whoami = Query<Empty, Seen>("test.whoami")
        static let fromHistory = Command<Empty, Seen>("test.from-history", callers: .only([.history]))
        static let increment = Command<Increment, Counted>("test.increment")
        static let upload = Command<Echo, FileSeen>("test.upload")
        static let download = Query<FileSeen, FileSeen>("test.download")
        static let badDownload = Command<Echo, Empty>("test.bad-download")
        static let happened = Event<Happened>("test.happened")
    }

    static var handlers: HandlerRegistry {
        var handlers = HandlerRegistry()
        handlers.query(Messages.echo) { request, _ in request }
        handlers.query(Messages.nap) { request, _ in
            Thread.sleep(forTimeInterval: Double(request.milliseconds) / 1_000)
            return Empty()
        }
        handlers.command(Messages.slowNap, lane: .slow) { request, _ in
            Thread.sleep(forTimeInterval: Double(request.milliseconds) / 1_000)
            return Empty()
        }
        handlers.query(Messages.whoami) { _, context in
            Seen(caller: context.caller?.rawValue, actorRole: context.envelope.actor?.role, actorName: context.envelope.actor?.name)
        }
        handlers.command(Messages.fromHistory) { _, context in
            Seen(caller: context.caller?.rawValue, actorRole: context.envelope.actor?.role, actorName: context.envelope.actor?.name)
        }
        handlers.command(Messages.upload) { _, context in
            FileSeen(bytes: context.attachment?.count ?? -1, first: context.attachment?.first.map(Int.init) ?? -1)
        }
        handlers.query(Messages.download) { request, context in
            context.replyAttachment = [UInt8](repeating: UInt8(request.first), count: request.bytes)
            return request
        }
        handlers.command(Messages.badDownload) { _, context in
            context.replyAttachment = [1, 2, 3]
            return Empty()
        }
        handlers.command(Messages.increment) { request, context in
            guard request.by > 0 else { throw ErrorBody.invalidArgument("by must be positive", field: "by") }
            let value = try context.connection.query("""
                INSERT INTO counter (name, value) VALUES (\(request.name), \(request.by))
                ON CONFLICT (name) DO UPDATE SET value = counter.value + excluded.value
                RETURNING value
                """).single(Int64.self)
            try context.publish(Messages.happened, Happened(n: Int(value)))
            if request.name == "explode-after-write" { throw ErrorBody.failedPrecondition("refused after writing") }
            return Counted(value: value, receipt: UUID())
        }
        return handlers
    }
}
