import Foundation

/// Programs a test runs (pdftotext, pg_ctl, gdb), each bounded so that none can hang the suite.
public enum TestProcess {
    /// Runs a program to completion, killed after `seconds` (coreutils `timeout`, exit
    /// status 124) so that it cannot hang the suite; returns its exit status and its
    /// output (both streams).
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                    seconds: Int = 120) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-k", "5", String(seconds), executable.path] + arguments
        if let environment { process.environment = environment }
        // Output goes to a file, not a pipe: a daemon the program starts (pg_ctl's server)
        // may inherit the descriptor, and reading a pipe to its end would wait for it.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // `timeout` ends the program first; this bound is the second lock.
        if !waitForExit(process, seconds: Double(seconds) + 15) {
            kill(process.processIdentifier, SIGKILL)
            guard waitForExit(process, seconds: 5) else { return (-1, "did not exit, even after SIGKILL") }
        }
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Waits at most `seconds` for `process` to exit; whether it did.
    public static func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return !process.isRunning
    }

    /// The text of a PDF, as poppler's `pdftotext -layout` extracts it (what a reader can
    /// select and copy): proof the PDF holds real text.
    public static func pdfText(_ pdf: [UInt8]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pdf-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try run(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", file.path, "-"], seconds: 30)
        guard status == 0 else { throw TestProcessError(description: "pdftotext exited with \(status): \(output)") }
        return output
    }
}

public struct TestProcessError: Error, CustomStringConvertible {
    public let description: String
}
