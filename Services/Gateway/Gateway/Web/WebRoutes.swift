import Contracts
import Foundation
import Hummingbird
import Messaging

/// The web UI: server-rendered pages over the same service calls as the API, plus the
/// stylesheet and script.
struct WebRoutes {
    let clients: ServiceClients
    let details: DetailsRoutes

    func register(in router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/customers"]) }
        router.get("customers") { request, _ in
            let query = request.uri.queryParameters.get("q").flatMap { $0.isEmpty ? nil : $0 }
            let page = try await clients[.customer].query(
                CustomerMessages.list, ListCustomers(query: query, limit: 100), as: CustomerPage.self)
            return html(CustomersPage.render(page: page, query: query))
        }
        router.get("customers/:id") { _, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            return html(DetailsPage.render(try await details.details(of: id)))
        }
        router.get("assets/:file") { _, context in
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
