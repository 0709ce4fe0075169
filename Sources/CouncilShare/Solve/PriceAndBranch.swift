// SPDX-License-Identifier: GPL-3.0-or-later
import LinearModel

/// Solves one set-partitioning master exactly by price-and-branch with
/// reduced-cost enumeration:
///
/// 1. **Column generation.** Solve the LP over the pool, price every host of
///    every service (`GroupEnumerator`) with the LP duals, add the groups of
///    positive reduced cost, repeat until none is left. The LP optimum
///    `z_LP` then bounds every plan. (Phase 1 first when `keep_together`
///    makes rows equalities.)
/// 2. **Incumbent.** GLPK's branch-and-cut over the generated columns, warm
///    started with a heuristic plan checked feasible first, gives `z_inc`.
/// 3. **Closing the gap exactly.** LP duality gives, for every plan `x`,
///    `z(x) <= πb + Σ_g rc_g x_g`, where `rc_g <= 0` for every group once
///    column generation has converged (up to groups already in the pool). A
///    plan better than `z_inc` can therefore use only groups with
///    `rc_g > z_inc − πb`. All of them are enumerated (the same search, with
///    that threshold) and the MIP is solved again over them: its optimum is
///    the optimum over all groups. If there are more than the cap, the plan
///    is reported feasible with the gap to `z_LP`.
struct PriceAndBranch {
    let problem: Problem
    let options: SolveOptions
    let clock: Stopwatch
    let enumerators: [GroupEnumerator]

    struct Outcome {
        var status: Plan.Status
        var groups: [GroupColumn]
        var saving: Double
        var bound: Double?
        var statistics = SolveStatistics()
    }

    var remaining: Double? { options.timeLimit.map { max(0, $0 - clock.seconds) } }

    func stopping() -> Bool {
        if options.shouldStop() { return true }
        if let limit = options.timeLimit, clock.seconds >= limit { return true }
        return false
    }

    func report(_ stage: String, _ incumbent: Double?, _ bound: Double?) {
        options.progress?(SolveProgress(stage: stage, elapsed: clock.seconds, incumbent: incumbent, bound: bound))
    }

    // MARK: Column generation

    struct Relaxation {
        var lp: LPResult
        /// True when pricing proved that no group has positive reduced cost.
        var converged: Bool
        /// A valid upper bound on every integer plan (Lagrangian), when known.
        var bound: Double?
    }

    func generateColumns(_ master: GroupMaster, stats: inout SolveStatistics, label: String) -> Relaxation {
        while true {
            var watch = Stopwatch()
            let lp = master.solveRelaxation(timeLimit: remaining)
            stats.lpSeconds += watch.seconds
            guard lp.termination == .optimal else { return Relaxation(lp: lp, converged: false, bound: nil) }
            if stopping() { return Relaxation(lp: lp, converged: false, bound: nil) }
            stats.pricingRounds += 1
            watch = Stopwatch()
            let epsilon = 1e-9 * max(1, abs(lp.objective)) + 1e-7
            var found: [(GroupColumn, Double)] = []
            var bestValue = [Double](repeating: 0, count: problem.services.count)
            var complete = true
            for service in master.services {
                let prices = master.prices(for: service, lp: lp)
                complete = enumerators[service].enumerate(
                    prices: prices, threshold: epsilon, perHostLimit: 3, shouldStop: stopping
                ) { column, value in
                    found.append((column, value))
                    bestValue[service] = max(bestValue[service], value)
                } && complete
                if !complete { break }
            }
            stats.pricingSeconds += watch.seconds
            let dual = dualBound(master, lp: lp, bestValue: complete ? bestValue : nil)
            report("\(label): pricing round \(stats.pricingRounds), \(master.columns.count) columns", nil, dual)
            if !complete { return Relaxation(lp: lp, converged: false, bound: nil) }
            found.sort { $0.1 > $1.1 }
            let added = master.add(found.prefix(4000).map(\.0))
            if added == 0 { return Relaxation(lp: lp, converged: true, bound: dual) }
        }
    }

    /// `πb + Σ max(0, rc) over pool columns + Σ_s maxValue_s · (most groups of s)`:
    /// an upper bound on every integer plan for any duals of the right sign.
    func dualBound(_ master: GroupMaster, lp: LPResult, bestValue: [Double]?) -> Double? {
        guard let bestValue else { return nil }
        var total = 0.0
        for (index, row) in master.model.constraints.enumerated() { total += lp.duals[index] * row.upper }
        var pricesByService: [Int: GroupPrices] = [:]
        for service in master.services { pricesByService[service] = master.prices(for: service, lp: lp) }
        for column in master.columns {
            let prices = pricesByService[column.service]!
            let value = prices.savingWeight * column.saving - column.members.reduce(0) { $0 + prices.councilPrice[$1] }
                - prices.groupPrice
            total += max(0, value)
        }
        var extra = 0.0, largest = 0.0
        for service in master.services {
            let most = problem.services[service].participants.count / 2
            extra += max(0, bestValue[service]) * Double(most)
            largest = max(largest, bestValue[service])
        }
        if let row = master.groupLimitRow { extra = min(extra, largest * master.model.constraints[row.index].upper) }
        return total + extra
    }

    // MARK: The exact solve

    func solve(_ master: GroupMaster, seed: [GroupColumn], label: String) -> Outcome {
        var stats = SolveStatistics()
        master.add(seed)
        var incumbent: (groups: [GroupColumn], saving: Double)?
        if let indices = master.indices(of: seed), master.violation(of: master.assignment(selecting: indices)) == nil {
            incumbent = (seed, seed.reduce(0) { $0 + $1.saving })
        }

        // Phase 1: a feasible LP point when keep_together makes rows equalities.
        if master.needsFeasibilityPhase && incumbent == nil {
            master.setPhase(.feasibility)
            let relaxation = generateColumns(master, stats: &stats, label: label + " (feasibility)")
            master.setPhase(.optimise)
            if relaxation.lp.termination == .infeasible
                || (relaxation.converged && relaxation.lp.objective < -1e-7) {
                stats.columns = master.columns.count
                return Outcome(status: .infeasible, groups: [], saving: 0, bound: nil, statistics: stats)
            }
            if !relaxation.converged {
                stats.columns = master.columns.count
                return Outcome(status: .noSolution, groups: [], saving: 0, bound: nil, statistics: stats)
            }
        }

        // Phase 2: the LP bound.
        let relaxation = generateColumns(master, stats: &stats, label: label)
        if relaxation.lp.termination == .infeasible {
            stats.columns = master.columns.count
            return Outcome(status: .infeasible, groups: [], saving: 0, bound: nil, statistics: stats)
        }
        var bound = relaxation.bound
        report(label + ": LP bound", incumbent?.saving, bound)

        // The incumbent over the generated columns.
        func runMIP(_ warm: [GroupColumn]?) -> (MIPResult, [GroupColumn]) {
            var parameters = MIPParameters()
            parameters.timeLimit = remaining
            parameters.relativeGap = options.relativeGap
            parameters.shouldStop = options.shouldStop
            if let warm, let indices = master.indices(of: warm) {
                parameters.warmStart = master.assignment(selecting: indices)
            }
            let progress = options.progress
            let clock = self.clock
            parameters.progress = { incumbent, bound in
                progress?(SolveProgress(stage: label + ": branch-and-cut", elapsed: clock.seconds,
                                        incumbent: incumbent, bound: bound))
            }
            let watch = Stopwatch()
            let (result, chosen) = master.solveMIP(parameters)
            stats.mipSeconds += watch.seconds
            stats.mipNodes += result.nodes
            return (result, chosen.map { master.columns[$0] })
        }

        if !stopping() || incumbent == nil {
            let (result, groups) = runMIP(incumbent?.groups)
            if result.solution != nil, incumbent == nil || groups.reduce(0, { $0 + $1.saving }) > incumbent!.saving {
                incumbent = (groups, groups.reduce(0) { $0 + $1.saving })
            }
            if result.termination == .infeasible && incumbent == nil && relaxation.converged && !master.needsFeasibilityPhase {
                // Cannot happen without equality rows: the empty plan is feasible.
                assertionFailure("set packing master reported infeasible")
            }
        }
        report(label + ": incumbent", incumbent?.saving, bound)

        func finish(_ status: Plan.Status) -> Outcome {
            stats.columns = master.columns.count
            guard let incumbent else {
                return Outcome(status: status == .infeasible ? .infeasible : .noSolution, groups: [], saving: 0,
                               bound: bound, statistics: stats)
            }
            return Outcome(status: status, groups: incumbent.groups, saving: incumbent.saving,
                           bound: bound.map { max($0, incumbent.saving) }, statistics: stats)
        }

        guard relaxation.converged, let dual = relaxation.bound else { return finish(.feasible) }
        let best = incumbent?.saving ?? -.infinity
        let tolerance = options.relativeGap * max(1, abs(dual))
        if dual - best <= tolerance { bound = best; return finish(.optimal) }
        if stopping() { return finish(.feasible) }

        // Every group that could be in a better plan than the incumbent.
        let epsilon = 1e-9 * max(1, abs(dual)) + 1e-7
        let slack = epsilon * Double(master.services.reduce(0) { $0 + problem.services[$1].participants.count / 2 + 1 })
        let threshold = incumbent == nil ? -Double.infinity : best - dual - slack
        var extra: [GroupColumn] = []
        var overflow = false
        let watch = Stopwatch()
        for service in master.services {
            let prices = master.prices(for: service, lp: relaxation.lp)
            let finished = enumerators[service].enumerate(
                prices: prices, threshold: threshold,
                shouldStop: { overflow || stopping() }
            ) { column, _ in
                extra.append(column)
                if extra.count > options.columnCap { overflow = true }
            }
            if !finished { break }
        }
        stats.pricingSeconds += watch.seconds
        stats.enumeratedColumns = extra.count
        if overflow || stopping() {
            report(label + ": gap enumeration stopped at \(extra.count) columns", incumbent?.saving, bound)
            return finish(.feasible)
        }
        master.add(extra)
        report(label + ": \(extra.count) columns within the gap", incumbent?.saving, bound)
        let (result, groups) = runMIP(incumbent?.groups)
        if result.solution != nil, incumbent == nil || groups.reduce(0, { $0 + $1.saving }) > incumbent!.saving {
            incumbent = (groups, groups.reduce(0) { $0 + $1.saving })
        }
        switch result.termination {
        case .optimal:
            bound = max(best, result.bound ?? incumbent?.saving ?? best)
            return finish(.optimal)
        case .infeasible:
            // No plan at all over a complete column set.
            stats.columns = master.columns.count
            if incumbent == nil { return Outcome(status: .infeasible, groups: [], saving: 0, bound: nil, statistics: stats) }
            bound = best
            return finish(.optimal)
        default:
            if let mipBound = result.bound { bound = min(dual, max(best, mipBound)) }
            return finish(.feasible)
        }
    }
}
