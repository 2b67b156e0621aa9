import Contracts
import Foundation
import XCTest

final class ServiceContractGoldenTests: XCTestCase {
    func testInvoiceTotalsWireFormKeepsTheAPIBucketNames() throws {
        let totals = InvoiceTotals(openCents: 13_212, overdueCents: 3_212,
                                   aging: Aging(current: 10_000, d1_30: 2_500, d31_60: 0, d61_90: 700, over_90: 12))
        try assertMatchesGolden(totals, "invoice_totals")
    }

    func testCustomerCreatedWireForm() throws {
        let instant = RFC3339.date(from: "2026-11-29T12:00:00Z")!
        let fields = CustomerFields(
            displayName: "Acme", company: "Acme Corp", customerNumber: "CLM-0042", email: "ap@acme.example",
            billingAddress: Address(line1: "1 Main St", city: "Springfield", postalCode: "01101", country: "US"),
            currency: .usd, paymentTermsDays: 30)
        let record = CustomerRecord(id: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!, fields: fields, currency: .usd,
                                    paymentTermsDays: 30, isDeactivated: false, specialistId: nil,
                                    createdAt: instant, updatedAt: instant)
        try assertMatchesGolden(CustomerCreated(customer: record), "customer_created")
    }

    /// The Customer Details sections travel as the API shows them (the gateway splices them
    /// without decoding): the customer flattened, `null` kept, payments' two sections.
    func testDetailsSectionsAreInTheAPIShape() throws {
        let instant = RFC3339.date(from: "2026-11-29T12:00:00Z")!
        let customer = CustomerRecord(
            id: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!, fields: CustomerFields(displayName: "Acme", email: "ap@acme.example", currency: .usd, paymentTermsDays: 30),
            currency: .usd, paymentTermsDays: 30, isDeactivated: false, specialistId: nil, createdAt: instant, updatedAt: instant)
        let contact = ContactRecord(id: ContactID("0b6a3a7c-1d2e-4f50-9a8b-7c6d5e4f3a2b")!, customerId: customer.id,
                                    fields: ContactFields(firstName: "Pat", lastName: "Payer", email: "pat@acme.example", smsOptOut: true),
                                    createdAt: instant, updatedAt: instant)
        let west = SubCustomer(id: CustomerID("3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a")!, displayName: "Acme West", isDeactivated: false)
        try assertMatchesGolden(CustomerProfile(customer: customer, specialist: nil, contacts: [contact], documents: [], subCustomers: [west]),
                                "customer_profile")
        try assertMatchesGolden(CustomerPaymentsSummary(
            payment: PaymentSection(settings: PaymentSettings(cardAllowed: true, achAllowed: true,
                                                              cardFee: ConvenienceFee(basisPoints: 300, fixedCents: 30, capCents: nil),
                                                              achFee: nil, autopay: false, isCustomerSpecific: false),
                                    link: nil, unappliedCreditCents: 2_500),
            promises: []), "customer_payments_summary")
    }

    /// `contact.merged` tells other services which contacts now answer to the master.
    func testContactMergedWireForm() throws {
        let instant = RFC3339.date(from: "2026-11-29T12:00:00Z")!
        let customer = CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!
        let master = ContactRecord(
            id: ContactID("0b6a3a7c-1d2e-4f50-9a8b-7c6d5e4f3a2b")!, customerId: customer,
            fields: ContactFields(firstName: "Pat", lastName: "Payer", title: "AP lead", email: "pat@acme.example",
                                  phone: "+1 555 0100", role: .primary, callOptOut: true),
            createdAt: instant, updatedAt: instant)
        try assertMatchesGolden(ContactsMerged(
            customerId: customer, masterId: master.id,
            mergedIds: [ContactID("1c7b4b8d-2e3f-4a61-8b9c-8d7e6f5a4b3c")!, ContactID("2d8c5c9e-3f4a-4b72-9cad-9e8f7a6b5c4d")!],
            contact: master, mergedNames: ["Pat P.", "P. Payer"],
            changes: [FieldChange(field: "email", old: .string("pp@acme.example"), new: .string("pat@acme.example"))]),
            "contact_merged")
    }

    func testSpecialistAssignedWireForm() throws {
        try assertMatchesGolden(SpecialistAssigned(
            customerId: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!, customerName: "Acme",
            from: SpecialistReference(id: UserID("5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716")!, name: "Pat Kim", email: "pat@ar.example",
                                      isActive: false),
            to: SpecialistReference(id: UserID("6f5e4d3c-2b1a-4098-8e7d-5c4b3a291807")!, name: "Sam Lee", email: "sam@ar.example")),
            "specialist_assigned")
    }

    func testCollectionStatusChangedWireForm() throws {
        try assertMatchesGolden(CollectionStatusChanged(status: CollectionStatus(
            id: CollectionStatusID("8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d")!, name: "Disputed", position: 2,
            managerId: UserID("6f5e4d3c-2b1a-4098-8e7d-5c4b3a291807")!, isDefault: false, disputed: true,
            createdAt: RFC3339.date(from: "2026-11-29T12:00:00Z")!)), "collection_status_changed")
        try assertMatchesGolden(CustomerBalanceChanged(
            customerId: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!, currency: .usd, openCents: 123_456, overdueCents: 23_456,
            openInvoices: 3, hasInvoices: true, collectionStatusIds: [CollectionStatusID("8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d")!]),
            "invoice_balance_changed")
    }

    /// An invoice travels with every member (absent ones `null`), quantities as exact JSON
    /// numbers, its status by id and name.
    func testInvoiceCreatedWireForm() throws {
        let instant = RFC3339.date(from: "2026-11-29T12:00:00Z")!
        let invoice = Invoice(
            id: InvoiceID("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")!, customerId: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!,
            number: "INV-000123", issueDate: BusinessDate("2026-11-01")!, dueDate: BusinessDate("2026-12-01")!, currency: .usd,
            poNumber: "PO-7", memo: nil, contactId: nil,
            collectionStatus: CollectionStatusRef(id: CollectionStatusID("8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d")!, name: "Reminder sent"),
            lines: [InvoiceLine(description: "Widgets", quantity: Decimal(string: "2.125")!, unitPriceCents: 1_999, taxRateBps: 825,
                                totalCents: 4_248, taxCents: 350)],
            subtotalCents: 4_248, taxCents: 350, totalCents: 4_598, paidCents: 0, balanceCents: 4_598, state: .open,
            voidReason: nil, createdAt: instant, updatedAt: instant)
        try assertMatchesGolden(InvoiceCreated(invoice: invoice, alertManagerId: UserID("6f5e4d3c-2b1a-4098-8e7d-5c4b3a291807")!),
                                "invoice_created")
        let manager = UserID("6f5e4d3c-2b1a-4098-8e7d-5c4b3a291807")!
        try assertMatchesGolden(InvoiceCollectionStatusChanged(
            invoiceId: invoice.id, customerId: invoice.customerId, number: invoice.number, from: invoice.collectionStatus,
            to: CollectionStatusRef(id: CollectionStatusID("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")!, name: "Disputed"),
            actor: Actor(userId: manager, role: "manager", name: "Dana Reyes"), alertManagerId: manager),
            "invoice_collection_status_changed")
    }

    /// What payments-service will publish and invoice-service applies, keyed by application id.
    func testPaymentEventsWireForm() throws {
        let customer = CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!
        let payment = PaymentID("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f")!
        let application = PaymentApplicationID("3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a")!
        let invoice = InvoiceID("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")!
        try assertMatchesGolden(PaymentApplied(
            applicationId: application, paymentId: payment, customerId: customer, invoiceId: invoice, invoiceNumber: "INV-000123",
            amountCents: 2_500, currency: .usd, appliedOn: BusinessDate("2026-11-15")!, method: "check", reference: "1042"), "payment_applied")
        try assertMatchesGolden(PaymentUnapplied(
            applicationId: application, paymentId: payment, customerId: customer, invoiceId: invoice, invoiceNumber: "INV-000123",
            amountCents: 2_500, currency: .usd, unappliedOn: BusinessDate("2026-11-16")!, reason: .invoiceVoided), "payment_unapplied")
        try assertMatchesGolden(PaymentRefunded(
            refundId: RefundID("4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b")!, paymentId: payment, customerId: customer, amountCents: 1_000,
            currency: .usd, refundedOn: BusinessDate("2026-11-20")!, reason: "Overpaid"), "payment_refunded")
    }

    /// A payment travels whole: what was received, applied (live and taken back), refunded, left.
    func testPaymentRecordedWireForm() throws {
        let instant = RFC3339.date(from: "2026-11-29T12:00:00Z")!
        let payment = Payment(
            id: PaymentID("2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f")!, customerId: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!,
            amountCents: 20_000, currency: .usd, method: "check", reference: nil, receivedOn: BusinessDate("2026-11-19")!,
            appliedCents: 12_500, refundedCents: 1_000, unappliedCents: 6_500,
            applications: [
                PaymentApplication(id: PaymentApplicationID("3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a")!,
                                   invoiceId: InvoiceID("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")!, invoiceNumber: "INV-000123",
                                   amountCents: 12_500, appliedOn: BusinessDate("2026-11-20")!, unappliedOn: nil, unapplyReason: nil),
                PaymentApplication(id: PaymentApplicationID("5f6a7b8c-9d0e-4f1a-8b2c-4d5e6f7a8b9c")!,
                                   invoiceId: InvoiceID("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")!, invoiceNumber: "INV-000123",
                                   amountCents: 500, appliedOn: BusinessDate("2026-11-20")!, unappliedOn: BusinessDate("2026-11-21")!,
                                   unapplyReason: .invoiceReduced),
            ],
            refunds: [PaymentRefund(id: RefundID("4e5f6a7b-8c9d-4e0f-9a1b-3c4d5e6f7a8b")!, amountCents: 1_000, reason: "Overpaid",
                                    refundedOn: BusinessDate("2026-11-22")!)],
            createdAt: instant)
        try assertMatchesGolden(PaymentRecorded(payment: payment), "payment_recorded")
    }

    /// A promise travels whole, its optional members as `null`; the four promise events share it.
    func testPromiseWireForm() throws {
        let promise = PromiseToPay(
            id: PromiseID("6a7b8c9d-0e1f-4a2b-9c3d-5e6f7a8b9c0d")!, customerId: CustomerID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")!,
            contactId: nil, invoiceIds: [InvoiceID("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")!], invoiceNumbers: ["INV-000123"],
            amountCents: 50_000, currency: .usd, promisedOn: BusinessDate("2026-12-15")!, note: "Check in the mail", state: .broken,
            source: .portal, specialistId: UserID("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")!, paidCents: 20_000,
            recordedOn: BusinessDate("2026-12-01")!, resolvedOn: BusinessDate("2026-12-16")!, recordedBy: .portalPayer,
            createdAt: RFC3339.date(from: "2026-11-29T12:00:00Z")!)
        try assertMatchesGolden(PromiseChanged(promise: promise), "promise_changed")
        try assertMatchesGolden(PaymentLinkChanged(customerId: promise.customerId, change: .expiryChanged,
                                                   expiresOn: BusinessDate("2026-12-31")!), "payment_link_changed")
    }

    /// What the gateway hands payments-service for a portal payment (the card goes to the processor only).
    func testPortalPaymentWireForm() throws {
        try assertMatchesGolden(PortalPaymentRequest(
            token: "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8", invoiceIds: [InvoiceID("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")!],
            amountCents: 10_410, method: .card,
            card: CardDetails(cardNumber: "4242 4242 4242 4242", expMonth: 12, expYear: 2030, cvc: "123", name: "Pat Payer")),
            "portal_payment_request")
        try assertMatchesGolden(PortalQuote(currency: .usd, amountCents: 10_410, feeCents: 332, totalCents: 10_742), "portal_quote")
    }

    func testMessagingContractsWireForm() throws {
        try assertMatchesGolden(EventsAck(appliedSeq: 1042), "events_ack")
        try assertMatchesGolden(DeadLetterList(items: [DeadLetter(
            id: 7, publisher: "customer", seq: 1042, type: "customer.created",
            error: "the customer.created body is invalid: customer is required", attempts: 5,
            createdAt: RFC3339.date(from: "2026-11-29T12:00:00Z")!)]), "dead_letter_list")
        try assertMatchesGolden(SubscriptionHealth(
            publisher: "customer", appliedSeq: 1041, state: "stuck", failingSeq: 1042, failingType: "customer.created",
            lastError: "event 1042 cannot be applied", attempts: 3, deadLetters: 0), "subscription_health")
    }

    func testLoginAttemptCarriesTheAddressBesideTheLogin() throws {
        try assertMatchesGolden(LoginAttempt(login: Login(email: "owner@example.com", password: "correct horse battery staple"),
                                             clientAddress: "203.0.113.7"), "login_attempt")
    }

    func testPageCursorRoundTripsAndRejectsForgeries() {
        let cursor = PageCursor(createdAt: RFC3339.date(from: "2026-11-29T12:00:00.5Z")!, id: UUID())
        XCTAssertEqual(PageCursor.decode(cursor.encoded), cursor)
        XCTAssertNil(PageCursor.decode("not-a-cursor"))
        XCTAssertNil(PageCursor.decode(Data("x|y".utf8).base64EncodedString()))
    }
}
