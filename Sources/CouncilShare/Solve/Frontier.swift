// SPDX-License-Identifier: GPL-3.0-or-later

/// The trade-off between agreements and saving (GitHub issue 4): for each
/// number of groups `k` (agreements to sign, counted over all services), the
/// largest saving `S(k)` of a plan with at most `k` groups.
///
/// `S` is non-decreasing in `k` and reaches the unconstrained maximum at
/// `K_max`, the number of groups of the max-saving plan. Each point is exact
/// (status `optimal`, bound equal to the saving) unless a time limit or a stop
/// request cut it short (then `feasible`, with its bound and gap).
public struct Frontier: Sendable {
    public struct Point: Sendable {
        /// `k`: the most groups the plan may use.
        public var groupLimit: Int
        /// The best plan found with at most `groupLimit` groups (objective
        /// `max_saving`, no target). `bound` bounds `S(groupLimit)`.
        public var plan: Plan
        /// Seconds spent on this point.
        public var seconds: Double
        /// True for the point a stop request (Ctrl-C) cut short (not proven optimal).
        public var interrupted = false
    }

    public var instance: String
    /// By increasing `groupLimit`.
    public var points: [Point]
    /// The unconstrained max-saving plan (its status says whether it is proven).
    public var largest: Plan
    /// `K_max`, the groups of `largest` (nil when no plan was found).
    public var maxGroups: Int? {
        largest.status == .optimal || largest.status == .feasible ? largest.groupCount : nil
    }
    /// The problem's target, for reports (the frontier itself ignores it).
    public var targetSaving: Double?
    /// True when a stop request ended the computation before every point was done.
    public var interrupted = false
    /// What the searches did, over all points.
    public var statistics = SolveStatistics()

    /// The values of `k` to compute: every `k` in `1...maxGroups` when `count`
    /// is nil or at least `maxGroups`, otherwise `count` values spread evenly
    /// over that range, always including `maxGroups` (`ceil(i · K_max / count)`
    /// for `i = 1...count`, which are distinct). With `maxGroups` 0: `[0]`.
    public static func groupLimits(maxGroups: Int, count: Int?) -> [Int] {
        guard maxGroups > 0 else { return [0] }
        guard let count, count < maxGroups else { return Array(1...maxGroups) }
        precondition(count >= 1, "at least one point")
        return (1...count).map { ($0 * maxGroups + count - 1) / count }
    }
}

/// How far a frontier computation has come (for progress bars).
public struct FrontierProgress: Sendable {
    /// The point just finished.
    public var point: Frontier.Point
    /// Points finished so far and in all (the max-saving point counts as the first).
    public var done: Int
    public var total: Int
    public var elapsed: Double
}

extension ExactSolver {
    /// The frontier `S(k)` for `k` in `Frontier.groupLimits(maxGroups:count:)`.
    ///
    /// 1. The unconstrained max-saving plan (service by service, as `solve`),
    ///    which gives `K_max` and pools of columns.
    /// 2. One master over all services with those columns and the row
    ///    "at most k groups"; for each `k` (increasing) the row's bound is set
    ///    and the master solved exactly by branch-and-price, warm-started from
    ///    the better of the previous point's plan (feasible for the larger
    ///    `k`, so the frontier found is non-decreasing) and the `k` best
    ///    groups of the max-saving plan. Columns and subset-row cuts found
    ///    for one `k` stay in the master for the next.
    /// 3. The point `K_max` is the max-saving plan; when that was not proven
    ///    optimal and a smaller `k` found more, that better plan is used
    ///    (with the max-saving bound, which bounds every `S(k)`).
    ///
    /// `options.timeLimit` applies to each point separately (and to step 1),
    /// so the whole takes at most about `(points + 1) · limit` seconds.
    /// `options.shouldStop` ends the computation: the point in progress keeps
    /// its best plan (marked `interrupted`) and later points are left out.
    /// If no max-saving plan is found (proven infeasible, or stopped first),
    /// `points` is empty.
    public func frontier(points count: Int? = nil,
                         onPoint: ((FrontierProgress) -> Void)? = nil) -> Frontier {
        let (engine, buildSeconds) = makeEngine()
        var watch = Stopwatch()
        var (largest, pools) = largestSaving(engine)
        largest.statistics.buildSeconds += buildSeconds
        largest.serviceOutcomes = []
        largest.targetSaving = nil
        largest.objective = .maxSaving
        largest.normalise(problem: problem)
        var frontier = Frontier(instance: problem.name, points: [], largest: largest, targetSaving: problem.targetSaving)
        guard let maxGroups = frontier.maxGroups else {
            frontier.interrupted = options.shouldStop()
            return frontier
        }
        var last = Frontier.Point(groupLimit: maxGroups, plan: largest, seconds: watch.seconds)
        let limits = Frontier.groupLimits(maxGroups: maxGroups, count: count).filter { $0 < maxGroups }
        let total = limits.count + 1
        onPoint?(FrontierProgress(point: last, done: 1, total: total, elapsed: clock.seconds))
        frontier.statistics = largest.statistics
        if options.shouldStop() {
            last.interrupted = largest.status != .optimal
            frontier.points = [last]
            frontier.interrupted = true
            return frontier
        }

        // Each point gets its own time limit: the engine keeps no global one.
        var perPoint = options
        perPoint.timeLimit = nil
        var pointEngine = BranchAndPrice(problem: problem, options: perPoint, clock: clock, enumerators: engine.enumerators)
        let master = limits.isEmpty ? nil : limitedMaster(pools: pools, limit: maxGroups)
        var previous: [GroupColumn] = []
        for limit in limits {
            guard let master else { break }
            if options.shouldStop() { frontier.interrupted = true; break }
            watch = Stopwatch()
            pointEngine.deadline = options.timeLimit.map { clock.seconds + $0 }
            let outcome = solveAtMost(limit, master: master, engine: pointEngine, previous: previous, largest: largest.groups,
                                      statistics: &frontier.statistics)
            var plan = plan(from: outcome)
            plan.targetSaving = nil
            plan.objective = .maxSaving
            plan.statistics = outcome.statistics
            plan.normalise(problem: problem)
            if outcome.status == .optimal || outcome.status == .feasible { previous = outcome.groups }
            let stopped = options.shouldStop()
            var point = Frontier.Point(groupLimit: limit, plan: plan, seconds: watch.seconds)
            point.interrupted = stopped && plan.status != .optimal
            frontier.points.append(point)
            onPoint?(FrontierProgress(point: point, done: frontier.points.count + 1, total: total, elapsed: clock.seconds))
            if stopped { frontier.interrupted = true; break }
        }

        // The max-saving point, unless a smaller limit found more (only possible
        // when the max-saving search was stopped before proving its plan).
        if largest.status != .optimal, let better = frontier.points.last?.plan,
           better.status == .optimal || better.status == .feasible, better.totalSaving > largest.totalSaving {
            last.plan.groups = better.groups
            last.plan.totalSaving = better.totalSaving
            last.plan.status = .feasible
            last.plan.bound = largest.bound.map { max($0, better.totalSaving) }
        }
        frontier.points.append(last)
        tightenBounds(&frontier.points)
        return frontier
    }

    /// `S` is non-decreasing, so a bound on `S(k')` bounds `S(k)` for every
    /// `k < k'`: each point takes the smallest bound at or after it, and a
    /// point whose plan comes within the relative gap of that bound is optimal.
    func tightenBounds(_ points: inout [Frontier.Point]) {
        var ceiling = Double.infinity
        for index in points.indices.reversed() where points[index].plan.status != .infeasible {
            var plan = points[index].plan
            if let bound = plan.bound { ceiling = min(ceiling, bound) }
            guard ceiling.isFinite, plan.status == .feasible || plan.status == .noSolution else { continue }
            if plan.status == .noSolution {
                plan.bound = ceiling
            } else {
                plan.bound = max(ceiling, plan.totalSaving)
                if ceiling - plan.totalSaving <= options.relativeGap * max(1, abs(plan.totalSaving)) { plan.status = .optimal }
            }
            points[index].plan = plan
        }
    }
}
