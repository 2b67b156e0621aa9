import Foundation

/// Checks a JSON value against a schema of docs/openapi.json (the JSON Schema 2020-12
/// subset the document uses: `$ref`, `type` (also as a list), `required`, `properties`,
/// `additionalProperties`, `propertyNames`, `items`, `enum`, `anyOf`, `allOf`, `not`,
/// `format` uuid/date/date-time, `pattern`, `minLength`/`maxLength` in code points,
/// `minimum`/`maximum`, `minItems`). A keyword it does not know is a failure, so the
/// document cannot outgrow the check unnoticed.
struct JSONSchemaValidator {
    let document: [String: Any]

    private static let known: Set<String> = [
        "$ref", "type", "required", "properties", "additionalProperties", "propertyNames", "items", "enum", "anyOf", "allOf",
        "not", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "description", "example",
        "default",
    ]

    /// The problems of `value` against `schema`, each with its JSON path; empty when it conforms.
    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        var found: [String] = []
        for key in schema.keys where !Self.known.contains(key) { found.append("\(path): the check does not know `\(key)`") }
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else { return found + ["\(path): unresolvable \(reference)"] }
            found += problems(value, target, at: path)
        }
        if let types = schema["type"].map({ ($0 as? [String]) ?? [($0 as? String) ?? "?"] }), !types.contains(where: { matches(value, $0) }) {
            return found + ["\(path): \(describe(value)) is not \(types.joined(separator: " or "))"]
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { equal($0, value) }) {
            found.append("\(path): \(describe(value)) is not one of \(options)")
        }
        for part in schema["allOf"] as? [[String: Any]] ?? [] { found += problems(value, part, at: path) }
        if let options = schema["anyOf"] as? [[String: Any]], !options.contains(where: { problems(value, $0, at: path).isEmpty }) {
            found.append("\(path): \(describe(value)) matches none of anyOf")
        }
        if let negated = schema["not"] as? [String: Any], problems(value, negated, at: path).isEmpty {
            found.append("\(path): must not match \(negated)")
        }
        if let text = value as? String { found += textProblems(text, schema, at: path) }
        if let number = value as? NSNumber, !isBool(value) {
            if let minimum = schema["minimum"] as? Double, number.doubleValue < minimum { found.append("\(path): below \(minimum)") }
            if let maximum = schema["maximum"] as? Double, number.doubleValue > maximum { found.append("\(path): above \(maximum)") }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
            }
        }
        if let object = value as? [String: Any] { found += objectProblems(object, schema, at: path) }
        return found
    }

    private func objectProblems(_ object: [String: Any], _ schema: [String: Any], at path: String) -> [String] {
        var found: [String] = []
        for field in schema["required"] as? [String] ?? [] where object[field] == nil {
            found.append("\(path): missing \(field)")
        }
        let properties = schema["properties"] as? [String: Any] ?? [:]
        for (key, member) in object {
            if let names = schema["propertyNames"] as? [String: Any] { found += problems(key, names, at: "\(path) name \(key)") }
            if let property = properties[key] {
                if let property = property as? [String: Any] { found += problems(member, property, at: "\(path).\(key)") }
                if property as? Bool == false { found.append("\(path).\(key): not allowed") }
            } else if let additional = schema["additionalProperties"] {
                if additional as? Bool == false { found.append("\(path).\(key): not documented") }
                if let additional = additional as? [String: Any] { found += problems(member, additional, at: "\(path).\(key)") }
            }
        }
        return found
    }

    private func textProblems(_ text: String, _ schema: [String: Any], at path: String) -> [String] {
        var found: [String] = []
        let length = text.unicodeScalars.count
        if let minimum = schema["minLength"] as? Int, length < minimum { found.append("\(path): shorter than \(minimum)") }
        if let maximum = schema["maxLength"] as? Int, length > maximum { found.append("\(path): longer than \(maximum)") }
        if let pattern = schema["pattern"] as? String {
            // ICU reads \xhh and \uhhhh as ECMA-262 does.
            if let expression = try? NSRegularExpression(pattern: pattern) {
                if expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
                    found.append("\(path): \"\(text)\" does not match \(pattern)")
                }
            } else {
                found.append("\(path): the pattern \(pattern) does not compile")
            }
        }
        switch schema["format"] as? String {
        case "uuid" where UUID(uuidString: text) == nil: found.append("\(path): \"\(text)\" is not a uuid")
        case "date-time" where Self.dateTime(text) == nil:
            found.append("\(path): \"\(text)\" is not a date-time")
        case "date" where text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil:
            found.append("\(path): \"\(text)\" is not a date")
        default: break
        }
        return found
    }

    /// RFC 3339, with or without a fraction of a second.
    private static func dateTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    private func resolve(_ reference: String) -> [String: Any]? {
        var node: Any? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
        return node as? [String: Any]
    }

    /// JSONSerialization's `true`/`false` (an NSNumber of C type `char`; numbers are not).
    private func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    private func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "boolean": return isBool(value)
        case "integer": return !isBool(value) && (value as? NSNumber).map { $0.doubleValue == $0.doubleValue.rounded() } == true
        case "number": return !isBool(value) && value is NSNumber
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }

    private func equal(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        return (a as? NSObject)?.isEqual(b) ?? false
    }

    private func describe(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else { return "\(value)" }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }
}

