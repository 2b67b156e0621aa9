import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import TestSupport
import XCTest
import ZMQ

final class CommandRoundTripTests: XCTestCase {
    private var fixture: MessagingFixture!
    private var server: CommandServer!
    private var client: CommandClient!

    override func setUpWithError() throws {
        fixture = try MessagingFixture()
        server = try fixture.startServer()
        client = try CommandClient(context: fixture.context, service: "test", endpoint: server.endpoint)
    }

    override func tearDown() {
        client?.shutdown()
        server?.stop()
        fixture?.context.terminate()
    }

    private func counter(_ name: String) throws -> Int64? {
        let connection = try PostgresConnection(url: fixture.publisherURL)
        return try connection.query("SELECT value FROM counter WHERE name = \(name)").first?.decode(Int64.self, at: 0)
    }

    private func outboxCount() throws -> Int {
        try PostgresConnection(url: fixture.publisherURL).query("SELECT count(*) FROM outbox").single(Int.self)
    }

    func testQueryRoundTrip() async throws {
        let reply = try await client.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "Grüße — 你好"))
        XCTAssertEqual(reply.text, "Grüße — 你好")
    }

    func testASecondRequestWithTheIdOfOneStillWaitingIsRefusedAndTheFirstIsAnswered() async throws {
        let client = self.client!
        let envelope = Envelope(kind: .query, type: MessagingFixture.Messages.nap.type)
        let body = try ContractJSON.encode(MessagingFixture.Nap(milliseconds: 300))
        let first = Task { try await client.send(envelope, body: body) }
        try await Task.sleep(for: .milliseconds(50))
        do {
            _ = try await client.send(envelope, body: body)
            XCTFail("a second request with a waiting request's id was sent")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .invalidArgument)
        }
        let reply = try await first.value
        XCTAssertEqual(reply.envelope.status, .ok)
        XCTAssertEqual(reply.envelope.correlationId, envelope.id)
    }

    func testSameCommandThreeTimesWithOneKeyHasOneEffectAndIdenticalReplies() async throws {
        var replies: [MessagingFixture.Counted] = []
        for _ in 0..<3 {
            replies.append(try await client.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "a", by: 5),
                idempotencyKey: "key-1"))
        }
        XCTAssertEqual(replies[0].value, 5)
        XCTAssertEqual(replies[1], replies[0])
        XCTAssertEqual(replies[2], replies[0])
        XCTAssertEqual(try counter("a"), 5)
        XCTAssertEqual(try outboxCount(), 1)

        let another = try await client.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "a", by: 5),
            idempotencyKey: "key-2")
        XCTAssertEqual(another.value, 10)
    }

    func testConcurrentRetriesWithOneKeyStillHaveOneEffect() async throws {
        let client = self.client!
        let replies = try await withThrowingTaskGroup(of: MessagingFixture.Counted.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await client.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "race", by: 1), idempotencyKey: "same")
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(Set(replies.map(\.receipt)).count, 1)
        XCTAssertEqual(try counter("race"), 1)
    }

    func testKeyReusedForADifferentRequestIsAConflict() async throws {
        _ = try await client.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "b", by: 1), idempotencyKey: "reused")
        do {
            _ = try await client.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "b", by: 2), idempotencyKey: "reused")
            XCTFail("expected a conflict")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .conflict)
        }
        XCTAssertEqual(try counter("b"), 1)
    }

    func testFailedCommandChangesNothingAndPublishesNothing() async throws {
        do {
            _ = try await client.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "explode-after-write", by: 1))
            XCTFail("expected an error")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .failedPrecondition)
            XCTAssertEqual(error.message, "refused after writing")
        }
        XCTAssertNil(try counter("explode-after-write"))
        XCTAssertEqual(try outboxCount(), 0)
    }

    func testInvalidBodyNamesTheField() async throws {
        struct Partial: Codable, Sendable { var name: String }
        do {
            _ = try await client.command(Command<Partial, MessagingFixture.Counted>("test.increment"), Partial(name: "x"))
            XCTFail("expected an error")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .invalidArgument)
            XCTAssertTrue(error.message.contains("by is required"), error.message)
        }
    }

    func testUnknownMessageTypeIsAnErrorReply() async throws {
        do {
            _ = try await client.query(Query<Empty, Empty>("test.nothing"), Empty())
            XCTFail("expected an error")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .invalidArgument)
            XCTAssertTrue(error.message.contains("test.nothing"))
        }
    }

    func testGarbageIsAnsweredOrDroppedAndTheServerKeepsServing() async throws {
        let endpoint = server.endpoint
        let outcomes = try await Task.detached { () throws -> [String] in
            // A raw socket on this thread: no envelope discipline at all.
            let context = try ZMQContext()
            defer { context.terminate() }
            let socket = try ZMQSocket(context, type: .dealer)
            defer { socket.close() }
            try socket.connect(endpoint)
            let validEnvelope = try ContractJSON.encode(Envelope(kind: .query, type: "test.echo"))
            let garbage: [[ZMQFrame]] = [
                [[0xff, 0xfe, 0x00]],                                   // one frame of bytes
                [Array("{not json".utf8), Array("{}".utf8)],             // invalid JSON envelope
                [Array(#"{"v":1}"#.utf8), Array("{}".utf8)],             // envelope missing fields
                [validEnvelope],                                         // body frame missing
                [validEnvelope, Array("{}".utf8), Array("extra".utf8)],  // too many frames
                [validEnvelope, Array("[1,2".utf8)],                     // invalid body JSON
            ]
            var outcomes: [String] = []
            for frames in garbage {
                try socket.send(frames)
                guard try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 2_000)[0].contains(.readable) else {
                    outcomes.append("no reply")
                    continue
                }
                let reply = try Message(frames: try socket.receive()[...])
                outcomes.append(reply.envelope.status == .error
                    ? (try ContractJSON.decode(ErrorBody.self, from: reply.body)).code.rawValue : "ok")
            }
            return outcomes
        }.value
        XCTAssertEqual(outcomes, Array(repeating: "invalid_argument", count: 6))
        let reply = try await client.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "still here"))
        XCTAssertEqual(reply.text, "still here")
    }

    func testUnreachableServiceFailsWithUnavailableAtTheDeadline() async throws {
        let lonely = try CommandClient(context: fixture.context, service: "nobody", endpoint: "tcp://127.0.0.1:1",
                                       defaultTimeout: .milliseconds(300))
        defer { lonely.shutdown() }
        let started = ContinuousClock.now
        do {
            _ = try await lonely.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "?"))
            XCTFail("expected unavailable")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .unavailable)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
    }

    func testRequestSentBeforeTheServerStartsIsDeliveredOnceItListens() async throws {
        let port = try freePort()
        let endpoint = "tcp://127.0.0.1:\(port)"
        let early = try CommandClient(context: fixture.context, service: "late", endpoint: endpoint, defaultTimeout: .seconds(5))
        defer { early.shutdown() }
        async let reply = early.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "waited"))
        try await Task.sleep(for: .milliseconds(300))
        let late = try CommandServer(
            context: fixture.context,
            configuration: .init(endpoint: endpoint, databaseURL: fixture.publisherURL, workerCount: 1),
            handlers: MessagingFixture.handlers)
        defer { late.stop() }
        let text = try await reply.text
        XCTAssertEqual(text, "waited")
    }

    func testShutdownClientFailsNewRequests() async throws {
        client.shutdown()
        do {
            _ = try await client.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "?"))
            XCTFail("expected unavailable")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .unavailable)
        }
    }
}
