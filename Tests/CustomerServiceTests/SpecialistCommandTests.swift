import Contracts
@testable import CustomerService
import Foundation
import Messaging
import Postgres
import TestSupport
import XCTest

/// AR specialist assignment through customer-service's real handlers on a real PostgreSQL
/// schema, with the users it keeps from `user.upserted` applied by its own subscription.
final class SpecialistCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try CustomerService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    @discardableResult
    private func user(_ name: String, _ role: Role = .specialist, id: UserID = UserID(), isDefault: Bool = false,
                      active: Bool = true) throws -> UserRecord {
        let user = UserRecord(id: id, name: name, email: "\(name.split(separator: " ")[0].lowercased())@ar.example", role: role,
                              manageAllCustomers: false, isDefaultSpecialist: isDefault, active: active, createdAt: Date())
        try harness.apply(IdentityMessages.userUpserted, user, from: .gateway)
        return user
    }

    private func customer(_ name: String, specialist: UserID? = nil) async throws -> CustomerRecord {
        try await harness.client.command(CustomerMessages.create,
                                         CreateCustomer(customer: CustomerFields(displayName: name), specialistId: specialist), actor: dana)
    }


    func testANewCustomerGetsTheDefaultSpecialistAndTheProfileNamesThem() async throws {
        let sam = try user("Sam Lee", isDefault: true)
        let acme = try await customer("Acme")
        XCTAssertEqual(acme.specialistId, sam.id)
        let profile = try await harness.client.query(CustomerMessages.profile, GetCustomer(id: acme.id))
        XCTAssertEqual(profile.specialist, SpecialistReference(id: sam.id, name: "Sam Lee", email: "sam@ar.example", isActive: true))

        // Marking another user the default unmarks the first (the gateway publishes only the one marked).
        let pat = try user("Pat Kim", .manager, isDefault: true)
        let globex = try await customer("Globex")
        XCTAssertEqual(globex.specialistId, pat.id)
        let defaults = try harness.connection().query("SELECT count(*) FROM users WHERE is_default_specialist").single(Int.self)
        XCTAssertEqual(defaults, 1)

        // A default who is deactivated is no default.
        try user("Pat Kim", .manager, id: pat.id, isDefault: true, active: false)
        let initech = try await customer("Initech")
        XCTAssertNil(initech.specialistId)
    }

    func testAssigningAnnouncesTheChangeWithBothNamesAndARepeatChangesNothing() async throws {
        let sam = try user("Sam Lee"), pat = try user("Pat Kim")
        let acme = try await customer("Acme", specialist: sam.id)
        let assigned = try await harness.client.command(SpecialistMessages.assign, AssignSpecialist(customerId: acme.id, userId: pat.id),
                                                        actor: dana)
        XCTAssertEqual(assigned.specialistId, pat.id)
        _ = try await harness.client.command(SpecialistMessages.assign, AssignSpecialist(customerId: acme.id, userId: pat.id), actor: dana)
        let events = try harness.published(SpecialistMessages.assigned)
        XCTAssertEqual(events, [SpecialistAssigned(
            customerId: acme.id, customerName: "Acme",
            from: SpecialistReference(id: sam.id, name: "Sam Lee", email: "sam@ar.example", isActive: true),
            to: SpecialistReference(id: pat.id, name: "Pat Kim", email: "pat@ar.example", isActive: true))])
    }

    func testOnlyAnActiveUserWhoIsNotAViewerCanBeAssigned() async throws {
        let acme = try await customer("Acme")
        let viewer = try user("Vic Viewer", .viewer)
        let gone = try user("Gone Girl", active: false)
        for (userId, message) in [(viewer.id, "Vic Viewer is a viewer and cannot be an AR specialist"),
                                  (gone.id, "Gone Girl is deactivated and cannot be assigned"),
                                  (UserID(), "user_id does not name a user")] {
            let error = await refusal {
                try await harness.client.command(SpecialistMessages.assign, AssignSpecialist(customerId: acme.id, userId: userId),
                                                 actor: dana)
            }
            XCTAssertEqual(error?.code, .failedPrecondition)
            XCTAssertEqual(error?.message, message)
            XCTAssertEqual(error?.details.keys.sorted(), ["user_id"])
        }
        let missing = await refusal {
            try await harness.client.command(SpecialistMessages.assign, AssignSpecialist(customerId: CustomerID(), userId: gone.id),
                                             actor: dana)
        }
        XCTAssertEqual(missing?.code, .notFound)
        XCTAssertEqual(try harness.published(SpecialistMessages.assigned).count, 0)
    }

    func testABulkAssignmentWithOneUnknownCustomerChangesNothing() async throws {
        let sam = try user("Sam Lee"), pat = try user("Pat Kim")
        let acme = try await customer("Acme", specialist: sam.id)
        let globex = try await customer("Globex", specialist: sam.id)
        let unknown = CustomerID()
        let error = await refusal {
            try await harness.client.command(SpecialistMessages.bulkAssign,
                                             BulkAssignSpecialist(customerIds: [acme.id, unknown, globex.id], userId: pat.id), actor: dana)
        }
        XCTAssertEqual(error?.code, .failedPrecondition)
        XCTAssertEqual(error?.details.keys.sorted(), ["customer_ids"])
        XCTAssertTrue(error?.message.contains(unknown.description) == true, error?.message ?? "")
        let still = try harness.connection().query("SELECT count(*) FROM customers WHERE specialist_id = \(sam.id)").single(Int.self)
        XCTAssertEqual(still, 2)
        XCTAssertEqual(try harness.published(SpecialistMessages.assigned).count, 0)

        let twice = await refusal {
            try await harness.client.command(SpecialistMessages.bulkAssign,
                                             BulkAssignSpecialist(customerIds: [acme.id, acme.id], userId: pat.id), actor: dana)
        }
        XCTAssertEqual(twice?.code, .invalidArgument)
    }

    func testABulkAssignmentMovesEveryCustomerAndAnnouncesOnlyRealChanges() async throws {
        let sam = try user("Sam Lee"), pat = try user("Pat Kim")
        let acme = try await customer("Acme", specialist: sam.id)
        let globex = try await customer("Globex", specialist: pat.id)
        let initech = try await customer("Initech")
        let result = try await harness.client.command(
            SpecialistMessages.bulkAssign, BulkAssignSpecialist(customerIds: [acme.id, globex.id, initech.id], userId: pat.id), actor: dana)
        XCTAssertEqual(result.customerIds, [acme.id, globex.id, initech.id])
        XCTAssertEqual(Set(result.changedIds), [acme.id, initech.id])
        let events = try harness.published(SpecialistMessages.assigned)
        XCTAssertEqual(Set(events.map(\.customerId)), [acme.id, initech.id])
        XCTAssertEqual(events.first { $0.customerId == initech.id }?.from, nil)

        // Pat now sees all three, and only those, in the list, its search, and one by one.
        let mine = try await harness.client.query(CustomerMessages.list, ListCustomers(assignedTo: pat.id))
        XCTAssertEqual(Set(mine.items.map(\.record.id)), [acme.id, globex.id, initech.id])
        XCTAssertEqual(mine.total, 3)
        let theirs = try await harness.client.query(CustomerMessages.list, ListCustomers(assignedTo: sam.id))
        XCTAssertEqual(theirs.total, 0)
        let searched = try await harness.client.query(CustomerMessages.list, ListCustomers(query: "acme", assignedTo: sam.id))
        XCTAssertEqual(searched.items, [])
        let hidden = await refusal { try await harness.client.query(CustomerMessages.profile, GetCustomer(id: acme.id, assignedTo: sam.id)) }
        XCTAssertEqual(hidden?.code, .notFound)
    }
}
