import BenchSupport
import Contracts
import Foundation
import Postgres
import TestSupport

/// The direct-SQL floor: the statements the details view's services run for a customer,
/// captured from PostgreSQL's own statement log while one details request is answered,
/// written as a pgbench script (`Benchmarks/details.sql`) and run by pgbench in one
/// session per client as a read role on every schema — what a monolith's data access
/// costs, before any encoding. The services' SQL is never copied by hand: when they
/// change it, the next capture follows.
struct Floor {
    let system: LocalSystem
    static let role = "ar_bench_reader"

    /// Turns statement logging on (a reload reaches every open session), runs `request`,
    /// turns it off, and returns the statements of the sessions that touched `customer`,
    /// each session's under a `SET search_path` to its service's schema.
    func capture(customer: String, _ request: () async throws -> Void) async throws -> String {
        // A connection belongs to one thread: one before the request, one after it.
        let connection = try PostgresConnection(url: system.superuserURL)
        let logFile = try connection.query("SELECT current_setting('data_directory') || '/server.log'").single(String.self)
        let marker = "@bench@"
        // ALTER SYSTEM runs alone (never in a transaction block).
        try connection.executeScript("ALTER SYSTEM SET log_line_prefix = '\(marker)%p@%u@'")
        try connection.executeScript("ALTER SYSTEM SET log_statement = 'all'")
        try connection.executeScript("SELECT pg_reload_conf()")
        connection.close()
        // Each backend takes the new settings before its next statement; give the idle ones a moment.
        try await Task.sleep(for: .milliseconds(500))
        let before = (try? FileManager.default.attributesOfItem(atPath: logFile)[.size] as? Int) ?? 0
        let outcome: Result<Void, any Error>
        do { outcome = .success(try await request()) } catch { outcome = .failure(error) }
        // Logging goes off whatever the request did: the cluster may be one that outlives the bench.
        let after = try PostgresConnection(url: system.superuserURL)
        try after.executeScript("ALTER SYSTEM RESET log_statement")
        try after.executeScript("ALTER SYSTEM RESET log_line_prefix")
        try after.executeScript("SELECT pg_reload_conf()")
        after.close()
        try outcome.get()
        try await Task.sleep(for: .milliseconds(300))
        guard let handle = FileHandle(forReadingAtPath: logFile) else { throw ErrorBody.internal("cannot read \(logFile)") }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(before))
        let log = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        try log.write(to: system.directory.appendingPathComponent("capture.log"), atomically: true, encoding: .utf8)
        return try StatementLog.script(fromLog: log, marker: marker, customer: customer)
    }

    /// The read role: USAGE and SELECT on every service's schema, nothing else.
    func createReader() throws {
        let connection = try PostgresConnection(url: system.superuserURL)
        defer { connection.close() }
        try connection.executeScript("""
            DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(Self.role)') THEN CREATE ROLE \(Self.role) LOGIN; END IF; END $$;
            """)
        for schema in ServiceName.allCases.map(\.rawValue) + ["extensions"] {
            try connection.executeScript("""
                GRANT USAGE ON SCHEMA \(schema) TO \(Self.role);
                GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(Self.role);
                """)
        }
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS public.bench_commit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), note text NOT NULL);
            """)
    }

    /// A pgbench run: per-transaction latencies (ms) and the transactions per second.
    struct Run { var latencies: [Double]; var perSecond: Double }

    /// Runs `script` with `clients` sessions for `seconds`.
    func pgbench(script: URL, clients: Int, seconds: Int, asSuperuser: Bool = false, variables: [String: String] = [:]) throws -> Run {
        let directory = system.directory.appendingPathComponent("pgbench-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = ["-n", "-h", system.host, "-p", String(system.port), "-U", asSuperuser ? "postgres" : Self.role,
                         "-f", script.path, "-c", String(clients), "-j", String(min(clients, 2)), "-T", String(seconds),
                         "-l", "--log-prefix=\(directory.path)/tx"]
        for (name, value) in variables { arguments += ["-D", "\(name)=\(value)"] }
        arguments.append(system.database)
        let (status, output) = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/pgbench"), arguments, seconds: seconds + 60)
        guard status == 0 else { throw ErrorBody.internal("pgbench \(arguments.joined(separator: " ")) exited with \(status): \(output)") }
        var latencies: [Double] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let text = try String(contentsOfFile: directory.appendingPathComponent(file).path, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count >= 3, let microseconds = Double(fields[2]) { latencies.append(microseconds / 1_000) }
            }
        }
        try? FileManager.default.removeItem(at: directory)
        let tps = output.split(separator: "\n").first { $0.hasPrefix("tps = ") }
            .flatMap { Double($0.dropFirst("tps = ".count).split(separator: " ").first ?? "") } ?? .nan
        return Run(latencies: latencies, perSecond: tps)
    }
}
