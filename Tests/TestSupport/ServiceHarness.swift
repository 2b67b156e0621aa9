import Contracts
import Foundation
import Logging
import Messaging
import Postgres
import PostgresContracts
import ServiceKit
import ZMQ

/// One service's real handlers on a real PostgreSQL schema of their own (migrated as the
/// service migrates it), served by a real `CommandServer` on loopback and called through a
/// real `CommandClient` — everything but the other processes. For testing a service's
/// commands, queries, stored rows and outbox in seconds.
public final class ServiceHarness: Sendable {
    public let schema: String
    public let client: CommandClient
    private let context: ZMQContext
    private let server: CommandServer
    /// The service schema's URL (its search path), for connections a test opens on other threads.
    public let url: String
    private let definition: ServiceDefinition

    /// `workers`: how many requests the server runs at once (more for concurrency tests).
    public init(_ definition: ServiceDefinition, workers: Int = 2) throws {
        self.definition = definition
        schema = "\(definition.name.rawValue)_\(UUID().uuidString.prefix(8).lowercased())"
        url = try TestDatabase.url(searchPath: schema)
        let admin = try PostgresConnection(url: try TestDatabase.url)
        try TestDatabase.provideExtensions(on: admin)
        try Migrator(schema: schema).migrate(admin, [try MessagingMigrations.load(), definition.migrations])
        context = try ZMQContext()
        var configuration = CommandServer.Configuration(endpoint: "tcp://127.0.0.1:*", databaseURL: url, workerCount: workers,
                                                        outbox: Outbox(publisher: definition.name.rawValue))
        configuration.maximumMessageBytes = definition.maximumMessageBytes
        server = try CommandServer(context: context, configuration: configuration, handlers: definition.handlers)
        client = try CommandClient(context: context, service: definition.name.rawValue, endpoint: server.endpoint,
                                   defaultTimeout: .seconds(10), maximumMessageBytes: definition.maximumMessageBytes)
    }

    /// A connection whose tables default to the service's schema.
    public func connection() throws -> PostgresConnection { try PostgresConnection(url: url) }

    /// The bodies of the events of `event`'s type in the outbox, oldest first.
    public func published<Body>(_ event: Event<Body>) throws -> [Body] {
        try connection().query("SELECT body FROM outbox WHERE type = \(event.type) ORDER BY id").map { row in
            try ContractJSON.decode(Body.self, from: Array(try row.decode(String.self).utf8))
        }
    }

    /// Applies `body` as an event from `publisher` with the service's own handlers for that
    /// subscription, in one transaction — as its subscriber would. `id`: the event's id, to
    /// deliver the same event again.
    public func apply<Body>(_ event: Event<Body>, _ body: Body, from publisher: ServiceName, actor: Actor? = nil,
                            id: MessageID = MessageID()) throws {
        guard let handlers = definition.subscriptions[publisher] else {
            throw ErrorBody.internal("\(definition.name.rawValue) does not subscribe to \(publisher.rawValue)")
        }
        var envelope = Envelope(kind: .event, type: event.type, id: id, actor: actor)
        envelope.publisher = publisher.rawValue
        let stored = StoredEvent(envelope: envelope, body: String(decoding: try ContractJSON.encode(body), as: UTF8.self))
        let connection = try connection()
        try connection.withTransaction {
            try handlers.apply(stored, on: connection, logger: Logger(label: "harness"),
                               outbox: Outbox(publisher: definition.name.rawValue))
        }
    }

    /// Stops the server and the client, then drops the schema.
    public func shutdown() {
        client.shutdown()
        server.stop()
        context.terminate()
        if let admin = try? PostgresConnection(url: try TestDatabase.url) {
            try? admin.execute("DROP SCHEMA \(identifier: schema) CASCADE")
        }
    }
}

/// A person acting through the gateway, as the envelope names them.
public extension Actor {
    static func person(_ name: String, role: String = "manager") -> Actor {
        Actor(userId: UserID(), role: role, name: name)
    }
}

/// The error a call answers, as a test wants to look at it: nil when it succeeded, the
/// `ErrorBody` it threw, or any other error as `internal` (so the test's code check fails).
public func refusal(_ call: () async throws -> some Any) async -> ErrorBody? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error as? ErrorBody ?? ErrorBody.internal("\(error)")
    }
}
