import Contracts
import Foundation
import XCTest

/// docs/openapi.json read on its own: every text a client may send has a documented
/// maximum, and each one is the limit the services enforce (`TextLimit`).
final class APIDocumentTests: XCTestCase {
    /// The limit each request field documents, from the one table the code checks.
    private let enforced: [String: Int] = [
        "display_name": TextLimit.name, "company": TextLimit.name, "name_on_checks": TextLimit.name, "name": TextLimit.name,
        "customer_number": TextLimit.customerNumber, "email": TextLimit.email, "phone": TextLimit.phone,
        "mobile": TextLimit.phone, "website": TextLimit.url, "notes": TextLimit.notes, "line1": TextLimit.addressLine,
        "line2": TextLimit.addressLine, "city": TextLimit.city, "region": TextLimit.region, "postal_code": TextLimit.postalCode,
        "country": TextLimit.country, "password": TextLimit.password, "totp_code": TextLimit.oneTimeCode,
        "code": TextLimit.oneTimeCode, "currency": 3, "number": TextLimit.invoiceNumber, "po_number": TextLimit.invoiceNumber,
        "memo": TextLimit.notes, "description": TextLimit.lineDescription, "reason": TextLimit.lineDescription,
        "note": TextLimit.promiseNote, "card_number": TextLimit.cardNumber, "cvc": 4, "routing_number": TextLimit.routingNumber,
        "account_number": TextLimit.accountNumber, "body": TextLimit.notes, "title": TextLimit.name,
    ]

    func testEveryRequestTextHasTheMaximumTheServicesEnforce() throws {
        let data = try Data(contentsOf: RunningSystem.repositoryRoot.appendingPathComponent("docs/openapi.json"))
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var seen = 0
        func visit(_ schema: [String: Any], _ path: String, _ name: String?) {
            var schema = schema
            if let reference = schema["$ref"] as? String, let target = schemas[String(reference.split(separator: "/").last ?? "")] {
                schema = target as? [String: Any] ?? [:]
            }
            let type = schema["type"]
            let isString = (type as? String) == "string" || ((type as? [String])?.contains("string") ?? false)
            if isString, schema["enum"] == nil, !["uuid", "date-time", "date"].contains(schema["format"] as? String ?? "") {
                seen += 1
                let maximum = schema["maxLength"] as? Int
                XCTAssertNotNil(maximum, "\(path) has no maxLength")
                if let name, let limit = enforced[name] { XCTAssertEqual(maximum, limit, "\(path)") }
            }
            for (key, value) in schema["properties"] as? [String: Any] ?? [:] {
                visit(value as? [String: Any] ?? [:], "\(path).\(key)", key)
            }
            if let items = schema["items"] as? [String: Any] { visit(items, "\(path)[]", name) }
            for option in (schema["anyOf"] as? [[String: Any]] ?? []) + (schema["allOf"] as? [[String: Any]] ?? []) {
                visit(option, path, name)
            }
        }
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        for (path, operations) in paths {
            for (method, operation) in operations {
                guard let body = ((((operation as? [String: Any])?["requestBody"] as? [String: Any])?["content"]
                                   as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                else { continue }
                visit(body, "\(method.uppercased()) \(path)", nil)
            }
        }
        XCTAssertGreaterThan(seen, 30, "the walk found the request texts")
    }
}
