import Contracts
import ZMQ

/// A message on the wire: an envelope frame and a body frame, both JSON.
public struct Message: Sendable {
    public var envelope: Envelope
    public var body: [UInt8]

    public init(envelope: Envelope, body: [UInt8]) {
        self.envelope = envelope
        self.body = body
    }

    /// A message whose body is `value` in the contract JSON dialect.
    public init(envelope: Envelope, encoding value: some Encodable) throws {
        self.init(envelope: envelope, body: try ContractJSON.encode(value))
    }

    /// The two frames: envelope, body.
    public func frames() throws -> [ZMQFrame] {
        [envelope.jsonBytes(), body]
    }

    /// Parses `[envelope, body]`; throws `ErrorBody.invalidArgument` naming what is wrong.
    public init(frames: ArraySlice<ZMQFrame>) throws(ErrorBody) {
        guard frames.count == 2 else {
            throw .invalidArgument("a message has 2 frames (envelope, body), got \(frames.count)")
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
