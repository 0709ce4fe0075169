// SPDX-License-Identifier: GPL-3.0-or-later

/// The frontier as CSV, one row per point:
///
///     k,saving,bound,gap,status,groups,seconds
///
/// `k` is the most groups allowed; `saving` and `bound` are GBP a year to the
/// penny; `gap` is the relative gap `(bound - saving) / bound`; `status` is
/// the point's plan status (`optimal`, `feasible`, `infeasible`,
/// `no_solution`); `groups` is the number of groups the plan uses (at most
/// `k`); `seconds` the time spent on the point. Fields that do not apply
/// (no plan, no bound) are empty.
public enum FrontierTable {
    public static let header = "k,saving,bound,gap,status,groups,seconds"

    public static func csv(_ frontier: Frontier) -> String {
        var lines = [header]
        for point in frontier.points {
            let plan = point.plan
            let hasPlan = plan.status == .optimal || plan.status == .feasible
            lines.append([
                String(point.groupLimit),
                hasPlan ? PlanTable.fixed(plan.totalSaving, 2) : "",
                plan.bound.map { PlanTable.fixed($0, 2) } ?? "",
                plan.relativeGap.map { JSONWriter.formatNumber(($0 * 1e9).rounded() / 1e9) } ?? "",
                plan.status.rawValue,
                hasPlan ? String(plan.groupCount) : "",
                PlanTable.fixed(point.seconds, 3),
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
