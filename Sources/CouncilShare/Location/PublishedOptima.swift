// SPDX-License-Identifier: GPL-3.0-or-later

/// Published optimal values, read from a CSV with (at least) the columns
/// `instance` and `optimal_value` (as `benchmarks/orlib/optima.csv`).
public struct PublishedOptima: Sendable {
    public var values: [String: Double] = [:]

    public init(values: [String: Double]) { self.values = values }

    public static func load(_ path: String) throws -> PublishedOptima {
        let rows = try CSVText.rows(try InstanceLoader.readText(path), file: path)
        guard let header = rows.first else { throw InputError(file: path, line: 1, record: "header", message: "the file is empty") }
        guard let name = header.fields.firstIndex(of: "instance"), let value = header.fields.firstIndex(of: "optimal_value") else {
            throw InputError(file: path, line: 1, record: "header", message: "needs the columns instance and optimal_value")
        }
        var values: [String: Double] = [:]
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            guard row.fields.count > max(name, value) else {
                throw InputError(file: path, line: row.line, record: "row \(row.line)", message: "has \(row.fields.count) fields, fewer than the header")
            }
            guard let number = Double(row.fields[value]), number.isFinite else {
                throw InputError(file: path, line: row.line, record: "row \(row.line)", field: "optimal_value", message: "expected a number, found \"\(row.fields[value])\"")
            }
            values[row.fields[name]] = number
        }
        return PublishedOptima(values: values)
    }

    /// The published value for an instance name (file name without extension).
    public func value(for instance: String) -> Double? { values[instance] }

    /// Published values are cut to 3 decimals and may be off by one in the last digit.
    public static func matches(_ objective: Double, _ published: Double) -> Bool {
        abs(objective - published) <= max(1e-2, 1e-8 * abs(published))
    }
}

/// RFC 4180 rows (quoted fields with commas, doubled quotes, CRLF) with line numbers.
enum CSVText {
    struct Row { var fields: [String]; var line: Int }

    static func rows(_ text: String, file: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = [], field = "", quoted = false, line = 1, rowLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return iterator.next() }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let after = next() { if after == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = after } } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field); field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r", let after = next(), after != "\n" { pending = after }
                fields.append(field); field = ""
                rows.append(Row(fields: fields, line: rowLine)); fields = []
                line += 1; rowLine = line
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if quoted { throw InputError(file: file, line: rowLine, record: "row \(rowLine)", message: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { fields.append(field); rows.append(Row(fields: fields, line: rowLine)) }
        return rows
    }
}
