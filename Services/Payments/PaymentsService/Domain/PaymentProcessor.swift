import Contracts
import Crypto
import Foundation

/// A charge the portal asks a processor for: the amount and fee together, and how to pay.
/// The card or account is handed over and forgotten: nothing here is stored or logged.
public struct Charge: Sendable {
    /// The processor's own idempotency key: a retry of the same request never charges twice.
    public var idempotencyKey: String
    public var totalCents: Int64
    public var currency: Currency
    public var payment: PaymentInstrument
    /// The business date the card's expiry is read against.
    public var today: BusinessDate
}

/// What the payer pays with.
public enum PaymentInstrument: Sendable {
    case card(CardDetails)
    case bankAccount(BankAccountDetails)
}

/// What the processor said.
public enum ChargeOutcome: Sendable, Equatable {
    /// `reference`: the processor's charge id; `instrument`: how a person names what paid
    /// ("Visa ending 4242", "checking account ending 6789").
    case approved(reference: String, instrument: String)
    /// `code`: the processor's decline code; `reason`: its message for the payer.
    case declined(code: String, reason: String)
}

/// A card or bank processor. One is configured (`AR_PAYMENT_PROCESSOR`); the sandbox is
/// the default and the only one built in.
///
/// `charge` runs inside the transaction that records the payment, with the request's
/// idempotency key as the processor's own. A processor must be idempotent by that key (card
/// processors' APIs are): when the commit fails after an approval, the payer's retry (the
/// portal page keeps the key until it has an answer) gets the same approval back and records
/// it, never a second charge. A processor that captures later would authorize here and
/// capture after the commit.
public protocol PaymentProcessor: Sendable {
    /// The processor moves no real money (the portal says "test mode").
    var isTestMode: Bool { get }
    func charge(_ charge: Charge) throws -> ChargeOutcome
}

/// The sandbox processor: approves and declines by test numbers the way card processors'
/// test modes do, and charges nothing. Cards: 4242 4242 4242 4242 (Visa), 5555 5555 5555
/// 4444 (Mastercard), 3782 822463 10005 (Amex), 6011 1111 1111 1117 (Discover) approve;
/// 4000 0000 0000 0002 is declined, …9995 insufficient funds, …0069 expired, …0127 wrong
/// security code, …0119 a processing error; any other card is declined as not a test
/// card. ACH (routing 110000000): account 000123456789 approves, 000111111116 no such
/// account, 000111111113 closed, 000222222227 insufficient funds.
public struct SandboxProcessor: PaymentProcessor {
    public init() {}

    public var isTestMode: Bool { true }

    static let approvedCards = ["4242424242424242": "Visa", "5555555555554444": "Mastercard", "378282246310005": "American Express",
                                "6011111111111117": "Discover", "4000056655665556": "Visa debit"]
    static let declinedCards = [
        "4000000000000002": ("card_declined", "Your card was declined."),
        "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
        "4000000000000069": ("expired_card", "Your card has expired."),
        "4000000000000127": ("incorrect_cvc", "Your card's security code is incorrect."),
        "4000000000000119": ("processing_error", "An error occurred while processing your card. Try again in a little bit."),
    ]
    static let testRouting = "110000000"
    static let approvedAccount = "000123456789"
    static let declinedAccounts = [
        "000111111116": ("no_account", "The bank account could not be found."),
        "000111111113": ("account_closed", "The bank account has been closed."),
        "000222222227": ("insufficient_funds", "The bank account has insufficient funds."),
    ]

    public func charge(_ charge: Charge) throws -> ChargeOutcome {
        let reference = "sbx_ch_" + SHA256.hash(data: Data(charge.idempotencyKey.utf8)).prefix(12)
            .map { String(format: "%02x", $0) }.joined()
        switch charge.payment {
        case .card(let card):
            let number = PortalRules.digits(card.cardNumber)
            if let (code, reason) = Self.declinedCards[number] { return .declined(code: code, reason: reason) }
            if PortalRules.hasExpired(card, today: charge.today) {
                return .declined(code: "expired_card", reason: "Your card has expired.")
            }
            guard let brand = Self.approvedCards[number] else {
                return .declined(code: "card_declined", reason: "Your card was declined. This is test mode: use a test card such as 4242 4242 4242 4242.")
            }
            return .approved(reference: reference, instrument: "\(brand) ending \(number.suffix(4))")
        case .bankAccount(let account):
            let number = PortalRules.digits(account.accountNumber)
            guard PortalRules.digits(account.routingNumber) == Self.testRouting else {
                return .declined(code: "invalid_routing", reason: "This is test mode: use routing number 110000000.")
            }
            if let (code, reason) = Self.declinedAccounts[number] { return .declined(code: code, reason: reason) }
            guard number == Self.approvedAccount else {
                return .declined(code: "no_account", reason: "The bank account could not be found. This is test mode: use account 000123456789.")
            }
            return .approved(reference: reference, instrument: "\(account.accountType.rawValue) account ending \(number.suffix(4))")
        }
    }
}
