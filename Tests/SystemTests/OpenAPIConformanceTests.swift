import Contracts
import Foundation
import HummingbirdOTP
import Postgres
import PostgresContracts
import XCTest

/// docs/openapi.json against the running system: every documented operation is driven to
/// its documented success, and the body it answers is checked against that response's
/// schema in full (`JSONSchemaValidator`) — types, required members, formats, patterns,
/// enums. An operation documented without a scenario here fails the test, as does one
/// answering anything but its documented success. (Generated requests, failures included,
/// are ContractFuzzTests' part.)
final class OpenAPIConformanceTests: XCTestCase {
    private var system: RunningSystem!
    private var document: [String: Any] = [:]
    private var checked: [String: Int] = [:]

    override func setUp() async throws {
        let data = try Data(contentsOf: RunningSystem.repositoryRoot.appendingPathComponent("docs/openapi.json"))
        document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        system = try RunningSystem()
        try await system.startAll()
    }

    override func tearDown() async throws {
        system?.shutdown()
    }

    private var documented: Set<String> {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return Set(paths.flatMap { path, operations in
            operations.keys.filter { $0 != "parameters" }.map { "\($0.uppercased()) \(path)" }
        })
    }

    /// Calls `path` (an instance of `template`), requires a documented 2xx, checks the body
    /// against its schema, and returns the body as JSON (nil when the success has none).
    @discardableResult
    private func succeed(_ method: String, _ template: String, _ path: String? = nil, json: String? = nil,
                         raw: (Data, contentType: String)? = nil, as credentials: RunningSystem.Credentials = .owner,
                         line: UInt = #line) async throws -> [String: Any]? {
        let key = "\(method) \(template)"
        let (status, data, _) = try await system.exchange(method, path ?? template, json: json, raw: raw?.0,
                                                          headers: raw.map { ["Content-Type": $0.contentType] } ?? [:],
                                                          as: credentials)
        let operation = try XCTUnwrap((document["paths"] as? [String: [String: Any]])?[template]?[method.lowercased()] as? [String: Any],
                                      "\(key) is not documented", line: line)
        let responses = try XCTUnwrap(operation["responses"] as? [String: Any], line: line)
        let successes = responses.keys.filter { $0.hasPrefix("2") }
        XCTAssertTrue(successes.contains(String(status)),
                      "\(key) answered \(status), not its documented success \(successes): \(String(decoding: data, as: UTF8.self))",
                      line: line)
        checked[key] = status
        guard let schema = schema(of: responses[String(status)]) else {
            let media = Set((resolved(responses[String(status)])?["content"] as? [String: Any] ?? [:]).keys)
            if media.isEmpty {
                XCTAssertTrue(data.isEmpty, "\(key) \(status) has a body its document does not describe", line: line)
            } else {
                XCTAssertFalse(data.isEmpty, "\(key) \(status) answered no \(media.sorted())", line: line)
            }
            return nil
        }
        let value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        XCTAssertEqual(JSONSchemaValidator(document: document).problems(value, schema), [], "\(key) \(status)", line: line)
        return value as? [String: Any]
    }

    func testEveryDocumentedOperationSucceedsWithTheDocumentedBody() async throws {
        let health = try await succeed("GET", "/health")
        XCTAssertEqual(health?["status"] as? String, "ok")

        let customer = try await succeed("POST", "/api/v1/customers", json: """
            {"display_name": "Spec Co", "company": "Spec Company", "email": "ap@spec.example", "phone": "+1 555 0100",
             "billing_address": {"line1": "1 Main St", "city": "Springfield", "postal_code": "01101", "country": "US"},
             "shipping_same_as_billing": true, "currency": "usd", "payment_terms_days": 45, "notes": "Pays on Fridays"}
            """)
        let customerID = try XCTUnwrap(customer?["id"] as? String)
        let listed = try await succeed("GET", "/api/v1/customers",
                                       "/api/v1/customers?q=Spec&status=new&sort=-overdue_balance&limit=10")
        XCTAssertEqual(listed?["total"] as? Int, 1)
        try await succeed("GET", "/api/v1/customers/export.csv", "/api/v1/customers/export.csv?q=Spec&sort=name")
        try await succeed("GET", "/api/v1/customers/{id}", "/api/v1/customers/\(customerID)")
        let changed = try await succeed("PATCH", "/api/v1/customers/{id}", "/api/v1/customers/\(customerID)",
                                        json: #"{"phone": "+1 555 0199", "notes": null, "payment_terms_days": 60}"#)
        XCTAssertEqual(changed?["phone"] as? String, "+1 555 0199")
        XCTAssertNil(changed?["notes"], "cleared")
        let inactive = try await succeed("POST", "/api/v1/customers/{id}/deactivate", "/api/v1/customers/\(customerID)/deactivate")
        XCTAssertEqual(inactive?["is_deactivated"] as? Bool, true)
        let active = try await succeed("POST", "/api/v1/customers/{id}/reactivate", "/api/v1/customers/\(customerID)/reactivate")
        XCTAssertEqual(active?["is_deactivated"] as? Bool, false)
        let pat = try await succeed("POST", "/api/v1/customers/{id}/contacts", "/api/v1/customers/\(customerID)/contacts", json: """
            {"first_name": "Pat", "last_name": "Payer", "email": "pat@spec.example", "phone": "+1 555 0101", "role": "primary"}
            """)
        let patID = try XCTUnwrap(pat?["id"] as? String)
        let sam = try await succeed("POST", "/api/v1/customers/{id}/contacts", "/api/v1/customers/\(customerID)/contacts",
                                    json: #"{"first_name": "Sam", "title": "AP clerk", "sms_opt_out": true}"#)
        let samID = try XCTUnwrap(sam?["id"] as? String)
        try await succeed("GET", "/api/v1/contacts/{id}", "/api/v1/contacts/\(patID)")
        try await succeed("PATCH", "/api/v1/contacts/{id}", "/api/v1/contacts/\(samID)", json: #"{"mobile": "+1 555 0199", "title": null}"#)
        let off = try await succeed("POST", "/api/v1/contacts/{id}/deactivate", "/api/v1/contacts/\(samID)/deactivate")
        XCTAssertEqual(off?["is_active"] as? Bool, false)
        try await succeed("POST", "/api/v1/contacts/{id}/reactivate", "/api/v1/contacts/\(samID)/reactivate")
        let master = try await succeed("POST", "/api/v1/contacts/merge", json: """
            {"master_id": "\(patID)", "merge_ids": ["\(samID)"], "fields": {"mobile": "\(samID)"}}
            """)
        XCTAssertEqual(master?["mobile"] as? String, "+1 555 0199")
        XCTAssertEqual(master?["sms_opt_out"] as? Bool, true)
        let contacts = try await succeed("GET", "/api/v1/customers/{id}/contacts", "/api/v1/customers/\(customerID)/contacts")
        XCTAssertEqual((contacts?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [patID])
        // customer-service learns of a new user from `user.upserted`: assignable once it has.
        let collector = try system.json(try await system.http("POST", "/api/v1/users", json: """
            {"name": "Spec Collector", "email": "spec.collector@example.com", "password": "a long enough password", "role": "specialist"}
            """).body)
        let collectorID = try XCTUnwrap(collector["id"] as? String)
        let assignable = try await system.eventually {
            try await system.http("PUT", "/api/v1/customers/\(customerID)/specialist", json: #"{"user_id": "\#(collectorID)"}"#).status == 200
        }
        XCTAssertTrue(assignable, system.log("customer"))
        let assigned = try await succeed("PUT", "/api/v1/customers/{id}/specialist", "/api/v1/customers/\(customerID)/specialist",
                                         json: #"{"user_id": "\#(collectorID)"}"#)
        XCTAssertEqual(assigned?["specialist_id"] as? String, collectorID)
        let bulk = try await succeed("POST", "/api/v1/customers/bulk/specialist",
                                     json: #"{"customer_ids": ["\#(customerID)"], "user_id": "\#(collectorID)"}"#)
        XCTAssertEqual(bulk?["changed_ids"] as? [String], [], "it already had this specialist")
        let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
        let document = try await succeed("POST", "/api/v1/customers/{id}/documents",
                                         "/api/v1/customers/\(customerID)/documents?filename=terms.pdf",
                                         raw: (pdf, contentType: "application/pdf"))
        let documentID = try XCTUnwrap(document?["id"] as? String)
        try await succeed("GET", "/api/v1/customers/{id}/documents", "/api/v1/customers/\(customerID)/documents")
        let (_, downloaded, headers) = try await system.exchange("GET", "/api/v1/documents/\(documentID)")
        XCTAssertEqual(downloaded, pdf)
        XCTAssertEqual(headers["Content-Type"] ?? headers["content-type"], "application/pdf")
        try await succeed("GET", "/api/v1/documents/{id}", "/api/v1/documents/\(documentID)")
        let details = try await succeed("GET", "/api/v1/customers/{id}/details", "/api/v1/customers/\(customerID)/details")
        XCTAssertEqual(details?["unavailable"] as? [String], [])
        XCTAssertEqual((details?["specialist"] as? [String: Any])?["name"] as? String, "Spec Collector")

        let session = try await succeed("POST", "/api/v1/auth/login", json: """
            {"email": "\(RunningSystem.ownerEmail)", "password": "\(RunningSystem.ownerPassword)"}
            """, as: .anonymous)
        let sessionToken = try XCTUnwrap(session?["token"] as? String)
        try await succeed("GET", "/api/v1/me")

        let user = try await succeed("POST", "/api/v1/users", json: """
            {"name": "Spec Reader", "email": "spec.reader@example.com", "password": "a long enough password", "role": "viewer"}
            """)
        let userID = try XCTUnwrap(user?["id"] as? String)
        try await succeed("GET", "/api/v1/users")
        try await succeed("GET", "/api/v1/users/{id}", "/api/v1/users/\(userID)")
        try await succeed("PATCH", "/api/v1/users/{id}", "/api/v1/users/\(userID)", json: #"{"name": "Spec Renamed", "role": "manager"}"#)

        let token = try await succeed("POST", "/api/v1/api-tokens", json: #"{"name": "spec check", "role": "viewer"}"#)
        let tokenID = try XCTUnwrap((token?["record"] as? [String: Any])?["id"] as? String)
        try await succeed("GET", "/api/v1/api-tokens")
        try await succeed("DELETE", "/api/v1/api-tokens/{id}", "/api/v1/api-tokens/\(tokenID)")

        try await succeed("GET", "/api/v1/settings")
        let changedSettings = try await succeed("PATCH", "/api/v1/settings", json: """
            {"name": "Spec Business", "time_zone": "Europe/Berlin", "send_window": {"start": "09:00", "end": "17:30", "weekdays": [1, 2, 3]},
             "default_payment_settings": {"card_allowed": true, "ach_allowed": true, "ach_fee": {"basis_points": 0, "fixed_cents": 100, "cap_cents": null}, "autopay": false}}
            """)
        let paymentDefaults = changedSettings?["default_payment_settings"] as? [String: Any]
        XCTAssertEqual((paymentDefaults?["ach_fee"] as? [String: Any])?["fixed_cents"] as? Int, 100, "payments-service's defaults, changed")

        let enrollment = try await succeed("POST", "/api/v1/me/totp")
        let secret = try XCTUnwrap(enrollment?["secret"] as? String)
        try await succeed("POST", "/api/v1/me/totp/confirm", json: #"{"code": "\#(code(secret))"}"#)
        // Each code works once: turning it off takes the next step's code (within the drift window).
        try await succeed("DELETE", "/api/v1/me/totp", json: #"{"code": "\#(code(secret, in: 30))"}"#)

        try await succeed("DELETE", "/api/v1/documents/{id}", "/api/v1/documents/\(documentID)")
        let status = try await succeed("POST", "/api/v1/collection-statuses",
                                       json: #"{"name": "Spec Disputed", "manager_id": "\#(collectorID)", "disputed": true}"#)
        let statusID = try XCTUnwrap(status?["id"] as? String)
        try await succeed("GET", "/api/v1/collection-statuses")
        let moved = try await succeed("PATCH", "/api/v1/collection-statuses/{id}", "/api/v1/collection-statuses/\(statusID)",
                                      json: #"{"name": "Spec Dispute", "is_default": true, "manager_id": null}"#)
        XCTAssertEqual(moved?["is_default"] as? Bool, true)
        XCTAssertNil(moved?["manager_id"])
        let invoice = try await succeed("POST", "/api/v1/customers/{id}/invoices", "/api/v1/customers/\(customerID)/invoices", json: """
            {"issue_date": "2026-11-01", "po_number": "PO-7", "collection_status_id": "\(statusID)",
             "lines": [{"description": "Widgets", "quantity": 2.5, "unit_price_cents": 1999, "tax_rate_bps": 825},
                       {"description": "Setup", "quantity": 1, "unit_price_cents": 5000}]}
            """)
        let invoiceID = try XCTUnwrap(invoice?["id"] as? String)
        XCTAssertEqual(invoice?["total_cents"] as? Int, 10_410)
        XCTAssertEqual(invoice?["due_date"] as? String, "2026-12-31", "the issue date plus the customer's 60 days")
        try await succeed("GET", "/api/v1/invoices/{id}", "/api/v1/invoices/\(invoiceID)")
        let invoices = try await succeed("GET", "/api/v1/customers/{id}/invoices", "/api/v1/customers/\(customerID)/invoices?state=open&limit=5")
        XCTAssertEqual(invoices?["total"] as? Int, 1)
        let invoiced = try await succeed("GET", "/api/v1/customers/{id}/details", "/api/v1/customers/\(customerID)/details")
        XCTAssertEqual((invoiced?["totals"] as? [String: Any])?["open_cents"] as? Int, 10_410)
        let edited = try await succeed("PATCH", "/api/v1/invoices/{id}", "/api/v1/invoices/\(invoiceID)",
                                       json: #"{"memo": "Thanks", "lines": [{"description": "Widgets", "quantity": 3, "unit_price_cents": 1000}]}"#)
        XCTAssertEqual(edited?["total_cents"] as? Int, 3_000)
        try await succeed("GET", "/api/v1/invoices/{id}/pdf", "/api/v1/invoices/\(invoiceID)/pdf")
        try await succeed("GET", "/api/v1/customers/{id}/statement.pdf", "/api/v1/customers/\(customerID)/statement.pdf?from=2026-10-01&to=2026-11-30")
        let unset = try await succeed("PUT", "/api/v1/invoices/{id}/collection-status", "/api/v1/invoices/\(invoiceID)/collection-status",
                                      json: #"{"collection_status_id": null}"#)
        XCTAssertTrue(unset?["collection_status"] is NSNull)
        let payment = try await succeed("POST", "/api/v1/customers/{id}/payments", "/api/v1/customers/\(customerID)/payments", json: """
            {"amount_cents": 5000, "currency": "USD", "method": "check", "reference": "1042", "received_on": "2026-11-19",
             "applications": [{"invoice_id": "\(invoiceID)", "amount_cents": 1000}]}
            """)
        let paymentID = try XCTUnwrap(payment?["id"] as? String)
        XCTAssertEqual(payment?["unapplied_cents"] as? Int, 4_000)
        try await succeed("GET", "/api/v1/payments/{id}", "/api/v1/payments/\(paymentID)")
        let payments = try await succeed("GET", "/api/v1/customers/{id}/payments", "/api/v1/customers/\(customerID)/payments?limit=5")
        XCTAssertEqual(payments?["total"] as? Int, 1)
        let more = try await succeed("POST", "/api/v1/payments/{id}/applications", "/api/v1/payments/\(paymentID)/applications",
                                     json: #"{"invoice_id": "\#(invoiceID)", "amount_cents": 500}"#)
        for application in (more?["applications"] as? [[String: Any]] ?? []).compactMap({ $0["id"] as? String }) {
            try await succeed("DELETE", "/api/v1/payments/{id}/applications/{application_id}",
                              "/api/v1/payments/\(paymentID)/applications/\(application)")
        }
        let refunded = try await succeed("POST", "/api/v1/payments/{id}/refunds", "/api/v1/payments/\(paymentID)/refunds",
                                         json: #"{"amount_cents": 1000, "reason": "Overpaid"}"#)
        XCTAssertEqual(refunded?["unapplied_cents"] as? Int, 4_000)
        try await succeed("GET", "/api/v1/customers/{id}/payment-settings", "/api/v1/customers/\(customerID)/payment-settings")
        let own = try await succeed("PUT", "/api/v1/customers/{id}/payment-settings", "/api/v1/customers/\(customerID)/payment-settings",
                                    json: #"{"card_allowed": true, "ach_allowed": false, "card_fee": {"basis_points": 290, "fixed_cents": 30}, "autopay": true}"#)
        XCTAssertEqual(own?["is_customer_specific"] as? Bool, true)
        let reset = try await succeed("DELETE", "/api/v1/customers/{id}/payment-settings", "/api/v1/customers/\(customerID)/payment-settings")
        XCTAssertEqual(reset?["is_customer_specific"] as? Bool, false)
        try await succeed("GET", "/api/v1/payment-methods")
        let method = try await succeed("POST", "/api/v1/payment-methods", json: #"{"name": "Money order"}"#)
        XCTAssertEqual(method?["code"] as? String, "money_order")
        try await succeed("PATCH", "/api/v1/payment-methods/{id}", "/api/v1/payment-methods/money_order", json: #"{"active": false}"#)
        // The payment portal: a link, its page, a quote, a sandbox card payment and a payer's promise,
        // on an invoice of its own (the first is voided below).
        let owed = try await succeed("POST", "/api/v1/customers/{id}/invoices", "/api/v1/customers/\(customerID)/invoices", json: """
            {"issue_date": "2026-11-01", "collection_status_id": null, "lines": [{"description": "Support", "quantity": 1, "unit_price_cents": 20000}]}
            """)
        let owedID = try XCTUnwrap(owed?["id"] as? String)
        let link = try await succeed("POST", "/api/v1/customers/{id}/payment-link", "/api/v1/customers/\(customerID)/payment-link", json: "{}")
        let linkToken = try XCTUnwrap(link?["token"] as? String)
        XCTAssertEqual(link?["url"] as? String, "http://127.0.0.1:\(system.gatewayPort)/pay/\(linkToken)")
        let portal = try await succeed("GET", "/api/v1/portal/{token}", "/api/v1/portal/\(linkToken)", as: .anonymous)
        XCTAssertEqual((portal?["invoices"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.contains(owedID), true)
        let quote = try await succeed("GET", "/api/v1/portal/{token}/quote",
                                      "/api/v1/portal/\(linkToken)/quote?method=card&invoice_ids=\(owedID)&amount_cents=5000", as: .anonymous)
        XCTAssertEqual(quote?["amount_cents"] as? Int, 5_000)
        let portalPayment = try await succeed("POST", "/api/v1/portal/{token}/payments", "/api/v1/portal/\(linkToken)/payments", json: """
            {"invoice_ids": ["\(owedID)"], "amount_cents": 5000, "method": "card",
             "payment_details": {"card_number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2030, "cvc": "123", "name": "Pat Payer"}}
            """, as: .anonymous)
        XCTAssertEqual(portalPayment?["fee_cents"] as? Int, quote?["fee_cents"] as? Int)
        XCTAssertEqual(portalPayment?["source"] as? String, "portal")
        try await succeed("GET", "/api/v1/portal/{token}/invoices/{id}/pdf", "/api/v1/portal/\(linkToken)/invoices/\(owedID)/pdf", as: .anonymous)
        try await succeed("GET", "/api/v1/portal/{token}/statement.pdf", "/api/v1/portal/\(linkToken)/statement.pdf", as: .anonymous)
        let payerPromise = try await succeed("POST", "/api/v1/portal/{token}/promises", "/api/v1/portal/\(linkToken)/promises", json: """
            {"invoice_ids": ["\(owedID)"], "amount_cents": 5000, "promised_on": "\(BusinessDate.today(inTimeZone: "Europe/Berlin", at: Date()).adding(days: 7))"}
            """, as: .anonymous)
        XCTAssertEqual(payerPromise?["state"] as? String, "open")
        let payerPromiseID = try XCTUnwrap(payerPromise?["id"] as? String)
        try await succeed("GET", "/api/v1/promises/{id}", "/api/v1/promises/\(payerPromiseID)")
        let openPromises = try await succeed("GET", "/api/v1/customers/{id}/promises", "/api/v1/customers/\(customerID)/promises?state=open")
        XCTAssertEqual(openPromises?["total"] as? Int, 1)
        let cancelledPromise = try await succeed("POST", "/api/v1/promises/{id}/cancel", "/api/v1/promises/\(payerPromiseID)/cancel")
        XCTAssertEqual(cancelledPromise?["state"] as? String, "cancelled")
        let promise = try await succeed("POST", "/api/v1/customers/{id}/promises", "/api/v1/customers/\(customerID)/promises", json: """
            {"invoice_ids": ["\(owedID)"], "amount_cents": 2500, "promised_on": "\(BusinessDate.today(inTimeZone: "Europe/Berlin", at: Date()).adding(days: 14))",
             "note": "Check in the mail"}
            """)
        XCTAssertEqual(promise?["source"] as? String, "staff")
        let promiseReport = try await succeed("GET", "/api/v1/reports/promises")
        let tallies = (promiseReport?["items"] as? [[String: Any]])?.first
        XCTAssertEqual((tallies?["open"] as? [String: Any])?["count"] as? Int, 1)
        XCTAssertEqual((tallies?["cancelled"] as? [String: Any])?["count"] as? Int, 1)
        try await succeed("DELETE", "/api/v1/customers/{id}/payment-link", "/api/v1/customers/\(customerID)/payment-link")
        let closed = try await system.http("GET", "/api/v1/portal/\(linkToken)", as: .anonymous)
        XCTAssertEqual(closed.status, 404, "revoked: closed at once")

        // History: a note (changed within its window), a task for the owner completed and reopened, the timeline and its export.
        let note = try await succeed("POST", "/api/v1/customers/{id}/notes", "/api/v1/customers/\(customerID)/notes",
                                     json: #"{"body": "Called AP: they pay Friday", "invoice_id": "\#(owedID)"}"#)
        let noteID = try XCTUnwrap(note?["id"] as? String)
        let changedNote = try await succeed("PATCH", "/api/v1/notes/{id}", "/api/v1/notes/\(noteID)", json: #"{"body": "Called AP: Friday, by check"}"#)
        XCTAssertEqual(changedNote?["body"] as? String, "Called AP: Friday, by check")
        let readNote = try await succeed("GET", "/api/v1/notes/{id}", "/api/v1/notes/\(noteID)")
        XCTAssertEqual(readNote?["invoice_id"] as? String, owedID)
        let me = try system.json(try await system.http("GET", "/api/v1/me").body)
        let myID = try XCTUnwrap((me["user"] as? [String: Any])?["id"] as? String)
        let task = try await succeed("POST", "/api/v1/customers/{id}/tasks", "/api/v1/customers/\(customerID)/tasks",
                                     json: #"{"assignee_id": "\#(myID)", "title": "Call AP", "due_on": "2026-12-05"}"#)
        let taskID = try XCTUnwrap(task?["id"] as? String)
        let myTasks = try await succeed("GET", "/api/v1/tasks", "/api/v1/tasks?assignee_id=me&state=open")
        XCTAssertEqual((myTasks?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [taskID])
        let completed = try await succeed("POST", "/api/v1/tasks/{id}/complete", "/api/v1/tasks/\(taskID)/complete")
        XCTAssertEqual(completed?["state"] as? String, "completed")
        let reopened = try await succeed("POST", "/api/v1/tasks/{id}/reopen", "/api/v1/tasks/\(taskID)/reopen")
        XCTAssertEqual(reopened?["state"] as? String, "open")
        let noteTab = try await succeed("GET", "/api/v1/customers/{id}/history", "/api/v1/customers/\(customerID)/history?type=note&limit=5")
        XCTAssertEqual((noteTab?["items"] as? [[String: Any]])?.first?["summary"] as? String, "Called AP: Friday, by check")
        try await succeed("GET", "/api/v1/customers/{id}/history/export.csv", "/api/v1/customers/\(customerID)/history/export.csv")

        // The void waits for invoice-service to have taken the payments back.
        let settled = try await system.eventually {
            let (_, body) = try await system.http("GET", "/api/v1/invoices/\(invoiceID)")
            return try system.json(body)["paid_cents"] as? Int == 0
        }
        XCTAssertTrue(settled, system.log("invoice"))
        let voided = try await succeed("POST", "/api/v1/invoices/{id}/void", "/api/v1/invoices/\(invoiceID)/void",
                                       json: #"{"reason": "Billed twice"}"#)
        XCTAssertEqual(voided?["state"] as? String, "void")
        try await succeed("DELETE", "/api/v1/collection-statuses/{id}", "/api/v1/collection-statuses/\(statusID)")

        let report = try await succeed("GET", "/api/v1/admin/reconcile")
        XCTAssertNotNil(report?["checked"])
        let letter = try setAsideInHistory(customerCreatedFor: customerID)
        let letters = try await succeed("GET", "/api/v1/admin/dead-letters")
        XCTAssertEqual((letters?["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }, [Int(letter)])
        try await succeed("POST", "/api/v1/admin/dead-letters/{service}/{id}/retry", "/api/v1/admin/dead-letters/history/\(letter)/retry")

        try await succeed("POST", "/api/v1/auth/logout", as: .token(sessionToken))

        XCTAssertEqual(Set(checked.keys), documented, "every documented operation has a scenario here, and only those")
    }

    func testAnUnknownPathIsA404AndAnUnknownMethodA405WithAllow() async throws {
        let (status, body) = try await system.http("GET", "/api/v1/not-a-resource")
        XCTAssertEqual(status, 404)
        XCTAssertEqual((try system.json(body)["error"] as? [String: Any])?["code"] as? String, "not_found")
        let (wrong, wrongBody, headers) = try await system.exchange("DELETE", "/api/v1/settings")
        XCTAssertEqual(wrong, 405)
        XCTAssertEqual((try system.json(wrongBody)["error"] as? [String: Any])?["code"] as? String, "method_not_allowed")
        XCTAssertEqual(headers["Allow"] ?? headers["allow"], "GET, HEAD, PATCH")
    }

    /// Puts the customer's `customer.created` event into history's dead letters, as a
    /// subscription that gave up on it would; returns the letter's id.
    private func setAsideInHistory(customerCreatedFor customer: String) throws -> Int64 {
        let admin = try PostgresConnection(url: system.superuserURL)
        let (seq, envelope, body) = try XCTUnwrap(try admin.query("""
            SELECT seq, envelope, body FROM customer.outbox WHERE type = 'customer.created' AND body LIKE \("%" + customer + "%")
            """).first?.decode((Int64, String, String).self))
        return try admin.query("""
            INSERT INTO history.dead_letter (publisher, seq, type, envelope, body, error, attempts)
            VALUES ('customer', \(seq), 'customer.created', \(envelope), \(body), 'set aside by the test', 5)
            RETURNING id
            """).single(Int64.self)
    }

    private func code(_ secret: String, in seconds: Double = 0) -> String {
        let value = TOTP(secret: secret).compute(date: Date().addingTimeInterval(seconds))
        let digits = String(value)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    private func resolved(_ response: Any?) -> [String: Any]? {
        var response = response as? [String: Any]
        if let reference = response?["$ref"] as? String {
            var node: Any? = document
            for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
            response = node as? [String: Any]
        }
        return response
    }

    private func schema(of response: Any?) -> [String: Any]? {
        ((resolved(response)?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
    }
}
