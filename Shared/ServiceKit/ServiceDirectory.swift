import Contracts

/// Where each service listens by default.
extension ServiceName {
    /// Default ports: commands on 71xx, events on 72xx.
    var portOffset: Int {
        switch self {
        case .customer: return 1
        case .invoice: return 2
        case .payments: return 3
        case .communications: return 4
        case .history: return 5
        case .gateway: return 6
        }
    }

    /// The prefix of this service's environment variables, e.g. `AR_CUSTOMER`.
    public var environmentPrefix: String { "AR_\(rawValue.uppercased())" }
}

/// Where services are reached, from the environment:
/// `AR_<SERVICE>_ENDPOINT` (commands and queries, default `tcp://127.0.0.1:71xx`) and
/// `AR_<SERVICE>_EVENTS_ENDPOINT` (events, default `tcp://127.0.0.1:72xx`).
public struct ServiceDirectory: Sendable {
    private let environment: Environment

    public init(environment: Environment) { self.environment = environment }

    public func commandEndpoint(_ service: ServiceName) -> String {
        environment.string("\(service.environmentPrefix)_ENDPOINT", default: "tcp://127.0.0.1:\(7100 + service.portOffset)")
    }

    public func eventsEndpoint(_ service: ServiceName) -> String {
        environment.string("\(service.environmentPrefix)_EVENTS_ENDPOINT", default: "tcp://127.0.0.1:\(7200 + service.portOffset)")
    }

    /// Where `service` binds its ROUTER (`AR_<SERVICE>_BIND`, default: its endpoint).
    public func commandBind(_ service: ServiceName) -> String {
        environment.string("\(service.environmentPrefix)_BIND", default: commandEndpoint(service))
    }

    /// Where `service` binds its PUB socket (`AR_<SERVICE>_EVENTS_BIND`, default: its events endpoint).
    public func eventsBind(_ service: ServiceName) -> String {
        environment.string("\(service.environmentPrefix)_EVENTS_BIND", default: eventsEndpoint(service))
    }
}
