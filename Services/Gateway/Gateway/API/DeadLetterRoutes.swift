import Contracts
import Foundation
import Hummingbird
import Messaging
import ServiceKit

/// `GET /api/v1/admin/dead-letters` and `POST /api/v1/admin/dead-letters/{service}/{id}/retry`
/// (owners and admins): the events each service's subscriptions set aside after they kept
/// failing, and applying one again once its cause is fixed.
struct DeadLetterRoutes {
    let clients: any GatewayServices

    struct Item: Encodable {
        var service: String
        var id: Int64
        var publisher: String
        var seq: Int64
        var type: String
        var error: String
        var attempts: Int
        var createdAt: Date
    }

    struct Listing: Encodable {
        var items: [Item]
        /// Services that did not answer (their dead letters are not in `items`).
        var unavailable: [String]
    }

    func register(in routes: Routes) {
        let operators = routes.group(.operateSystem)
        operators.get("/api/v1/admin/dead-letters") { _, context in
            let actor = try context.requirePrincipal().actor
            let listing = await withTaskGroup(of: (ServiceName, DeadLetterList?).self) { group in
                for service in ServiceName.allCases {
                    group.addTask {
                        (service, try? await clients[service].query(MessagingMessages.deadLettersList, Empty(),
                                                                    actor: actor))
                    }
                }
                var listing = Listing(items: [], unavailable: [])
                for await (service, letters) in group {
                    guard let letters else {
                        listing.unavailable.append(service.rawValue)
                        continue
                    }
                    listing.items += letters.items.map {
                        Item(service: service.rawValue, id: $0.id, publisher: $0.publisher, seq: $0.seq, type: $0.type,
                             error: $0.error, attempts: $0.attempts, createdAt: $0.createdAt)
                    }
                }
                listing.items.sort { ($0.service, $0.id) < ($1.service, $1.id) }
                listing.unavailable.sort()
                return listing
            }
            return try JSONResponse.make(listing)
        }
        operators.post("/api/v1/admin/dead-letters/:service/:id/retry") { _, context in
            guard let service = context.parameters.get("service").flatMap(ServiceName.init(rawValue:)),
                  let id = context.parameters.get("id").flatMap(Int64.init) else {
                throw ErrorBody.notFound("no such dead letter")
            }
            _ = try await clients[service].command(MessagingMessages.deadLettersRetry, RetryDeadLetter(id: id),
                                                   actor: try context.requirePrincipal().actor)
            return Response(status: .noContent)
        }
    }
}
