import Contracts
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import IdentityService
import ServiceKit
import ServiceLifecycle

/// Builds the gateway: the HTTP API under `/api/v1`, `/health`, and the web UI.
/// Tests call this too, with their own configuration and clients.
public func buildGatewayApplication(configuration: GatewayConfiguration, clients: any GatewayServices,
                                    metrics: PrometheusCollectorRegistry,
                                    logger: Logger = Logger(label: "gateway")) -> some ApplicationProtocol {
    let router = buildGatewayRoutes(configuration: configuration, clients: clients, metrics: metrics).router
    return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
                       logger: logger)
}

/// The router with every route, and the catalogue of those routes.
public func buildGatewayRoutes(configuration: GatewayConfiguration, clients: any GatewayServices,
                               metrics: PrometheusCollectorRegistry) -> Routes {
    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(https: configuration.origin.scheme == "https"))
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: MetricsMiddleware())
    let methods = RouteMethods()
    router.add(middleware: ErrorBodyMiddleware(routes: methods))
    // `/assets/app.css`, `/assets/app.js`: files, served before a 404 is answered.
    if let assets = Bundle.module.url(forResource: "Assets", withExtension: nil) {
        router.add(middleware: FileMiddleware(assets.path, urlBasePath: "/assets",
                                              cacheControl: .init([(MediaType(type: .any), [.maxAge(300)])])))
    }
    let details = DetailsRoutes(clients: clients,
                                sectionTimeout: .milliseconds(configuration.sectionTimeoutMilliseconds),
                                portalBase: configuration.portalBase)
    let principals = PrincipalCache(identity: clients[.gateway],
                                    lifetime: .seconds(configuration.principalCacheSeconds))
    let routes = Routes(router: router, principals: principals, origin: configuration.origin)
    let auth = AuthRoutes(clients: clients, principals: principals)
    auth.register(in: routes)
    CustomerRoutes(clients: clients).register(in: routes)
    ContactRoutes(clients: clients).register(in: routes)
    SpecialistRoutes(clients: clients).register(in: routes)
    DocumentRoutes(clients: clients, maximumBytes: configuration.documentBytes).register(in: routes)
    CollectionStatusRoutes(clients: clients).register(in: routes)
    InvoiceRoutes(clients: clients, portalBase: configuration.portalBase).register(in: routes)
    let payments = PaymentRoutes(clients: clients, portalBase: configuration.portalBase)
    payments.register(in: routes)
    payments.registerSettings(in: routes)
    payments.registerLinksAndPromises(in: routes)
    let portal = PortalRoutes(clients: clients, portalBase: configuration.portalBase)
    portal.register(in: routes)
    HistoryRoutes(clients: clients).register(in: routes)
    ReconcileRoutes(clients: clients).register(in: routes)
    UserRoutes(clients: clients).register(in: routes)
    SettingsRoutes(clients: clients).register(in: routes)
    details.register(in: routes)
    HealthRoutes(clients: clients).register(in: routes)
    DeadLetterRoutes(clients: clients).register(in: routes)
    MetricsRoutes(registry: metrics).register(in: routes)
    WebRoutes(clients: clients, details: details, portal: portal, auth: auth,
              secureCookies: configuration.origin.scheme == "https").register(in: routes)
    methods.set(routes.catalogue)
    return routes
}

/// The whole of the gateway's `main.swift`: serves HTTP and runs the identity service
/// in one process. Instead: `gateway bootstrap-owner` creates the first owner;
/// `gateway reconcile` prints the reconciliation report of the running system (exit 1 when
/// something does not add up);
/// `gateway generate-keys DIR` writes the mesh's missing CURVE key pairs into DIR;
/// `gateway generate-keys --env` prints fresh ones as environment lines (compose).
public enum GatewayMain {
    public static func run(arguments: [String] = CommandLine.arguments) async {
        let environment = ServiceKit.Environment()  // read once; everything below gets it from here
        LogSetup.bootstrap(environment: environment)
        let logger = Logger(label: "gateway")
        do {
            let command = Array(arguments.dropFirst())
            if command.first == "bootstrap-owner" {
                exit(try await OwnerBootstrap.run(environment: environment))
            }
            if command.first == "reconcile" {
                exit(try await reconcile(environment: environment, logger: logger))
            }
            if command.first == "generate-keys", command.count == 2 {
                if command[1] == "--env" {
                    FileHandle.standardOutput.write(Data((try MeshKeys.generateEnvironmentLines().joined(separator: "\n") + "\n").utf8))
                } else {
                    let created = try MeshKeys.generateMissing(in: command[1])
                    FileHandle.standardOutput.write(Data("created keys: \(created.map(\.rawValue).joined(separator: " "))\n".utf8))
                }
                exit(0)
            }
            ParentWatch.start(environment: environment, logger: logger)
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let configuration = try GatewayConfiguration(environment: environment)
            let identityConfiguration = try ServiceConfiguration(.gateway, environment: environment)
            let identity = ServiceRuntime(try IdentityService.definition(environment: environment),
                                          configuration: identityConfiguration)
            let clients = try ServiceClients(directory: configuration.directory, keys: identityConfiguration.keys,
                                             documentBytes: configuration.documentBytes, logger: logger)
            defer { clients.shutdown() }
            let app = buildGatewayApplication(configuration: configuration, clients: clients, metrics: registry, logger: logger)
            logger.info("gateway listening", metadata: ["url": "http://\(configuration.host):\(configuration.port)"])
            let group = ServiceGroup(configuration: .init(
                services: [.init(service: identity), .init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            logger.critical("gateway failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}

extension GatewayMain {
    /// `gateway reconcile`: asks the running services (with the gateway's keys) for their
    /// facts and prints the report as JSON; 0 when nothing is amiss, 1 when something is.
    static func reconcile(environment: ServiceKit.Environment, logger: Logger) async throws -> Int32 {
        let configuration = try GatewayConfiguration(environment: environment)
        let keys = try MeshKeys.load(for: .gateway, environment: environment)
        let clients = try ServiceClients(directory: configuration.directory, keys: keys, documentBytes: configuration.documentBytes,
                                         logger: logger)
        defer { clients.shutdown() }
        let report = try await Reconciler(clients: clients).run()
        let encoder = ContractJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        return report.discrepancies.isEmpty ? 0 : 1
    }
}
