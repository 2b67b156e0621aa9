import Contracts
import Foundation
import Logging
import Metrics
import Postgres
import PostgresContracts
import Threading
import ZMQ

/// Publishes a service's committed outbox events on its PUB socket, in sequence order.
///
/// Woken by the outbox's NOTIFY and by a periodic tick; sequences committed events (see
/// `Outbox.sequenceCommitted`), publishes them with topic = event type, and sends a
/// heartbeat with the latest sequence every second so a subscriber notices a lost tail.
/// Only the instance holding the publisher's advisory lock relays; others stand by.
/// The leader also runs the service's `LeaderJob`s (purging old events, old idempotency
/// records, and whatever else one instance does for all) every `jobIntervalSeconds`.
public final class OutboxRelay: Sendable {
    public struct Configuration: Sendable {
        /// Where subscribers connect, e.g. `tcp://0.0.0.0:7101` or `tcp://127.0.0.1:*`.
        public var endpoint: String
        public var databaseURL: String
        public var outbox: Outbox
        public var tickMilliseconds: Int32 = 500
        public var heartbeatSeconds: Double = 1
        public var retentionSeconds: Double = 7 * 24 * 3600
        /// Events older than this are purged even if a consumer has not acknowledged them.
        public var maximumAgeSeconds: Double = 30 * 24 * 3600
        /// CURVE on the PUB socket: only admitted subscribers receive events.
        public var security: SocketSecurity
        /// What the leader does besides relaying, every `jobIntervalSeconds`.
        public var leaderJobs: [LeaderJob] = []
        public var jobIntervalSeconds: Double = 60

        public init(endpoint: String, databaseURL: String, outbox: Outbox, security: SocketSecurity = .none) {
            self.endpoint = endpoint
            self.databaseURL = databaseURL
            self.outbox = outbox
            self.security = security
        }
    }

    /// The bound PUB endpoint, with a wildcard port resolved.
    public let endpoint: String
    private let stopping = StopFlag()
    private let thread: JoinableThread

    /// Binds the PUB socket and starts relaying; returns once bound.
    public init(context: ZMQContext, configuration: Configuration, logger: Logger = Logger(label: "outbox-relay")) throws {
        let bound = StartupGate<String>()
        let stopping = self.stopping
        thread = JoinableThread(name: "relay-\(configuration.outbox.publisher)") {
            let socket: ZMQSocket
            do {
                socket = try ZMQSocket(context, type: .pub)
                try socket.set(.sendHighWaterMark(MessagingLimits.highWaterMark))
                try socket.set(.maxMessageSize(4_096))  // subscribers only send subscriptions
                try configuration.security.apply(to: socket)
                try socket.bind(configuration.endpoint)
                bound.succeed(try socket.lastEndpoint())
            } catch {
                bound.fail(error)
                return
            }
            defer { socket.close() }
            RelayLoop(socket: socket, configuration: configuration, stopping: stopping, logger: logger).run()
        }
        endpoint = try bound.wait()
    }

    /// Stops relaying and waits for the thread. Unpublished events stay in the outbox for
    /// the next relay. Safe to call twice.
    public func stop() {
        stopping.stop()
        thread.join()
    }
}

private struct RelayLoop {
    let socket: ZMQSocket
    let configuration: OutboxRelay.Configuration
    let stopping: StopFlag
    let logger: Logger

    private var outbox: Outbox { configuration.outbox }

    /// The advisory lock that makes one relay per publisher the leader.
    private var leaderLockKey: Int64 {
        Int64(bitPattern: UInt64(fingerprint(Array("relay:\(outbox.publisher)".utf8)), radix: 16) ?? 0)
    }

    func run() {
        let channel = outbox.channel
        let link = DatabaseLink(url: configuration.databaseURL, logger: logger, retrySeconds: 0.5) { try $0.listen(channel) }
        var leaderSession: ObjectIdentifier?  // the advisory lock belongs to one session
        var isLeader = false
        var lastPublished: Int64 = 0
        var nextHeartbeat = Date()
        var nextPurge = Date()
        while !stopping.isStopped {
            do {
                let connection = try link.connection()
                if leaderSession != ObjectIdentifier(connection) { isLeader = false }
                if !isLeader {
                    isLeader = try connection.tryAdvisoryLock(leaderLockKey)
                    guard isLeader else {
                        _ = try connection.waitForNotifications(timeoutMilliseconds: 1_000)
                        continue
                    }
                    leaderSession = ObjectIdentifier(connection)
                    // Live subscribers only need what comes next; anyone behind replays.
                    lastPublished = try outbox.latestSeq(on: connection)
                    logger.info("relay is the leader", metadata: ["publisher": "\(outbox.publisher)", "seq": "\(lastPublished)"])
                }
                try outbox.sequenceCommitted(on: connection)
                lastPublished = try publish(after: lastPublished, on: connection)
                if Date() >= nextHeartbeat {
                    try heartbeat(lastPublished)
                    nextHeartbeat = Date().addingTimeInterval(configuration.heartbeatSeconds)
                }
                if Date() >= nextPurge {
                    // Scheduled first: a purge that fails is not retried in a tight loop.
                    nextPurge = Date().addingTimeInterval(configuration.jobIntervalSeconds)
                    runLeaderJobs(on: connection)
                }
                let untilHeartbeat = Int32(max(1, nextHeartbeat.timeIntervalSinceNow * 1_000))
                _ = try connection.waitForNotifications(timeoutMilliseconds: min(configuration.tickMilliseconds, untilHeartbeat))
            } catch {
                if !(error is ErrorBody) {  // an unreachable database is logged by the link
                    logger.error("relay error; retrying", metadata: ["publisher": "\(outbox.publisher)", "error": "\(error)"])
                }
                link.failed(error)
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    /// Runs each job in its own transaction; one failing job is logged and does not stop
    /// the others or the relay.
    private func runLeaderJobs(on connection: PostgresConnection) {
        let purge = LeaderJob("purge published events") { [configuration] connection in
            try configuration.outbox.purge(olderThan: configuration.retentionSeconds,
                                           maximumAge: configuration.maximumAgeSeconds, on: connection)
        }
        for job in [purge] + configuration.leaderJobs {
            do {
                let affected = try connection.withTransaction { try job.run(connection) }
                if affected > 0 {
                    logger.info("leader job done", metadata: ["job": "\(job.name)", "rows": "\(affected)"])
                }
            } catch {
                logger.error("leader job failed", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
        }
    }

    /// Publishes every sequenced event after `seq`; returns the last one published.
    private func publish(after seq: Int64, on connection: PostgresConnection) throws -> Int64 {
        var last = seq
        while !stopping.isStopped {
            let events = try outbox.events(from: last + 1, limit: 1_000, on: connection)
            for event in events {
                try socket.send([Array(event.envelope.type.utf8), event.envelope.jsonBytes(), Array(event.body.utf8)])
                last = event.envelope.seq ?? last
            }
            Counter(label: "ar_events_published_total", dimensions: [("publisher", outbox.publisher)]).increment(by: events.count)
            if events.count < 1_000 { break }
        }
        return last
    }

    private func heartbeat(_ seq: Int64) throws {
        let envelope = Envelope(kind: .event, type: MessagingMessages.heartbeat, actor: .system,
                                publisher: outbox.publisher, seq: seq)
        try socket.send([Array(MessagingMessages.heartbeat.utf8), envelope.jsonBytes(), Array("{}".utf8)])
    }
}

/// Work one instance of a service does for all — purging what has outlived its use — run
/// by the relay while it holds the leader lock. Returns how many rows it changed.
public struct LeaderJob: Sendable {
    public let name: String
    public let run: @Sendable (PostgresConnection) throws -> Int

    public init(_ name: String, run: @escaping @Sendable (PostgresConnection) throws -> Int) {
        self.name = name
        self.run = run
    }

    /// Deletes idempotency records older than `seconds`: a retry after that runs anew.
    public static func purgeIdempotencyRecords(olderThan seconds: Int) -> LeaderJob {
        LeaderJob("purge idempotency records") { connection in
            try connection.execute("DELETE FROM idempotency WHERE created_at < now() - make_interval(secs => \(seconds))")
        }
    }
}
