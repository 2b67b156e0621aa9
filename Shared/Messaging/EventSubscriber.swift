import Contracts
import Foundation
import Logging
import Metrics
import Postgres
import Threading
import ZMQ

/// Applies one publisher's events to this service, each exactly once and in sequence order.
///
/// The zguide Clone pattern: subscribe first, then replay from the stored offset + 1
/// (`events.replay` on the publisher's ROUTER), then apply live events in sequence. A gap
/// in the live stream, or a heartbeat announcing a later sequence, triggers a replay of
/// the missing range; live events that arrive early wait in a buffer. Each batch of
/// events is applied in one transaction together with the offset, which is re-read under
/// a row lock, so an event is never applied twice even with several instances running.
public final class EventSubscriber: Sendable {
    public struct Configuration: Sendable {
        /// The publishing service's name, as stamped on its events.
        public var publisher: String
        /// The publisher's PUB endpoint (the relay).
        public var eventsEndpoint: String
        /// The publisher's ROUTER endpoint (for `events.replay`).
        public var commandEndpoint: String
        /// This service's database (its schema holds `consumer_offset`).
        public var databaseURL: String
        /// At most this many events per transaction.
        public var batchSize: Int = 500
        /// Without any message for this long, ask the publisher directly.
        public var silenceSeconds: Double = 3
        /// Live events held while an earlier one is missing; beyond this they are dropped
        /// and fetched again by replay, so a long gap cannot grow memory without bound.
        public var earlyBufferLimit: Int = 10_000
        /// CURVE towards the publisher (both its PUB socket and its ROUTER).
        public var security: SocketSecurity

        public init(publisher: String, eventsEndpoint: String, commandEndpoint: String, databaseURL: String,
                    security: SocketSecurity = .none) {
            self.publisher = publisher
            self.eventsEndpoint = eventsEndpoint
            self.commandEndpoint = commandEndpoint
            self.databaseURL = databaseURL
            self.security = security
        }
    }

    private let stopping = StopFlag()
    private let thread: JoinableThread

    /// Starts applying events on a thread of its own.
    public init(context: ZMQContext, configuration: Configuration, handlers: EventHandlerRegistry,
                logger: Logger = Logger(label: "event-subscriber")) {
        let stopping = self.stopping
        thread = JoinableThread(name: "subscriber-\(configuration.publisher)") {
            SubscriberLoop(context: context, configuration: configuration, handlers: handlers,
                           stopping: stopping, logger: logger).run()
        }
    }

    /// Stops and waits for the thread; what was applied stays applied, the rest is
    /// picked up by the next start. Safe to call twice.
    public func stop() {
        stopping.stop()
        thread.join()
    }
}

private final class SubscriberLoop {
    let context: ZMQContext
    let configuration: EventSubscriber.Configuration
    let handlers: EventHandlerRegistry
    let stopping: StopFlag
    let logger: Logger

    private var connection: PostgresConnection?
    private var applied: Int64 = 0
    private var announced: Int64 = 0
    private var early: [Int64: StoredEvent] = [:]
    private var needsReplay = true
    private var nextReplayAttempt = Date.distantPast
    private var lastHeard = Date()

    private var publisher: String { configuration.publisher }

    init(context: ZMQContext, configuration: EventSubscriber.Configuration, handlers: EventHandlerRegistry,
         stopping: StopFlag, logger: Logger) {
        self.context = context
        self.configuration = configuration
        self.handlers = handlers
        self.stopping = stopping
        self.logger = logger
    }

    func run() {
        let subscription: ZMQSocket
        let requester: BlockingRequester
        do {
            subscription = try ZMQSocket(context, type: .sub)
            try subscription.set(.receiveHighWaterMark(MessagingLimits.highWaterMark))
            try subscription.set(.maxMessageSize(MessagingLimits.maximumMessageBytes))
            try configuration.security.apply(to: subscription)
            try subscription.set(.heartbeatInterval(milliseconds: 2_000))
            try subscription.set(.heartbeatTimeout(milliseconds: 6_000))
            try subscription.set(.reconnectIntervalMax(milliseconds: 2_000))
            try subscription.set(.subscribe([]))  // every event: the sequence must be seen whole
            try subscription.connect(configuration.eventsEndpoint)
            requester = try BlockingRequester(context: context, service: publisher, endpoint: configuration.commandEndpoint,
                                              security: configuration.security)
        } catch {
            logger.critical("subscriber cannot open its sockets", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
            return
        }
        defer { subscription.close() }

        while !stopping.isStopped {
            guard ensureDatabase() else {
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            if needsReplay && Date() >= nextReplayAttempt { replay(using: requester) }
            do {
                if try zmqPoll([.socket(subscription, .readable)], timeoutMilliseconds: 100)[0].contains(.readable) {
                    receiveLive(from: subscription)
                }
            } catch {
                if error == .contextTerminated { return }
                logger.error("subscriber socket error", metadata: ["error": "\(error)"])
            }
            applyEarlyEvents()
            if !early.isEmpty || announced > applied { needsReplay = true }
            if Date().timeIntervalSince(lastHeard) > configuration.silenceSeconds {
                lastHeard = Date()
                needsReplay = true
            }
        }
    }

    private func ensureDatabase() -> Bool {
        if connection != nil { return true }
        do {
            let fresh = try PostgresConnection(url: configuration.databaseURL, logger: logger)
            try fresh.execute("""
                INSERT INTO consumer_offset (publisher, last_seq) VALUES (\(publisher), 0)
                ON CONFLICT (publisher) DO NOTHING
                """)
            applied = try fresh.query("SELECT last_seq FROM consumer_offset WHERE publisher = \(publisher)").single(Int64.self)
            connection = fresh
            needsReplay = true
            return true
        } catch {
            logger.error("subscriber cannot reach its database", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
            return false
        }
    }

    /// Reads what the socket holds now (up to a batch) into the early buffer.
    private func receiveLive(from socket: ZMQSocket) {
        var received = 0
        while received < configuration.batchSize, let frames = try? socket.receive(dontWait: true) {
            received += 1
            lastHeard = Date()
            guard frames.count == 3, let message = try? Message(frames: frames[1...]),
                  message.envelope.publisher == publisher, let seq = message.envelope.seq else {
                logger.warning("ignored a malformed event message", metadata: ["publisher": "\(publisher)"])
                continue
            }
            announced = max(announced, seq)
            if message.envelope.type != MessagingType.heartbeat && seq > applied
                && (early.count < configuration.earlyBufferLimit || early[seq] != nil) {
                early[seq] = StoredEvent(envelope: message.envelope, body: String(decoding: message.body, as: UTF8.self))
            }
        }
    }

    /// Applies the buffered events that continue the sequence.
    private func applyEarlyEvents() {
        repeat {
            early = early.filter { $0.key > applied }  // drop what replay already applied
            var run: [StoredEvent] = []
            var next = applied + 1
            while run.count < configuration.batchSize, let event = early[next] {
                run.append(event)
                next += 1
            }
            guard !run.isEmpty, !stopping.isStopped, apply(run) else { return }
        } while true
    }

    /// Fetches and applies everything after `applied` from the publisher's outbox.
    private func replay(using requester: BlockingRequester) {
        do {
            while !stopping.isStopped {
                let reply = try requester.query(
                    MessagingType.eventsReplay, EventsReplayRequest(fromSeq: applied + 1, limit: configuration.batchSize),
                    as: EventsReplayReply.self)
                announced = max(announced, reply.lastSeq)
                if let first = reply.events.first?.envelope.seq, first > applied + 1 {
                    logger.critical("events were purged before this consumer applied them", metadata: [
                        "publisher": "\(publisher)", "applied": "\(applied)", "oldest_retained": "\(first)"])
                }
                guard !reply.events.isEmpty, apply(reply.events), applied < reply.lastSeq else { break }
            }
            needsReplay = announced > applied
            nextReplayAttempt = Date().addingTimeInterval(needsReplay ? 0.5 : 0)
        } catch {
            logger.warning("replay failed; will retry", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
            nextReplayAttempt = Date().addingTimeInterval(1)
        }
        applyEarlyEvents()
    }

    /// Applies the events that continue the sequence, with the offset, in one transaction.
    /// Returns false (nothing applied) when a handler or the database failed.
    private func apply(_ events: [StoredEvent]) -> Bool {
        guard let connection else { return false }
        do {
            applied = try connection.withTransaction {
                var current = try connection.query(
                    "SELECT last_seq FROM consumer_offset WHERE publisher = \(publisher) FOR UPDATE").single(Int64.self)
                let start = current
                for event in events.sorted(by: { ($0.envelope.seq ?? 0) < ($1.envelope.seq ?? 0) }) {
                    guard let seq = event.envelope.seq, seq == current + 1 else { continue }
                    if let handler = handlers[event.envelope.type] {
                        try handler(event, EventContext(connection: connection, envelope: event.envelope, logger: logger))
                    }
                    current = seq
                }
                if current != start {
                    try connection.execute("""
                        UPDATE consumer_offset SET last_seq = \(current), updated_at = now() WHERE publisher = \(publisher)
                        """)
                }
                return current
            }
            Counter(label: "ar_events_applied_total", dimensions: [("publisher", publisher)]).increment(by: events.count)
            return true
        } catch {
            logger.error("applying events failed; will retry", metadata: [
                "publisher": "\(publisher)", "from_seq": "\(applied + 1)", "error": "\(error)"])
            if (error as? PostgresError)?.kind == .connectionLost || (error as? PostgresError)?.kind == .commitOutcomeUnknown {
                connection.close()
                self.connection = nil
            }
            needsReplay = true
            nextReplayAttempt = Date().addingTimeInterval(1)
            return false
        }
    }
}
