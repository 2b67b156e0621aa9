import Foundation
import TestSupport
import XCTest

/// Headless Chromium (Debian's chromium, chromium-driver, python3-selenium) uses the web
/// UI the way a person would; the scenario is in Tests/Browser/customers_flow.py.
final class BrowserTests: XCTestCase {
    func testAddCustomerThroughTheFormThenSeeItsDetailsAndHistory() async throws {
        let system = try RunningSystem()
        defer { system.shutdown() }
        try await system.startAll()

        // Debian's interpreter, which has Debian's python3-selenium (not a pyenv one on PATH).
        let (status, output) = try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [RunningSystem.repositoryRoot.appendingPathComponent("Tests/Browser/customers_flow.py").path,
             "http://127.0.0.1:\(system.gatewayPort)", RunningSystem.ownerEmail, RunningSystem.ownerPassword])
        XCTAssertEqual(status, 0, "browser test failed:\n\(output)\ngateway log:\n\(system.log("gateway"))")
    }
}
