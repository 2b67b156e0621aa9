/// A SQL statement whose interpolated values are bound as parameters, never pasted.
///
/// ```swift
/// let rows = try connection.query("SELECT name FROM customer WHERE id = \(id) AND active = \(true)")
/// ```
/// becomes `SELECT name FROM customer WHERE id = $1 AND active = $2` with two bound values.
/// Only identifiers (schema or channel names) may be spliced, through
/// `\(identifier: name)`, which quotes them.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var bindings: [PostgresBinding]

    public init(unsafeSQL sql: String, bindings: [PostgresBinding] = []) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, bindings: stringInterpolation.bindings)
    }

    public var description: String { "\(sql) -- \(bindings.count) parameter(s)" }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var bindings: [PostgresBinding] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// Binds a value as the next parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value.postgresBinding)
            sql += "$\(bindings.count)"
        }

        /// Binds an optional value; `nil` becomes SQL NULL.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value?.postgresBinding ?? PostgresBinding(type: Value.postgresType, text: nil))
            sql += "$\(bindings.count)"
        }

        /// Splices a fragment of SQL written in the source code (a column list, say): a
        /// `StaticString` cannot come from input.
        public mutating func appendInterpolation(sql fragment: StaticString) {
            sql += fragment.description
        }

        /// Splices another query built the same way (a filter shared by a page and its
        /// count), its parameters bound after the ones already here (`$1` becomes `$n+1`;
        /// a `$` inside a single-quoted literal is text and stays). A fragment holds no
        /// double-quoted identifiers, comments or dollar-quoted strings: those are not read.
        public mutating func appendInterpolation(_ fragment: PostgresQuery) {
            let offset = bindings.count
            var scalars = fragment.sql.unicodeScalars[...]
            var inLiteral = false
            while let first = scalars.first {
                scalars.removeFirst()
                if first == "'" { inLiteral.toggle() }
                guard !inLiteral, first == "$", let digit = scalars.first, ("0"..."9").contains(digit) else {
                    sql.unicodeScalars.append(first)
                    continue
                }
                var number = 0
                while let digit = scalars.first, let value = Int(String(digit)), ("0"..."9").contains(digit) {
                    number = number * 10 + value
                    scalars.removeFirst()
                }
                sql += "$\(number + offset)"
            }
            bindings += fragment.bindings
        }

        /// Splices a quoted identifier (schema, table or channel name).
        public mutating func appendInterpolation(identifier: String) {
            sql += quoteIdentifier(identifier)
        }
    }
}

/// Quotes an SQL identifier: `a"b` becomes `"a""b"`.
public func quoteIdentifier(_ name: String) -> String {
    var quoted = "\""
    for character in name {
        if character == "\"" { quoted.append("\"") }
        quoted.append(character)
    }
    return quoted + "\""
}
