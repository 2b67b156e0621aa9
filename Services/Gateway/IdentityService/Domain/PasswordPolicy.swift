import Contracts

/// What a password must be: long enough to resist guessing, short enough for bcrypt (72 bytes).
enum PasswordPolicy {
    static func check(_ password: String) throws(ErrorBody) {
        guard password.count >= 12 else {
            throw .invalidArgument("password must be at least 12 characters", field: "password")
        }
        guard password.utf8.count <= TextLimit.passwordBytes else {
            throw .invalidArgument("password must be at most \(TextLimit.passwordBytes) bytes", field: "password")
        }
    }
}
