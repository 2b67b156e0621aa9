import Contracts
import Foundation
import Messaging
import ServiceKit

/// payments-service's commands and queries.
enum PaymentsHandlers {
    static func register(in registry: inout HandlerRegistry, now: @escaping @Sendable () -> Date) {
        registry.query(PaymentsMessages.customerSummary) { request, context in
            let store = PaymentsStore(connection: context.connection)
            let today = try BusinessCalendar(connection: context.connection).today(at: now())
            return CustomerPaymentsSummary(
                payment: PaymentSection(settings: try store.settings(of: request.customerId),
                                        link: try store.activeLink(of: request.customerId, today: today),
                                        unappliedCreditCents: try store.unappliedCredit(of: request.customerId)),
                promises: try store.openPromises(of: request.customerId))
        }
    }
}
