import Foundation

/// CSV files the API exports (RFC 4180): CRLF line ends, a field quoted when it holds a
/// comma, a quote or a line break, quotes doubled. Text a person typed that a spreadsheet
/// would run as a formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage return —
/// is written with a leading `'`, so it shows as the text it is.
enum CSV {
    enum Cell {
        /// Text from a person or a customer: escaped against formula injection.
        case text(String?)
        /// A number or date this system wrote (an amount may start with `-`).
        case value(String)
    }

    static func line(_ cells: [Cell]) -> String {
        cells.map { cell in
            switch cell {
            case .text(let text): return quoted(neutralised(text ?? ""))
            case .value(let value): return quoted(value)
            }
        }.joined(separator: ",") + "\r\n"
    }

    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
