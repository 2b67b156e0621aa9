/// A website as customers' records keep it: `http://` or `https://` (any case) or no
/// scheme, then a host name of dot-separated ASCII labels (letters, digits, inner hyphens;
/// at least two labels), an optional `:port`, and optionally a path, query or fragment
/// (from `/`, `?` or `#` on, no white space). Without a scheme it is kept as `https://…`.
/// Read on trimmed text, as code points, exactly as the API document's pattern says.
public enum WebAddress {
    /// The address to keep, or nil when the text is not one.
    public static func normalised(_ text: String) -> String? {
        var rest = Array(text.unicodeScalars)[...]
        var scheme = "https://"
        for prefix in ["http://", "https://"] {
            let expected = Array(prefix.unicodeScalars)
            guard rest.count >= expected.count,
                  zip(rest, expected).allSatisfy({ lowercasedASCII($0) == $1 }) else { continue }
            scheme = prefix
            rest = rest.dropFirst(expected.count)
            break
        }
        let hostEnd = rest.firstIndex { "/?#".unicodeScalars.contains($0) } ?? rest.endIndex
        var host = rest[..<hostEnd]
        let tail = rest[hostEnd...]
        if let colon = host.firstIndex(of: ":") {
            let port = host[(colon + 1)...]
            guard (1...5).contains(port.count), port.allSatisfy(isDigit) else { return nil }
            host = host[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy(isLabel) else { return nil }
        guard !tail.contains(where: { $0.properties.isWhitespace || $0 == "\0" }) else { return nil }
        return scheme + String(String.UnicodeScalarView(rest))
    }

    private static func isLabel(_ label: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = label.first, let last = label.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return label.allSatisfy { isAlphanumeric($0) || $0 == "-" }
    }

    private static func lowercasedASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 0x20)) : scalar
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { (0x30...0x39).contains(scalar.value) }
}
