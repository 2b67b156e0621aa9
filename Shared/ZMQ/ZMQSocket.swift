import CZeroMQ
import Glibc

/// A ZeroMQ socket type.
public enum ZMQSocketType: Sendable {
    case pair, pub, sub, req, rep, dealer, router, pull, push, xpub, xsub

    var rawValue: Int32 {
        switch self {
        case .pair: return ZMQ_PAIR
        case .pub: return ZMQ_PUB
        case .sub: return ZMQ_SUB
        case .req: return ZMQ_REQ
        case .rep: return ZMQ_REP
        case .dealer: return ZMQ_DEALER
        case .router: return ZMQ_ROUTER
        case .pull: return ZMQ_PULL
        case .push: return ZMQ_PUSH
        case .xpub: return ZMQ_XPUB
        case .xsub: return ZMQ_XSUB
        }
    }
}

/// One message frame: raw bytes, of any size.
public typealias ZMQFrame = [UInt8]

/// A libzmq socket, owned by the thread that created it.
///
/// libzmq sockets are not thread-safe, so this type is deliberately not `Sendable`: the
/// compiler refuses to hand it to another thread or task, and every call also checks at
/// run time that it comes from the creating thread. The socket is opened with a bounded
/// LINGER (default 0 ms) so that closing it and terminating the context never hang.
public final class ZMQSocket {
    let handle: UnsafeMutableRawPointer
    private var owner: pthread_t
    private var isClosed = false
    /// The socket type it was created with.
    public let type: ZMQSocketType

    /// Creates a socket in `context`. `linger` bounds how long `close` may wait for unsent
    /// messages (milliseconds).
    public init(_ context: ZMQContext, type: ZMQSocketType, linger: Int32 = 0) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.rawValue) else { throw ZMQError.fromErrno() }
        self.handle = handle
        self.owner = pthread_self()
        self.type = type
        do {
            try ZMQSocketOption.linger(milliseconds: max(0, linger)).apply(to: handle)
        } catch {
            zmq_close(handle)
            throw error
        }
    }

    deinit {
        if !isClosed { zmq_close(handle) }
    }

    /// Makes the calling thread the owner: only `ZMQSharedSocket` does this, holding its
    /// lock, which is the full memory barrier libzmq asks for when a socket changes threads.
    func adoptCallingThread() { owner = pthread_self() }

    /// Makes no thread the owner (`ZMQSharedSocket`, as it releases its lock).
    func releaseOwnership() { owner = pthread_t() }

    /// What the socket can do now without blocking (`ZMQ_EVENTS`). Reading it also
    /// processes the socket's pending commands, which resets `fileDescriptor`'s signal:
    /// check it after every use, before waiting on the descriptor again.
    public func events() throws(ZMQError) -> ZMQPollEvents {
        assertOwner()
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        try check(zmq_getsockopt(handle, ZMQ_EVENTS, &value, &size))
        return ZMQPollEvents(rawValue: Int16(truncatingIfNeeded: value))
    }

    /// The descriptor that becomes readable when `events()` may have changed (`ZMQ_FD`):
    /// edge-like, it says "look again", not "a message is here".
    public func fileDescriptor() throws(ZMQError) -> Int32 {
        assertOwner()
        var value: Int32 = -1
        var size = MemoryLayout<Int32>.size
        try check(zmq_getsockopt(handle, ZMQ_FD, &value, &size))
        return value
    }

    private func assertOwner() {
        precondition(pthread_equal(owner, pthread_self()) != 0,
                     "a ZMQSocket is used only by the thread that created it")
        precondition(!isClosed, "the ZMQSocket is closed")
    }

    /// Sets a socket option.
    public func set(_ option: ZMQSocketOption) throws(ZMQError) {
        assertOwner()
        try option.apply(to: handle)
    }

    /// Binds to an endpoint such as `tcp://127.0.0.1:5555`, `tcp://127.0.0.1:*` or `inproc://name`.
    public func bind(_ endpoint: String) throws(ZMQError) {
        assertOwner()
        try check(zmq_bind(handle, endpoint))
    }

    /// Connects to an endpoint; libzmq connects (and reconnects) in the background.
    public func connect(_ endpoint: String) throws(ZMQError) {
        assertOwner()
        try check(zmq_connect(handle, endpoint))
    }

    /// Disconnects from an endpoint given to `connect`.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        assertOwner()
        try check(zmq_disconnect(handle, endpoint))
    }

    /// The endpoint last bound, with a wildcard port resolved (`ZMQ_LAST_ENDPOINT`).
    public func lastEndpoint() throws(ZMQError) -> String {
        assertOwner()
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        try check(zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size))
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends one multipart message atomically. With `dontWait` a full queue (or, with
    /// `ZMQ_IMMEDIATE`, no connected peer) throws `.wouldBlock` and sends nothing.
    public func send(_ frames: [ZMQFrame], dontWait: Bool = false) throws(ZMQError) {
        assertOwner()
        precondition(!frames.isEmpty, "a message has at least one frame")
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            // Only the first frame may block or fail: once it is queued libzmq accepts the rest.
            if dontWait && index == 0 { flags |= ZMQ_DONTWAIT }
            try sendFrame(frame, flags: flags)
        }
    }

    private func sendFrame(_ frame: ZMQFrame, flags: Int32) throws(ZMQError) {
        while true {
            let result = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            if result >= 0 { return }
            let error = ZMQError.fromErrno()
            if error != .interrupted { throw error }
        }
    }

    /// Receives one whole multipart message. With `dontWait`, throws `.wouldBlock` when
    /// nothing is queued. Frames keep their exact bytes and length.
    public func receive(dontWait: Bool = false) throws(ZMQError) -> [ZMQFrame] {
        try receiveMessage(dontWait: dontWait, readUserID: false).frames
    }

    /// Receives one whole multipart message together with the sender's authenticated
    /// identity: the `User-Id` metadata a ZAP handler set when the peer's connection was
    /// admitted (nil on a connection without authentication).
    public func receiveWithUserID(dontWait: Bool = false) throws(ZMQError) -> (frames: [ZMQFrame], userID: String?) {
        try receiveMessage(dontWait: dontWait, readUserID: true)
    }

    private func receiveMessage(dontWait: Bool, readUserID: Bool) throws(ZMQError) -> (frames: [ZMQFrame], userID: String?) {
        assertOwner()
        var frames: [ZMQFrame] = []
        var userID: String?
        var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            let received = zmq_msg_recv(&message, handle, flags)
            if received == -1 {
                let error = ZMQError.fromErrno()
                if error == .interrupted { continue }
                throw error
            }
            // A ROUTER's routing-id frame is made locally and has no metadata: ask each frame.
            if readUserID && userID == nil, let property = zmq_msg_gets(&message, "User-Id") {
                let text = String(cString: property)
                userID = text.isEmpty ? nil : text
            }
            let size = zmq_msg_size(&message)
            let frame = ZMQFrame(unsafeUninitializedCapacity: size) { buffer, count in
                if size > 0, let data = zmq_msg_data(&message) {
                    buffer.baseAddress!.initialize(from: data.assumingMemoryBound(to: UInt8.self), count: size)
                }
                count = size
            }
            frames.append(frame)
            if zmq_msg_more(&message) == 0 { return (frames, userID) }
            flags = 0  // the remaining parts of a message are already here
        }
    }

    /// Closes the socket now. Later use is a programming error.
    public func close() {
        assertOwner()
        isClosed = true
        zmq_close(handle)
    }
}

@available(*, unavailable, message: "a ZMQSocket belongs to the thread that created it")
extension ZMQSocket: Sendable {}
