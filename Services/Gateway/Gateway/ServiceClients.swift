import Contracts
import Logging
import Messaging
import ServiceKit
import ZMQ

/// One `CommandClient` per back-end service, sharing the gateway's ZeroMQ context.
public final class ServiceClients: Sendable {
    private let context: ZMQContext
    private let clients: [ServiceName: CommandClient]

    public init(directory: ServiceDirectory, logger: Logger) throws {
        context = try ZMQContext()
        var clients: [ServiceName: CommandClient] = [:]
        for service in ServiceName.allCases {
            clients[service] = try CommandClient(
                context: context, service: service.rawValue, endpoint: directory.commandEndpoint(service), logger: logger)
        }
        self.clients = clients
    }

    public subscript(service: ServiceName) -> CommandClient {
        guard let client = clients[service] else { preconditionFailure("every service has a client") }
        return client
    }

    /// Fails outstanding requests and closes the sockets.
    public func shutdown() {
        clients.values.forEach { $0.shutdown() }
        context.terminate()
    }
}
