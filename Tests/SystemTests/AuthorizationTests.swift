import Contracts
import Foundation
import Postgres
import PostgresContracts
import XCTest

/// Each role against the permission table, specialists' customer scope, the user rules,
/// and API tokens.
final class AuthorizationTests: XCTestCase {
    private var system: RunningSystem!
    private let password = RunningSystem.userPassword

    override func setUp() async throws {
        // Sessions are expired here by editing rows, which a gateway that remembers
        // principals would not see until they age out: it asks every time.
        system = try RunningSystem(environment: ["AR_PRINCIPAL_CACHE_SECONDS": "0"])
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    /// Runs `body` on a superuser connection that lives and dies on this thread (a
    /// connection must not cross an `await`, which may resume on another thread).
    private func onOwnConnection(_ body: (PostgresConnection) throws -> Void) throws {
        try body(try PostgresConnection(url: system.superuserURL))
    }

    private func assertStatus(_ expected: Int, _ actual: Int, _ message: String = "", line: UInt = #line) {
        XCTAssertEqual(actual, expected, message, line: line)
    }

    /// Creates a user as the owner and signs them in.
    private func signedIn(_ role: String, manageAll: Bool = false) async throws -> (id: String, token: String) {
        try await system.signedInUser(role, manageAll: manageAll)
    }

    private func createCustomer(_ name: String, as token: String) async throws -> (status: Int, id: String?) {
        let (status, data) = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "\#(name)"}"#, as: .token(token))
        return (status, try? system.json(data)["id"] as? String)
    }

    func testViewerReadsButCannotChangeAnything() async throws {
        let viewer = try await signedIn("viewer")
        let list = try await system.http("GET", "/api/v1/customers", as: .token(viewer.token))
        XCTAssertEqual(list.status, 200)
        let create = try await createCustomer("Nope", as: viewer.token)
        XCTAssertEqual(create.status, 403)
        let users = try await system.http("GET", "/api/v1/users", as: .token(viewer.token))
        XCTAssertEqual(users.status, 403)
        let page = String(decoding: try await system.http("GET", "/customers", as: .token(viewer.token)).body, as: UTF8.self)
        XCTAssertFalse(page.contains("+ Add Customer"), "the page offers an action the viewer may not take")
    }

    func testSpecialistSeesOnlyAssignedCustomers() async throws {
        let specialist = try await signedIn("specialist")
        let theirs = try await createCustomer("Assigned Co", as: specialist.token)
        XCTAssertEqual(theirs.status, 201)
        let others = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Someone Elses Co"}"#)
        let otherID = try XCTUnwrap(try system.json(others.body)["id"] as? String)

        let list = try system.json(try await system.http("GET", "/api/v1/customers", as: .token(specialist.token)).body)
        let names = (list["items"] as? [[String: Any]] ?? []).compactMap { $0["display_name"] as? String }
        XCTAssertEqual(names, ["Assigned Co"])
        XCTAssertEqual(list["total"] as? Int, 1)
        for path in ["/api/v1/customers/\(otherID)", "/api/v1/customers/\(otherID)/details"] {
            let (status, _) = try await system.http("GET", path, as: .token(specialist.token))
            XCTAssertEqual(status, 404, path)
        }
        let page = try await system.http("GET", "/customers/\(otherID)", as: .token(specialist.token))
        XCTAssertEqual(page.status, 404)
        let own = try await system.http("GET", "/api/v1/customers/\(try XCTUnwrap(theirs.id))/details", as: .token(specialist.token))
        XCTAssertEqual(own.status, 200)

        let seeAll = try await signedIn("specialist", manageAll: true)
        let all = try system.json(try await system.http("GET", "/api/v1/customers", as: .token(seeAll.token)).body)
        XCTAssertEqual(all["total"] as? Int, 2)
    }

    func testManagerRunsCustomersButNotUsers() async throws {
        let manager = try await signedIn("manager")
        assertStatus(201, (try await createCustomer("Managed", as: manager.token)).status)
        assertStatus(403, (try await system.http("GET", "/api/v1/users", as: .token(manager.token))).status)
        let create = try await system.http("POST", "/api/v1/users", json: #"{"name": "X", "email": "x@system-test.example", "password": "\#(password)", "role": "viewer"}"#,
                                           as: .token(manager.token))
        XCTAssertEqual(create.status, 403)
        assertStatus(403, (try await system.http("POST", "/api/v1/api-tokens", json: #"{"name": "ci", "role": "viewer"}"#,
                                             as: .token(manager.token))).status)
    }

    func testAdminManagesUsersButOnlyAnOwnerMakesOwners() async throws {
        let admin = try await signedIn("admin")
        assertStatus(200, (try await system.http("GET", "/api/v1/users", as: .token(admin.token))).status)
        let owner = try await system.http("POST", "/api/v1/users", json: #"{"name": "Co Owner", "email": "co@system-test.example", "password": "\#(password)", "role": "owner"}"#,
                                          as: .token(admin.token))
        XCTAssertEqual(owner.status, 403)
        let viewer = try await system.http("POST", "/api/v1/users", json: #"{"name": "Reader", "email": "reader@system-test.example", "password": "\#(password)", "role": "viewer"}"#,
                                           as: .token(admin.token))
        XCTAssertEqual(viewer.status, 201)
    }

    func testUserRulesAlwaysAnOwnerUniqueEmailFixedEmailOneDefaultSpecialist() async throws {
        let me = try system.json(try await system.http("GET", "/api/v1/me").body)
        let ownerID = try XCTUnwrap((me["user"] as? [String: Any])?["id"] as? String)
        let demote = try await system.http("PATCH", "/api/v1/users/\(ownerID)", json: #"{"role": "admin"}"#)
        XCTAssertEqual(demote.status, 422, String(decoding: demote.body, as: UTF8.self))
        let email = try await system.http("PATCH", "/api/v1/users/\(ownerID)", json: #"{"email": "new@system-test.example"}"#)
        XCTAssertEqual(email.status, 400)
        let duplicate = try await system.http("POST", "/api/v1/users", json: #"{"name": "Twin", "email": "\#(RunningSystem.ownerEmail.uppercased())", "password": "\#(password)", "role": "viewer"}"#)
        XCTAssertEqual(duplicate.status, 409)
        let weak = try await system.http("POST", "/api/v1/users", json: #"{"name": "Weak", "email": "weak@system-test.example", "password": "short", "role": "viewer"}"#)
        XCTAssertEqual(weak.status, 400)

        let first = try await signedIn("specialist")
        let second = try await signedIn("specialist")
        for id in [first.id, second.id] {
            let (status, _) = try await system.http("PATCH", "/api/v1/users/\(id)", json: #"{"is_default_specialist": true}"#)
            XCTAssertEqual(status, 200)
        }
        let users = try system.json(try await system.http("GET", "/api/v1/users").body)["items"] as? [[String: Any]] ?? []
        XCTAssertEqual(users.filter { $0["is_default_specialist"] as? Bool == true }.compactMap { $0["id"] as? String }, [second.id])

        let deactivate = try await system.http("PATCH", "/api/v1/users/\(first.id)", json: #"{"active": false}"#)
        XCTAssertEqual(deactivate.status, 200)
        assertStatus(401, (try await system.http("GET", "/api/v1/me", as: .token(first.token))).status, "a deactivated user's session lives on")
    }

    func testAPITokenIsShownOnceScopedToItsRoleAndRevocable() async throws {
        let created = try await system.http("POST", "/api/v1/api-tokens", json: #"{"name": "reporting", "role": "viewer"}"#)
        XCTAssertEqual(created.status, 201)
        let token = try XCTUnwrap(try system.json(created.body)["token"] as? String)
        let id = try XCTUnwrap((try system.json(created.body)["record"] as? [String: Any])?["id"] as? String)

        assertStatus(200, (try await system.http("GET", "/api/v1/customers", as: .token(token))).status)
        assertStatus(403, (try await createCustomer("By token", as: token)).status)
        let listed = String(decoding: try await system.http("GET", "/api/v1/api-tokens").body, as: UTF8.self)
        XCTAssertTrue(listed.contains(id))
        XCTAssertFalse(listed.contains(token), "the token is shown more than once")
        XCTAssertTrue(listed.contains("last_used_at"))

        assertStatus(204, (try await system.http("DELETE", "/api/v1/api-tokens/\(id)")).status)
        assertStatus(401, (try await system.http("GET", "/api/v1/customers", as: .token(token))).status)
    }
}

extension AuthorizationTests {
    func testSettingsAreReadByAnyoneAndChangedOnlyByOwnersAndAdmins() async throws {
        let viewer = try await signedIn("viewer")
        let manager = try await signedIn("manager")
        let read = try await system.http("GET", "/api/v1/settings", as: .token(viewer.token))
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(try system.json(read.body)["time_zone"] as? String, "UTC")
        let refused = try await system.http("PATCH", "/api/v1/settings", json: #"{"name": "Nope"}"#, as: .token(manager.token))
        XCTAssertEqual(refused.status, 403)

        let badZone = try await system.http("PATCH", "/api/v1/settings", json: #"{"time_zone": "Mars/Olympus"}"#)
        XCTAssertEqual(badZone.status, 422, "a zone the server does not know: not something the document can spell")
        XCTAssertNotNil((try system.json(badZone.body)["error"] as? [String: Any]).flatMap { ($0["details"] as? [String: String])?["time_zone"] })
        let badWindow = try await system.http("PATCH", "/api/v1/settings", json: #"{"send_window": {"start": "18:00", "end": "08:00", "weekdays": [1]}}"#)
        XCTAssertEqual(badWindow.status, 422, "start after end: a rule across fields")

        let changed = try await system.http("PATCH", "/api/v1/settings", json: #"{"name": "Acme Receivables", "time_zone": "America/New_York", "currency": "usd"}"#)
        XCTAssertEqual(changed.status, 200, String(decoding: changed.body, as: UTF8.self))
        let after = try system.json(try await system.http("GET", "/api/v1/settings", as: .token(viewer.token)).body)
        XCTAssertEqual(after["name"] as? String, "Acme Receivables")
        XCTAssertEqual(after["time_zone"] as? String, "America/New_York")
        XCTAssertEqual((after["send_window"] as? [String: Any])?["start"] as? String, "08:00")
        let published = try PostgresConnection(url: system.superuserURL).query("""
            SELECT count(*) FROM gateway.outbox WHERE type = 'business_settings.changed' AND body LIKE '%Acme Receivables%'
            """).single(Int.self)
        XCTAssertEqual(published, 1, "the change is published as business_settings.changed, once")
    }

    func testCookieAuthenticatedChangesMustComeFromThisSite() async throws {
        let token = try XCTUnwrap(system.ownerToken)
        let host = "127.0.0.1:\(system.gatewayPort)"
        let forged = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Forged"}"#,
                                           headers: ["Cookie": "ar_session=\(token)", "Origin": "https://evil.example"], as: .anonymous)
        XCTAssertEqual(forged.status, 403)
        let bare = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "No Origin"}"#,
                                         headers: ["Cookie": "ar_session=\(token)"], as: .anonymous)
        XCTAssertEqual(bare.status, 403)
        let sameSite = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Same Site"}"#,
                                             headers: ["Cookie": "ar_session=\(token)", "Origin": "http://\(host)"], as: .anonymous)
        XCTAssertEqual(sameSite.status, 201)
        let reads = try await system.http("GET", "/api/v1/customers", headers: ["Cookie": "ar_session=\(token)"], as: .anonymous)
        XCTAssertEqual(reads.status, 200)
    }

    func testAnExpiredSessionIsRefused() async throws {
        let specialist = try await signedIn("specialist")
        assertStatus(200, (try await system.http("GET", "/api/v1/me", as: .token(specialist.token))).status)
        let user = try XCTUnwrap(UUID(uuidString: specialist.id))
        try onOwnConnection { try $0.execute("UPDATE gateway.sessions SET expires_at = now() - interval '1 second' WHERE user_id = \(user)") }
        assertStatus(401, (try await system.http("GET", "/api/v1/me", as: .token(specialist.token))).status)
        try onOwnConnection {
            try $0.execute("""
                UPDATE gateway.sessions SET expires_at = now() + interval '1 hour', last_seen_at = now() - interval '1 day'
                WHERE user_id = \(user)
                """)
        }
        assertStatus(401, (try await system.http("GET", "/api/v1/me", as: .token(specialist.token))).status, "idle expiry")
    }
}
