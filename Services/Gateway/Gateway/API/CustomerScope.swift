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

}
