import CZeroMQ

/// What to wait for on a socket or file descriptor.
public struct ZMQPollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    /// A message can be received.
    public static let readable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent without blocking.
    public static let writable = ZMQPollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// One thing `zmqPoll` waits on: a socket, or a plain file descriptor (e.g. an eventfd).
public enum ZMQPollItem {
    case socket(ZMQSocket, ZMQPollEvents)
    case fileDescriptor(Int32, ZMQPollEvents)
    /// Readable after another thread called `signal()`.
    case wakeup(PollWakeup)
}

/// Waits until at least one item is ready or `timeoutMilliseconds` pass (-1 = forever).
/// Returns the ready events per item, in the order given. Call it on the thread that owns
/// the sockets.
public func zmqPoll(_ items: [ZMQPollItem], timeoutMilliseconds: Int) throws(ZMQError) -> [ZMQPollEvents] {
    var raw = items.map { item -> zmq_pollitem_t in
        switch item {
        case .socket(let socket, let events):
            return zmq_pollitem_t(socket: socket.handle, fd: -1, events: events.rawValue, revents: 0)
        case .fileDescriptor(let fd, let events):
            return zmq_pollitem_t(socket: nil, fd: fd, events: events.rawValue, revents: 0)
        case .wakeup(let wakeup):
            return zmq_pollitem_t(socket: nil, fd: wakeup.fileDescriptor, events: ZMQPollEvents.readable.rawValue, revents: 0)
        }
    }
    while true {
        let result = raw.withUnsafeMutableBufferPointer {
            zmq_poll($0.baseAddress, Int32($0.count), timeoutMilliseconds)
        }
        if result >= 0 { break }
        let error = ZMQError.fromErrno()
        if error != .interrupted { throw error }
    }
    return raw.map { ZMQPollEvents(rawValue: $0.revents) }
}
