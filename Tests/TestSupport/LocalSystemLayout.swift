import Contracts
import Foundation
import Glibc
import ServiceKit

/// A whole system on this machine as its processes are told to run it: a fresh database
/// provisioned with a role per service, the mesh's CURVE keys written the way `make run`
/// writes them, and a free loopback port for every endpoint. The system tests and the
/// system benchmark start the executables from this one layout.
public struct LocalSystemLayout: Sendable {
    /// The database the system runs on, made for it.
    public let database: String
    /// The cluster, as its superuser (`AR_TEST_DATABASE_URL`).
    public let serverURL: URL
    /// Where the processes' logs and the keys go.
    public let directory: URL
    public let keyDirectory: URL
    public let gatewayPort: Int
    /// What every process gets: this process's environment and the layout's settings.
    public let environment: [String: String]

    /// `prefix` names the database (`ar_sys_…`, `ar_bench_…`); `settings` go to every
    /// process, over the layout's own.
    public init(admin: String, prefix: String, ownerEmail: String, ownerPassword: String,
                settings: [String: String] = [:]) throws {
        guard let url = URL(string: admin) else { throw ErrorBody.internal("bad AR_TEST_DATABASE_URL") }
        serverURL = url
        database = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(database)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let provision = Self.repositoryRoot.appendingPathComponent("scripts/provision-database.sh").path
        let (status, output) = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [provision, admin, database], seconds: 600)
        guard status == 0 else { throw ErrorBody.internal("provision-database.sh exited with \(status): \(output)") }
        keyDirectory = directory.appendingPathComponent("keys")
        try MeshKeys.generateMissing(in: keyDirectory.path)

        var environment = ProcessInfo.processInfo.environment
        environment["AR_KEYS_DIR"] = keyDirectory.path
        // If this process dies, the system follows it instead of holding ports.
        environment["AR_EXIT_WITH_PARENT"] = String(getpid())
        environment["AR_OWNER_EMAIL"] = ownerEmail
        environment["AR_OWNER_PASSWORD"] = ownerPassword
        var ports = try freePorts(1 + 2 * ServiceName.allCases.count)
        gatewayPort = ports.removeFirst()
        environment["AR_GATEWAY_PORT"] = String(gatewayPort)
        for service in ServiceName.allCases.map(\.rawValue) {
            let prefix = "AR_\(service.uppercased())"
            environment["\(prefix)_DATABASE_URL"] = Self.roleURL(service, server: url, database: database)
            environment["\(prefix)_ENDPOINT"] = "tcp://127.0.0.1:\(ports.removeFirst())"
            environment["\(prefix)_EVENTS_ENDPOINT"] = "tcp://127.0.0.1:\(ports.removeFirst())"
        }
        self.environment = environment.merging(settings) { $1 }
    }

    /// The URL a service's own role connects with.
    public func roleURL(_ service: String) -> String { Self.roleURL(service, server: serverURL, database: database) }

    private static func roleURL(_ service: String, server: URL, database: String) -> String {
        "postgresql://ar_\(service)@\(server.host ?? "127.0.0.1"):\(server.port ?? 5432)/\(database)"
    }

    /// The cluster's superuser, in this system's database.
    public var superuserURL: String {
        var components = URLComponents(url: serverURL, resolvingAgainstBaseURL: false)
        components?.path = "/\(database)"
        return components?.string ?? ""
    }

    /// The repository's root (this file is `Tests/TestSupport/LocalSystemLayout.swift`).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
