import Contracts
import Foundation
import XCTest

final class DateTests: XCTestCase {
    func testBusinessDateParsesOnlyRealDates() {
        XCTAssertEqual(BusinessDate("2028-02-29")?.description, "2028-02-29")
        XCTAssertNil(BusinessDate("2026-02-29"))
        XCTAssertNil(BusinessDate("2026-13-01"))
        XCTAssertNil(BusinessDate("2026-1-01"))
        XCTAssertNil(BusinessDate("2026-01-01T00:00:00Z"))
    }

    func testBusinessDateArithmeticAcrossMonthsAndYears() {
        let date = BusinessDate("2026-12-15")!
        XCTAssertEqual(date.adding(days: 30).description, "2027-01-14")
        XCTAssertEqual(date.adding(days: -350).description, "2025-12-30")
        XCTAssertEqual(BusinessDate("1970-01-01")!.daysSinceEpoch, 0)
        XCTAssertEqual(BusinessDate("1969-12-31")!.daysSinceEpoch, -1)
        XCTAssertEqual(date.days(until: BusinessDate("2027-01-14")!), 30)
    }

    func testBusinessDateRoundTripsThroughDaysForFourCenturies() {
        for days in stride(from: -146_097, through: 146_097, by: 37) {
            XCTAssertEqual(BusinessDate(daysSinceEpoch: days).daysSinceEpoch, days)
        }
    }

    func testRFC3339KeepsMicrosecondsAndNormalisesOffsets() {
        let date = RFC3339.date(from: "2026-11-29T11:50:59.123456Z")!
        XCTAssertEqual(RFC3339.string(from: date), "2026-11-29T11:50:59.123456Z")
        XCTAssertEqual(RFC3339.string(from: RFC3339.date(from: "2026-11-29T13:50:59+02:00")!), "2026-11-29T11:50:59.000000Z")
        XCTAssertEqual(RFC3339.string(from: RFC3339.date(from: "2026-11-29 11:50:59.5+00")!), "2026-11-29T11:50:59.500000Z")
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500000Z")
        XCTAssertNil(RFC3339.date(from: "2026-11-29T11:50:59"))
        XCTAssertNil(RFC3339.date(from: "yesterday"))
    }

    func testIdentifierEncodesLowercase() throws {
        let id = CustomerID("0B9E7A1C-2D3E-4F50-8A6B-7C8D9E0F1A2B")!
        XCTAssertEqual(String(decoding: try ContractJSON.encode([id]), as: UTF8.self), #"["0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b"]"#)
        XCTAssertThrowsError(try ContractJSON.decode([CustomerID].self, from: Array(#"["nope"]"#.utf8)))
    }

    func testRFC3339WritesEveryInstantItReadsBack() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            // 1900 to 2100, to the microsecond (beyond, a Double since 1970 no longer holds every microsecond).
            let micros = Int64.random(in: -2_208_988_800_000_000...4_102_444_800_000_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let text = RFC3339.string(from: date)
            XCTAssertEqual(text.utf8.count, 27, text)
            XCTAssertEqual(RFC3339.date(from: text).map { RFC3339.string(from: $0) }, text)
        }
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000000Z")
        XCTAssertNil(RFC3339.date(from: "2026-02-30T11:50:59Z"), "no such day")
        XCTAssertNil(RFC3339.date(from: "2026-1-029T11:50:59Z"))
        XCTAssertNil(RFC3339.date(from: "2026/11/29T11:50:59Z"))
    }

    func testRandomIdsAreVersionFourAndParseAsFoundationParses() {
        var seen = Set<UUID>()
        for _ in 0..<1_000 {
            let id = UUID.random()
            let text = id.uuidString
            XCTAssertEqual(Array(text)[14], "4", "version 4: \(text)")
            XCTAssertTrue("89AB".contains(Array(text)[19]), "RFC 4122 variant: \(text)")
            XCTAssertEqual(UUID.parse(text), id)
            XCTAssertEqual(UUID.parse(text.lowercased()), id)
            XCTAssertEqual(id.lowercasedString, text.lowercased())
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 1_000)
        for text in ["", "nope", "0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2", "0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2bb",
                     "0b9e7a1c+2d3e-4f50-8a6b-7c8d9e0f1a2b", "0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2g",
                     "{0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b}", "0b9e7a1c2d3e4f508a6b7c8d9e0f1a2b"] {
            XCTAssertNil(UUID.parse(text), text)
            XCTAssertNil(UUID(uuidString: text), text)
        }
    }
}
