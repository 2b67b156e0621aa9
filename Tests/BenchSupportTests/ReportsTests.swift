import BenchSupport
import XCTest

/// The benchmark's readers of PostgreSQL's statement log, wrk's report and README's table:
/// a wrong reading would be a wrong figure, not a failed run.
final class ReportsTests: XCTestCase {
    private let customer = "0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b"

    func testTheStatementLogBecomesOneBlockPerSessionThatReadTheCustomer() throws {
        let log = """
            2026-12-01 10:00:00 UTC [99] LOG:  checkpoint starting: time
            @bench@101@ar_customer@LOG:  execute <unnamed>: SELECT id, name FROM customers
            WHERE id = $1
            @bench@101@ar_customer@DETAIL:  parameters: $1 = '\(customer)'
            @bench@102@ar_invoice@LOG:  statement: SELECT 1 FROM invoices WHERE customer_id = '\(customer)';
            @bench@103@ar_history@LOG:  statement: UPDATE activities SET seen = true WHERE customer_id = '\(customer)'
            @bench@104@ar_identity@LOG:  execute <unnamed>: SELECT user_id FROM sessions WHERE token = $1
            @bench@104@ar_identity@DETAIL:  parameters: $1 = 'abc'
            @bench@101@ar_customer@LOG:  execute <unnamed>: SELECT note FROM notes WHERE body = $1 AND author = $2 AND n = $10
            @bench@101@ar_customer@DETAIL:  parameters: $1 = 'it''s, $2 = x', $2 = NULL, $10 = '7'
            @bench@101@ar_customer@LOG:  duration: 0.120 ms
            """
        let script = try StatementLog.script(fromLog: log, marker: "@bench@", customer: customer)
        let body = script.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.hasPrefix("--") }
        XCTAssertEqual(Array(body), [
            "",
            "SET search_path = customer;",
            "SELECT id, name FROM customers",
            "WHERE id = :customer_id;",
            "SELECT note FROM notes WHERE body = 'it''s, $2 = x' AND author = NULL AND n = '7';",
            "",
            "SET search_path = invoice;",
            "SELECT 1 FROM invoices WHERE customer_id = :customer_id;",
            "",
        ])
        XCTAssertThrowsError(try StatementLog.script(fromLog: "@bench@104@ar_identity@LOG:  statement: SELECT 1",
                                                     marker: "@bench@", customer: customer))
    }

    func testParametersKeepQuotedCommasAndDoubledQuotes() {
        XCTAssertEqual(StatementLog.parameters("$1 = 'a, $2 = b', $2 = NULL, $3 = 'it''s'"),
                       ["$1": "'a, $2 = b'", "$2": "NULL", "$3": "'it''s'"])
    }

    func testWrkReportIsReadWithItsUnitsAndTheDegradedCount() throws {
        let output = """
            Running 5s test @ http://127.0.0.1:8080/api/v1/customers/x/details
              1 threads and 1 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     4.80ms  512.00us  12.34ms   90.00%
              Latency Distribution
                 50%  987.00us
                 75%    4.90ms
                 90%    5.20ms
                 99%    1.02s
              1047 requests in 5.01s, 22.97MB read
            Requests/sec:    208.98
            degraded_responses 3
            """
        let report = try WrkReport(output: output)
        XCTAssertEqual(report.p50, 0.987, accuracy: 1e-9)
        XCTAssertEqual(report.p99, 1_020, accuracy: 1e-9)
        XCTAssertEqual(report.requests, 1_047)
        XCTAssertEqual(report.elapsedMilliseconds, 5_010, accuracy: 1e-9)
        XCTAssertEqual(report.degraded, 3)
        XCTAssertThrowsError(try WrkReport(output: output + "\n  Socket errors: connect 0, read 2, write 0, timeout 0"))
        XCTAssertThrowsError(try WrkReport(output: output.replacingOccurrences(of: "degraded_responses 3", with: "")))
        XCTAssertThrowsError(try WrkReport(output: output.replacingOccurrences(of: "99%", with: "98%")))
    }

    func testTheResultsTableReplacesOnlyWhatLiesBetweenItsMarkers() throws {
        let readme = "# Title\n<!-- bench:begin -->\nold | table\n<!-- bench:end -->\nafter\n"
        XCTAssertEqual(try ResultsTable.splice("new | table\n", into: readme),
                       "# Title\n<!-- bench:begin -->\nnew | table\n<!-- bench:end -->\nafter\n")
        XCTAssertThrowsError(try ResultsTable.splice("x", into: "# no markers\n"))
        XCTAssertThrowsError(try ResultsTable.splice("x", into: "<!-- bench:end --> <!-- bench:begin -->"))
    }
}
