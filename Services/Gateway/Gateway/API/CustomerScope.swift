import Contracts

/// Which customers a principal may see: all of them, except for a specialist without
/// "manage all customers", who sees only the customers assigned to them. Others answer
/// 404, exactly like customers that do not exist.
enum CustomerScope {
    /// The specialist a list must be narrowed to, if any.
    static func assignedOnly(_ principal: Principal) -> UserID? {
        guard principal.role == .specialist, !principal.manageAllCustomers else { return nil }
        return principal.user?.id ?? UserID()  // an API token without a user sees nobody's customers
    }

    /// Throws `not_found` when the customer is outside the principal's scope.
    static func check(_ customer: CustomerRecord, for principal: Principal) throws {
        guard let specialist = assignedOnly(principal) else { return }
        guard customer.specialistId == specialist else {
            throw ErrorBody.notFound("customer \(customer.id) does not exist")
        }
    }
}
