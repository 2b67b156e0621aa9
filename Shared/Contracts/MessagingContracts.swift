import Foundation

/// The messages the messaging layer itself uses, answered by every service.
public enum MessagingMessages {
    /// Replays committed events from this service's outbox, for a subscriber catching up.
    public static let eventsReplay = Query<EventsReplayRequest, EventsReplayReply>("events.replay", callers: .anyService)
    /// A consumer tells the publisher how far it has applied, so events are purged only
    /// once every consumer is past them.
    public static let eventsAck = Command<EventsAck, Empty>("events.ack", callers: .anyService, keepsReply: false)
    /// The events this service gave up applying.
    public static let deadLettersList = Query<Empty, DeadLetterList>("dead_letters.list")
    /// Applies a dead letter again now; on success it is removed, on failure the error says why.
    public static let deadLettersRetry = Command<RetryDeadLetter, Empty>("dead_letters.retry")
    public static let health = Query<Empty, HealthReply>("health", callers: .anyService)

    /// Event topic of the relay's heartbeat (not a message a handler sees): its `seq` is
    /// the latest published sequence.
    public static let heartbeat = "_heartbeat"

    /// What every service answers besides its own catalogue.
    public static let answeredByEveryService: [MessageDescription] = {
        let messages: [any DescribedMessage] = [eventsReplay, eventsAck, deadLettersList, deadLettersRetry, health]
        return messages.map { $0.messageDescription }
    }()
}

/// Body of `events.ack`. The consumer is the caller its key identifies; `consumer` is read
/// only on servers without authentication (in-process tests).
public struct EventsAck: Codable, Hashable, Sendable {
    public var appliedSeq: Int64
    public var consumer: String?

    public init(appliedSeq: Int64, consumer: String? = nil) {
        self.appliedSeq = appliedSeq
        self.consumer = consumer
    }
}

/// An event a subscription gave up on after repeated failures, kept for inspection.
public struct DeadLetter: Codable, Hashable, Sendable {
    public var id: Int64
    public var publisher: String
    public var seq: Int64
    public var type: String
    public var error: String
    public var attempts: Int
    public var createdAt: Date

    public init(id: Int64, publisher: String, seq: Int64, type: String, error: String, attempts: Int, createdAt: Date) {
        self.id = id
        self.publisher = publisher
        self.seq = seq
        self.type = type
        self.error = error
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

public struct DeadLetterList: Codable, Hashable, Sendable {
    public var items: [DeadLetter]
    public init(items: [DeadLetter]) { self.items = items }
}

public struct RetryDeadLetter: Codable, Hashable, Sendable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

/// How one subscription is doing: `ok`, `stuck` (an event keeps failing; the error says
/// why), or `failed` (events it had not applied were purged; see README for recovery).
public struct SubscriptionHealth: Codable, Hashable, Sendable {
    public var publisher: String
    public var appliedSeq: Int64
    public var state: String
    public var failingSeq: Int64?
    public var failingType: String?
    public var lastError: String?
    public var attempts: Int
    public var deadLetters: Int

    public init(publisher: String, appliedSeq: Int64, state: String, failingSeq: Int64?, failingType: String?,
                lastError: String?, attempts: Int, deadLetters: Int) {
        self.publisher = publisher
        self.appliedSeq = appliedSeq
        self.state = state
        self.failingSeq = failingSeq
        self.failingType = failingType
        self.lastError = lastError
        self.attempts = attempts
        self.deadLetters = deadLetters
    }
}

/// Body of `events.replay`: the events with `fromSeq <= seq`, at most `limit` of them.
public struct EventsReplayRequest: Codable, Hashable, Sendable {
    public var fromSeq: Int64
    public var limit: Int

    public init(fromSeq: Int64, limit: Int) {
        self.fromSeq = fromSeq
        self.limit = limit
    }
}

/// One event as stored in an outbox: its envelope (with `publisher` and `seq`) and its
/// body as the exact JSON text that was written.
public struct StoredEvent: Codable, Hashable, Sendable {
    public var envelope: Envelope
    public var body: String

    public init(envelope: Envelope, body: String) {
        self.envelope = envelope
        self.body = body
    }
}

/// Reply to `events.replay`: events in sequence order, and the latest sequence the
/// publisher has assigned (so the caller knows whether to ask again).
public struct EventsReplayReply: Codable, Hashable, Sendable {
    public var events: [StoredEvent]
    public var lastSeq: Int64
    /// The oldest sequence still retained; a caller behind it has lost events for good.
    public var oldestRetainedSeq: Int64?

    public init(events: [StoredEvent], lastSeq: Int64, oldestRetainedSeq: Int64?) {
        self.events = events
        self.lastSeq = lastSeq
        self.oldestRetainedSeq = oldestRetainedSeq
    }
}

/// The `health` query every service answers (body: `Empty`).
public struct HealthReply: Codable, Hashable, Sendable {
    public var service: String
    /// Applied migrations: component → highest version.
    public var schemaVersions: [String: Int]
    public var uptimeSeconds: Double
    /// Events applied from each publisher: publisher → last sequence.
    public var eventOffsets: [String: Int64]
    /// The last sequence this service has published.
    public var latestEventSeq: Int64
    /// Each subscription's state (stuck on a poison event, failed after a purge, or ok).
    public var subscriptions: [SubscriptionHealth]

    public init(service: String, schemaVersions: [String: Int], uptimeSeconds: Double,
                eventOffsets: [String: Int64], latestEventSeq: Int64, subscriptions: [SubscriptionHealth] = []) {
        self.service = service
        self.schemaVersions = schemaVersions
        self.uptimeSeconds = uptimeSeconds
        self.eventOffsets = eventOffsets
        self.latestEventSeq = latestEventSeq
        self.subscriptions = subscriptions
    }
}

