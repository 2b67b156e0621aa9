import Foundation

/// CSV files the API exports (RFC 4180): UTF-8 with a byte-order mark (so spreadsheets read
/// names as written), CRLF line ends, quotes doubled. Text a person typed is always quoted
/// (so a `;` never splits a cell where `;` separates), and text that a spreadsheet would run
/// as a formula — starting with `=`, `+`, `-`, `@` (or their full-width forms), a tab or a
/// carriage return — is written with a leading `'`, so it shows as the text it is.
enum CSV {
    /// What a file starts with.
    static let byteOrderMark = "\u{FEFF}"

    enum Cell {
        /// Text from a person or a customer: escaped against formula injection.
        case text(String?)
        /// A number or date this system wrote (an amount may start with `-`).
        case value(String)
    }

    static func line(_ cells: [Cell]) -> String {
        cells.map { cell in
            switch cell {
            case .text(let text): return text.map { "\"" + neutralised($0).replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? ""
            case .value(let value): return quoted(value)
            }
        }.joined(separator: ",") + "\r\n"
    }

    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r＝＋－＠".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static func quoted(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
