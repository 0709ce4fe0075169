// SPDX-License-Identifier: GPL-3.0-or-later

/// Row and column names that GLPK and the CPLEX LP format accept.
enum GLPKNames {
    /// Keeps letters, digits, `_` and `.`, maps anything else to `_`, makes the
    /// name start with a letter, and cuts it to 255 bytes (GLPK aborts beyond).
    static func sanitized(_ name: String, fallback: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(name.utf8.count, 255))
        for byte in name.utf8 {
            let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2E
            bytes.append(ok ? byte : 0x5F)
            if bytes.count == 255 { break }
        }
        if bytes.isEmpty { return fallback }
        let first = bytes[0]
        if !((first >= 0x41 && first <= 0x5A) || (first >= 0x61 && first <= 0x7A)) {
            bytes.insert(0x78, at: 0)  // "x"
            if bytes.count > 255 { bytes.removeLast() }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
