import Contracts
import Foundation
import Hummingbird
import Messaging

/// The web UI: pages rendered from templates (`Pages`) over the same service calls as the
/// API. The stylesheet and script under `/assets` are served by Hummingbird's
/// `FileMiddleware` (see `buildGatewayRoutes`).
struct WebRoutes {
    let clients: any GatewayServices
    let details: DetailsRoutes
    let portal: PortalRoutes
    let auth: AuthRoutes
    /// Cookies get `Secure` when the public URL is https.
    let secureCookies: Bool

    func register(in routes: Routes) {
        let open = routes.group(.public)
        let readers = routes.group(.readCustomers)
        let origin = routes.origin
        open.get("/") { _, _ in Response(status: .seeOther, headers: [.location: "/customers"]) }
        open.get("/login") { request, _ in
            html(try LoginPage.render(next: LocalPath.safe(request.uri.queryParameters.get("next"))))
        }
        open.post("/login") { request, context in
            try origin.check(request)  // no signing a browser in from another site
            let form = try await request.decodeForm(SignInForm.self)
            let next = LocalPath.safe(form.next)
            do {
                let result = try await auth.signIn(Login(email: form.email ?? "", password: form.password ?? "",
                                                         totpCode: form.totpCode.flatMap { $0.isEmpty ? nil : $0 }),
                                                   from: context.clientAddress)
                var response = Response(status: .seeOther, headers: [.location: next])
                response.setCookie(Cookie(name: Credentials.cookieName, value: result.token,
                                          expires: result.expiresAt, path: "/", secure: secureCookies,
                                          httpOnly: true, sameSite: .strict))
                return response
            } catch let error as ErrorBody where error.code == .unauthenticated || error.code == .tooManyRequests {
                var response = html(try LoginPage.render(next: next, error: error.message, email: form.email ?? ""))
                response.status = error.code == .tooManyRequests ? .tooManyRequests : .unauthorized
                return response
            }
        }
        open.post("/logout") { request, _ in
            try origin.check(request)
            if let token = Credentials(request)?.token { try? await auth.signOut(token) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: Credentials.cookieName, value: "", maxAge: 0, path: "/",
                                      secure: secureCookies, httpOnly: true, sameSite: .strict))
            return response
        }
        // The payment portal: no sign-in, the token is the credential (PortalRoutes).
        open.get("/pay/:token") { _, context in
            do {
                let token = try portal.token(context)
                return html(try PortalPageView.render(try await portal.page(token: token), token: token))
            } catch let error as ErrorBody where error.code == .notFound {
                let business = (try? await clients[.gateway].query(IdentityMessages.getSettings, Empty()))?.name
                var response = html(try PortalPageView.renderClosed(business: business ?? BusinessSettings.initial.name, testMode: false))
                response.status = .notFound
                return response
            }
        }
        readers.get("/customers") { request, context in
            let principal = try context.requirePrincipal()
            let parameters = request.uri.queryParameters
            // A form's empty choice ("any status") means the parameter is not set.
            let value = { (name: String) -> String? in parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
            var list = try ListCustomers(parameter: value, principal: principal)
            list.limit = 50
            async let page = clients[.customer].query(CustomerMessages.list, list)
            // The specialist filter's names: without them the page still lists (never fatal).
            async let candidates = try? clients[.customer].query(SpecialistMessages.candidates, Empty()).items
            return html(try CustomersPage.render(
                page: try await page, list: list, specialists: await candidates ?? [],
                canAdd: PermissionTable.allows(principal.role, .editCustomers),
                canAssign: PermissionTable.allows(principal.role, .assignSpecialists)))
        }
        readers.get("/tasks") { _, context in
            let principal = try context.requirePrincipal()
            guard let me = principal.user?.id else { throw ErrorBody.failedPrecondition("My tasks is for people signed in") }
            async let page = clients[.history].query(HistoryMessages.listTasks, ListTasks(
                assigneeId: me, state: .open, visibleTo: CustomerScope.assignedOnly(principal), limit: 200))
            let today = await businessToday()
            return html(try TasksPage.render(try await page.items, canEdit: PermissionTable.allows(principal.role, .editCustomers),
                                             today: today))
        }
        readers.get("/collection-statuses") { _, context in
            let principal = try context.requirePrincipal()
            let canManage = PermissionTable.allows(principal.role, .manageCollectionStatuses)
            async let statuses = clients[.invoice].query(CollectionStatusMessages.list, Empty())
            async let managers = canManage
                ? (try? await clients[.customer].query(SpecialistMessages.candidates, Empty()).items) ?? [] : []
            return html(try CollectionStatusesPage.render(try await statuses.items, managers: await managers, canManage: canManage))
        }
        readers.get("/customers/:id") { _, context in
            let id = try context.parameters.id("id", of: "customer", as: CustomerID.self)
            let principal = try context.requirePrincipal()
            let canAssign = PermissionTable.allows(principal.role, .assignSpecialists)
            let canEdit = PermissionTable.allows(principal.role, .editCustomers)
            async let view = details.details(of: id, for: principal)
            // Who may be chosen as specialist, only for those who may choose (never fatal to the page).
            // (also whom Assign Task offers, for editors)
            async let specialists = canAssign || canEdit
                ? (try? await clients[.customer].query(SpecialistMessages.candidates, Empty()).items) ?? [] : []
            // The parents the Edit dialog offers: the first customers by name, in the editor's scope.
            async let parents = canEdit
                ? (try? await clients[.customer].query(CustomerMessages.list, ListCustomers(
                    sort: .name, limit: DetailsPage.parentChoices, assignedTo: CustomerScope.assignedOnly(principal))).items) ?? [] : []
            // The collection statuses, for the invoice table's select and the Create Invoice dialog.
            async let statuses = canEdit
                ? (try? await clients[.invoice].query(CollectionStatusMessages.list, Empty()).items) ?? [] : []
            // The payments with what they went to; for editors also what a payment can go to.
            async let ledger = paymentsLedger(of: id, editing: canEdit)
            async let today = businessToday()
            return html(try DetailsPage.render(try await view, canEdit: canEdit, canAssign: canAssign,
                                               specialists: await specialists, parents: await parents.map(\.record),
                                               statuses: await statuses, ledger: await ledger, today: await today))
        }
    }

    /// Today in the business's time zone (its settings; UTC when they cannot be read).
    private func businessToday() async -> BusinessDate {
        let zone = (try? await clients[.gateway].query(IdentityMessages.getSettings, Empty()))?.timeZone ?? "UTC"
        return BusinessDate.today(inTimeZone: zone, at: Date())
    }

    /// What payments-service shows the Customer Details page (asked in parallel), or nil
    /// when it does not answer.
    private func paymentsLedger(of customer: CustomerID, editing: Bool) async -> DetailsPage.Ledger? {
        let payments = clients[.payments]
        let timeout: Duration = .seconds(2)
        async let page = try? payments.query(PaymentsMessages.list, ListPayments(customerId: customer, limit: 20), timeout: timeout)
        async let methods = try? payments.query(PaymentsMessages.methods, Empty(), timeout: timeout)
        async let payable = editing
            ? try? payments.query(PaymentsMessages.openInvoices, CustomerPaymentsRequest(customerId: customer), timeout: timeout) : nil
        async let settings = editing
            ? try? payments.query(PaymentsMessages.settings, PaymentSettingsRequest(customerId: customer), timeout: timeout) : nil
        guard let page = await page else { return nil }
        return DetailsPage.Ledger(payments: page.items, payable: await payable?.items ?? [], methods: await methods?.items ?? [],
                                  settings: await settings)
    }

    private func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The sign-in form's fields (`application/x-www-form-urlencoded`).
struct SignInForm: Decodable {
    var email: String?
    var password: String?
    var totpCode: String?
    var next: String?

    private enum CodingKeys: String, CodingKey {
        case email, password, next
        case totpCode = "totp_code"
    }
}

extension Request {
    /// Decodes a form body (Hummingbird's `URLEncodedFormDecoder`); a malformed one is 400.
    func decodeForm<Form: Decodable>(_ type: Form.Type, limit: Int = 64 * 1024) async throws -> Form {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch {
            throw ErrorBody(.payloadTooLarge, "the form is larger than \(limit) bytes")
        }
        do {
            return try URLEncodedFormDecoder().decode(type, from: String(decoding: buffer.readableBytesView, as: UTF8.self))
        } catch {
            throw ErrorBody.invalidArgument("the form could not be read")
        }
    }
}
