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

    /// A CURVE server with the allow-list; returns the replies a client got (nil = refused).
    private func exchange(clientKeys: CurveKeyPair, allowed: Set<String>) throws -> [ZMQFrame]? {
        let context = try ZMQContext()
        defer { context.terminate() }
        let authenticator = try ZAPAuthenticator(context: context, allowedClientKeys: allowed)
        defer { authenticator.stop() }

        let serverKeys = try CurveKeyPair.generate()
        let server = try ZMQSocket(context, type: .router)
        defer { server.close() }
        try server.set(.curveServer(true))
        try server.set(.curveSecretKey(serverKeys.secretKey))
        try server.set(.zapDomain("services"))
        try server.bind("tcp://127.0.0.1:*")

        let client = try ZMQSocket(context, type: .dealer)
        defer { client.close() }
        try client.set(.curveServerKey(serverKeys.publicKey))
        try client.set(.curvePublicKey(clientKeys.publicKey))
        try client.set(.curveSecretKey(clientKeys.secretKey))
        try client.connect(try server.lastEndpoint())
        try client.send([Array("ping".utf8)])

        guard try zmqPoll([.socket(server, .readable)], timeoutMilliseconds: 1_000)[0].contains(.readable) else {
            return nil
        }
        let request = try server.receive()
        try server.send([request[0], Array("pong".utf8)])
        guard try zmqPoll([.socket(client, .readable)], timeoutMilliseconds: 2_000)[0].contains(.readable) else {
            return nil
        }
        return try client.receive()
    }

    func testAllowedClientKeyTalks() throws {
        let clientKeys = try CurveKeyPair.generate()
        XCTAssertEqual(try exchange(clientKeys: clientKeys, allowed: [clientKeys.publicKey]),
                       [Array("pong".utf8)])
    }

    func testUnknownClientKeyIsRefused() throws {
        let clientKeys = try CurveKeyPair.generate()
        let someoneElse = try CurveKeyPair.generate()
        XCTAssertNil(try exchange(clientKeys: clientKeys, allowed: [someoneElse.publicKey]))
    }
}
