import Contracts
import Foundation
import Messaging
import ServiceKit

/// payments-service's part of the Customer Details view.
enum PaymentsHandlers {
    static func register(in registry: inout HandlerRegistry, clock: BusinessClock, key: PaymentLinkKey) {
        registry.query(PaymentsMessages.customerSummary) { request, context in
            let store = PaymentsStore(connection: context.connection)
            let today = try clock.today(on: context.connection)
            let link = try request.portalBase.flatMap { base in
                try LinkStore(connection: context.connection).active(of: request.customerId, today: today).map {
                    PaymentLinkSummary(url: try PortalHandlers.portalBase(base) + key.token(for: $0.tokenId), expiresOn: $0.expiresOn)
                }
            }
            return CustomerPaymentsSummary(
                payment: PaymentSection(settings: try store.settings(of: request.customerId), link: link,
                                        unappliedCreditCents: try store.unappliedCredit(of: request.customerId)),
                promises: try PromiseStore(connection: context.connection).open(of: request.customerId))
        }
    }
}
