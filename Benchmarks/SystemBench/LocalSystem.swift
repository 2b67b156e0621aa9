import Contracts
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Postgres
import ServiceKit
import TestSupport

/// The release executables, started as processes against a fresh database in the bench's
/// PostgreSQL, each service with its own role, on free loopback ports — the system as
/// `make run` starts it, with its own defaults (workers, pools, log level warning).
/// Shared by the seeding tasks once started: from then on only read (`token`, `pids`).
final class LocalSystem: @unchecked Sendable {
    static let services = ServiceName.allCases.filter { $0 != .gateway }.map(\.rawValue)
    static let ownerEmail = "owner@bench.example"
    static let ownerPassword = "correct horse battery staple"

    let layout: LocalSystemLayout
    private(set) var token = ""
    private var processes: [String: Process] = [:]

    init(adminURL admin: String) throws {
        layout = try LocalSystemLayout(admin: admin, prefix: "ar_bench", ownerEmail: Self.ownerEmail,
                                       ownerPassword: Self.ownerPassword, settings: ["AR_LOG_LEVEL": "warning"])
    }

    var database: String { layout.database }
    var adminURL: URL { layout.serverURL }
    var gatewayPort: Int { layout.gatewayPort }
    var directory: URL { layout.directory }
    private var environment: [String: String] { layout.environment }

    /// The bench database, as the superuser.
    var superuserURL: String { layout.superuserURL }

    var host: String { adminURL.host ?? "127.0.0.1" }
    var port: Int { adminURL.port ?? 5432 }

    /// Every service, then the gateway; waits until `/health` says every service answers,
    /// creates the owner and signs in.
    func start() async throws {
        for service in Self.services { try launch(service, executable: "\(service)-service") }
        try launch("gateway", executable: "gateway")
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let (status, _) = try? await http("GET", "/health", authenticated: false), status == 200 { break }
            guard ContinuousClock.now < deadline else { throw ErrorBody.unavailable("the system did not become healthy in 60 s (logs in \(directory.path))") }
            for (name, process) in processes where !process.isRunning {
                throw ErrorBody.unavailable("\(name) exited; its log: \(directory.appendingPathComponent("\(name).log").path)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let (status, output) = try TestProcess.run(Self.binaries.appendingPathComponent("gateway"), ["bootstrap-owner"],
                                                   environment: environment)
        guard status == 0 else { throw ErrorBody.internal("bootstrap-owner failed: \(output)") }
        let login = try JSONSerialization.data(withJSONObject: ["email": Self.ownerEmail, "password": Self.ownerPassword])
        let (signedIn, body) = try await http("POST", "/api/v1/auth/login", json: login, authenticated: false)
        guard signedIn == 200, let token = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String else {
            throw ErrorBody(.unauthenticated, "sign-in failed with \(signedIn)")
        }
        self.token = token
    }

    private func launch(_ name: String, executable: String) throws {
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent(executable)
        process.environment = environment
        let log = directory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes[name] = process
    }

    /// The running processes' ids, by name (`gateway` and each service).
    var pids: [String: Int32] {
        processes.compactMapValues { $0.isRunning ? $0.processIdentifier : nil }
    }

    /// SIGTERM to each, SIGKILL to any still running after 20 s.
    func stop() {
        for process in processes.values where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        for process in processes.values where !TestProcess.waitForExit(process, seconds: 20) {
            kill(process.processIdentifier, SIGKILL)
            _ = TestProcess.waitForExit(process, seconds: 5)
        }
        processes = [:]
    }

    /// Drops the bench database (the cluster may be one that outlives the bench).
    func dropDatabase() {
        guard let connection = try? PostgresConnection(url: adminURL.absoluteString) else { return }
        try? connection.executeScript("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        connection.close()
    }

    var baseURL: String { "http://127.0.0.1:\(gatewayPort)" }

    /// One request to the gateway as the owner; the status and the body.
    func http(_ method: String, _ path: String, json: Data? = nil, contentType: String = "application/json",
              authenticated: Bool = true) async throws -> (Int, Data) {
        guard let url = URL(string: baseURL + path) else { throw ErrorBody.internal("bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let json {
            request.httpBody = json
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if authenticated { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await Self.session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// A request that must answer `expect`; its body as a JSON object.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: Any? = nil, expect: Int = 201) async throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (status, reply) = try await http(method, path, json: data)
        guard status == expect else {
            throw ErrorBody.internal("\(method) \(path) answered \(status): \(String(decoding: reply, as: UTF8.self))")
        }
        return (try JSONSerialization.jsonObject(with: reply) as? [String: Any]) ?? [:]
    }

    private static let session = URLSession(configuration: .ephemeral)

    static var repositoryRoot: URL { LocalSystemLayout.repositoryRoot }

    /// Where `swift build -c release` put the executables: beside this one.
    static var binaries: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
