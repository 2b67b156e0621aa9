/// Whether text looks like an email address: one `@`, something before it, a dotted
/// domain after it that neither starts nor ends with a dot, and no white space. Read as
/// code points (not characters, which may fuse an `@` with a following mark), exactly as
/// the API document's pattern says.
public enum EmailAddress {
    public static func isPlausible(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let at = scalars.firstIndex(of: "@"), scalars.lastIndex(of: "@") == at else { return false }
        let local = scalars[..<at]
        let domain = scalars[(at + 1)...]
        guard !local.isEmpty, domain.contains("."), domain.first != ".", domain.last != ".",
              !scalars.contains(where: \.properties.isWhitespace) else { return false }
        return true
    }
}
