import Contracts
import Foundation
import XCTest

final class EnvelopeGoldenTests: XCTestCase {
    private let commandID = MessageID("0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b")!

    func testCommandEnvelopeWireForm() throws {
        let envelope = Envelope(
            kind: .command, type: "customer.create", id: commandID,
            sentAt: RFC3339.date(from: "2026-11-29T11:50:59.123456Z")!,
            actor: Actor(userId: UserID("7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"), role: "specialist", name: "Dana Reyes"),
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            idempotencyKey: "req-42", deadline: RFC3339.date(from: "2026-11-29T11:51:01.123456Z")!)
        try assertMatchesGolden(envelope, "envelope_command")
        try assertEnvelopeJSONMatchesGolden(envelope, "envelope_command")
    }

    func testEventEnvelopeWireForm() throws {
        let envelope = Envelope(
            kind: .event, type: "customer.created", id: MessageID("5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f")!,
            correlationId: commandID, causationId: commandID,
            sentAt: RFC3339.date(from: "2026-11-29T11:51:00.000001Z")!,
            publisher: "customer", seq: 1042)
        try assertMatchesGolden(envelope, "envelope_event")
        try assertEnvelopeJSONMatchesGolden(envelope, "envelope_event")
    }

    func testErrorBodyWireForm() throws {
        try assertMatchesGolden(ErrorBody.invalidArgument("display_name is required", field: "display_name"), "error_body")
    }

    func testMoneyWireForm() throws {
        try assertMatchesGolden(Money(minorUnits: 123_456, currency: .usd), "money")
    }

    func testHandWrittenEnvelopeJSONEscapesAndReadsBackEveryField() throws {
        let envelope = Envelope(
            kind: .reply, type: "quote\"back\\slash\nline\u{01}", correlationId: MessageID(), causationId: MessageID(),
            actor: Actor(userId: UserID(), role: "admin", name: "Zoë \"Z\"", apiTokenId: "tok_1"),
            traceparent: "00-ab", idempotencyKey: "k/1", status: .error, publisher: "invoice", seq: 9_007_199_254_740_993,
            deadline: Date())
        XCTAssertEqual(envelope.jsonBytes(), try ContractJSON.encode(envelope))
        XCTAssertEqual(try Envelope(jsonBytes: envelope.jsonBytes()), envelope)
    }

    func testEnvelopeErrorsNameTheField() {
        func message(_ json: String) -> String {
            do {
                _ = try Envelope(jsonBytes: Array(json.utf8))
                return "no error"
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(message("{nope"), "not valid JSON")
        XCTAssertEqual(message("[1]"), "the envelope must be a JSON object")
        XCTAssertEqual(message(#"{"v":1}"#), "kind is required")
        XCTAssertEqual(message(#"{"v":"1","kind":"query"}"#), "v must be an integer")
        XCTAssertEqual(message(#"{"v":true,"kind":"query"}"#), "v must be an integer")
        XCTAssertEqual(message(#"{"v":1.5,"kind":"query"}"#), "v must be an integer")
        XCTAssertEqual(message(#"{"v":1,"kind":"shout","type":"x"}"#), "kind must be one of command, query, reply, event")
        XCTAssertEqual(message(#"{"v":1,"kind":"query","type":"x","id":"nope"}"#), "id must be a UUID")
        XCTAssertEqual(message(#"{"v":1,"kind":"query","type":"x","id":"0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b","sent_at":"2026-11-29T11:50:59Z","actor":{"name":"x"}}"#),
                       "actor.role is required")
    }

    func testIdempotencyKeyFallsBackToMessageID() {
        let envelope = Envelope(kind: .command, type: "x.y", id: commandID)
        XCTAssertEqual(envelope.effectiveIdempotencyKey, "0b9e7a1c-2d3e-4f50-8a6b-7c8d9e0f1a2b")
    }

    func testReplyEnvelopeCorrelatesToRequest() {
        let request = Envelope(kind: .query, type: "health", id: commandID)
        let reply = request.reply(status: .ok)
        XCTAssertEqual(reply.kind, .reply)
        XCTAssertEqual(reply.correlationId, commandID)
        XCTAssertEqual(reply.status, .ok)
    }
}

final class MessagingContractGoldenTests: XCTestCase {
    func testEventsReplayRequestWireForm() throws {
        try assertMatchesGolden(EventsReplayRequest(fromSeq: 7, limit: 500), "events_replay_request")
    }

    func testEventsReplayReplyWireForm() throws {
        let envelope = Envelope(
            kind: .event, type: "customer.created", id: MessageID("5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f")!,
            sentAt: RFC3339.date(from: "2026-11-29T11:51:00.000001Z")!, publisher: "customer", seq: 7)
        let reply = EventsReplayReply(
            events: [StoredEvent(envelope: envelope, body: #"{"customer_id":"7f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"}"#)],
            lastSeq: 9, oldestRetainedSeq: 1)
        try assertMatchesGolden(reply, "events_replay_reply")
    }
}
