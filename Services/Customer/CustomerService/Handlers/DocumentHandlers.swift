import Contracts
import Crypto
import Messaging

/// A customer's documents: the file is the message's attachment frame, checked by its
/// bytes, kept with its SHA-256; reachable exactly when the customer is.
enum DocumentHandlers {
    static func register(in registry: inout HandlerRegistry, maximumBytes: Int) {
        registry.command(DocumentMessages.upload) { request, context in
            guard let bytes = context.attachment, !bytes.isEmpty else {
                throw ErrorBody.unprocessable("the file is empty; nothing was stored", field: "file")
            }
            guard bytes.count <= maximumBytes else {
                throw ErrorBody(.payloadTooLarge, "the file is \(bytes.count) bytes; at most \(maximumBytes) are kept")
            }
            let customer = try CustomerHandlers.visible(GetCustomer(id: request.customerId, assignedTo: request.assignedTo),
                                                        in: CustomerStore(connection: context.connection))
            let given = DocumentFile.safeName(request.filename)
            let type = try DocumentFile.type(of: bytes, named: given)
            let filename = DocumentFile.named(given, as: type)
            let digest = SHA256.hash(data: bytes).map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
            let document = try DocumentStore(connection: context.connection).insert(
                DocumentID(), customer: customer.id, filename: filename, type: type, bytes: bytes, sha256: digest,
                uploadedBy: context.envelope.actor?.name)
            try context.publish(DocumentMessages.uploaded, DocumentChanged(document: document))
            return document
        }
        registry.query(DocumentMessages.list) { request, context in
            let customer = try CustomerHandlers.visible(GetCustomer(id: request.customerId, assignedTo: request.assignedTo),
                                                        in: CustomerStore(connection: context.connection))
            return DocumentList(items: try DocumentStore(connection: context.connection).documents(of: customer.id))
        }
        registry.query(DocumentMessages.download) { request, context in
            let document = try visible(request, context)
            guard let bytes = try DocumentStore(connection: context.connection).content(of: document.id) else {
                throw ErrorBody.notFound("document \(request.id) does not exist")
            }
            // Kept under a larger limit than this service now has: sending it would exceed
            // what the sockets take (AR_DOCUMENT_MAX_BYTES must be the same for the gateway).
            guard bytes.count <= maximumBytes else {
                throw ErrorBody.failedPrecondition(
                    "document \(request.id) is \(bytes.count) bytes, more than AR_DOCUMENT_MAX_BYTES (\(maximumBytes)) allows to send")
            }
            context.replyAttachment = bytes
            return document
        }
        registry.command(DocumentMessages.delete) { request, context in
            let document = try visible(request, context, lock: true)
            try DocumentStore(connection: context.connection).delete(document.id)
            try context.publish(DocumentMessages.deleted, DocumentChanged(document: document))
            return document
        }
    }

    /// The document, if it is not deleted and its customer is visible to the caller.
    private static func visible(_ request: GetDocument, _ context: HandlerContext, lock: Bool = false) throws -> DocumentRecord {
        let notFound = ErrorBody.notFound("document \(request.id) does not exist")
        guard let document = try DocumentStore(connection: context.connection).find(request.id, lock: lock) else { throw notFound }
        try CustomerHandlers.requireVisible(document.customerId, assignedTo: request.assignedTo, context, otherwise: notFound)
        return document
    }
}
