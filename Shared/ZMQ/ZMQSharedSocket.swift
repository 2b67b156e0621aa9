import CZeroMQ
import Glibc

/// A socket that several threads use one at a time, together with the state that goes
/// with it (what the socket has sent and waits for).
///
/// libzmq sockets are not thread-safe, but a socket may move between threads through a
/// full memory barrier; every use here holds one lock, which is that barrier. Nobody
/// blocks on the socket while holding the lock: a thread that waits for it polls the
/// socket's `fileDescriptor` (`ZMQ_FD`) without the lock, then takes the lock, works the
/// socket with non-blocking calls and checks `events()` before it waits again.
///
/// This lets the thread that has a message send it itself, instead of handing it to the
/// socket's own thread: one wake-up less for every message.
public final class ZMQSharedSocket<State>: @unchecked Sendable {
    // @unchecked: the socket and the state are only touched holding `mutex`.
    private let socket: ZMQSocket
    private var state: State
    /// A plain pthread mutex: it sleeps at once when taken (Synchronization's Mutex spins
    /// first, which costs more than the short sections here on two cores).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// The socket's `ZMQ_FD`, for `waitUntilReadable`.
    public let fileDescriptor: Int32

    /// Takes over `socket` (no other reference to it may be used afterwards).
    public init(_ socket: ZMQSocket, state: State) throws(ZMQError) {
        self.socket = socket
        self.state = state
        fileDescriptor = try socket.fileDescriptor()
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the socket and the state, holding the lock.
    public func withLock<Result, E: Error>(_ body: (ZMQSocket, inout State) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        socket.adoptCallingThread()
        defer {
            socket.releaseOwnership()  // a reference kept past the lock fails the owner check
            pthread_mutex_unlock(mutex)
        }
        return try body(socket, &state)
    }
}

/// Waits until one of `descriptors` is readable or `deadline` passes (one `poll(2)`, not
/// `zmq_poll`'s two passes; the wait is rounded up to whole milliseconds, so it never ends
/// early); returns which are readable.
public func waitUntilReadable(_ descriptors: [Int32], until deadline: ContinuousClock.Instant) -> [Bool] {
    let left = ContinuousClock.now.duration(to: deadline).components
    let milliseconds = Int32(clamping: max(0, left.seconds * 1_000 + left.attoseconds / 1_000_000_000_000_000 + 1))
    var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let result = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
    guard result > 0 else { return descriptors.map { _ in false } }
    return fds.map { $0.revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 }
}
