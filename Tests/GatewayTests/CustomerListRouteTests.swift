import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// `GET /customers` and `GET /customers/export.csv` in-process: the query's parameters
/// reach customer-service as filters within the scope, and the export is every page of the
/// same list as RFC 4180 CSV, safe to open in a spreadsheet.
final class CustomerListRouteTests: XCTestCase {
    private func item(_ name: String, number: String? = nil, open: Int64 = 0, overdue: Int64 = 0,
                      status: CustomerStatus = .new) -> CustomerListItem {
        CustomerListItem(
            record: CustomerRecord(id: CustomerID(), fields: CustomerFields(displayName: name, customerNumber: number), currency: .usd,
                                   paymentTermsDays: 30, isDeactivated: false, specialistId: FakeMesh.users[.specialist],
                                   createdAt: RFC3339.date(from: "2026-11-30T09:00:00Z")!, updatedAt: Date()),
            status: status, openBalanceCents: open, overdueBalanceCents: overdue,
            specialist: SpecialistReference(id: FakeMesh.users[.specialist] ?? UserID(), name: "Sam Lee"))
    }

    func testTheFiltersSortAndPageReachTheServiceWithinTheScope() async throws {
        let mesh = FakeMesh()
        let row = item("Acme", open: 12_345, overdue: 2_345, status: .active)
        mesh.answer(CustomerMessages.list) { _, _ in CustomerPage(items: [row], nextCursor: nil, total: 1) }
        let harness = try GatewayHarness(mesh: mesh)
        let statusID = CollectionStatusID(), sam = UserID()
        let reply = try await harness.request(
            .get, "/api/v1/customers?q=acme&status=active&specialist_id=\(sam)&collection_status_id=\(statusID)&sort=-overdue_balance&limit=20",
            as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(reply.status, 200, reply.body)
        let sent = try XCTUnwrap(mesh.lastBody(CustomerMessages.list))
        XCTAssertEqual(sent, ListCustomers(query: "acme", status: .active, specialistId: sam, collectionStatusId: statusID,
                                           sort: .largestOverdueBalance, limit: 20, assignedTo: FakeMesh.users[.specialist]))
        let first = try XCTUnwrap((reply.json["items"] as? [[String: Any]])?.first)
        XCTAssertEqual(first["display_name"] as? String, "Acme")
        XCTAssertEqual(first["status"] as? String, "active")
        XCTAssertEqual(first["overdue_balance_cents"] as? Int, 2_345)
        XCTAssertEqual((first["specialist"] as? [String: Any])?["name"] as? String, "Sam Lee")

        let all = try await harness.request(.get, "/api/v1/customers?status=all")
        XCTAssertEqual(all.status, 200)
        XCTAssertNil(mesh.lastBody(CustomerMessages.list)?.status)
        for bad in ["status=paid", "sort=balance", "specialist_id=me", "limit=0", "collection_status_id=x"] {
            let refused = try await harness.request(.get, "/api/v1/customers?\(bad)")
            XCTAssertEqual(refused.status, 400, bad)
            XCTAssertEqual((refused.json["error"] as? [String: Any]).flatMap { ($0["details"] as? [String: Any])?.keys.first },
                           String(bad.split(separator: "=")[0]), bad)
        }
    }

    func testTheExportIsEveryPageOfTheSameListAsCSVWithFormulasDisarmed() async throws {
        let mesh = FakeMesh()
        let pages = [
            CustomerPage(items: [item(#"=HYPERLINK("http://x")"#, number: "@SUM(A1)", open: 150_000, overdue: 5),
                                 item("Smith, Jones & Co", open: 0)], nextCursor: "page-2", total: 3),
            CustomerPage(items: [item("-Minus Corp", number: "+1", open: 99)], nextCursor: nil, total: 3),
        ]
        mesh.answer(CustomerMessages.list) { request, _ in request.cursor == "page-2" ? pages[1] : pages[0] }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.get, "/api/v1/customers/export.csv?status=active&sort=name",
                                              as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(reply.headers[.contentType], "text/csv; charset=utf-8")
        XCTAssertTrue(reply.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"customers-") == true)
        let lines = reply.body.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.last, "", "every line ends with CRLF")
        XCTAssertEqual(lines.count - 2, 3, "as many rows as the list's total")
        XCTAssertEqual(lines[0], "\u{FEFF}Customer number,Display name,Company,Email,Phone,Status,Open balance,Overdue balance,Currency,AR specialist,Created")
        XCTAssertEqual(lines[1], #""'@SUM(A1)","'=HYPERLINK(""http://x"")",,,,new,1500.00,0.05,USD,"Sam Lee",2026-11-30T09:00:00.000000Z"#)
        XCTAssertEqual(lines[2], #","Smith, Jones & Co",,,,new,0.00,0.00,USD,"Sam Lee",2026-11-30T09:00:00.000000Z"#)
        XCTAssertEqual(lines[3], #""'+1","'-Minus Corp",,,,new,0.99,0.00,USD,"Sam Lee",2026-11-30T09:00:00.000000Z"#)
        let asked = mesh.sent(CustomerMessages.list.type).count
        XCTAssertEqual(asked, 2, "both pages")
        let sent = try XCTUnwrap(mesh.lastBody(CustomerMessages.list))
        XCTAssertEqual(sent.status, .active)
        XCTAssertEqual(sent.sort, .name)
        XCTAssertEqual(sent.limit, 500)
        XCTAssertNil(sent.assignedTo, "a viewer exports every customer")

        _ = try await harness.request(.get, "/api/v1/customers/export.csv", as: .bearer(FakeMesh.token(.specialist)))
        XCTAssertEqual(mesh.lastBody(CustomerMessages.list)?.assignedTo, FakeMesh.users[.specialist],
                       "a specialist exports only their own customers")
    }

    func testEveryTextCellIsQuotedSoNoSeparatorOrWideSignMakesAFormula() {
        XCTAssertEqual(CSV.line([.text("＝1+1"), .text("Acme;=cmd|' /C calc'!A0"), .text(nil), .text("\tTab"), .value("-1.00")]),
                       #""'＝1+1","Acme;=cmd|' /C calc'!A0",,"'\#tTab",-1.00"# + "\r\n")
    }
}
