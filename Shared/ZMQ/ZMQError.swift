import CZeroMQ

/// An error reported by libzmq, classified from `errno`.
///
/// The cases that callers act on have their own names; everything else is `.other`
/// with the errno and libzmq's own text.
public enum ZMQError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `EAGAIN`: a non-blocking send or receive could not proceed, or a timeout expired.
    case wouldBlock
    /// `EHOSTUNREACH`: a ROUTER with `ZMQ_ROUTER_MANDATORY` has no peer with that routing id.
    case hostUnreachable
    /// `ETERM`: the context is being terminated; the socket must be closed.
    case contextTerminated
    /// `EINTR`: a signal interrupted the call.
    case interrupted
    /// `EFSM`: the socket's state machine forbids the operation now (e.g. REQ sending twice).
    case invalidState
    /// `EINVAL`: an invalid argument (unknown option, malformed endpoint, bad key, ...).
    case invalidArgument(String)
    /// Any other errno.
    case other(errno: Int32, message: String)

    /// Builds the error for the current thread's `errno` after a failed libzmq call.
    static func fromErrno(_ code: Int32 = czmq_errno()) -> ZMQError {
        switch code {
        case EAGAIN: return .wouldBlock
        case EHOSTUNREACH: return .hostUnreachable
        case ETERM: return .contextTerminated
        case EINTR: return .interrupted
        case EFSM: return .invalidState
        case EINVAL: return .invalidArgument(String(cString: zmq_strerror(code)))
        default: return .other(errno: code, message: String(cString: zmq_strerror(code)))
        }
    }

    public var description: String {
        switch self {
        case .wouldBlock: return "ZMQ: resource temporarily unavailable (EAGAIN)"
        case .hostUnreachable: return "ZMQ: host unreachable (EHOSTUNREACH)"
        case .contextTerminated: return "ZMQ: context terminated (ETERM)"
        case .interrupted: return "ZMQ: interrupted (EINTR)"
        case .invalidState: return "ZMQ: operation not valid in the socket's state (EFSM)"
        case .invalidArgument(let message): return "ZMQ: invalid argument: \(message)"
        case .other(let errno, let message): return "ZMQ: \(message) (errno \(errno))"
        }
    }
}

/// Throws the current errno as a `ZMQError` when a libzmq call returned -1.
@inline(__always)
func check(_ result: Int32) throws(ZMQError) {
    if result == -1 { throw ZMQError.fromErrno() }
}
