import Foundation

/// The messages of the gateway's identity service (users, sessions, API tokens, settings).
public enum IdentityMessages {
    /// Creates the first owner when there are no users; publishes `user.upserted`.
    public static let bootstrapOwner = Command<BootstrapOwner, UserRecord>("identity.bootstrap_owner", keepsReply: false)
    /// Refused attempts all look alike (`LoginOutcome.refused`). The reply carries the session token.
    public static let login = Command<LoginAttempt, LoginOutcome>("identity.login", keepsReply: false)
    /// `unauthenticated` for an unknown, expired or revoked token; records the use.
    public static let authenticate = Command<TokenRequest, Authentication>("identity.authenticate", keepsReply: false)
    /// Revokes the session.
    public static let logout = Command<TokenRequest, Empty>("identity.logout", keepsReply: false)
    /// The reply carries the secret.
    public static let startTOTP = Command<TOTPRequest, TOTPEnrollment>("identity.totp_start", keepsReply: false)
    /// Turns the second factor on once a code checks out.
    public static let confirmTOTP = Command<TOTPRequest, Empty>("identity.totp_confirm")
    /// Turns it off (needs a current code).
    public static let disableTOTP = Command<TOTPRequest, Empty>("identity.totp_disable")

    /// Publishes `user.upserted`.
    public static let createUser = Command<CreateUser, UserRecord>("user.create")
    /// Publishes `user.upserted`.
    public static let updateUser = Command<UpdateUser, UserRecord>("user.update")
    public static let listUsers = Query<Empty, UserList>("user.list")
    public static let getUser = Query<GetUser, UserRecord>("user.get")
    /// The reply carries the token.
    public static let createToken = Command<CreateAPIToken, CreatedAPIToken>("api_token.create", keepsReply: false)
    public static let listTokens = Query<Empty, APITokenList>("api_token.list")
    public static let revokeToken = Command<RevokeAPIToken, Empty>("api_token.revoke")

    public static let getSettings = Query<Empty, BusinessSettings>("settings.get")
    /// Publishes `business_settings.changed`.
    public static let updateSettings = Command<BusinessSettingsChanges, BusinessSettings>("settings.update")

    public static let userUpserted = Event<UserRecord>("user.upserted")
    public static let settingsChanged = Event<BusinessSettings>("business_settings.changed")

    public static let catalogue = MessageCatalogue(.gateway, [
        bootstrapOwner, login, authenticate, logout, startTOTP, confirmTOTP, disableTOTP,
        createUser, updateUser, listUsers, getUser, createToken, listTokens, revokeToken,
        getSettings, updateSettings, userUpserted, settingsChanged,
    ])
}

/// The roles, from most to least powerful.
public enum Role: String, Codable, Sendable, CaseIterable {
    case owner, admin, manager, specialist, viewer

    /// Higher outranks lower: owner 4, admin 3, manager 2, specialist 1, viewer 0.
    public var rank: Int {
        switch self {
        case .owner: return 4
        case .admin: return 3
        case .manager: return 2
        case .specialist: return 1
        case .viewer: return 0
        }
    }
}

/// A user as the API shows it (never a password or its hash).
public struct UserRecord: Codable, Hashable, Sendable {
    public var id: UserID
    public var name: String
    public var email: String
    public var role: Role
    public var manageAllCustomers: Bool
    public var isDefaultSpecialist: Bool
    public var active: Bool
    public var createdAt: Date

    public init(id: UserID, name: String, email: String, role: Role, manageAllCustomers: Bool,
                isDefaultSpecialist: Bool, active: Bool, createdAt: Date) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.manageAllCustomers = manageAllCustomers
        self.isDefaultSpecialist = isDefaultSpecialist
        self.active = active
        self.createdAt = createdAt
    }
}

/// Body of `identity.bootstrap_owner`.
public struct BootstrapOwner: Codable, Hashable, Sendable {
    public var name: String
    public var email: String
    public var password: String
    public init(name: String, email: String, password: String) {
        self.name = name
        self.email = email
        self.password = password
    }
}

/// Body of `identity.login`.
/// Body of `identity.login`: what the person typed, and the address it came from (set by
/// the gateway from the connection, never from anything the client sends).
public struct LoginAttempt: Codable, Hashable, Sendable {
    public var login: Login
    public var clientAddress: String
    public init(login: Login, clientAddress: String) {
        self.login = login
        self.clientAddress = clientAddress
    }
}

public struct Login: Codable, Hashable, Sendable {
    public var email: String
    public var password: String
    /// The current one-time code, for users who turned on the second factor.
    public var totpCode: String?
    public init(email: String, password: String, totpCode: String? = nil) {
        self.email = email
        self.password = password
        self.totpCode = totpCode
    }
}

/// Reply to `identity.login`: the session token (shown once; stored only as a hash) and the user.
public struct LoginResult: Codable, Hashable, Sendable {
    public var token: String
    public var user: UserRecord
    public var expiresAt: Date
    public init(token: String, user: UserRecord, expiresAt: Date) {
        self.token = token
        self.user = user
        self.expiresAt = expiresAt
    }
}

/// Reply to `identity.login`: the result, or nil when refused (wrong email or password,
/// inactive user, or too many failures — deliberately indistinguishable).
public struct LoginOutcome: Codable, Hashable, Sendable {
    public var result: LoginResult?
    /// Set when email and password were right but the one-time code is missing.
    public var needsTotpCode: Bool
    public init(result: LoginResult?, needsTotpCode: Bool = false) {
        self.result = result
        self.needsTotpCode = needsTotpCode
    }
    public static let refused = LoginOutcome(result: nil)
}

/// Body of `identity.authenticate` and `identity.logout`.
public struct TokenRequest: Codable, Hashable, Sendable {
    public var token: String
    public init(token: String) { self.token = token }
}

/// Who is making a request: a user's session, or an API token scoped to a role.
public struct Principal: Codable, Hashable, Sendable {
    public var user: UserRecord?
    public var apiTokenId: String?
    public var role: Role
    public var manageAllCustomers: Bool

    public init(user: UserRecord?, apiTokenId: String?, role: Role, manageAllCustomers: Bool) {
        self.user = user
        self.apiTokenId = apiTokenId
        self.role = role
        self.manageAllCustomers = manageAllCustomers
    }

    /// The envelope's actor for everything this principal does.
    public var actor: Actor {
        Actor(userId: user?.id, role: role.rawValue, name: user?.name ?? apiTokenId.map { "API token \($0)" },
              apiTokenId: apiTokenId)
    }
}

/// Reply to `identity.authenticate`: who the token acts for, until when it stays valid
/// at the latest (its expiry, or a session's idle limit), and whose account it hangs on
/// (the session's user, or the token's creator), so the gateway can remember it for a
/// while and forget it when that account changes.
public struct Authentication: Codable, Hashable, Sendable {
    public var principal: Principal
    public var validUntil: Date?
    public var account: UserID

    public init(principal: Principal, validUntil: Date?, account: UserID) {
        self.principal = principal
        self.validUntil = validUntil
        self.account = account
    }
}

/// Body of `user.create` (and `POST /users`).
public struct CreateUser: Codable, Hashable, Sendable {
    public var name: String
    public var email: String
    public var password: String
    public var role: Role
    public var manageAllCustomers: Bool?
    public var isDefaultSpecialist: Bool?

    public init(name: String, email: String, password: String, role: Role, manageAllCustomers: Bool? = nil,
                isDefaultSpecialist: Bool? = nil) {
        self.name = name
        self.email = email
        self.password = password
        self.role = role
        self.manageAllCustomers = manageAllCustomers
        self.isDefaultSpecialist = isDefaultSpecialist
    }
}

/// The fields `PATCH /users/{id}` may change (email never changes).
public struct UserChanges: Codable, Hashable, Sendable {
    public var name: String?
    public var role: Role?
    public var manageAllCustomers: Bool?
    public var isDefaultSpecialist: Bool?
    public var active: Bool?
    public var password: String?

    public init(name: String? = nil, role: Role? = nil, manageAllCustomers: Bool? = nil, isDefaultSpecialist: Bool? = nil,
                active: Bool? = nil, password: String? = nil) {
        self.name = name
        self.role = role
        self.manageAllCustomers = manageAllCustomers
        self.isDefaultSpecialist = isDefaultSpecialist
        self.active = active
        self.password = password
    }
}

/// Body of `user.update`: who changes whom, and how (the acting role decides what is allowed).
public struct UpdateUser: Codable, Hashable, Sendable {
    public var id: UserID
    public var changes: UserChanges
    public init(id: UserID, changes: UserChanges) {
        self.id = id
        self.changes = changes
    }
}

/// Body of `user.get`.
public struct GetUser: Codable, Hashable, Sendable {
    public var id: UserID
    public init(id: UserID) { self.id = id }
}

/// Reply to `user.list`.
public struct UserList: Codable, Hashable, Sendable {
    public var items: [UserRecord]
    public init(items: [UserRecord]) { self.items = items }
}

/// Body of `api_token.create`. The role may not outrank the creator's; without
/// `expires_at` the token lives until revoked (or its creator is deactivated or demoted).
public struct CreateAPIToken: Codable, Hashable, Sendable {
    public var name: String
    public var role: Role
    public var expiresAt: Date?
    public init(name: String, role: Role, expiresAt: Date? = nil) {
        self.name = name
        self.role = role
        self.expiresAt = expiresAt
    }
}

/// An API token as listed (never the token itself).
public struct APITokenRecord: Codable, Hashable, Sendable {
    public var id: APITokenID
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revoked: Bool

    public init(id: APITokenID, name: String, role: Role, createdAt: Date, lastUsedAt: Date?, expiresAt: Date? = nil,
                revoked: Bool) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}

/// Reply to `api_token.create`: the token, shown this once.
public struct CreatedAPIToken: Codable, Hashable, Sendable {
    public var token: String
    public var record: APITokenRecord
    public init(token: String, record: APITokenRecord) {
        self.token = token
        self.record = record
    }
}

/// Reply to `api_token.list`.
public struct APITokenList: Codable, Hashable, Sendable {
    public var items: [APITokenRecord]
    public init(items: [APITokenRecord]) { self.items = items }
}

/// Body of `api_token.revoke`.
public struct RevokeAPIToken: Codable, Hashable, Sendable {
    public var id: APITokenID
    public init(id: APITokenID) { self.id = id }
}

/// Body of the TOTP commands: whose, and (to confirm or disable) a current code.
public struct TOTPRequest: Codable, Hashable, Sendable {
    public var userId: UserID
    public var code: String?
    public init(userId: UserID, code: String? = nil) {
        self.userId = userId
        self.code = code
    }
}

/// Reply to `identity.totp_start`: the secret for an authenticator app, shown once.
public struct TOTPEnrollment: Codable, Hashable, Sendable {
    public var secret: String
    public var otpauthUrl: String
    public init(secret: String, otpauthUrl: String) {
        self.secret = secret
        self.otpauthUrl = otpauthUrl
    }
}
