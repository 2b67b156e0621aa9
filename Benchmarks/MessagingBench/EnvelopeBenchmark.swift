import Contracts
import Foundation

/// The envelope frames every message: the hand-written JSON (`Envelope.jsonBytes`,
/// `Envelope(jsonBytes:)`) against Foundation's `JSONEncoder`/`JSONDecoder` in the contract
/// dialect, same envelope, same run. The hand-written code stays only while it wins.
struct EnvelopeBenchmark {
    let iterations: Int

    /// A command envelope as the gateway sends one: actor, idempotency key, deadline.
    private let envelope = Envelope(
        kind: .command, type: "customer.create",
        actor: Actor(userId: UserID(), role: "specialist", name: "Dana Reyes"),
        traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        idempotencyKey: "req-42", deadline: Date().addingTimeInterval(2))

    /// Mean microseconds per operation: (hand-written encode, JSONEncoder encode,
    /// hand-written decode, JSONDecoder decode).
    func run() throws -> (handEncode: Double, foundationEncode: Double, handDecode: Double, foundationDecode: Double) {
        let bytes = envelope.jsonBytes()
        guard try ContractJSON.encode(envelope) == bytes else {
            throw ErrorBody.internal("the hand-written envelope JSON differs from JSONEncoder's")
        }
        let encoder = ContractJSON.encoder()
        let decoder = ContractJSON.decoder()
        let data = Data(bytes)
        var sink = 0
        let handEncode = measure { sink &+= envelope.jsonBytes().count }
        let foundationEncode = try measure { sink &+= try encoder.encode(envelope).count }
        let handDecode = try measure { sink &+= try Envelope(jsonBytes: bytes).type.count }
        let foundationDecode = try measure { sink &+= try decoder.decode(Envelope.self, from: data).type.count }
        if sink == 42 { print("") }  // keeps the work from being optimised away
        return (handEncode, foundationEncode, handDecode, foundationDecode)
    }

    private func measure(_ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<min(iterations, 1_000) { try body() }  // warm up
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for _ in 0..<iterations { try body() } }
        return elapsed.microseconds / Double(iterations)
    }
}
