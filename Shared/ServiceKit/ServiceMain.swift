import Logging
import ServiceLifecycle

/// The whole of a service's `main.swift`: `try await ServiceMain.run(CustomerService.definition())`.
public enum ServiceMain {
    /// Bootstraps logging, runs the service until SIGTERM or SIGINT, and stops it cleanly.
    public static func run(_ definition: @autoclosure () throws -> ServiceDefinition) async throws {
        LogSetup.bootstrap()
        let logger = Logger(label: "main")
        do {
            let runtime = ServiceRuntime(try definition())
            let group = ServiceGroup(configuration: .init(
                services: [runtime], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
