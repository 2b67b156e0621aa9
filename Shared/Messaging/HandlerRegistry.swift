import Contracts
import Logging
import Postgres
import PostgresContracts

/// What a handler gets besides its request: the worker's own database connection (inside
/// the command's transaction), the request envelope, who sent it, and the outbox to
/// publish events to.
///
/// Lives on the worker thread for one request; never stored.
public final class HandlerContext {
    /// The worker thread's connection; for commands, a transaction is open on it.
    public let connection: PostgresConnection
    /// The request's envelope. Its `actor` has been checked against the connection: a
    /// person acts only through the gateway; another service acts as itself.
    public let envelope: Envelope
    /// The service whose key the request's connection was admitted with; nil only on a
    /// server without authentication (in-process tests).
    public let caller: ServiceName?
    public let logger: Logger
    let outbox: Outbox?

    init(connection: PostgresConnection, envelope: Envelope, caller: ServiceName?, logger: Logger, outbox: Outbox?) {
        self.connection = connection
        self.envelope = envelope
        self.caller = caller
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

/// Which callers a message is accepted from, by the key their connection was admitted with.
public enum Callers: Sendable {
    /// Only these services (the gateway acts for people).
    case only(Set<ServiceName>)
    /// Any service of the mesh (health, `events.replay`).
    case anyService

    /// Commands and queries that people send, through the gateway.
    public static let gateway = Callers.only([.gateway])

    public func admits(_ caller: ServiceName) -> Bool {
        switch self {
        case .only(let services): return services.contains(caller)
        case .anyService: return true
        }
    }
}

/// Which workers run a message. Slow work (bcrypt) has workers of its own, so that it can
/// never keep the quick requests (a session check) waiting; when they are all busy and
/// their short queue is full, the request is refused at once with `too_many_requests`.
public enum Lane: Sendable {
    case standard
    case slow
}

/// Handlers by message type. A command runs in a transaction with its idempotency record;
/// a query runs without one and must not change state. Each handler names the callers
/// it answers (by default the gateway only); anyone else gets `permission_denied`.
public struct HandlerRegistry: Sendable {
    typealias Handler = @Sendable (Message, HandlerContext) throws -> [UInt8]

    struct Entry: Sendable {
        let kind: MessageKind
        /// Whether a command's reply is kept for idempotent retries.
        var recordsReply = true
        let callers: Callers
        var lane: Lane = .standard
        let handler: Handler
    }

    /// The message types that run on the slow lane.
    var slowTypes: Set<String> { Set(entries.filter { $0.value.lane == .slow }.keys) }

    private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// Registers a command: decode `Request`, change state, return `Reply`.
    public mutating func command<Request: Decodable, Reply: Encodable>(
        _ type: String, _ request: Request.Type, callers: Callers = .gateway, lane: Lane = .standard,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(type, kind: .command, recordsReply: true, callers: callers, lane: lane, handler)
    }

    /// Registers a command whose reply is *not* kept for retries, because it carries a
    /// secret (a new session token) and running it again is harmless. It still runs in
    /// one transaction.
    public mutating func unrecordedCommand<Request: Decodable, Reply: Encodable>(
        _ type: String, _ request: Request.Type, callers: Callers = .gateway, lane: Lane = .standard,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(type, kind: .command, recordsReply: false, callers: callers, lane: lane, handler)
    }

    /// Registers a query: decode `Request`, read, return `Reply`.
    public mutating func query<Request: Decodable, Reply: Encodable>(
        _ type: String, _ request: Request.Type, callers: Callers = .gateway,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(type, kind: .query, recordsReply: false, callers: callers, lane: .standard, handler)
    }

    private mutating func register<Request: Decodable, Reply: Encodable>(
        _ type: String, kind: MessageKind, recordsReply: Bool, callers: Callers, lane: Lane,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        entries[type] = Entry(kind: kind, recordsReply: recordsReply, callers: callers, lane: lane) { message, context in
            try ContractJSON.encode(try handler(try message.decodeBody(Request.self), context))
        }
    }

    subscript(type: String) -> Entry? { entries[type] }
}

/// An empty request or reply body: `{}`.
public struct Empty: Codable, Hashable, Sendable {
    public init() {}
}
