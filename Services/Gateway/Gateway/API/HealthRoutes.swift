import Contracts
import Hummingbird
import Messaging
import ServiceKit

/// `GET /health` (no authentication): the gateway and each service's reachability, and
/// any subscription that is stuck on an event or failed. `unavailable` (503) when a
/// service does not answer; `degraded` (200) when all answer but a subscription is in
/// trouble — each named in `problems`.
struct HealthRoutes {
    let clients: any GatewayServices

    struct ServiceHealth: Encodable {
        var reachable: Bool
        var health: HealthReply?
    }

    struct Report: Encodable {
        var status: String
        var services: [String: ServiceHealth]
        var problems: [String]
    }

    func register(in routes: Routes) {
        let open = routes.group(.public)
        open.get("/health") { _, _ in
            let report = await check()
            return try JSONResponse.make(report, status: report.status == "unavailable" ? .serviceUnavailable : .ok)
        }
    }

    func check() async -> Report {
        await withTaskGroup(of: (ServiceName, HealthReply?).self) { group in
            for service in ServiceName.allCases {
                group.addTask {
                    (service, try? await clients[service].query(MessagingMessages.health, Empty(),
                                                                timeout: .milliseconds(800)))
                }
            }
            var services: [String: ServiceHealth] = [:]
            var problems: [String] = []
            for await (service, health) in group {
                // /health is public: no error text (it may quote data); operators read it in
                // the service's log and the dead-letter list.
                var shown = health
                shown?.subscriptions = health?.subscriptions.map { subscription in
                    var subscription = subscription
                    subscription.lastError = nil
                    return subscription
                } ?? []
                services[service.rawValue] = ServiceHealth(reachable: health != nil, health: shown)
                if health == nil { problems.append("\(service.rawValue) does not answer") }
                for subscription in health?.subscriptions ?? [] where subscription.state != "ok" {
                    problems.append("\(service.rawValue): \(subscription.publisher) events \(subscription.state) at seq "
                                    + "\(subscription.failingSeq.map(String.init) ?? "?") (\(subscription.failingType ?? "?"))")
                }
            }
            let status = services.values.allSatisfy(\.reachable) ? (problems.isEmpty ? "ok" : "degraded") : "unavailable"
            return Report(status: status, services: services, problems: problems.sorted())
        }
    }
}
