import Contracts
import Hummingbird
import Messaging

/// `GET|PATCH /settings`.
struct SettingsRoutes {
    let clients: any GatewayServices

    func register(in routes: Routes) {
        let settingsReaders = routes.group(.readSettings)
        let settingsAdmins = routes.group(.manageSettings)
        settingsReaders.get("/api/v1/settings") { _, context in
            try JSONResponse.make(try await clients[.gateway].query(
                IdentityMessages.getSettings, Empty(), actor: try context.requirePrincipal().actor))
        }
        settingsAdmins.patch("/api/v1/settings") { request, context in
            let changes = try await request.decodeJSON(BusinessSettingsChanges.self)
            return try JSONResponse.make(try await clients[.gateway].command(
                IdentityMessages.updateSettings, changes,
                actor: try context.requirePrincipal().actor, idempotencyKey: try request.idempotencyKey()))
        }
    }
}
