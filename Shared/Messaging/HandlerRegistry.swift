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
    /// The request's attachment frame (a file's bytes), if it came with one.
    public let attachment: [UInt8]?
    /// Bytes a query sends back as its reply's own frame (a file being downloaded). Only
    /// queries may: a command's reply is kept for retries, without attachments.
    public var replyAttachment: [UInt8]?
    let outbox: Outbox?

    init(connection: PostgresConnection, envelope: Envelope, caller: ServiceName?, logger: Logger, outbox: Outbox?,
         attachment: [UInt8]? = nil) {
        self.connection = connection
        self.envelope = envelope
        self.caller = caller
        self.logger = logger
        self.outbox = outbox
        self.attachment = attachment
    }

    /// Writes an event to the outbox in the current transaction: it is published if and
    /// only if the transaction commits. Caused by, and correlated with, the request.
    public func publish<Body>(_ event: Event<Body>, _ body: Body) throws {
        guard let outbox else {
            throw ErrorBody.internal("this service has no outbox configured; cannot publish \(event.type)")
        }
        let envelope = Envelope(kind: .event, type: event.type, correlationId: self.envelope.correlationId ?? self.envelope.id,
                                causationId: self.envelope.id, actor: self.envelope.actor, traceparent: self.envelope.traceparent)
        try outbox.append(Message(envelope: envelope, encoding: body), on: connection)
    }
}

@available(*, unavailable)
extension HandlerContext: Sendable {}

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
    /// Decodes the body, runs the handler, encodes its reply.
    typealias Handler = @Sendable (Envelope, [UInt8], HandlerContext) throws -> [UInt8]

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

    /// Registers the handler of a command: decode its request, change state, return its reply.
    public mutating func command<Request, Reply>(
        _ command: Command<Request, Reply>, lane: Lane = .standard,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(command.type, kind: .command, recordsReply: command.keepsReply, callers: command.callers, lane: lane, handler)
    }

    /// Registers the handler of a query: decode its request, read, return its reply.
    public mutating func query<Request, Reply>(
        _ query: Query<Request, Reply>, _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        register(query.type, kind: .query, recordsReply: false, callers: query.callers, lane: .standard, handler)
    }

    /// Registers a query whose handler writes the reply's JSON itself (PostgreSQL built
    /// it, say): bytes that must decode as `Reply`, sent as they are.
    public mutating func query<Request, Reply>(
        _ query: Query<Request, Reply>, writing handler: @escaping @Sendable (Request, HandlerContext) throws -> [UInt8]
    ) {
        entries[query.type] = Entry(kind: .query, recordsReply: false, callers: query.callers) { envelope, body, context in
            try handler(try Message(envelope: envelope, body: body).decodeBody(Request.self), context)
        }
    }

    private mutating func register<Request: Decodable, Reply: Encodable>(
        _ type: String, kind: MessageKind, recordsReply: Bool, callers: Callers, lane: Lane,
        _ handler: @escaping @Sendable (Request, HandlerContext) throws -> Reply
    ) {
        entries[type] = Entry(kind: kind, recordsReply: recordsReply, callers: callers, lane: lane) { envelope, body, context in
            try ContractJSON.encode(try handler(try Message(envelope: envelope, body: body).decodeBody(Request.self), context))
        }
    }

    /// The message types registered, with their kinds: what a catalogue is checked against.
    public var registered: [String: MessageKind] { entries.mapValues(\.kind) }

    subscript(type: String) -> Entry? { entries[type] }
}
