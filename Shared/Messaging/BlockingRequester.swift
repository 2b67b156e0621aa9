import Contracts
import Foundation
import Threading
import ZMQ

/// A request/reply client for code that already runs on its own thread (e.g. a
/// subscriber asking for a replay): blocks the calling thread, which owns its socket —
/// never past the request's deadline, and not at all once `stopping` is set (a shutdown
/// does not wait for a publisher that is not there).
final class BlockingRequester {
    private let socket: ZMQSocket
    private let stopping: StopFlag?
    let service: String

    init(context: ZMQContext, service: String, endpoint: String, security: SocketSecurity, stopping: StopFlag? = nil) throws {
        self.service = service
        self.stopping = stopping
        socket = try ZMQSocket(context, type: .dealer)
        try socket.set(.maxMessageSize(MessagingLimits.maximumMessageBytes))
        try security.apply(to: socket)
        try socket.set(.immediate(true))
        try socket.set(.reconnectInterval(milliseconds: 100))
        try socket.set(.reconnectIntervalMax(milliseconds: 2_000))
        try socket.set(.heartbeatInterval(milliseconds: 2_000))
        try socket.set(.heartbeatTimeout(milliseconds: 6_000))
        try socket.connect(endpoint)
    }

    deinit { socket.close() }

    /// Sends a query and waits up to `timeoutMilliseconds` for its reply; an error reply is
    /// thrown as `ErrorBody`, silence as `unavailable`.
    func query<Request, Reply>(_ query: Query<Request, Reply>, _ request: Request, timeoutMilliseconds: Int = 2_000) throws -> Reply {
        try exchange(.query, query.type, request, as: Reply.self, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Sends a command and waits up to `timeoutMilliseconds` for its reply.
    func command<Request, Reply>(_ command: Command<Request, Reply>, _ request: Request, timeoutMilliseconds: Int = 2_000) throws -> Reply {
        try exchange(.command, command.type, request, as: Reply.self, timeoutMilliseconds: timeoutMilliseconds)
    }

    private func exchange<Request: Encodable, Reply: Decodable>(
        _ kind: MessageKind, _ type: String, _ request: Request, as reply: Reply.Type, timeoutMilliseconds: Int
    ) throws -> Reply {
        let envelope = Envelope(kind: kind, type: type, actor: .system,
                                deadline: Date().addingTimeInterval(Double(timeoutMilliseconds) / 1_000))
        let frames = try Message(envelope: envelope, encoding: request).frames()
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1_000)
        var sent = false
        while Date() < deadline {
            if stopping?.isStopped == true { throw ErrorBody.unavailable("stopping; \(type) to \(service) abandoned") }
            let remaining = max(1, min(100, Int(deadline.timeIntervalSinceNow * 1_000)))
            if !sent {
                sent = try sendIfConnected(frames)
                if !sent {
                    // Not connected yet: wait for the connection, not longer than the deadline.
                    _ = try zmqPoll([.socket(socket, .writable)], timeoutMilliseconds: min(remaining, 50))
                    continue
                }
            }
            guard try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: remaining)[0].contains(.readable) else { continue }
            let received = try socket.receive()
            guard let message = try? Message(frames: received[...]), message.envelope.correlationId == envelope.id else {
                continue  // a late reply to an earlier request
            }
            if message.envelope.status == .error {
                throw (try? ContractJSON.decode(ErrorBody.self, from: message.body)) ?? ErrorBody.internal("unreadable error reply")
            }
            return try message.decodeBody(reply)
        }
        throw ErrorBody.unavailable("\(service) did not answer \(type) in time")
    }

    /// Sends without blocking; false when there is no connection to queue on yet.
    private func sendIfConnected(_ frames: [ZMQFrame]) throws(ZMQError) -> Bool {
        do {
            try socket.send(frames, dontWait: true)
            return true
        } catch {
            if error == .wouldBlock { return false }
            throw error
        }
    }
}
