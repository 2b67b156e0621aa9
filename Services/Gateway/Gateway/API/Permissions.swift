import Contracts

/// What a route needs. Every route declares one when it is registered (`Routes`).
public enum Permission: String, Sendable, CaseIterable {
    /// No credentials needed (health, sign-in, assets).
    case `public`
    /// Any signed-in user or API token.
    case signedIn
    case readCustomers
    case editCustomers
    /// Choose a customer's AR specialist (one or many at once): managers and above.
    case assignSpecialists
    /// Define the collection statuses: managers and above.
    case manageCollectionStatuses
    /// Add, rename and retire payment methods: managers and above.
    case managePaymentMethods
    case manageUsers
    case manageAPITokens
    case readSettings
    case manageSettings
    /// Operate the system: dead letters and the like.
    case operateSystem

    /// In words, for a 403's message.
    var action: String {
        switch self {
        case .public, .signedIn: return "use this"
        case .readCustomers: return "view customers"
        case .editCustomers: return "change customers"
        case .assignSpecialists: return "assign AR specialists"
        case .manageCollectionStatuses: return "manage collection statuses"
        case .managePaymentMethods: return "manage payment methods"
        case .manageUsers: return "manage users"
        case .manageAPITokens: return "manage API tokens"
        case .readSettings: return "view business settings"
        case .manageSettings: return "change business settings"
        case .operateSystem: return "operate the system"
        }
    }
}

/// The one table of who may do what (SPEC §11). A specialist's customer permissions
/// cover only their assigned customers unless they may manage all (`CustomerScope`).
public enum PermissionTable {
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        switch permission {
        case .public, .signedIn, .readCustomers, .readSettings:
            return true
        case .editCustomers:
            return role != .viewer
        case .assignSpecialists, .manageCollectionStatuses, .managePaymentMethods:
            return role == .owner || role == .admin || role == .manager
        case .manageUsers, .manageAPITokens, .manageSettings, .operateSystem:
            return role == .owner || role == .admin
        }
    }
}
