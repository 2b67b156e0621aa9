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

/// A ZAP handler (RFC 27) that admits CURVE clients whose public key is on an allow-list
/// and refuses every other client.
///
/// One per context: it binds `inproc://zeromq.zap.01` on its own thread. Start it before
/// any CURVE server socket accepts connections. The allow-list may change while it runs.
public final class ZAPAuthenticator: Sendable {
    private let allowed: Locked<Set<String>>
    private let stopping = StopFlag()
    private let thread: JoinableThread

    /// Starts the handler; returns once it is bound and answering.
    public init(context: ZMQContext, allowedClientKeys: Set<String>) throws(ZMQError) {
        let allowed = Locked(allowedClientKeys)
        self.allowed = allowed
        let bound = Locked<Result<Void, ZMQError>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let stopping = self.stopping
        thread = JoinableThread(name: "zap") {
            let socket: ZMQSocket
            do {
                socket = try ZMQSocket(context, type: .rep)
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

    /// Adds a client public key (Z85) to the allow-list.
    public func allow(_ publicKey: String) { _ = allowed.withLock { $0.insert(publicKey) } }

    /// Removes a client public key (Z85) from the allow-list.
    public func revoke(_ publicKey: String) { _ = allowed.withLock { $0.remove(publicKey) } }

    /// Stops the handler and waits for its thread.
    public func stop() {
        stopping.stop()
        thread.join()
    }

    private static func serve(_ socket: ZMQSocket, allowed: Locked<Set<String>>, stopping: StopFlag) {
        while !stopping.isStopped {
            guard let ready = try? zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 100),
                  ready[0].contains(.readable),
                  let request = try? socket.receive()
            else { continue }
            // version, request id, domain, address, identity, mechanism, credentials...
            let requestID = request.count > 1 ? request[1] : []
            var admitted = false
            if request.count >= 7, request[0] == Array("1.0".utf8), request[5] == Array("CURVE".utf8),
               let key = z85Encode(request[6]) {
                admitted = allowed.withLock { $0.contains(key) }
            }
            let reply: [ZMQFrame] = [
                Array("1.0".utf8), requestID,
                Array((admitted ? "200" : "400").utf8),
                Array((admitted ? "OK" : "client key not allowed").utf8),
                [], [],
            ]
            try? socket.send(reply)
        }
    }
}
