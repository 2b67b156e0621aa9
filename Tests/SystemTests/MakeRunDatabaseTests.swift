import Foundation
import Glibc
import TestSupport
import XCTest

/// `make run`'s database step (scripts/run-database.sh), as a new user would meet it: as
/// root, in a checkout inside a directory the `postgres` user cannot enter; every role
/// needs its password; the cluster listens on loopback only.
final class MakeRunDatabaseTests: XCTestCase {
    func testAsRootInAPrivateDirectoryTheClusterStartsAndEveryLoginNeedsAPassword() throws {
        guard getuid() == 0 else { throw XCTSkip("the private-directory case is root's (CI runs as root)") }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ar-private-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: base) }
        let data = base.appendingPathComponent("checkout/.data")
        let port = try freePorts(1)[0]
        let script = RunningSystem.repositoryRoot.appendingPathComponent("scripts/run-database.sh")
        let (status, output) = try TestProcess.run(script, [data.path, String(port)])
        let location = (try? String(contentsOf: data.appendingPathComponent("pg-location"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        defer {
            _ = try? TestProcess.run(RunningSystem.repositoryRoot.appendingPathComponent("scripts/postgres.sh"), ["stop", location])
            if location.hasPrefix("/var/lib/ar-platform/") {
                try? FileManager.default.removeItem(atPath: (location as NSString).deletingLastPathComponent)
            }
        }
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(location.hasPrefix("/var/lib/ar-platform/"), "the cluster went to \(location)")
        XCTAssertTrue(output.contains("PostgreSQL data: \(location)"), "make run says where the data went: \(output)")

        func psql(_ user: String, password: String?, _ sql: String) throws -> (Int32, String) {
            var environment = ProcessInfo.processInfo.environment
            environment.removeValue(forKey: "PGPASSWORD")
            if let password { environment["PGPASSWORD"] = password }
            return try TestProcess.run(URL(fileURLWithPath: "/usr/bin/psql"),
                                         ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "ar", "-qtAc", sql],
                                         environment: environment, seconds: 30)
        }
        let secret = { (role: String) -> String in
            ((try? String(contentsOf: data.appendingPathComponent("secrets/\(role).password"), encoding: .utf8)) ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let anonymous = try psql("ar_customer", password: nil, "SELECT 1")
        XCTAssertNotEqual(anonymous.0, 0, "a login without a password was let in")
        let wrong = try psql("ar_customer", password: "not-the-password", "SELECT 1")
        XCTAssertNotEqual(wrong.0, 0, "a wrong password was let in")
        let customer = try psql("ar_customer", password: secret("ar_customer"), "SELECT current_user")
        XCTAssertEqual(customer.0, 0, customer.1)
        XCTAssertEqual(customer.1.trimmingCharacters(in: .whitespacesAndNewlines), "ar_customer")
        let listen = try psql("postgres", password: secret("postgres"), "SHOW listen_addresses")
        XCTAssertEqual(listen.1.trimmingCharacters(in: .whitespacesAndNewlines), "127.0.0.1")
        let mode = try FileManager.default.attributesOfItem(atPath: data.appendingPathComponent("secrets/ar_customer.password").path)
        XCTAssertEqual((mode[.posixPermissions] as? Int).map { $0 & 0o077 }, 0, "a password file others can read")
    }
}
