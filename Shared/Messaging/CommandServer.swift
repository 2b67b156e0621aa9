import Contracts
import Foundation
import Logging
import Metrics
import Threading
import ZMQ

/// Serves commands and queries on one ROUTER socket with a pool of worker threads, each
/// with its own PostgreSQL connection.
///
/// The workers share the ROUTER (`ZMQSharedSocket`) as leader and followers: one worker at
/// a time, the leader, waits on the socket; when it takes a request it hands the waiting
/// to the next worker, handles the request and sends the reply itself. A request goes from
/// libzmq's I/O thread to the worker that answers it and the reply goes straight back,
/// with no proxy thread and no hand-off in between.
/// - Each request is read with its caller's authenticated identity (ZAP `User-Id`), which
///   the worker hands to the pipeline, so authority comes from the connection.
/// - A reply to a client that has gone (`EHOSTUNREACH`) or cannot take more (`EAGAIN`) is
///   dropped and counted, and the server goes on serving everyone else.
/// - When every worker is busy nobody reads the socket: requests wait in libzmq's queues
///   (back-pressure, not loss).
/// - Slow message types (the registry's slow lane) go to the slow workers through a short
///   queue; a slow request that finds it full is refused at once, so slow work never
///   occupies the workers that answer everything else.
/// - `stop()` takes what has already come and then no more, lets the workers answer
///   everything taken (bounded by `drainSeconds`), and only then closes; a slow request
///   the deadline left queued is answered `unavailable`.
///
/// Malformed requests get an error reply; the server keeps serving. When the service has
/// an outbox, `events.replay` is one more query, answered from it to any service.
public final class CommandServer: Sendable {
    public struct Configuration: Sendable {
        /// Where clients connect, e.g. `tcp://0.0.0.0:7001` or `tcp://127.0.0.1:*`.
        public var endpoint: String
        public var databaseURL: String
        public var workerCount: Int
        /// The service's outbox, for `events.replay` and `HandlerContext.publish`.
        public var outbox: Outbox?
        /// CURVE on the ROUTER; with it, every request carries its caller's identity.
        public var security: SocketSecurity
        /// On stop, how long requests already taken may take to be answered.
        public var drainSeconds: Double = 10
        /// Workers of the slow lane (only started when some handler is on it).
        public var slowWorkerCount: Int = 1
        /// Slow requests that may wait for a slow worker before more are refused.
        public var slowQueueLimit: Int32 = 4
        /// The largest request the ROUTER accepts (a peer sending more is disconnected):
        /// more than `MessagingLimits.maximumMessageBytes` only for a service that takes files.
        public var maximumMessageBytes = MessagingLimits.maximumMessageBytes

        public init(endpoint: String, databaseURL: String, workerCount: Int = 4, outbox: Outbox? = nil,
                    security: SocketSecurity = .none) {
            self.endpoint = endpoint
            self.databaseURL = databaseURL
            self.workerCount = workerCount
            self.outbox = outbox
            self.security = security
        }
    }

    /// The bound endpoint, with a wildcard port resolved.
    public let endpoint: String
    private let router: ZMQSharedSocket<RouterState>
    private let control: ServerControl
    private let workers: [JoinableThread]
    private let drainSeconds: Double
    private let logger: Logger

    /// Binds and starts the workers; returns once the ROUTER is bound (requests that come
    /// before a worker is ready wait in the socket).
    public init(context: ZMQContext, configuration: Configuration, handlers: HandlerRegistry,
                logger: Logger = Logger(label: "command-server")) throws {
        var handlers = handlers
        if let outbox = configuration.outbox {
            handlers.query(MessagingMessages.eventsReplay) { request, context in
                try outbox.replay(request, on: context.connection)
            }
            handlers.command(MessagingMessages.eventsAck) { request, context in
                // The consumer is who its key says; the body's name counts only without authentication.
                guard let consumer = context.caller?.rawValue ?? request.consumer else {
                    throw ErrorBody.invalidArgument("consumer is required", field: "consumer")
                }
                try outbox.acknowledge(consumer: consumer, appliedSeq: request.appliedSeq, on: context.connection)
                return Empty()
            }
        }
        let socket = try ZMQSocket(context, type: .router)
        do {
            try socket.set(.routerMandatory(true))
            try socket.set(.sendHighWaterMark(MessagingLimits.highWaterMark))
            try socket.set(.receiveHighWaterMark(MessagingLimits.highWaterMark))
            try socket.set(.maxMessageSize(configuration.maximumMessageBytes))
            try socket.set(.heartbeatInterval(milliseconds: 2_000))
            try socket.set(.heartbeatTimeout(milliseconds: 6_000))
            try configuration.security.apply(to: socket)
            try socket.bind(configuration.endpoint)
            endpoint = try socket.lastEndpoint()
        } catch {
            logger.error("command server cannot bind", metadata: ["endpoint": "\(configuration.endpoint)", "error": "\(error)"])
            socket.close()
            throw error
        }
        let router = try ZMQSharedSocket(socket, state: RouterState())
        self.router = router
        let control = try ServerControl()
        self.control = control
        self.logger = logger
        drainSeconds = configuration.drainSeconds
        let slowTypes = handlers.slowTypes
        let slowLane = slowTypes.isEmpty ? nil : SlowLane(limit: Int(configuration.slowQueueLimit))
        let lanes = Lanes(slowTypes: slowTypes, slow: slowLane)
        var pool: [(name: String, slow: Bool)] = (0..<max(1, configuration.workerCount)).map { ("command-worker-\($0)", false) }
        if slowLane != nil {
            pool += (0..<max(1, configuration.slowWorkerCount)).map { ("command-slow-worker-\($0)", true) }
        }
        let authenticated = configuration.security.isAuthenticated
        workers = pool.map { [handlers] worker in
            JoinableThread(name: worker.name) {
                let dispatcher = RequestDispatcher(registry: handlers, outbox: configuration.outbox,
                                                   databaseURL: configuration.databaseURL, authenticated: authenticated,
                                                   logger: logger)
                let work = Worker(router: router, control: control, lanes: lanes, dispatcher: dispatcher, logger: logger)
                if worker.slow { work.runSlow() } else { work.run() }
            }
        }
        logger.info("command server listening", metadata: ["endpoint": "\(endpoint)"])
    }

    /// Takes the requests that have already come (until the socket is first found empty)
    /// and then no more, answers them, then stops the workers, waits for their threads and
    /// closes the socket: all of it within `drainSeconds` and a few seconds more, also
    /// under a load that never lets the socket empty. Safe to call twice.
    public func stop() {
        guard !control.draining.isStopped else { return }
        let inFlightAtStop = router.withLock { _, state in state.inFlight }
        control.draining.stop()
        control.wakeup.signal()
        logger.info("command server draining", metadata: ["in_flight": "\(inFlightAtStop)"])
        let deadline = ContinuousClock.now + .milliseconds(Int64(drainSeconds * 1_000))
        // Both read under one lock: a request taken just before the intake closed is counted.
        var (inFlight, intakeClosed) = (inFlightAtStop, false)
        while inFlight > 0 || !intakeClosed {
            guard ContinuousClock.now < deadline else {
                logger.warning("drain deadline passed with requests unanswered", metadata: ["in_flight": "\(inFlight)"])
                break
            }
            usleep(2_000)
            (inFlight, intakeClosed) = router.withLock { _, state in (state.inFlight, control.intakeClosed.isStopped) }
        }
        control.intakeClosed.stop()
        control.workersStopping.stop()
        control.wakeup.signal()
        // A handler stuck past the drain (in the database, say) does not hold the stop: its
        // thread is left to finish alone, and finds the socket closed.
        let joinBy = ContinuousClock.now + .seconds(5)
        for worker in workers {
            let left = ContinuousClock.now.duration(to: joinBy).components
            guard !worker.join(timeoutSeconds: max(0.01, Double(left.seconds) + Double(left.attoseconds) / 1e18)) else { continue }
            logger.warning("a command worker did not finish; closing without it")
        }
        router.withLock { socket, state in
            state.isClosed = true
            socket.close()
        }
    }
}

/// What the socket's users share with it: requests taken and not yet answered, and
/// whether the socket is closed.
private struct RouterState {
    var inFlight = 0
    var isClosed = false
}

/// How `stop()` talks to the workers, and the leader's place.
private final class ServerControl: Sendable {
    /// Set by `stop()`: take what has come, then no more.
    let draining = StopFlag()
    /// Set when, draining, the socket was found empty: take nothing more.
    let intakeClosed = StopFlag()
    /// Set once draining is over: the workers return.
    let workersStopping = StopFlag()
    /// Wakes the leader: on stop, or when someone else's use of the socket took the
    /// signal of a request that has come.
    let wakeup: PollWakeup
    /// Held by the worker that waits on the socket (the leader). A semaphore, not a mutex:
    /// followers sleep until it is theirs instead of spinning for a lock held across a poll.
    let leadership = DispatchSemaphore(value: 1)

    init() throws { wakeup = try PollWakeup() }
}

/// A request as taken off the ROUTER: `[routing id, envelope, body, attachment?]` and the
/// identity its connection was admitted with.
struct TakenRequest: Sendable {
    let frames: [ZMQFrame]
    let caller: String
}

/// Which message types are slow, and the queue to their workers.
private struct Lanes: Sendable {
    let slowTypes: Set<String>
    let slow: SlowLane?
}

/// The slow lane's short queue: a slow request waits here for a slow worker, or is refused.
private final class SlowLane: Sendable {
    private let queue = Locked<[TakenRequest]>([])
    private let available = DispatchSemaphore(value: 0)
    private let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Queues `request`; false when the queue is full.
    func offer(_ request: TakenRequest) -> Bool {
        let queued = queue.withLock { queue -> Bool in
            guard queue.count < limit else { return false }
            queue.append(request)
            return true
        }
        if queued { available.signal() }
        return queued
    }

    /// A slow request still queued, without waiting.
    func takeQueued() -> TakenRequest? {
        queue.withLock { queue in queue.isEmpty ? nil : queue.removeFirst() }
    }

    /// The next slow request, waiting at most 100 ms.
    func take() -> TakenRequest? {
        guard available.wait(timeout: .now() + .milliseconds(100)) == .success else { return nil }
        return takeQueued()
    }
}

/// One worker thread's loop: take a request (as the leader), answer it, send the reply.
private struct Worker {
    let router: ZMQSharedSocket<RouterState>
    let control: ServerControl
    let lanes: Lanes
    let dispatcher: RequestDispatcher
    let logger: Logger

    func run() {
        while !control.workersStopping.isStopped {
            guard let request = take() else { continue }
            if let slow = lanes.slow, let type = try? Envelope(jsonBytes: request.frames[1]).type,
               lanes.slowTypes.contains(type) {
                if !slow.offer(request) {
                    // Refused now, not queued for long.
                    Counter(label: "ar_command_requests_dropped_total", dimensions: [("reason", "slow_lane_full")]).increment()
                    refuse(request, ErrorBody(.tooManyRequests, "too many \(type) requests at once; try again in a moment"))
                }
                continue
            }
            finish(request, reply: dispatcher.reply(to: request))
        }
    }

    func runSlow() {
        while !control.workersStopping.isStopped {
            guard let request = lanes.slow?.take() else { continue }
            finish(request, reply: dispatcher.reply(to: request))
        }
        // What the drain deadline left queued is answered, not dropped in silence.
        while let request = lanes.slow?.takeQueued() {
            refuse(request, .unavailable("the service stopped before it could do this; try again"))
        }
    }

    /// Waits as the leader, at most 100 ms, for a request; nil when none came, and at
    /// once (after a short pause) once a draining server has taken everything that came.
    private func take() -> TakenRequest? {
        guard !control.intakeClosed.isStopped else {
            usleep(10_000)
            return nil
        }
        guard control.leadership.wait(timeout: .now() + .milliseconds(100)) == .success else { return nil }
        defer { control.leadership.signal() }
        let until = ContinuousClock.now + .milliseconds(100)
        while true {
            let taken = router.withLock { socket, state -> TakenRequest? in
                // Under the socket's lock, so that `stop()` sees every request taken.
                guard !control.intakeClosed.isStopped, !state.isClosed else { return nil }
                while let (frames, userID) = try? socket.receiveWithUserID(dontWait: true) {
                    guard frames.count >= 2 else { continue }  // a routing id and nothing else: nothing to answer
                    state.inFlight += 1
                    return TakenRequest(frames: frames, caller: userID ?? "")
                }
                if control.draining.isStopped { control.intakeClosed.stop() }
                return nil
            }
            if let taken { return taken }
            guard ContinuousClock.now < until, !control.intakeClosed.isStopped, !control.workersStopping.isStopped else {
                return nil
            }
            // An empty receive has processed the socket's commands: its descriptor signals anew.
            if waitUntilReadable([router.fileDescriptor, control.wakeup.fileDescriptor], until: until)[1] {
                control.wakeup.drain()
            }
        }
    }

    /// Answers `request` with an error without running it.
    private func refuse(_ request: TakenRequest, _ body: ErrorBody) {
        let reply = (try? Envelope(jsonBytes: request.frames[1])).flatMap { envelope in
            try? Message(envelope: envelope.reply(status: .error), encoding: body).frames()
        }
        finish(request, reply: reply.map { [request.frames[0]] + $0 })
    }

    /// Sends the reply (if any) and counts the request answered. A client that has gone
    /// (or is not reading) loses its reply; nobody else is affected. The send may have
    /// taken the signal of a request that has come: then the leader is woken.
    private func finish(_ request: TakenRequest, reply: [ZMQFrame]?) {
        let wakeLeader = router.withLock { socket, state -> Bool in
            state.inFlight -= 1
            guard !state.isClosed else { return false }  // a worker that outlived `stop()`
            if let reply {
                do throws(ZMQError) {
                    try socket.send(reply, dontWait: true)
                } catch {
                    let reason = error == .hostUnreachable ? "client_gone" : error == .wouldBlock ? "client_full" : "error"
                    Counter(label: "ar_command_replies_dropped_total", dimensions: [("reason", reason)]).increment()
                    logger.debug("dropped a reply", metadata: ["reason": "\(reason)", "error": "\(error)"])
                }
            }
            return (try? socket.events())?.contains(.readable) ?? false
        }
        if wakeLeader { control.wakeup.signal() }
    }
}

/// The limits every messaging socket sets, in one place.
public enum MessagingLimits {
    /// The largest message a socket accepts; a peer sending more is disconnected. Sized for
    /// the largest legitimate message (a page of events or a details section); documents
    /// travel in messages of their own.
    public static let maximumMessageBytes: Int64 = 8 * 1024 * 1024
    /// Messages queued per peer before sending blocks or drops (PUB), bounding memory.
    public static let highWaterMark: Int32 = 10_000
}
