import Contracts
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Messaging
import Postgres
import PostgresContracts
import ServiceKit
import TestSupport
import XCTest
import ZMQ

/// The real executables, started as processes against a fresh database in the test
/// PostgreSQL, each service with its own role, on free loopback ports.
final class RunningSystem {
    /// The back-end services, from the one list (`ServiceName`).
    static let services = ServiceName.allCases.filter { $0 != .gateway }.map(\.rawValue)
    /// Every role with its own database schema (the gateway's identity service included).
    static let schemaOwners = ServiceName.allCases.map(\.rawValue)

    let database: String
    let context: ZMQContext
    let logDirectory: URL
    let gatewayPort: Int
    /// The owner every test system starts with, and its session token once signed in.
    static let ownerEmail = "owner@system-test.example"
    static let ownerPassword = "correct horse battery staple"
    private(set) var ownerToken: String?
    private let layout: LocalSystemLayout
    private let environment: [String: String]
    private var processes: [String: Process] = [:]
    private var clients: [String: CommandClient] = [:]
    /// The mesh's CURVE keys, written the way `make run` writes them.
    let keyDirectory: URL

    /// `overrides` are added to every process's environment.
    init(environment overrides: [String: String] = [:]) throws {
        var settings = ["AR_LOG_LEVEL": "info", "AR_LEADER_JOB_INTERVAL_SECONDS": "1"]  // housekeeping observable within a test
        for service in Self.schemaOwners { settings["AR_\(service.uppercased())_WORKERS"] = "2" }
        let layout = try LocalSystemLayout(admin: try TestDatabase.url, prefix: "ar_sys", ownerEmail: Self.ownerEmail,
                                           ownerPassword: Self.ownerPassword, settings: settings.merging(overrides) { $1 })
        self.layout = layout
        database = layout.database
        context = try ZMQContext()
        logDirectory = layout.directory
        keyDirectory = layout.keyDirectory
        gatewayPort = layout.gatewayPort
        environment = layout.environment
    }

    /// The environment the system's processes get.
    var environmentForTests: [String: String] { environment }

    /// The test cluster's superuser, in this system's database.
    var superuserURL: String { layout.superuserURL }

    /// The URL a service's own role connects with.
    func roleURL(_ service: String) -> String { layout.roleURL(service) }

    func endpoint(_ service: String) -> String { environment["AR_\(service.uppercased())_ENDPOINT"] ?? "" }

    /// Starts every service and the gateway.
    func startAll() async throws {
        for service in Self.services { try await start(service) }
        try await startGateway()
    }

    /// Starts the gateway, waits until `/health` answers, creates the owner and signs in.
    func startGateway() async throws {
        try launch("gateway", executable: "gateway")
        let deadline = Date().addingTimeInterval(30)
        while (try? await http("GET", "/health", as: .anonymous)) == nil {
            guard Date() < deadline, processes["gateway"]?.isRunning == true else {
                throw ErrorBody.unavailable("the gateway did not start: \(log("gateway"))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let (status, output) = try TestProcess.run(Self.binaries.appendingPathComponent("gateway"), ["bootstrap-owner"],
                                            environment: environment)
        guard status == 0 else { throw ErrorBody.internal("bootstrap-owner failed: \(output)") }
        ownerToken = try await signIn(email: Self.ownerEmail, password: Self.ownerPassword)
    }

    /// Signs in through the API; returns the session token.
    func signIn(email: String, password: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        let (status, data) = try await http("POST", "/api/v1/auth/login", json: String(decoding: body, as: UTF8.self), as: .anonymous)
        guard status == 200, let token = try json(data)["token"] as? String else {
            throw ErrorBody(.unauthenticated, "sign-in failed with \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return token
    }

    /// The password of every user the tests create.
    static let userPassword = "a long enough password"

    /// Creates a user with `role` as the owner and signs them in; returns their id and token.
    func signedInUser(_ role: String, manageAll: Bool = false) async throws -> (id: String, token: String) {
        let email = "\(role)-\(UUID().uuidString.prefix(6))@system-test.example"
        let body = #"{"name": "\#(role.capitalized) User", "email": "\#(email)", "password": "\#(Self.userPassword)", "role": "\#(role)", "manage_all_customers": \#(manageAll)}"#
        let (status, data) = try await http("POST", "/api/v1/users", json: body)
        guard status == 201, let id = try json(data)["id"] as? String else {
            throw ErrorBody.internal("creating a \(role) failed with \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return (id, try await signIn(email: email, password: Self.userPassword))
    }

    /// Starts a service's executable and waits until it answers `health`.
    func start(_ service: String) async throws {
        try launch(service, executable: "\(service)-service")
        _ = try await health(service, within: .seconds(30))
    }

    private func launch(_ name: String, executable: String) throws {
        let service = name
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent(executable)
        process.environment = environment
        let log = logDirectory.appendingPathComponent("\(service).log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[service] = process
    }

    /// Who a test request comes from.
    enum Credentials {
        case owner, anonymous
        case token(String)
    }

    /// An HTTP request to the gateway (as the signed-in owner unless told otherwise);
    /// returns the status and the body.
    func http(_ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:],
              as credentials: Credentials = .owner) async throws -> (status: Int, body: Data) {
        let (status, body, _) = try await exchange(method, path, json: json, headers: headers, as: credentials)
        return (status, body)
    }

    /// `http`, with the response headers too; `raw` sends bytes as they are (set their
    /// `Content-Type` in `headers`).
    func exchange(_ method: String, _ path: String, json: String? = nil, raw: Data? = nil, headers: [String: String] = [:],
                  as credentials: Credentials = .owner) async throws -> (status: Int, body: Data, headers: [String: String]) {
        guard let url = URL(string: "http://127.0.0.1:\(gatewayPort)\(path)") else { throw ErrorBody.internal("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let raw { request.httpBody = raw }
        let bearer: String? = switch credentials {
        case .owner: ownerToken
        case .anonymous: nil
        case .token(let token): token
        }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return (http?.statusCode ?? 0, data, fields)
    }

    /// A client that reports redirects instead of following them, so each route's own answer is seen.
    private static let session = URLSession(configuration: .ephemeral, delegate: RedirectRefuser(), delegateQueue: nil)

    private final class RedirectRefuser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    /// A JSON response body as a dictionary.
    func json(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ErrorBody.internal("not a JSON object: \(String(decoding: data, as: UTF8.self))")
        }
        return object
    }

    /// Asks a service for its health, retrying until `within` passes.
    func health(_ service: String, within deadline: Duration = .seconds(5)) async throws -> HealthReply {
        let until = ContinuousClock.now + deadline
        while true {
            do {
                return try await client(service).query(MessagingMessages.health, Empty(),
                                                      timeout: .milliseconds(500))
            } catch {
                if let process = processes[service], !process.isRunning {
                    throw ErrorBody.unavailable("\(service)-service exited: \(log(service))")
                }
                if ContinuousClock.now > until { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A client of `service` holding the key of `identity` (by default the gateway's, the
    /// one caller every service answers people's commands from).
    func client(_ service: String, as identity: ServiceName = .gateway) throws -> CommandClient {
        let name = "\(service) as \(identity.rawValue)"
        if let client = clients[name] { return client }
        let keys = try keys(of: identity)
        guard let server = ServiceName(rawValue: service) else { throw ErrorBody.internal("no service \(service)") }
        let client = try CommandClient(context: context, service: service, endpoint: endpoint(service),
                                       security: keys.client(to: server), defaultTimeout: .seconds(3))
        clients[name] = client
        return client
    }

    /// The mesh keys as the executable `identity` loads them.
    func keys(of identity: ServiceName) throws -> MeshKeys {
        try MeshKeys.load(for: identity, environment: Environment(environment))
    }

    /// How long a stopped process may take to exit before the test fails.
    static let exitBound: Double = 20

    /// Sends `signal` and waits (bounded) for the process to exit. A process that does not
    /// exit in time fails the test with its threads' stacks, and is then killed, so a
    /// hang never stalls the suite.
    func stop(_ service: String, signal: Int32 = SIGTERM, file: StaticString = #filePath, line: UInt = #line) {
        guard let process = processes.removeValue(forKey: service), process.isRunning else { return }
        kill(process.processIdentifier, signal)
        if !TestProcess.waitForExit(process, seconds: Self.exitBound) {
            let stacks = Self.threadStacks(of: process.processIdentifier)
            kill(process.processIdentifier, SIGKILL)
            _ = TestProcess.waitForExit(process, seconds: 10)
            XCTFail("\(service) did not exit within \(Self.exitBound) s of signal \(signal); its threads:\n\(stacks)",
                    file: file, line: line)
        }
    }

    /// Waits for `process` to exit, at most `seconds`; returns whether it did.

    /// Every thread's stack of a running process, by gdb (at most 30 s).
    static func threadStacks(of pid: Int32) -> String {
        let arguments = ["-p", "\(pid)", "-batch", "-ex", "thread apply all bt"]
        return (try? TestProcess.run(URL(fileURLWithPath: "/usr/bin/gdb"), arguments, seconds: 30).output) ?? "(gdb could not attach)"
    }

    /// The process id of a running service (or `gateway`).
    func pid(_ service: String) -> Int32? {
        processes[service].flatMap { $0.isRunning ? $0.processIdentifier : nil }
    }

    func log(_ service: String) -> String {
        (try? String(contentsOf: logDirectory.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
    }

    func shutdown() {
        for service in Array(processes.keys) { stop(service) }
        clients.values.forEach { $0.shutdown() }
        context.terminate()
    }

    /// Polls `condition` until it holds or `seconds` pass.
    func eventually(seconds: Double = 15, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static var repositoryRoot: URL { LocalSystemLayout.repositoryRoot }

    /// Where `swift build` put the executables: beside the test bundle.
    static var binaries: URL {
        var url = Bundle.main.bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" { url.deleteLastPathComponent() }
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent("customer-service").path) {
            url = Bundle(for: RunningSystem.self).bundleURL.deletingLastPathComponent()
        }
        return url
    }
}
