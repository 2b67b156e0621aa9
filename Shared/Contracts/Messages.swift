/// Typed message descriptors: each command, query and event is one declared value that
/// pairs its wire name with its body types, so a handler registered for it and a client
/// calling it cannot disagree — the compiler checks both against the same value.
///
///     public static let create = Command<CreateCustomer, CustomerRecord>("customer.create")
///
/// Each service lists its messages in one `MessageCatalogue`; its runtime refuses to start
/// when the handlers it registered differ from the catalogue.

/// A request that changes state, answered with `Reply`; it runs in one transaction with
/// its idempotency record.
public struct Command<Request: Codable & Sendable, Reply: Codable & Sendable>: Sendable {
    public let type: String
    /// Who may send it, by the key their connection was admitted with.
    public let callers: Callers
    /// Whether the reply is kept for idempotent retries. False when the reply carries a
    /// secret (a session token) and running the command again is harmless.
    public let keepsReply: Bool

    public init(_ type: String, callers: Callers = .gateway, keepsReply: Bool = true) {
        self.type = type
        self.callers = callers
        self.keepsReply = keepsReply
    }
}

/// A request that reads and changes nothing, answered with `Reply`.
public struct Query<Request: Codable & Sendable, Reply: Codable & Sendable>: Sendable {
    public let type: String
    public let callers: Callers

    public init(_ type: String, callers: Callers = .gateway) {
        self.type = type
        self.callers = callers
    }
}

/// A fact a service publishes through its outbox, with body `Body`.
public struct Event<Body: Codable & Sendable>: Sendable {
    public let type: String

    public init(_ type: String) { self.type = type }
}

/// Which callers a message is accepted from, by the key their connection was admitted with.
public enum Callers: Hashable, Sendable {
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

/// One line of a catalogue: a message's name, kind, body types and callers.
public struct MessageDescription: Hashable, Sendable, CustomStringConvertible {
    public let type: String
    public let kind: MessageKind
    /// The request's (or event's) body type.
    public let body: String
    /// The reply's body type; nil for events.
    public let reply: String?
    /// Who may send it; nil for events (anyone subscribed with a known key hears them).
    public let callers: Callers?

    public var description: String {
        "\(kind.rawValue) \(type): \(body)" + (reply.map { " → \($0)" } ?? "")
    }
}

/// Anything a catalogue can list.
public protocol DescribedMessage: Sendable {
    var messageDescription: MessageDescription { get }
}

extension Command: DescribedMessage {
    public var messageDescription: MessageDescription {
        MessageDescription(type: type, kind: .command, body: "\(Request.self)", reply: "\(Reply.self)", callers: callers)
    }
}

extension Query: DescribedMessage {
    public var messageDescription: MessageDescription {
        MessageDescription(type: type, kind: .query, body: "\(Request.self)", reply: "\(Reply.self)", callers: callers)
    }
}

extension Event: DescribedMessage {
    public var messageDescription: MessageDescription {
        MessageDescription(type: type, kind: .event, body: "\(Body.self)", reply: nil, callers: nil)
    }
}

/// Everything one service answers and publishes.
public struct MessageCatalogue: Sendable {
    public let service: ServiceName
    public let messages: [MessageDescription]

    public init(_ service: ServiceName, _ messages: [any DescribedMessage]) {
        self.service = service
        self.messages = messages.map(\.messageDescription)
    }

    /// The commands and queries: what the service's handlers must be, exactly.
    public var requests: [MessageDescription] { messages.filter { $0.kind != .event } }
    public var events: [MessageDescription] { messages.filter { $0.kind == .event } }
}

/// An empty request or reply body: `{}`.
public struct Empty: Codable, Hashable, Sendable {
    public init() {}
}
