import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import TestSupport
import XCTest
import ZMQ

/// A CommandServer with CURVE: who may call what is decided by the key a connection was
/// admitted with, never by the envelope.
final class AuthenticatedServerTests: XCTestCase {
    private var fixture: MessagingFixture!
    private var server: CommandServer!
    private var authenticator: ZAPAuthenticator!
    private var serverKeys: CurveKeyPair!
    private var keys: [ServiceName: CurveKeyPair] = [:]
    private var clients: [CommandClient] = []

    override func setUpWithError() throws {
        fixture = try MessagingFixture()
        serverKeys = try CurveKeyPair.generate()
        for service in [ServiceName.gateway, .history] { keys[service] = try CurveKeyPair.generate() }
        authenticator = try ZAPAuthenticator(context: fixture.context,
                                             clients: Dictionary(uniqueKeysWithValues: keys.map { ($0.value.publicKey, $0.key.rawValue) }))
        server = try fixture.startServer(security: .curveServer(serverKeys, authenticator: authenticator), drainSeconds: 10)
    }

    override func tearDown() {
        clients.forEach { $0.shutdown() }
        server?.stop()
        authenticator?.stop()
        fixture?.context.terminate()
    }

    private func client(_ keys: CurveKeyPair, timeout: Duration = .seconds(3)) throws -> CommandClient {
        let client = try CommandClient(context: fixture.context, service: "test", endpoint: server.endpoint,
                                       security: .curveClient(keys, serverKey: serverKeys.publicKey), defaultTimeout: timeout)
        clients.append(client)
        return client
    }

    private let person = Actor(userId: UserID(), role: "owner", name: "Olive Owner")

    func testTheGatewayActsForAPerson() async throws {
        let seen = try await client(keys[.gateway]!).query(MessagingFixture.Messages.whoami, Empty(), actor: person)
        XCTAssertEqual(seen, MessagingFixture.Seen(caller: "gateway", actorRole: "owner", actorName: "Olive Owner"))
    }

    func testAnotherServiceMayNotSendWhatOnlyTheGatewaySends() async throws {
        do {
            _ = try await client(keys[.history]!).query(MessagingFixture.Messages.whoami, Empty())
            XCTFail("history may not send test.whoami")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .permissionDenied)
            XCTAssertEqual(error.message, "test.whoami is not accepted from history")
        }
    }

    func testAServiceActsAsItselfWhateverItsEnvelopeSays() async throws {
        let history = try client(keys[.history]!)
        let seen = try await history.command(MessagingFixture.Messages.fromHistory, Empty(), actor: .system)
        XCTAssertEqual(seen, MessagingFixture.Seen(caller: "history", actorRole: "service", actorName: "history"))
        do {
            _ = try await history.command(MessagingFixture.Messages.fromHistory, Empty(), actor: person)
            XCTFail("a forged user actor from history must be refused")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .permissionDenied)
        }
        do {
            _ = try await client(keys[.gateway]!).command(MessagingFixture.Messages.fromHistory, Empty())
            XCTFail("the gateway may not send what only history sends")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .permissionDenied)
        }
    }

    func testAnyServiceMayReplayEvents() async throws {
        let reply = try await client(keys[.history]!).query(
            MessagingMessages.eventsReplay, EventsReplayRequest(fromSeq: 1, limit: 10))
        XCTAssertEqual(reply.lastSeq, 0)
    }

    func testAnUnknownKeyGetsNoAnswerAtAll() async throws {
        let stranger = try client(try CurveKeyPair.generate(), timeout: .milliseconds(700))
        do {
            _ = try await stranger.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "hi"))
            XCTFail("an unknown key must not be answered")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .unavailable)
        }
        let answered = try await client(keys[.gateway]!).query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "hi"))
        XCTAssertEqual(answered.text, "hi")
    }

    func testAClientThatVanishesWithRequestsInFlightDoesNotStopTheServer() async throws {
        let endpoint = server.endpoint
        let gatewayKeys = keys[.gateway]!
        let serverKey = serverKeys.publicKey
        let context = fixture.context
        try await Task.detached {
            let socket = try ZMQSocket(context, type: .dealer)
            try SocketSecurity.curveClient(gatewayKeys, serverKey: serverKey).apply(to: socket)
            try socket.connect(endpoint)
            for _ in 0..<50 {
                try socket.send(try Message(envelope: Envelope(kind: .query, type: "test.nap"),
                                            encoding: MessagingFixture.Nap(milliseconds: 10)).frames())
            }
            usleep(100_000)  // let them reach the server
            socket.close()  // linger 0: gone, with every reply still to come
        }.value
        let next = try client(gatewayKeys, timeout: .seconds(5))
        let reply = try await next.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "next"))
        XCTAssertEqual(reply.text, "next")
    }

    func testStopAnswersTheRequestsAlreadyTaken() async throws {
        let client = try client(keys[.gateway]!, timeout: .seconds(10))
        let server = self.server!
        async let replies: [Bool] = withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    _ = try await client.query(MessagingFixture.Messages.nap, MessagingFixture.Nap(milliseconds: 300))
                    return true
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await Task.sleep(for: .milliseconds(150))  // all eight are with the server
        let stopped = ContinuousClock.now
        await Task.detached { server.stop() }.value
        XCTAssertLessThan(ContinuousClock.now - stopped, .seconds(9), "stop waited for the work, not for the drain deadline")
        let answered = try await replies
        XCTAssertEqual(answered.count, 8, "every request taken before stop was answered")
    }

    func testIdempotencyKeysBelongToTheirActor() async throws {
        let gateway = try client(keys[.gateway]!)
        let alice = Actor(userId: UserID(), role: "admin", name: "Alice")
        let bob = Actor(userId: UserID(), role: "admin", name: "Bob")
        let first = try await gateway.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "shared", by: 1), actor: alice, idempotencyKey: "same-key")
        let second = try await gateway.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "shared", by: 1), actor: bob, idempotencyKey: "same-key")
        XCTAssertEqual(first.value, 1)
        XCTAssertEqual(second.value, 2, "Bob's key is his own: he neither reads nor burns Alice's")
        let again = try await gateway.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "shared", by: 1), actor: alice, idempotencyKey: "same-key")
        XCTAssertEqual(again, first)
    }

    func testAnOverlongIdempotencyKeyIsRefused() async throws {
        let gateway = try client(keys[.gateway]!)
        do {
            _ = try await gateway.command(MessagingFixture.Messages.increment, MessagingFixture.Increment(name: "long", by: 1), idempotencyKey: String(repeating: "k", count: 256))
            XCTFail("a 256-character key must be refused")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .invalidArgument)
            XCTAssertEqual(error.details.keys.first, "Idempotency-Key")
        }
        let counter = try PostgresConnection(url: fixture.publisherURL)
            .query("SELECT count(*) FROM counter WHERE name = 'long'").single(Int.self)
        XCTAssertEqual(counter, 0)
    }

    func testARequestWhoseCallerGaveUpIsNotAnswered() async throws {
        let endpoint = server.endpoint
        let security = SocketSecurity.curveClient(keys[.gateway]!, serverKey: serverKeys.publicKey)
        let context = fixture.context
        let answered = try await Task.detached { () throws -> [String] in
            let socket = try ZMQSocket(context, type: .dealer)
            defer { socket.close() }
            try security.apply(to: socket)
            try socket.connect(endpoint)
            var answered: [String] = []
            for (text, deadline) in [("late", Date().addingTimeInterval(-1)), ("in time", Date().addingTimeInterval(5))] {
                let envelope = Envelope(kind: .query, type: "test.echo", deadline: deadline)
                try socket.send(try Message(envelope: envelope, encoding: MessagingFixture.Echo(text: text)).frames())
            }
            while try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 1_000)[0].contains(.readable) {
                answered.append(try Message(frames: try socket.receive()[...]).decodeBody(MessagingFixture.Echo.self).text)
            }
            return answered
        }.value
        XCTAssertEqual(answered, ["in time"])
    }

    func testSlowWorkNeverKeepsQuickRequestsWaitingAndIsRefusedWhenItsQueueIsFull() async throws {
        let client = try client(keys[.gateway]!, timeout: .seconds(10))
        let slow = Task.detached { () -> [String] in
            await withTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await client.command(MessagingFixture.Messages.slowNap, MessagingFixture.Nap(milliseconds: 300))
                            return "ok"
                        } catch let error as ErrorBody {
                            return error.code.rawValue
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        let quick = try await client.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "quick"))
        let quickTook = ContinuousClock.now - started
        XCTAssertEqual(quick.text, "quick")
        XCTAssertLessThan(quickTook, .seconds(1), "a quick query waited behind slow work")
        let outcomes = await slow.value
        XCTAssertEqual(Set(outcomes), ["ok", "too_many_requests"], "\(outcomes)")
        XCTAssertLessThan(outcomes.filter { $0 == "ok" }.count, 20)
    }
}
