/// The five back-end services and the gateway (which also runs the identity service):
/// the names stamped on events as their publisher, and the identities the mesh's CURVE
/// keys are registered under (a caller is known by its key, never by what it writes).
public enum ServiceName: String, CaseIterable, Codable, Sendable {
    case customer, invoice, payments, communications, history, gateway
}
