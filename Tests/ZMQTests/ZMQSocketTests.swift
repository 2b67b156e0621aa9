import Threading
import XCTest
@testable import ZMQ

final class ZMQSocketTests: XCTestCase {
    private var context: ZMQContext!

    override func setUpWithError() throws { context = try ZMQContext() }
    override func tearDown() { context.terminate() }

    /// Receives with a deadline so a broken test fails instead of hanging.
    private func receive(_ socket: ZMQSocket, within milliseconds: Int = 5_000) throws -> [ZMQFrame] {
        let ready = try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: milliseconds)
        guard ready[0].contains(.readable) else {
            XCTFail("nothing arrived within \(milliseconds) ms")
            throw ZMQError.wouldBlock
        }
        return try socket.receive()
    }

    private func boundRouter() throws -> (ZMQSocket, String) {
        let router = try ZMQSocket(context, type: .router)
        try router.set(.routerMandatory(true))
        try router.bind("tcp://127.0.0.1:*")
        return (router, try router.lastEndpoint())
    }

    func testDealerRouterRoundTripKeepsFramesAndRoutesReplyBack() throws {
        let (router, endpoint) = try boundRouter()
        let dealer = try ZMQSocket(context, type: .dealer)
        try dealer.set(.routingID(Array("client-1".utf8)))
        try dealer.connect(endpoint)

        try dealer.send([Array("hello".utf8), Array("world".utf8)])
        let request = try receive(router)
        XCTAssertEqual(request, [Array("client-1".utf8), Array("hello".utf8), Array("world".utf8)])

        try router.send([request[0], Array("reply".utf8)])
        XCTAssertEqual(try receive(dealer), [Array("reply".utf8)])
    }

    func testRouterMandatoryReportsUnknownPeer() throws {
        let (router, _) = try boundRouter()
        XCTAssertThrowsError(try router.send([Array("nobody".utf8), [1]], dontWait: true)) { error in
            XCTAssertEqual(error as? ZMQError, .hostUnreachable)
        }
    }

    func testPublishSubscribeDeliversOnlySubscribedTopics() throws {
        let publisher = try ZMQSocket(context, type: .pub)
        try publisher.bind("tcp://127.0.0.1:*")
        let subscriber = try ZMQSocket(context, type: .sub)
        try subscriber.set(.subscribe(Array("invoice.".utf8)))
        try subscriber.connect(try publisher.lastEndpoint())

        // A subscription takes a moment to reach the publisher (the "slow joiner"):
        // publish until the first message arrives, bounded by a deadline.
        var received: [ZMQFrame]?
        for _ in 0..<100 where received == nil {
            try publisher.send([Array("customer.created".utf8), [0]])
            try publisher.send([Array("invoice.created".utf8), [1]])
            if try zmqPoll([.socket(subscriber, .readable)], timeoutMilliseconds: 50)[0].contains(.readable) {
                received = try subscriber.receive()
            }
        }
        XCTAssertEqual(received, [Array("invoice.created".utf8), [1]])
    }

    func testLargeAndNonASCIIFramesArriveIntact() throws {
        let (router, endpoint) = try boundRouter()
        let dealer = try ZMQSocket(context, type: .dealer)
        try dealer.connect(endpoint)

        var large = ZMQFrame(repeating: 0, count: 4 * 1024 * 1024)
        for index in large.indices { large[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
        let text = Array("Zahlung erhalten — 请付款 — 💶 ñ".utf8)
        let binary: ZMQFrame = [0, 255, 0, 10, 13, 0]
        try dealer.send([large, text, binary, []])

        let frames = try receive(router)
        XCTAssertEqual(frames.count, 5)
        XCTAssertEqual(frames[1].count, large.count)
        XCTAssertEqual(frames[1], large)
        XCTAssertEqual(String(decoding: frames[2], as: UTF8.self), "Zahlung erhalten — 请付款 — 💶 ñ")
        XCTAssertEqual(frames[3], binary)
        XCTAssertEqual(frames[4], [])
    }

    func testNonBlockingReceiveOnEmptyQueueThrowsWouldBlock() throws {
        let (router, _) = try boundRouter()
        XCTAssertThrowsError(try router.receive(dontWait: true)) { error in
            XCTAssertEqual(error as? ZMQError, .wouldBlock)
        }
    }

    func testImmediateDealerWithoutPeerRefusesToQueue() throws {
        let dealer = try ZMQSocket(context, type: .dealer)
        try dealer.set(.immediate(true))
        try dealer.connect("tcp://127.0.0.1:1")  // nothing listens there
        XCTAssertThrowsError(try dealer.send([[1]], dontWait: true)) { error in
            XCTAssertEqual(error as? ZMQError, .wouldBlock)
        }
    }

    func testInvalidEndpointIsATypedError() throws {
        let socket = try ZMQSocket(context, type: .dealer)
        XCTAssertThrowsError(try socket.connect("not-an-endpoint"))
        XCTAssertThrowsError(try socket.set(.curveServerKey("short")))
    }

    func testClosingWithUnsentMessagesAndTerminatingNeverHangs() throws {
        let finished = JoinableThread(name: "shutdown-test") {
            do {
                let context = try ZMQContext()
                let dealer = try ZMQSocket(context, type: .dealer, linger: 100)
                try dealer.connect("tcp://127.0.0.1:1")  // never connects: messages stay queued
                for _ in 0..<100 { try dealer.send([Array(repeating: 1, count: 1000)]) }
                dealer.close()
                context.terminate()
            } catch {
                XCTFail("unexpected \(error)")
            }
        }
        XCTAssertTrue(finished.join(timeoutSeconds: 5), "close + terminate hung")
    }

    func testTerminatingContextWakesABlockedReceiver() throws {
        let context = try ZMQContext()
        let outcome = Locked<ZMQError?>(nil)
        let receiver = JoinableThread(name: "blocked-receiver") {
            guard let socket = try? ZMQSocket(context, type: .pull) else { return }
            defer { socket.close() }
            do {
                _ = try socket.receive()
            } catch let error as ZMQError {
                outcome.withLock { $0 = error }
            } catch {}
        }
        Thread.sleep(forTimeInterval: 0.1)  // let the receiver block (nothing to poll for)
        let terminator = JoinableThread(name: "terminator") { context.terminate() }
        XCTAssertTrue(receiver.join(timeoutSeconds: 5))
        XCTAssertTrue(terminator.join(timeoutSeconds: 5))
        XCTAssertEqual(outcome.value, .contextTerminated)
    }
}
