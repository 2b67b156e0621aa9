import Foundation
import Logging
import ServiceLifecycle

/// The whole of a service's `main.swift`: `await ServiceMain.run(try CustomerService.definition())`.
public enum ServiceMain {
    /// For a service whose definition needs no settings of its own.
    public static func run(_ definition: @autoclosure () throws -> ServiceDefinition) async {
        await run { _ in try definition() }
    }

    /// Reads the environment once, bootstraps logging, runs the service until SIGTERM or
    /// SIGINT, and stops it cleanly; a service that cannot start logs why and exits with 1.
    public static func run(_ definition: (Environment) throws -> ServiceDefinition) async {
        let environment = Environment()
        LogSetup.bootstrap(environment: environment)
        let logger = Logger(label: "main")
        ParentWatch.start(environment: environment, logger: logger)
        do {
            let definition = try definition(environment)
            let runtime = ServiceRuntime(definition, configuration: try ServiceConfiguration(definition.name, environment: environment))
            let group = ServiceGroup(configuration: .init(
                services: [runtime], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}
