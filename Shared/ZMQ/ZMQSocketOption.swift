import CZeroMQ

/// A typed libzmq socket option. Each case names the libzmq option it sets.
public enum ZMQSocketOption: Sendable {
    /// `ZMQ_LINGER`: how long unsent messages may delay `close` (ms; never -1 here).
    case linger(milliseconds: Int32)
    /// `ZMQ_SNDHWM`: the send high-water mark (messages).
    case sendHighWaterMark(Int32)
    /// `ZMQ_RCVHWM`: the receive high-water mark (messages).
    case receiveHighWaterMark(Int32)
    /// `ZMQ_SNDTIMEO`: blocking send timeout (ms, -1 = forever).
    case sendTimeout(milliseconds: Int32)
    /// `ZMQ_RCVTIMEO`: blocking receive timeout (ms, -1 = forever).
    case receiveTimeout(milliseconds: Int32)
    /// `ZMQ_MAXMSGSIZE`: a peer that sends a larger message is disconnected (bytes, -1 = no limit).
    case maxMessageSize(Int64)
    /// `ZMQ_IMMEDIATE`: queue messages only on completed connections.
    case immediate(Bool)
    /// `ZMQ_ROUTER_MANDATORY`: a ROUTER reports unroutable messages (`EHOSTUNREACH`).
    case routerMandatory(Bool)
    /// `ZMQ_HEARTBEAT_IVL`: ZMTP heartbeat interval (ms).
    case heartbeatInterval(milliseconds: Int32)
    /// `ZMQ_HEARTBEAT_TIMEOUT`: drop a peer silent for this long (ms).
    case heartbeatTimeout(milliseconds: Int32)
    /// `ZMQ_HEARTBEAT_TTL`: the remote's timeout for us (ms).
    case heartbeatTTL(milliseconds: Int32)
    /// `ZMQ_RECONNECT_IVL`: the first reconnect interval (ms).
    case reconnectInterval(milliseconds: Int32)
    /// `ZMQ_RECONNECT_IVL_MAX`: the upper bound of exponential reconnect back-off (ms).
    case reconnectIntervalMax(milliseconds: Int32)
    /// `ZMQ_ROUTING_ID`: this socket's identity as seen by a ROUTER peer.
    case routingID([UInt8])
    /// `ZMQ_SUBSCRIBE`: a SUB socket's topic prefix (empty = everything).
    case subscribe([UInt8])
    /// `ZMQ_UNSUBSCRIBE`.
    case unsubscribe([UInt8])
    /// `ZMQ_CURVE_SERVER`: this socket is the CURVE server side.
    case curveServer(Bool)
    /// `ZMQ_CURVE_SECRETKEY`: our secret key (Z85, 40 characters).
    case curveSecretKey(String)
    /// `ZMQ_CURVE_PUBLICKEY`: our public key (Z85, 40 characters).
    case curvePublicKey(String)
    /// `ZMQ_CURVE_SERVERKEY`: the server's public key, on a CURVE client (Z85).
    case curveServerKey(String)
    /// `ZMQ_ZAP_DOMAIN`: the ZAP domain this socket authenticates in.
    case zapDomain(String)

    /// Applies the option to a raw libzmq socket.
    func apply(to socket: UnsafeMutableRawPointer) throws(ZMQError) {
        switch self {
        case .linger(let ms): try setInt(socket, ZMQ_LINGER, ms)
        case .sendHighWaterMark(let n): try setInt(socket, ZMQ_SNDHWM, n)
        case .receiveHighWaterMark(let n): try setInt(socket, ZMQ_RCVHWM, n)
        case .sendTimeout(let ms): try setInt(socket, ZMQ_SNDTIMEO, ms)
        case .receiveTimeout(let ms): try setInt(socket, ZMQ_RCVTIMEO, ms)
        case .maxMessageSize(let bytes): try setInt64(socket, ZMQ_MAXMSGSIZE, bytes)
        case .immediate(let on): try setInt(socket, ZMQ_IMMEDIATE, on ? 1 : 0)
        case .routerMandatory(let on): try setInt(socket, ZMQ_ROUTER_MANDATORY, on ? 1 : 0)
        case .heartbeatInterval(let ms): try setInt(socket, ZMQ_HEARTBEAT_IVL, ms)
        case .heartbeatTimeout(let ms): try setInt(socket, ZMQ_HEARTBEAT_TIMEOUT, ms)
        case .heartbeatTTL(let ms): try setInt(socket, ZMQ_HEARTBEAT_TTL, ms)
        case .reconnectInterval(let ms): try setInt(socket, ZMQ_RECONNECT_IVL, ms)
        case .reconnectIntervalMax(let ms): try setInt(socket, ZMQ_RECONNECT_IVL_MAX, ms)
        case .routingID(let id): try setBytes(socket, ZMQ_ROUTING_ID, id)
        case .subscribe(let topic): try setBytes(socket, ZMQ_SUBSCRIBE, topic)
        case .unsubscribe(let topic): try setBytes(socket, ZMQ_UNSUBSCRIBE, topic)
        case .curveServer(let on): try setInt(socket, ZMQ_CURVE_SERVER, on ? 1 : 0)
        case .curveSecretKey(let key): try setZ85Key(socket, ZMQ_CURVE_SECRETKEY, key)
        case .curvePublicKey(let key): try setZ85Key(socket, ZMQ_CURVE_PUBLICKEY, key)
        case .curveServerKey(let key): try setZ85Key(socket, ZMQ_CURVE_SERVERKEY, key)
        case .zapDomain(let domain): try setBytes(socket, ZMQ_ZAP_DOMAIN, Array(domain.utf8))
        }
    }
}

private func setInt(_ socket: UnsafeMutableRawPointer, _ option: Int32, _ value: Int32) throws(ZMQError) {
    var value = value
    try check(zmq_setsockopt(socket, option, &value, MemoryLayout<Int32>.size))
}

private func setInt64(_ socket: UnsafeMutableRawPointer, _ option: Int32, _ value: Int64) throws(ZMQError) {
    var value = value
    try check(zmq_setsockopt(socket, option, &value, MemoryLayout<Int64>.size))
}

private func setBytes(_ socket: UnsafeMutableRawPointer, _ option: Int32, _ bytes: [UInt8]) throws(ZMQError) {
    let result = bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
    try check(result)
}

private func setZ85Key(_ socket: UnsafeMutableRawPointer, _ option: Int32, _ key: String) throws(ZMQError) {
    guard key.utf8.count == 40 else {
        throw ZMQError.invalidArgument("a CURVE key in Z85 has 40 characters, got \(key.utf8.count)")
    }
    // libzmq reads a 40-byte Z85 key only when given 41 bytes including the terminator.
    var bytes = Array(key.utf8)
    bytes.append(0)
    try setBytes(socket, option, bytes)
}
