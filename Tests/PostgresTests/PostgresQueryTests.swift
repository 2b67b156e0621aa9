import Postgres
import XCTest

/// How a query's text and bound values are built (no server needed).
final class PostgresQueryTests: XCTestCase {
    func testAFragmentIsSplicedWithItsParametersNumberedAfterTheOnesBeforeItAndItsTextLeftAlone() {
        let name = "Acme"
        let filter: PostgresQuery = "WHERE name = \(name) AND id <> \(7) AND note <> '$9 is text'"
        let query: PostgresQuery = "SELECT \(1) AS one, count(*) FROM t \(filter) LIMIT \(20)"
        XCTAssertEqual(query.sql, "SELECT $1 AS one, count(*) FROM t WHERE name = $2 AND id <> $3 AND note <> '$9 is text' LIMIT $4")
        XCTAssertEqual(query.bindings.map(\.text), ["1", "Acme", "7", "20"])
    }
}
