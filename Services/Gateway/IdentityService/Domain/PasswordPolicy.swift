import Contracts

/// What a password must be: long enough to resist guessing — 12 to `TextLimit.password`
/// characters, counted as code points like every text limit (`minLength`/`maxLength` in
/// the API document). bcrypt's 72-byte limit does not apply: it hashes the SHA-256.
enum PasswordPolicy {
    static let minimum = 12

    static func check(_ password: String) throws(ErrorBody) {
        let length = password.unicodeScalars.count
        guard length >= minimum else {
            throw .invalidArgument("password must be at least \(minimum) characters", field: "password")
        }
        guard length <= TextLimit.password else {
            throw .invalidArgument("password must be at most \(TextLimit.password) characters", field: "password")
        }
    }
}
