import XCTest
@testable import ZMQ

final class CurveTests: XCTestCase {
    func testCurveIsAvailable() {
        XCTAssertTrue(ZMQContext.has("curve"), "libzmq must be built with CURVE (Debian's is)")
    }

    func testGeneratedKeysAreZ85AndDistinct() throws {
        let first = try CurveKeyPair.generate()
        let second = try CurveKeyPair.generate()
        XCTAssertEqual(first.publicKey.utf8.count, 40)
        XCTAssertEqual(first.secretKey.utf8.count, 40)
        XCTAssertNotEqual(first, second)
    }

    func testPublicKeyIsDerivedFromTheSecretKey() throws {
        let pair = try CurveKeyPair.generate()
        XCTAssertEqual(try CurveKeyPair(secretKey: pair.secretKey), pair)
        XCTAssertThrowsError(try CurveKeyPair(secretKey: "short"))
    }

    /// A CURVE server with the allow-list; returns the replies a client got (nil = refused)
    /// and the identity the server saw.
    private func exchange(clientKeys: CurveKeyPair, allowed: [String: String]) throws -> (reply: [ZMQFrame], userID: String?)? {
        let context = try ZMQContext()
        defer { context.terminate() }
        let authenticator = try ZAPAuthenticator(context: context, clients: allowed)
        defer { authenticator.stop() }

        let serverKeys = try CurveKeyPair.generate()
        let server = try ZMQSocket(context, type: .router)
        defer { server.close() }
        try SocketSecurity.curveServer(serverKeys, authenticator: authenticator).apply(to: server)
        try server.bind("tcp://127.0.0.1:*")

        let client = try ZMQSocket(context, type: .dealer)
        defer { client.close() }
        try SocketSecurity.curveClient(clientKeys, serverKey: serverKeys.publicKey).apply(to: client)
        try client.connect(try server.lastEndpoint())
        try client.send([Array("ping".utf8)])

        guard try zmqPoll([.socket(server, .readable)], timeoutMilliseconds: 1_000)[0].contains(.readable) else {
            return nil
        }
        let (request, userID) = try server.receiveWithUserID()
        try server.send([request[0], Array("pong".utf8)])
        guard try zmqPoll([.socket(client, .readable)], timeoutMilliseconds: 2_000)[0].contains(.readable) else {
            return nil
        }
        return (try client.receive(), userID)
    }

    func testAllowedClientKeyTalksAndCarriesItsIdentity() throws {
        let clientKeys = try CurveKeyPair.generate()
        let outcome = try exchange(clientKeys: clientKeys, allowed: [clientKeys.publicKey: "gateway"])
        XCTAssertEqual(outcome?.reply, [Array("pong".utf8)])
        XCTAssertEqual(outcome?.userID, "gateway")
    }

    func testUnknownClientKeyIsRefused() throws {
        let clientKeys = try CurveKeyPair.generate()
        let someoneElse = try CurveKeyPair.generate()
        XCTAssertNil(try exchange(clientKeys: clientKeys, allowed: [someoneElse.publicKey: "history"]))
    }

    func testOversizedMessageDisconnectsTheSender() throws {
        let context = try ZMQContext()
        defer { context.terminate() }
        let server = try ZMQSocket(context, type: .router)
        defer { server.close() }
        try server.set(.maxMessageSize(1_024))
        try server.bind("tcp://127.0.0.1:*")
        let client = try ZMQSocket(context, type: .dealer)
        defer { client.close() }
        try client.connect(try server.lastEndpoint())
        try client.send([ZMQFrame(repeating: 7, count: 4_096)])
        XCTAssertFalse(try zmqPoll([.socket(server, .readable)], timeoutMilliseconds: 500)[0].contains(.readable),
                       "the oversized message never arrives")
        let other = try ZMQSocket(context, type: .dealer)
        defer { other.close() }
        try other.connect(try server.lastEndpoint())
        try other.send([Array("small".utf8)])
        XCTAssertTrue(try zmqPoll([.socket(server, .readable)], timeoutMilliseconds: 2_000)[0].contains(.readable))
        XCTAssertEqual(try server.receive().last, Array("small".utf8), "the server goes on serving others")
    }
}
