import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import TestSupport
import Threading
import XCTest

/// A handler that keeps failing never blocks silently, and the outbox keeps every event a
/// known consumer has not applied yet.
final class PoisonAndRetentionTests: XCTestCase {
    private var fixture: MessagingFixture!
    private var server: CommandServer!
    private var relay: OutboxRelay!

    override func setUpWithError() throws {
        fixture = try MessagingFixture()
        server = try fixture.startServer()
        relay = try fixture.startRelay()
    }

    override func tearDown() {
        relay?.stop()
        server?.stop()
        fixture?.context.terminate()
    }

    private func write(_ numbers: ClosedRange<Int>) throws {
        let connection = try PostgresConnection(url: fixture.publisherURL)
        for n in numbers { try fixture.writeEvent(n, on: connection) }
    }

    func testABlockingSubscriptionStopsAtThePoisonEventShowsWhyAndGoesOnOnceItIsFixed() throws {
        let poisoned = Locked(true)
        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint, policy: .block) { n in
            n == 3 && poisoned.value
        }
        defer { subscriber.stop() }
        try write(1...5)
        let fixture = self.fixture!
        XCTAssertTrue(try fixture.waitUntil(seconds: 15) { try fixture.subscriptionState().attempts >= 2 })
        let stuck = try fixture.subscriptionState()
        XCTAssertEqual(stuck.state, "stuck")
        XCTAssertEqual(stuck.failingSeq, 3)
        XCTAssertEqual(stuck.error, "event 3 cannot be applied")
        XCTAssertEqual(try fixture.applied().map(\.n), [1, 2], "nothing after the poison event is applied, nothing skipped")

        poisoned.withLock { $0 = false }
        XCTAssertTrue(try fixture.waitUntil(seconds: 30) { try fixture.appliedCount() == 5 })
        XCTAssertEqual(try fixture.applied().map(\.n), [1, 2, 3, 4, 5])
        XCTAssertTrue(try fixture.waitUntil(seconds: 5) { try fixture.subscriptionState().state == "ok" })
    }

    func testADeadLetterSubscriptionSetsThePoisonEventAsideAfterItsAttemptsAndGoesOn() throws {
        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint,
                                                 policy: .deadLetter(afterAttempts: 3)) { $0 == 3 }
        defer { subscriber.stop() }
        try write(1...5)
        let fixture = self.fixture!
        XCTAssertTrue(try fixture.waitUntil(seconds: 30) { try fixture.appliedCount() == 4 })
        XCTAssertEqual(try fixture.applied().map(\.n), [1, 2, 4, 5])
        let letters = try PostgresConnection(url: fixture.consumerURL)
            .query("SELECT seq, type, error, attempts FROM dead_letter").map { try $0.decode((Int64, String, String, Int).self) }
        XCTAssertEqual(letters.count, 1)
        XCTAssertEqual(letters.first?.0, 3)
        XCTAssertEqual(letters.first?.1, "test.happened")
        XCTAssertEqual(letters.first?.2, "event 3 cannot be applied")
        XCTAssertEqual(letters.first?.3, 3)
        XCTAssertEqual(try fixture.subscriptionState().state, "ok")
    }

    func testEventsAreKeptUntilEveryKnownConsumerHasThem() throws {
        try write(1...6)
        let connection = try PostgresConnection(url: fixture.publisherURL)
        let outbox = fixture.outbox
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try outbox.latestSeq(on: connection) == 6 })
        try outbox.acknowledge(consumer: "fast", appliedSeq: 6, on: connection)
        try outbox.acknowledge(consumer: "slow", appliedSeq: 2, on: connection)
        XCTAssertEqual(try outbox.purge(olderThan: 0, maximumAge: 3_600, on: connection), 2, "only what both have")
        XCTAssertEqual(try connection.query("SELECT min(seq) FROM outbox").single(Int64.self), 3)
        // A consumer whose position went back (its database restored) keeps more, never less.
        try outbox.acknowledge(consumer: "slow", appliedSeq: 1, on: connection)
        XCTAssertEqual(try connection.query("SELECT acked_seq FROM consumer_position WHERE consumer = 'slow'").single(Int64.self), 1)
        XCTAssertEqual(try outbox.purge(olderThan: 0, maximumAge: 3_600, on: connection), 0)
        XCTAssertEqual(try outbox.purge(olderThan: 0, maximumAge: 0, on: connection), 4, "the hard maximum age purges anyway")
    }

    func testASubscriberThatMissedPurgedEventsIsMarkedFailedAndDoesNotSpin() throws {
        try write(1...4)
        let connection = try PostgresConnection(url: fixture.publisherURL)
        let outbox = fixture.outbox
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try outbox.latestSeq(on: connection) == 4 })
        try connection.execute("DELETE FROM outbox WHERE seq <= 2")  // purged past its maximum age
        let subscriber = fixture.startSubscriber(server: server, eventsEndpoint: relay.endpoint)
        defer { subscriber.stop() }
        let fixture = self.fixture!
        XCTAssertTrue(try fixture.waitUntil(seconds: 10) { try fixture.subscriptionState().state == "failed" })
        let failed = try fixture.subscriptionState()
        XCTAssertEqual(failed.error, "events 1…2 were purged before this consumer applied them")
        XCTAssertEqual(try fixture.appliedCount(), 0, "it must not skip the lost events by itself")
    }
}
