import Contracts
import Foundation
import Logging
import Metrics
import Postgres
import PostgresContracts
import Threading
import ZMQ

/// Applies one publisher's events to this service, each exactly once and in sequence order.
///
/// An event whose handler keeps failing follows the subscription's `PoisonPolicy`: it
/// blocks (retried with back-off, shown as `stuck` in health with its error) or, after a
/// few attempts, becomes a dead letter. Events purged before they were applied mark the
/// subscription `failed` (health, metrics) and it backs off instead of spinning. The
/// subscriber tells the publisher how far it has applied (`events.ack`) so the publisher
/// keeps events until it has them.
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
        /// How often the applied position is reported to the publisher.
        public var ackSeconds: Double = 2
        /// This consumer's name in acknowledgements, used only by publishers without
        /// authentication (in-process tests); otherwise the publisher knows it by its key.
        public var consumer: String?
        /// The subscribing service's outbox, for the events its handlers publish.
        public var outbox: Outbox?

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

    /// The subscriber's database: each new connection makes sure the offset row exists
    /// and reads where to go on from.
    private lazy var link = DatabaseLink(url: configuration.databaseURL, logger: logger, retrySeconds: 0.5) { [unowned self] fresh in
        try fresh.execute("""
            INSERT INTO consumer_offset (publisher, last_seq) VALUES (\(publisher), 0)
            ON CONFLICT (publisher) DO NOTHING
            """)
        applied = try fresh.query("SELECT last_seq FROM consumer_offset WHERE publisher = \(publisher)").single(Int64.self)
        needsReplay = true
    }
    /// The open connection, if there is one (`ensureDatabase` opens it).
    private var connection: PostgresConnection? { link.isConnected ? try? link.connection() : nil }
    private var applied: Int64 = 0
    private var announced: Int64 = 0
    private var early: [Int64: StoredEvent] = [:]
    private var needsReplay = true
    private var nextReplayAttempt = Date.distantPast
    private var lastHeard = Date()
    /// After a failure, nothing is applied before this time (back-off).
    private var retryNotBefore = Date.distantPast
    /// The event that keeps failing, and how often it has.
    private var failingSeq: Int64?
    private var attempts = 0
    private var acknowledged: (seq: Int64, at: Date) = (-1, .distantPast)

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
                                              security: configuration.security, stopping: stopping)
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
            acknowledge(using: requester)
            if !early.isEmpty || announced > applied { needsReplay = true }
            if Date().timeIntervalSince(lastHeard) > configuration.silenceSeconds {
                lastHeard = Date()
                needsReplay = true
            }
        }
    }

    private func ensureDatabase() -> Bool {
        (try? link.connection()) != nil
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
            if message.envelope.type != MessagingMessages.heartbeat && seq > applied
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
                    MessagingMessages.eventsReplay, EventsReplayRequest(fromSeq: applied + 1, limit: configuration.batchSize))
                announced = max(announced, reply.lastSeq)
                let oldest = reply.events.first?.envelope.seq ?? reply.oldestRetainedSeq
                if let oldest, oldest > applied + 1, reply.lastSeq > applied {
                    markPurged(missing: (applied + 1)...(oldest - 1))
                    return
                }
                guard !reply.events.isEmpty, apply(reply.events), applied < reply.lastSeq else { break }
            }
            needsReplay = announced > applied
            nextReplayAttempt = max(retryNotBefore, Date().addingTimeInterval(needsReplay ? 0.5 : 0))
        } catch {
            logger.warning("replay failed; will retry", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
            nextReplayAttempt = Date().addingTimeInterval(1)
        }
        applyEarlyEvents()
    }

    /// The outcome of one transaction of events.
    private enum BatchOutcome {
        case applied
        /// A handler threw on `event`; the transaction rolled back.
        case handlerFailed(event: StoredEvent, error: any Error)
        case databaseFailed(any Error)
    }

    /// Applies the events that continue the sequence, with the offset, in one transaction.
    /// Returns false when nothing could be applied now (a failing handler, the database,
    /// or a back-off in force).
    private func apply(_ events: [StoredEvent]) -> Bool {
        guard connection != nil, Date() >= retryNotBefore else { return false }
        switch applyBatch(events) {
        case .applied:
            if failingSeq != nil { clearTrouble() }
            return true
        case .databaseFailed:
            needsReplay = true
            nextReplayAttempt = Date().addingTimeInterval(1)
            return false
        case .handlerFailed(let event, let error):
            // The events before it rolled back with it: they go in on their own first.
            let failing = event.envelope.seq ?? 0
            let before = events.filter { ($0.envelope.seq ?? 0) < failing }
            if !before.isEmpty, case .applied = applyBatch(before) {}
            handlePoison(event, error: error)
            return false
        }
    }

    private func applyBatch(_ events: [StoredEvent]) -> BatchOutcome {
        guard let connection else { return .databaseFailed(PostgresError(kind: .connectionLost, message: "no connection")) }
        var current: StoredEvent?
        do {
            applied = try connection.withTransaction {
                var position = try connection.query(
                    "SELECT last_seq FROM consumer_offset WHERE publisher = \(publisher) FOR UPDATE").single(Int64.self)
                let start = position
                for event in events.sorted(by: { ($0.envelope.seq ?? 0) < ($1.envelope.seq ?? 0) }) {
                    guard let seq = event.envelope.seq, seq == position + 1 else { continue }
                    current = event
                    try handlers.apply(event, on: connection, logger: logger, outbox: configuration.outbox)
                    position = seq
                }
                current = nil
                if position != start {
                    try connection.execute("""
                        UPDATE consumer_offset SET last_seq = \(position), updated_at = now() WHERE publisher = \(publisher)
                        """)
                }
                return position
            }
            Counter(label: "ar_events_applied_total", dimensions: [("publisher", publisher)]).increment(by: events.count)
            return .applied
        } catch {
            if let event = current, (error as? PostgresError)?.isTransient != true {
                return .handlerFailed(event: event, error: error)
            }
            logger.error("applying events failed; will retry", metadata: [
                "publisher": "\(publisher)", "from_seq": "\(applied + 1)", "error": "\(error)"])
            link.failed(error)
            return .databaseFailed(error)
        }
    }

    /// An event whose handler failed: retried with back-off (`block`), or set aside as a
    /// dead letter once it has failed often enough (`deadLetter`). Never silent: logged
    /// each time and shown in health.
    private func handlePoison(_ event: StoredEvent, error: any Error) {
        let seq = event.envelope.seq ?? 0
        attempts = failingSeq == seq ? attempts + 1 : 1
        failingSeq = seq
        let message = (error as? ErrorBody)?.message ?? "\(error)"
        logger.error("event handler failed", metadata: [
            "publisher": "\(publisher)", "seq": "\(seq)", "type": "\(event.envelope.type)",
            "attempt": "\(attempts)", "error": "\(message)"])
        if case .deadLetter(let limit) = handlers.poisonPolicy, attempts >= limit {
            setAside(event, error: message)
            return
        }
        recordTrouble(state: "stuck", seq: seq, type: event.envelope.type, error: message)
        retryNotBefore = Date().addingTimeInterval(min(30, 0.25 * pow(2, Double(attempts - 1))))
        nextReplayAttempt = retryNotBefore
        needsReplay = true
    }

    /// Moves a poison event to `dead_letter` and the offset past it, in one transaction.
    private func setAside(_ event: StoredEvent, error: String) {
        guard let connection, let seq = event.envelope.seq else { return }
        do {
            let envelopeText = String(decoding: event.envelope.jsonBytes(), as: UTF8.self)
            let moved = try connection.withTransaction {
                let moved = try connection.execute("""
                    UPDATE consumer_offset SET last_seq = \(seq), updated_at = now(), state = 'ok', failing_seq = NULL,
                        failing_type = NULL, last_error = NULL, attempts = 0
                    WHERE publisher = \(publisher) AND last_seq = \(seq - 1)
                    """)
                if moved == 1 {
                    try connection.execute("""
                        INSERT INTO dead_letter (publisher, seq, type, envelope, body, error, attempts)
                        VALUES (\(publisher), \(seq), \(event.envelope.type), \(envelopeText), \(event.body),
                                \(String(error.prefix(2_000))), \(attempts))
                        ON CONFLICT (publisher, seq) DO NOTHING
                        """)
                }
                return moved
            }
            guard moved == 1 else {  // the events before it are not in yet: nothing set aside
                retryNotBefore = Date().addingTimeInterval(1)
                needsReplay = true
                return
            }
            applied = seq
            failingSeq = nil
            attempts = 0
            Counter(label: "ar_events_dead_lettered_total", dimensions: [("publisher", publisher)]).increment()
            logger.error("event set aside as a dead letter", metadata: [
                "publisher": "\(publisher)", "seq": "\(seq)", "type": "\(event.envelope.type)", "error": "\(error)"])
        } catch {
            logger.error("cannot set the event aside; will retry", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
            retryNotBefore = Date().addingTimeInterval(1)
        }
    }

    /// Events this subscription never applied are gone from the publisher: it cannot go on
    /// by itself. Marked `failed` (health, metrics, a critical log) and retried only every
    /// minute; README says how to recover.
    private func markPurged(missing: ClosedRange<Int64>) {
        let message = "events \(missing.lowerBound)…\(missing.upperBound) were purged before this consumer applied them"
        logger.critical("subscription failed", metadata: ["publisher": "\(publisher)", "error": "\(message)"])
        recordTrouble(state: "failed", seq: missing.lowerBound, type: nil, error: message)
        Gauge(label: "ar_subscription_failed", dimensions: [("publisher", publisher)]).record(1)
        retryNotBefore = Date().addingTimeInterval(60)
        nextReplayAttempt = retryNotBefore
        needsReplay = true
    }

    private func recordTrouble(state: String, seq: Int64, type: String?, error: String) {
        recordState("""
            UPDATE consumer_offset SET state = \(state), failing_seq = \(seq), failing_type = \(type),
                last_error = \(String(error.prefix(2_000))), attempts = \(attempts)
            WHERE publisher = \(publisher)
            """)
    }

    private func clearTrouble() {
        failingSeq = nil
        attempts = 0
        Gauge(label: "ar_subscription_failed", dimensions: [("publisher", publisher)]).record(0)
        recordState("""
            UPDATE consumer_offset SET state = 'ok', failing_seq = NULL, failing_type = NULL, last_error = NULL, attempts = 0
            WHERE publisher = \(publisher)
            """)
    }

    /// Writes the subscription's state for health; a failure is logged (the state is a
    /// report, the offset is what counts).
    private func recordState(_ statement: PostgresQuery) {
        do {
            try connection?.execute(statement)
        } catch {
            logger.error("cannot record the subscription's state", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
        }
    }

    /// Tells the publisher how far this subscription has applied, when that changed (and
    /// at least every ten `ackSeconds`), so it keeps every event until we have it.
    private func acknowledge(using requester: BlockingRequester) {
        let now = Date()
        let due = acknowledged.seq != applied ? configuration.ackSeconds : configuration.ackSeconds * 10
        guard now.timeIntervalSince(acknowledged.at) >= due else { return }
        acknowledged = (applied, now)
        do {
            _ = try requester.command(MessagingMessages.eventsAck, EventsAck(appliedSeq: applied, consumer: configuration.consumer),
                                      timeoutMilliseconds: 500)
        } catch {
            logger.debug("could not acknowledge to the publisher", metadata: ["publisher": "\(publisher)", "error": "\(error)"])
        }
    }
}
