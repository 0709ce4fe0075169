// SPDX-License-Identifier: GPL-3.0-or-later

/// The plan as a readable text table: per service the groups, hosts, members
/// and savings; then totals, status, gap and time.
public enum PlanTable {
    public static func render(_ plan: Plan, problem: Problem, showTiming: Bool = true) -> String {
        var lines: [String] = []
        let gapText = plan.relativeGap.map { "gap \(percent($0, digits: 4))" } ?? "no bound"
        var header = "\(problem.name): \(plan.status.rawValue.replacingOccurrences(of: "_", with: " "))"
        if plan.status == .optimal || plan.status == .feasible { header += " (\(gapText))" }
        header += ", objective \(plan.objective.rawValue)"
        lines.append(header)
        if let target = plan.targetSaving {
            var text = "Target: \(gbp(target))"
            if let fraction = problem.targetFraction { text += " (\(percent(fraction)) of \(gbp(problem.savingBase)))" }
            if plan.status == .optimal || plan.status == .feasible {
                text += plan.totalSaving >= target - 1e-9 * max(1, target) ? ", met" : ", NOT met"
            }
            lines.append(text)
        }
        if let reachable = plan.maxReachableSaving {
            lines.append("Largest reachable saving: \(gbp(reachable))\(plan.maxReachableIsProven ? " (proven)" : " (best found; not proven)")")
        }
        for (service, spec) in problem.services.enumerated() {
            let groups = plan.groups.filter { $0.service == service }
            lines.append("")
            var curve: String
            switch spec.curve {
            case let .power(_, exponent):
                curve = "power curve, exponent \(fixed(exponent, 3))"
                if let fit = spec.fit { curve = "fitted " + curve + ", R² \(fixed(fit.rSquared, 3)) on \(fit.points) councils" }
            case let .piecewise(volumes, _): curve = "piecewise-linear curve, \(volumes.count) points"
            }
            var state = ""
            if service < plan.serviceOutcomes.count {
                let outcome = plan.serviceOutcomes[service]
                state = " (\(outcome.status.rawValue)"
                if outcome.status == .feasible, let bound = outcome.bound {
                    state += ", bound \(gbp(bound)), gap \(percent(max(0, bound - outcome.saving) / max(1, abs(bound)), digits: 3))"
                }
                state += ")"
            }
            lines.append("\(spec.name) [\(spec.id)]\(state): \(groups.count) group\(groups.count == 1 ? "" : "s"), \(spec.participants.count) eligible councils; \(curve)")
            if groups.isEmpty { lines.append("  (no sharing)"); continue }
            var rows: [[String]] = [["Host", "Members", "Saving", "% of spend"]]
            for group in groups {
                let spend = problem.groupSpend(service: service, members: group.members)
                let others = group.members.filter { $0 != group.host }.map { problem.councils[$0].name }
                rows.append([
                    problem.councils[group.host].name, others.joined(separator: ", "),
                    gbp(group.saving), spend > 0 ? percent(group.saving / spend) : "-",
                ])
            }
            rows.append(["Total", "", gbp(groups.reduce(0) { $0 + $1.saving }), ""])
            lines += table(rows, rightAligned: [2, 3]).map { "  " + $0 }
        }
        lines.append("")
        var total = "Total saving \(gbp(plan.totalSaving)) from \(plan.groupCount) group\(plan.groupCount == 1 ? "" : "s")"
        if problem.savingBase > 0 { total += " (\(percent(plan.totalSaving / problem.savingBase)) of \(gbp(problem.savingBase)))" }
        lines.append(total)
        if let bound = plan.bound { lines.append("Bound \(gbp(bound))") }
        if let low = plan.groupsLowerBound, plan.objective == .minGroups { lines.append("Fewest groups proven: at least \(low)") }
        if showTiming {
            let stats = plan.statistics
            lines.append("Time \(fixed(stats.seconds, 2)) s (build \(fixed(stats.buildSeconds, 3)) s, pricing \(fixed(stats.pricingSeconds, 2)) s, LP \(fixed(stats.lpSeconds, 2)) s, MIP \(fixed(stats.mipSeconds, 2)) s); \(stats.columns) columns, \(stats.cuts) cuts, \(stats.pricingRounds) pricing rounds, \(stats.branchNodes) branch-and-price nodes, \(stats.mipNodes) GLPK nodes, \(stats.completedPools) completed pool\(stats.completedPools == 1 ? "" : "s")"
                + (stats.reservedPools > 0 ? " (\(stats.reservedPools) in a reserve)" : "")
                + (stats.splitPieces > 0 ? ", \(stats.splitPieces) pieces of a pool on two threads" : "")
                + (stats.sharedNodes > 0 ? ", \(stats.sharedNodes) nodes shared with a spare core" : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        widths[1] = min(widths[1], 70)
        return rows.map { row in
            row.enumerated().map { index, cell in
                let text = cell.count > widths[index] ? String(cell.prefix(widths[index] - 1)) + "…" : cell
                let pad = String(repeating: " ", count: max(0, widths[index] - text.count))
                return rightAligned.contains(index) ? pad + text : text + pad
            }.joined(separator: "  ")
        }
    }

    public static func gbp(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e17 else { return "£\(value)" }
        let rounded = Int64(value.rounded())
        let digits = String(abs(rounded))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        return (rounded < 0 ? "-£" : "£") + grouped
    }

    public static func percent(_ value: Double, digits: Int = 2) -> String { fixed(value * 100, digits) + "%" }

    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "-" }
        guard abs(value) < 1e14 else { return "\(value)" }
        let scale = (0..<digits).reduce(1.0) { acc, _ in acc * 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        var fraction = String(Int64(scaled) - whole * Int64(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}
