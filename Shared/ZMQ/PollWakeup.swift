import CZeroMQ

/// An eventfd that other threads signal to wake a thread blocked in `zmqPoll`: the way to
/// hand work to the thread that owns a socket without touching the socket.
public final class PollWakeup: Sendable {
    /// The eventfd, for `waitUntilReadable`.
    public let fileDescriptor: Int32

    public init() throws(ZMQError) {
        fileDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fileDescriptor >= 0 else { throw ZMQError.fromErrno() }
    }

    deinit { close(fileDescriptor) }

    /// Wakes the polling thread (from any thread).
    public func signal() {
        var one: UInt64 = 1
        _ = write(fileDescriptor, &one, MemoryLayout<UInt64>.size)
    }

    /// Clears pending signals (on the polling thread, after it woke).
    public func drain() {
        var counter: UInt64 = 0
        _ = read(fileDescriptor, &counter, MemoryLayout<UInt64>.size)
    }
}
