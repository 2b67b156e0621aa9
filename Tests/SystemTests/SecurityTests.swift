import Contracts
import Foundation
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import Messaging
import Postgres
import PostgresContracts
import Threading
import ServiceKit
import XCTest
import ZMQ

/// Attacks on the running system, each refused: the mesh answers only keys it knows,
/// authority comes from the connection, admins cannot take over owners, API tokens stay
/// within their creator's rights.
final class SecurityTests: XCTestCase {
    private var system: RunningSystem!

    override func setUp() async throws {
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    private var forgedOwnerCreate: Message {
        get throws {
            let envelope = Envelope(kind: .command, type: IdentityMessages.createUser.type,
                                    actor: Actor(userId: UserID(), role: "owner", name: "Mallory"))
            return try Message(envelope: envelope, encoding: CreateUser(
                name: "Mallory", email: "mallory@evil.example", password: "a long enough password", role: .owner))
        }
    }

    /// Sends `message` from a socket of our own to `endpoint` and returns the reply frames,
    /// or nil when nothing came back within `milliseconds`.
    private func rawExchange(_ message: Message, endpoint: String, security: SocketSecurity,
                             milliseconds: Int = 1_500) async throws -> [ZMQFrame]? {
        let frames = try message.frames()
        let context = system.context
        return try await Task.detached { () throws -> [ZMQFrame]? in
            let socket = try ZMQSocket(context, type: .dealer)
            defer { socket.close() }
            try security.apply(to: socket)
            try socket.connect(endpoint)
            try socket.send(frames)
            guard try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: milliseconds)[0].contains(.readable) else {
                return nil
            }
            return try socket.receive()
        }.value
    }

    private func userEmails() async throws -> [String] {
        let users = try system.json(try await system.http("GET", "/api/v1/users").body)["items"] as? [[String: Any]] ?? []
        return users.compactMap { $0["email"] as? String }
    }

    func testNoOneTalksToAServiceWithoutAKnownKey() async throws {
        let endpoint = system.endpoint("gateway")
        let plain = try await rawExchange(try forgedOwnerCreate, endpoint: endpoint, security: .none)
        XCTAssertNil(plain, "a socket without CURVE was answered")
        let gatewayKey = try system.keys(of: .gateway).publicKeys[.gateway] ?? ""
        let stranger = try await rawExchange(try forgedOwnerCreate, endpoint: endpoint,
                                             security: .curveClient(try CurveKeyPair.generate(), serverKey: gatewayKey))
        XCTAssertNil(stranger, "a key the mesh does not know was answered")
        let replay = try Message(envelope: Envelope(kind: .query, type: MessagingMessages.eventsReplay.type),
                                 encoding: EventsReplayRequest(fromSeq: 1, limit: 100))
        let customerKey = try system.keys(of: .gateway).publicKeys[.customer] ?? ""
        let dumped = try await rawExchange(replay, endpoint: system.endpoint("customer"),
                                           security: .curveClient(try CurveKeyPair.generate(), serverKey: customerKey))
        XCTAssertNil(dumped, "events.replay answered an unknown key")
        // The same request with the gateway's key is answered: the refusals above are the keys'.
        let admitted = try await rawExchange(replay, endpoint: system.endpoint("customer"),
                                             security: try system.keys(of: .gateway).client(to: .customer), milliseconds: 3_000)
        XCTAssertNotNil(admitted, "a known key was not answered either")
        let emails = try await userEmails()
        XCTAssertFalse(emails.contains("mallory@evil.example"))
    }

    func testASubscriberWithoutAKnownKeyHearsNothing() async throws {
        let eventsEndpoint = system.environmentForTests["AR_CUSTOMER_EVENTS_ENDPOINT"] ?? ""
        let customerKey = try system.keys(of: .gateway).publicKeys[.customer] ?? ""
        let context = system.context
        let listening = Task.detached { () throws -> [Int] in
            let plain = try ZMQSocket(context, type: .sub)
            defer { plain.close() }
            try plain.set(.subscribe([]))
            try plain.connect(eventsEndpoint)
            let stranger = try ZMQSocket(context, type: .sub)
            defer { stranger.close() }
            try SocketSecurity.curveClient(try CurveKeyPair.generate(), serverKey: customerKey).apply(to: stranger)
            try stranger.set(.subscribe([]))
            try stranger.connect(eventsEndpoint)
            var heard = [0, 0]
            let until = Date().addingTimeInterval(3)  // the relay sends a heartbeat every second
            while Date() < until {
                let ready = try zmqPoll([.socket(plain, .readable), .socket(stranger, .readable)], timeoutMilliseconds: 100)
                if ready[0].contains(.readable) { _ = try plain.receive(); heard[0] += 1 }
                if ready[1].contains(.readable) { _ = try stranger.receive(); heard[1] += 1 }
            }
            return heard
        }
        let created = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Overheard Ltd"}"#)
        XCTAssertEqual(created.status, 201)
        let heard = try await listening.value
        XCTAssertEqual(heard, [0, 0], "subscribers without a known key received events")

        // The same socket with history's key hears the heartbeats: the refusal is the key's.
        let historyKeys = try system.keys(of: .history)
        let admitted = try await Task.detached { () throws -> Int in
            let socket = try ZMQSocket(context, type: .sub)
            defer { socket.close() }
            try historyKeys.client(to: .customer).apply(to: socket)
            try socket.set(.subscribe([]))
            try socket.connect(eventsEndpoint)
            return try zmqPoll([.socket(socket, .readable)], timeoutMilliseconds: 3_000)[0].contains(.readable) ? 1 : 0
        }.value
        XCTAssertEqual(admitted, 1)
    }

    func testOnlyTheGatewayActsForAPersonAndServicesSendOnlyTheirOwnCommands() async throws {
        let history = try system.client("gateway", as: .history)
        do {
            let message = try forgedOwnerCreate
            _ = try await history.command(IdentityMessages.createUser, try ContractJSON.decode(CreateUser.self, from: message.body), actor: message.envelope.actor)
            XCTFail("history's key created a user")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .permissionDenied)
        }
        do {
            _ = try await system.client("customer", as: .invoice).command(
                CustomerMessages.create, CreateCustomer(customer: CustomerFields(displayName: "Forged Co")))
            XCTFail("invoice's key created a customer")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .permissionDenied)
            XCTAssertEqual(error.message, "customer.create is not accepted from invoice")
        }
        let emails = try await userEmails()
        XCTAssertFalse(emails.contains("mallory@evil.example"))
        let refusal = system.log("gateway").split(separator: "\n").first { $0.contains("refused a message its caller may not send") }
        XCTAssertTrue(refusal?.contains("caller=history") == true && refusal?.contains("type=user.create") == true,
                      "the refusal is logged with who and what: \(refusal ?? "nothing")")
        let customers = String(decoding: try await system.http("GET", "/api/v1/customers").body, as: UTF8.self)
        XCTAssertFalse(customers.contains("Forged Co"))
    }

    func testAnAdminCannotTakeOverTheOwner() async throws {
        let me = try system.json(try await system.http("GET", "/api/v1/me").body)
        let ownerID = try XCTUnwrap((me["user"] as? [String: Any])?["id"] as? String)
        let admin = try await system.signedInUser("admin")
        for change in [#"{"password": "the admin's choice now"}"#, #"{"active": false}"#, #"{"name": "Locked Out"}"#,
                       #"{"role": "viewer"}"#] {
            let attempt = try await system.http("PATCH", "/api/v1/users/\(ownerID)", json: change, as: .token(admin.token))
            XCTAssertEqual(attempt.status, 403, "\(change): \(String(decoding: attempt.body, as: UTF8.self))")
        }
        let owner = try await system.signIn(email: RunningSystem.ownerEmail, password: RunningSystem.ownerPassword)
        XCTAssertFalse(owner.isEmpty)
        let refreshed = try system.json(try await system.http("GET", "/api/v1/users/\(ownerID)").body)
        XCTAssertEqual(refreshed["name"] as? String, me["user"].flatMap { ($0 as? [String: Any])?["name"] as? String })
        XCTAssertEqual(refreshed["active"] as? Bool, true)
        // The owner may still change their own account.
        let renamed = try await system.http("PATCH", "/api/v1/users/\(ownerID)", json: #"{"name": "Owner Renamed"}"#)
        XCTAssertEqual(renamed.status, 200)
    }

    func testAPITokensStayWithinTheirCreatorsRights() async throws {
        let admin = try await system.signedInUser("admin")
        let outranking = try await system.http("POST", "/api/v1/api-tokens", json: #"{"name": "x", "role": "owner"}"#,
                                               as: .token(admin.token))
        XCTAssertEqual(outranking.status, 400)
        let created = try await system.http("POST", "/api/v1/api-tokens", json: #"{"name": "ops", "role": "admin"}"#,
                                            as: .token(admin.token))
        XCTAssertEqual(created.status, 201, String(decoding: created.body, as: UTF8.self))
        let token = try XCTUnwrap(try system.json(created.body)["token"] as? String)
        let listed = try await system.http("GET", "/api/v1/users", as: .token(token))
        XCTAssertEqual(listed.status, 200)

        let minted = try await system.http("POST", "/api/v1/api-tokens", json: #"{"name": "child", "role": "viewer"}"#,
                                           as: .token(token))
        XCTAssertEqual(minted.status, 403, "a token minted another token")

        // Demoting the creator takes the token's admin rights away at once.
        let demoted = try await system.http("PATCH", "/api/v1/users/\(admin.id)", json: #"{"role": "manager"}"#)
        XCTAssertEqual(demoted.status, 200)
        let afterDemotion = try await system.http("GET", "/api/v1/customers", as: .token(token))
        XCTAssertEqual(afterDemotion.status, 401)

        // A token with an expiry works until then, and not after.
        let past = try await system.http("POST", "/api/v1/api-tokens",
                                         json: #"{"name": "old", "role": "viewer", "expires_at": "2020-01-01T00:00:00Z"}"#)
        XCTAssertEqual(past.status, 422, "well-formed, but already past")
        let soon = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3))
        let expiring = try await system.http("POST", "/api/v1/api-tokens",
                                             json: #"{"name": "brief", "role": "viewer", "expires_at": "\#(soon)"}"#)
        XCTAssertEqual(expiring.status, 201, String(decoding: expiring.body, as: UTF8.self))
        let brief = try XCTUnwrap(try system.json(expiring.body)["token"] as? String)
        let beforeExpiry = try await system.http("GET", "/api/v1/customers", as: .token(brief))
        XCTAssertEqual(beforeExpiry.status, 200)
        let expired = try await system.eventually(seconds: 10) {
            try await self.system.http("GET", "/api/v1/customers", as: .token(brief)).status == 401
        }
        XCTAssertTrue(expired, "the token outlived its expiry")
    }

    func testBadInputGetsAClearErrorAndChangesNothing() async throws {
        let nul = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Nul\u0000 Co"}"#)
        XCTAssertEqual(nul.status, 400)
        XCTAssertTrue(String(decoding: nul.body, as: UTF8.self).contains("NUL character"))

        let notes = String(repeating: "n", count: TextLimit.notes + 1)
        let long = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Long Notes", "notes": "\#(notes)"}"#)
        XCTAssertEqual(long.status, 400)
        let details = (try system.json(long.body)["error"] as? [String: Any])?["details"] as? [String: String]
        XCTAssertEqual(details, ["notes": "notes is at most 10000 characters"])

        let huge = String(repeating: "h", count: 2 << 20)
        let tooLarge = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "\#(huge)"}"#)
        XCTAssertEqual(tooLarge.status, 413)

        let key = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Keyed Co"}"#,
                                        headers: ["Idempotency-Key": String(repeating: "k", count: 3_000)])
        XCTAssertEqual(key.status, 400, String(decoding: key.body, as: UTF8.self))

        let login = try await system.http("POST", "/api/v1/auth/login",
                                          json: #"{"email": "\#(RunningSystem.ownerEmail)", "password": "correct horse\u0000"}"#,
                                          as: .anonymous)
        XCTAssertEqual(login.status, 400)

        let listed = String(decoding: try await system.http("GET", "/api/v1/customers").body, as: UTF8.self)
        for name in ["Nul", "Long Notes", "Keyed Co"] { XCTAssertFalse(listed.contains(name), "\(name) was created") }
    }

    /// The raw response headers of a request (URLSession keeps them).
    private func headers(_ method: String, _ path: String, json: String? = nil, headers extra: [String: String] = [:],
                         as credentials: RunningSystem.Credentials = .owner) async throws -> (Int, [String: String]) {
        let (status, _, fields) = try await system.exchange(method, path, json: json, headers: extra, as: credentials)
        return (status, fields)
    }

    func testEveryAnswerCarriesTheBrowserDefences() async throws {
        for (method, path, credentials) in [("GET", "/api/v1/customers", RunningSystem.Credentials.owner),
                                            ("GET", "/customers", .owner), ("GET", "/login", .anonymous),
                                            ("GET", "/api/v1/no-such-thing", .owner), ("GET", "/api/v1/me", .anonymous)] {
            let (status, fields) = try await headers(method, path, as: credentials)
            let policy = fields["Content-Security-Policy"] ?? ""
            XCTAssertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "\(path) \(status): \(policy)")
            XCTAssertTrue(policy.contains("frame-ancestors 'none'"), path)
            XCTAssertEqual(fields["X-Content-Type-Options"], "nosniff", path)
            XCTAssertEqual(fields["Referrer-Policy"], "same-origin", path)
            XCTAssertEqual(fields["Cache-Control"], "no-store", path)
            XCTAssertNil(fields["Strict-Transport-Security"], "no HSTS on an http site")
        }
        let (_, asset) = try await headers("GET", "/assets/app.css", as: .anonymous)
        XCTAssertEqual(asset["Cache-Control"], "max-age=300", "static assets may be cached")
        let page = String(decoding: try await system.http("GET", "/customers").body, as: UTF8.self)
        XCTAssertFalse(page.contains("<script>"), "a page carries inline script the policy would block")
    }

    func testCookieAuthenticatedRequestsAreAlwaysCheckedAgainstThePublicOrigin() async throws {
        let token = try XCTUnwrap(system.ownerToken)
        let cookie = "ar_session=\(token)"
        let site = "http://127.0.0.1:\(system.gatewayPort)"
        let attempts: [(String, [String: String])] = [
            ("an unrelated Authorization header", ["Cookie": cookie, "Authorization": "Basic Zm9vOmJhcg==", "Origin": "https://evil.example"]),
            ("another port", ["Cookie": cookie, "Origin": "http://127.0.0.1:1"]),
            ("another scheme", ["Cookie": cookie, "Origin": "https://127.0.0.1:\(system.gatewayPort)"]),
            ("a look-alike host", ["Cookie": cookie, "Referer": "http://127.0.0.1.evil.example:\(system.gatewayPort)/customers"]),
        ]
        for (what, fields) in attempts {
            let forged = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Forged"}"#, headers: fields,
                                               as: .anonymous)
            XCTAssertEqual(forged.status, 403, what)
        }
        let signIn = try await system.http("POST", "/login", headers: [
            "Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"], as: .anonymous)
        XCTAssertEqual(signIn.status, 403, "the sign-in form accepted another site's post")
        let signOut = try await system.http("POST", "/logout", headers: ["Cookie": cookie, "Origin": "https://evil.example"],
                                            as: .anonymous)
        XCTAssertEqual(signOut.status, 403, "the sign-out form accepted another site's post")
        let stillSignedIn = try await system.http("GET", "/api/v1/me")
        XCTAssertEqual(stillSignedIn.status, 200)
        let fromHere = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "From Here"}"#,
                                             headers: ["Cookie": cookie, "Origin": site], as: .anonymous)
        XCTAssertEqual(fromHere.status, 201)
        let listed = String(decoding: try await system.http("GET", "/api/v1/customers").body, as: UTF8.self)
        XCTAssertFalse(listed.contains("Forged"))
    }

    func testTheLeaderPurgesOldIdempotencyRecordsDeadSessionsAndOldLoginFailures() async throws {
        let me = try system.json(try await system.http("GET", "/api/v1/me").body)
        let owner = try XCTUnwrap(UUID(uuidString: (me["user"] as? [String: Any])?["id"] as? String ?? ""))
        let database = system.superuserURL
        try await Task.detached {
            let admin = try PostgresConnection(url: database)
            for (key, age) in [("old-key", 100 * 3600), ("fresh-key", 60)] {
                try admin.execute("""
                    INSERT INTO customer.idempotency (scope, type, key, request_hash, reply_status, reply_body, created_at)
                    VALUES ('user:x', 'customer.create', \(key), 'h', 'ok', '\\x7b7d'::bytea, now() - make_interval(secs => \(age)))
                    """)
            }
            try admin.execute("""
                INSERT INTO gateway.sessions (id, token_hash, user_id, expires_at)
                VALUES (\(UUID()), 'expired-session-hash', \(owner), now() - interval '1 minute')
                """)
            try admin.execute("""
                INSERT INTO gateway.login_failures (email_key, failed_at)
                VALUES ('old@example.com', now() - interval '2 days'), ('fresh@example.com', now())
                """)
        }.value
        let purged = try await system.eventually(seconds: 15) {
            try await Task.detached { () throws -> Bool in
                let admin = try PostgresConnection(url: database)
                let keys = try admin.query("SELECT key FROM customer.idempotency WHERE scope = 'user:x' ORDER BY key")
                    .map { try $0.decode(String.self) }
                let expired = try admin.query("SELECT count(*) FROM gateway.sessions WHERE token_hash = 'expired-session-hash'")
                    .single(Int.self)
                let failures = try admin.query("""
                    SELECT email_key FROM gateway.login_failures WHERE email_key IN ('old@example.com', 'fresh@example.com')
                    """).map { try $0.decode(String.self) }
                return keys == ["fresh-key"] && expired == 0 && failures == ["fresh@example.com"]
            }.value
        }
        XCTAssertTrue(purged, "the leader did not purge what outlived its use: \(system.log("customer").suffix(2_000))")
        let stillSignedIn = try await system.http("GET", "/api/v1/me")
        XCTAssertEqual(stillSignedIn.status, 200, "a live session was purged")
    }

    func testALoginFloodNeitherTakesTheAPIDownNorLocksTheOwnerOut() async throws {
        let port = system.gatewayPort
        let email = RunningSystem.ownerEmail
        let finished = Locked(false)
        let flood = Task.detached { () -> [Int] in
            defer { finished.withLock { $0 = true } }
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = 100
            let session = URLSession(configuration: configuration)
            return await withTaskGroup(of: [Int].self) { group in
                for client in 0..<100 {
                    group.addTask {
                        var statuses: [Int] = []
                        for attempt in 0..<20 {
                            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/auth/login")!)
                            request.httpMethod = "POST"
                            request.timeoutInterval = 30
                            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                            request.httpBody = Data(#"{"email": "\#(email)", "password": "wrong guess \#(client)-\#(attempt)"}"#.utf8)
                            let status = (try? await session.data(for: request)).flatMap { ($0.1 as? HTTPURLResponse)?.statusCode }
                            statuses.append(status ?? 0)
                        }
                        return statuses
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
        }
        var latencies: [Double] = []
        var statuses: [Int] = []
        while !finished.value {  // one call after another, as a person's page would
            let started = Date()
            let (status, _) = try await system.http("GET", "/api/v1/me")
            latencies.append(Date().timeIntervalSince(started) * 1_000)
            statuses.append(status)
        }
        let floodStatuses = await flood.value
        XCTAssertEqual(floodStatuses.count, 2_000)
        XCTAssertEqual(Set(floodStatuses).subtracting([401, 429]), [], "the flood got answers other than refusals")
        XCTAssertGreaterThan(latencies.count, 10, "the signed-in client was measured during the flood")
        XCTAssertEqual(Set(statuses), [200], "the signed-in client saw \(Set(statuses))")
        let sorted = latencies.sorted()
        let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        print("login flood: /api/v1/me p50 \(sorted[sorted.count / 2]) ms, p99 \(p99) ms over \(sorted.count) calls; "
              + "flood answers: \(Dictionary(grouping: floodStatuses, by: { $0 }).mapValues(\.count))")
        XCTAssertLessThan(p99, 200, "p99 of /api/v1/me during the flood: \(p99) ms over \(sorted.count) calls")

        // The real owner, from another address, signs in at once.
        let body = #"{"email": "\#(email)", "password": "\#(RunningSystem.ownerPassword)"}"#
        let (status, output) = try TestProcess.run(URL(fileURLWithPath: "/usr/bin/curl"), [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.2", "-X", "POST",
            "-H", "Content-Type: application/json", "-d", body, "http://127.0.0.1:\(port)/api/v1/auth/login"], seconds: 30)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output, "200", "the owner was locked out by someone else's flood")
    }

    func testAnIdempotencyKeyBelongsToItsSender() async throws {
        let admin = try await system.signedInUser("admin")
        let key = ["Idempotency-Key": "shared-key-1"]
        let mine = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Owner's Co"}"#, headers: key)
        let theirs = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Admin's Co"}"#, headers: key,
                                           as: .token(admin.token))
        XCTAssertEqual(mine.status, 201)
        XCTAssertEqual(theirs.status, 201, "another user's key was read or burnt: \(String(decoding: theirs.body, as: UTF8.self))")
        XCTAssertEqual(try system.json(theirs.body)["display_name"] as? String, "Admin's Co")
        let again = try await system.http("POST", "/api/v1/customers", json: #"{"display_name": "Owner's Co"}"#, headers: key)
        XCTAssertEqual(try system.json(again.body)["id"] as? String, try system.json(mine.body)["id"] as? String,
                       "the owner's retry returns the owner's first reply")
    }
}
