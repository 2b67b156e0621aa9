/// FNV-1a (64-bit) over one or more byte sequences, as lower-case hex: a cheap, stable
/// fingerprint for change detection (migration checksums, idempotency request hashes),
/// never a security hash. Parts are separated, so ("ab", "c") and ("a", "bc") differ.
public func fingerprint(_ parts: [UInt8]...) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for (index, part) in parts.enumerated() {
        if index > 0 {
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for byte in part {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
    }
    return String(hash, radix: 16)
}

/// `url` with its sessions' `search_path` set to `schema` (libpq `options`), unless the
/// URL already sets one.
public func postgresURL(_ url: String, searchPath schema: String) -> String {
    guard !url.contains("search_path") else { return url }
    return url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
}
