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
            idempotencyKey: "req-42")
        try assertMatchesGolden(envelope, "envelope_command")
    }

    func testEventEnvelopeWireForm() throws {
        let envelope = Envelope(
            kind: .event, type: "customer.created", id: MessageID("5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f")!,
            correlationId: commandID, causationId: commandID,
            sentAt: RFC3339.date(from: "2026-11-29T11:51:00.000001Z")!,
            publisher: "customer", seq: 1042)
        try assertMatchesGolden(envelope, "envelope_event")
    }

    func testErrorBodyWireForm() throws {
        try assertMatchesGolden(ErrorBody.invalidArgument("display_name is required", field: "display_name"), "error_body")
    }

    func testMoneyWireForm() throws {
        try assertMatchesGolden(Money(minorUnits: 123_456, currency: .usd), "money")
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
