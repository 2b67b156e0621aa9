import Foundation
import TestSupport
import XCTest

/// docker-compose.yml is checked with Debian's docker-compose, which validates and
/// resolves the file without a Docker engine.
final class ContainerConfigTests: XCTestCase {
    private let secrets = [
        "POSTGRES_PASSWORD": "pg-secret", "AR_CUSTOMER_DB_PASSWORD": "c", "AR_INVOICE_DB_PASSWORD": "i",
        "AR_PAYMENTS_DB_PASSWORD": "p", "AR_COMMUNICATIONS_DB_PASSWORD": "m", "AR_HISTORY_DB_PASSWORD": "h",
        "AR_GATEWAY_DB_PASSWORD": "g",
    ].merging(["CUSTOMER", "INVOICE", "PAYMENTS", "COMMUNICATIONS", "HISTORY", "GATEWAY"].flatMap { name in
        [("AR_\(name)_PUBLIC_KEY", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"), ("AR_\(name)_SECRET_KEY", "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6")]
    } + [("AR_GATEWAY_DATA_KEY", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M="),
         ("AR_PAYMENTS_LINK_KEY", "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=")]) { first, _ in first }

    private func compose(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        var base = ProcessInfo.processInfo.environment
        for key in secrets.keys { base.removeValue(forKey: key) }
        return try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/docker-compose"),
            ["-f", RunningSystem.repositoryRoot.appendingPathComponent("docker-compose.yml").path] + arguments,
            environment: base.merging(environment) { $1 })
    }

    func testComposeFileIsValidAndRunsEveryExecutable() throws {
        let config = try compose(["config", "-q"], environment: secrets)
        XCTAssertEqual(config.status, 0, config.output)
        let services = try compose(["config", "--services"], environment: secrets)
        XCTAssertEqual(Set(services.output.split(separator: "\n").map(String.init)),
                       ["postgres", "customer", "invoice", "payments", "communications", "history", "gateway"])
    }

    func testEveryContainerGetsOnlyItsOwnSecretKey() throws {
        let resolved = try compose(["config"], environment: secrets)
        XCTAssertEqual(resolved.status, 0, resolved.output)
        // Each executable's section names its own secret key and no other one.
        for name in ["customer", "invoice", "payments", "communications", "history", "gateway"] {
            XCTAssertEqual(resolved.output.components(separatedBy: "AR_\(name.uppercased())_SECRET_KEY").count - 1, 1,
                           "\(name)'s secret key appears exactly once")
            XCTAssertEqual(resolved.output.components(separatedBy: "AR_\(name.uppercased())_PUBLIC_KEY").count - 1, 6,
                           "every container knows \(name)'s public key")
        }
    }

    func testComposeRefusesToStartWithoutSecrets() throws {
        let config = try compose(["config", "-q"], environment: [:])
        XCTAssertNotEqual(config.status, 0)
        XCTAssertTrue(config.output.contains("set POSTGRES_PASSWORD"), config.output)
    }
}
