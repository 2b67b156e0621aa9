/// Whether text looks like a phone number a person can dial: an optional leading `+`,
/// then 5 to 20 ASCII digits among the separators space, `(`, `)`, `-` and `.`, and
/// optionally an extension (`x12`, `ext. 12`, `#12`, any case, one space allowed before
/// its digits). Read on trimmed text, as code points, exactly as the API document's
/// pattern says (`APIDocumentTests` compares the two).
public enum PhoneNumber {
    public static func isPlausible(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func next(_ test: (Unicode.Scalar) -> Bool) -> Bool {
            guard index < scalars.count, test(scalars[index]) else { return false }
            index += 1
            return true
        }
        _ = next { $0 == "+" }
        var digits = 0
        while index < scalars.count {
            if next(isDigit) { digits += 1 } else if !next({ " ().-".unicodeScalars.contains($0) }) { break }
        }
        guard (5...20).contains(digits) else { return false }
        guard index < scalars.count else { return true }
        // The extension: x | ext | ext. | #, then an optional space, then 1–6 digits.
        let rest = String(String.UnicodeScalarView(scalars[index...])).lowercased()
        var marker = rest.unicodeScalars[...]
        for prefix in ["ext.", "ext", "x", "#"] where rest.hasPrefix(prefix) {
            marker = rest.unicodeScalars.dropFirst(prefix.unicodeScalars.count)
            break
        }
        guard marker.count < rest.unicodeScalars.count else { return false }
        if marker.first == " " { marker = marker.dropFirst() }
        return (1...6).contains(marker.count) && marker.allSatisfy(isDigit)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }
}
