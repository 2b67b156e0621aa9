import Contracts
import Foundation
import Logging
import Metrics
import Threading
import ZMQ

/// Serves commands and queries on a ROUTER socket with a pool of worker threads, each with
/// its own PostgreSQL connection (zguide "mtserver": ROUTER → proxy → inproc DEALER → workers).
///
/// The proxy is ours, not libzmq's, for three reasons:
/// - it reads the caller's authenticated identity (ZAP `User-Id`) off each request and
///   hands it to the worker with the request, so authority comes from the connection;
/// - a reply to a client that has gone (`EHOSTUNREACH`) or cannot take more (`EAGAIN`) is
///   dropped and counted, and the server goes on serving everyone else;
/// - on `stop()` it stops reading new requests, lets the workers finish and answer the
///   ones in flight (bounded by `drainSeconds`), and only then closes.
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
    private let control: ProxyControl
    private let proxy: JoinableThread
    private let workers: [JoinableThread]
    private let drainSeconds: Double

    /// Binds and starts serving; returns once the ROUTER is bound and the workers are
    /// connected (so that no request meets a lane without workers).
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
        let unique = UUID().uuidString
        let lanes = CommandProxy.Lanes(standard: "inproc://command-workers-\(unique)",
                                       slow: "inproc://command-slow-workers-\(unique)", slowTypes: handlers.slowTypes)
        let control = try ProxyControl()
        self.control = control
        drainSeconds = configuration.drainSeconds
        let bound = StartupGate<String>()
        proxy = JoinableThread(name: "command-proxy") {
            CommandProxy(context: context, configuration: configuration, lanes: lanes,
                         control: control, logger: logger).run(bound: bound)
        }
        endpoint = try bound.wait()
        let authenticated = configuration.security.isAuthenticated
        // An inproc queue holds the sender's and the receiver's high-water marks together:
        // slow workers take one request at a time, so the slow queue stays short.
        var pool: [(name: String, backend: String, queue: Int32)] = (0..<max(1, configuration.workerCount)).map {
            ("command-worker-\($0)", lanes.standard, MessagingLimits.highWaterMark)
        }
        if !lanes.slowTypes.isEmpty {
            pool += (0..<max(1, configuration.slowWorkerCount)).map { ("command-slow-worker-\($0)", lanes.slow, 1) }
        }
        let ready = DispatchSemaphore(value: 0)
        workers = pool.map { [handlers] worker in
            JoinableThread(name: worker.name) {
                Self.runWorker(context: context, backend: worker.backend, queue: worker.queue, configuration: configuration,
                               authenticated: authenticated, handlers: handlers, stopping: control.workersStopping,
                               ready: ready, logger: logger)
            }
        }
        let readyBy = DispatchTime.now() + 10
        for _ in pool where ready.wait(timeout: readyBy) == .timedOut {
            logger.warning("a command worker did not start in time")
            break
        }
        logger.info("command server listening", metadata: ["endpoint": "\(endpoint)"])
    }

    /// Stops taking requests, answers the ones already taken (for at most `drainSeconds`),
    /// then stops the workers and the proxy and waits for their threads. Nothing here
    /// waits without a bound. Safe to call twice.
    public func stop() {
        guard !control.draining.isStopped else { return }
        control.draining.stop()
        control.wakeup.signal()
        // The proxy enforces the drain deadline itself; this bound only guards against a bug.
        _ = control.drained.wait(timeout: .now() + drainSeconds + 5)
        control.workersStopping.stop()
        workers.forEach { $0.join() }
        control.proxyStopping.stop()
        control.wakeup.signal()
        proxy.join()
    }

    private static func runWorker(context: ZMQContext, backend: String, queue: Int32, configuration: Configuration,
                                  authenticated: Bool, handlers: HandlerRegistry, stopping: StopFlag,
                                  ready: DispatchSemaphore, logger: Logger) {
        guard let socket = try? ZMQSocket(context, type: .dealer) else {
            ready.signal()
            return
        }
        defer { socket.close() }
        do {
            // The proxy outlives the workers and always reads; the bound is a second lock.
            try socket.set(.sendTimeout(milliseconds: 1_000))
            try socket.set(.receiveHighWaterMark(queue))
            try socket.connect(backend)
            ready.signal()
        } catch {
            ready.signal()
            logger.error("worker cannot connect to the proxy", metadata: ["error": "\(error)"])
            return
        }
        let dispatcher = RequestDispatcher(registry: handlers, outbox: configuration.outbox,
                                           databaseURL: configuration.databaseURL, authenticated: authenticated,
                                           logger: logger)
        while !stopping.isStopped {
            do {
                guard try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 100)[0].contains(.readable) else { continue }
                let request = try socket.receive()
                try socket.send(dispatcher.reply(to: request) ?? [CommandProxy.noReply])
            } catch ZMQError.contextTerminated {
                return
            } catch {
                logger.error("worker socket error", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// How `stop()` talks to the proxy thread: flags, a wake-up, and the drained signal.
private struct ProxyControl: Sendable {
    let draining = StopFlag()
    let workersStopping = StopFlag()
    let proxyStopping = StopFlag()
    let drained = DispatchSemaphore(value: 0)
    let wakeup: PollWakeup

    init() throws { wakeup = try PollWakeup() }
}

/// The proxy thread: the only code that touches the ROUTER and the workers' DEALER.
private struct CommandProxy {
    /// What a worker sends when a request has no reply, so the in-flight count stays true.
    static let noReply: ZMQFrame = []

    /// Where each lane's workers connect, and which message types go to the slow one.
    struct Lanes: Sendable {
        let standard: String
        let slow: String
        let slowTypes: Set<String>
    }

    let context: ZMQContext
    let configuration: CommandServer.Configuration
    let lanes: Lanes
    let control: ProxyControl
    let logger: Logger

    func run(bound: StartupGate<String>) {
        let frontend: ZMQSocket
        let backend: ZMQSocket
        let slowBackend: ZMQSocket
        do {
            frontend = try ZMQSocket(context, type: .router)
            try frontend.set(.routerMandatory(true))
            try frontend.set(.sendHighWaterMark(MessagingLimits.highWaterMark))
            try frontend.set(.receiveHighWaterMark(MessagingLimits.highWaterMark))
            try frontend.set(.maxMessageSize(configuration.maximumMessageBytes))
            try frontend.set(.heartbeatInterval(milliseconds: 2_000))
            try frontend.set(.heartbeatTimeout(milliseconds: 6_000))
            try configuration.security.apply(to: frontend)
            backend = try ZMQSocket(context, type: .dealer)
            try backend.set(.sendHighWaterMark(MessagingLimits.highWaterMark))
            try backend.set(.receiveHighWaterMark(MessagingLimits.highWaterMark))
            try backend.bind(lanes.standard)
            slowBackend = try ZMQSocket(context, type: .dealer)
            // A short queue: slow work that cannot start soon is refused, not piled up.
            try slowBackend.set(.sendHighWaterMark(configuration.slowQueueLimit))
            try slowBackend.set(.receiveHighWaterMark(MessagingLimits.highWaterMark))
            try slowBackend.bind(lanes.slow)
            try frontend.bind(configuration.endpoint)
            bound.succeed(try frontend.lastEndpoint())
        } catch {
            logger.error("command server cannot bind", metadata: ["endpoint": "\(configuration.endpoint)", "error": "\(error)"])
            bound.fail(error)
            control.drained.signal()
            return
        }
        defer {
            frontend.close()
            backend.close()
            slowBackend.close()
        }
        var inFlight = 0
        var waiting: [ZMQFrame]?  // a request the workers could not take yet
        var drainDeadline: Date?
        var reportedDrained = false
        while !control.proxyStopping.isStopped {
            let accepting = !control.draining.isStopped
            if !accepting && drainDeadline == nil {
                drainDeadline = Date().addingTimeInterval(configuration.drainSeconds)
                logger.info("command server draining", metadata: ["in_flight": "\(inFlight)"])
            }
            if !accepting && !reportedDrained, let deadline = drainDeadline,
               (inFlight == 0 && waiting == nil) || Date() >= deadline {
                if inFlight > 0 || waiting != nil {
                    logger.warning("drain deadline passed with requests unanswered", metadata: ["in_flight": "\(inFlight)"])
                }
                reportedDrained = true
                control.drained.signal()
            }
            let ready: [ZMQPollEvents]
            do {
                ready = try zmqPoll([.socket(frontend, accepting && waiting == nil ? .readable : []),
                                     .socket(backend, waiting == nil ? .readable : [.readable, .writable]),
                                     .wakeup(control.wakeup), .socket(slowBackend, .readable)], timeoutMilliseconds: 100)
            } catch {
                if error == .contextTerminated { break }
                logger.error("command proxy poll failed; going on", metadata: ["error": "\(error)"])
                continue
            }
            if ready[2].contains(.readable) { control.wakeup.drain() }
            if ready[1].contains(.readable) { inFlight -= forwardReplies(from: backend, to: frontend) }
            if ready[3].contains(.readable) { inFlight -= forwardReplies(from: slowBackend, to: frontend) }
            if let request = waiting, ready[1].contains(.writable) {
                if (try? backend.send(request, dontWait: true)) != nil {
                    waiting = nil
                    inFlight += 1
                }
            }
            if waiting == nil && ready[0].contains(.readable) {
                let (forwarded, blocked) = forwardRequests(from: frontend, to: backend, slow: slowBackend)
                inFlight += forwarded
                waiting = blocked
            }
        }
        if !reportedDrained { control.drained.signal() }
    }

    /// Moves what the ROUTER holds now to the workers, each request with its caller's
    /// identity; returns how many were handed on, and the request the workers could not
    /// take yet (the proxy then reads no more until they can: back-pressure, not loss).
    private func forwardRequests(from frontend: ZMQSocket, to backend: ZMQSocket, slow: ZMQSocket) -> (Int, [ZMQFrame]?) {
        var forwarded = 0
        while forwarded < 1_000 {
            let frames: [ZMQFrame]
            let userID: String?
            do {
                (frames, userID) = try frontend.receiveWithUserID(dontWait: true)
            } catch {
                if error != .wouldBlock { logger.error("command proxy receive failed", metadata: ["error": "\(error)"]) }
                break
            }
            guard frames.count >= 2 else { continue }  // a routing id and nothing else: nothing to answer
            var request = frames
            request.insert(Array((userID ?? "").utf8), at: 1)
            if !lanes.slowTypes.isEmpty, let envelope = try? Envelope(jsonBytes: frames[1]),
               lanes.slowTypes.contains(envelope.type) {
                do {
                    try slow.send(request, dontWait: true)
                    forwarded += 1
                } catch {
                    refuseBusy(frames[0], envelope, on: frontend)
                }
                continue
            }
            do {
                try backend.send(request, dontWait: true)
                forwarded += 1
            } catch {
                return (forwarded, request)
            }
        }
        return (forwarded, nil)
    }

    /// Answers a slow request that found its lane full: refused now, not queued for long.
    private func refuseBusy(_ routingID: ZMQFrame, _ envelope: Envelope, on frontend: ZMQSocket) {
        Counter(label: "ar_command_requests_dropped_total", dimensions: [("reason", "slow_lane_full")]).increment()
        let body = ErrorBody(.tooManyRequests, "too many \(envelope.type) requests at once; try again in a moment")
        guard let reply = try? Message(envelope: envelope.reply(status: .error), encoding: body).frames() else { return }
        try? frontend.send([routingID] + reply, dontWait: true)
    }

    /// Moves finished replies to their clients; a client that has gone (or is not reading)
    /// loses its reply, nobody else is affected. Returns how many requests were finished.
    private func forwardReplies(from backend: ZMQSocket, to frontend: ZMQSocket) -> Int {
        var finished = 0
        while let reply = try? backend.receive(dontWait: true) {
            finished += 1
            guard reply.count >= 2 else { continue }  // `noReply`
            do {
                try frontend.send(reply, dontWait: true)
            } catch {
                let reason = error == .hostUnreachable ? "client_gone" : error == .wouldBlock ? "client_full" : "error"
                Counter(label: "ar_command_replies_dropped_total", dimensions: [("reason", reason)]).increment()
                logger.debug("dropped a reply", metadata: ["reason": "\(reason)", "error": "\(error)"])
            }
        }
        return finished
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
