import Contracts

/// Which customers a principal may see: all of them, except for a specialist without
/// "manage all customers", who sees only the customers assigned to them. Others answer
/// 404, exactly like customers that do not exist (customer-service checks `assignedTo`).
enum CustomerScope {
    /// The specialist a list must be narrowed to, if any.
    static func assignedOnly(_ principal: Principal) -> UserID? {
        guard principal.role == .specialist, !principal.manageAllCustomers else { return nil }
        return principal.user?.id ?? UserID()  // an API token without a user sees nobody's customers
    }

    /// The one check of "may this principal see this customer" for everything a customer
    /// owns that lives in another service (invoices, payments): asked of customer-service,
    /// which knows the assignments.
    struct Visibility: Sendable {
        let clients: any GatewayServices

        /// The customer, when the principal may see it; otherwise 404 as if it did not exist.
        func customer(_ id: CustomerID, for principal: Principal) async throws -> CustomerRecord {
            try await clients[.customer].query(CustomerMessages.get, GetCustomer(id: id, assignedTo: assignedOnly(principal)))
        }

        /// Nothing when the principal may see the customer (asked only of a specialist limited
        /// to their own); otherwise `otherwise` — the owned thing's own 404.
        func require(_ customer: CustomerID, for principal: Principal, otherwise: ErrorBody) async throws {
            guard let specialist = assignedOnly(principal) else { return }
            do {
                _ = try await clients[.customer].query(CustomerMessages.get, GetCustomer(id: customer, assignedTo: specialist))
            } catch let error as ErrorBody where error.code == .notFound {
                throw otherwise
            }
        }

        /// Nothing when `id` is nil or one of the customer's own contacts (and visible to the
        /// principal); otherwise a 422 naming `contact_id`.
        func requireContact(_ id: ContactID?, of customer: CustomerID, for principal: Principal) async throws {
            guard let id else { return }
            let refusal = ErrorBody.unprocessable("contact_id is not a contact of this customer", field: "contact_id")
            do {
                let contact = try await clients[.customer].query(
                    ContactMessages.get, GetContact(id: id, assignedTo: assignedOnly(principal)))
                guard contact.customerId == customer else { throw refusal }
            } catch let error as ErrorBody where error.code == .notFound {
                throw refusal
            }
        }
    }
}
