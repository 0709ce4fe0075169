// SPDX-License-Identifier: GPL-3.0-or-later

/// Published optimal values, read from a CSV with (at least) the columns
/// `instance` and `optimal_value` (as `benchmarks/orlib/optima.csv`).
public struct PublishedOptima: Sendable {
    public var values: [String: Double] = [:]

    public init(values: [String: Double]) { self.values = values }

    public static func load(_ path: String) throws -> PublishedOptima {
        let table = try CSVTable.read(path, required: ["instance", "optimal_value"],
                                      optional: ["family", "n", "p_or_facilities", "status", "source_note"])
        var values: [String: Double] = [:]
        for row in table.rows {
            let name = try row.text("instance")
            guard values[name] == nil else { throw row.error("instance", "\(name) is listed twice") }
            values[name] = try row.number("optimal_value")
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
