import Foundation

/// What a message is: a command changes state, a query reads it, a reply answers either,
/// an event reports a change that happened.
public enum MessageKind: String, Codable, Sendable {
    case command, query, reply, event
}

/// Who caused a message: a user (or API token) and the role it acted in.
public struct Actor: Codable, Hashable, Sendable {
    public var userId: UserID?
    public var role: String
    /// A display name, so history can say who did it without another lookup.
    public var name: String?
    /// Set when the actor is an API token rather than a person.
    public var apiTokenId: String?

    public init(userId: UserID?, role: String, name: String? = nil, apiTokenId: String? = nil) {
        self.userId = userId
        self.role = role
        self.name = name
        self.apiTokenId = apiTokenId
    }

    /// A payer on the payment portal (the gateway vouches for the link's token, not a person).
    public static let portalPayer = Actor(userId: nil, role: "portal", name: "Customer via portal")

    /// The system itself (schedulers, relays, migrations).
    public static let system = Actor(userId: nil, role: "system", name: "System")

    /// Another service acting on its own behalf (the caller its key identifies).
    public static func service(_ name: ServiceName) -> Actor {
        Actor(userId: nil, role: "service", name: name.rawValue)
    }

    /// Whether this actor claims to be a person or an API token, which only the gateway
    /// (which authenticated them) may say.
    public var isPerson: Bool { userId != nil || apiTokenId != nil || !["system", "service"].contains(role) }
}

/// Whether a reply carries a result or an error.
public enum ReplyStatus: String, Codable, Sendable {
    case ok, error
}

/// The header frame of every ZeroMQ message (version 1). The body travels in the next frame.
///
/// Commands are idempotent by `idempotencyKey` (or, when absent, `id`). Events carry the
/// publishing service and a per-publisher `seq` that is gap-free in commit order.
public struct Envelope: Codable, Hashable, Sendable {
    public static let currentVersion = 1

    public var v: Int
    public var kind: MessageKind
    /// Dotted message type, e.g. `customer.create` or `customer.created`.
    public var type: String
    public var id: MessageID
    /// The request a reply answers, or the conversation a message belongs to.
    public var correlationId: MessageID?
    /// The message that caused this one.
    public var causationId: MessageID?
    public var sentAt: Date
    public var actor: Actor?
    /// W3C trace context, passed through unchanged.
    public var traceparent: String?
    /// The key that makes a command idempotent (e.g. an HTTP `Idempotency-Key`).
    public var idempotencyKey: String?
    /// On commands and queries: when the caller stops waiting. A request still queued
    /// after it is dropped unanswered — nobody would read the answer.
    public var deadline: Date?
    /// On replies only.
    public var status: ReplyStatus?
    /// On events only: the publishing service and the event's sequence number there.
    public var publisher: String?
    public var seq: Int64?

    public init(
        kind: MessageKind, type: String, id: MessageID = MessageID(), correlationId: MessageID? = nil,
        causationId: MessageID? = nil, sentAt: Date = Date(), actor: Actor? = nil, traceparent: String? = nil,
        idempotencyKey: String? = nil, status: ReplyStatus? = nil, publisher: String? = nil, seq: Int64? = nil,
        deadline: Date? = nil
    ) {
        self.v = Envelope.currentVersion
        self.kind = kind
        self.type = type
        self.id = id
        self.correlationId = correlationId
        self.causationId = causationId
        // The wire carries microseconds: keep exactly what survives a round trip.
        self.sentAt = Date(timeIntervalSince1970: (sentAt.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
        self.actor = actor
        self.traceparent = traceparent
        self.idempotencyKey = idempotencyKey
        self.deadline = deadline.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000) }
        self.status = status
        self.publisher = publisher
        self.seq = seq
    }

    /// The key a command is deduplicated by.
    public var effectiveIdempotencyKey: String { idempotencyKey ?? id.description }

    /// The envelope of a reply to this message.
    public func reply(status: ReplyStatus) -> Envelope {
        Envelope(kind: .reply, type: type, correlationId: id, causationId: id, actor: actor,
                 traceparent: traceparent, status: status)
    }
}
