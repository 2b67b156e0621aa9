import Contracts
import Crypto
import Foundation
@testable import PaymentsService
import Postgres
import TestSupport
import Threading
import XCTest

/// Payment links and portal payments through payments-service's real handlers on a real
/// PostgreSQL schema: a token stored only as its hash, revoked and expired links refused
/// at once, a token that reaches only its own customer's invoices, payments applied oldest
/// due first with the quoted fee recorded beside them, declines that record nothing.
final class PortalCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")
    private let customer = CustomerID()
    private let base = "https://ar.example.com/pay/"
    // 21:00 on Nov 30 in New York, already Dec 1 in UTC.
    private let clock = Locked(RFC3339.date(from: "2026-12-01T02:00:00Z")!)

    override func setUp() async throws {
        let clock = self.clock
        harness = try ServiceHarness(try PaymentsService.definition(linkKey: try .forTests, now: { clock.withLock { $0 } }))
        var settings = BusinessSettings.initial
        settings.timeZone = "America/New_York"
        try harness.apply(IdentityMessages.settingsChanged, settings, from: .gateway)
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    @discardableResult
    private func known(_ cents: Int64, number: String, due: String, customer: CustomerID? = nil,
                       currency: Currency = .usd) throws -> Invoice {
        let invoice = Invoice(
            id: InvoiceID(), customerId: customer ?? self.customer, number: number, issueDate: BusinessDate("2026-10-01")!,
            dueDate: BusinessDate(due)!, currency: currency, poNumber: nil, memo: nil, contactId: nil, collectionStatus: nil, lines: [],
            subtotalCents: cents, taxCents: 0, totalCents: cents, paidCents: 0, balanceCents: cents, state: .open, voidReason: nil,
            createdAt: Date(), updatedAt: Date())
        try harness.apply(InvoiceMessages.created, InvoiceCreated(invoice: invoice), from: .invoice)
        return invoice
    }

    private func link(_ customer: CustomerID? = nil, expiresOn: BusinessDate? = nil) async throws -> PaymentLink {
        try await harness.client.command(PaymentsMessages.createLink, CreatePaymentLink(
            customerId: customer ?? self.customer, expiresOn: expiresOn, portalBase: base), actor: dana)
    }

    private func resolve(_ token: String) async -> ErrorBody? {
        await refusal { try await self.harness.client.query(PaymentsMessages.resolveLink, PortalToken(token: token)) }
    }

    private func card(_ number: String) -> CardDetails {
        CardDetails(cardNumber: number, expMonth: 12, expYear: 2030, cvc: "123", name: "Pat Payer")
    }

    private func pay(_ token: String, _ invoices: [Invoice], amount: Int64? = nil, card number: String = "4242 4242 4242 4242",
                     key: String = UUID().uuidString) async throws -> Payment {
        try await harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: invoices.map(\.id), amountCents: amount, method: .card, card: card(number)),
            actor: .portalPayer, idempotencyKey: key)
    }

    private func count(_ table: String) throws -> Int64 {
        try harness.connection().query("SELECT count(*)::int8 FROM \(identifier: table)").single(Int64.self)
    }

    func testALinkIsKeptAsItsHashShownAgainAndRevokedAtOnce() async throws {
        let first = try await link()
        XCTAssertTrue(first.created)
        XCTAssertEqual(first.token.utf8.count, 43, "128 random bits and a 128-bit MAC, base64url")
        XCTAssertEqual(first.url, base + first.token)
        let stored = try harness.connection().query("SELECT token_hash, token_id FROM payment_links").map { try $0.decode((String, String).self) }
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.first?.0, SHA256.hash(data: Data(first.token.utf8)).map { String(format: "%02x", $0) }.joined())
        let everything = try harness.connection().query("SELECT row_to_json(l)::text FROM payment_links l").single(String.self)
        XCTAssertFalse(everything.contains(first.token), "the token itself is stored nowhere")

        let again = try await link()
        XCTAssertEqual([again.token, again.url], [first.token, first.url], "Copy Payment Link copies the same link while it is active")
        XCTAssertFalse(again.created)
        let summary = try await harness.client.query(PaymentsMessages.customerSummary,
                                                      CustomerPaymentsRequest(customerId: customer, portalBase: base))
        XCTAssertEqual(summary.payment.link, PaymentLinkSummary(url: first.url, expiresOn: nil))
        let resolved = try await harness.client.query(PaymentsMessages.resolveLink, PortalToken(token: first.token))
        XCTAssertEqual(resolved.customerId, customer)

        // A token one character off (its MAC no longer matches) opens nothing.
        var forged = Array(first.token)
        forged[5] = forged[5] == "A" ? "B" : "A"
        let forgery = await resolve(String(forged))
        XCTAssertEqual(forgery?.code, .notFound)

        _ = try await harness.client.command(PaymentsMessages.revokeLink, RevokePaymentLink(customerId: customer), actor: dana)
        let revoked = await resolve(first.token)
        XCTAssertEqual(revoked?.code, .notFound)
        XCTAssertEqual(revoked?.message, "this payment link does not exist or is no longer active")
        let afterRevoke = try await harness.client.query(PaymentsMessages.customerSummary,
                                                          CustomerPaymentsRequest(customerId: customer, portalBase: base))
        XCTAssertNil(afterRevoke.payment.link)
        let portal = await refusal { try await self.harness.client.query(PaymentsMessages.portal, PortalToken(token: first.token)) }
        XCTAssertEqual(portal?.code, .notFound, "the portal itself is closed at once")
        let twice = await refusal {
            try await self.harness.client.command(PaymentsMessages.revokeLink, RevokePaymentLink(customerId: self.customer), actor: self.dana)
        }
        XCTAssertEqual(twice?.code, .notFound)

        let fresh = try await link()
        XCTAssertTrue(fresh.created)
        XCTAssertNotEqual(fresh.token, first.token)
        // Not in the idempotency records either (the reply carries the token, so none is kept), nor in an event.
        let kept = try harness.connection().query("""
            SELECT convert_from(reply_body, 'UTF8') FROM idempotency UNION ALL SELECT body FROM outbox
            """).map { try $0.decode(String.self) }
        XCTAssertFalse(kept.isEmpty, "the events are there to search")
        XCTAssertFalse(kept.contains { $0.contains(first.token) || $0.contains(fresh.token) })
        XCTAssertEqual(try harness.published(PaymentsMessages.linkChanged).map(\.change), [.created, .revoked, .created])
    }

    func testALinkExpiresAtTheEndOfItsDayInTheBusinessTimeZone() async throws {
        let today = BusinessDate("2026-11-30")!  // in New York
        let past = await refusal { try await self.link(expiresOn: BusinessDate("2026-11-29")!) }
        XCTAssertEqual(past?.details["expires_on"] != nil, true)
        XCTAssertEqual(try count("payment_links"), 0, "refused: nothing made")
        let expiring = try await link(expiresOn: today)
        let open = await resolve(expiring.token)
        XCTAssertNil(open, "23:59 in New York on its last day")
        clock.withLock { $0 = RFC3339.date(from: "2026-12-01T05:00:01Z")! }
        let expired = await resolve(expiring.token)
        XCTAssertEqual(expired?.code, .notFound, "midnight in New York")
        let replacement = try await link()
        XCTAssertTrue(replacement.created, "an expired link is replaced by a new one")
        XCTAssertNotEqual(replacement.token, expiring.token)
        let stillExpired = await resolve(expiring.token)
        XCTAssertEqual(stillExpired?.code, .notFound)
    }

    func testThePortalPaysTheChosenInvoicesOldestFirstWithTheQuotedFeeBeside() async throws {
        _ = try await harness.client.command(PaymentsMessages.updateSettings, UpdatePaymentSettings(
            customerId: customer, settings: PaymentSettingsFields(
                cardAllowed: true, achAllowed: false, cardFee: ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: nil),
                autopay: false)), actor: dana)
        let later = try known(10_000, number: "INV-000002", due: "2026-12-20")
        let older = try known(5_000, number: "INV-000001", due: "2026-11-15")
        let token = try await link().token

        let view = try await harness.client.query(PaymentsMessages.portal, PortalToken(token: token))
        XCTAssertEqual(view.invoices.map(\.number), ["INV-000001", "INV-000002"])
        XCTAssertEqual(view.methods, [PortalMethodOption(method: .card, fee: ConvenienceFee(basisPoints: 290, fixedCents: 30, capCents: nil))],
                       "ACH is not allowed for this customer")
        XCTAssertTrue(view.testMode)

        let quote = try await harness.client.query(PaymentsMessages.quote, PortalQuoteRequest(
            token: token, invoiceIds: [later.id, older.id], amountCents: 12_000, method: .card))
        XCTAssertEqual([quote.amountCents, quote.feeCents, quote.totalCents], [12_000, 378, 12_378], "2.9 % of 120.00 + 0.30")
        let achRefused = await refusal { try await self.harness.client.query(PaymentsMessages.quote, PortalQuoteRequest(
            token: token, invoiceIds: [later.id], method: .ach)) }
        XCTAssertEqual(achRefused?.details["method"] != nil, true)

        let stale = await refusal { try await self.harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [later.id, older.id], amountCents: 12_000, method: .card, card: self.card("4242424242424242"),
            expectedTotalCents: 12_000), actor: .portalPayer) }
        XCTAssertEqual(stale?.details["expected_total_cents"], "the total is now $123.78, not the $120.00 shown; review it and pay again",
                       "a total the payer was not shown is never charged")
        let payment = try await harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [later.id, older.id], amountCents: 12_000, method: .card, card: card("4242424242424242"),
            expectedTotalCents: quote.totalCents), actor: .portalPayer)
        XCTAssertEqual(payment.feeCents, quote.feeCents, "the fee recorded is the fee shown")
        XCTAssertEqual(payment.amountCents, 12_000)
        XCTAssertEqual(payment.source, .portal)
        XCTAssertEqual(payment.method, "card")
        XCTAssertEqual(payment.unappliedCents, 0)
        XCTAssertEqual(payment.receivedOn, BusinessDate("2026-11-30")!, "the business date in New York")
        XCTAssertEqual(payment.applications.map { "\($0.invoiceNumber) \($0.amountCents)" }, ["INV-000001 5000", "INV-000002 7000"],
                       "oldest due first")
        XCTAssertTrue(payment.reference?.hasPrefix("Visa ending 4242, sbx_ch_") == true, payment.reference ?? "")
        XCTAssertEqual(try harness.published(PaymentsMessages.recorded).map(\.payment.id), [payment.id])
        XCTAssertEqual(try harness.published(PaymentsMessages.applied).map(\.amountCents), [5_000, 7_000])
        let left = try await harness.client.query(PaymentsMessages.portal, PortalToken(token: token))
        XCTAssertEqual(left.invoices.map { "\($0.number) \($0.balanceCents)" }, ["INV-000002 3000"])

        // All of what is left, by default; the fee on it.
        let rest = try await pay(token, [later])
        XCTAssertEqual([rest.amountCents, rest.feeCents], [3_000, 117], "2.9 % of 30.00 = 0.87 + 0.30")
        let nothingLeft = await refusal { try await self.pay(token, [later]) }
        XCTAssertEqual(nothingLeft?.message, "INV-000002 is paid")
    }

    func testADeclineOrABadCardRecordsNothing() async throws {
        let invoice = try known(10_000, number: "INV-000001", due: "2026-11-15")
        let token = try await link().token
        let cases: [(String, ErrorCode, String)] = [
            ("4000 0000 0000 0002", .paymentDeclined, "Your card was declined."),
            ("4000000000009995", .paymentDeclined, "Your card has insufficient funds."),
            ("4111 1111 1111 1111", .paymentDeclined,
             "Your card was declined. This is test mode: use a test card such as 4242 4242 4242 4242."),
            ("4242 4242 4242 4241", .failedPrecondition, "payment_details.card_number is not a card number"),
        ]
        for (number, code, message) in cases {
            let refused = await refusal { try await self.pay(token, [invoice], card: number) }
            XCTAssertEqual(refused?.code, code, number)
            XCTAssertEqual(refused?.message, message, number)
        }
        let expired = await refusal { try await self.harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [invoice.id], method: .card,
            card: CardDetails(cardNumber: "4242424242424242", expMonth: 10, expYear: 2026, cvc: "123", name: "Pat")), actor: .portalPayer) }
        XCTAssertEqual(expired?.message, "Your card has expired.")
        let ach = await refusal { try await self.harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [invoice.id], method: .ach,
            bankAccount: BankAccountDetails(routingNumber: "110000000", accountNumber: "000111111116", accountType: .checking,
                                            name: "Pat Payer")), actor: .portalPayer) }
        XCTAssertEqual(ach?.code, .paymentDeclined)
        XCTAssertEqual(ach?.details["decline_code"], "no_account")
        let mismatched = await refusal { try await self.harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [invoice.id], method: .ach, card: self.card("4242424242424242")), actor: .portalPayer) }
        XCTAssertEqual(mismatched?.details["payment_details"], "payment_details must be the bank account's")
        for table in ["payments", "payment_applications"] { XCTAssertEqual(try count(table), 0, table) }
        XCTAssertTrue(try harness.published(PaymentsMessages.recorded).isEmpty)

        let approved = try await harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [invoice.id], method: .ach,
            bankAccount: BankAccountDetails(routingNumber: "110000000", accountNumber: "000123456789", accountType: .checking,
                                            name: "Pat Payer")), actor: .portalPayer, idempotencyKey: "pay-1")
        XCTAssertEqual([approved.method, approved.reference?.hasPrefix("checking account ending 6789") == true ? "ok" : "no"], ["ach", "ok"])
        let repeated = try await harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [invoice.id], method: .ach,
            bankAccount: BankAccountDetails(routingNumber: "110000000", accountNumber: "000123456789", accountType: .checking,
                                            name: "Pat Payer")), actor: .portalPayer, idempotencyKey: "pay-1")
        XCTAssertEqual(repeated.id, approved.id, "a retry with the same key charges and records once")
        XCTAssertEqual(try count("payments"), 1)
    }

    /// A payer who presses Pay twice (or whose page retries while the first try still runs)
    /// sends one key twice at once: both get the one payment, not "paid" for the second.
    func testTwoTriesWithOneKeyAtOnceGetTheOnePayment() async throws {
        let invoice = try known(10_000, number: "INV-000001", due: "2026-11-15")
        let token = try await link().token
        let client = harness.client
        let request = PortalPaymentRequest(token: token, invoiceIds: [invoice.id], method: .card, card: card("4242424242424242"))
        async let first = client.command(PaymentsMessages.portalPay, request, actor: .portalPayer, idempotencyKey: "press")
        async let second = client.command(PaymentsMessages.portalPay, request, actor: .portalPayer, idempotencyKey: "press")
        let (one, two) = try await (first, second)
        XCTAssertEqual(one.id, two.id)
        XCTAssertEqual(try count("payments"), 1)
    }

    func testATokenReachesOnlyItsOwnCustomersInvoices() async throws {
        let mine = try known(10_000, number: "INV-000001", due: "2026-11-15")
        let neighbour = CustomerID()
        let theirs = try known(7_000, number: "INV-000900", due: "2026-11-10", customer: neighbour)
        let token = try await link().token
        _ = try await link(neighbour)
        let view = try await harness.client.query(PaymentsMessages.portal, PortalToken(token: token))
        XCTAssertEqual(view.invoices.map(\.id), [mine.id], "only its own customer's invoices are listed")
        let expected = "invoice \(theirs.id) is not one of this customer's open invoices"
        let quote = await refusal { try await self.harness.client.query(PaymentsMessages.quote, PortalQuoteRequest(
            token: token, invoiceIds: [mine.id, theirs.id], method: .card)) }
        XCTAssertEqual(quote?.message, expected)
        let payment = await refusal { try await self.pay(token, [theirs]) }
        XCTAssertEqual(payment?.message, expected)
        let unknown = InvoiceID()
        let nowhere = await refusal { try await self.harness.client.command(PaymentsMessages.portalPay, PortalPaymentRequest(
            token: token, invoiceIds: [unknown], method: .card, card: self.card("4242424242424242")), actor: .portalPayer) }
        XCTAssertEqual(nowhere?.message, "invoice \(unknown) is not one of this customer's open invoices", "the same words either way")
        XCTAssertEqual(try count("payments"), 0)
        XCTAssertEqual(try harness.connection().query("""
            SELECT coalesce(sum(amount_cents), 0)::int8 FROM payment_applications WHERE invoice_id = \(theirs.id)
            """).single(Int64.self), 0)
    }
}
