import Foundation

/// customer-service's messages about a customer's documents (SPEC §12). A document's bytes
/// travel as the message's attachment frame, never inside the JSON.
public enum DocumentMessages {
    /// The request's attachment is the file. `payload_too_large` beyond the limit,
    /// `unsupported_media_type` when its bytes are not one of the kept types (or not the
    /// type its name says). Publishes `document.uploaded`.
    public static let upload = Command<UploadDocument, DocumentRecord>("document.upload")
    /// A customer's documents, newest first (no bytes).
    public static let list = Query<ListDocuments, DocumentList>("document.list")
    /// The reply's attachment is the file.
    public static let download = Query<GetDocument, DocumentRecord>("document.download")
    /// Its bytes are removed; publishes `document.deleted`.
    public static let delete = Command<GetDocument, DocumentRecord>("document.delete")
    public static let uploaded = Event<DocumentChanged>("document.uploaded")
    public static let deleted = Event<DocumentChanged>("document.deleted")

    public static let all: [any DescribedMessage] = [upload, list, download, delete, uploaded, deleted]
}

/// The kinds of file a customer's documents may be, by what their bytes are.
public enum DocumentType: String, Codable, Hashable, Sendable, CaseIterable {
    case pdf, png, jpeg, docx, xlsx, csv, txt

    public var contentType: String {
        switch self {
        case .pdf: return "application/pdf"
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .csv: return "text/csv"
        case .txt: return "text/plain"
        }
    }

    /// The file name endings that say this type.
    public var extensions: [String] {
        switch self {
        case .jpeg: return ["jpg", "jpeg"]
        default: return [rawValue]
        }
    }
}

/// A document kept on a customer (metadata; the bytes come with `document.download`).
public struct DocumentRecord: Codable, Hashable, Sendable {
    public var id: DocumentID
    public var customerId: CustomerID
    public var filename: String
    public var contentType: String
    public var sizeBytes: Int64
    /// Hex SHA-256 of the bytes, as stored.
    public var sha256: String
    public var uploadedAt: Date
    /// Who uploaded it, by name, when a person did.
    public var uploadedBy: String?

    public init(id: DocumentID, customerId: CustomerID, filename: String, contentType: String, sizeBytes: Int64, sha256: String,
                uploadedAt: Date, uploadedBy: String? = nil) {
        self.id = id
        self.customerId = customerId
        self.filename = filename
        self.contentType = contentType
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.uploadedAt = uploadedAt
        self.uploadedBy = uploadedBy
    }
}

/// Body of `document.upload` (the file is the attachment).
public struct UploadDocument: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    /// As the uploader named it; kept without any path, quotes or control characters.
    public var filename: String
    public var assignedTo: UserID?

    public init(customerId: CustomerID, filename: String, assignedTo: UserID? = nil) {
        self.customerId = customerId
        self.filename = filename
        self.assignedTo = assignedTo
    }
}

/// Body of `document.list`.
public struct ListDocuments: Codable, Hashable, Sendable {
    public var customerId: CustomerID
    public var assignedTo: UserID?

    public init(customerId: CustomerID, assignedTo: UserID? = nil) {
        self.customerId = customerId
        self.assignedTo = assignedTo
    }
}

/// Reply to `document.list`.
public struct DocumentList: Codable, Hashable, Sendable {
    public var items: [DocumentRecord]
    public init(items: [DocumentRecord]) { self.items = items }
}

/// Body of `document.download` and `document.delete`.
public struct GetDocument: Codable, Hashable, Sendable {
    public var id: DocumentID
    public var assignedTo: UserID?

    public init(id: DocumentID, assignedTo: UserID? = nil) {
        self.id = id
        self.assignedTo = assignedTo
    }
}

/// Events `document.uploaded` and `document.deleted`.
public struct DocumentChanged: Codable, Hashable, Sendable {
    public var document: DocumentRecord
    public init(document: DocumentRecord) { self.document = document }
}
