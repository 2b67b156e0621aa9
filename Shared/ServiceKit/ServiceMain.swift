import Foundation
import Logging
import ServiceLifecycle

/// The whole of a service's `main.swift`: `try await ServiceMain.run(CustomerService.definition())`.
public enum ServiceMain {
    /// Bootstraps logging, runs the service until SIGTERM or SIGINT, and stops it cleanly;
    /// a service that cannot start logs why and exits with status 1.
    public static func run(_ definition: @autoclosure () throws -> ServiceDefinition) async {
        LogSetup.bootstrap()
        let logger = Logger(label: "main")
        ParentWatch.start(logger: logger)
        do {
            let runtime = ServiceRuntime(try definition())
            let group = ServiceGroup(configuration: .init(
                services: [runtime], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}
