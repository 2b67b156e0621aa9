import Foundation
import XCTest

/// Headless Chromium (Debian's chromium, chromium-driver, python3-selenium) uses the web
/// UI the way a person would; the scenario is in Tests/Browser/customers_flow.py.
final class BrowserTests: XCTestCase {
    func testAddCustomerThroughTheFormThenSeeItsDetailsAndHistory() async throws {
        let system = try RunningSystem()
        defer { system.shutdown() }
        try await system.startAll()

        let process = Process()
        // Debian's interpreter, which has Debian's python3-selenium (not a pyenv one on PATH).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [RunningSystem.repositoryRoot.appendingPathComponent("Tests/Browser/customers_flow.py").path,
                             "http://127.0.0.1:\(system.gatewayPort)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "browser test failed:\n\(text)\ngateway log:\n\(system.log("gateway"))")
    }
}
