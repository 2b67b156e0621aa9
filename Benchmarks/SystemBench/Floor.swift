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
        return try Self.script(fromLog: log, marker: marker, customer: customer)
    }

    /// A statement log as a pgbench script: per backend, its statements with their
    /// parameters bound as literals; only the backends whose statements name `customer`
    /// (the query workers; housekeeping sessions never do), in the order they first
    /// spoke. The customer's id becomes the pgbench variable `:customer_id`.
    static func script(fromLog log: String, marker: String, customer: String) throws -> String {
        struct Statement { var pid: String; var role: String; var sql: String; var parameters: [String: String] = [:] }
        var statements: [Statement] = []  // every statement logged, in order
        var current: Statement?
        var inDetail = false
        for line in log.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(marker) {
                let fields = line.dropFirst(marker.count).split(separator: "@", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3 else { continue }
                let (pid, role, message) = (String(fields[0]), String(fields[1]), fields[2])
                inDetail = false
                if let range = message.range(of: "LOG:  execute <unnamed>: ") ?? message.range(of: "LOG:  statement: ") {
                    if let done = current { statements.append(done) }
                    current = Statement(pid: pid, role: role, sql: String(message[range.upperBound...]))
                } else if let range = message.range(of: "DETAIL:  parameters: ", options: .caseInsensitive), current?.pid == pid {
                    current?.parameters = parameters(String(message[range.upperBound...]))
                    inDetail = true
                } else {
                    if let done = current { statements.append(done) }
                    current = nil
                }
            } else if !inDetail, current != nil {
                current?.sql += "\n" + line
            }
        }
        if let done = current { statements.append(done) }
        // Reads only: an event applied meanwhile in a session that names the customer is not
        // part of the view.
        statements = statements.filter { statement in
            let head = statement.sql.trimmingCharacters(in: .whitespacesAndNewlines).prefix(6).uppercased()
            return head.hasPrefix("SELECT") || head.hasPrefix("WITH")
        }

        let workers = Set(statements.filter { statement in
            statement.sql.contains(customer) || statement.parameters.values.contains { $0.contains(customer) }
        }.map(\.pid))
        var order: [String] = []
        for statement in statements where workers.contains(statement.pid) && !order.contains(statement.pid) { order.append(statement.pid) }
        guard !order.isEmpty else { throw ErrorBody.internal("no statement of the details request was logged") }
        var lines = ["-- The statements the Customer Details view's services ran for one request, as",
                     "-- PostgreSQL logged them (captured by `make bench`; do not edit): one block per",
                     "-- service session, each under its service's search_path. :customer_id is the heavy customer."]
        for pid in order {
            let mine = statements.filter { $0.pid == pid }
            let schema = mine.first.map { $0.role.hasPrefix("ar_") ? String($0.role.dropFirst(3)) : $0.role } ?? ""
            lines.append("")
            lines.append("SET search_path = \(schema);")
            for statement in mine {
                var sql = statement.sql.trimmingCharacters(in: .whitespacesAndNewlines)
                for (name, value) in statement.parameters.sorted(by: { $0.key.count > $1.key.count || ($0.key.count == $1.key.count && $0.key > $1.key) }) {
                    sql = sql.replacingOccurrences(of: name, with: value)
                }
                sql = sql.replacingOccurrences(of: "'\(customer)'", with: ":customer_id")
                if sql.hasSuffix(";") { sql.removeLast() }
                lines.append(sql.split(separator: "\n").map { String($0) }.joined(separator: "\n") + ";")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `$1 = '…', $2 = NULL` as a dictionary.
    static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = text.startIndex
        while index < text.endIndex {
            guard let dollar = text[index...].firstIndex(of: "$"), let equals = text[dollar...].range(of: " = ") else { break }
            let name = String(text[dollar..<equals.lowerBound])
            var cursor = equals.upperBound
            var value = ""
            if text[cursor...].hasPrefix("NULL") {
                value = "NULL"
                cursor = text.index(cursor, offsetBy: 4)
            } else if text[cursor] == "'" {
                // A quoted literal, '' inside it escaping a quote.
                var end = text.index(after: cursor)
                while end < text.endIndex {
                    if text[end] == "'" {
                        let next = text.index(after: end)
                        if next < text.endIndex, text[next] == "'" { end = text.index(after: next); continue }
                        break
                    }
                    end = text.index(after: end)
                }
                let stop = end < text.endIndex ? text.index(after: end) : end
                value = String(text[cursor..<stop])
                cursor = stop
            }
            result[name] = value
            index = cursor
        }
        return result
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
