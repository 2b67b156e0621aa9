/// The form check every email address in the system gets: one `@`, something before it,
/// a dot in the domain, no spaces. Whether the mailbox exists is for the mail server to say.
public enum EmailAddress {
    public static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
              !parts[1].hasSuffix("."), !text.contains(where: \.isWhitespace) else { return false }
        return true
    }
}
