import BenchSupport
import Contracts
import Foundation
import Glibc
import TestSupport
import Threading

/// Debian's `wrk`, closed loop: `connections` keep-alive clients, each sending its next
/// request when the last is answered, on at most two threads (this machine's cores). A
/// Lua hook counts the answers that are not the whole view (not 200, or a section
/// `unavailable` because its service missed the deadline); throughput counts only whole ones.
struct LoadGenerator {
    struct Run {
        var p50: Double
        var p99: Double
        /// Whole views per second.
        var perSecond: Double
        /// Answers that were not the whole view.
        var degraded: Int
        /// The CPU wrk itself used, in cores (user + system seconds over wall seconds).
        var cores: Double
    }

    let url: String
    let token: String

    static let script = """
        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        function init(args) degraded = 0 end
        function response(status, headers, body)
          if status ~= 200 or not string.find(body, '"unavailable":[]', 1, true) then degraded = degraded + 1 end
        end
        function done(summary, latency, requests)
          local total = 0
          for _, thread in ipairs(threads) do total = total + thread:get("degraded") end
          io.write(string.format("degraded_responses %d\\n", total))
        end
        """

    func run(connections: Int, seconds: Int) throws -> Run {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("wrk-\(UUID().uuidString).lua")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let before = Self.childrenCPU()
        let started = ContinuousClock.now
        let (status, output) = try TestProcess.run(
            URL(fileURLWithPath: "/usr/bin/wrk"),
            ["-t", String(min(connections, 2)), "-c", String(connections), "-d", "\(seconds)s", "--latency", "--timeout", "10s",
             "-s", script.path, "-H", "Authorization: Bearer \(token)", url],
            seconds: seconds + 60)
        let wall = (ContinuousClock.now - started).seconds
        guard status == 0 else { throw ErrorBody.internal("wrk exited with \(status): \(output)") }
        let report = try WrkReport(output: output)
        return Run(p50: report.p50, p99: report.p99, perSecond: (report.requests - Double(report.degraded)) / (report.elapsedMilliseconds / 1_000),
                   degraded: report.degraded, cores: (Self.childrenCPU() - before) / wall)
    }

    /// User + system CPU seconds of this process's finished children.
    static func childrenCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}

/// Resident memory of the system's processes, from `/proc/<pid>/status` (VmRSS).
enum ResidentMemory {
    static func mebibytes(_ pid: Int32) -> Double { field("VmRSS:", of: pid) }

    /// The private part: anonymous pages (heap, stacks), without the shared libraries'
    /// file pages that every process's RSS also counts.
    static func privateMebibytes(_ pid: Int32) -> Double { field("RssAnon:", of: pid) }

    private static func field(_ name: String, of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1_024
    }

    /// The largest of each process while `work` runs, sampled every 200 ms.
    static func peak(of pids: [String: Int32], during work: () throws -> Void) rethrows -> [String: Double] {
        let peaks = PeakBox()
        let sampler = Thread {
            while !peaks.stopped {
                for (name, pid) in pids {
                    peaks.keep(name, mebibytes(pid))
                    peaks.keep("\(name).private", privateMebibytes(pid))
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        sampler.start()
        defer { peaks.stop() }
        try work()
        for (name, pid) in pids {
            peaks.keep(name, mebibytes(pid))
            peaks.keep("\(name).private", privateMebibytes(pid))
        }
        return peaks.values
    }

    private final class PeakBox: Sendable {
        private let state = Locked((peaks: [String: Double](), done: false))
        var stopped: Bool { state.withLock { $0.done } }
        var values: [String: Double] { state.withLock { $0.peaks } }
        func stop() { state.withLock { $0.done = true } }
        func keep(_ name: String, _ value: Double) { state.withLock { $0.peaks[name] = max($0.peaks[name] ?? 0, value) } }
    }
}

/// CPU seconds (user + system) of processes, from `/proc/<pid>/stat`.
enum ProcessCPU {
    static func seconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Every PostgreSQL server process (the backends serving the system and the floor).
    static func postgresPIDs() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter {
            (try? String(contentsOfFile: "/proc/\($0)/comm", encoding: .utf8))?.hasPrefix("postgres") == true
        }
    }

    /// The CPU each named process and PostgreSQL took while `work` ran, in cores.
    static func cores(of pids: [String: Int32], during work: () throws -> Void) rethrows -> [String: Double] {
        let started = ContinuousClock.now
        let before = pids.mapValues(seconds)
        let postgresBefore = Dictionary(uniqueKeysWithValues: postgresPIDs().map { ($0, seconds($0)) })
        try work()
        let wall = (ContinuousClock.now - started).seconds
        var result = pids.mapValues { seconds($0) }.merging(before) { $0 - $1 }.mapValues { $0 / wall }
        let postgres = postgresPIDs().reduce(0.0) { $0 + seconds($1) - (postgresBefore[$1] ?? 0) }
        result["postgresql"] = postgres / wall
        return result
    }
}
