import Contracts
import ZMQ

/// A message on the wire: an envelope frame and a body frame, both JSON, and — for a
/// message that carries a file (a document's bytes) — a third frame with those bytes as
/// they are, never base64 inside the JSON.
public struct Message: Sendable {
    public var envelope: Envelope
    public var body: [UInt8]
    /// The raw bytes a message carries beside its body; nil: none (two frames).
    public var attachment: [UInt8]?

    public init(envelope: Envelope, body: [UInt8], attachment: [UInt8]? = nil) {
        self.envelope = envelope
        self.body = body
        self.attachment = attachment
    }

    /// A message whose body is `value` in the contract JSON dialect.
    public init(envelope: Envelope, encoding value: some Encodable) throws {
        self.init(envelope: envelope, body: try ContractJSON.encode(value))
    }

    /// The frames: envelope, body, and the attachment when there is one.
    public func frames() throws -> [ZMQFrame] {
        [envelope.jsonBytes(), body] + (attachment.map { [$0] } ?? [])
    }

    /// Parses `[envelope, body]` or `[envelope, body, attachment]`; throws
    /// `ErrorBody.invalidArgument` naming what is wrong.
    public init(frames: ArraySlice<ZMQFrame>) throws(ErrorBody) {
        guard frames.count == 2 || frames.count == 3 else {
            throw .invalidArgument("a message has 2 frames (envelope, body) or 3 (and an attachment), got \(frames.count)")
        }
        do {
            envelope = try Envelope(jsonBytes: frames[frames.startIndex])
        } catch {
            throw .invalidArgument("the envelope frame is not a valid envelope: \(error)")
        }
        guard envelope.v == Envelope.currentVersion else {
            throw .invalidArgument("envelope version \(envelope.v) is not supported (expected \(Envelope.currentVersion))")
        }
        body = frames[frames.startIndex + 1]
        attachment = frames.count == 3 ? frames[frames.startIndex + 2] : nil
    }

    /// Decodes the body as `T`; a malformed body is `invalid_argument` naming the field.
    public func decodeBody<T: Decodable>(_ type: T.Type) throws(ErrorBody) -> T {
        do {
            return try ContractJSON.decode(type, from: body)
        } catch {
            throw .invalidArgument("the \(envelope.type) body is invalid: \(ContractJSON.explain(error))")
        }
    }
}
