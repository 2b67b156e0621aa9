import CZeroMQ
import Dispatch
import Threading

/// A CURVE key pair in Z85 text (40 characters each).
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: String
    public let secretKey: String

    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Generates a fresh key pair (libzmq must be built with CURVE, as Debian's is).
    public static func generate() throws(ZMQError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        try check(zmq_curve_keypair(&publicKey, &secretKey))
        return CurveKeyPair(publicKey: string(publicKey), secretKey: string(secretKey))
    }

    /// The key pair of a secret key (Z85): its public key is derived from it.
    public init(secretKey: String) throws(ZMQError) {
        guard secretKey.utf8.count == 40 else {
            throw ZMQError.invalidArgument("a CURVE key in Z85 has 40 characters, got \(secretKey.utf8.count)")
        }
        var publicKey = [CChar](repeating: 0, count: 41)
        try check(zmq_curve_public(&publicKey, secretKey))
        self.init(publicKey: string(publicKey), secretKey: secretKey)
    }
}

/// Encodes raw key bytes (32) as Z85 text.
func z85Encode(_ bytes: [UInt8]) -> String? {
    guard bytes.count % 4 == 0 else { return nil }
    var out = [CChar](repeating: 0, count: bytes.count * 5 / 4 + 1)
    guard zmq_z85_encode(&out, bytes, bytes.count) != nil else { return nil }
    return string(out)
}

private func string(_ chars: [CChar]) -> String {
    String(decoding: chars.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A ZAP handler (RFC 27) that admits CURVE clients whose public key it knows, and
/// refuses every other client. An admitted connection's messages carry the identity the
/// key is registered under as their `User-Id` metadata (`ZMQSocket.receiveWithUserID`):
/// the server learns who is calling from the connection, not from anything the caller
/// writes into a message.
///
/// One per context: it binds `inproc://zeromq.zap.01` on its own thread. Start it before
/// any CURVE server socket of the context binds (`SocketSecurity.curveServer` needs it).
/// The allow-list may change while it runs.
public final class ZAPAuthenticator: Sendable {
    private let allowed: Locked<[String: String]>
    private let stopping = StopFlag()
    private let thread: JoinableThread

    /// Starts the handler; returns once it is bound and answering. `clients` maps a client's
    /// public key (Z85) to the identity its messages carry (e.g. `gateway`).
    public init(context: ZMQContext, clients: [String: String]) throws(ZMQError) {
        let allowed = Locked(clients)
        self.allowed = allowed
        let bound = Locked<Result<Void, ZMQError>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let stopping = self.stopping
        thread = JoinableThread(name: "zap") {
            let socket: ZMQSocket
            do {
                socket = try ZMQSocket(context, type: .rep)
                try socket.set(.maxMessageSize(4_096))
                try socket.bind("inproc://zeromq.zap.01")
                bound.withLock { $0 = .success(()) }
                ready.signal()
            } catch let error as ZMQError {
                bound.withLock { $0 = .failure(error) }
                ready.signal()
                return
            } catch {
                bound.withLock { $0 = .failure(.other(errno: -1, message: "\(error)")) }
                ready.signal()
                return
            }
            defer { socket.close() }
            Self.serve(socket, allowed: allowed, stopping: stopping)
        }
        ready.wait()
        if case .failure(let error)? = bound.value { throw error }
    }

    /// Admits a client public key (Z85) under `identity`.
    public func allow(_ publicKey: String, as identity: String) { allowed.withLock { $0[publicKey] = identity } }

    /// Removes a client public key (Z85) from the allow-list; new connections with it are refused.
    public func revoke(_ publicKey: String) { _ = allowed.withLock { $0.removeValue(forKey: publicKey) } }

    /// Stops the handler and waits for its thread.
    public func stop() {
        stopping.stop()
        thread.join()
    }

    private static func serve(_ socket: ZMQSocket, allowed: Locked<[String: String]>, stopping: StopFlag) {
        while !stopping.isStopped {
            guard let ready = try? zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 100),
                  ready[0].contains(.readable),
                  let request = try? socket.receive()
            else { continue }
            // version, request id, domain, address, identity, mechanism, credentials...
            let requestID = request.count > 1 ? request[1] : []
            var identity: String?
            if request.count >= 7, request[0] == Array("1.0".utf8), request[5] == Array("CURVE".utf8),
               let key = z85Encode(request[6]) {
                identity = allowed.withLock { $0[key] }
            }
            let reply: [ZMQFrame] = [
                Array("1.0".utf8), requestID,
                Array((identity != nil ? "200" : "400").utf8),
                Array((identity != nil ? "OK" : "client key not allowed").utf8),
                Array((identity ?? "").utf8), [],
            ]
            try? socket.send(reply, dontWait: true)
        }
    }
}

/// How a socket authenticates: not at all (in-process tests only), or CURVE.
public enum SocketSecurity: Sendable {
    /// No authentication or encryption.
    case none
    /// The server side: our key pair; clients are admitted by `authenticator`, which must
    /// run on the same context (so no CURVE server can exist without an admission check).
    case curveServer(CurveKeyPair, authenticator: ZAPAuthenticator)
    /// The client side: our key pair and the server's public key.
    case curveClient(CurveKeyPair, serverKey: String)

    /// Whether the socket authenticates its peers (a server socket then expects `User-Id`).
    public var isAuthenticated: Bool {
        if case .none = self { return false }
        return true
    }

    /// Sets the socket's CURVE options; call before `bind` or `connect`.
    public func apply(to socket: ZMQSocket) throws(ZMQError) {
        switch self {
        case .none:
            return
        case .curveServer(let keys, _):
            try socket.set(.curveServer(true))
            try socket.set(.curveSecretKey(keys.secretKey))
            try socket.set(.zapDomain("ar"))
        case .curveClient(let keys, let serverKey):
            try socket.set(.curveServerKey(serverKey))
            try socket.set(.curvePublicKey(keys.publicKey))
            try socket.set(.curveSecretKey(keys.secretKey))
        }
    }
}
