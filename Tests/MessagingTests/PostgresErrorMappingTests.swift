import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import TestSupport
import XCTest

/// Constraint violations from a real PostgreSQL become field-named errors; PostgreSQL's
/// own message text never reaches a caller.
final class PostgresErrorMappingTests: XCTestCase {
    private func violation(_ sql: String) throws -> ErrorBody {
        let schema = "map_\(UUID().uuidString.prefix(8).lowercased())"
        let connection = try PostgresConnection(url: try TestDatabase.url(searchPath: schema))
        try connection.executeScript("""
            CREATE SCHEMA \(schema);
            CREATE TABLE \(schema).accounts (
                id int PRIMARY KEY,
                account_number text UNIQUE,
                display_name text NOT NULL CHECK (length(display_name) > 0),
                balance bigint);
            INSERT INTO \(schema).accounts VALUES (1, 'A-1', 'First', 0);
            """)
        defer { try? connection.executeScript("DROP SCHEMA \(schema) CASCADE") }
        do {
            try connection.executeScript(sql)
        } catch let error as PostgresError {
            return ErrorBody(error)
        }
        throw ErrorBody.internal("no violation")
    }

    func testEachViolationNamesItsFieldInOurWords() throws {
        let unique = try violation("INSERT INTO accounts VALUES (2, 'A-1', 'Second', 0)")
        XCTAssertEqual(unique, ErrorBody(.conflict, "a record with this account_number already exists",
                                         details: ["account_number": "already exists"]))
        let check = try violation("INSERT INTO accounts VALUES (2, 'A-2', '', 0)")
        XCTAssertEqual(check, .invalidArgument("display_name is not allowed", field: "display_name"))
        let missing = try violation("INSERT INTO accounts (id, account_number) VALUES (2, 'A-2')")
        XCTAssertEqual(missing, .invalidArgument("display_name is required", field: "display_name"))
        let range = try violation("INSERT INTO accounts VALUES (2, 'A-2', 'x', 99999999999999999999)")
        XCTAssertEqual(range.code, .invalidArgument)
        for error in [unique, check, missing, range] {
            for leak in ["violates", "duplicate key", "bigint", "constraint", "accounts"] {
                XCTAssertFalse(error.message.contains(leak), "PostgreSQL's words reached the caller: \(error.message)")
            }
        }
    }
}
