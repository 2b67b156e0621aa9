import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import ServiceKit
import Threading
import XCTest

/// In-process stand-ins for the services behind the gateway: each message type is
/// answered by a closure, a service can be taken down, and every request is recorded.
final class FakeMesh: GatewayServices {
    typealias Answer = @Sendable (Message) throws -> (body: [UInt8], attachment: [UInt8]?)

    private let answers = Locked([String: Answer]())
    private let down = Locked(Set<ServiceName>())
    private let log = Locked([Envelope]())

    /// The public site the gateway is configured with.
    static let site = "http://ar.test"

    /// Answers `query` with `body`.
    func answer<Request, Reply>(_ query: Query<Request, Reply>, _ body: @escaping @Sendable (Request, Envelope) throws -> Reply) {
        set(query.type, body)
    }

    /// Answers `command` with `body`.
    func answer<Request, Reply>(_ command: Command<Request, Reply>, _ body: @escaping @Sendable (Request, Envelope) throws -> Reply) {
        set(command.type, body)
    }

    private func set<Request: Decodable, Reply: Encodable>(_ type: String, _ body: @escaping @Sendable (Request, Envelope) throws -> Reply) {
        answers.withLock { $0[type] = { message in (try ContractJSON.encode(try body(try message.decodeBody(Request.self), message.envelope)), nil) } }
    }

    /// Answers `query` with a reply and an attachment frame (a file).
    func answerWithFile<Request, Reply>(_ query: Query<Request, Reply>,
                                        _ body: @escaping @Sendable (Request) throws -> (Reply, [UInt8])) {
        answers.withLock {
            $0[query.type] = { message in
                let (reply, bytes) = try body(try message.decodeBody(Request.self))
                return (try ContractJSON.encode(reply), bytes)
            }
        }
    }

    /// Answers `command` from its request and the attachment it came with.
    func answerUpload<Request, Reply>(_ command: Command<Request, Reply>,
                                      _ body: @escaping @Sendable (Request, [UInt8]?) throws -> Reply) {
        answers.withLock {
            $0[command.type] = { message in (try ContractJSON.encode(try body(try message.decodeBody(Request.self), message.attachment)), nil) }
        }
    }

    func takeDown(_ service: ServiceName) { _ = down.withLock { $0.insert(service) } }

    /// The envelopes of every request sent so far, of `type` if given.
    func sent(_ type: String? = nil) -> [Envelope] { log.withLock { $0 }.filter { type == nil || $0.type == type } }

    /// The body of the last request of `type`.
    func lastBody<Request: Decodable, Reply>(_ query: Query<Request, Reply>, as: Request.Type = Request.self) -> Request? {
        lastBodies.withLock { $0[query.type] }.flatMap { try? ContractJSON.decode(Request.self, from: $0) }
    }

    private let lastBodies = Locked([String: [UInt8]]())

    subscript(service: ServiceName) -> any ServiceCaller { Caller(mesh: self, service: service) }

    struct Caller: ServiceCaller {
        let mesh: FakeMesh
        let serviceName: ServiceName
        var service: String { serviceName.rawValue }

        init(mesh: FakeMesh, service: ServiceName) {
            self.mesh = mesh
            self.serviceName = service
        }

        func send(_ envelope: Envelope, body: [UInt8], attachment: [UInt8]?, timeout: Duration?) async throws -> Message {
            mesh.log.withLock { $0.append(envelope) }
            mesh.lastBodies.withLock { $0[envelope.type] = body }
            guard !mesh.down.withLock({ $0.contains(serviceName) }) else { throw ErrorBody.unavailable("\(service) is not reachable") }
            guard let answer = mesh.answers.withLock({ $0[envelope.type] }) else {
                return try Message(envelope: envelope.reply(status: .error),
                                   encoding: ErrorBody.invalidArgument("unknown message type \(envelope.type)"))
            }
            do {
                let (reply, replyAttachment) = try answer(Message(envelope: envelope, body: body, attachment: attachment))
                return Message(envelope: envelope.reply(status: .ok), body: reply, attachment: replyAttachment)
            } catch let error as ErrorBody {
                return try Message(envelope: envelope.reply(status: .error), encoding: error)
            }
        }
    }

    // MARK: People

    /// A signed-in user of each role: token `token-<role>`.
    static func user(_ role: Role, manageAll: Bool = false) -> UserRecord {
        UserRecord(id: users[role] ?? UserID(), name: "The \(role.rawValue)", email: "\(role.rawValue)@ar.test", role: role,
                   manageAllCustomers: manageAll, isDefaultSpecialist: false, active: true, createdAt: Date())
    }

    static let users: [Role: UserID] = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, UserID()) })

    static func token(_ role: Role) -> String { "token-\(role.rawValue)" }

    /// Answers `identity.authenticate` for the `token-<role>` tokens; anything else is refused.
    func signsIn() {
        answer(IdentityMessages.authenticate) { request, _ in
            guard let role = Role.allCases.first(where: { FakeMesh.token($0) == request.token }) else {
                throw ErrorBody(.unauthenticated, "the session or token is not valid; sign in again")
            }
            let user = FakeMesh.user(role)
            return Authentication(principal: Principal(user: user, apiTokenId: nil, role: role,
                                                       manageAllCustomers: user.manageAllCustomers),
                                  validUntil: Date().addingTimeInterval(3_600), account: user.id)
        }
    }
}

/// The gateway, built in-process on a fake mesh and driven through Hummingbird's router
/// test framework: no process, no socket.
struct GatewayHarness {
    let mesh: FakeMesh
    let routes: Routes

    init(mesh: FakeMesh = FakeMesh(), environment: [String: String] = [:]) throws {
        self.mesh = mesh
        mesh.signsIn()
        let configuration = try GatewayConfiguration(environment: Environment(["AR_PUBLIC_URL": FakeMesh.site].merging(environment) { $1 }))
        routes = buildGatewayRoutes(configuration: configuration, clients: mesh, metrics: PrometheusCollectorRegistry())
    }

    enum Credential {
        case none
        case bearer(String)
        case cookie(String, origin: String?)
    }

    struct Reply {
        let status: Int
        let headers: HTTPFields
        let body: String

        /// The body as JSON.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        /// `error.code` and `error.message` of an error body.
        var error: (code: String?, message: String?) {
            let error = json["error"] as? [String: Any]
            return (error?["code"] as? String, error?["message"] as? String)
        }
    }

    /// Sends one request through the router.
    func request(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, form: String? = nil,
                 as credential: Credential = .bearer(FakeMesh.token(.owner)), headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        switch credential {
        case .none: break
        case .bearer(let token): headers[.authorization] = "Bearer \(token)"
        case .cookie(let token, let origin):
            headers[.cookie] = "\(Credentials.cookieName)=\(token)"
            if let origin { headers[.origin] = origin }
        }
        if json != nil { headers[.contentType] = "application/json" }
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let body = (json ?? form).map { ByteBuffer(string: $0) }
        let fields = headers
        let app = Application(router: routes.router)
        return try await app.test(.router) { client in
            try await client.execute(uri: path, method: method, headers: fields, body: body) { response in
                Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
            }
        }
    }
}
