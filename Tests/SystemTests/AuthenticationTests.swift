import Contracts
import Foundation
import HummingbirdOTP
import Postgres
import PostgresContracts
import XCTest

/// Nobody gets in without credentials, guessing is throttled, and no secret is stored.
final class AuthenticationTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    /// Route by route, missing and made-up credentials are refused in-process
    /// (`GatewayTests/AuthenticationRouteTests`); here, a session really revoked by the
    /// identity service stops working everywhere at once.
    func testASignedOutSessionIsRefusedEverywhere() async throws {
        let token = try await system.signIn(email: RunningSystem.ownerEmail, password: RunningSystem.ownerPassword)
        let before = try await system.http("GET", "/api/v1/customers", as: .token(token))
        XCTAssertEqual(before.status, 200)
        let (loggedOut, _) = try await system.http("POST", "/api/v1/auth/logout", as: .token(token))
        XCTAssertEqual(loggedOut, 204)
        for (method, path) in [("GET", "/api/v1/customers"), ("GET", "/api/v1/me"), ("GET", "/customers"),
                               ("PATCH", "/api/v1/settings")] {
            let (status, _) = try await system.http(method, path, json: method == "GET" ? nil : "{}", as: .token(token))
            XCTAssertEqual(status, 401, "\(method) \(path) with a revoked session")
        }
    }

    private func login(_ email: String, _ password: String) async throws -> (status: Int, body: String) {
        let json = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        let (status, body) = try await system.http("POST", "/api/v1/auth/login", json: String(decoding: json, as: UTF8.self),
                                                   as: .anonymous)
        return (status, String(decoding: body, as: UTF8.self))
    }

    func testTheEleventhGuessIsRefusedEvenWithTheRightPasswordAndNothingRevealsWhoExists() async throws {
        let wrong = try await login(RunningSystem.ownerEmail, "not the password at all")
        let unknown = try await login("nobody@system-test.example", "not the password at all")
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(unknown.status, wrong.status)
        XCTAssertEqual(unknown.body, wrong.body, "an unknown email must answer exactly like a wrong password")

        for _ in 0..<9 { _ = try await login(RunningSystem.ownerEmail.uppercased(), "still not the password") }
        let eleventh = try await login(RunningSystem.ownerEmail, RunningSystem.ownerPassword)
        XCTAssertEqual(eleventh.status, 401)
        XCTAssertEqual(eleventh.body, wrong.body)
    }

    func testNoPasswordOrTokenIsStoredInPlainText() async throws {
        let token = try await system.signIn(email: RunningSystem.ownerEmail, password: RunningSystem.ownerPassword)
        _ = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Secretive"}"#, as: .token(token))
        let started = try await system.http("POST", "/api/v1/me/totp")
        let totpSecret = try XCTUnwrap(try system.json(started.body)["secret"] as? String)
        let confirmed = try await system.http("POST", "/api/v1/me/totp/confirm", json: #"{"code": "\#(currentCode(totpSecret))"}"#)
        XCTAssertEqual(confirmed.status, 204)
        let secrets = [RunningSystem.ownerPassword, token, try XCTUnwrap(system.ownerToken), totpSecret]

        let admin = try PostgresConnection(url: system.superuserURL)
        let tables = try admin.query("""
            SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
            """).map { try $0.decode((String, String).self) }
        XCTAssertTrue(tables.contains { $0.1 == "sessions" })
        for (schema, table) in tables {
            let rows = try admin.query("SELECT t::text FROM \(identifier: schema).\(identifier: table) t").map { try $0.decode(String.self, at: 0) }
            for row in rows {
                for secret in secrets {
                    XCTAssertFalse(row.contains(secret), "\(schema).\(table) stores a secret in plain text")
                }
            }
        }
        XCTAssertFalse(system.log("gateway").contains(RunningSystem.ownerPassword), "the password is in the gateway log")
        XCTAssertFalse(system.log("gateway").contains(token), "a token is in the gateway log")
    }

    func testTheActorOfACustomerCreateShowsInItsHistory() async throws {
        let created = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Attributed"}"#)
        let id = try XCTUnwrap(try system.json(created.body)["id"] as? String)
        let arrived = try await system.eventually {
            let details = try system.json(try await system.http("GET", "/api/v1/customers/\(id)/details").body)
            let items = (details["history"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
            return (items.first?["actor"] as? [String: Any])?["name"] as? String == "Owner"
        }
        XCTAssertTrue(arrived, system.log("history"))
    }

    func testMeShowsTheSignedInUserAndNeverAPasswordHash() async throws {
        let (status, body) = try await system.http("GET", "/api/v1/me")
        XCTAssertEqual(status, 200)
        let me = try system.json(body)
        XCTAssertEqual((me["user"] as? [String: Any])?["email"] as? String, RunningSystem.ownerEmail)
        XCTAssertEqual(me["role"] as? String, "owner")
        XCTAssertFalse(String(decoding: body, as: UTF8.self).contains("$2"), "a bcrypt hash leaked")
    }
}

extension AuthenticationTests {
    /// The code an authenticator app would show now.
    private func currentCode(_ secret: String, in seconds: Double = 0) -> String {
        let value = TOTP(secret: secret).compute(date: Date().addingTimeInterval(seconds))
        let digits = String(value)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    func testOneTimeCodeBecomesASecondFactorOnceConfirmed() async throws {
        let started = try await system.http("POST", "/api/v1/me/totp")
        XCTAssertEqual(started.status, 201)
        let secret = try XCTUnwrap(try system.json(started.body)["secret"] as? String)
        XCTAssertTrue((try system.json(started.body)["otpauth_url"] as? String)?.hasPrefix("otpauth://totp/") == true)

        // Not on until a code checks out: the password alone still signs in.
        _ = try await system.signIn(email: RunningSystem.ownerEmail, password: RunningSystem.ownerPassword)
        let wrongConfirm = try await system.http("POST", "/api/v1/me/totp/confirm", json: #"{"code": "000000"}"#)
        XCTAssertEqual(wrongConfirm.status, currentCode(secret) == "000000" ? 204 : 422, "a well-formed code that does not match")
        let confirm = try await system.http("POST", "/api/v1/me/totp/confirm", json: #"{"code": "\#(currentCode(secret))"}"#)
        XCTAssertEqual(confirm.status, 204, String(decoding: confirm.body, as: UTF8.self))

        let passwordOnly = try await login(RunningSystem.ownerEmail, RunningSystem.ownerPassword)
        XCTAssertEqual(passwordOnly.status, 401)
        XCTAssertTrue(passwordOnly.body.contains("one-time code"), passwordOnly.body)

        let wrongCode = try await loginWithCode("123456" == currentCode(secret) ? "654321" : "123456")
        XCTAssertEqual(wrongCode.status, 401)
        XCTAssertFalse(wrongCode.body.contains("one-time code"), "a wrong code answers like a wrong password")

        // The confirming code's time step is spent; the next step's code (allowed for clock
        // drift) signs in once, and not twice.
        let nextCode = currentCode(secret, in: 30)
        let signedIn = try await loginWithCode(nextCode)
        XCTAssertEqual(signedIn.status, 200, signedIn.body)
        let replayed = try await loginWithCode(nextCode)
        XCTAssertEqual(replayed.status, 401, "a one-time code worked twice")
    }

    private func loginWithCode(_ code: String) async throws -> (status: Int, body: String) {
        let json = try JSONSerialization.data(withJSONObject: ["email": RunningSystem.ownerEmail, "password": RunningSystem.ownerPassword,
                                                               "totp_code": code])
        let (status, body) = try await system.http("POST", "/api/v1/auth/login", json: String(decoding: json, as: UTF8.self), as: .anonymous)
        return (status, String(decoding: body, as: UTF8.self))
    }
}
