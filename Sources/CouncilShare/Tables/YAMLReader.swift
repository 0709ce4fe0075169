// SPDX-License-Identifier: GPL-3.0-or-later
import Yams

/// Reads the keys of one YAML mapping (composed by Yams, so every node keeps
/// its line), checking types and rejecting unknown keys, like `ObjectReader`
/// does for JSON. Errors name the file, the line, the record and the key.
struct YAMLReader {
    let file: String
    let record: String
    let line: Int?
    private let pairs: [(key: String, value: Node, line: Int?)]

    init(_ node: Node, file: String, record: String) throws {
        guard case .mapping(let mapping) = node else {
            throw InputError(file: file, line: node.mark?.line, record: record,
                             message: "expected a mapping of keys to values, found \(YAMLReader.kind(node))")
        }
        self.file = file
        self.record = record
        self.line = node.mark?.line
        var pairs: [(key: String, value: Node, line: Int?)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw InputError(file: file, line: key.mark?.line, record: record, message: "a key must be plain text")
            }
            pairs.append((scalar.string, value, key.mark?.line))
        }
        self.pairs = pairs
    }

    /// Parses a whole YAML text; an empty document is an empty mapping.
    static func parse(_ text: String, file: String) throws -> YAMLReader {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                return try YAMLReader(Node.mapping(Node.Mapping([])), file: file, record: "scenario")
            }
            return try YAMLReader(root, file: file, record: "scenario")
        } catch let error as YamlError {
            throw InputError(file: file, line: YAMLReader.line(of: error), record: "", message: "invalid YAML: \(YAMLReader.problem(error))")
        }
    }

    var keys: [String] { pairs.map(\.key) }

    func error(_ key: String?, _ message: String) -> InputError {
        let line = key.flatMap { key in pairs.first { $0.key == key }?.line } ?? self.line
        return InputError(file: file, line: line, record: record, field: key, message: message)
    }

    func rejectUnknown(allowed: [String]) throws {
        for pair in pairs where !allowed.contains(pair.key) {
            throw error(pair.key, "unknown key (allowed: \(allowed.joined(separator: ", ")))")
        }
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    /// The node of `key`, or nil when absent.
    func node(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    /// True when the key is present with the value `null` or `~` (or nothing).
    func isNull(_ key: String) -> Bool {
        guard let node = node(key) else { return false }
        return YAMLReader.isNull(node)
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar = node, YAMLReader.tagName(node) == .null { return true }
        return false
    }

    func optionalString(_ key: String) throws -> String? {
        guard let node = node(key), !YAMLReader.isNull(node) else { return nil }
        return try YAMLReader.string(node) { error(key, $0) }
    }

    func optionalNumber(_ key: String) throws -> Double? {
        guard let node = node(key), !YAMLReader.isNull(node) else { return nil }
        return try YAMLReader.number(node) { error(key, $0) }
    }

    func optionalBool(_ key: String) throws -> Bool? {
        guard let node = node(key), !YAMLReader.isNull(node) else { return nil }
        guard case .scalar = node, YAMLReader.tagName(node) == .bool, let flag = node.bool else {
            throw error(key, "expected true or false, found \(YAMLReader.kind(node))")
        }
        return flag
    }

    func optionalSequence(_ key: String) throws -> [Node]? {
        guard let node = node(key), !YAMLReader.isNull(node) else { return nil }
        guard case .sequence(let items) = node else { throw error(key, "expected a list, found \(YAMLReader.kind(node))") }
        return Array(items)
    }

    func optionalStringList(_ key: String) throws -> [String]? {
        try optionalSequence(key)?.map { item in
            try YAMLReader.string(item) { error(key, "expected a list of text items: \($0)") }
        }
    }

    func optionalMapping(_ key: String, record: String) throws -> YAMLReader? {
        guard let node = node(key), !YAMLReader.isNull(node) else { return nil }
        return try YAMLReader(node, file: file, record: record)
    }

    /// Each key of a mapping with its value as a reader (for `services:`).
    func entries(record: (String) -> String) throws -> [(key: String, reader: YAMLReader)] {
        try pairs.map { pair in (pair.key, try YAMLReader(pair.value, file: file, record: record(pair.key))) }
    }

    static func string(_ node: Node, fail: (String) -> InputError) throws -> String {
        guard case .scalar(let scalar) = node, [Tag.Name.str, .int, .float].contains(tagName(node)) else {
            throw fail("expected text, found \(kind(node))")
        }
        return scalar.string
    }

    static func number(_ node: Node, fail: (String) -> InputError) throws -> Double {
        guard case .scalar = node, tagName(node) == .int || tagName(node) == .float, let value = node.float else {
            throw fail("expected a number, found \(kind(node))")
        }
        guard value.isFinite else { throw fail("must be a finite number, found \(value)") }
        return value
    }

    /// The resolved tag of a node (`str`, `int`, `float`, `bool`, `null`, ...).
    static func tagName(_ node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.description) }

    static func kind(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tagName(node) {
            case .null: return "nothing (null)"
            case .bool: return "true/false (\(scalar.string))"
            case .int, .float: return "a number (\(scalar.string))"
            default: return "text \"\(scalar.string)\""
            }
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        case let .duplicatedKeysInMapping(_, context): return context.mark.line
        default: return nil
        }
    }

    private static func problem(_ error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            return context.map { "\(problem) \($0.text)" } ?? problem
        case let .duplicatedKeysInMapping(duplicates, _):
            return "duplicate key \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }
}
