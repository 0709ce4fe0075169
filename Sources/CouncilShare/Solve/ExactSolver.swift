// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Solves a `Problem` exactly (MODEL.md §3) and returns a `Plan`.
///
/// **Formulation.** Set packing over whole groups (see `GroupMaster`): one
/// binary column per valid member set with its best host and its exact
/// saving, each council in at most one group per service. Every per-group
/// rule (size, distance, parties, forbidden pairs, contiguity, minimum saving
/// fraction, keep-together closure) is enforced when a column is made, and
/// costs are evaluated on the exact curve, so there is no approximation error
/// and the LP bound is tight (a fraction of a per cent on realistic cases).
/// The columns are never all written down: `BranchAndPrice` generates them.
///
/// **Objectives.**
/// - `max_saving`: the services share no constraint, so each is solved on
///   its own and the plans are added up. A target is then only a check: if
///   the largest saving is below it, the instance is infeasible and that
///   saving is the largest reachable.
/// - `min_groups` (lexicographic): with `S(k)` the largest saving using at
///   most `k` groups, the answer is the smallest `k` with `S(k) >= target`
///   and the plan attaining `S(k)`, found through the frontier's bounds and
///   plans for every `k` (see `fewestGroups`).
public struct ExactSolver {
    public let problem: Problem
    public let options: SolveOptions
    let clock = Stopwatch()

    public init(problem: Problem, options: SolveOptions = SolveOptions()) {
        self.problem = problem
        self.options = options
    }

    public func solve() -> Plan {
        var plan: Plan
        switch problem.objective {
        case .maxSaving:
            let (engine, buildSeconds) = makeEngine()
            plan = maxSaving(engine)
            plan.statistics.buildSeconds += buildSeconds
        case .minGroups:
            // The frontier's stages build their own engine (and count its set-up).
            plan = minGroups()
        }
        plan.statistics.seconds = clock.seconds
        plan.normalise(problem: problem)
        return plan
    }

    /// The search engine with one group enumerator per service, and the seconds it took to set up;
    /// with this solver's options unless others are given.
    func makeEngine(options engineOptions: SolveOptions? = nil) -> (engine: BranchAndPrice, buildSeconds: Double) {
        let build = Stopwatch()
        let enumerators = problem.services.indices.map { GroupEnumerator(problem: problem, service: $0) }
        return (BranchAndPrice(problem: problem, options: engineOptions ?? options, clock: clock, enumerators: enumerators), build.seconds)
    }

    func meetsTarget(_ saving: Double) -> Bool {
        guard let target = problem.targetSaving else { return true }
        return saving >= target - 1e-9 * max(1, abs(target))
    }

    func emptyPlan(_ status: Plan.Status) -> Plan {
        Plan(instance: problem.name, status: status, objective: problem.objective, groups: [], totalSaving: 0,
             bound: nil, targetSaving: problem.targetSaving)
    }

    // MARK: max_saving

    /// One independent part of the max-saving search (a service's component),
    /// the columns its master generated, and how its search ended.
    struct SolvedPart {
        var service: Int
        var councils: [Int]
        var columns: [GroupColumn]
        var outcome: BranchAndPrice.Outcome
    }

    /// "service legal (44 councils)", for progress reports.
    func partLabel(service: Int, councils: [Int]) -> String {
        let spec = problem.services[service]
        return "service \(spec.id)" + (councils.count < spec.participants.count ? " (\(councils.count) councils)" : "")
    }

    /// The largest saving, service by service and, within a service, component
    /// by component (councils that can never share with each other form
    /// independent subproblems; see `GroupEnumerator.components`).
    func largestSaving(_ engine: BranchAndPrice) -> (plan: Plan, pools: [[GroupColumn]], parts: [SolvedPart]) {
        func label(_ part: (service: Int, councils: [Int])) -> String { partLabel(service: part.service, councils: part.councils) }
        var plan = emptyPlan(.optimal)
        // Parts (service, component) with two or more councils, smallest first,
        // so that time they leave over under a limit goes to the larger ones.
        var parts: [(service: Int, councils: [Int])] = []
        for service in problem.services.indices {
            for component in engine.enumerators[service].components where component.count >= 2 {
                parts.append((service, component))
            }
        }
        parts.sort { lhs, rhs in
            if lhs.councils.count != rhs.councils.count { return lhs.councils.count < rhs.councils.count }
            if lhs.service != rhs.service { return lhs.service < rhs.service }
            return lhs.councils[0] < rhs.councils[0]
        }
        let finished = solveParts(parts, engine: engine, statistics: &plan.statistics)
        var pools = [[GroupColumn]](repeating: [], count: problem.services.count)
        var outcomes = problem.services.indices.map { _ in
            Plan.ServiceOutcome(status: .optimal, saving: 0, bound: 0)
        }
        for (index, part) in parts.enumerated() {
            let service = part.service
            var outcome = finished[index].outcome
            if outcome.bound == nil && (outcome.status == .feasible || outcome.status == .noSolution) {
                // Stopped before any LP bound: fall back on the per-council share bound.
                outcome.bound = max(outcome.saving, engine.enumerators[service].shareBound(councils: part.councils))
            }
            pools[service] += finished[index].columns
            var summary = outcomes[service]
            switch outcome.status {
            case .optimal: break
            case .feasible: if summary.status == .optimal { summary.status = .feasible }
            case .noSolution: if summary.status != .infeasible { summary.status = .noSolution }
            case .infeasible: summary.status = .infeasible
            }
            summary.saving += outcome.saving
            if let partBound = outcome.bound, let total = summary.bound { summary.bound = total + partBound } else { summary.bound = nil }
            outcomes[service] = summary
            plan.groups += outcome.groups
        }
        var bound: Double? = 0
        for index in outcomes.indices {
            switch outcomes[index].status {
            case .optimal: break
            case .feasible: if plan.status == .optimal { plan.status = .feasible }
            case .noSolution: if plan.status != .infeasible { plan.status = .noSolution }
            case .infeasible: plan.status = .infeasible
            }
            if let serviceBound = outcomes[index].bound, let total = bound { bound = total + serviceBound } else { bound = nil }
        }
        plan.serviceOutcomes = outcomes
        plan.totalSaving = plan.groups.reduce(0) { $0 + $1.saving }
        plan.bound = plan.status == .infeasible ? nil : bound.map { max($0, plan.groups.reduce(0) { $0 + $1.saving }) }
        let solved = parts.indices.map { index in
            SolvedPart(service: parts[index].service, councils: parts[index].councils,
                       columns: finished[index].columns, outcome: finished[index].outcome)
        }
        return (plan, pools, solved)
    }

    /// A part's search as it ended: the live columns of its master and its outcome.
    struct FinishedPart {
        var columns: [GroupColumn]
        var outcome: BranchAndPrice.Outcome
    }

    /// Solves the parts (independent subproblems), at most one per core (two
    /// here), through a `SliceScheduler`: every part gets a first slice in
    /// order, smallest first, with its size's share of the time left; a core
    /// that comes free then resumes a part that stopped with work left, and
    /// once none waits the running parts get all the time left, so no core
    /// idles while a part is open. Each part runs on a thread of its own, where
    /// its GLPK master is created, solved and deleted (GLPK's state is
    /// thread-local); only Swift values leave it. Without a time limit the
    /// answer does not depend on the schedule.
    func solveParts(_ parts: [(service: Int, councils: [Int])], engine: BranchAndPrice,
                    statistics: inout SolveStatistics) -> [FinishedPart] {
        struct Shared {
            var results: [FinishedPart?]
            var statistics = SolveStatistics()
        }
        let shared = Locked(Shared(results: Array(repeating: nil, count: parts.count)))
        let problem = self.problem
        var scheduler = SliceScheduler(workers: max(1, min(parallelWorkers, parts.count)),
                                       sizes: parts.map { Double($0.councils.count) },
                                       timeLimit: options.timeLimit, clock: clock, shouldStop: options.shouldStop)
        let spare = SpareCores()
        scheduler.spare = (parallelWorkers, spare)
        scheduler.run { index, slices in
            let part = parts[index]
            let label = partLabel(service: part.service, councils: part.councils)
            var master: GroupMaster?
            var outcome: BranchAndPrice.Outcome?
            var stats = SolveStatistics()
            while let deadline = slices.next() {
                var engine = engine
                engine.movableDeadline = deadline
                engine.spareCores = spare
                if let master, let previous = outcome {
                    var resumed = engine.solve(master, seed: [], label: label, resuming: previous.state)
                    if resumed.status == .noSolution && previous.status == .feasible { resumed = previous; resumed.state = nil }
                    stats.absorb(resumed.statistics)
                    outcome = resumed
                } else {
                    let seedWatch = Stopwatch()
                    let seed = GreedyPlan.plan(enumerator: engine.enumerators[part.service], hosts: part.councils,
                                               shouldStop: engine.stopping)
                    let seedSeconds = seedWatch.seconds
                    engine.report(label + ": greedy plan", seed.reduce(0) { $0 + $1.saving }, nil)
                    let created = GroupMaster(problem: problem, services: [part.service], groupLimit: nil,
                                              councils: part.councils)
                    var first = engine.solve(created, seed: seed, label: label)
                    first.statistics.pricingSeconds += seedSeconds
                    stats.absorb(first.statistics)
                    master = created
                    outcome = first
                }
                slices.end(settled: outcome?.state == nil)
            }
            let finished = outcome.map { FinishedPart(columns: master?.liveColumns ?? [], outcome: $0) }
            master = nil  // the GLPK problem is deleted here, on this part's thread
            shared.withLock {
                $0.results[index] = finished
                $0.statistics.absorb(stats)
            }
        }
        return shared.withLock { state in
            statistics.absorb(state.statistics)
            return state.results.map { $0! }
        }
    }

    /// Workers for independent parts (`SolveOptions.threads`).
    var parallelWorkers: Int { max(1, options.threads) }

    func maxSaving(_ engine: BranchAndPrice) -> Plan {
        var plan = largestSaving(engine).plan
        if plan.status == .infeasible || plan.status == .noSolution {
            if plan.status == .infeasible { plan.groups = []; plan.bound = nil }
            return plan
        }
        return applyTarget(to: plan)
    }

    /// A plan that falls short of the target: proven infeasible when even the
    /// bound is short, otherwise no plan was found within the limits.
    private func applyTarget(to plan: Plan) -> Plan {
        guard !meetsTarget(plan.totalSaving) else { return plan }
        var result = emptyPlan(.noSolution)
        result.statistics = plan.statistics
        result.maxReachableSaving = plan.totalSaving
        result.maxReachableIsProven = plan.status == .optimal
        if plan.status == .optimal || (plan.bound.map { !meetsTarget($0) } ?? false) {
            result.status = .infeasible
        } else {
            result.bound = plan.bound
        }
        return result
    }

    // MARK: min_groups

    func minGroups() -> Plan {
        // The frontier's machinery (see `frontier`), each of its three stages
        // with a third of the time limit.
        var stageOptions = options
        stageOptions.timeLimit = options.timeLimit.map { $0 / 3 }
        return ExactSolver(problem: problem, options: stageOptions).fewestGroups()
    }

    /// `min_groups` through the frontier's tables: the max-saving plan (step 1),
    /// every part's bounds and greedy plans for every `j` (step 2), the parts'
    /// exact solves for the `j` up to the first `k` whose combined plan meets
    /// the target (step 3), combined (step 4). No plan with `k` groups meets
    /// the target where the combined bound is below it; the points from the
    /// first `k` whose bound meets it up to the first whose plan does are the
    /// ones that step 3's second pass works for, and that step 5 solves as
    /// wholes when the max-saving plan is not proven. The answer is the first point whose plan
    /// meets the target; it is optimal when every smaller `k` is proven too
    /// few and the point's saving is proven.
    func fewestGroups() -> Plan {
        /// The first `k` whose combined plan meets the target.
        @Sendable func firstPlanMeeting(_ combined: [PartTable.Entry]) -> Int? {
            combined.indices.first { combined[$0].groups != nil && meetsTarget(combined[$0].saving) }
        }
        /// The points that settle the answer: from the first `k` whose combined
        /// bound meets the target up to the first whose plan does.
        @Sendable func needed(_ combined: [PartTable.Entry], maxGroups: Int) -> ClosedRange<Int> {
            let firstPlan = firstPlanMeeting(combined) ?? maxGroups
            return min(firstPlan, combined.indices.first { meetsTarget(combined[$0].bound) } ?? maxGroups)...firstPlan
        }
        var work = frontierParts(solveUpTo: { firstPlanMeeting($0) ?? Int.max },
                                 wanted: { Array(needed($0, maxGroups: $1)) })
        var largest = work.frontier.largest
        largest.statistics = work.frontier.statistics
        largest.targetSaving = problem.targetSaving
        guard largest.status.hasPlan else {
            var result = emptyPlan(largest.status)
            result.objective = .minGroups
            result.statistics = largest.statistics
            result.bound = largest.status == .noSolution ? largest.bound : nil
            return result
        }
        if !meetsTarget(largest.totalSaving) {
            var result = applyTarget(to: largest)
            result.objective = .minGroups
            return result
        }
        func finish(_ plan: Plan, status: Plan.Status, lowerBound: Int) -> Plan {
            var result = plan
            result.status = status
            result.objective = .minGroups
            result.targetSaving = problem.targetSaving
            result.serviceOutcomes = []
            result.groupsLowerBound = min(lowerBound, plan.groupCount)
            result.statistics = work.frontier.statistics
            return result
        }
        let combined = work.combined
        let maxGroups = largest.groupCount
        let range = needed(combined, maxGroups: maxGroups)
        let firstBound = range.lowerBound
        makePoints(&work, limits: Array(range))
        finishPoints(&work)
        let points = work.frontier.points
        guard let chosen = points.first(where: { $0.plan.status.hasPlan && meetsTarget($0.plan.totalSaving) }) else {
            return finish(largest, status: .feasible, lowerBound: firstBound)
        }
        // Below `firstBound` the combined bounds are under the target; from it on,
        // a point is too few when it has no plan at all or its bound is under the target.
        let lowerBound = points.first { point in
            !(point.plan.status == .infeasible || point.plan.bound.map { !meetsTarget($0) } ?? false)
        }?.groupLimit ?? chosen.groupLimit
        let proven = lowerBound >= chosen.plan.groupCount && chosen.plan.status == .optimal
        return finish(chosen.plan, status: proven ? .optimal : .feasible, lowerBound: lowerBound)
    }

    // MARK: Shared by min_groups and the frontier

    /// One master over every service that can share, with the row "at most
    /// `limit` groups", into which `engine` sifts the columns of the
    /// max-saving search (`pools`; see `BranchAndPrice.sift`).
    func limitedMaster(pools: [[GroupColumn]], limit: Int, engine: BranchAndPrice,
                       statistics: inout SolveStatistics) -> GroupMaster {
        let services = problem.services.indices.filter { problem.services[$0].participants.count >= 2 }
        let master = GroupMaster(problem: problem, services: services, groupLimit: limit)
        engine.sift(master, pool: pools.flatMap { $0 }, stats: &statistics)
        return master
    }

    /// `S(limit)`: the largest saving with at most `limit` groups over all
    /// services, warm-started from the better of `previous` (a plan with
    /// fewer groups) and the `limit` best groups of the max-saving plan
    /// `largest`, both feasible here. The columns found stay in `master`
    /// for the next limit.
    func solveAtMost(_ limit: Int, master: GroupMaster, engine: BranchAndPrice, previous: [GroupColumn],
                     largest: [GroupColumn], resuming search: BranchAndPrice.SearchState? = nil,
                     statistics: inout SolveStatistics) -> BranchAndPrice.Outcome {
        master.setGroupLimit(limit)
        func saving(_ groups: [GroupColumn]) -> Double { groups.reduce(0) { $0 + $1.saving } }
        let truncated = bestGroups(of: largest, count: limit) ?? []
        let seed = saving(truncated) > saving(previous) ? truncated : previous
        if let search, !seed.isEmpty, saving(seed) > search.incumbent?.saving ?? -.infinity {
            // A better plan found since (for fewer groups, or by another solve): the
            // resumed search's incumbent (a plan with at most `limit` groups).
            master.add(seed)
            search.incumbent = (seed, saving(seed))
        }
        let outcome = engine.solve(master, seed: seed, label: "at most \(limit) groups", resuming: search)
        var stats = outcome.statistics
        stats.columns = 0
        statistics.absorb(stats)
        statistics.columns = master.columns.count
        return outcome
    }

    /// The `count` groups of a plan that save most, keeping every group that
    /// holds a keep_together pair (no plan can drop it); nil when those
    /// alone are more than `count`. A part of a plan is a plan.
    func bestGroups(of groups: [GroupColumn], count: Int) -> [GroupColumn]? {
        let bound = groups.map { group in
            problem.services[group.service].keepTogether.contains { group.members.contains($0.0) }
        }
        let required = groups.indices.filter { bound[$0] }.map { groups[$0] }
        guard required.count <= count else { return nil }
        let optional = groups.indices.filter { !bound[$0] }.map { groups[$0] }.sorted { $0.saving > $1.saving }
        return required + optional.prefix(count - required.count)
    }

    /// A plan holding an outcome's groups, saving and bound (an optimal
    /// plan's bound is at least its saving; an infeasible one has none).
    func plan(from outcome: BranchAndPrice.Outcome) -> Plan {
        var plan = emptyPlan(outcome.status)
        plan.groups = outcome.groups
        plan.totalSaving = outcome.saving
        switch outcome.status {
        case .optimal: plan.bound = outcome.bound.map { max($0, outcome.saving) } ?? outcome.saving
        case .feasible, .noSolution: plan.bound = outcome.bound
        case .infeasible: plan.bound = nil
        }
        return plan
    }
}
