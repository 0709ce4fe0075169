// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// A what-if laid over any instance (JSON or a folder of tables): a YAML file
/// that may set the name, description, target, objective, party rules, the
/// minimum group saving fraction and per-service settings, and add opt-outs,
/// forbidden pairs and keep-together pairs. A folder's own `scenario.yaml` is
/// applied the same way when the folder is read.
///
/// ```yaml
/// # NLGN target with the fewest agreements
/// name: england-nlgn-min-groups
/// target: {min_saving_fraction: 0.018}   # or {min_saving: 25000000}, or null to drop it
/// objective: min_groups                  # or max_saving
/// incompatible_parties: [[REF, LAB], [REF, LD]]   # replaces the instance's list
/// min_group_saving_fraction: 0.05
/// services:
///   back_office: {max_distance_km: 40, contiguous: true}   # any services.csv column
///   legal: {exponent: 0.9, scale: 3.1}     # or points: [[0, 0], [100, 900]], or curve: fitted
/// opt_out: [{council: E07000117, service: legal}]           # added to the instance's
/// forbidden_pairs: [{a: E07000117, b: E07000118}]          # service optional
/// keep_together: [{a: E07000117, b: E07000118, service: legal}]
/// ```
///
/// Keys left out leave the instance as it is; `null` clears an optional
/// setting (`target`, a service's `max_distance_km` or `tiers`). Codes are
/// checked against the instance in `apply(to:)`; values are then checked by
/// `Problem(instance:file:)` as for any instance.
public struct Scenario: Equatable, Sendable {
    /// A change to one service; nil fields are left as they are.
    public struct ServiceChange: Equatable, Sendable {
        public var service: String
        public var line: Int?
        public var name: String?
        public var costCurve: Instance.CurveSpec?
        public var maxMembers: Int?
        /// `.some(nil)`: no distance limit.
        public var maxDistanceKm: Double??
        public var distanceCostPerKm: Double?
        public var setupCostPerMember: Double?
        public var setupYears: Double?
        /// `.some(nil)`: every tier.
        public var tiers: [String]??
        public var contiguous: Bool?
    }

    /// A council or service code with the line that named it (for errors).
    struct Located<Value: Equatable & Sendable>: Equatable, Sendable {
        var value: Value
        var line: Int?
        var record: String
    }

    public var file: String
    public var name: String?
    public var description: String?
    /// `.some(nil)`: remove the instance's target.
    public var target: Instance.Target??
    public var objective: Instance.Objective?
    public var incompatibleParties: [[String]]?
    public var minGroupSavingFraction: Double?
    public var services: [ServiceChange] = []
    var optOut: [Located<Instance.OptOut>] = []
    var forbiddenPairs: [Located<Instance.Pair>] = []
    var keepTogether: [Located<Instance.Pair>] = []

    public static let keys = ["name", "description", "target", "objective", "incompatible_parties",
                              "min_group_saving_fraction", "services", "opt_out", "forbidden_pairs", "keep_together"]
    static let serviceKeys = ["name", "curve", "exponent", "scale", "points", "max_members", "max_distance_km",
                              "distance_cost_per_km", "setup_cost_per_member", "setup_years", "tiers", "contiguous"]

    public init(file: String) { self.file = file }

    /// Reads a scenario file. Comments, flow and block style are all YAML.
    public static func load(_ path: String) throws -> Scenario {
        try Scenario(yaml: try InstanceLoader.readText(path), file: path)
    }

    /// Reads scenario YAML text; `file` names it in errors.
    public init(yaml text: String, file: String) throws {
        self.file = file
        let top = try YAMLReader.parse(text, file: file)
        try top.rejectUnknown(allowed: Scenario.keys)
        name = try top.optionalString("name")
        description = try top.optionalString("description")
        if top.has("target") {
            if top.isNull("target") {
                target = .some(nil)
            } else {
                let reader = try top.optionalMapping("target", record: "target")!
                try reader.rejectUnknown(allowed: ["min_saving", "min_saving_fraction"])
                switch (try reader.optionalNumber("min_saving"), try reader.optionalNumber("min_saving_fraction")) {
                case let (value?, nil): target = .minSaving(value)
                case let (nil, value?): target = .minSavingFraction(value)
                case (nil, nil): throw reader.error(nil, "give min_saving or min_saving_fraction (or target: null to drop the target)")
                default: throw reader.error("min_saving_fraction", "give min_saving or min_saving_fraction, not both")
                }
            }
        }
        if let text = try top.optionalString("objective") {
            guard let parsed = Instance.Objective(rawValue: text) else {
                throw top.error("objective", "unknown objective \"\(text)\" (use max_saving or min_groups)")
            }
            objective = parsed
        }
        if let pairs = try top.optionalSequence("incompatible_parties") {
            incompatibleParties = try pairs.enumerated().map { index, node in
                let record = "incompatible_parties[\(index)]"
                guard case .sequence(let items) = node, items.count == 2 else {
                    throw InputError(file: file, line: node.mark?.line, record: record,
                                     field: "incompatible_parties", message: "expected a pair of party labels like [REF, LAB]")
                }
                return try items.map { item in
                    try YAMLReader.string(item) {
                        InputError(file: file, line: item.mark?.line, record: record, field: "incompatible_parties", message: $0)
                    }
                }
            }
        } else if top.isNull("incompatible_parties") {
            incompatibleParties = []
        }
        minGroupSavingFraction = try top.optionalNumber("min_group_saving_fraction")

        if let services = try top.optionalMapping("services", record: "services") {
            for (id, reader) in try services.entries(record: { "services.\($0)" }) {
                try reader.rejectUnknown(allowed: Scenario.serviceKeys)
                var change = ServiceChange(service: id, line: reader.line)
                change.name = try reader.optionalString("name")
                change.costCurve = try Scenario.curve(reader)
                if let members = try reader.optionalNumber("max_members") {
                    guard members == members.rounded(), members >= 2, members <= 64 else {
                        throw reader.error("max_members", "must be a whole number from 2 to 64, found \(members)")
                    }
                    change.maxMembers = Int(members)
                }
                if reader.has("max_distance_km") { change.maxDistanceKm = .some(try reader.optionalNumber("max_distance_km")) }
                change.distanceCostPerKm = try reader.optionalNumber("distance_cost_per_km")
                change.setupCostPerMember = try reader.optionalNumber("setup_cost_per_member")
                change.setupYears = try reader.optionalNumber("setup_years")
                if reader.has("tiers") { change.tiers = .some(try reader.optionalStringList("tiers")) }
                change.contiguous = try reader.optionalBool("contiguous")
                self.services.append(change)
            }
        }

        for key in ["opt_out", "forbidden_pairs", "keep_together"] {
            for (index, node) in (try top.optionalSequence(key) ?? []).enumerated() {
                let record = "\(key)[\(index)]"
                let reader = try YAMLReader(node, file: file, record: record)
                func required(_ field: String) throws -> String {
                    guard let value = try reader.optionalString(field) else { throw reader.error(field, "is required") }
                    return value
                }
                if key == "opt_out" {
                    try reader.rejectUnknown(allowed: ["council", "service"])
                    optOut.append(Located(value: Instance.OptOut(council: try required("council"), service: try required("service")),
                                          line: reader.line, record: record))
                } else {
                    try reader.rejectUnknown(allowed: ["a", "b", "service"])
                    let service = key == "keep_together" ? try required("service") : try reader.optionalString("service")
                    let pair = Located(value: Instance.Pair(a: try required("a"), b: try required("b"), service: service),
                                       line: reader.line, record: record)
                    if key == "keep_together" { keepTogether.append(pair) } else { forbiddenPairs.append(pair) }
                }
            }
        }
    }

    private static func curve(_ reader: YAMLReader) throws -> Instance.CurveSpec? {
        let hasPower = reader.has("exponent") || reader.has("scale")
        let given = [reader.has("curve"), hasPower, reader.has("points")].filter { $0 }.count
        guard given <= 1 else {
            throw reader.error(reader.has("curve") ? "curve" : "points",
                               "give one of curve: fitted, exponent and scale, or points")
        }
        if let word = try reader.optionalString("curve") {
            guard word == "fitted" else { throw reader.error("curve", "the only word here is fitted, found \"\(word)\"") }
            return .fitted
        }
        if hasPower {
            guard let exponent = try reader.optionalNumber("exponent") else { throw reader.error("exponent", "is required with scale") }
            guard let scale = try reader.optionalNumber("scale") else { throw reader.error("scale", "is required with exponent") }
            return .power(scale: scale, exponent: exponent)
        }
        if let items = try reader.optionalSequence("points") {
            return .points(try items.map { item in
                guard case .sequence(let pair) = item, pair.count == 2 else {
                    throw InputError(file: reader.file, line: item.mark?.line, record: reader.record, field: "points",
                                     message: "expected [volume, cost] pairs")
                }
                return try pair.map { value in
                    try YAMLReader.number(value) {
                        InputError(file: reader.file, line: value.mark?.line, record: reader.record, field: "points", message: $0)
                    }
                }
            })
        }
        return nil
    }

    /// Lays the scenario over `instance`. A service, council or rule that the
    /// instance does not have is an `InputError` naming this file and line.
    public func apply(to instance: inout Instance) throws {
        if let name { instance.name = name }
        if let description { instance.description = description }
        if let target { instance.target = target }
        if let objective { instance.objective = objective }
        if let incompatibleParties { instance.incompatibleParties = incompatibleParties }
        if let minGroupSavingFraction { instance.minGroupSavingFraction = minGroupSavingFraction }
        let councils = Set(instance.councils.map(\.id))
        func checkCouncil(_ id: String, _ line: Int?, _ record: String, _ field: String) throws {
            guard councils.contains(id) else {
                throw InputError(file: file, line: line, record: record, field: field, message: "unknown council \"\(id)\" (not in the instance)")
            }
        }
        func serviceIndex(_ id: String, _ line: Int?, _ record: String, _ field: String?) throws -> Int {
            guard let index = instance.services.firstIndex(where: { $0.id == id }) else {
                throw InputError(file: file, line: line, record: record, field: field,
                                 message: "unknown service \"\(id)\" (the instance has \(instance.services.map(\.id).joined(separator: ", ")))")
            }
            return index
        }
        for change in services {
            let index = try serviceIndex(change.service, change.line, "services", change.service)
            var service = instance.services[index]
            if let name = change.name { service.name = name }
            if let curve = change.costCurve { service.costCurve = curve }
            if let members = change.maxMembers { service.maxMembers = members }
            if let distance = change.maxDistanceKm { service.maxDistanceKm = distance }
            if let cost = change.distanceCostPerKm { service.distanceCostPerKm = cost }
            if let cost = change.setupCostPerMember { service.setupCostPerMember = cost }
            if let years = change.setupYears { service.setupYears = years }
            if let tiers = change.tiers { service.tiers = tiers }
            if let contiguous = change.contiguous { service.contiguous = contiguous }
            instance.services[index] = service
        }
        for rule in optOut {
            try checkCouncil(rule.value.council, rule.line, rule.record, "council")
            _ = try serviceIndex(rule.value.service, rule.line, rule.record, "service")
            instance.optOut.append(rule.value)
        }
        for (rules, keyPath) in [(forbiddenPairs, \Instance.forbiddenPairs), (keepTogether, \Instance.keepTogether)] {
            for rule in rules {
                try checkCouncil(rule.value.a, rule.line, rule.record, "a")
                try checkCouncil(rule.value.b, rule.line, rule.record, "b")
                if let service = rule.value.service { _ = try serviceIndex(service, rule.line, rule.record, "service") }
                instance[keyPath: keyPath].append(rule.value)
            }
        }
    }
}
