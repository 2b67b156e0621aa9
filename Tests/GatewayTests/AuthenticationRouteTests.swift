import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// Authentication, permissions, the cross-site check and the principal cache, route by
/// route, in-process. (The system tests keep what only real processes show: a session
/// really revoked, a token really expired.)
final class AuthenticationRouteTests: XCTestCase {
    /// Every route, with its path parameters filled in.
    private func concreteRoutes(_ harness: GatewayHarness) -> [(method: HTTPRequest.Method, path: String, permission: Permission)] {
        harness.routes.catalogue.map { entry in
            let path = entry.path.split(separator: "/").map { segment in
                segment.hasPrefix("{") ? (segment == "{file}" ? "app.css" : (segment == "{service}" ? "history" : UUID().uuidString.lowercased()))
                    : String(segment)
            }.joined(separator: "/")
            return (entry.method, "/" + path, entry.permission)
        }
    }

    func testThePublicRoutesAreExactlyThese() throws {
        let harness = try GatewayHarness()
        let open = Set(harness.routes.catalogue.filter { $0.permission == .public }.map { "\($0.method) \($0.path)" })
        XCTAssertEqual(open, ["GET /health", "GET /", "GET /login", "POST /login", "POST /logout", "POST /api/v1/auth/login",
                              // The payment portal: its token is its credential (payments-service checks it on every request).
                              "GET /pay/{token}", "GET /api/v1/portal/{token}", "GET /api/v1/portal/{token}/quote",
                              "POST /api/v1/portal/{token}/payments", "POST /api/v1/portal/{token}/promises",
                              "GET /api/v1/portal/{token}/invoices/{id}/pdf", "GET /api/v1/portal/{token}/statement.pdf"],
                       "the public routes changed: make sure that is meant")
        XCTAssertGreaterThan(harness.routes.catalogue.count, 20)
    }

    func testEveryOtherRouteRefusesMissingAndRefusedCredentialsBeforeAnyServiceHearsOfIt() async throws {
        let harness = try GatewayHarness()
        for route in concreteRoutes(harness) where route.permission != .public {
            let body = route.method == .get ? nil : "{}"
            let anonymous = try await harness.request(route.method, route.path, json: body, as: .none)
            XCTAssertEqual(anonymous.status, 401, "\(route.method) \(route.path) without credentials")
            let forged = try await harness.request(route.method, route.path, json: body, as: .bearer("ses_forged"))
            XCTAssertEqual(forged.status, 401, "\(route.method) \(route.path) with a made-up token")
            if route.path.hasPrefix("/api/") {
                XCTAssertEqual(anonymous.error.code, "unauthenticated")
                XCTAssertEqual(anonymous.error.message, "sign in first")
                XCTAssertEqual(forged.error.message, "the session or token is not valid; sign in again")
            }
        }
        let reachedAService = harness.mesh.sent().filter { $0.type != IdentityMessages.authenticate.type }
        XCTAssertEqual(reachedAService.map(\.type), [], "a refused request reached a service")
    }

    func testAPageAsksAPersonToSignInAndComesBack() async throws {
        let harness = try GatewayHarness()
        let page = try await harness.request(.get, "/customers", as: .none)
        XCTAssertEqual(page.status, 401)
        XCTAssertEqual(page.headers[.contentType], "text/html; charset=utf-8")
        XCTAssertTrue(page.body.contains(#"name="next" value="/customers""#), page.body)
    }

    func testEachRoleIsRefusedExactlyWhereTheTableSaysSo() async throws {
        let harness = try GatewayHarness()
        for role in Role.allCases {
            for route in concreteRoutes(harness) where route.permission != .public {
                let reply = try await harness.request(route.method, route.path, json: route.method == .get ? nil : "{}",
                                                      as: .bearer(FakeMesh.token(role)))
                if PermissionTable.allows(role, route.permission) {
                    XCTAssertNotEqual(reply.status, 403, "\(role) \(route.method) \(route.path): \(reply.body)")
                    XCTAssertNotEqual(reply.status, 401, "\(role) \(route.method) \(route.path): \(reply.body)")
                } else {
                    XCTAssertEqual(reply.status, 403, "\(role) \(route.method) \(route.path)")
                    XCTAssertEqual(reply.error.message, "a \(role.rawValue) may not \(route.permission.action)")
                }
            }
        }
    }

    func testAChangeAuthenticatedByTheCookieMustComeFromThisSite() async throws {
        let harness = try GatewayHarness()
        harness.mesh.answer(CustomerMessages.create) { request, _ in
            CustomerRecord(id: CustomerID(), fields: request.customer, currency: .usd, paymentTermsDays: 30, isDeactivated: false,
                           specialistId: nil, createdAt: Date(), updatedAt: Date())
        }
        let body = #"{"display_name": "Acme"}"#
        let owner = FakeMesh.token(.owner)
        let noOrigin = try await harness.request(.post, "/api/v1/customers", json: body, as: .cookie(owner, origin: nil))
        XCTAssertEqual(noOrigin.status, 403)
        XCTAssertEqual(noOrigin.error.message, "this request did not come from this site's pages")
        let elsewhere = try await harness.request(.post, "/api/v1/customers", json: body, as: .cookie(owner, origin: "https://evil.example"))
        XCTAssertEqual(elsewhere.status, 403)
        XCTAssertEqual(harness.mesh.sent(CustomerMessages.create.type).count, 0, "a cross-site change reached the service")

        let ours = try await harness.request(.post, "/api/v1/customers", json: body, as: .cookie(owner, origin: FakeMesh.site))
        XCTAssertEqual(ours.status, 201, ours.body)
        let bearer = try await harness.request(.post, "/api/v1/customers", json: body, as: .bearer(owner))
        XCTAssertEqual(bearer.status, 201, "a bearer token is never sent by a browser on its own")
        let read = try await harness.request(.get, "/api/v1/me", as: .cookie(owner, origin: nil))
        XCTAssertEqual(read.status, 200, "reading needs no origin")
    }

    func testThePrincipalIsAskedForOnceThenRememberedAndForgottenOnSignOut() async throws {
        let harness = try GatewayHarness()
        harness.mesh.answer(IdentityMessages.logout) { _, _ in Empty() }
        let token = FakeMesh.token(.manager)
        for _ in 0..<3 {
            let me = try await harness.request(.get, "/api/v1/me", as: .bearer(token))
            XCTAssertEqual(me.status, 200)
            XCTAssertEqual(me.json["role"] as? String, "manager")
        }
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.authenticate.type).count, 1)

        let out = try await harness.request(.post, "/api/v1/auth/logout", as: .bearer(token))
        XCTAssertEqual(out.status, 204)
        _ = try await harness.request(.get, "/api/v1/me", as: .bearer(token))
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.authenticate.type).count, 2, "signed out, yet still remembered")
    }

    func testAPrincipalIsNotRememberedPastItsSessionsEnd() async throws {
        let harness = try GatewayHarness()
        harness.mesh.answer(IdentityMessages.authenticate) { _, _ in
            let user = FakeMesh.user(.viewer)
            return Authentication(principal: Principal(user: user, apiTokenId: nil, role: .viewer, manageAllCustomers: false),
                                  validUntil: Date().addingTimeInterval(-1), account: user.id)
        }
        for _ in 0..<2 { _ = try await harness.request(.get, "/api/v1/me", as: .bearer("ending")) }
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.authenticate.type).count, 2)
    }

    func testAChangedCreatorDropsTheirAPITokensToo() async throws {
        let harness = try GatewayHarness()
        let creator = FakeMesh.user(.admin)
        harness.mesh.answer(IdentityMessages.authenticate) { request, _ in
            if request.token == "art_ops" {
                return Authentication(principal: Principal(user: nil, apiTokenId: "ops", role: .admin, manageAllCustomers: true),
                                      validUntil: nil, account: creator.id)
            }
            let owner = FakeMesh.user(.owner)
            return Authentication(principal: Principal(user: owner, apiTokenId: nil, role: .owner, manageAllCustomers: true),
                                  validUntil: nil, account: owner.id)
        }
        harness.mesh.answer(IdentityMessages.updateUser) { _, _ in creator }
        _ = try await harness.request(.get, "/api/v1/me", as: .bearer("art_ops"))
        _ = try await harness.request(.patch, "/api/v1/users/\(creator.id)", json: #"{"role": "manager"}"#)
        _ = try await harness.request(.get, "/api/v1/me", as: .bearer("art_ops"))
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.authenticate.type).count, 3, "the token outlived its creator's change")
    }

    func testWithoutACacheEveryRequestAsks() async throws {
        let harness = try GatewayHarness(environment: ["AR_PRINCIPAL_CACHE_SECONDS": "0"])
        for _ in 0..<2 { _ = try await harness.request(.get, "/api/v1/me") }
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.authenticate.type).count, 2)
    }

    func testAChangedUserIsForgottenAtOnce() async throws {
        let harness = try GatewayHarness()
        let manager = FakeMesh.user(.manager)
        harness.mesh.answer(IdentityMessages.updateUser) { request, _ in manager }
        _ = try await harness.request(.get, "/api/v1/me", as: .bearer(FakeMesh.token(.manager)))
        let patched = try await harness.request(.patch, "/api/v1/users/\(manager.id)", json: #"{"role": "viewer"}"#)
        XCTAssertEqual(patched.status, 200, patched.body)
        _ = try await harness.request(.get, "/api/v1/me", as: .bearer(FakeMesh.token(.manager)))
        // owner once, manager twice: the manager's entry was dropped by the change.
        XCTAssertEqual(harness.mesh.sent(IdentityMessages.authenticate.type).count, 3)
    }
}

/// The router's own answers in the API's error body.
final class RouterErrorTests: XCTestCase {
    func testAnUnknownPathIs404AndAnUnknownMethodIs405WithAllow() async throws {
        let harness = try GatewayHarness()
        let missing = try await harness.request(.get, "/api/v1/not-a-resource")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.error.code, "not_found")

        let wrongMethod = try await harness.request(.put, "/api/v1/customers", json: "{}")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.error.code, "method_not_allowed")
        XCTAssertEqual(wrongMethod.headers[.allow], "GET, HEAD, POST")

        let onAnId = try await harness.request(.delete, "/api/v1/users/\(UserID())")
        XCTAssertEqual(onAnId.status, 405)
        XCTAssertEqual(onAnId.headers[.allow], "GET, HEAD, PATCH")
    }

    func testABodyThatIsNotJSONNamesTheProblemAndReachesNoService() async throws {
        let harness = try GatewayHarness()
        let reply = try await harness.request(.post, "/api/v1/customers", json: #"{"display_name": }"#)
        XCTAssertEqual(reply.status, 400)
        XCTAssertEqual(reply.error.code, "invalid_argument")
        XCTAssertEqual(harness.mesh.sent(CustomerMessages.create.type).count, 0)

        let wrongType = try await harness.request(.post, "/api/v1/customers", json: #"{"display_name": 42}"#)
        XCTAssertEqual(wrongType.status, 400)
        XCTAssertEqual((wrongType.json["error"] as? [String: Any]).flatMap { $0["details"] as? [String: String] }?.keys.first,
                       "display_name")
    }

    func testAServiceRefusalKeepsItsCodeAndMessage() async throws {
        let harness = try GatewayHarness()
        harness.mesh.answer(CustomerMessages.get) { request, _ in throw ErrorBody.notFound("customer \(request.id) does not exist") }
        let id = CustomerID()
        let reply = try await harness.request(.get, "/api/v1/customers/\(id)")
        XCTAssertEqual(reply.status, 404)
        XCTAssertEqual(reply.error.message, "customer \(id) does not exist")
        harness.mesh.takeDown(.customer)
        let down = try await harness.request(.get, "/api/v1/customers/\(id)")
        XCTAssertEqual(down.status, 503)
        XCTAssertEqual(down.error.code, "unavailable")
    }
}
