import Contracts
import Foundation
import Hummingbird
import Messaging

/// The web UI: server-rendered pages over the same service calls as the API, plus the
/// stylesheet and script.
struct WebRoutes {
    let clients: any GatewayServices
    let details: DetailsRoutes
    let auth: AuthRoutes
    /// Cookies get `Secure` when the public URL is https.
    let secureCookies: Bool

    func register(in routes: Routes) {
        let open = routes.group(.public)
        let readers = routes.group(.readCustomers)
        let origin = routes.origin
        open.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/customers"]) }
        open.get("/login") { request, _ in
            html(LoginPage.render(next: LocalPath.safe(request.uri.queryParameters.get("next"))))
        }
        open.post("/login") { request, context in
            try origin.check(request)  // no signing a browser in from another site
            let form = try await request.formFields()
            let next = LocalPath.safe(form["next"])
            do {
                let result = try await auth.signIn(Login(email: form["email"] ?? "", password: form["password"] ?? "",
                                                         totpCode: form["totp_code"].flatMap { $0.isEmpty ? nil : $0 }),
                                                   from: context.clientAddress)
                var response = Response(status: .seeOther, headers: [.location: next])
                response.setCookie(Cookie(name: Credentials.cookieName, value: result.token,
                                          expires: result.expiresAt, path: "/", secure: secureCookies,
                                          httpOnly: true, sameSite: .strict))
                return response
            } catch let error as ErrorBody where error.code == .unauthenticated || error.code == .tooManyRequests {
                var response = html(LoginPage.render(next: next, error: error.message, email: form["email"] ?? ""))
                response.status = error.code == .tooManyRequests ? .tooManyRequests : .unauthorized
                return response
            }
        }
        open.post("/logout") { request, _ in
            try origin.check(request)
            if let token = Credentials(request)?.token { try? await auth.signOut(token) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: Credentials.cookieName, value: "", maxAge: 0, path: "/",
                                      secure: secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        readers.get("/customers") { request, context in
            let query = request.uri.queryParameters.get("q").flatMap { $0.isEmpty ? nil : $0 }
            let principal = try context.requirePrincipal()
            let page = try await clients[.customer].query(
                CustomerMessages.list,
                ListCustomers(query: query, limit: 100, assignedTo: CustomerScope.assignedOnly(principal)))
            return html(CustomersPage.render(page: page, query: query,
                                             canAdd: PermissionTable.allows(principal.role, .editCustomers)))
        }
        readers.get("/customers/:id") { _, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            return html(DetailsPage.render(try await details.details(of: id, for: try context.requirePrincipal())))
        }
        open.get("/assets/:file") { _, context in
            guard let name = context.parameters.get("file"), let asset = Assets.shared[name] else {
                throw ErrorBody.notFound("no such asset")
            }
            return Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
    }

    private func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The files under `Web/Assets`, read once.
struct Assets: Sendable {
    struct Asset: Sendable {
        let bytes: [UInt8]
        let contentType: String
    }

    static let shared = Assets()
    private let files: [String: Asset]

    private init() {
        var files: [String: Asset] = [:]
        if let directory = Bundle.module.url(forResource: "Assets", withExtension: nil),
           let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            for name in names {
                guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                let type = name.hasSuffix(".css") ? "text/css; charset=utf-8"
                    : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
                files[name] = Asset(bytes: Array(data), contentType: type)
            }
        }
        self.files = files
    }

    subscript(name: String) -> Asset? { files[name] }
}

extension Request {
    /// An `application/x-www-form-urlencoded` body as fields.
    func formFields(limit: Int = 64 * 1024) async throws -> [String: String] {
        let buffer = try await body.collect(upTo: limit)
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
