import Foundation

/// The benchmark's readers of other programs' output, kept apart from the runs so that
/// they are tested (`Tests/BenchSupportTests`): PostgreSQL's statement log, wrk's report,
/// README's results table.

/// Why a program's output could not be read.
public struct BenchParseError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// PostgreSQL's statement log (`log_statement = all`, lines prefixed by a marker, the
/// backend's pid and role) turned into the floor's pgbench script.
public enum StatementLog {
    /// A statement log as a pgbench script: per backend, its statements with their
    /// parameters bound as literals; only the backends whose statements name `customer`
    /// (the query workers; housekeeping sessions never do), in the order they first
    /// spoke. The customer's id becomes the pgbench variable `:customer_id`.
    public static func script(fromLog log: String, marker: String, customer: String) throws(BenchParseError) -> String {
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
        guard !order.isEmpty else { throw BenchParseError("no statement of the details request was logged") }
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
    public static func parameters(_ text: String) -> [String: String] {
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

}

/// What `wrk --latency` printed, with the Lua hook's `degraded_responses` line.
public struct WrkReport: Equatable {
    public var p50: Double
    public var p99: Double
    public var requests: Double
    public var elapsedMilliseconds: Double
    public var degraded: Int

    public init(output: String) throws(BenchParseError) {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if let bad = lines.first(where: { $0.hasPrefix("Socket errors") }) {
            throw BenchParseError("wrk saw socket errors (\(bad)):\n\(output)")
        }
        func latency(_ label: String) throws(BenchParseError) -> Double {
            guard let line = lines.first(where: { $0.hasPrefix(label) }),
                  let value = line.split(separator: " ").last.flatMap(Self.milliseconds) else {
                throw BenchParseError("wrk printed no \(label) latency:\n\(output)")
            }
            return value
        }
        // "2333 requests in 10.07s, 71.97MB read"
        guard let summary = lines.first(where: { $0.contains(" requests in ") })?.split(separator: " "), summary.count >= 4,
              let requests = Double(summary[0]), let elapsed = Self.milliseconds(summary[3].dropLast()),
              let degraded = lines.first(where: { $0.hasPrefix("degraded_responses ") }).flatMap({ Int($0.split(separator: " ")[1]) }) else {
            throw BenchParseError("wrk printed no request count:\n\(output)")
        }
        p50 = try latency("50%")
        p99 = try latency("99%")
        self.requests = requests
        elapsedMilliseconds = elapsed
        self.degraded = degraded
    }

    /// `12.34ms`, `987.00us`, `1.02s` in milliseconds.
    public static func milliseconds(_ text: Substring) -> Double? {
        for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1_000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * factor }
        }
        return nil
    }
}

/// README's results table lives between two markers.
public enum ResultsTable {
    public static let begin = "<!-- bench:begin -->"
    public static let end = "<!-- bench:end -->"

    /// `document` with what lies between the markers replaced by `text`; an error when
    /// the markers are missing or out of order (the table would silently go stale).
    public static func splice(_ text: String, into document: String) throws(BenchParseError) -> String {
        guard let first = document.range(of: begin), let last = document.range(of: end), first.upperBound <= last.lowerBound else {
            throw BenchParseError("the document has no \(begin) … \(end) section")
        }
        return document.replacingCharacters(in: first.upperBound..<last.lowerBound, with: "\n" + text)
    }
}
