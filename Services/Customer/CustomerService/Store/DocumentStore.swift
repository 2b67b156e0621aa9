import Contracts
import Foundation
import Postgres
import PostgresContracts

/// A customer's documents in the `customer` schema, bytes and all, on the caller's connection.
struct DocumentStore {
    let connection: PostgresConnection

    private static let columns: StaticString = "id, customer_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by"

    func insert(_ id: DocumentID, customer: CustomerID, filename: String, type: DocumentType, bytes: [UInt8], sha256: String,
                uploadedBy: String?) throws -> DocumentRecord {
        try Self.record(connection.query("""
            INSERT INTO documents (id, customer_id, filename, content_type, size_bytes, content, sha256, uploaded_by)
            VALUES (\(id), \(customer), \(filename), \(type.contentType), \(Int64(bytes.count)), \(PostgresBytes(bytes)),
                    \(sha256), \(uploadedBy))
            RETURNING \(sql: Self.columns)
            """)[0])
    }

    /// The customer's documents, newest first (metadata only).
    func documents(of customer: CustomerID) throws -> [DocumentRecord] {
        try connection.query("""
            SELECT \(sql: Self.columns) FROM documents
            WHERE customer_id = \(customer) AND deleted_at IS NULL ORDER BY uploaded_at DESC, id
            """).map(Self.record)
    }

    /// The document unless deleted; `lock` holds its row until the transaction ends.
    func find(_ id: DocumentID, lock: Bool = false) throws -> DocumentRecord? {
        let forUpdate: StaticString = " FOR UPDATE"
        let plain: StaticString = ""
        return try connection.query("""
            SELECT \(sql: Self.columns) FROM documents WHERE id = \(id) AND deleted_at IS NULL\(sql: lock ? forUpdate : plain)
            """).first.map(Self.record)
    }

    /// The document's bytes unless deleted.
    func content(of id: DocumentID) throws -> [UInt8]? {
        try connection.query("SELECT content FROM documents WHERE id = \(id) AND deleted_at IS NULL")
            .first?.decode(PostgresBytes.self, at: 0).bytes
    }

    /// Removes the bytes; the row stays, marked deleted.
    func delete(_ id: DocumentID) throws {
        try connection.execute("UPDATE documents SET content = NULL, deleted_at = now() WHERE id = \(id) AND deleted_at IS NULL")
    }

    private static func record(_ row: PostgresRow) throws -> DocumentRecord {
        let (id, customer, filename, contentType, size, sha256, uploadedAt, uploadedBy) =
            try row.decode((DocumentID, CustomerID, String, String, Int64, String, Date, String?).self)
        return DocumentRecord(id: id, customerId: customer, filename: filename, contentType: contentType, sizeBytes: size,
                              sha256: sha256, uploadedAt: uploadedAt, uploadedBy: uploadedBy)
    }
}
