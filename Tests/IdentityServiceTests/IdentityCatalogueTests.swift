import Contracts
import ServiceKit
import Foundation
import XCTest
@testable import IdentityService

final class IdentityCatalogueTests: XCTestCase {
    func testHandlersAreExactlyTheCatalogue() throws {
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        let definition = try IdentityService.definition(environment: Environment([SecretKeyFile.gatewayData.variable: key]))
        XCTAssertEqual(Set(definition.handlers.registered.keys), Set(IdentityMessages.catalogue.requests.map(\.type)))
    }

    /// Replies that carry a secret are never kept for retries, so the idempotency table
    /// never holds a session token, an API token or a TOTP secret.
    func testRepliesCarryingSecretsAreNotKept() {
        XCTAssertFalse(IdentityMessages.login.keepsReply)
        XCTAssertFalse(IdentityMessages.createToken.keepsReply)
        XCTAssertFalse(IdentityMessages.startTOTP.keepsReply)
        XCTAssertTrue(IdentityMessages.createUser.keepsReply)
    }

    /// Every identity message is sent by people, through the gateway, and nobody else.
    func testOnlyTheGatewaySendsIdentityMessages() {
        for message in IdentityMessages.catalogue.requests {
            XCTAssertEqual(message.callers, .gateway, message.type)
        }
    }
}
