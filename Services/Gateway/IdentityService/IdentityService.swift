import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// The gateway's identity service: users, sessions, API tokens and business settings, in
/// the `gateway` schema. It runs inside the gateway process, behind its own ROUTER like
/// every service, so its commands get the same transactions, idempotency and outbox.
///
/// `AR_SESSION_IDLE_MINUTES` (default 120) and `AR_SESSION_MAX_HOURS` (default 12) bound sessions.
public enum IdentityService {
    public static func definition(environment: Environment) throws -> ServiceDefinition {
        var handlers = HandlerRegistry()
        IdentityHandlers(idleSeconds: try environment.int("AR_SESSION_IDLE_MINUTES", default: 120) * 60,
                         maximumSeconds: try environment.int("AR_SESSION_MAX_HOURS", default: 12) * 3600,
                         box: SecretBox(key: try SecretKeyFile.gatewayData.load(environment: environment)))
            .register(in: &handlers)
        UserHandlers.register(in: &handlers)
        SettingsHandlers.register(in: &handlers)
        let idleSeconds = try environment.int("AR_SESSION_IDLE_MINUTES", default: 120) * 60
        return try ServiceDefinition(
            name: .gateway, migrations: try MigrationSet.bundled(.gateway, in: .module), catalogue: IdentityMessages.catalogue,
            handlers: handlers, leaderJobs: IdentityStore.leaderJobs(idleSeconds: idleSeconds))
    }
}
