import Contracts
import Logging
import Postgres

/// What an event handler gets besides the event body: the subscriber's connection, inside
/// the transaction that also advances the consumer offset, and the event's envelope.
public final class EventContext {
    public let connection: PostgresConnection
    public let envelope: Envelope
    public let logger: Logger

    init(connection: PostgresConnection, envelope: Envelope, logger: Logger) {
        self.connection = connection
        self.envelope = envelope
        self.logger = logger
    }
}

@available(*, unavailable)
extension EventContext: Sendable {}

/// Event handlers by event type. Events of other types are passed over (their sequence
/// still counts as applied).
public struct EventHandlerRegistry: Sendable {
    typealias Handler = @Sendable (StoredEvent, EventContext) throws -> Void
    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Handles events of `type`, decoding their body as `Body`.
    public mutating func on<Body: Decodable>(
        _ type: String, _ body: Body.Type, _ handler: @escaping @Sendable (Body, EventContext) throws -> Void
    ) {
        handlers[type] = { event, context in
            try handler(try Message(envelope: event.envelope, body: Array(event.body.utf8)).decodeBody(Body.self), context)
        }
    }

    subscript(type: String) -> Handler? { handlers[type] }
}
