import Contracts
import Foundation
import Hummingbird

/// `GET /customers/export.csv`: the customers list with the same search, filters, order and
/// scope, every page of it, as one CSV file (`CSV`).
struct CustomerExport {
    let clients: any GatewayServices

    /// The most rows one export holds; more is 422 (narrow the filters).
    static let maximumRows = 50_000

    static let header = ["Customer number", "Display name", "Company", "Email", "Phone", "Status", "Open balance",
                         "Overdue balance", "Currency", "AR specialist", "Created"]

    func csv(_ list: inout ListCustomers) async throws -> Response {
        list.limit = KeysetPage.maximumLimit
        list.cursor = nil
        var text = CSV.byteOrderMark + CSV.line(Self.header.map(CSV.Cell.value))
        var rows = 0
        while true {
            let page = try await clients[.customer].query(CustomerMessages.list, list)
            guard page.total <= Self.maximumRows else {
                throw ErrorBody.unprocessable(
                    "\(page.total) customers match; an export holds at most \(Self.maximumRows) — narrow the search or filters",
                    field: "q")
            }
            for item in page.items {
                let customer = item.record
                text += CSV.line([
                    .text(customer.fields.customerNumber), .text(customer.fields.displayName), .text(customer.fields.company),
                    .text(customer.fields.email), .text(customer.fields.phone), .value(item.status.rawValue),
                    .value(customer.currency.decimal(item.openBalanceCents)),
                    .value(customer.currency.decimal(item.overdueBalanceCents)), .value(customer.currency.code),
                    .text(item.specialist?.name), .value(RFC3339.string(from: customer.createdAt)),
                ])
            }
            rows += page.items.count
            guard let next = page.nextCursor, rows < Self.maximumRows else { break }
            list.cursor = next
        }
        let day = String(RFC3339.string(from: Date()).prefix(10))
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"customers-\(day).csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
