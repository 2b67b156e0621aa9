import Contracts
import Foundation
import Messaging
import TestSupport
import XCTest
import ZMQ

/// A file's bytes travel as a frame of their own, both ways, over real sockets: beyond the
/// usual message limit only where a server and client are set to take it, fingerprinted
/// with the request for idempotency, and never in a command's reply.
final class AttachmentTests: XCTestCase {
    private var fixture: MessagingFixture!
    private var server: CommandServer!
    private var client: CommandClient!
    private static let larger: Int64 = 12 * 1024 * 1024

    override func setUpWithError() throws {
        fixture = try MessagingFixture()
        server = try fixture.startServer(maximumMessageBytes: Self.larger)
        client = try CommandClient(context: fixture.context, service: "test", endpoint: server.endpoint,
                                   maximumMessageBytes: Self.larger)
    }

    override func tearDown() {
        client?.shutdown()
        server?.stop()
        fixture?.context.terminate()
    }

    func testNineMegabytesGoUpAndComeBackAsTheirOwnFrame() async throws {
        let nine = 9 * 1024 * 1024
        let seen = try await client.command(MessagingFixture.Messages.upload, MessagingFixture.Echo(text: "contract.pdf"),
                                            attachment: [UInt8](repeating: 42, count: nine), timeout: .seconds(10))
        XCTAssertEqual(seen, MessagingFixture.FileSeen(bytes: nine, first: 42))
        let (reply, bytes) = try await client.queryWithAttachment(MessagingFixture.Messages.download,
                                                                  MessagingFixture.FileSeen(bytes: nine, first: 7), timeout: .seconds(10))
        XCTAssertEqual(reply.bytes, nine)
        XCTAssertEqual(bytes.count, nine)
        XCTAssertEqual(bytes.first, 7)
        let plain = try await client.command(MessagingFixture.Messages.upload, MessagingFixture.Echo(text: "none"))
        XCTAssertEqual(plain.bytes, -1, "no attachment, two frames")
    }

    func testTheSameKeyWithAnotherFileIsAConflict() async throws {
        let key = "upload-\(UUID())"
        let first = try await client.command(MessagingFixture.Messages.upload, MessagingFixture.Echo(text: "a"),
                                             attachment: [1, 2, 3], idempotencyKey: key)
        let again = try await client.command(MessagingFixture.Messages.upload, MessagingFixture.Echo(text: "a"),
                                             attachment: [1, 2, 3], idempotencyKey: key)
        XCTAssertEqual(first, again)
        do {
            _ = try await client.command(MessagingFixture.Messages.upload, MessagingFixture.Echo(text: "a"),
                                         attachment: [9, 9, 9], idempotencyKey: key)
            XCTFail("another file under the same key was taken")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .conflict)
        }
    }

    func testACommandCannotReplyWithAFile() async throws {
        do {
            _ = try await client.command(MessagingFixture.Messages.badDownload, MessagingFixture.Echo(text: "x"))
            XCTFail("a command replied with an attachment")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .internal)
        }
    }

    func testAServerWithTheUsualLimitDropsALargerFileAndKeepsServing() async throws {
        let usual = try fixture.startServer()
        defer { usual.stop() }
        let small = try CommandClient(context: fixture.context, service: "test", endpoint: usual.endpoint, maximumMessageBytes: Self.larger)
        defer { small.shutdown() }
        do {
            _ = try await small.command(MessagingFixture.Messages.upload, MessagingFixture.Echo(text: "big"),
                                        attachment: [UInt8](repeating: 1, count: 9 * 1024 * 1024), timeout: .milliseconds(800))
            XCTFail("an oversized message was taken")
        } catch let error as ErrorBody {
            XCTAssertEqual(error.code, .unavailable)
        }
        let echoed = try await small.query(MessagingFixture.Messages.echo, MessagingFixture.Echo(text: "still here"),
                                           timeout: .seconds(5))
        XCTAssertEqual(echoed.text, "still here")
    }
}
