import Contracts
import Foundation
import Glibc
import Messaging
import Postgres
import PostgresContracts
import ServiceKit
import XCTest
import ZMQ

/// Faults against the real processes: a service stopped with commands in flight loses no
/// acknowledged command and applies none twice; a client that vanishes, or sends a huge
/// frame, does not stop a service.
final class FaultTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.start("customer")
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    /// One person sends every command: idempotency keys are scoped to their sender.
    private static let actor = Actor(userId: UserID(), role: "admin", name: "Fault Tester")

    private static func create(_ name: String, key: String, via client: CommandClient) async throws -> CustomerRecord {
        try await client.command(CustomerMessages.create, CreateCustomer(customer: CustomerFields(displayName: name)), actor: actor,
                                 idempotencyKey: key, timeout: .seconds(5))
    }

    /// Sends every create at once; returns the replies that came, by index.
    private static func createAll(_ names: [String], via client: CommandClient) async -> [Int: CustomerRecord] {
        await withTaskGroup(of: (Int, CustomerRecord?).self) { group in
            for (index, name) in names.enumerated() {
                group.addTask { (index, try? await create(name, key: "inflight-\(index)", via: client)) }
            }
            var answered: [Int: CustomerRecord] = [:]
            for await (index, record) in group { if let record { answered[index] = record } }
            return answered
        }
    }

    func testSIGTERMWithCommandsInFlightLosesNoneAndAppliesNoneTwice() async throws {
        let client = try system.client("customer")
        let names = (0..<400).map { "In Flight \($0)" }
        let first = Task.detached { await FaultTests.createAll(names, via: client) }
        // Early enough that most are still in flight (the service answers a create in about a millisecond).
        try await Task.sleep(for: .milliseconds(40))
        system.stop("customer", signal: SIGTERM)  // fails the test if it does not exit in time
        let answered = await first.value
        XCTAssertGreaterThan(answered.count, 0, "some commands were answered before the stop")

        try await system.start("customer")
        for (index, name) in names.enumerated() {
            let retried = try await Self.create(name, key: "inflight-\(index)", via: client)
            if let earlier = answered[index] {
                XCTAssertEqual(retried, earlier, "the retry of command \(index) did not return its stored reply")
            }
        }
        let counts = try PostgresConnection(url: system.superuserURL).query("""
            SELECT count(*), count(DISTINCT display_name) FROM customer.customers WHERE display_name LIKE 'In Flight %'
            """).single((Int, Int).self)
        XCTAssertEqual(counts.0, 400, "every command applied exactly once")
        XCTAssertEqual(counts.1, 400)
        let log = system.log("customer")
        let draining = log.split(separator: "\n").first { $0.contains("command server draining") }
        let inFlight = draining.flatMap { line in
            line.split(separator: " ").first { $0.hasPrefix("in_flight=") }.flatMap { Int($0.dropFirst("in_flight=".count)) }
        }
        XCTAssertGreaterThan(inFlight ?? 0, 0, "commands were in flight at the stop: \(log)")
        XCTAssertFalse(log.contains("drain deadline passed"), log)
    }

    func testAClientThatVanishesMidRequestDoesNotStopTheService() async throws {
        let endpoint = system.endpoint("customer")
        let security = try system.keys(of: .gateway).client(to: .customer)
        let context = system.context
        try await Task.detached {
            let socket = try ZMQSocket(context, type: .dealer)
            try security.apply(to: socket)
            try socket.connect(endpoint)
            for _ in 0..<50 {
                try socket.send(try Message(envelope: Envelope(kind: .query, type: CustomerMessages.list.type),
                                            encoding: ListCustomers()).frames())
            }
            usleep(50_000)
            socket.close()  // linger 0: gone before its replies
        }.value
        let started = ContinuousClock.now
        let health = try await system.client("customer").query(MessagingMessages.health, Empty(),
                                                                timeout: .seconds(3))
        XCTAssertEqual(health.service, "customer")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
    }

    func testAHugeFrameIsRefusedAndTheServiceMemoryStaysFlat() async throws {
        let pid = try XCTUnwrap(system.pid("customer"))
        let before = try residentKilobytes(of: pid)
        let endpoint = system.endpoint("customer")
        let security = try system.keys(of: .gateway).client(to: .customer)
        let context = system.context
        try await Task.detached {
            let socket = try ZMQSocket(context, type: .dealer, linger: 2_000)
            defer { socket.close() }
            try security.apply(to: socket)
            try socket.connect(endpoint)
            let envelope = Envelope(kind: .query, type: CustomerMessages.list.type)
            try socket.send([envelope.jsonBytes(), ZMQFrame(repeating: 0x20, count: 64 * 1024 * 1024)])
            usleep(1_500_000)
        }.value
        let health = try await system.client("customer").query(MessagingMessages.health, Empty())
        XCTAssertEqual(health.service, "customer")
        let after = try residentKilobytes(of: pid)
        XCTAssertLessThan(after - before, 16 * 1024, "RSS grew from \(before) kB to \(after) kB")
    }

    private func residentKilobytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else {
            throw ErrorBody.internal("no VmRSS for \(pid)")
        }
        return kilobytes
    }

    func testAPoisonEventIsShownStuckThenSetAsideAndTheTimelineGoesOn() async throws {
        for service in RunningSystem.services where service != "customer" { try await system.start(service) }
        try await system.startGateway()
        // A customer.created that no handler can read, as a buggy publisher might write it.
        let envelope = Envelope(kind: .event, type: CustomerMessages.created.type, actor: .system)
        let envelopeText = String(decoding: envelope.jsonBytes(), as: UTF8.self)
        let database = system.superuserURL
        try await Task.detached {
            try PostgresConnection(url: database).execute("""
                INSERT INTO customer.outbox (event_id, type, envelope, body)
                VALUES (\(envelope.id), \(CustomerMessages.created.type), \(envelopeText), '{"nonsense": true}')
                """)
        }.value
        let stuck = try await system.eventually(seconds: 10) {
            let health = try system.json(try await system.http("GET", "/health", as: .anonymous).body)
            return (health["problems"] as? [String] ?? []).contains { $0.hasPrefix("history: customer events stuck at seq") }
                && health["status"] as? String == "degraded"
        }
        XCTAssertTrue(stuck, "health never showed the subscription stuck: \(system.log("history").suffix(1_500))")
        // Both subscribers that read customer.created set it aside: history and invoice.
        let setAside = try await system.eventually(seconds: 20) {
            let listed = try system.json(try await system.http("GET", "/api/v1/admin/dead-letters").body)
            return Set((listed["items"] as? [[String: Any]] ?? []).compactMap { $0["service"] as? String }) == ["history", "invoice"]
        }
        XCTAssertTrue(setAside, "the poison event was not set aside")
        let listed = try system.json(try await system.http("GET", "/api/v1/admin/dead-letters").body)
        let letter = try XCTUnwrap((listed["items"] as? [[String: Any]])?.first { $0["service"] as? String == "history" })
        XCTAssertEqual(letter["service"] as? String, "history")
        XCTAssertEqual(letter["type"] as? String, CustomerMessages.created.type)
        XCTAssertEqual(letter["attempts"] as? Int, 5)

        // The timeline goes on, and health is green again.
        let created = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "After The Poison"}"#)
        let id = try XCTUnwrap(try system.json(created.body)["id"] as? String)
        let arrived = try await system.eventually {
            let details = try system.json(try await system.http("GET", "/api/v1/customers/\(id)/details").body)
            return ((details["history"] as? [String: Any])?["items"] as? [Any])?.count == 1
        }
        XCTAssertTrue(arrived)
        let health = try system.json(try await system.http("GET", "/health", as: .anonymous).body)
        XCTAssertEqual(health["status"] as? String, "ok", "\(health["problems"] ?? "")")

        // Retrying it while its cause is still there changes nothing and says why.
        let letterID = try XCTUnwrap(letter["id"] as? Int)
        let retry = try await system.http("POST", "/api/v1/admin/dead-letters/history/\(letterID)/retry")
        XCTAssertEqual(retry.status, 422, String(decoding: retry.body, as: UTF8.self))
        let still = try system.json(try await system.http("GET", "/api/v1/admin/dead-letters").body)
        XCTAssertEqual((still["items"] as? [Any])?.count, 2)
        let forbidden = try await system.http("GET", "/api/v1/admin/dead-letters", as: .token(try await system.signedInUser("manager").token))
        XCTAssertEqual(forbidden.status, 403)
    }
}
