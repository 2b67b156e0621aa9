import Contracts
import XCTest
@testable import Contracts

final class ContractJSONTests: XCTestCase {
    private struct Named: Codable { var name: String }

    func testTextWithANULCharacterIsRefused() {
        for body in [#"{"name": "Acme\u0000 Ltd"}"#, #"{"name": "\u0000"}"#, #"{"name": "x", "other": "\u0000"}"#] {
            XCTAssertThrowsError(try ContractJSON.decode(Named.self, from: Array(body.utf8)), body) { error in
                XCTAssertTrue(error is ContractJSON.NULCharacterError, "\(error)")
                XCTAssertEqual(ContractJSON.explain(error), #"text must not contain the NUL character (\u0000)"#)
            }
        }
        XCTAssertThrowsError(try ContractJSON.decode(Named.self, from: Array(#"{"name": "a"#.utf8) + [0] + Array(#""}"#.utf8)))
    }

    func testAnEscapedBackslashBeforeU0000IsOrdinaryText() throws {
        let decoded = try ContractJSON.decode(Named.self, from: Array(#"{"name": "C:\\u0000 and \\\\"}"#.utf8))
        XCTAssertEqual(decoded.name, #"C:\u0000 and \\"#)
        XCTAssertEqual(try ContractJSON.decode(Named.self, from: Array(#"{"name": "\u00e9\u0001"}"#.utf8)).name, "é\u{1}")
    }

    func testTextLimitNamesTheField() {
        XCTAssertNoThrow(try TextLimit.check(String(repeating: "a", count: TextLimit.name), TextLimit.name, field: "name"))
        XCTAssertThrowsError(try TextLimit.check(String(repeating: "a", count: TextLimit.name + 1), TextLimit.name, field: "name")) {
            XCTAssertEqual(($0 as? ErrorBody)?.details, ["name": "name is at most 200 characters"])
        }
        XCTAssertThrowsError(try TextLimit.check(Address(city: String(repeating: "c", count: 101)), field: "billing_address")) {
            XCTAssertEqual(($0 as? ErrorBody)?.details.keys.first, "billing_address.city")
        }
    }
}

final class KeysetPageTests: XCTestCase {
    private struct Row { let at: Date; let id: UUID }

    func testAPageTrimsTheExtraRowAndPointsAfterItsLastItem() throws {
        let rows = (0..<4).map { Row(at: Date(timeIntervalSince1970: Double(100 - $0)), id: UUID()) }
        let paging = try KeysetPage(limit: 3, cursor: nil)
        XCTAssertEqual(paging.fetchLimit, 4)
        let page = paging.page(rows) { PageCursor(createdAt: $0.at, id: $0.id) }
        XCTAssertEqual(page.items.map(\.id), rows.prefix(3).map(\.id))
        let next = try KeysetPage(limit: 3, cursor: page.nextCursor)
        XCTAssertEqual(next.after, PageCursor(createdAt: rows[2].at, id: rows[2].id))
        XCTAssertNil(paging.page(Array(rows.prefix(3))) { PageCursor(createdAt: $0.at, id: $0.id) }.nextCursor, "the last page")
    }

    func testLimitsAreClampedAndAForeignCursorIsRefusedByName() {
        XCTAssertEqual(try KeysetPage(limit: 0, cursor: nil).limit, 1)
        XCTAssertEqual(try KeysetPage(limit: 10_000, cursor: nil).limit, KeysetPage.maximumLimit)
        XCTAssertThrowsError(try KeysetPage(limit: 10, cursor: "not-a-cursor")) {
            XCTAssertEqual(($0 as? ErrorBody)?.details.keys.first, "cursor")
        }
    }
}
