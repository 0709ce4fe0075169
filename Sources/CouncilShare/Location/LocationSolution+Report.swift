// SPDX-License-Identifier: GPL-3.0-or-later

extension LocationSolution {
    /// The answer as JSON: 1-based hub and client numbers as in the files.
    /// No timings, so that the same input gives the same bytes.
    public func jsonValue(problem: LocationProblem) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("instance", .string(problem.name)),
            ("family", .string(problem.family.rawValue)),
            ("formulation", .string(formulation.rawValue)),
            ("status", .string(status.rawValue)),
            ("objective", .num(objective)),
            ("bound", .num(bound)),
            ("gap", .num(relativeGap)),
            ("clients", .number(Double(problem.clientCount))),
            ("candidate_hubs", .number(Double(problem.hubCount))),
        ]
        if let p = problem.p { fields.append(("p", .number(Double(p)))) }
        fields.append(("hubs", .arr(open.map { .number(Double($0 + 1)) })))
        fields.append(("assignment", .arr(assignment.enumerated().map { client, hub in
            .obj([("client", .number(Double(client + 1))), ("hub", .number(Double(hub + 1))),
                  ("cost", .num(problem.cost(client, hub)))])
        })))
        return .obj(fields)
    }

    /// A short readable summary: status, objective, bound and gap, the hubs
    /// with how many clients each serves.
    public func table(problem: LocationProblem) -> String {
        var lines: [String] = []
        lines.append("\(problem.name) (\(problem.family.rawValue)): \(problem.clientCount) clients, \(problem.hubCount) candidate hubs" +
                     (problem.p.map { ", p = \($0)" } ?? ""))
        lines.append("status: \(status.rawValue)" + (formulation == .textbook ? " (textbook formulation)" : ""))
        if let objective { lines.append("objective: \(Self.format(objective))") }
        if let bound { lines.append("bound: \(Self.format(bound))") }
        if let gap = relativeGap { lines.append("gap: \(PlanTable.fixed(gap * 100, 4))%") }
        if !open.isEmpty {
            var served = Array(repeating: 0, count: problem.hubCount)
            for hub in assignment where hub >= 0 { served[hub] += 1 }
            lines.append("hubs (\(open.count)): " + open.map { "\($0 + 1) [\(served[$0])]" }.joined(separator: ", "))
        }
        lines.append("time: \(PlanTable.fixed(seconds, 2)) s, \(nodes) nodes, \(rounds) rounds, \(rows) rows x \(columns) columns, \(fixed) hub fixings")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per client: client, hub, assignment cost (1-based numbers).
    public func csv(problem: LocationProblem) -> String {
        var lines = ["client,hub,cost"]
        for (client, hub) in assignment.enumerated() where hub >= 0 {
            lines.append("\(client + 1),\(hub + 1),\(JSONWriter.formatNumber(problem.cost(client, hub)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Integers without decimals, others to 3 decimals (as published).
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : PlanTable.fixed(value, 3)
    }
}
