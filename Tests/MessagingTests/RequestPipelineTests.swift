import Contracts
import Logging
@testable import Messaging
import Postgres
import XCTest

/// The pipeline's middleware, one at a time and composed, without sockets or a database.
final class RequestPipelineTests: XCTestCase {
    private func request(_ kind: MessageKind, callers: Callers = .gateway, caller: String = "gateway",
                         actor: Actor? = nil) -> PipelineRequest {
        let entry = HandlerRegistry.Entry(kind: kind, callers: callers) { _, _, _ in [] }
        return PipelineRequest(envelope: Envelope(kind: kind, type: "test.thing", actor: actor), body: [],
                               callerName: caller, entry: entry)
    }

    private let ok: PipelineNext = { _ in PipelineReply(status: .ok, body: Array("{}".utf8)) }

    /// A middleware that notes when it runs, before and after the rest.
    struct Trace: RequestMiddleware {
        let name: String
        let log: Log
        func handle(_ request: inout PipelineRequest, next: PipelineNext) throws -> PipelineReply {
            log.lines.append("\(name) in")
            defer { log.lines.append("\(name) out") }
            return try next(&request)
        }
    }

    final class Log { var lines: [String] = [] }

    func testTheFirstMiddlewareIsOutermost() throws {
        let log = Log()
        let pipeline = RequestPipeline.compose([Trace(name: "a", log: log), Trace(name: "b", log: log)]) { _ in
            log.lines.append("handler")
            return PipelineReply(status: .ok, body: [])
        }
        var request = request(.query)
        _ = try pipeline(&request)
        XCTAssertEqual(log.lines, ["a in", "b in", "handler", "b out", "a out"])
    }

    func testErrorRepliesTurnFailuresIntoErrorBodiesAndHideInternalDetail() throws {
        let errors = ErrorReplies(logger: Logger(label: "test"))
        var request = request(.command)
        let refused = try errors.handle(&request) { _ in throw ErrorBody.notFound("no such thing") }
        XCTAssertEqual(refused.status, .error)
        XCTAssertEqual(try ContractJSON.decode(ErrorBody.self, from: refused.body), .notFound("no such thing"))

        struct Secret: Error {}
        let hidden = try errors.handle(&request) { _ in throw Secret() }
        XCTAssertEqual(try ContractJSON.decode(ErrorBody.self, from: hidden.body), .internal("internal error while handling test.thing"))
    }

    func testTransientRetryRunsACommandAgainOnlyForTransientFailures() throws {
        var attempts = 0
        var command = request(.command)
        let reply = try TransientRetry().handle(&command) { _ in
            attempts += 1
            if attempts < 3 { throw PostgresError(kind: .serializationFailure, message: "could not serialize") }
            return PipelineReply(status: .ok, body: [1])
        }
        XCTAssertEqual(attempts, 3)
        XCTAssertEqual(reply.body, [1])

        attempts = 0
        XCTAssertThrowsError(try TransientRetry().handle(&command) { _ in
            attempts += 1
            throw PostgresError(kind: .uniqueViolation, message: "duplicate", constraint: "customers_pkey")
        })
        XCTAssertEqual(attempts, 1, "a handler's own constraint is not transient")

        attempts = 0
        XCTAssertThrowsError(try TransientRetry().handle(&command) { _ in
            attempts += 1
            throw PostgresError(kind: .deadlockDetected, message: "deadlock")
        })
        XCTAssertEqual(attempts, 4, "bounded")

        attempts = 0
        var query = request(.query)
        XCTAssertThrowsError(try TransientRetry().handle(&query) { _ in
            attempts += 1
            throw PostgresError(kind: .serializationFailure, message: "could not serialize")
        })
        XCTAssertEqual(attempts, 1, "queries are not retried")
    }

    func testAuthorizationBelievesTheConnectionNotTheEnvelope() throws {
        let authorization = Authorization(authenticated: true, logger: Logger(label: "test"))
        let person = Actor(userId: UserID(), role: "owner", name: "Olive")

        var fromGateway = request(.command, actor: person)
        var seen: PipelineRequest?
        _ = try authorization.handle(&fromGateway) { request in
            seen = request
            return PipelineReply(status: .ok, body: [])
        }
        XCTAssertEqual(seen?.caller, .gateway)
        XCTAssertEqual(seen?.envelope.actor, person)

        var forged = request(.command, callers: .anyService, caller: "history", actor: person)
        XCTAssertThrowsError(try authorization.handle(&forged, next: ok)) { error in
            XCTAssertEqual((error as? ErrorBody)?.code, .permissionDenied)
        }

        var asItself = request(.command, callers: .anyService, caller: "history", actor: .system)
        _ = try authorization.handle(&asItself) { request in
            seen = request
            return PipelineReply(status: .ok, body: [])
        }
        XCTAssertEqual(seen?.envelope.actor, .service(.history))

        var notAdmitted = request(.query, caller: "invoice")
        XCTAssertThrowsError(try authorization.handle(&notAdmitted, next: ok)) { error in
            XCTAssertEqual((error as? ErrorBody)?.message, "test.thing is not accepted from invoice")
        }

        var anonymous = request(.query, caller: "")
        XCTAssertThrowsError(try authorization.handle(&anonymous, next: ok)) { error in
            XCTAssertEqual((error as? ErrorBody)?.message, "the caller is not authenticated")
        }
    }
}
