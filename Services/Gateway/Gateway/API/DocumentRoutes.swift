import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import Messaging
import MultipartKit
import Threading

/// `GET|POST /customers/{id}/documents`, `GET|DELETE /documents/{id}`. An upload is the raw
/// body (named by `?filename=`, else `document`) or `multipart/form-data` with a `file` part
/// (parsed by MultipartKit); either way the bytes go to customer-service as the message's
/// attachment frame, which judges the type by the bytes. A body beyond the limit is 413
/// before more of it is read. Downloads are attachments with the stored type and a name
/// that cannot break out of its header; only through these authorised routes.
struct DocumentRoutes {
    let clients: any GatewayServices
    let maximumBytes: Int
    /// Files in flight through this gateway at once (each holds a few copies in memory);
    /// beyond it a transfer is refused at once (503, try again) rather than queued.
    let slots = TransferSlots(limit: 8)

    /// What a multipart body may hold besides the file: its boundaries and part headers.
    static let multipartOverhead = 64 * 1024

    func register(in routes: Routes) {
        let editors = routes.group(.editCustomers)
        let readers = routes.group(.readCustomers)
        readers.get("/api/v1/customers/:id/documents") { _, context in
            let customer = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let list = try await clients[.customer].query(
                DocumentMessages.list,
                ListDocuments(customerId: customer, assignedTo: CustomerScope.assignedOnly(try context.requirePrincipal())))
            return try JSONResponse.make(ListResponse(all: list.items))
        }
        editors.post("/api/v1/customers/:id/documents") { request, context in
            let customer = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let principal = try context.requirePrincipal()
            try slots.acquire()
            defer { slots.release() }
            let (filename, bytes) = try await upload(request)
            let document = try await clients[.customer].command(
                DocumentMessages.upload,
                UploadDocument(customerId: customer, filename: filename, assignedTo: CustomerScope.assignedOnly(principal)),
                attachment: bytes, actor: principal.actor, idempotencyKey: try request.idempotencyKey(), timeout: .seconds(20))
            return try JSONResponse.make(document, status: .created)
        }
        readers.get("/api/v1/documents/:id") { _, context in
            let id = try context.parameters.id("id", of: "document", as: DocumentID.self)
            try slots.acquire()
            defer { slots.release() }
            let (document, bytes) = try await clients[.customer].queryWithAttachment(
                DocumentMessages.download, GetDocument(id: id, assignedTo: CustomerScope.assignedOnly(try context.requirePrincipal())),
                timeout: .seconds(20))
            return Response(status: .ok, headers: [
                .contentType: document.contentType,
                .contentDisposition: Self.contentDisposition(document.filename),
                .contentLength: String(bytes.count),
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        editors.delete("/api/v1/documents/:id") { _, context in
            let id = try context.parameters.id("id", of: "document", as: DocumentID.self)
            let principal = try context.requirePrincipal()
            return try JSONResponse.make(try await clients[.customer].command(
                DocumentMessages.delete, GetDocument(id: id, assignedTo: CustomerScope.assignedOnly(principal)), actor: principal.actor))
        }
    }

    /// The uploaded file's name and bytes, from a raw or a multipart body.
    private func upload(_ request: Request) async throws -> (filename: String, bytes: [UInt8]) {
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(contentType) else {
                throw ErrorBody.invalidArgument("a multipart body needs a boundary in its Content-Type", field: "Content-Type")
            }
            let body = try await collect(request, upTo: maximumBytes + Self.multipartOverhead)
            let part = try Self.filePart(body, boundary: boundary)
            guard part.bytes.count <= maximumBytes else { throw Self.tooLarge(maximumBytes) }
            let filename = part.filename ?? request.uri.queryParameters.get("filename") ?? "document"
            guard filename.unicodeScalars.count <= 1_024 else {
                throw ErrorBody.invalidArgument("filename is at most 1024 characters", field: "filename")
            }
            return (filename, part.bytes)
        }
        // Without a name the bytes alone say what the file is.
        let filename = request.uri.queryParameters.get("filename").flatMap { $0.isEmpty ? nil : $0 } ?? "document"
        guard filename.unicodeScalars.count <= 1_024 else {
            throw ErrorBody.invalidArgument("filename is at most 1024 characters", field: "filename")
        }
        return (filename, try await collect(request, upTo: maximumBytes))
    }

    private func collect(_ request: Request, upTo limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw Self.tooLarge(maximumBytes) }
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw Self.tooLarge(maximumBytes)
        }
    }

    private static func tooLarge(_ limit: Int) -> ErrorBody {
        ErrorBody(.payloadTooLarge, "a document is at most \(limit) bytes; nothing was stored")
    }

    /// `boundary=` of a `multipart/form-data` Content-Type (quoted or not).
    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }

    /// The part named `file` (or the only part with a file name): its name and bytes.
    static func filePart(_ body: [UInt8], boundary: String) throws -> (filename: String?, bytes: [UInt8]) {
        final class Collector {
            var parts: [(headers: [(String, String)], bytes: [UInt8])] = []
            var headers: [(String, String)] = []
            var bytes: [UInt8] = []
        }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.headers.append((name, value)) }
        parser.onBody = { buffer in collector.bytes += buffer.readableBytesView }
        parser.onPartComplete = {
            collector.parts.append((collector.headers, collector.bytes))
            collector.headers = []
            collector.bytes = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw ErrorBody.invalidArgument("the multipart body could not be read", field: "file")
        }
        func disposition(_ part: (headers: [(String, String)], bytes: [UInt8]), _ name: String) -> String? {
            guard let header = part.headers.first(where: { $0.0.lowercased() == "content-disposition" })?.1 else { return nil }
            for parameter in header.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == name else { continue }
                return pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
            }
            return nil
        }
        let files = collector.parts.filter { disposition($0, "filename") != nil }
        guard let part = collector.parts.first(where: { disposition($0, "name") == "file" }) ?? (files.count == 1 ? files.first : nil)
        else {
            throw ErrorBody.invalidArgument("the multipart body has no part named file", field: "file")
        }
        return (disposition(part, "filename"), part.bytes)
    }

    /// `attachment; filename="…"; filename*=UTF-8''…`: the plain name with only safe ASCII
    /// (anything else `_`), and the exact name percent-encoded (RFC 6266, RFC 5987).
    static func contentDisposition(_ filename: String) -> String {
        let plain = String(String.UnicodeScalarView(filename.unicodeScalars.map { scalar in
            (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" && scalar != ";" ? scalar : "_"
        }))
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? plain
        return "attachment; filename=\"\(plain)\"; filename*=UTF-8''\(encoded)"
    }
}

/// A count of transfers in flight with a ceiling, shared by the document routes.
final class TransferSlots: Sendable {
    private let taken = Locked(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or refuses with `unavailable` when all are taken.
    func acquire() throws {
        let granted = taken.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard granted else { throw ErrorBody.unavailable("too many documents are moving at once; try again in a moment") }
    }

    func release() { taken.withLock { $0 -= 1 } }
}
