import Contracts
import Foundation
import Messaging
import Postgres
import PostgresContracts
import ServiceKit

/// payments-service: payment settings and methods, fees, payments and applications,
/// unapplied credit, refunds, promises to pay, payment links and the portal's payments.
/// Its schema is `payments`.
public enum PaymentsService {
    /// `linkKey`: what payment-link tokens are derived with (`SecretKeyFile.paymentLinks`);
    /// `processor`: who charges portal payments; `now`: the clock "today" is read from (in
    /// the business time zone); tests move it.
    public static func definition(linkKey: PaymentLinkKey, processor: any PaymentProcessor = SandboxProcessor(),
                                  now: @escaping @Sendable () -> Date = { Date() }) throws -> ServiceDefinition {
        let clock = BusinessClock(now: now)
        var handlers = HandlerRegistry()
        PaymentsHandlers.register(in: &handlers, clock: clock, key: linkKey)
        LedgerHandlers.register(in: &handlers, clock: clock)
        SettingsHandlers.register(in: &handlers)
        PortalHandlers(key: linkKey, processor: processor, clock: clock).register(in: &handlers)
        PromiseHandlers.register(in: &handlers, clock: clock)
        return try ServiceDefinition(
            name: .payments, migrations: try MigrationSet.bundled(.payments, in: .module), catalogue: PaymentsMessages.catalogue,
            handlers: handlers,
            subscriptions: [.gateway: BusinessCalendar.identityEvents(), .invoice: LedgerHandlers.invoiceEvents(clock: clock),
                            .customer: PromiseHandlers.customerEvents()],
            leaderJobs: [PromiseHandlers.watch(clock: clock)])
    }

    /// The definition the executable runs: the link key from `AR_PAYMENTS_LINK_KEY` or
    /// `AR_KEYS_DIR`, and `AR_PAYMENT_PROCESSOR` (`sandbox`, the default and the only one
    /// built in).
    public static func definition(environment: Environment) throws -> ServiceDefinition {
        let processor = environment.string("AR_PAYMENT_PROCESSOR", default: "sandbox")
        guard processor == "sandbox" else {
            throw ConfigurationError("AR_PAYMENT_PROCESSOR is \"\(processor)\"; the only processor built in is sandbox")
        }
        return try definition(linkKey: try PaymentLinkKey(bytes: try SecretKeyFile.paymentLinks.load(environment: environment)),
                              processor: SandboxProcessor())
    }
}
