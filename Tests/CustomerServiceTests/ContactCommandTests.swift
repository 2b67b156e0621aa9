import Contracts
@testable import CustomerService
import Foundation
import Messaging
import Postgres
import TestSupport
import XCTest

/// Billing contacts through customer-service's real handlers on a real PostgreSQL schema:
/// what each command refuses (and that a refusal changes nothing), merges, scope, events.
final class ContactCommandTests: XCTestCase {
    private var harness: ServiceHarness!
    private let dana = Actor.person("Dana Reyes")

    override func setUp() async throws {
        harness = try ServiceHarness(try CustomerService.definition())
    }

    override func tearDown() async throws {
        harness?.shutdown()
    }

    private func customer(_ name: String = "Acme", specialist: UserID? = nil) async throws -> CustomerRecord {
        try await harness.client.command(CustomerMessages.create,
                                         CreateCustomer(customer: CustomerFields(displayName: name), specialistId: specialist), actor: dana)
    }

    private func contact(_ customer: CustomerID, _ fields: ContactFields) async throws -> ContactRecord {
        try await harness.client.command(ContactMessages.create, CreateContact(customerId: customer, contact: fields), actor: dana)
    }


    private func contactRows() throws -> Int {
        try harness.connection().query("SELECT count(*) FROM contacts").single(Int.self)
    }

    func testCreatingAContactRefusesEachBadFieldByNameAndStoresNothing() async throws {
        let acme = try await customer()
        let cases: [(ContactFields, String, ErrorCode)] = [
            (ContactFields(firstName: "  "), "first_name", .invalidArgument),
            (ContactFields(firstName: "Pat", email: "pat-at-acme"), "email", .invalidArgument),
            (ContactFields(firstName: "Pat", phone: "call me"), "phone", .invalidArgument),
            (ContactFields(firstName: "Pat", mobile: "12"), "mobile", .invalidArgument),
            (ContactFields(firstName: String(repeating: "P", count: TextLimit.name + 1)), "first_name", .invalidArgument),
        ]
        for (fields, field, code) in cases {
            let error = await refusal { try await contact(acme.id, fields) }
            XCTAssertEqual(error?.code, code, "\(fields)")
            XCTAssertEqual(error?.details.keys.sorted(), [field], "\(fields)")
        }
        let unknownCustomer = await refusal { try await contact(CustomerID(), ContactFields(firstName: "Pat")) }
        XCTAssertEqual(unknownCustomer?.code, .notFound)
        XCTAssertEqual(try contactRows(), 0)
        XCTAssertEqual(try harness.published(ContactMessages.created).count, 0)
    }

    func testARoleThatIsNotOneOfTheThreeIsRefusedByName() async throws {
        let acme = try await customer()
        let pat = try await contact(acme.id, ContactFields(firstName: "Pat"))
        let error = await refusal {
            try await harness.client.command(ContactMessages.update, UpdateContact(id: pat.id, changes: ["role": .string("boss")]), actor: dana)
        }
        XCTAssertEqual(error?.code, .invalidArgument)
        XCTAssertEqual(error?.details.keys.sorted(), ["role"])
    }

    func testAContactIsCreatedTrimmedWithDefaultsAndAnnounced() async throws {
        let acme = try await customer()
        let pat = try await contact(acme.id, ContactFields(firstName: " Pat ", lastName: " Payer", email: " pat@acme.example ",
                                                           phone: "+1 (555) 010-0100 ext. 7"))
        XCTAssertEqual(pat.fullName, "Pat Payer")
        XCTAssertEqual(pat.email, "pat@acme.example")
        XCTAssertEqual(pat.role, .billing)
        XCTAssertEqual([pat.emailOptOut, pat.smsOptOut, pat.callOptOut, pat.isActive], [false, false, false, true])
        XCTAssertEqual(try harness.published(ContactMessages.created).map(\.contact), [pat])
        let listed = try await harness.client.query(ContactMessages.list, ListContacts(customerId: acme.id))
        XCTAssertEqual(listed.items, [pat])
    }

    func testAPatchChangesOnlyWhatItNamesAndRefusesTheRest() async throws {
        let acme = try await customer()
        let pat = try await contact(acme.id, ContactFields(firstName: "Pat", lastName: "Payer", email: "pat@acme.example"))
        for (changes, field) in [(["nickname": JSONValue.string("P")], "nickname"), (["first_name": .null], "first_name"),
                                 (["email": .string("nope")], "email"), (["sms_opt_out": .string("yes")], "sms_opt_out")] {
            let error = await refusal {
                try await harness.client.command(ContactMessages.update, UpdateContact(id: pat.id, changes: changes), actor: dana)
            }
            XCTAssertEqual(error?.code, .invalidArgument, "\(changes)")
            XCTAssertEqual(error?.details.keys.sorted(), [field], "\(changes)")
        }
        let changed = try await harness.client.command(
            ContactMessages.update, UpdateContact(id: pat.id, changes: ["phone": .string("+1 555 0100"), "last_name": .null,
                                                                        "sms_opt_out": .bool(true)]), actor: dana)
        XCTAssertEqual(changed.phone, "+1 555 0100")
        XCTAssertNil(changed.lastName)
        XCTAssertTrue(changed.smsOptOut)
        XCTAssertEqual(changed.email, "pat@acme.example")
        let events = try harness.published(ContactMessages.updated)
        XCTAssertEqual(events.count, 1, "the refusals published nothing")
        XCTAssertEqual(events.first?.changes.map(\.field), ["last_name", "phone", "sms_opt_out"])
    }

    func testDeactivatingTwiceAnnouncesOnceAndTheContactStaysListed() async throws {
        let acme = try await customer()
        let pat = try await contact(acme.id, ContactFields(firstName: "Pat"))
        let off = try await harness.client.command(ContactMessages.deactivate, GetContact(id: pat.id), actor: dana)
        XCTAssertFalse(off.isActive)
        _ = try await harness.client.command(ContactMessages.deactivate, GetContact(id: pat.id), actor: dana)
        XCTAssertEqual(try harness.published(ContactMessages.deactivated).count, 1)
        let listed = try await harness.client.query(ContactMessages.list, ListContacts(customerId: acme.id))
        XCTAssertEqual(listed.items.map(\.isActive), [false])
        let on = try await harness.client.command(ContactMessages.reactivate, GetContact(id: pat.id), actor: dana)
        XCTAssertTrue(on.isActive)
    }

    /// The case: three contacts, the email taken from the second.
    func testMergingThreeContactsKeepsOneWithTheChosenFieldsAndAnnouncesBothMergedIds() async throws {
        let acme = try await customer()
        let first = try await contact(acme.id, ContactFields(firstName: "Pat", lastName: "Payer", email: "old@acme.example",
                                                             phone: "+1 555 0100", role: .primary))
        let second = try await contact(acme.id, ContactFields(firstName: "Patricia", email: "pat@acme.example", smsOptOut: true))
        let third = try await contact(acme.id, ContactFields(firstName: "P.", lastName: "Payer", title: "AP lead",
                                                             mobile: "+1 555 0199"))
        let master = try await harness.client.command(ContactMessages.merge, MergeContacts(
            masterId: first.id, mergeIds: [second.id, third.id],
            fields: ["email": second.id, "title": third.id, "mobile": third.id]), actor: dana)

        XCTAssertEqual(master.id, first.id)
        XCTAssertEqual(master.fullName, "Pat Payer")
        XCTAssertEqual(master.email, "pat@acme.example", "taken from the second")
        XCTAssertEqual(master.title, "AP lead")
        XCTAssertEqual(master.mobile, "+1 555 0199")
        XCTAssertEqual(master.phone, "+1 555 0100", "not named: the master's own")
        XCTAssertEqual(master.role, .primary)
        XCTAssertTrue(master.smsOptOut, "an opt-out of any merged contact is kept")
        let listed = try await harness.client.query(ContactMessages.list, ListContacts(customerId: acme.id))
        XCTAssertEqual(listed.items, [master], "merged contacts leave the list")
        let gone = await refusal { try await harness.client.query(ContactMessages.get, GetContact(id: second.id)) }
        XCTAssertEqual(gone?.code, .notFound)
        let profile = try await harness.client.query(CustomerMessages.profile, GetCustomer(id: acme.id))
        XCTAssertEqual(profile.contacts, [master])

        let events = try harness.published(ContactMessages.merged)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.masterId, first.id)
        XCTAssertEqual(events.first?.mergedIds, [second.id, third.id])
        XCTAssertEqual(events.first?.mergedNames, ["Patricia", "P. Payer"])
        XCTAssertEqual(events.first?.changes.map(\.field), ["title", "email", "mobile", "sms_opt_out"])
        let merged = try harness.connection().query("""
            SELECT count(*) FROM contacts WHERE merged_into = \(first.id) AND merged_at IS NOT NULL AND NOT is_active
            """).single(Int.self)
        XCTAssertEqual(merged, 2)
    }

    func testAMergeThatCannotBeDoneAsAskedIsRefusedAndChangesNothing() async throws {
        let acme = try await customer()
        let globex = try await customer("Globex")
        let pat = try await contact(acme.id, ContactFields(firstName: "Pat"))
        let sam = try await contact(acme.id, ContactFields(firstName: "Sam"))
        let lee = try await contact(acme.id, ContactFields(firstName: "Lee"))
        let other = try await contact(globex.id, ContactFields(firstName: "Olga"))
        _ = try await harness.client.command(ContactMessages.merge, MergeContacts(masterId: pat.id, mergeIds: [lee.id]), actor: dana)

        let cases: [(MergeContacts, ErrorCode, String?)] = [
            (MergeContacts(masterId: pat.id, mergeIds: []), .invalidArgument, "merge_ids"),
            (MergeContacts(masterId: pat.id, mergeIds: [pat.id]), .failedPrecondition, "merge_ids"),
            (MergeContacts(masterId: pat.id, mergeIds: [sam.id, sam.id]), .invalidArgument, "merge_ids"),
            (MergeContacts(masterId: pat.id, mergeIds: [sam.id], fields: ["nickname": sam.id]), .invalidArgument, "fields.nickname"),
            (MergeContacts(masterId: pat.id, mergeIds: [sam.id], fields: ["email": other.id]), .failedPrecondition, "fields.email"),
            (MergeContacts(masterId: pat.id, mergeIds: [other.id]), .failedPrecondition, "merge_ids"),
            (MergeContacts(masterId: pat.id, mergeIds: [lee.id]), .failedPrecondition, "merge_ids"),
            (MergeContacts(masterId: lee.id, mergeIds: [sam.id]), .notFound, nil),
            (MergeContacts(masterId: ContactID(), mergeIds: [sam.id]), .notFound, nil),
        ]
        for (request, code, field) in cases {
            let error = await refusal { try await harness.client.command(ContactMessages.merge, request, actor: dana) }
            XCTAssertEqual(error?.code, code, "\(request)")
            XCTAssertEqual(error?.details.keys.sorted(), field.map { [$0] } ?? [], "\(request)")
        }
        let listed = try await harness.client.query(ContactMessages.list, ListContacts(customerId: acme.id))
        XCTAssertEqual(Set(listed.items.map(\.id)), [pat.id, sam.id])
        XCTAssertEqual(try harness.published(ContactMessages.merged).count, 1, "only the first, good merge")
    }

    func testASpecialistReachesOnlyTheContactsOfTheirOwnCustomers() async throws {
        let mine = UserID(), theirs = UserID()
        let acme = try await customer("Acme", specialist: mine)
        let pat = try await contact(acme.id, ContactFields(firstName: "Pat"))
        let sam = try await contact(acme.id, ContactFields(firstName: "Sam"))
        let other = await refusal {
            try await harness.client.command(ContactMessages.create,
                                             CreateContact(customerId: acme.id, contact: ContactFields(firstName: "X"), assignedTo: theirs),
                                             actor: dana)
        }
        XCTAssertEqual(other?.code, .notFound)
        for call in [
            { _ = try await self.harness.client.query(ContactMessages.get, GetContact(id: pat.id, assignedTo: theirs)) },
            { _ = try await self.harness.client.query(ContactMessages.list, ListContacts(customerId: acme.id, assignedTo: theirs)) },
            { _ = try await self.harness.client.command(ContactMessages.update,
                                                        UpdateContact(id: pat.id, changes: ["title": .string("x")], assignedTo: theirs),
                                                        actor: self.dana) },
            { _ = try await self.harness.client.command(ContactMessages.deactivate, GetContact(id: pat.id, assignedTo: theirs),
                                                        actor: self.dana) },
            { _ = try await self.harness.client.command(ContactMessages.merge,
                                                        MergeContacts(masterId: pat.id, mergeIds: [sam.id], assignedTo: theirs),
                                                        actor: self.dana) },
        ] as [() async throws -> Void] {
            let error = await refusal(call)
            XCTAssertEqual(error?.code, .notFound)
        }
        let fetched = try await harness.client.query(ContactMessages.get, GetContact(id: pat.id, assignedTo: mine))
        XCTAssertEqual(fetched, pat)
    }
}
