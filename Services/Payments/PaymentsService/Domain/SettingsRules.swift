import Contracts

/// The rules payment methods obey (settings' are `PaymentSettingsFields.check`); every
/// refusal names its field.
enum SettingsRules {
    /// A method's name: trimmed, 1 to 200 characters.
    static func methodName(_ text: String) throws(ErrorBody) -> String {
        guard let name = try TextLimit.trimmed(text, TextLimit.name, field: "name") else {
            throw .invalidArgument("name is required", field: "name")
        }
        return name
    }

    /// The code a custom method is known by: its name in lower case, runs of anything but
    /// letters and digits as one `_` (`Money order` → `money_order`); at most 40 characters.
    static func code(for name: String) throws(ErrorBody) -> String {
        var code = ""
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                code.unicodeScalars.append(scalar)
            } else if !code.isEmpty, !code.hasSuffix("_") {
                code += "_"
            }
        }
        while code.hasSuffix("_") { code.removeLast() }
        guard !code.isEmpty else {
            throw .unprocessable("name needs a letter or digit (A–Z, 0–9) to make the method's code from", field: "name")
        }
        return String(code.prefix(40))
    }
}
