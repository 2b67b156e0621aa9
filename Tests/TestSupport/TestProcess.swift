import Foundation

/// Programs a test runs (pdftotext, pg_ctl, gdb), each bounded so that none can hang the suite.
public enum TestProcess {
    /// Runs a program to completion, killed after `seconds` (coreutils `timeout`, exit
    /// status 124) so that it cannot hang the suite; returns its exit status and its
    /// output (both streams).
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                    seconds: Int = 120) throws -> (status: Int32, output: String) {
        // Output goes to a file, not a pipe: a daemon the program starts (pg_ctl's server)
        // may inherit the descriptor, and reading a pipe to its end would wait for it.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let pid = try spawn(["/usr/bin/timeout", "-k", "5", String(seconds), executable.path] + arguments,
                            environment: environment ?? ProcessInfo.processInfo.environment, output: log.path)
        // `timeout` ends the program first; this bound is the second lock.
        var status = wait(pid, seconds: Double(seconds) + 15)
        if status == nil {
            kill(pid, SIGKILL)
            status = wait(pid, seconds: 5)
        }
        guard let status else { return (-1, "did not exit, even after SIGKILL") }
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Starts `argv` with stdin from /dev/null and stdout and stderr to `output`, its
    /// signal mask empty and the signals programs time themselves with (SIGALRM: `timeout`,
    /// `pgbench -T`) at their defaults — a thread of the Swift runtime blocks them, and a
    /// child would inherit that and never wake.
    private static func spawn(_ argv: [String], environment: [String: String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of this process's: a daemon the program starts would hold it open.
        // (glibc ≥ 2.34 has the call; Swift's Glibc module does not declare it.)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let closeFrom = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw TestProcessError(description: "this C library cannot close a child's inherited descriptors (glibc 2.34 or later)")
        }
        _ = unsafeBitCast(closeFrom, to: CloseFrom.self)(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGALRM, SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard result == 0 else { throw TestProcessError(description: "cannot start \(argv[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// The exit status of `pid` once it ends (128 + the signal when a signal ended it), or
    /// nil when it is still running after `seconds`.
    private static func wait(_ pid: pid_t, seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                let signal = status & 0x7f
                return signal == 0 ? (status >> 8) & 0xff : 128 + signal
            }
            if reaped < 0 { return -1 }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        return nil
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
