import Contracts
import Foundation
@testable import Gateway
import Hummingbird
import XCTest

/// The collection-status routes in-process: managers define them, a manager must be a user
/// who can act, everyone who reads customers sees them.
final class CollectionStatusRouteTests: XCTestCase {
    private func status(_ name: String, manager: UserID? = nil) -> CollectionStatus {
        CollectionStatus(id: CollectionStatusID(), name: name, position: 0, managerId: manager, isDefault: false, disputed: false,
                         createdAt: Date())
    }

    func testAManagerCreatesOneWithAManagerWhoCanActAndAViewerOnlyReads() async throws {
        let mesh = FakeMesh()
        let sam = SpecialistReference(id: UserID(), name: "Sam Lee")
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: [sam]) }
        mesh.answer(CollectionStatusMessages.create) { request, _ in
            CollectionStatus(id: CollectionStatusID(), name: request.name, position: 0, managerId: request.managerId,
                             isDefault: request.isDefault ?? false, disputed: request.disputed ?? false, createdAt: Date())
        }
        let disputed = status("Disputed")
        mesh.answer(CollectionStatusMessages.list) { _, _ in CollectionStatusList(items: [disputed]) }
        let harness = try GatewayHarness(mesh: mesh)
        let made = try await harness.request(.post, "/api/v1/collection-statuses",
                                             json: #"{"name": "Disputed", "manager_id": "\#(sam.id)", "disputed": true}"#,
                                             as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(made.status, 201, made.body)
        XCTAssertEqual(made.json["manager_id"] as? String, sam.id.description)
        XCTAssertEqual(mesh.lastBody(CollectionStatusMessages.create),
                       CreateCollectionStatus(name: "Disputed", managerId: sam.id, disputed: true))

        let stranger = try await harness.request(.post, "/api/v1/collection-statuses",
                                                 json: #"{"name": "Other", "manager_id": "\#(UserID())"}"#)
        XCTAssertEqual(stranger.status, 422)
        XCTAssertEqual(mesh.sent(CollectionStatusMessages.create.type).count, 1, "refused before invoice-service heard of it")

        let viewer = try await harness.request(.post, "/api/v1/collection-statuses", json: #"{"name": "Mine"}"#,
                                               as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 403)
        let listed = try await harness.request(.get, "/api/v1/collection-statuses", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual((listed.json["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["Disputed"])
    }

    func testChangesTravelByNameAndANewManagerIsChecked() async throws {
        let mesh = FakeMesh()
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: []) }
        let current = status("Promised")
        mesh.answer(CollectionStatusMessages.update) { _, _ in current }
        let harness = try GatewayHarness(mesh: mesh)
        let renamed = try await harness.request(.patch, "/api/v1/collection-statuses/\(current.id)",
                                                json: #"{"name": "Promised to pay", "position": 2, "manager_id": null}"#)
        XCTAssertEqual(renamed.status, 200, renamed.body)
        XCTAssertEqual(mesh.lastBody(CollectionStatusMessages.update)?.changes,
                       ["name": .string("Promised to pay"), "position": .number(2), "manager_id": .null])
        let unknownManager = try await harness.request(.patch, "/api/v1/collection-statuses/\(current.id)",
                                                       json: #"{"manager_id": "\#(UserID())"}"#)
        XCTAssertEqual(unknownManager.status, 422)
    }

    func testThePageLetsManagersChangeStatusesAndShowsViewersTheOrder() async throws {
        let mesh = FakeMesh()
        let disputed = CollectionStatus(id: CollectionStatusID(), name: "Disputed <b>", position: 0, managerId: nil, isDefault: true,
                                        disputed: true, createdAt: Date())
        mesh.answer(CollectionStatusMessages.list) { _, _ in CollectionStatusList(items: [disputed]) }
        mesh.answer(SpecialistMessages.candidates) { _, _ in SpecialistList(items: [SpecialistReference(id: UserID(), name: "Sam Lee")]) }
        let harness = try GatewayHarness(mesh: mesh)
        let manager = try await harness.request(.get, "/collection-statuses", as: .bearer(FakeMesh.token(.manager)))
        XCTAssertEqual(manager.status, 200)
        XCTAssertTrue(manager.body.contains(#"data-api="/api/v1/collection-statuses/\#(disputed.id)" data-method="PATCH""#))
        XCTAssertTrue(manager.body.contains(#"value="Disputed &lt;b&gt;""#), "escaped")
        XCTAssertTrue(manager.body.contains(">Sam Lee</option>"))
        let viewer = try await harness.request(.get, "/collection-statuses", as: .bearer(FakeMesh.token(.viewer)))
        XCTAssertEqual(viewer.status, 200)
        XCTAssertFalse(viewer.body.contains("data-api="))
        XCTAssertTrue(viewer.body.contains("<td>Disputed &lt;b&gt;</td>"))
    }
}
