import Foundation
import Logging
import Threading
import ZMQ

/// Serves commands and queries on a ROUTER socket with a pool of worker threads, each with
/// its own PostgreSQL connection (zguide "mtserver": ROUTER → proxy → inproc DEALER → workers).
///
/// Malformed requests get an error reply (or are dropped and logged when they cannot be
/// answered); the server keeps serving. When the service has an outbox, `events.replay`
/// is answered from it.
public final class CommandServer: Sendable {
    public struct Configuration: Sendable {
        /// Where clients connect, e.g. `tcp://0.0.0.0:7001` or `tcp://127.0.0.1:*`.
        public var endpoint: String
        public var databaseURL: String
        public var workerCount: Int
        /// The service's outbox, for `events.replay` and `HandlerContext.publish`.
        public var outbox: Outbox?

        public init(endpoint: String, databaseURL: String, workerCount: Int = 4, outbox: Outbox? = nil) {
            self.endpoint = endpoint
            self.databaseURL = databaseURL
            self.workerCount = workerCount
            self.outbox = outbox
        }
    }

    /// The bound endpoint, with a wildcard port resolved.
    public let endpoint: String
    private let stopping = StopFlag()
    private let controlEndpoint: String
    private let context: ZMQContext
    private let threads: [JoinableThread]

    /// Binds and starts serving; returns once the ROUTER is bound.
    public init(context: ZMQContext, configuration: Configuration, handlers: HandlerRegistry,
                logger: Logger = Logger(label: "command-server")) throws {
        self.context = context
        let unique = UUID().uuidString
        let backendEndpoint = "inproc://command-workers-\(unique)"
        let controlEndpoint = "inproc://command-control-\(unique)"
        self.controlEndpoint = controlEndpoint
        let bound = StartupGate<String>()
        let proxy = JoinableThread(name: "command-proxy") {
            Self.runProxy(context: context, endpoint: configuration.endpoint, backend: backendEndpoint,
                          control: controlEndpoint, bound: bound, logger: logger)
        }
        endpoint = try bound.wait()
        let stopping = self.stopping
        var threads = [proxy]
        for index in 0..<max(1, configuration.workerCount) {
            threads.append(JoinableThread(name: "command-worker-\(index)") {
                Self.runWorker(context: context, backend: backendEndpoint, configuration: configuration,
                               handlers: handlers, stopping: stopping, logger: logger)
            })
        }
        self.threads = threads
        logger.info("command server listening", metadata: ["endpoint": "\(endpoint)"])
    }

    /// Stops the proxy and the workers and waits for their threads. Safe to call twice.
    public func stop() {
        guard !stopping.isStopped else { return }
        stopping.stop()
        if let control = try? ZMQSocket(context, type: .pair, linger: 100) {
            try? control.connect(controlEndpoint)
            try? control.send([Array("TERMINATE".utf8)])
            control.close()
        }
        threads.forEach { $0.join() }
    }

    private static func runProxy(context: ZMQContext, endpoint: String, backend backendEndpoint: String,
                                 control controlEndpoint: String, bound: StartupGate<String>, logger: Logger) {
        do {
            let frontend = try ZMQSocket(context, type: .router)
            defer { frontend.close() }
            try frontend.set(.routerMandatory(true))
            try frontend.set(.sendHighWaterMark(100_000))
            try frontend.set(.receiveHighWaterMark(100_000))
            try frontend.set(.heartbeatInterval(milliseconds: 2_000))
            try frontend.set(.heartbeatTimeout(milliseconds: 6_000))
            let backend = try ZMQSocket(context, type: .dealer)
            defer { backend.close() }
            try backend.bind(backendEndpoint)
            let control = try ZMQSocket(context, type: .pair)
            defer { control.close() }
            try control.bind(controlEndpoint)
            try frontend.bind(endpoint)
            bound.succeed(try frontend.lastEndpoint())
            // libzmq moves the frames between the two sockets without copying them into Swift.
            try zmqProxy(frontend: frontend, backend: backend, control: control)
        } catch {
            logger.error("command proxy failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
            bound.fail(error)
        }
    }

    private static func runWorker(context: ZMQContext, backend: String, configuration: Configuration,
                                  handlers: HandlerRegistry, stopping: StopFlag, logger: Logger) {
        let dispatcher = RequestDispatcher(registry: handlers, outbox: configuration.outbox,
                                           databaseURL: configuration.databaseURL, logger: logger)
        guard let socket = try? ZMQSocket(context, type: .dealer) else { return }
        defer { socket.close() }
        do {
            try socket.connect(backend)
        } catch {
            logger.error("worker cannot connect to the proxy", metadata: ["error": "\(error)"])
            return
        }
        while !stopping.isStopped {
            do {
                guard try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 100)[0].contains(.readable) else { continue }
                let request = try socket.receive()
                if let reply = dispatcher.reply(to: request) {
                    try socket.send(reply)
                } else {
                    logger.warning("dropped a request that cannot be answered", metadata: ["frames": "\(request.count)"])
                }
            } catch ZMQError.contextTerminated {
                return
            } catch {
                logger.error("worker socket error", metadata: ["error": "\(error)"])
            }
        }
    }
}
