import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import HummingbirdTesting
import TestSupport
import Threading
import XCTest

/// The document routes in-process: raw and multipart uploads reach customer-service as the
/// attachment frame; too large is 413 before any service hears of it; a download is an
/// attachment whose name cannot break its header.
final class DocumentRouteTests: XCTestCase {
    private let customer = CustomerID()

    private func record(_ name: String = "contract.pdf", type: String = "application/pdf", size: Int = 10) -> DocumentRecord {
        DocumentRecord(id: DocumentID(), customerId: customer, filename: name, contentType: type, sizeBytes: Int64(size),
                       sha256: String(repeating: "0", count: 64), uploadedAt: Date())
    }

    /// A mesh whose customer-service records what it was sent.
    private func mesh(received: Locked<(UploadDocument, [UInt8]?)?>) -> FakeMesh {
        let mesh = FakeMesh()
        let customer = customer
        mesh.answerUpload(DocumentMessages.upload) { request, attachment in
            received.withLock { $0 = (request, attachment) }
            return DocumentRecord(id: DocumentID(), customerId: customer, filename: request.filename, contentType: "application/pdf",
                                  sizeBytes: Int64(attachment?.count ?? 0), sha256: String(repeating: "0", count: 64), uploadedAt: Date())
        }
        return mesh
    }

    private func send(_ harness: GatewayHarness, _ path: String, body: [UInt8], contentType: String,
                      as role: Role = .owner) async throws -> GatewayHarness.Reply {
        let app = Application(router: harness.routes.router)
        return try await app.test(.router) { client in
            try await client.execute(uri: path, method: .post,
                                     headers: [.authorization: "Bearer \(FakeMesh.token(role))", .contentType: contentType],
                                     body: ByteBuffer(bytes: body)) { response in
                GatewayHarness.Reply(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
            }
        }
    }

    func testARawUploadGoesAsTheAttachmentFrameWithItsName() async throws {
        let received = Locked<(UploadDocument, [UInt8]?)?>(nil)
        let harness = try GatewayHarness(mesh: mesh(received: received))
        let reply = try await send(harness, "/api/v1/customers/\(customer)/documents?filename=contract%20final.pdf",
                                   body: TestFiles.pdf, contentType: "application/pdf")
        XCTAssertEqual(reply.status, 201, reply.body)
        let (request, bytes) = try XCTUnwrap(received.withLock { $0 })
        XCTAssertEqual(request, UploadDocument(customerId: customer, filename: "contract final.pdf"))
        XCTAssertEqual(bytes, TestFiles.pdf)
        let unnamed = try await send(harness, "/api/v1/customers/\(customer)/documents", body: TestFiles.pdf, contentType: "application/pdf")
        XCTAssertEqual(unnamed.status, 201)
        XCTAssertEqual(received.withLock { $0?.0.filename }, "document", "no name: the bytes say what it is")
    }

    func testAMultipartUploadTakesTheFilePartAndItsName() async throws {
        let received = Locked<(UploadDocument, [UInt8]?)?>(nil)
        let harness = try GatewayHarness(mesh: mesh(received: received))
        let boundary = "----ar-test-boundary"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom the portal\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += TestFiles.png
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        let reply = try await send(harness, "/api/v1/customers/\(customer)/documents", body: body,
                                   contentType: "multipart/form-data; boundary=\(boundary)")
        XCTAssertEqual(reply.status, 201, reply.body)
        let (request, bytes) = try XCTUnwrap(received.withLock { $0 })
        XCTAssertEqual(request.filename, "scan.png")
        XCTAssertEqual(bytes, TestFiles.png)
        let broken = try await send(harness, "/api/v1/customers/\(customer)/documents", body: Array("not multipart".utf8),
                                    contentType: "multipart/form-data; boundary=\(boundary)")
        XCTAssertEqual(broken.status, 400)
    }

    func testElevenMegabytesAre413AndNoServiceHearsOfThem() async throws {
        let received = Locked<(UploadDocument, [UInt8]?)?>(nil)
        let mesh = mesh(received: received)
        let harness = try GatewayHarness(mesh: mesh)
        let big = TestFiles.pdf + [UInt8](repeating: 0x20, count: 11 * 1024 * 1024)
        let reply = try await send(harness, "/api/v1/customers/\(customer)/documents?filename=big.pdf", body: big,
                                   contentType: "application/pdf")
        XCTAssertEqual(reply.status, 413, reply.body)
        XCTAssertEqual(reply.error.code, "payload_too_large")
        XCTAssertEqual(mesh.sent(DocumentMessages.upload.type).count, 0)
        let small = try GatewayHarness(mesh: mesh, environment: ["AR_DOCUMENT_MAX_BYTES": "50"])
        let over = try await send(small, "/api/v1/customers/\(customer)/documents?filename=a.pdf", body: TestFiles.pdf,
                                  contentType: "application/pdf")
        XCTAssertEqual(over.status, 413, "the limit is configurable")
    }

    func testAViewerMayDownloadButNotUpload() async throws {
        let received = Locked<(UploadDocument, [UInt8]?)?>(nil)
        let harness = try GatewayHarness(mesh: mesh(received: received))
        let reply = try await send(harness, "/api/v1/customers/\(customer)/documents?filename=a.pdf", body: TestFiles.pdf,
                                   contentType: "application/pdf", as: .viewer)
        XCTAssertEqual(reply.status, 403)
        XCTAssertNil(received.withLock { $0 })
    }

    func testADownloadIsAnAttachmentOfItsTypeWithANameThatCannotBreakItsHeader() async throws {
        let mesh = FakeMesh()
        let stored = record(#"Statement; "final" Grüße.pdf"#)
        mesh.answerWithFile(DocumentMessages.download) { _ in (stored, TestFiles.pdf) }
        let harness = try GatewayHarness(mesh: mesh)
        let reply = try await harness.request(.get, "/api/v1/documents/\(stored.id)", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.headers[.contentType], "application/pdf")
        XCTAssertEqual(reply.headers[.contentDisposition],
                       #"attachment; filename="Statement_ _final_ Gr__e.pdf"; filename*=UTF-8''Statement%3B%20%22final%22%20Gr%C3%BC%C3%9Fe.pdf"#)
        XCTAssertEqual(Array(reply.body.utf8), TestFiles.pdf)
        XCTAssertEqual(reply.headers[.init("X-Content-Type-Options")!], "nosniff")
    }
}

final class TransferSlotsTests: XCTestCase {
    func testSlotsRefuseBeyondTheirLimitAndComeBackWhenReleased() throws {
        let slots = TransferSlots(limit: 2)
        try slots.acquire()
        try slots.acquire()
        XCTAssertThrowsError(try slots.acquire()) { XCTAssertEqual(($0 as? ErrorBody)?.code, .unavailable) }
        slots.release()
        XCTAssertNoThrow(try slots.acquire())
    }
}
