import Foundation
import XCTest

/// An outside client judges docs/openapi.json against the live gateway: schemathesis
/// (pinned, from PyPI; `scripts/install-schemathesis.sh`) generates requests from the
/// document — examples, boundary cases, random data, and chains of calls — with a fixed
/// seed and every check: no 5xx, statuses and bodies as documented, schema-valid requests
/// accepted, schema-violating ones refused, 405 with `Allow` for undocumented methods,
/// and no operation reachable without credentials.
///
/// It runs as an admin API token: a token is not a person, so the generated calls cannot
/// sign it out or change its password, and an admin may not change an owner. Statuses a
/// valid request may still get are the ones that depend on state, not on the document:
/// 404 (an id that does not exist), 409, 422 (API.md), 429 (sign-in throttling), and 403
/// where only an owner may grant a role. 401 is never expected, so losing the credentials
/// mid-run fails the test instead of passing it silently.
final class ContractFuzzTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    func testTheLiveAPIMatchesItsDocumentForGeneratedRequests() async throws {
        let schemathesis = RunningSystem.repositoryRoot.appendingPathComponent(".build/schemathesis/bin/st")
        guard FileManager.default.isExecutableFile(atPath: schemathesis.path) else {
            return XCTFail("schemathesis is not installed: run scripts/install-schemathesis.sh (make test does)")
        }
        let created = try await system.http("POST", "/api/v1/api-tokens", json: #"{"name": "contract fuzz", "role": "admin"}"#)
        XCTAssertEqual(created.status, 201)
        let token = try XCTUnwrap(try system.json(created.body)["token"] as? String)
        for name in ["Fuzz One", "Fuzz Two"] {
            _ = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "\#(name)"}"#)
        }
        // The cursor is opaque: a generated one is refused (rightly), so the run uses a real one.
        let page = try system.json(try await system.http("GET", "/api/v1/customers?limit=1").body)
        let cursor = try XCTUnwrap(page["next_cursor"] as? String)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("contract-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = directory.appendingPathComponent("schemathesis.toml")
        try """
            seed = 42
            # Every run starts fresh: no crash cache replayed from an earlier run.
            cache = { enabled = false }
            warnings = { fail-on = ["unsupported_regex", "unresolvable_reference", "unmatched_filter", "method_not_allowed"] }

            [checks.positive_data_acceptance]
            expected-statuses = ["2xx", "404", "409", "422", "429"]

            [parameters]
            "query.cursor" = "\(cursor)"

            [[operations]]
            include-path = "/api/v1/auth/login"
            checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "429"]

            [[operations]]
            include-path-regex = "^/api/v1/(users|api-tokens)"
            checks.positive_data_acceptance.expected-statuses = ["2xx", "403", "404", "409", "422"]

            """.write(to: configuration, atomically: true, encoding: .utf8)

        let document = RunningSystem.repositoryRoot.appendingPathComponent("docs/openapi.json").path
        func schemathesisRun(_ selection: [String]) throws -> (status: Int32, output: String) {
            try RunningSystem.run(schemathesis, [
                "--config-file", configuration.path, "run", document,
                "--url", "http://127.0.0.1:\(system.gatewayPort)", "-H", "Authorization: Bearer \(token)",
                "--checks", "all", "--max-examples", "25", "--workers", "1", "--no-color",
                "--output-truncate", "false", "--output-sanitize", "false", "--generation-database", "none",
            ] + selection, environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path], seconds: 420)
        }
        // Every operation but the two that end the run's own credentials (signing out;
        // revoking the token, which a chain of calls reaches through GET /api-tokens) …
        let main = try schemathesisRun(["--exclude-path", "/api/v1/auth/logout",
                                        "--exclude-path", "/api/v1/api-tokens/{id}"])
        XCTAssertEqual(main.status, 0, "schemathesis found mismatches:\n\(main.output.suffix(12_000))")
        XCTAssertTrue(main.output.contains(" passed"), main.output.suffix(2_000).description)
        // … then revoking, on its own, without chains: generated ids name no token (404).
        let revoke = try schemathesisRun(["--include-path", "/api/v1/api-tokens/{id}", "--phases", "examples,coverage,fuzzing"])
        XCTAssertEqual(revoke.status, 0, "schemathesis found mismatches:\n\(revoke.output.suffix(12_000))")

        let me = try await system.http("GET", "/api/v1/me", as: .token(token))
        XCTAssertEqual(me.status, 200, "the run lost its credentials")
    }
}
