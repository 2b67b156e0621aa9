import Foundation
import XCTest

/// docs/openapi.json against the running gateway: every documented operation exists,
/// answers with a documented status, and its JSON carries the documented required fields.
final class OpenAPIConformanceTests: XCTestCase {
    private var system: RunningSystem!
    private var document: [String: Any] = [:]

    override func setUp() async throws {
        let data = try Data(contentsOf: RunningSystem.repositoryRoot.appendingPathComponent("docs/openapi.json"))
        document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    func testEveryDocumentedOperationAnswersAsDocumented() async throws {
        let created = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Spec Co"}"#)
        let id = try XCTUnwrap(try system.json(created.body)["id"] as? String)
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        var checked = 0
        // Signing out ends the session the other calls use: it goes last.
        let ordered = paths.sorted { ($0.key.hasSuffix("/logout") ? 1 : 0, $0.key) < ($1.key.hasSuffix("/logout") ? 1 : 0, $1.key) }
        for (template, operations) in ordered {
            for (method, rawOperation) in operations {
                let operation = try XCTUnwrap(rawOperation as? [String: Any])
                let path = template.replacingOccurrences(of: "{id}", with: id)
                let example = ((((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
                                as? [String: Any])?["example"])
                let body = try example.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
                let (status, data) = try await system.http(method.uppercased(), path, json: body)
                let responses = try XCTUnwrap(operation["responses"] as? [String: Any])
                XCTAssertTrue(responses.keys.contains(String(status)), "\(method) \(template) answered \(status), not documented")
                if template != "/api/v1/auth/login" {
                    XCTAssertNotEqual(status, 401, "\(method) \(template) refused the owner's session")
                }
                if let schema = schema(of: responses[String(status)]), let object = try? system.json(data) {
                    for field in required(resolve(schema)) {
                        XCTAssertTrue(object.keys.contains(field), "\(method) \(template) \(status): missing \(field)")
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 5)
    }

    func testAnUnknownPathIsA404WithTheErrorBody() async throws {
        let (status, body) = try await system.http("GET", "/api/v1/not-a-resource")
        XCTAssertEqual(status, 404)
        XCTAssertEqual((try system.json(body)["error"] as? [String: Any])?["code"] as? String, "not_found")
    }

    private func schema(of response: Any?) -> [String: Any]? {
        var response = response as? [String: Any]
        if let ref = response?["$ref"] as? String { response = lookup(ref) }
        return ((response?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        if let ref = schema["$ref"] as? String, let target = lookup(ref) { return resolve(target) }
        return schema
    }

    /// Required properties, through `allOf`.
    private func required(_ schema: [String: Any]) -> [String] {
        var fields = schema["required"] as? [String] ?? []
        for part in schema["allOf"] as? [[String: Any]] ?? [] { fields += required(resolve(part)) }
        return fields
    }

    private func lookup(_ ref: String) -> [String: Any]? {
        var node: Any? = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return node as? [String: Any]
    }
}
