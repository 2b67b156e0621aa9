import Contracts
import Foundation
import Logging
import Metrics
import Threading
import ZMQ

/// Sends commands and queries to one service and awaits their replies, from Swift
/// concurrency, without blocking the cooperative thread pool.
///
/// One DEALER socket (`ZMQ_IMMEDIATE`, heartbeats, bounded reconnect back-off) is owned by
/// one I/O thread. Callers hand requests over through a locked queue and an eventfd; the
/// I/O thread sends them, matches replies by correlation id, and fails requests whose
/// deadline passes with `unavailable`. A request that could not be delivered yet (service
/// not connected) keeps trying until its deadline. Retrying after a timeout is the
/// caller's choice: commands carry an idempotency key, so a retry is safe.
public final class CommandClient: ServiceCaller {
    /// The service's name, for error messages (e.g. `invoice`).
    public let service: String
    public let defaultTimeout: Duration
    private let inbox = Locked(Inbox())
    private let wakeup: PollWakeup
    private let stopping = StopFlag()
    private let thread: JoinableThread

    /// Requests handed to the I/O thread; `isClosed` once it has stopped taking them.
    struct Inbox: Sendable {
        var requests: [PendingRequest] = []
        var isClosed = false
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
        let wakeup = try PollWakeup()
        self.wakeup = wakeup
        let started = StartupGate<Void>()
        let inbox = self.inbox
        let stopping = self.stopping
        thread = JoinableThread(name: "client-\(service)") {
            IOLoop(context: context, service: service, endpoint: endpoint, security: security,
                   maximumMessageBytes: maximumMessageBytes, wakeup: wakeup, inbox: inbox, stopping: stopping,
                   logger: logger).run(started: started)
        }
        try started.wait()
    }

    /// Stops the I/O thread; pending requests fail with `unavailable`. Safe to call twice.
    public func shutdown() {
        guard !stopping.isStopped else { return }
        stopping.stop()
        wake()
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
        return try await withCheckedThrowingContinuation { continuation in
            let request = PendingRequest(id: envelope.id, frames: frames, deadline: deadline, continuation: continuation)
            let accepted = inbox.withLock { inbox -> Bool in
                guard !inbox.isClosed else { return false }
                inbox.requests.append(request)
                return true
            }
            if accepted {
                wake()
            } else {
                continuation.resume(throwing: ErrorBody.unavailable("the \(service) client is shut down"))
            }
        }
    }

    private func wake() { wakeup.signal() }
}

/// The client's I/O thread: the only code that touches its DEALER socket.
private struct IOLoop {
    let context: ZMQContext
    let service: String
    let endpoint: String
    let security: SocketSecurity
    let maximumMessageBytes: Int64
    let wakeup: PollWakeup
    let inbox: Locked<CommandClient.Inbox>
    let stopping: StopFlag
    let logger: Logger

    func run(started: StartupGate<Void>) {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context, type: .dealer)
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
            started.succeed(())
        } catch {
            started.fail(error)
            return
        }
        defer { socket.close() }

        var unsent: [CommandClient.PendingRequest] = []
        var awaiting: [MessageID: CommandClient.PendingRequest] = [:]
        while !stopping.isStopped {
            let now = ContinuousClock.now
            let nearest = (unsent.map(\.deadline) + awaiting.values.map(\.deadline)).min()
            let timeout = nearest.map { max(0, min(1_000, milliseconds(from: now, to: $0))) } ?? 1_000
            var items: [ZMQPollItem] = [.socket(socket, unsent.isEmpty ? .readable : [.readable, .writable]),
                                        .wakeup(wakeup)]
            guard let ready = try? zmqPoll(items, timeoutMilliseconds: timeout) else { break }
            items.removeAll()
            if ready[1].contains(.readable) {
                wakeup.drain()
                unsent += inbox.withLock { inbox in
                    defer { inbox.requests.removeAll(keepingCapacity: true) }
                    return inbox.requests
                }
            }
            // Send what can be sent; with ZMQ_IMMEDIATE nothing queues before a connection exists.
            while let request = unsent.first {
                do {
                    try socket.send(request.frames, dontWait: true)
                    unsent.removeFirst()
                    awaiting[request.id] = request
                } catch {
                    break
                }
            }
            if ready[0].contains(.readable) {
                while let frames = try? socket.receive(dontWait: true) {
                    guard let reply = try? Message(frames: frames[...]),
                          let id = reply.envelope.correlationId,
                          let request = awaiting.removeValue(forKey: id) else {
                        logger.debug("dropped a late or unmatched reply", metadata: ["service": "\(service)"])
                        continue
                    }
                    request.continuation.resume(returning: reply)
                }
            }
            let expiry = ContinuousClock.now
            for request in unsent where request.deadline <= expiry {
                request.continuation.resume(throwing: ErrorBody.unavailable("\(service) is not reachable"))
            }
            unsent.removeAll { $0.deadline <= expiry }
            for (id, request) in awaiting where request.deadline <= expiry {
                awaiting.removeValue(forKey: id)
                request.continuation.resume(throwing: ErrorBody.unavailable("\(service) did not answer in time"))
            }
        }
        let closing = ErrorBody.unavailable("the \(service) client is shut down")
        let queued = inbox.withLock { inbox in
            inbox.isClosed = true
            return inbox.requests
        }
        for request in unsent + Array(awaiting.values) + queued {
            request.continuation.resume(throwing: closing)
        }
    }

    private func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Int {
        let duration = start.duration(to: end)
        return Int(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000) + 1
    }
}
