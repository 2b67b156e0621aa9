import Foundation
import TestSupport
import Glibc
import XCTest

/// A service started with `AR_EXIT_WITH_PARENT` exits once its parent is gone, so a crashed
/// test run leaves nothing behind.
final class ParentWatchTests: XCTestCase {
    func testServiceExitsWhenItsParentDies() async throws {
        let system = try RunningSystem()
        defer { system.shutdown() }
        let binary = RunningSystem.binaries.appendingPathComponent("customer-service").path
        // A short-lived shell parent: it starts the service, prints its pid, and exits.
        let script = "AR_EXIT_WITH_PARENT=$$ \"$0\" >/dev/null 2>&1 & echo $!; sleep 2"
        let (status, output) = try TestProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script, binary],
                                                     environment: system.environmentForTests)
        XCTAssertEqual(status, 0)
        let child = try XCTUnwrap(Int32(output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let deadline = Date().addingTimeInterval(10)
        while kill(child, 0) == 0 {
            guard Date() < deadline else {
                kill(child, SIGKILL)
                return XCTFail("the service outlived its parent")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
