import Contracts
import Foundation
import Postgres
import PostgresContracts

/// A service's outbox: the table its events are written to, and the reads the relay and
/// `events.replay` make of it. All methods run on the caller's connection and thread.
public struct Outbox: Sendable {
    /// The publishing service's name (e.g. `customer`), stamped on every event.
    public let publisher: String

    public init(publisher: String) { self.publisher = publisher }

    /// The NOTIFY channel that wakes this publisher's relay.
    public var channel: String { "outbox_\(publisher)" }

    /// Writes an event in the caller's transaction and wakes the relay at commit.
    public func append(_ message: Message, on connection: PostgresConnection) throws {
        var envelope = message.envelope
        envelope.publisher = publisher
        envelope.seq = nil
        let envelopeText = String(decoding: envelope.jsonBytes(), as: UTF8.self)
        let bodyText = String(decoding: message.body, as: UTF8.self)
        try connection.execute("""
            INSERT INTO outbox (event_id, type, envelope, body)
            VALUES (\(envelope.id), \(envelope.type), \(envelopeText), \(bodyText))
            """)
        connection.afterCommit(key: channel) { connection in wakeRelay(on: connection) }
    }

    /// Wakes the relay after the event's transaction committed.
    ///
    /// A NOTIFY inside the business transaction would serialise every event-writing
    /// commit, fsync included, on PostgreSQL's notify-queue lock. Sent afterwards, in a
    /// transaction of its own that need not be durable, it costs no fsync and lets the
    /// business commits share theirs. If it is lost (crash in between), the relay's tick
    /// finds the event anyway: a wake-up is a hint, never the data.
    private func wakeRelay(on connection: PostgresConnection) {
        let literal = "'" + channel.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        try? connection.executeScript(
            "BEGIN; SET LOCAL synchronous_commit TO OFF; SELECT pg_notify(\(literal), ''); COMMIT")
    }

    /// Assigns sequence numbers to committed, unsequenced events in commit-visibility order
    /// (at most `limit`); returns how many were sequenced.
    ///
    /// Only committed rows are visible here, so an event whose transaction commits late
    /// gets a later number than those already sequenced: never a gap, never a skip.
    /// Concurrent callers serialise on the `outbox_sequence` row.
    @discardableResult
    public func sequenceCommitted(on connection: PostgresConnection, limit: Int = 5_000) throws -> Int {
        try connection.withTransaction {
            let base = try connection.query("SELECT last_seq FROM outbox_sequence FOR UPDATE").single(Int64.self)
            let assigned = try connection.query("""
                WITH batch AS (
                    SELECT id, row_number() OVER (ORDER BY id) AS n
                    FROM outbox WHERE seq IS NULL ORDER BY id LIMIT \(limit))
                UPDATE outbox SET seq = \(base) + batch.n, sequenced_at = now()
                FROM batch WHERE outbox.id = batch.id
                RETURNING outbox.seq
                """).count
            if assigned > 0 {
                try connection.execute("UPDATE outbox_sequence SET last_seq = \(base + Int64(assigned))")
            }
            return assigned
        }
    }

    /// The latest sequence number assigned (0 before the first event).
    public func latestSeq(on connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT last_seq FROM outbox_sequence").single(Int64.self)
    }

    /// A replay page holds at most this many bytes of events (at least one event), so that
    /// the reply, JSON-escaped once more, stays well under `MessagingLimits.maximumMessageBytes`.
    public static let replayPageBytes = Int(MessagingLimits.maximumMessageBytes / 4)

    /// Sequenced events with `seq >= fromSeq`, in order, at most `limit` and at most about
    /// `maxBytes` of envelope and body text (always at least one).
    public func events(from fromSeq: Int64, limit: Int, maxBytes: Int = .max,
                       on connection: PostgresConnection) throws -> [StoredEvent] {
        var events: [StoredEvent] = []
        var bytes = 0
        for row in try connection.query("""
            SELECT seq, envelope, body FROM outbox
            WHERE seq >= \(fromSeq) ORDER BY seq LIMIT \(limit)
            """) {
            let (seq, envelopeText, body) = try row.decode((Int64, String, String).self)
            bytes += envelopeText.utf8.count + body.utf8.count
            if !events.isEmpty && bytes > maxBytes { break }
            var envelope = try Envelope(jsonBytes: Array(envelopeText.utf8))
            envelope.seq = seq
            envelope.publisher = publisher
            events.append(StoredEvent(envelope: envelope, body: body))
        }
        return events
    }

    /// Answers `events.replay`.
    public func replay(_ request: EventsReplayRequest, on connection: PostgresConnection) throws -> EventsReplayReply {
        guard request.fromSeq >= 1 else { throw ErrorBody.invalidArgument("from_seq must be at least 1", field: "from_seq") }
        guard (1...5_000).contains(request.limit) else {
            throw ErrorBody.invalidArgument("limit must be between 1 and 5000", field: "limit")
        }
        return try connection.withTransaction(isolation: .repeatableRead) {
            let events = try self.events(from: request.fromSeq, limit: request.limit, maxBytes: Self.replayPageBytes,
                                         on: connection)
            let lastSeq = try latestSeq(on: connection)
            // With nothing retained, the oldest that could come is the next one.
            let oldest = try connection.query("SELECT min(seq) FROM outbox WHERE seq IS NOT NULL").single(Int64?.self)
                ?? lastSeq + 1
            return EventsReplayReply(events: events, lastSeq: lastSeq, oldestRetainedSeq: oldest)
        }
    }

    /// Records how far a consumer has applied, as it says: a lower position than before
    /// (its database restored, its offset reset) keeps more events, which is the safe side.
    public func acknowledge(consumer: String, appliedSeq: Int64, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO consumer_position (consumer, acked_seq) VALUES (\(consumer), \(appliedSeq))
            ON CONFLICT (consumer) DO UPDATE SET acked_seq = excluded.acked_seq, updated_at = now()
            """)
    }

    /// Deletes published events older than `retention` (seconds) that every known consumer
    /// has acknowledged, and any older than `maximumAge` whatever the consumers say (a
    /// consumer that missed those is marked failed when it asks for them). Keeps everything
    /// younger, so a consumer that was down for less than that catches up by replay.
    @discardableResult
    public func purge(olderThan retention: TimeInterval, maximumAge: TimeInterval, on connection: PostgresConnection) throws -> Int {
        let cutoff = Date().addingTimeInterval(-retention)
        let hardCutoff = Date().addingTimeInterval(-maximumAge)
        var deleted = 0
        while true {  // in batches: a long backlog never becomes one statement past its timeout
            let batch = try connection.execute("""
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM outbox WHERE seq IS NOT NULL AND (
                        (sequenced_at < \(cutoff) AND seq <= coalesce((SELECT min(acked_seq) FROM consumer_position), seq))
                        OR sequenced_at < \(hardCutoff))
                    ORDER BY seq LIMIT 10000)
                """)
            deleted += batch
            if batch < 10_000 { return deleted }
        }
    }
}
