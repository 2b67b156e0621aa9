import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import TestSupport
import Threading
import XCTest
import ZMQ

final class EventFlowTests: XCTestCase {
    private var fixture: MessagingFixture!
    private var server: CommandServer!

    override func setUpWithError() throws {
        fixture = try MessagingFixture()
        server = try fixture.startServer()
    }

    override func tearDown() {
        server?.stop()
        fixture?.context.terminate()
    }

    /// Every event applied exactly once, in sequence order 1...count.
    private func assertAppliedExactlyOnceInOrder(count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let applied = try fixture.applied()
        XCTAssertEqual(applied.count, count, "applied events", file: file, line: line)
        XCTAssertEqual(Set(applied.map(\.eventID)).count, count, "distinct events", file: file, line: line)
        XCTAssertEqual(applied.map(\.seq), (1...Int64(count)).map { $0 }, "sequence order", file: file, line: line)
    }

    func testTenThousandEventsFromFourWritersArriveOnceInOrderAcrossSubscriberRestarts() throws {
        let relay = try fixture.startRelay()
        defer { relay.stop() }
        let fixture = self.fixture!
        let failures = Locked<[String]>([])
        let writers = (0..<4).map { writer in
            JoinableThread(name: "writer-\(writer)") {
                do {
                    let connection = try PostgresConnection(url: fixture.publisherURL)
                    for index in 0..<2_500 { try fixture.writeEvent(writer * 10_000 + index, on: connection) }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        var subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        for threshold in [2_000, 5_000] {
            XCTAssertTrue(try fixture.waitUntil(seconds: 60) { try fixture.appliedCount() >= threshold })
            subscriber.stop()
            Thread.sleep(forTimeInterval: 0.3)  // writers keep writing while nobody listens
            subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        }
        writers.forEach { $0.join() }
        XCTAssertEqual(failures.value, [])
        XCTAssertTrue(try fixture.waitUntil(seconds: 60) { try fixture.appliedCount() >= 10_000 })
        subscriber.stop()
        try assertAppliedExactlyOnceInOrder(count: 10_000)
    }

    func testSubscriberStartedAfterEverythingWasPublishedCatchesUp() throws {
        let relay = try fixture.startRelay()
        defer { relay.stop() }
        let connection = try PostgresConnection(url: fixture.publisherURL)
        for n in 0..<750 { try fixture.writeEvent(n, on: connection) }
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try fixture.outbox.latestSeq(on: connection) == 750 })

        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        defer { subscriber.stop() }
        XCTAssertTrue(try fixture.waitUntil(seconds: 20) { try fixture.appliedCount() >= 750 })
        try assertAppliedExactlyOnceInOrder(count: 750)
        XCTAssertEqual(try fixture.applied().map(\.n), (0..<750).map(Int64.init))
    }

    func testTransactionThatStartedFirstButCommitsLastIsNotSkipped() throws {
        let relay = try fixture.startRelay()
        defer { relay.stop() }
        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        defer { subscriber.stop() }

        let slow = try PostgresConnection(url: fixture.publisherURL)
        let fast = try PostgresConnection(url: fixture.publisherURL)
        try slow.execute("BEGIN")
        try fixture.outbox.append(try Message(envelope: Envelope(kind: .event, type: "test.happened"),
                                              encoding: MessagingFixture.Happened(n: 1)), on: slow)
        try fixture.writeEvent(2, on: fast)  // inserted later, committed first
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try fixture.appliedCount() == 1 })
        try slow.execute("COMMIT")
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try fixture.appliedCount() == 2 })

        try assertAppliedExactlyOnceInOrder(count: 2)
        XCTAssertEqual(try fixture.applied().map(\.n), [2, 1], "applied in commit order")
    }

    func testRelayRestartLosesNothing() throws {
        let connection = try PostgresConnection(url: fixture.publisherURL)
        let port = try freePort()
        var relay = try fixture.startRelay(endpoint: "tcp://127.0.0.1:\(port)")
        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        defer { subscriber.stop() }
        for n in 0..<100 { try fixture.writeEvent(n, on: connection) }
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try fixture.appliedCount() >= 100 })

        relay.stop()
        for n in 100..<300 { try fixture.writeEvent(n, on: connection) }  // nobody relays these yet
        relay = try fixture.startRelay(endpoint: "tcp://127.0.0.1:\(port)")
        defer { relay.stop() }
        for n in 300..<400 { try fixture.writeEvent(n, on: connection) }

        XCTAssertTrue(try fixture.waitUntil(seconds: 20) { try fixture.appliedCount() >= 400 })
        try assertAppliedExactlyOnceInOrder(count: 400)
    }

    func testEventsOfARolledBackTransactionAreNeverPublished() throws {
        let relay = try fixture.startRelay()
        defer { relay.stop() }
        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        defer { subscriber.stop() }
        let connection = try PostgresConnection(url: fixture.publisherURL)
        struct Abort: Error {}
        XCTAssertThrowsError(try connection.withTransaction {
            try fixture.outbox.append(try Message(envelope: Envelope(kind: .event, type: "test.happened"),
                                                  encoding: MessagingFixture.Happened(n: -1)), on: connection)
            throw Abort()
        })
        try fixture.writeEvent(7, on: connection)
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try fixture.appliedCount() >= 1 })
        XCTAssertEqual(try fixture.applied().map(\.n), [7])
        XCTAssertEqual(try fixture.applied().map(\.seq), [1])
    }

    func testReplayRejectsABadRange() async throws {
        let client = try CommandClient(context: fixture.context, service: "pub", endpoint: server.endpoint)
        defer { client.shutdown() }
        do {
            _ = try await client.query(MessagingMessages.eventsReplay, EventsReplayRequest(fromSeq: 0, limit: 10))
            XCTFail("expected invalid_argument")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .invalidArgument)
            XCTAssertEqual(error.details["from_seq"], "from_seq must be at least 1")
        }
    }
}
