import Contracts
import Logging
import Postgres

/// What a handler gets besides its request: the worker's own database connection (inside
/// the command's transaction), the request envelope, and the outbox to publish events to.
///
/// Lives on the worker thread for one request; never stored.
public final class HandlerContext {
    /// The worker thread's connection; for commands, a transaction is open on it.
    public let connection: PostgresConnection
    public let envelope: Envelope
    public let logger: Logger
    let outbox: Outbox?

    init(connection: PostgresConnection, envelope: Envelope, logger: Logger, outbox: Outbox?) {
        self.connection = connection
        self.envelope = envelope
        self.logger = logger
        self.outbox = outbox
    }

    /// Writes an event to the outbox in the current transaction: it is published if and
    /// only if the transaction commits. Caused by, and correlated with, the request.
    public func publish(_ type: String, _ body: some Encodable) throws {
        guard let outbox else {
            throw ErrorBody.internal("this service has no outbox configured; cannot publish \(type)")
        }
        let event = Envelope(kind: .event, type: type, correlationId: envelope.correlationId ?? envelope.id,
                             causationId: envelope.id, actor: envelope.actor, traceparent: envelope.traceparent)
        try outbox.append(Message(envelope: event, encoding: body), on: connection)
    }
}

@available(*, unavailable)
extension HandlerContext: Sendable {}

/// Handlers by message type. A command runs in a transaction with its idempotency record;
/// a query runs without one and must not change state.
public struct HandlerRegistry: Sendable {
    typealias Handler = @Sendable (Message, HandlerContext) throws -> [UInt8]

    struct Entry: Sendable {
        let kind: MessageKind
        /// Whether a command's reply is kept for idempotent retries.
        var recordsReply = true
        let handler: Handler
    }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Registers a command: decode `Request`, change state, return `Reply`.
    public mutating func command<Request: Decodable, Reply: Encodable>(
        _ type: String, _ request: Request.Type,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(type, kind: .command, recordsReply: true, handler)
    }

    /// Registers a command whose reply is *not* kept for retries, because it carries a
    /// secret (a new session token) and running it again is harmless. It still runs in
    /// one transaction.
    public mutating func unrecordedCommand<Request: Decodable, Reply: Encodable>(
        _ type: String, _ request: Request.Type,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(type, kind: .command, recordsReply: false, handler)
    }

    /// Registers a query: decode `Request`, read, return `Reply`.
    public mutating func query<Request: Decodable, Reply: Encodable>(
        _ type: String, _ request: Request.Type,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(type, kind: .query, recordsReply: false, handler)
    }

    private mutating func register<Request: Decodable, Reply: Encodable>(
        _ type: String, kind: MessageKind, recordsReply: Bool,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        entries[type] = Entry(kind: kind, recordsReply: recordsReply) { message, context in
            try ContractJSON.encode(try handler(try message.decodeBody(Request.self), context))
        }
    }

    subscript(type: String) -> Entry? { entries[type] }
}

/// An empty request or reply body: `{}`.
public struct Empty: Codable, Hashable, Sendable {
    public init() {}
}
