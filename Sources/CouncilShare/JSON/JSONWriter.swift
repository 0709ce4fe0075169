// SPDX-License-Identifier: GPL-3.0-or-later

/// Writes JSON deterministically: keys in the order given, numbers in their
/// shortest round-trip form, two-space indentation.
public enum JSONWriter {
    public static func write(_ value: JSONValue, indent: Int = 0, compact: Bool = false) -> String {
        var out = ""
        append(value, to: &out, level: indent, compact: compact)
        return out
    }

    static func append(_ value: JSONValue, to out: inout String, level: Int, compact: Bool) {
        let pad = compact ? "" : String(repeating: "  ", count: level + 1)
        let closePad = compact ? "" : String(repeating: "  ", count: level)
        let newline = compact ? "" : "\n"
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += formatNumber(number)
        case .string(let text): out += quoted(text)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Short lists of scalars stay on one line.
            let scalars = items.allSatisfy {
                if case .array = $0.value { return false }
                if case .object = $0.value { return false }
                return true
            }
            if scalars || compact {
                out += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { out += compact ? "," : ", " }
                    append(item.value, to: &out, level: level + 1, compact: compact)
                }
                out += "]"
                return
            }
            out += "[" + newline
            for (index, item) in items.enumerated() {
                out += pad
                append(item.value, to: &out, level: level + 1, compact: compact)
                out += index + 1 < items.count ? "," + newline : newline
            }
            out += closePad + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{" + newline
            for (index, member) in members.enumerated() {
                out += pad + quoted(member.key) + (compact ? ":" : ": ")
                append(member.value.value, to: &out, level: level + 1, compact: compact)
                out += index + 1 < members.count ? "," + newline : newline
            }
            out += closePad + "}"
        }
    }

    /// Integers print without a fraction; other values in Swift's shortest
    /// round-trip form. Non-finite values (never produced) print as null.
    public static func formatNumber(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 {
            return String(Int64(number))
        }
        return "\(number)"
    }

    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Small helpers to build `JSONValue`s without line numbers.
public extension JSONValue {
    static func obj(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(members.map { (key: $0.0, value: Located(value: $0.1, line: 0)) })
    }
    static func arr(_ items: [JSONValue]) -> JSONValue {
        .array(items.map { Located(value: $0, line: 0) })
    }
    static func num(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }
    static func str(_ value: String?) -> JSONValue {
        guard let value else { return .null }
        return .string(value)
    }
}
