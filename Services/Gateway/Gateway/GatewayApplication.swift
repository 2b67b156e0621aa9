import Contracts
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceKit

/// Builds the gateway: the HTTP API under `/api/v1`, `/health`, and the web UI.
/// Tests call this too, with their own configuration and clients.
public func buildGatewayApplication(configuration: GatewayConfiguration, clients: ServiceClients,
                                    metrics: PrometheusCollectorRegistry,
                                    logger: Logger = Logger(label: "gateway")) -> some ApplicationProtocol {
    let router = buildGatewayRouter(configuration: configuration, clients: clients, metrics: metrics)
    return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
                       logger: logger)
}

/// The router alone, for in-process tests.
public func buildGatewayRouter(configuration: GatewayConfiguration, clients: ServiceClients,
                               metrics: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ErrorBodyMiddleware())
    let details = DetailsRoutes(clients: clients,
                                sectionTimeout: .milliseconds(configuration.sectionTimeoutMilliseconds))
    let api = router.group("api/v1")
    CustomerRoutes(clients: clients).register(in: api)
    details.register(in: api)
    HealthRoutes(clients: clients).register(in: router)
    MetricsRoutes(registry: metrics).register(in: router)
    WebRoutes(clients: clients, details: details).register(in: router)
    return router
}

/// The whole of the gateway's `main.swift`.
public enum GatewayMain {
    public static func run() async throws {
        LogSetup.bootstrap()
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "gateway")
        let configuration = try GatewayConfiguration()
        let clients = try ServiceClients(directory: configuration.directory, logger: logger)
        defer { clients.shutdown() }
        let app = buildGatewayApplication(configuration: configuration, clients: clients, metrics: registry, logger: logger)
        logger.info("gateway listening", metadata: ["url": "http://\(configuration.host):\(configuration.port)"])
        try await app.runService()
    }
}
