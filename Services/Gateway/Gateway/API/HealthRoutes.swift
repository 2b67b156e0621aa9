import Contracts
import Hummingbird
import Messaging
import ServiceKit

/// `GET /health` (no authentication): the gateway and each service's reachability.
struct HealthRoutes {
    let clients: ServiceClients

    struct ServiceHealth: Encodable {
        var reachable: Bool
        var health: HealthReply?
    }

    struct Report: Encodable {
        var status: String
        var services: [String: ServiceHealth]
    }

    func register(in routes: Routes) {
        routes.get("/health", .public) { _, _ in
            let report = await check()
            return try JSONResponse.make(report, status: report.status == "ok" ? .ok : .serviceUnavailable)
        }
    }

    func check() async -> Report {
        await withTaskGroup(of: (ServiceName, HealthReply?).self) { group in
            for service in ServiceName.allCases {
                group.addTask {
                    (service, try? await clients[service].query(MessagingType.health, Empty(), as: HealthReply.self,
                                                                timeout: .milliseconds(800)))
                }
            }
            var services: [String: ServiceHealth] = [:]
            for await (service, health) in group {
                services[service.rawValue] = ServiceHealth(reachable: health != nil, health: health)
            }
            return Report(status: services.values.allSatisfy(\.reachable) ? "ok" : "degraded", services: services)
        }
    }
}
