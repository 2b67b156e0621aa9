import Contracts
import Foundation
import Glibc
import Postgres
import PostgresContracts
import TestSupport
import XCTest

final class PostgresConnectionTests: XCTestCase {
    private var connection: PostgresConnection!

    override func setUpWithError() throws {
        connection = try TestDatabase.connect(schema: try TestDatabase.freshSchema("conn"))
    }

    func testInterpolatedValuesAreBoundNotPasted() throws {
        try connection.execute("CREATE TABLE x (body text NOT NULL)")
        let hostile = "'); DROP TABLE x; --"
        let query: PostgresQuery = "INSERT INTO x (body) VALUES (\(hostile))"
        XCTAssertEqual(query.sql, "INSERT INTO x (body) VALUES ($1)")
        try connection.execute(query)
        XCTAssertEqual(try connection.query("SELECT body FROM x").single((String).self), hostile)
    }

    func testTypedValuesRoundTrip() throws {
        let id = UUID()
        let customer = CustomerID()
        let instant = RFC3339.date(from: "2026-11-29T11:50:59.123456Z")!
        let due = BusinessDate("2027-02-28")!
        let bytes = PostgresBytes([0, 1, 0xff, 0x7f, 10])
        let text = "Zahlung — 请付款 💶 \n\t\\"
        let row = try connection.query("""
            SELECT \(Int64.max)::int8, \(Int32(-7))::int4, \(true), \(1.5)::float8, \(id), \(customer),
                   \(instant), \(due), \(bytes), \(text)::text, \(Optional<Int64>.none)::int8
            """).single((Int64, Int32, Bool, Double, UUID, CustomerID, Date, BusinessDate, PostgresBytes, String, Int64?).self)
        XCTAssertEqual(row.0, .max)
        XCTAssertEqual(row.1, -7)
        XCTAssertEqual(row.2, true)
        XCTAssertEqual(row.3, 1.5)
        XCTAssertEqual(row.4, id)
        XCTAssertEqual(row.5, customer)
        XCTAssertEqual(row.6, instant)
        XCTAssertEqual(row.7, due)
        XCTAssertEqual(row.8, bytes)
        XCTAssertEqual(row.9, text)
        XCTAssertNil(row.10)
    }

    func testJSONBRoundTrip() throws {
        try connection.execute("CREATE TABLE doc (body jsonb NOT NULL)")
        let money = Money(minorUnits: 12_345, currency: .usd)
        try connection.execute("INSERT INTO doc VALUES (\(try PostgresJSON(money)))")
        XCTAssertEqual(try connection.query("SELECT body->>'currency' FROM doc").single((String).self), "USD")
        XCTAssertEqual(try connection.query("SELECT body FROM doc").single((PostgresJSON<Money>).self).value, money)
    }

    func testNullIntoNonOptionalIsADecodingError() throws {
        XCTAssertThrowsError(try connection.query("SELECT NULL::int8").single((Int64).self)) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .decoding)
        }
    }

    func testUniqueViolationIsTyped() throws {
        try connection.execute("CREATE TABLE u (email text PRIMARY KEY)")
        try connection.execute("INSERT INTO u VALUES (\("a@example.com"))")
        XCTAssertThrowsError(try connection.execute("INSERT INTO u VALUES (\("a@example.com"))")) { error in
            let error = error as? PostgresError
            XCTAssertEqual(error?.kind, .uniqueViolation)
            XCTAssertEqual(error?.sqlState, "23505")
            XCTAssertEqual(error?.constraint, "u_pkey")
        }
    }

    func testForeignKeyAndInvalidInputAreTyped() throws {
        try connection.execute("CREATE TABLE parent (id int PRIMARY KEY)")
        try connection.execute("CREATE TABLE child (parent_id int REFERENCES parent(id))")
        XCTAssertThrowsError(try connection.execute("INSERT INTO child VALUES (\(Int64(1)))")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .foreignKeyViolation)
        }
        XCTAssertThrowsError(try connection.query("SELECT \("not a number")::int")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .invalidInput)
        }
    }

    func testTransactionCommitsOrRollsBack() throws {
        try connection.execute("CREATE TABLE t (n int)")
        _ = try connection.withTransaction { try connection.execute("INSERT INTO t VALUES (1)") }
        struct Boom: Error {}
        XCTAssertThrowsError(try connection.withTransaction {
            try connection.execute("INSERT INTO t VALUES (2)")
            throw Boom()
        })
        XCTAssertEqual(try connection.query("SELECT count(*) FROM t").single((Int64).self), 1)
        XCTAssertFalse(connection.isInTransaction)
    }

    func testNestedTransactionIsASavepoint() throws {
        try connection.execute("CREATE TABLE t (n int)")
        struct Boom: Error {}
        try connection.withTransaction {
            try connection.execute("INSERT INTO t VALUES (1)")
            _ = try? connection.withTransaction {
                try connection.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        XCTAssertEqual(try connection.query("SELECT array_agg(n)::text FROM t").single((String).self), "{1}")
    }

    func testReconnectsAfterBackendIsTerminated() throws {
        let victim = connection.backendPID
        let admin = try PostgresConnection(url: try TestDatabase.url)
        XCTAssertTrue(try admin.query("SELECT pg_terminate_backend(\(victim))").single((Bool).self))
        // Wait until the backend process has exited, so its socket is closed.
        let deadline = Date().addingTimeInterval(5)
        while kill(victim, 0) == 0 || errno == EPERM {
            guard Date() < deadline else { return XCTFail("backend \(victim) did not exit") }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertEqual(try connection.query("SELECT 41 + 1").single((Int).self), 42)
        XCTAssertNotEqual(connection.backendPID, victim)
    }

    func testListenNotify() throws {
        try connection.listen("wake up")
        let sender = try PostgresConnection(url: try TestDatabase.url)
        try sender.notify("wake up", payload: "now")
        let notifications = try connection.waitForNotifications(timeoutMilliseconds: 2_000)
        XCTAssertEqual(notifications.map(\.payload), ["now"])
        XCTAssertEqual(notifications.first?.channel, "wake up")
        XCTAssertEqual(try connection.waitForNotifications(timeoutMilliseconds: 10), [])
    }

    func testAdvisoryLocksExcludeOtherSessions() throws {
        let other = try PostgresConnection(url: try TestDatabase.url)
        XCTAssertTrue(try connection.tryAdvisoryLock(4242))
        XCTAssertFalse(try other.tryAdvisoryLock(4242))
        XCTAssertTrue(try connection.advisoryUnlock(4242))
        XCTAssertTrue(try other.tryAdvisoryLock(4242))
    }

    func testConnectFailureIsTyped() {
        XCTAssertThrowsError(try PostgresConnection(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .connectionFailed)
        }
    }

    func testAStatementRunsAtMostTheStatementTimeout() throws {
        XCTAssertEqual(try connection.query("SHOW statement_timeout").single(String.self), "30s", "the default bound")
        let short = try PostgresConnection(url: try TestDatabase.url + "?options=-cstatement_timeout%3D200")
        XCTAssertThrowsError(try short.query("SELECT pg_sleep(30)")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .queryCanceled)
        }
        XCTAssertEqual(try short.query("SELECT 1").single(Int.self), 1, "the connection is usable after the cancel")
    }

    func testConnectingToAServerThatNeverAnswersGivesUp() throws {
        // A socket that accepts connections (the kernel completes them) and never speaks.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0)
        XCTAssertEqual(listen(listener, 8), 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = UInt16(bigEndian: address.sin_port)
        let started = Date()
        XCTAssertThrowsError(try PostgresConnection(url: "postgresql://nobody@127.0.0.1:\(port)/none")) {
            XCTAssertEqual(($0 as? PostgresError)?.kind, .connectionFailed)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), Double(PostgresConnection.defaultConnectTimeoutSeconds) + 10,
                          "connecting waited without the default bound")
    }
}

final class PostgresAfterCommitTests: XCTestCase {
    func testAfterCommitRunsOnceAfterCommitAndNeverAfterRollback() throws {
        let connection = try TestDatabase.connect(schema: try TestDatabase.freshSchema("after"))
        var ran: [String] = []
        try connection.withTransaction {
            connection.afterCommit(key: "a") { _ in ran.append("a") }
            connection.afterCommit(key: "a") { _ in ran.append("a again") }
            XCTAssertEqual(ran, [])
        }
        XCTAssertEqual(ran, ["a"])
        struct Abort: Error {}
        _ = try? connection.withTransaction {
            connection.afterCommit(key: "b") { _ in ran.append("b") }
            throw Abort()
        }
        try connection.withTransaction {}
        XCTAssertEqual(ran, ["a"])
        connection.afterCommit(key: "c") { _ in ran.append("c") }  // no transaction: at once
        XCTAssertEqual(ran, ["a", "c"])
    }

    func testFailedScriptDoesNotLeaveAnAbortedTransactionBehind() throws {
        let connection = try TestDatabase.connect(schema: try TestDatabase.freshSchema("script"))
        XCTAssertThrowsError(try connection.executeScript("BEGIN; SELECT 1/0; COMMIT"))
        XCTAssertEqual(try connection.query("SELECT 1").single(Int.self), 1)
    }
}

extension PostgresAfterCommitTests {
    func testAfterCommitInsideABareBeginIsDropped() throws {
        let connection = try TestDatabase.connect(schema: try TestDatabase.freshSchema("bare"))
        var ran = false
        try connection.execute("BEGIN")
        connection.afterCommit(key: "x") { _ in ran = true }
        try connection.execute("COMMIT")
        XCTAssertFalse(ran)
    }
}
