@testable import PaymentsService

extension PaymentLinkKey {
    /// A fixed key for tests (never one a deployment uses: those come from `gateway generate-keys`).
    static var forTests: PaymentLinkKey {
        get throws { try PaymentLinkKey(bytes: Array(0..<32)) }
    }
}
