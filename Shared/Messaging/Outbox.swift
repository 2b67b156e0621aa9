import Contracts
import Foundation
import Postgres

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

    /// Sequenced events with `seq >= fromSeq`, in order, at most `limit`.
    public func events(from fromSeq: Int64, limit: Int, on connection: PostgresConnection) throws -> [StoredEvent] {
        try connection.query("""
            SELECT seq, envelope, body FROM outbox
            WHERE seq >= \(fromSeq) ORDER BY seq LIMIT \(limit)
            """).map { row in
            let (seq, envelopeText, body) = try row.decode((Int64, String, String).self)
            var envelope = try Envelope(jsonBytes: Array(envelopeText.utf8))
            envelope.seq = seq
            envelope.publisher = publisher
            return StoredEvent(envelope: envelope, body: body)
        }
    }

    /// Answers `events.replay`.
    public func replay(_ request: EventsReplayRequest, on connection: PostgresConnection) throws -> EventsReplayReply {
        guard request.fromSeq >= 1 else { throw ErrorBody.invalidArgument("from_seq must be at least 1", field: "from_seq") }
        guard (1...5_000).contains(request.limit) else {
            throw ErrorBody.invalidArgument("limit must be between 1 and 5000", field: "limit")
        }
        return try connection.withTransaction(isolation: .repeatableRead) {
            let events = try self.events(from: request.fromSeq, limit: request.limit, on: connection)
            let oldest = try connection.query("SELECT min(seq) FROM outbox WHERE seq IS NOT NULL").single(Int64?.self)
            return EventsReplayReply(events: events, lastSeq: try latestSeq(on: connection), oldestRetainedSeq: oldest)
        }
    }

    /// Records how far a consumer has applied (it never moves back).
    public func acknowledge(consumer: String, appliedSeq: Int64, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO consumer_position (consumer, acked_seq) VALUES (\(consumer), \(appliedSeq))
            ON CONFLICT (consumer) DO UPDATE
            SET acked_seq = greatest(consumer_position.acked_seq, excluded.acked_seq), updated_at = now()
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
        return try connection.execute("""
            DELETE FROM outbox WHERE seq IS NOT NULL AND (
                (sequenced_at < \(cutoff) AND seq <= coalesce((SELECT min(acked_seq) FROM consumer_position), seq))
                OR sequenced_at < \(hardCutoff))
            """)
    }
}
