import Contracts
import Foundation
import Messaging
import ServiceKit

/// payments-service's commands and queries.
enum PaymentsHandlers {
    static func register(in registry: inout HandlerRegistry, clock: BusinessClock) {
        registry.query(PaymentsMessages.customerSummary) { request, context in
            let store = PaymentsStore(connection: context.connection)
            let today = try clock.today(on: context.connection)
            return CustomerPaymentsSummary(
                payment: PaymentSection(settings: try store.settings(of: request.customerId),
                                        link: try store.activeLink(of: request.customerId, today: today),
                                        unappliedCreditCents: try store.unappliedCredit(of: request.customerId)),
                promises: try store.openPromises(of: request.customerId))
        }
    }
}
