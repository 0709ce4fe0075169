// SPDX-License-Identifier: GPL-3.0-or-later
import LinearModel

extension BranchAndPrice {
    /// Plan merging, in the spirit of the "construct, merge, solve and adapt"
    /// matheuristic (Blum et al. 2016): GLPK's branch-and-cut over a small
    /// sub-pool built around a plan and a second set of groups.
    ///
    /// The sub-pool holds every live column of the master and its reserve (retired ones are
    /// in no better plan) within two member changes of a group of `base` or
    /// of `other` (`|g △ h| ≤ 2`): the group itself, the group with one or
    /// two councils more or fewer, or with one council swapped. `other` is another
    /// good plan (`merge` in `solve`) or the groups an LP solution uses
    /// (`mergeWithRelaxation`). The swaps let the councils that one plan
    /// leaves out move between groups, so the sub-pool holds plans that
    /// neither side contains and that a local move cannot reach.
    ///
    /// Measured on England's fostering and adoption (the instance of the
    /// README's commands): from the £1,058,229,171 plan, merging with the
    /// support of the complete pool's LP (106 groups; a sub-pool of about 2,400)
    /// gives £1,058,338,955 in under 2 s, and merging that plan with the first
    /// gives £1,058,847,556, the plan that GLPK over the whole pool of 19,000
    /// groups finds after about 750 s. The neighbourhood of one plan alone
    /// (even within four changes per group) holds nothing better.
    ///
    /// The sub-problem has the master's council rows (with `keep_together`),
    /// group limit and subset-row cuts, but not its branching decisions, and
    /// is warm-started from `base`. It stops at `deadline` (seconds on
    /// `clock`); without one, after `mergeCallLimit` of GLPK's calls back, so
    /// that an untimed solve stays deterministic and ends. Returns its plan
    /// when it beats `base` by more than a rounding tolerance; the caller
    /// checks it (`offer`).
    func mergePlans(_ master: GroupMaster, index: LiveColumns, base: [GroupColumn], with other: [GroupColumn],
                    deadline: Double?) -> [GroupColumn]? {
        var chosen = Set<Int>()
        var seeds = Set<GroupColumn>()
        for group in base + other where seeds.insert(group).inserted {
            // A column within two changes keeps all but at most two of the
            // group's members, so it holds one of the first three.
            for council in group.members.prefix(3) {
                for offset in index.containing(service: group.service, council: council) where !chosen.contains(offset) {
                    let column = index.columns[offset]
                    if column.service == group.service && symmetricDifference(column.members, group.members) <= 2 {
                        chosen.insert(offset)
                    }
                }
            }
        }
        let sub = master.copy(columns: chosen.sorted().map { index.columns[$0] })
        guard let start = sub.indices(of: base), deadline.map({ clock.seconds < $0 }) ?? true else { return nil }
        var parameters = MIPParameters()
        parameters.relativeGap = options.relativeGap
        parameters.warmStart = sub.assignment(selecting: start)
        let stop = options.shouldStop
        if let deadline {
            parameters.timeLimit = max(0.01, deadline - clock.seconds)
            parameters.shouldStop = stop
        } else {
            let calls = CallCounter(limit: mergeCallLimit)
            parameters.shouldStop = { stop() || calls.exceeded() }
        }
        let (result, picked) = sub.solveMIP(parameters)
        guard result.solution != nil else { return nil }
        let plan = picked.map { sub.columns[$0] }
        let saving = plan.reduce(0) { $0 + $1.saving }
        let baseSaving = base.reduce(0) { $0 + $1.saving }
        return saving > baseSaving + 1e-9 * max(1, abs(baseSaving)) ? plan : nil
    }

    /// GLPK's calls back after which an untimed merge stops (at least one per
    /// node; England's fostering and adoption makes about 600 a second).
    var mergeCallLimit: Int { 20_000 }

    /// `|a △ b|` for ascending member lists.
    func symmetricDifference(_ a: [Int], _ b: [Int]) -> Int {
        var i = 0, j = 0, common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                common += 1; i += 1; j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return a.count + b.count - 2 * common
    }
}

/// The live (not retired) columns of a master and its reserve, by service
/// and council, for `mergePlans`; valid until the master's columns change.
struct LiveColumns {
    private let councils: Int
    private var offsets: [[Int]]
    /// The columns; `containing` gives positions in it.
    let columns: [GroupColumn]

    init(_ master: GroupMaster) {
        councils = master.problem.councilCount
        columns = master.columns.indices.filter { !master.retired[$0] }.map { master.columns[$0] } + master.reserve
        offsets = Array(repeating: [], count: master.problem.services.count * councils)
        for (offset, column) in columns.enumerated() {
            for council in column.members { offsets[column.service * councils + council].append(offset) }
        }
    }

    func containing(service: Int, council: Int) -> [Int] { offsets[service * councils + council] }
}

/// Counts GLPK's calls back, to stop a search after a fixed amount of work
/// whatever the clock says.
final class CallCounter: @unchecked Sendable {
    private var calls = 0
    private let limit: Int
    init(limit: Int) { self.limit = limit }
    func exceeded() -> Bool {
        calls += 1
        return calls > limit
    }
}

/// The incumbents GLPK reports during a search (see `MIPParameters.onIncumbent`).
final class IncumbentRecorder: @unchecked Sendable {
    private(set) var solutions: [[Double]] = []
    func record(_ values: [Double]) { solutions.append(values) }
}
