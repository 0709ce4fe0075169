// SPDX-License-Identifier: GPL-3.0-or-later

/// The answer: which councils share which services, hosted where, saving
/// how much (MODEL.md §2 and §5).
public struct Plan: Sendable {
    public enum Status: String, Sendable {
        case optimal, feasible, infeasible
        case noSolution = "no_solution"

        /// True when the status comes with a plan (proven or not).
        public var hasPlan: Bool { self == .optimal || self == .feasible }
    }

    public var instance: String
    public var status: Status
    public var objective: Problem.Objective
    /// All groups, ordered by service, then by host id, then by members.
    public var groups: [GroupColumn]
    public var totalSaving: Double
    /// Best proven bound on the total saving (for `min_groups`: on the saving
    /// with the plan's number of groups); nil when none is known.
    public var bound: Double?
    public var targetSaving: Double?
    /// When the target cannot be met: the largest saving that can be reached
    /// (proven when `maxReachableIsProven`).
    public var maxReachableSaving: Double?
    public var maxReachableIsProven: Bool = false
    /// For `min_groups`: the proven lower bound on the number of groups.
    public var groupsLowerBound: Int?
    public var statistics = SolveStatistics()

    /// How each service's search ended (max_saving solves services separately).
    public struct ServiceOutcome: Sendable {
        public var status: Status
        public var saving: Double
        public var bound: Double?
    }
    /// Indexed by service; empty when services were solved together.
    public var serviceOutcomes: [ServiceOutcome] = []

    public var groupCount: Int { groups.count }

    /// Relative gap between the plan and its bound (0 when optimal).
    public var relativeGap: Double? {
        guard let bound else { return nil }
        if status == .infeasible || status == .noSolution { return nil }
        return max(0, bound - totalSaving) / max(1, abs(bound))
    }

    /// Sorts groups into the canonical order so that output is deterministic.
    mutating func normalise(problem: Problem) {
        groups.sort { lhs, rhs in
            if lhs.service != rhs.service { return lhs.service < rhs.service }
            let hostL = problem.councils[lhs.host].id, hostR = problem.councils[rhs.host].id
            if hostL != hostR { return hostL < hostR }
            return lhs.members.lexicographicallyPrecedes(rhs.members)
        }
        totalSaving = groups.reduce(0) { $0 + $1.saving }
    }
}
