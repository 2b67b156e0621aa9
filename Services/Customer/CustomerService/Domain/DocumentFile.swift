import Contracts

/// What an uploaded file is, judged by its bytes — never by what the uploader says: PDF,
/// PNG and JPEG by their signatures; DOCX and XLSX as ZIP archives whose central directory
/// holds `[Content_Types].xml` and `word/` or `xl/` parts; CSV and text as UTF-8 without
/// NUL or other control characters (tab, line ends and form feed aside). A name ending in
/// a known type must agree with the bytes, and a name ending in any other type is refused,
/// so `setup.exe` renamed `setup.pdf` is refused either way.
enum DocumentFile {
    /// The longest name kept, in characters.
    static let maximumNameLength = 255

    /// The type of `bytes` named `filename`, or `unsupported_media_type` saying why not.
    static func type(of bytes: [UInt8], named filename: String) throws(ErrorBody) -> DocumentType {
        let stated = statedType(filename)
        guard let sniffed = sniff(bytes, preferCSV: stated == .csv) else {
            throw ErrorBody(.unsupportedMediaType, "\(filename) is not a PDF, PNG, JPEG, DOCX, XLSX, CSV or text file")
        }
        switch stated {
        case .none where hasExtension(filename):
            throw ErrorBody(.unsupportedMediaType, "\(filename): only PDF, PNG, JPEG, DOCX, XLSX, CSV and TXT files are kept")
        case .some(let stated) where stated != sniffed && !(stated == .txt && sniffed == .csv):
            throw ErrorBody(.unsupportedMediaType,
                            "\(filename) is named as \(stated.rawValue.uppercased()) but its bytes are \(sniffed.rawValue.uppercased())")
        case .some(let stated): return stated
        case .none: return sniffed
        }
    }

    /// The name as kept: without any folder, control characters, quotes or backslashes,
    /// trimmed, without trailing dots or spaces (Windows drops them on saving, which would
    /// turn `pay.bat.` into `pay.bat`), at most `maximumNameLength` characters; `document`
    /// when nothing is left.
    static func safeName(_ filename: String) -> String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var scalars = String.UnicodeScalarView()
        for scalar in last.unicodeScalars where !scalar.properties.generalCategory.isControlOrFormat && scalar != "\"" {
            scalars.append(scalar)
        }
        var name = String(scalars).trimmed
        while let last = name.last, last == "." || last.isWhitespace { name.removeLast() }
        var kept = String(name.prefix(maximumNameLength))
        if name.count > maximumNameLength, let dot = name.lastIndex(of: "."), name.distance(from: dot, to: name.endIndex) <= 10 {
            let ending = name[dot...]  // a shortened name keeps its type's ending
            kept = String(name.prefix(maximumNameLength - ending.count)) + ending
        }
        return kept.isEmpty || kept == "." || kept == ".." ? "document" : kept
    }

    /// The name with `type`'s ending added when it has none (`document` → `document.pdf`).
    static func named(_ filename: String, as type: DocumentType) -> String {
        guard statedType(filename) == nil, let ending = type.extensions.first else { return filename }
        return String(filename.prefix(maximumNameLength - ending.count - 1)) + "." + ending
    }

    private static func hasExtension(_ filename: String) -> Bool {
        guard let dot = filename.lastIndex(of: ".") else { return false }
        return filename.index(after: dot) < filename.endIndex && dot != filename.startIndex
    }

    private static func statedType(_ filename: String) -> DocumentType? {
        guard hasExtension(filename), let dot = filename.lastIndex(of: ".") else { return nil }
        let ending = filename[filename.index(after: dot)...].lowercased()
        return DocumentType.allCases.first { $0.extensions.contains(ending) }
    }

    private static func sniff(_ bytes: [UInt8], preferCSV: Bool) -> DocumentType? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return officeType(ZipDirectory.names(bytes)) }
        return isText(bytes) ? (preferCSV ? .csv : .txt) : nil
    }

    private static func officeType(_ names: [String]?) -> DocumentType? {
        guard let names, names.contains("[Content_Types].xml") else { return nil }
        if names.contains(where: { $0.hasPrefix("word/") }) { return .docx }
        if names.contains(where: { $0.hasPrefix("xl/") }) { return .xlsx }
        return nil
    }

    /// UTF-8 (a BOM allowed) with no NUL and no control characters but tab, CR, LF and FF.
    private static func isText(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar.value < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(scalar.value) { return false }
                if scalar.value == 0x7F { return false }
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}

/// The file names in a ZIP archive's central directory (read from its end record), or nil
/// when the bytes are not a well-formed archive.
enum ZipDirectory {
    static func names(_ bytes: [UInt8]) -> [String]? {
        func uint16(_ at: Int) -> Int? { at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : nil }
        func uint32(_ at: Int) -> Int? {
            guard at + 4 <= bytes.count, let low = uint16(at), let high = uint16(at + 2) else { return nil }
            return low | high << 16
        }
        // The end-of-central-directory record: its signature within the last 64 KiB + 22 bytes.
        let earliest = max(0, bytes.count - 65_557)
        var end: Int?
        var index = bytes.count - 22
        while index >= earliest {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4B, bytes[index + 2] == 0x05, bytes[index + 3] == 0x06 {
                end = index
                break
            }
            index -= 1
        }
        guard let end, let count = uint16(end + 10), let start = uint32(end + 16), start < bytes.count, count <= 65_535 else {
            return nil
        }
        var names: [String] = []
        var at = start
        for _ in 0..<count {
            guard at + 46 <= bytes.count, bytes[at] == 0x50, bytes[at + 1] == 0x4B, bytes[at + 2] == 0x01, bytes[at + 3] == 0x02,
                  let nameLength = uint16(at + 28), let extraLength = uint16(at + 30), let commentLength = uint16(at + 32),
                  at + 46 + nameLength <= bytes.count else { return nil }
            names.append(String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self))
            at += 46 + nameLength + extraLength + commentLength
        }
        return names
    }
}

private extension Unicode.GeneralCategory {
    var isControlOrFormat: Bool { self == .control || self == .format || self == .lineSeparator || self == .paragraphSeparator }
}
