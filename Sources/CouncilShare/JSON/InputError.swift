// SPDX-License-Identifier: GPL-3.0-or-later

/// Bad input: the message names the file, the line when known, the record
/// and the field. Thrown by readers and by validation; never a crash.
public struct InputError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int?
    /// The record, e.g. `spend[3] (council E07000117, service legal)`.
    public var record: String
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, record: String, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.record = record
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if !record.isEmpty { text += ": \(record)" }
        if let field { text += ": field \"\(field)\"" }
        return text + ": " + message
    }
}

/// Reads the fields of one JSON object, tracking which were used so that
/// unknown fields (typos) are reported rather than ignored.
struct ObjectReader {
    let file: String
    let record: String
    let line: Int
    private let members: [String: JSONValue.Located]
    private let order: [String]

    init(_ located: JSONValue.Located, file: String, record: String) throws {
        guard case .object(let pairs) = located.value else {
            throw InputError(file: file, line: located.line, record: record,
                             message: "expected an object, found \(located.value.kindName)")
        }
        self.file = file
        self.record = record
        self.line = located.line
        var members: [String: JSONValue.Located] = [:]
        for pair in pairs { members[pair.key] = pair.value }
        self.members = members
        self.order = pairs.map(\.key)
    }

    func error(_ field: String?, _ message: String) -> InputError {
        let line = field.flatMap { members[$0]?.line } ?? self.line
        return InputError(file: file, line: line, record: record, field: field, message: message)
    }

    func has(_ key: String) -> Bool {
        guard let value = members[key] else { return false }
        return value.value != .null
    }

    func rejectUnknown(allowed: [String]) throws {
        for key in order where !allowed.contains(key) {
            throw error(key, "unknown field (allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    func raw(_ key: String) -> JSONValue.Located? {
        guard let value = members[key], value.value != .null else { return nil }
        return value
    }

    func optionalNumber(_ key: String) throws -> Double? {
        guard let value = raw(key) else { return nil }
        guard case .number(let number) = value.value else {
            throw error(key, "expected a number, found \(value.value.kindName)")
        }
        return number
    }

    func number(_ key: String) throws -> Double {
        guard let value = try optionalNumber(key) else { throw error(key, "is required") }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = raw(key) else { return nil }
        guard case .string(let text) = value.value else {
            throw error(key, "expected a string, found \(value.value.kindName)")
        }
        return text
    }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw error(key, "is required") }
        return value
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let value = raw(key) else { return nil }
        guard case .bool(let flag) = value.value else {
            throw error(key, "expected true or false, found \(value.value.kindName)")
        }
        return flag
    }

    func optionalArray(_ key: String) throws -> [JSONValue.Located]? {
        guard let value = raw(key) else { return nil }
        guard case .array(let items) = value.value else {
            throw error(key, "expected a list, found \(value.value.kindName)")
        }
        return items
    }

    func array(_ key: String) throws -> [JSONValue.Located] {
        guard let value = try optionalArray(key) else { throw error(key, "is required") }
        return value
    }

    func optionalObject(_ key: String, record: String) throws -> ObjectReader? {
        guard let value = raw(key) else { return nil }
        return try ObjectReader(value, file: file, record: record)
    }

    func optionalStringList(_ key: String) throws -> [String]? {
        guard let items = try optionalArray(key) else { return nil }
        return try items.map { item in
            guard case .string(let text) = item.value else {
                throw error(key, "expected a list of strings, found \(item.value.kindName) in it")
            }
            return text
        }
    }
}
