/// Message types the messaging layer itself uses.
public enum MessagingType {
    /// Query: replay committed events from a publisher's outbox (`EventsReplayRequest`).
    public static let eventsReplay = "events.replay"
    /// Event topic of the relay's heartbeat: its `seq` is the latest published sequence.
    public static let heartbeat = "_heartbeat"
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

    public init(service: String, schemaVersions: [String: Int], uptimeSeconds: Double,
                eventOffsets: [String: Int64], latestEventSeq: Int64) {
        self.service = service
        self.schemaVersions = schemaVersions
        self.uptimeSeconds = uptimeSeconds
        self.eventOffsets = eventOffsets
        self.latestEventSeq = latestEventSeq
    }
}

extension MessagingType {
    /// Query answered by every service: `HealthReply`.
    public static let health = "health"
}
