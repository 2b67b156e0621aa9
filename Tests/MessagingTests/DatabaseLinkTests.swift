import Contracts
import Foundation
@testable import Messaging
import Postgres
import PostgresContracts
import TestSupport
import XCTest

/// The one reconnect mechanism: connect on demand, set each new connection up, drop a
/// connection in doubt, and back off while the database is unreachable.
final class DatabaseLinkTests: XCTestCase {
    func testEachNewConnectionIsSetUpAndAConnectionInDoubtIsReplaced() throws {
        var setUps = 0
        let link = DatabaseLink(url: try TestDatabase.url, logger: .init(label: "test")) { _ in setUps += 1 }
        let first = try link.connection()
        XCTAssertTrue(try link.connection() === first, "the open connection is reused")
        link.failed(ErrorBody.invalidArgument("not a database problem"))
        link.failed(PostgresError(kind: .uniqueViolation, message: "a statement's problem"))
        XCTAssertTrue(try link.connection() === first, "only a connection problem drops it")
        link.failed(PostgresError(kind: .connectionLost, message: "gone"))
        XCTAssertFalse(link.isConnected)
        let second = try link.connection()
        XCTAssertFalse(second === first)
        XCTAssertEqual(setUps, 2)
        XCTAssertEqual(try second.query("SELECT 1").single(Int.self), 1)
    }

    func testAnUnreachableDatabaseIsUnavailableAndTriedAtMostOncePerInterval() {
        var setUps = 0
        let link = DatabaseLink(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", logger: .init(label: "test"),
                                retrySeconds: 60) { _ in setUps += 1 }
        for _ in 0..<3 {
            XCTAssertThrowsError(try link.connection()) { XCTAssertEqual(($0 as? ErrorBody)?.code, .unavailable) }
        }
        XCTAssertEqual(setUps, 0)
    }
}
