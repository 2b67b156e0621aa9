import Contracts
import Logging
import Postgres
import PostgresContracts

/// What an event handler gets besides the event body: the subscriber's connection, inside
/// the transaction that also advances the consumer offset, the event's envelope, and the
/// service's outbox for the events it causes.
public final class EventContext {
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

    /// Writes an event to this service's outbox in the transaction that applies the event
    /// being handled: published exactly when that is applied. Caused by that event, on
    /// behalf of its actor.
    public func publish<Body>(_ event: Event<Body>, _ body: Body) throws {
        guard let outbox else {
            throw ErrorBody.internal("this subscriber has no outbox configured; cannot publish \(event.type)")
        }
        let envelope = Envelope(kind: .event, type: event.type, correlationId: self.envelope.correlationId ?? self.envelope.id,
                                causationId: self.envelope.id, actor: self.envelope.actor, traceparent: self.envelope.traceparent)
        try outbox.append(Message(envelope: envelope, encoding: body), on: connection)
    }
}

@available(*, unavailable)
extension EventContext: Sendable {}

/// What a subscription does with an event whose handler keeps failing.
public enum PoisonPolicy: Sendable, Equatable {
    /// Stop at it and keep retrying (backing off), never skipping: for subscriptions whose
    /// state must see every event in order (money). Health shows it stuck, with the error.
    case block
    /// After this many failed attempts, set it aside as a dead letter (listed and
    /// retryable through the API) and go on: for subscriptions that tolerate it (timeline).
    case deadLetter(afterAttempts: Int)
}

/// Event handlers by event type. Events of other types go to `otherwise` when it is set,
/// and are passed over when it is not (their sequence still counts as applied).
public struct EventHandlerRegistry: Sendable {
    public typealias Handler = @Sendable (StoredEvent, EventContext) throws -> Void
    private var handlers: [String: Handler] = [:]
    /// What events of a type without a handler get (a timeline keeps them whole).
    public var otherwise: Handler?
    /// What happens when a handler keeps failing on an event.
    public var poisonPolicy: PoisonPolicy

    public init(poisonPolicy: PoisonPolicy = .block) { self.poisonPolicy = poisonPolicy }

    /// Handles `event`, decoding its body.
    public mutating func on<Body>(_ event: Event<Body>, _ handler: @escaping @Sendable (Body, EventContext) throws -> Void) {
        handlers[event.type] = { stored, context in
            try handler(try Message(envelope: stored.envelope, body: Array(stored.body.utf8)).decodeBody(Body.self), context)
        }
    }

    /// Applies events of `type` as nothing, on purpose (they are not for this subscriber),
    /// rather than leaving them to `otherwise`. A type with a handler keeps it.
    public mutating func ignore(_ type: String) {
        if handlers[type] == nil { handlers[type] = { _, _ in } }
    }

    subscript(type: String) -> Handler? { handlers[type] }

    /// The event types with a handler of their own.
    public var handledTypes: Set<String> { Set(handlers.keys) }

    /// Applies one event with its handler (none: `otherwise`, or nothing to do) inside the
    /// caller's transaction on `connection`.
    public func apply(_ event: StoredEvent, on connection: PostgresConnection, logger: Logger, outbox: Outbox? = nil) throws {
        guard let handler = handlers[event.envelope.type] ?? otherwise else { return }
        try handler(event, EventContext(connection: connection, envelope: event.envelope, logger: logger, outbox: outbox))
    }
}
