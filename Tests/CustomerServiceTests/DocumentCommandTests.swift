import Contracts
import Crypto
@testable import CustomerService
import Foundation
import Messaging
import Postgres
import TestSupport
import XCTest

/// Documents through customer-service's real handlers on a real PostgreSQL schema, the
/// file as the message's attachment frame over real sockets.
final class DocumentCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")
    /// A small limit, so that "too large" fits in a test.
    private let limit = 1024 * 1024

    override func setUp() async throws {
        harness = try ServiceHarness(try CustomerService.definition(documentBytes: limit))
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func customer(specialist: UserID? = nil) async throws -> CustomerRecord {
        try await harness.client.command(CustomerMessages.create,
                                         CreateCustomer(customer: CustomerFields(displayName: "Acme"), specialistId: specialist), actor: dana)
    }

    private func upload(_ bytes: [UInt8], _ name: String, to customer: CustomerID, assignedTo: UserID? = nil) async throws -> DocumentRecord {
        try await harness.client.command(DocumentMessages.upload,
                                         UploadDocument(customerId: customer, filename: name, assignedTo: assignedTo),
                                         attachment: bytes, actor: dana)
    }


    private func storedRows() throws -> Int { try harness.connection().query("SELECT count(*) FROM documents").single(Int.self) }

    func testAnUploadIsKeptWithItsDigestAndComesBackByteForByte() async throws {
        let acme = try await customer()
        var bytes = TestFiles.pdf
        bytes += [UInt8](repeating: 0x20, count: 300_000)
        let document = try await upload(bytes, "../Contract \"2026\".pdf", to: acme.id)
        XCTAssertEqual(document.filename, "Contract 2026.pdf")
        XCTAssertEqual(document.contentType, "application/pdf")
        XCTAssertEqual(document.sizeBytes, Int64(bytes.count))
        let expected = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(document.sha256, expected)
        XCTAssertEqual(document.uploadedBy, "Dana Reyes")

        let (again, downloaded) = try await harness.client.queryWithAttachment(DocumentMessages.download, GetDocument(id: document.id))
        XCTAssertEqual(again, document)
        XCTAssertEqual(SHA256.hash(data: downloaded).map { String(format: "%02x", $0) }.joined(), expected)
        let listed = try await harness.client.query(DocumentMessages.list, ListDocuments(customerId: acme.id))
        XCTAssertEqual(listed.items, [document])
        let profile = try await harness.client.query(CustomerMessages.profile, GetCustomer(id: acme.id))
        XCTAssertEqual(profile.documents, [document])
        XCTAssertEqual(try harness.published(DocumentMessages.uploaded).map(\.document), [document])
    }

    func testARefusedUploadStoresNothing() async throws {
        let acme = try await customer()
        let cases: [([UInt8], String, ErrorCode)] = [
            (TestFiles.executable, "invoice.pdf", .unsupportedMediaType),
            (TestFiles.plainZip, "archive.zip", .unsupportedMediaType),
            (TestFiles.pdf + [UInt8](repeating: 0, count: limit), "big.pdf", .payloadTooLarge),
            ([], "empty.pdf", .failedPrecondition),
        ]
        for (bytes, name, code) in cases {
            let error = await refusal { try await upload(bytes, name, to: acme.id) }
            XCTAssertEqual(error?.code, code, name)
        }
        let unknown = await refusal { try await upload(TestFiles.pdf, "a.pdf", to: CustomerID()) }
        XCTAssertEqual(unknown?.code, .notFound)
        XCTAssertEqual(try storedRows(), 0)
        XCTAssertEqual(try harness.published(DocumentMessages.uploaded).count, 0)
    }

    func testADeletedDocumentLosesItsBytesAndLeavesEveryList() async throws {
        let acme = try await customer()
        let document = try await upload(TestFiles.xlsx, "aging.xlsx", to: acme.id)
        XCTAssertEqual(document.contentType, DocumentType.xlsx.contentType)
        let deleted = try await harness.client.command(DocumentMessages.delete, GetDocument(id: document.id), actor: dana)
        XCTAssertEqual(deleted.id, document.id)
        let gone = await refusal { try await harness.client.queryWithAttachment(DocumentMessages.download, GetDocument(id: document.id)) }
        XCTAssertEqual(gone?.code, .notFound)
        let twice = await refusal { try await harness.client.command(DocumentMessages.delete, GetDocument(id: document.id), actor: dana) }
        XCTAssertEqual(twice?.code, .notFound)
        let listed = try await harness.client.query(DocumentMessages.list, ListDocuments(customerId: acme.id))
        XCTAssertEqual(listed.items, [])
        let bytesLeft = try harness.connection().query("SELECT count(*) FROM documents WHERE content IS NOT NULL").single(Int.self)
        XCTAssertEqual(bytesLeft, 0)
        XCTAssertEqual(try harness.published(DocumentMessages.deleted).count, 1)
    }

    func testASpecialistReachesOnlyTheirOwnCustomersDocuments() async throws {
        let mine = UserID()
        let acme = try await customer(specialist: mine)
        let document = try await upload(TestFiles.docx, "letter.docx", to: acme.id, assignedTo: mine)
        let other = UserID()
        let upload = await refusal { try await self.upload(TestFiles.pdf, "x.pdf", to: acme.id, assignedTo: other) }
        XCTAssertEqual(upload?.code, .notFound)
        let download = await refusal {
            try await harness.client.queryWithAttachment(DocumentMessages.download, GetDocument(id: document.id, assignedTo: other))
        }
        XCTAssertEqual(download?.code, .notFound)
        let delete = await refusal {
            try await harness.client.command(DocumentMessages.delete, GetDocument(id: document.id, assignedTo: other), actor: dana)
        }
        XCTAssertEqual(delete?.code, .notFound)
        let list = await refusal { try await harness.client.query(DocumentMessages.list, ListDocuments(customerId: acme.id, assignedTo: other)) }
        XCTAssertEqual(list?.code, .notFound)
    }
}
