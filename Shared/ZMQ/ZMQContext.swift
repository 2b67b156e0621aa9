import CZeroMQ
import Threading

/// A libzmq context: one per process.
///
/// Thread-safety: libzmq contexts are thread-safe, so this type is `Sendable`. Sockets made
/// from it are not. Terminate it last, after every socket is closed; `terminate()` blocks
/// until then, which is why sockets are always opened with a bounded LINGER.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let terminated = Locked(false)

    /// Creates a context with `ioThreads` background I/O threads.
    public init(ioThreads: Int32 = 1) throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError.fromErrno() }
        self.handle = handle
        try check(zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads))
        // Blocking calls must never outlive shutdown: make the default linger finite.
        try check(zmq_ctx_set(handle, ZMQ_BLOCKY, 0))
    }

    /// Terminates the context. Blocking calls in other threads return `.contextTerminated`;
    /// returns once every socket of this context is closed. Safe to call more than once.
    public func terminate() {
        let alreadyTerminated = terminated.withLock { value in
            defer { value = true }
            return value
        }
        if alreadyTerminated { return }
        while zmq_ctx_term(handle) == -1 && czmq_errno() == EINTR {}
    }

    deinit { terminate() }

    /// The libzmq library version as `(major, minor, patch)`.
    public static var version: (major: Int32, minor: Int32, patch: Int32) {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (major, minor, patch)
    }

    /// Whether libzmq was built with a capability such as `"curve"`.
    public static func has(_ capability: String) -> Bool { zmq_has(capability) == 1 }
}
