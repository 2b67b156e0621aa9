import Contracts
@testable import Gateway
import Messaging
import XCTest

/// The gateway's health report, in-process, from fake services: no process, no socket.
final class HealthReportTests: XCTestCase {
    /// A service that answers `health` with a canned reply, or not at all.
    struct FakeService: ServiceCaller {
        let service: String
        let health: HealthReply?

        func send(_ envelope: Envelope, body: [UInt8], attachment: [UInt8]?, timeout: Duration?) async throws -> Message {
            guard let health else { throw ErrorBody.unavailable("\(service) is not reachable") }
            return try Message(envelope: envelope.reply(status: .ok), encoding: health)
        }
    }

    struct FakeServices: GatewayServices {
        var replies: [ServiceName: HealthReply] = [:]
        var down: Set<ServiceName> = []

        subscript(service: ServiceName) -> any ServiceCaller {
            FakeService(service: service.rawValue,
                        health: down.contains(service) ? nil : replies[service] ?? HealthReportTests.healthy(service))
        }
    }

    static func healthy(_ service: ServiceName, subscriptions: [SubscriptionHealth] = []) -> HealthReply {
        HealthReply(service: service.rawValue, schemaVersions: ["messaging": 3], uptimeSeconds: 1, eventOffsets: [:],
                    latestEventSeq: 0, subscriptions: subscriptions)
    }

    func testEveryServiceAnsweringIsOK() async {
        let report = await HealthRoutes(clients: FakeServices()).check()
        XCTAssertEqual(report.status, "ok")
        XCTAssertEqual(report.problems, [])
        XCTAssertEqual(Set(report.services.keys), Set(ServiceName.allCases.map(\.rawValue)))
    }

    func testAStuckSubscriptionDegradesWithoutShowingItsErrorText() async {
        let stuck = SubscriptionHealth(publisher: "customer", appliedSeq: 11, state: "stuck", failingSeq: 12,
                                       failingType: "customer.created", lastError: "Key (email)=(secret@example.com) exists",
                                       attempts: 3, deadLetters: 0)
        let services = FakeServices(replies: [.history: Self.healthy(.history, subscriptions: [stuck])])
        let report = await HealthRoutes(clients: services).check()
        XCTAssertEqual(report.status, "degraded")
        XCTAssertEqual(report.problems, ["history: customer events stuck at seq 12 (customer.created)"])
        XCTAssertNil(report.services["history"]?.health?.subscriptions.first?.lastError, "/health is public")
    }

    func testAServiceThatDoesNotAnswerMakesTheSystemUnavailable() async {
        let report = await HealthRoutes(clients: FakeServices(down: [.invoice])).check()
        XCTAssertEqual(report.status, "unavailable")
        XCTAssertEqual(report.problems, ["invoice does not answer"])
        XCTAssertEqual(report.services["invoice"]?.reachable, false)
    }
}
