// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import SwiftCSV

/// One CSV file of a tables instance, read with SwiftCSV: a header line of
/// column names, then one record a row. Every cell is read through `Row`,
/// whose errors name the file, the line, the record and the column.
///
/// Edge cases: a byte-order mark is dropped (SwiftCSV does it); CRLF and LF
/// line ends are both accepted; blank lines (every cell empty) are skipped
/// wherever they are; a quoted cell may hold commas and line breaks, and line
/// numbers count those breaks; cells are trimmed of surrounding spaces. An empty
/// file, a header with a blank, duplicate or unknown column name, a missing
/// required column and a row with more cells than the header are errors.
struct CSVTable {
    let file: String
    let columns: [String]
    let rows: [Row]

    /// One data row: its cells by column name and its first line in the file.
    struct Row {
        let file: String
        let line: Int
        /// How the record is named in errors, e.g. `row 3`; `label` adds the key.
        var record: String
        let cells: [String: String]

        func error(_ column: String?, _ message: String) -> InputError {
            InputError(file: file, line: line, record: record, field: column, message: message)
        }

        /// The trimmed cell, or nil when the column is absent or the cell blank.
        func optionalText(_ column: String) -> String? {
            guard let cell = cells[column], !cell.isEmpty else { return nil }
            return cell
        }

        func text(_ column: String) throws -> String {
            guard let value = optionalText(column) else { throw error(column, "is required (the cell is empty)") }
            return value
        }

        /// A decimal number: digits, an optional sign, point and exponent. Not
        /// text, not NaN or infinity, not hexadecimal; `minimum` bounds it below.
        func optionalNumber(_ column: String, minimum: Double? = 0) throws -> Double? {
            guard let cell = optionalText(column) else { return nil }
            let allowed = Set("0123456789+-.eE")
            guard cell.allSatisfy({ allowed.contains($0) }), cell.contains(where: \.isNumber),
                  let value = Double(cell)
            else {
                if ["nan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity"].contains(cell.lowercased()) {
                    throw error(column, "must be a finite number, found \"\(cell)\"")
                }
                throw error(column, "expected a number, found \"\(cell)\"")
            }
            guard value.isFinite else { throw error(column, "must be a finite number, found \"\(cell)\"") }
            if let minimum, value < minimum {
                throw error(column, "must not be negative, found \(cell)")
            }
            return value
        }

        func number(_ column: String, minimum: Double? = 0) throws -> Double {
            guard let value = try optionalNumber(column, minimum: minimum) else {
                throw error(column, "is required (the cell is empty)")
            }
            return value
        }

        /// `true`/`false` (also yes/no, 1/0, any case); blank is nil.
        func optionalBool(_ column: String) throws -> Bool? {
            guard let cell = optionalText(column) else { return nil }
            switch cell.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: throw error(column, "expected true or false, found \"\(cell)\"")
            }
        }

        /// A `;`-separated list (`county;unitary`); blank is nil.
        func optionalList(_ column: String) throws -> [String]? {
            guard let cell = optionalText(column) else { return nil }
            let items = cell.split(separator: ";", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !items.contains(where: \.isEmpty) else {
                throw error(column, "expected a list separated by \";\", found an empty item in \"\(cell)\"")
            }
            return items
        }
    }

    /// Reads `path`. `required` columns must be in the header; every header
    /// column must be in `required` or `optional` (a typo is an error).
    static func read(_ path: String, required: [String], optional: [String]) throws -> CSVTable {
        let text = try InstanceLoader.readText(path)
        let allowed = required + optional
        func fail(_ message: String) -> InputError { InputError(file: path, record: "", message: message) }
        let raw: [[String]]
        do {
            let csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
            var collected: [[String]] = []
            try csv.enumerateAsArray(startAt: 0, rowLimit: nil) { collected.append($0) }
            raw = collected
        } catch let error as CSVParseError {
            let reason: String
            switch error {
            case .generic(let message), .quotation(let message): reason = message
            }
            throw fail("is not valid CSV (\(reason)); quote a cell that holds a comma, a quote or a line break")
        }

        // Line numbers: each row starts on the line after the previous row's
        // last; a row spans one line plus the line breaks inside quoted cells.
        var lineOfRow: [Int] = []
        var nextLine = 1
        for row in raw {
            lineOfRow.append(nextLine)
            nextLine += 1 + row.reduce(0) { $0 + $1.filter(\.isNewline).count }
        }
        func isBlank(_ row: [String]) -> Bool {
            row.allSatisfy { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        }
        guard let headerIndex = raw.firstIndex(where: { !isBlank($0) }) else {
            throw fail("is empty; expected a header line naming the columns (\(required.joined(separator: ", ")), ...)")
        }
        let headerLine = lineOfRow[headerIndex]
        let columns = raw[headerIndex].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        for (position, column) in columns.enumerated() {
            guard !column.isEmpty else {
                throw InputError(file: path, line: headerLine, record: "header", field: "column \(position + 1)",
                                 message: "has no name")
            }
            guard allowed.contains(column) else {
                throw InputError(file: path, line: headerLine, record: "header", field: column,
                                 message: "unknown column (allowed: \(allowed.joined(separator: ", ")))")
            }
            guard columns.firstIndex(of: column) == position else {
                throw InputError(file: path, line: headerLine, record: "header", field: column, message: "duplicate column")
            }
        }
        for column in required where !columns.contains(column) {
            throw InputError(file: path, line: headerLine, record: "header", field: column, message: "required column is missing")
        }

        var rows: [Row] = []
        for index in (headerIndex + 1)..<raw.count where !isBlank(raw[index]) {
            let cells = raw[index]
            let line = lineOfRow[index]
            let record = "row \(rows.count + 1)"
            if cells.count > columns.count {
                let extra = cells[columns.count...].contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                if extra {
                    throw InputError(file: path, line: line, record: record,
                                     message: "has \(cells.count) cells but the header has \(columns.count) columns")
                }
            }
            var byColumn: [String: String] = [:]
            for (position, column) in columns.enumerated() {
                byColumn[column] = position < cells.count ? cells[position].trimmingCharacters(in: .whitespacesAndNewlines) : ""
            }
            rows.append(Row(file: path, line: line, record: record, cells: byColumn))
        }
        return CSVTable(file: path, columns: columns, rows: rows)
    }
}
