import Contracts
import Foundation
import Logging
import Metrics
import Threading
import ZMQ

/// Sends commands and queries to one service and awaits their replies, from Swift
/// concurrency, without blocking the cooperative thread pool.
///
/// One DEALER socket (`ZMQ_IMMEDIATE`, heartbeats, bounded reconnect back-off), shared
/// under one lock (`ZMQSharedSocket`) with the requests it has sent. A caller sends its own
/// request and collects whatever replies have arrived, so a request costs no hand-off to
/// another thread. The client's I/O thread waits on the socket's descriptor for replies
/// nobody is collecting, retries requests that could not be sent yet (service not
/// connected) and fails requests whose deadline passes with `unavailable`. Retrying after a
/// timeout is the caller's choice: commands carry an idempotency key, so a retry is safe.
public final class CommandClient: ServiceCaller {
    /// The service's name, for error messages (e.g. `invoice`).
    public let service: String
    public let defaultTimeout: Duration
    private let connection: ZMQSharedSocket<Requests>
    private let wakeup: PollWakeup
    private let stopping = StopFlag()
    private let thread: JoinableThread
    private let logger: Logger

    /// What the socket has to send and waits for, under the socket's lock.
    struct Requests {
        var unsent: [PendingRequest] = []
        var awaiting: [MessageID: PendingRequest] = [:]
        var isClosed = false
        /// When the I/O thread next looks at deadlines: a request due earlier wakes it.
        var nextCheck = ContinuousClock.now
    }

    struct PendingRequest: Sendable {
        let id: MessageID
        let frames: [ZMQFrame]
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Message, any Error>
    }

    /// Connects (in the background) to `endpoint`, with CURVE when `security` says so.
    /// `maximumMessageBytes`: the largest reply taken (more only from a service that sends files).
    public init(context: ZMQContext, service: String, endpoint: String, security: SocketSecurity = .none,
                defaultTimeout: Duration = .seconds(2), maximumMessageBytes: Int64 = MessagingLimits.maximumMessageBytes,
                logger: Logger = Logger(label: "command-client")) throws {
        self.service = service
        self.defaultTimeout = defaultTimeout
        self.logger = logger
        let socket = try ZMQSocket(context, type: .dealer)
        try socket.set(.immediate(true))
        try socket.set(.heartbeatInterval(milliseconds: 2_000))
        try socket.set(.heartbeatTimeout(milliseconds: 6_000))
        try socket.set(.reconnectInterval(milliseconds: 100))
        try socket.set(.reconnectIntervalMax(milliseconds: 2_000))
        try socket.set(.sendHighWaterMark(MessagingLimits.highWaterMark))
        try socket.set(.receiveHighWaterMark(MessagingLimits.highWaterMark))
        try socket.set(.maxMessageSize(maximumMessageBytes))
        try security.apply(to: socket)
        try socket.connect(endpoint)
        let connection = try ZMQSharedSocket(socket, state: Requests())
        self.connection = connection
        let wakeup = try PollWakeup()
        self.wakeup = wakeup
        let stopping = self.stopping
        thread = JoinableThread(name: "client-\(service)") {
            Self.runIOLoop(connection: connection, wakeup: wakeup, stopping: stopping, service: service, logger: logger)
        }
    }

    /// Stops the I/O thread; pending requests fail with `unavailable`. Safe to call twice.
    public func shutdown() {
        guard !stopping.isStopped else { return }
        stopping.stop()
        wakeup.signal()
        thread.join()
    }

    /// Sends a message and returns the reply message (status ok or error).
    public func send(_ envelope: Envelope, body: [UInt8], attachment: [UInt8]? = nil, timeout: Duration? = nil) async throws -> Message {
        let started = ContinuousClock.now
        var outcome = "unavailable"
        defer {
            let elapsed = ContinuousClock.now - started
            Timer(label: "ar_service_request_seconds", dimensions: [("service", service), ("outcome", outcome)],
                  preferredDisplayUnit: .seconds)
                .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        let reply = try await exchange(envelope, body: body, attachment: attachment, timeout: timeout)
        outcome = reply.envelope.status?.rawValue ?? "ok"
        return reply
    }

    private func exchange(_ envelope: Envelope, body: [UInt8], attachment: [UInt8]?, timeout: Duration?) async throws -> Message {
        let wait = timeout ?? defaultTimeout
        var envelope = envelope
        if envelope.deadline == nil, envelope.kind == .command || envelope.kind == .query {
            // The service drops the request if it is still queued when we have stopped waiting.
            let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
            envelope.deadline = Date().addingTimeInterval(seconds)
        }
        let frames = try Message(envelope: envelope, body: body, attachment: attachment).frames()
        let deadline = ContinuousClock.now + wait
        let (service, logger) = (self.service, self.logger)
        return try await withCheckedThrowingContinuation { continuation in
            let request = PendingRequest(id: envelope.id, frames: frames, deadline: deadline, continuation: continuation)
            let (accepted, replies, wake) = connection.withLock { socket, requests -> (Bool, [Reply], Bool) in
                guard !requests.isClosed else { return (false, [], false) }
                // A reply is matched by the request's id: a second request with it would take the first's.
                guard requests.awaiting[request.id] == nil, !requests.unsent.contains(where: { $0.id == request.id }) else {
                    return (true, [Reply(continuation: continuation, outcome: .failure(
                        .invalidArgument("message \(request.id) is already waiting for its reply")))], false)
                }
                requests.unsent.append(request)
                let replies = Self.pump(socket, &requests, service: service, logger: logger)
                return (true, replies, deadline < requests.nextCheck)
            }
            if !accepted { continuation.resume(throwing: ErrorBody.unavailable("the \(service) client is shut down")) }
            replies.forEach { $0.deliver() }
            if wake { wakeup.signal() }
        }
    }

    /// A reply (or a failure) for its waiting caller, handed over once the lock is released:
    /// a caller resumed under the lock would wake only to wait for it.
    struct Reply {
        let continuation: CheckedContinuation<Message, any Error>
        let outcome: Result<Message, ErrorBody>

        func deliver() { continuation.resume(with: outcome.mapError { $0 as any Error }) }
    }

    /// Sends what waits to be sent, in order, and takes every reply that has arrived for
    /// its caller; then checks `ZMQ_EVENTS`, as libzmq asks before anyone waits on the
    /// socket's descriptor again (the work above may have taken its signal).
    private static func pump(_ socket: ZMQSocket, _ requests: inout Requests, service: String, logger: Logger) -> [Reply] {
        var replies: [Reply] = []
        // Every pass ends on ZMQ_EVENTS or on a receive until EAGAIN (both process the
        // socket's commands); eight passes are more than any state change needs.
        for _ in 0..<8 {
            // With ZMQ_IMMEDIATE nothing queues before a connection exists.
            while let request = requests.unsent.first, (try? socket.send(request.frames, dontWait: true)) != nil {
                requests.unsent.removeFirst()
                requests.awaiting[request.id] = request
            }
            let events = (try? socket.events()) ?? []
            if events.contains(.readable) {
                while let frames = try? socket.receive(dontWait: true) {
                    guard let reply = try? Message(frames: frames[...]),
                          let id = reply.envelope.correlationId,
                          let request = requests.awaiting.removeValue(forKey: id) else {
                        logger.debug("dropped a late or unmatched reply", metadata: ["service": "\(service)"])
                        continue
                    }
                    replies.append(Reply(continuation: request.continuation, outcome: .success(reply)))
                }
                // EAGAIN has processed the socket's commands; with requests still unsent,
                // the next pass asks whether they can go now.
                if requests.unsent.isEmpty { break }
                continue
            }
            guard !requests.unsent.isEmpty, events.contains(.writable) else { break }
        }
        return replies
    }

    /// The I/O thread: collects replies nobody else collected, retries unsent requests and
    /// fails the overdue, sleeping on the socket's descriptor (and the wake-up) in between.
    private static func runIOLoop(connection: ZMQSharedSocket<Requests>, wakeup: PollWakeup, stopping: StopFlag,
                                  service: String, logger: Logger) {
        while !stopping.isStopped {
            let (nextCheck, replies) = connection.withLock { socket, requests -> (ContinuousClock.Instant, [Reply]) in
                var replies = pump(socket, &requests, service: service, logger: logger)
                let now = ContinuousClock.now
                for request in requests.unsent where request.deadline <= now {
                    replies.append(Reply(continuation: request.continuation,
                                         outcome: .failure(.unavailable("\(service) is not reachable"))))
                }
                requests.unsent.removeAll { $0.deadline <= now }
                for (id, request) in requests.awaiting where request.deadline <= now {
                    requests.awaiting.removeValue(forKey: id)
                    replies.append(Reply(continuation: request.continuation,
                                         outcome: .failure(.unavailable("\(service) did not answer in time"))))
                }
                let nearest = (requests.unsent.map(\.deadline) + requests.awaiting.values.map(\.deadline)).min()
                requests.nextCheck = min(now + .seconds(1), nearest ?? now + .seconds(1))
                return (requests.nextCheck, replies)
            }
            replies.forEach { $0.deliver() }
            if waitUntilReadable([connection.fileDescriptor, wakeup.fileDescriptor], until: nextCheck)[1] {
                wakeup.drain()
            }
        }
        let closing = ErrorBody.unavailable("the \(service) client is shut down")
        let abandoned = connection.withLock { socket, requests -> [PendingRequest] in
            requests.isClosed = true
            defer {
                requests.unsent.removeAll()
                requests.awaiting.removeAll()
            }
            socket.close()
            return requests.unsent + Array(requests.awaiting.values)
        }
        for request in abandoned { request.continuation.resume(throwing: closing) }
    }
}
