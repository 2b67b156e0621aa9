import Foundation

/// Reads configuration from environment variables (12-factor). Every variable a service
/// reads is documented in the README with its default.
public struct Environment: Sendable {
    private let values: [String: String]

    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    /// The value of `name`, or `fallback` when unset or empty.
    public func string(_ name: String, default fallback: String) -> String {
        guard let value = values[name], !value.isEmpty else { return fallback }
        return value
    }

    /// The value of `name`; throws a message naming the variable when unset.
    public func required(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else { throw ConfigurationError("\(name) must be set") }
        return value
    }

    /// An integer variable; throws a message naming the variable when it is not a number.
    public func int(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name], !text.isEmpty else { return fallback }
        guard let value = Int(text) else { throw ConfigurationError("\(name) must be an integer, got \"\(text)\"") }
        return value
    }
}

/// A configuration value that is missing or malformed; the message names the variable.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
