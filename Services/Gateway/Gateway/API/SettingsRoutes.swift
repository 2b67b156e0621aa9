import Contracts
import Hummingbird
import Messaging

/// `GET|PATCH /settings`: the business's settings as identity keeps them, with
/// `default_payment_settings` from payments-service — whose defaults table is the one
/// source of them. A PATCH hands each part to its owner.
struct SettingsRoutes {
    let clients: any GatewayServices

    private struct PaymentDefaultsChange: Decodable {
        var defaultPaymentSettings: PaymentSettingsFields?
    }

    func register(in routes: Routes) {
        let settingsReaders = routes.group(.readSettings)
        let settingsAdmins = routes.group(.manageSettings)
        settingsReaders.get("/api/v1/settings") { _, context in
            try await settings(actor: try context.requirePrincipal().actor)
        }
        settingsAdmins.patch("/api/v1/settings") { request, context in
            let actor = try context.requirePrincipal().actor
            let body = try await request.jsonBody()
            let changes = try JSONBody.decode(BusinessSettingsChanges.self, from: body)
            let defaults = try JSONBody.decode(PaymentDefaultsChange.self, from: body).defaultPaymentSettings
            // Both parts checked before either changes: identity's (its own rules) first, then the
            // payment defaults — whose rules both sides share — are handed to payments-service.
            try defaults?.check()
            _ = try await clients[.gateway].command(IdentityMessages.updateSettings, changes, actor: actor,
                                                    idempotencyKey: try request.idempotencyKey())
            if let defaults {
                _ = try await clients[.payments].command(
                    PaymentsMessages.updateSettings, UpdatePaymentSettings(customerId: nil, settings: defaults), actor: actor,
                    idempotencyKey: try request.idempotencyKey().map { "payments:" + $0 })
            }
            return try await settings(actor: actor)
        }
    }

    /// Identity's settings with payments-service's defaults spliced in (`null` when
    /// payments-service does not answer in time).
    private func settings(actor: Actor) async throws -> Response {
        async let business = clients[.gateway].queryJSON(IdentityMessages.getSettings, Empty(), actor: actor)
        async let payments = try? clients[.payments].queryJSON(PaymentsMessages.settings, PaymentSettingsRequest(), timeout: .seconds(2))
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.append(contentsOf: try JSONObjectMembers.of(try await business))
        out.append(contentsOf: Array(#","default_payment_settings":"#.utf8))
        out.append(contentsOf: await payments ?? Array("null".utf8))
        out.append(UInt8(ascii: "}"))
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: out)))
    }
}
