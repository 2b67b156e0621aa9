import Contracts
import Foundation
import Hummingbird

/// An `ErrorBody` is answered as `{"error": {code, message, details}}` with the status of
/// its code (API.md).
extension ErrorBody: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code.httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(["error": self], status: status)
    }
}

/// JSON in and out in the contract dialect (`snake_case`, RFC 3339).
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let bytes = try ContractJSON.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// Decodes a JSON body; malformed input is a 400 that names the field.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int = 1 << 20) async throws -> T {
        try JSONBody.decode(type, from: try await jsonBody(limit: limit))
    }

    /// The body's bytes, for decoding (once or more); none is a 400 unless `allowEmpty`,
    /// more than `limit` a 413.
    func jsonBody(limit: Int = 1 << 20, allowEmpty: Bool = false) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw ErrorBody(.payloadTooLarge, "the body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 || allowEmpty else { throw ErrorBody.invalidArgument("a JSON body is required") }
        return Array(buffer.readableBytesView)
    }
}

/// Request bodies in the contract dialect.
enum JSONBody {
    /// Malformed input is a 400 that names the field.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        do {
            return try ContractJSON.decode(type, from: bytes)
        } catch {
            let message = ContractJSON.explain(error)
            throw ErrorBody(.invalidArgument, message, details: ContractJSON.field(of: error).map { [$0: message] } ?? [:])
        }
    }
}

extension Parameters {
    /// A path parameter that must be a UUID; otherwise 404 (no such resource can exist).
    func id<Tag>(_ name: String, of resource: String, as type: Identifier<Tag>.Type) throws -> Identifier<Tag> {
        guard let text = self.get(name), let id = Identifier<Tag>(text) else {
            throw ErrorBody.notFound("\(resource) \(self.get(name) ?? "") does not exist")
        }
        return id
    }
}
