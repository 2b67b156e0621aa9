import Contracts
import Logging
import Messaging
import ServiceKit
import ZMQ

/// The services as the gateway's routes call them; built from `ServiceClients` in the
/// process, from fakes in in-process tests.
public protocol GatewayServices: Sendable {
    subscript(service: ServiceName) -> any ServiceCaller { get }
}

/// One `CommandClient` per back-end service, sharing the gateway's ZeroMQ context; each
/// connects with the gateway's CURVE key, which is the only key services accept a user
/// actor from.
public final class ServiceClients: GatewayServices {
    private let context: ZMQContext
    private let clients: [ServiceName: CommandClient]

    /// `documentBytes`: the largest document, which customer-service's replies may carry.
    public init(directory: ServiceDirectory, keys: MeshKeys, documentBytes: Int, logger: Logger) throws {
        context = try ZMQContext()
        var clients: [ServiceName: CommandClient] = [:]
        for service in ServiceName.allCases {
            clients[service] = try CommandClient(
                context: context, service: service.rawValue, endpoint: directory.commandEndpoint(service),
                security: keys.client(to: service),
                maximumMessageBytes: service == .customer ? DocumentLimits.messageBytes(forDocuments: documentBytes)
                    : MessagingLimits.maximumMessageBytes,
                logger: logger)
        }
        self.clients = clients
    }

    public subscript(service: ServiceName) -> any ServiceCaller {
        guard let client = clients[service] else { preconditionFailure("every service has a client") }
        return client
    }

    /// Fails outstanding requests and closes the sockets.
    public func shutdown() {
        clients.values.forEach { $0.shutdown() }
        context.terminate()
    }
}
