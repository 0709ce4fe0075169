// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation


/// The trade-off between agreements and saving (GitHub issue 4): for each
/// number of groups `k` (agreements to sign, counted over all services), the
/// largest saving `S(k)` of a plan with at most `k` groups.
///
/// `S` is non-decreasing in `k` and reaches the unconstrained maximum at
/// `K_max`, the number of groups of the max-saving plan. Each point is exact
/// (status `optimal`, bound equal to the saving) unless a time limit or a stop
/// request left it unproven (then `feasible`, with its bound and gap when one
/// is known). A point may also be `infeasible` (keep_together needs more
/// groups than `k`).
public struct Frontier: Sendable {
    public struct Point: Sendable {
        /// `k`: the most groups the plan may use.
        public var groupLimit: Int
        /// The best plan found with at most `groupLimit` groups (objective
        /// `max_saving`, no target). `bound` bounds `S(groupLimit)`.
        public var plan: Plan
        /// The search time behind this point: the group-limited solves whose
        /// plans it combines, its own whole-problem solve if any, and for
        /// `K_max` the max-saving search.
        public var seconds: Double
        /// True when a stop request (Ctrl-C) left this point unproven.
        public var interrupted = false
    }

    public var instance: String
    /// By increasing `groupLimit`.
    public var points: [Point]
    /// The unconstrained max-saving plan (its status says whether it is proven).
    public var largest: Plan
    /// `K_max`, the groups of `largest` (nil when no plan was found).
    public var maxGroups: Int? {
        largest.status.hasPlan ? largest.groupCount : nil
    }
    /// The problem's target, for reports (the frontier itself ignores it).
    public var targetSaving: Double?
    /// True when a stop request (Ctrl-C) came: points may then be left unproven.
    public var interrupted = false
    /// What the searches did, over the whole frontier.
    public var statistics = SolveStatistics()

    /// The most columns any solve of a frontier (and of `min_groups`, which
    /// goes through its stages) may enumerate to complete a pool, below
    /// `SolveOptions.enumerationLimit` (1,000,000, for one long solve).
    /// England's frontier at `--time-limit 200` (2026-12-01): with 300,000
    /// everywhere, 89 of 168 points proven, the largest gap 0.022%, peak
    /// memory 350 MB; with 1,000,000 everywhere, 81, 0.043% and 479 MB; with
    /// 1,000,000 for the max-saving plan only, 87, 0.075% and 485 MB (its
    /// larger complete pools feed the points' sifting).
    public static let enumerationLimit = 300_000

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
    /// Group-limited solves finished so far and in all.
    public var done: Int
    public var total: Int
    public var elapsed: Double
    /// The solve just finished, e.g. "service legal (44 councils): at most 3 groups".
    public var stage: String
    /// Its best saving, when it found a plan.
    public var saving: Double?
}

extension ExactSolver {
    /// The frontier `S(k)` for `k` in `Frontier.groupLimits(maxGroups:count:)`.
    ///
    /// No rule couples two services, nor two components of a service
    /// (councils that can never share), so with `S_p(j)` the largest saving
    /// of part `p` (a service's component) with at most `j` groups,
    ///
    ///     S(k) = max { Σ_p S_p(j_p) : Σ_p j_p ≤ k },
    ///
    /// a max-plus convolution of the parts' own frontiers, exact when they are.
    ///
    /// 1. The max-saving plan, part by part (as `solve`): it gives `K_max`,
    ///    each part's `K_p` groups and `S_p(K_p)`, and the parts' columns.
    /// 2. Bounds and first plans for every `j` of every part: the `j` largest
    ///    "best group hosted by this council" savings, those groups taken
    ///    greedily, and the line of the part's group-limited LP for each `j`.
    /// 3. For each part with `K_p ≥ 2`, one master over the part with the row
    ///    "at most j groups"; for `j = 1, ..., K_p − 1` the row's bound is set
    ///    and the master solved exactly by branch-and-price, warm-started from
    ///    the better of the plan for `j − 1` and the `j` best groups of the
    ///    part's max-saving plan. Columns and cuts stay in the master. Under a
    ///    time limit, a first pass gives each solve an equal share of the time
    ///    left; a second pass then resumes the solves it left open (each search
    ///    from where it stopped), first the one on the splits that attain the
    ///    bounds of the most open points, per second already spent on it.
    /// 4. The parts' tables are combined by the convolution above, for the
    ///    plans (lower bounds) and for the bounds separately; a point is
    ///    optimal when the two meet within the relative gap.
    /// 5. A point still unproven (only when some part's max-saving search was
    ///    stopped by the limit) is solved as a whole: one master over all
    ///    services with the row "at most k groups", warm-started from its plan.
    ///    Plans carry up and bounds down the frontier (`S` is non-decreasing).
    ///
    /// When a part's max-saving search was not proven (a limit), its table
    /// goes on to `j = ⌊councils / 2⌋` with that plan and its bound, so the
    /// bounds stay valid for every `k`. Every part's table starts from the
    /// `j` best groups of its max-saving plan, so each `k` has a plan even
    /// when a limit or a stop request leaves the group-limited solves undone.
    ///
    /// `options.timeLimit` is given to each stage: to the max-saving plan, to
    /// the parts' work of steps 2-3 together, and to the points of step 5
    /// together with what the first two left of theirs (in the last two,
    /// each solve takes an equal share of what is left), so a whole frontier
    /// takes about three time limits. When the max-saving plan is proven, the
    /// parts' exact tables settle every point, so steps 2-3 get all that the
    /// first stage left of the three limits, and step 5 has nothing to do.
    /// The parts' solves run on all cores at once (a thread per part, at most
    /// one per core), each with its share of the time left times the cores.
    /// `options.shouldStop` skips the solves not yet done; every point still
    /// gets a plan and a bound (unproven ones are marked `interrupted`).
    /// If no max-saving plan is found (proven infeasible, or stopped first),
    /// `points` is empty.
    public func frontier(points count: Int? = nil,
                         onProgress: ((FrontierProgress) -> Void)? = nil) -> Frontier {
        var work = frontierParts(wanted: { Frontier.groupLimits(maxGroups: $1, count: count) }, onProgress: onProgress)
        guard let maxGroups = work.frontier.maxGroups else {
            work.frontier.interrupted = options.shouldStop()
            return work.frontier
        }
        makePoints(&work, limits: Frontier.groupLimits(maxGroups: maxGroups, count: count))
        finishPoints(&work)
        return work.frontier
    }

    /// Steps 1-4 of `frontier`, and what step 5 needs.
    struct FrontierWork {
        /// The max-saving plan and statistics so far; no points yet.
        var frontier: Frontier
        var pools: [[GroupColumn]]
        var engine: BranchAndPrice
        /// `PartTable.combine` of the parts' tables, indexed by `k` (empty
        /// when no max-saving plan was found).
        var combined: [PartTable.Entry] = []
        var largestSeconds: Double = 0
    }

    /// Steps 1-4. `solveUpTo`, given the tables combined after step 2, may
    /// cap the `j` that step 3 solves (`min_groups` needs only the `j` up to
    /// the first `k` whose plan meets the target). `wanted`, given the tables
    /// combined so far and `K_max`, names the points whose proofs the second
    /// pass of step 3 works for.
    func frontierParts(solveUpTo: (([PartTable.Entry]) -> Int)? = nil,
                       wanted: @escaping @Sendable ([PartTable.Entry], Int) -> [Int] = { Array(1...max(1, $1)) },
                       onProgress: ((FrontierProgress) -> Void)? = nil) -> FrontierWork {
        var capped = options
        capped.enumerationLimit = min(options.enumerationLimit, Frontier.enumerationLimit)
        let (engine, buildSeconds) = makeEngine(options: capped)
        var (largest, pools, parts) = largestSaving(engine)
        largest.statistics.buildSeconds += buildSeconds
        largest.serviceOutcomes = []
        largest.targetSaving = nil
        largest.objective = .maxSaving
        largest.normalise(problem: problem)
        var frontier = Frontier(instance: problem.name, points: [], largest: largest, targetSaving: problem.targetSaving)
        frontier.statistics = largest.statistics
        guard frontier.maxGroups != nil else {
            return FrontierWork(frontier: frontier, pools: pools, engine: engine)
        }
        let largestSeconds = clock.seconds
        var tables = parts.map { PartTable(part: $0, solver: self) }
        let largestProven = largest.status == .optimal
        // Steps 2-3 get one time limit together, this listing included. The listing
        // only tightens bounds and offers plans: it may take a fifth of it (with
        // large groups allowed it can run for minutes: 36 councils with up to 64
        // members, found by fuzzing).
        // With the max-saving plan proven, the parts' tables alone settle every
        // point, so their solves get what is left of three time limits; otherwise
        // one, and step 5's whole solves get the rest.
        let end = options.timeLimit.map { limit in
            largestProven ? max(clock.seconds + limit, 3 * limit) : clock.seconds + limit
        }
        let listUntil = options.timeLimit.map { clock.seconds + 0.2 * $0 }
        for index in tables.indices {
            if options.shouldStop() { break }
            if let best = bestGroupPerHost(engine: engine, service: parts[index].service, councils: parts[index].councils,
                                           until: listUntil) {
                tables[index].cap(bestGroupPerHost: best.map(\.saving))
                if problem.services[parts[index].service].keepTogether.isEmpty { tables[index].offer(greedy: best) }
            }
        }
        let solveCap = solveUpTo.map { $0(PartTable.combine(tables)) } ?? Int.max
        @Sendable func solves(_ table: PartTable) -> Int { max(0, min(table.largestCount - 1, solveCap)) }

        // The parts are independent: each runs on a thread of its own (its GLPK
        // master lives there), at most one per core. First pass: each solve gets an
        // equal share of the time left for the solves not yet done, times the cores.
        // Second pass, in the time the first leaves: the entries still open, those
        // that keep the most points open first, each resumed where it stopped.
        var perSolve = engine.options  // with the frontier's enumeration limit
        perSolve.timeLimit = nil
        let partEngine = BranchAndPrice(problem: problem, options: perSolve, clock: clock, enumerators: engine.enumerators)
        let total = tables.reduce(0) { $0 + solves($1) }
        let solving = tables.indices.filter { tables[$0].largestCount >= 2 }
        struct Shared {
            var tables: [PartTable]
            var statistics = SolveStatistics()
            var done = 0
        }
        let shared = Locked(Shared(tables: tables))
        let workers = Double(max(1, min(parallelWorkers, solving.count)))
        /// Seconds from now for `fraction` of the work left, on all cores (at most all the time left).
        @Sendable func share(_ fraction: Double) -> Double? {
            end.map { max(0, $0 - clock.seconds) * min(1, workers * fraction) }
        }
        let maxGroups = largest.groupCount
        let solver = self
        /// The entry of part `index` to resume next, nil when it has none that matters.
        @Sendable func nextEntry(of index: Int, table: PartTable) -> Int? {
            let blocking = shared.withLock { state in
                PartTable.blocking(state.tables, points: { wanted($0, maxGroups) }, proven: solver.proven)
            }
            guard let blocking else { return nil }  // every point wanted is proven
            var open = table.openEntries(through: solves(table))
            // Unless the max-saving plan is proven (then nothing else needs the
            // time), only entries on the open points' splits.
            if !largestProven { open.removeAll { blocking[index][$0] == nil } }
            let gaps = table.gaps()
            return open.max { lhs, rhs in
                let left = Double(blocking[index][lhs] ?? 0) / (1 + table.seconds[lhs])
                let right = Double(blocking[index][rhs] ?? 0) / (1 + table.seconds[rhs])
                return left != right ? left < right : gaps[lhs] < gaps[rhs]
            }
        }
        let scheduler = SliceScheduler(workers: Int(workers), sizes: solving.map { Double(max(1, solves(tables[$0]))) },
                                       timeLimit: end, clock: clock, shouldStop: options.shouldStop)
        let problem = self.problem, solvedParts = parts
        scheduler.run { job, slices in
            let index = solving[job]
            let part = solvedParts[index]
            let label = partLabel(service: part.service, councils: part.councils)
            var table = shared.withLock { $0.tables[index] }
            var stats = SolveStatistics()
            var engine = partEngine
            defer { shared.withLock { $0.statistics.absorb(stats) } }
            let master = GroupMaster(problem: problem, services: [part.service], groupLimit: table.largestCount,
                                     councils: part.councils)
            /// Each unproven solve's search, to resume.
            var searches: [Int: BranchAndPrice.SearchState] = [:]
            /// Solves (or resumes) the part with at most `limit` groups into the table.
            func solve(_ limit: Int, previous: [GroupColumn]) -> BranchAndPrice.Outcome {
                let watch = Stopwatch()
                let outcome = solveAtMost(limit, master: master, engine: engine, previous: previous,
                                          largest: part.outcome.groups, resuming: searches[limit], statistics: &stats)
                searches[limit] = outcome.state
                table.record(outcome, groupLimit: limit, seconds: watch.seconds)
                if let line = outcome.rootLine { table.cap(line: line) }
                shared.withLock { $0.tables[index] = table }
                return outcome
            }
            /// Reports a group-limited solve finished (`counted`: one of the first pass's).
            func reportSolve(_ limit: Int, _ outcome: BranchAndPrice.Outcome, counted: Bool) {
                shared.withLock { state in
                    if counted { state.done += 1 }
                    onProgress?(FrontierProgress(
                        done: state.done, total: total, elapsed: clock.seconds,
                        stage: label + ": at most \(limit) groups" + (counted ? "" : ", resumed"),
                        saving: outcome.status.hasPlan ? outcome.saving : nil))
                }
            }
            func firstPass() {
                // The LP bound of every j first, from K_p − 1 down (each LP starts
                // from the last one's basis and columns), in at most half of this
                // part's share of the time. The part's columns are sifted in.
                let count = table.largestCount - 1
                let done = shared.withLock { $0.done }
                if let seconds = share(Double(max(1, solves(table))) / Double(max(1, total - done))) {
                    engine.deadline = clock.seconds + 0.5 * seconds
                }
                master.setGroupLimit(count)
                engine.sift(master, pool: part.columns, stats: &stats)
                for limit in stride(from: count, through: 1, by: -1) {
                    if options.shouldStop() { break }
                    master.setGroupLimit(limit)
                    guard let line = engine.relaxationLine(master, stats: &stats) else { break }
                    table.cap(line: line)
                    shared.withLock { state in
                        state.tables[index] = table
                        onProgress?(FrontierProgress(done: state.done, total: total, elapsed: clock.seconds,
                                                     stage: label + ": LP bound with at most \(limit) groups", saving: nil))
                    }
                }
                var previous: [GroupColumn] = []
                for limit in stride(from: 1, through: solves(table), by: 1) {
                    if options.shouldStop() { break }
                    if let known = table.groups[limit], table.savings[limit] > previous.reduce(0, { $0 + $1.saving }) {
                        previous = known
                    }
                    let done = shared.withLock { $0.done }
                    if let seconds = share(1 / Double(max(1, total - done))) { engine.deadline = clock.seconds + seconds }
                    let outcome = solve(limit, previous: previous)
                    if outcome.status.hasPlan { previous = outcome.groups }
                    reportSolve(limit, outcome, counted: true)
                }
            }
            /// The second pass, until the slice's deadline: the entry that matters
            /// most, resumed until it is proven or the slice ends, then the next.
            /// False when the part has nothing left that matters. (Shorter turns
            /// measured worse: each call starts GLPK's branch-and-cut over a
            /// complete pool afresh; figures in docs/performance-history.md.)
            func resume(until deadline: MovableDeadline?) -> Bool {
                engine.movableDeadline = deadline
                while true {
                    engine.deadline = nil
                    if engine.stopping() { return true }
                    guard let limit = nextEntry(of: index, table: table) else { return false }
                    reportSolve(limit, solve(limit, previous: table.bestPlan(atMost: limit)), counted: false)
                }
            }
            var first = true
            while let deadline = slices.next() {
                var left: Bool
                if first {
                    first = false
                    firstPass()
                    left = !options.shouldStop() && nextEntry(of: index, table: table) != nil
                } else {
                    left = resume(until: deadline)
                }
                slices.end(settled: !left || options.shouldStop())
            }
        }
        let (finishedTables, partStatistics) = shared.withLock { ($0.tables, $0.statistics) }
        tables = finishedTables
        let columns = partStatistics.columns
        frontier.statistics.absorb(partStatistics)
        if !solving.isEmpty { frontier.statistics.columns = columns }
        return FrontierWork(frontier: frontier, pools: pools, engine: engine, combined: PartTable.combine(tables),
                            largestSeconds: largestSeconds)
    }

    /// The points for `limits` from the combined tables.
    func makePoints(_ work: inout FrontierWork, limits: [Int]) {
        let maxGroups = work.frontier.maxGroups
        for limit in limits {
            let entry = work.combined[limit]
            var plan = emptyPlan(.infeasible)
            plan.objective = .maxSaving
            plan.targetSaving = nil
            if let groups = entry.groups {
                plan.groups = groups
                plan.totalSaving = entry.saving
                plan.bound = entry.bound.isFinite ? max(entry.bound, entry.saving) : nil
                plan.status = proven(saving: entry.saving, bound: entry.bound) ? .optimal : .feasible
            } else if entry.bound > -.infinity {
                plan.status = .noSolution
                plan.bound = entry.bound.isFinite ? entry.bound : nil
            }
            plan.normalise(problem: problem)
            work.frontier.points.append(Frontier.Point(groupLimit: limit, plan: plan,
                                                       seconds: entry.seconds + (limit == maxGroups ? work.largestSeconds : 0)))
        }
    }

    /// Step 5 on the points, then `settle`, and the interrupted marks.
    func finishPoints(_ work: inout FrontierWork) {
        solveWhole(&work.frontier, pools: work.pools, engine: work.engine)
        settle(&work.frontier.points)
        work.frontier.interrupted = options.shouldStop()
        for index in work.frontier.points.indices {
            work.frontier.points[index].interrupted = work.frontier.interrupted && work.frontier.points[index].plan.status != .optimal
        }
    }

    /// Step 5: each point the parts left unproven is solved as a whole, on a
    /// master over all services with the row "at most k groups" (holding the
    /// max-saving columns), warm-started from its plan, smallest `k` first,
    /// each with an equal share of the time left of one time limit for them
    /// all; the better plan and the smaller bound are kept. A converged root
    /// LP bounds every point (its line), which may settle points not yet
    /// solved. The points are shared out between the cores: each core has a
    /// master of its own, on its own thread (GLPK's state is thread-local),
    /// and takes the next point when it is done with one.
    private func solveWhole(_ frontier: inout Frontier, pools: [[GroupColumn]], engine: BranchAndPrice) {
        let open = frontier.points.indices.filter {
            frontier.points[$0].plan.status == .feasible || frontier.points[$0].plan.status == .noSolution
        }
        // With the max-saving plan proven, the parts' solves had the time.
        guard let maxGroups = frontier.maxGroups, !open.isEmpty, frontier.largest.status != .optimal else { return }
        var perPoint = engine.options  // with the frontier's enumeration limit
        perPoint.timeLimit = nil
        let pointEngine = BranchAndPrice(problem: problem, options: perPoint, clock: clock, enumerators: engine.enumerators)
        // One time limit for all of them: each point gets an equal share of
        // what is left (times the cores), so the small `k` that prove fast hand
        // time on. The columns are sifted in first, in at most half of it (a
        // cold LP over all 64,769 of England's pooled columns took GLPK 41 s,
        // sifting 4.8 s). Step 5 also gets what the first stages left of
        // theirs: it ends three time limits after the start.
        let end = options.timeLimit.map { max(clock.seconds + $0, 3 * $0) }
        struct Shared {
            var points: [Frontier.Point]
            var next = 0
            var statistics = SolveStatistics()
        }
        let shared = Locked(Shared(points: frontier.points))
        let workers = max(1, min(parallelWorkers, open.count))
        let largest = frontier.largest.groups
        let scheduler = SliceScheduler(workers: workers, sizes: Array(repeating: 1, count: workers), timeLimit: nil,
                                       clock: clock, shouldStop: options.shouldStop)
        scheduler.runOnce { _ in
            var engine = pointEngine
            var stats = SolveStatistics()
            defer { shared.withLock { $0.statistics.absorb(stats) } }
            engine.deadline = end.map { clock.seconds + 0.5 * ($0 - clock.seconds) }
            let master = limitedMaster(pools: pools, limit: maxGroups, engine: engine, statistics: &stats)
            while !options.shouldStop() {
                let taken: (position: Int, plan: Plan)? = shared.withLock { state in
                    guard state.next < open.count else { return nil }
                    defer { state.next += 1 }
                    return (state.next, state.points[open[state.next]].plan)
                }
                guard let (position, current) = taken else { break }
                let index = open[position]
                // Another point's line may have settled this one.
                if current.status == .feasible, let bound = current.bound, proven(saving: current.totalSaving, bound: bound) {
                    continue
                }
                if let end {
                    let left = max(0, end - clock.seconds)
                    engine.deadline = clock.seconds + left * min(1, Double(workers) / Double(open.count - position))
                }
                let watch = Stopwatch()
                let limit = shared.withLock { $0.points[index].groupLimit }
                let outcome = solveAtMost(limit, master: master, engine: engine, previous: current.groups,
                                          largest: largest, statistics: &stats)
                shared.withLock { record(outcome, at: index, seconds: watch.seconds, in: &$0.points) }
            }
        }
        shared.withLock { state in
            frontier.points = state.points
            frontier.statistics.absorb(state.statistics)
        }
    }

    /// Step 5's outcome for the point at `index`: its line bounds every point,
    /// a better plan or a smaller bound is kept.
    private func record(_ outcome: BranchAndPrice.Outcome, at index: Int, seconds: Double, in points: inout [Frontier.Point]) {
        points[index].seconds += seconds
        if let line = outcome.rootLine {
            // A bound for every point, not only this one.
            for other in points.indices where points[other].plan.status != .infeasible {
                var plan = points[other].plan
                let bound = line.at(points[other].groupLimit)
                plan.bound = min(plan.bound ?? .infinity, bound)
                if plan.status != .noSolution { plan.bound = max(plan.bound!, plan.totalSaving) }
                points[other].plan = plan
            }
        }
        var plan = points[index].plan
        switch outcome.status {
        case .optimal, .feasible:
            if plan.status == .noSolution || outcome.saving > plan.totalSaving {
                plan.groups = outcome.groups
                plan.totalSaving = outcome.saving
                plan.status = .feasible
            }
            if let bound = outcome.status == .optimal ? outcome.saving : outcome.bound {
                plan.bound = max(min(plan.bound ?? .infinity, bound), plan.totalSaving)
            }
        case .infeasible:
            plan.groups = []
            plan.totalSaving = 0
            plan.bound = nil
            plan.status = .infeasible
        case .noSolution:
            if let bound = outcome.bound { plan.bound = min(plan.bound ?? .infinity, bound) }
        }
        plan.normalise(problem: problem)
        points[index].plan = plan
    }

    /// For each council of a part, the largest saving of a group it hosts
    /// (the saving of a group is the one with its best host, and each member
    /// set is listed from that host only, so no plan's group is missed); nil
    /// when a stop request or `until` (seconds on `clock`) cut the listing
    /// short. The groups of a plan are disjoint, so they have distinct best
    /// hosts: no plan with at most `j` groups saves more than the `j` largest
    /// of these together.
    func bestGroupPerHost(engine: BranchAndPrice, service: Int, councils: [Int], until: Double? = nil) -> [GroupColumn]? {
        var outside = [Bool](repeating: true, count: problem.councilCount)
        for council in councils { outside[council] = false }
        var best: [Int: GroupColumn] = [:]
        let finished = engine.enumerators[service].enumerate(
            prices: .savings(councils: problem.councilCount), threshold: 0, perHostLimit: 1,
            excluded: outside, hosts: councils,
            shouldStop: { options.shouldStop() || until.map { clock.seconds >= $0 } ?? false }
        ) { column, _ in
            if column.saving > best[column.host]?.saving ?? 0 { best[column.host] = column }
        }
        return finished ? best.keys.sorted().map { best[$0]! } : nil
    }

    /// Whether a point's plan is within the relative gap of its bound.
    func proven(saving: Double, bound: Double) -> Bool {
        bound - saving <= options.relativeGap * max(1, abs(saving))
    }

    /// `S` is non-decreasing: a plan for a smaller `k` serves a larger one,
    /// and a bound for a larger `k` bounds a smaller one. A point whose plan
    /// then comes within the relative gap of its bound is optimal.
    func settle(_ points: inout [Frontier.Point]) {
        for index in points.indices.dropFirst() {
            let previous = points[index - 1].plan
            let current = points[index].plan
            guard previous.status.hasPlan, current.status != .infeasible,
                  !current.status.hasPlan || previous.totalSaving > current.totalSaving else { continue }
            var plan = points[index].plan
            plan.groups = previous.groups
            plan.totalSaving = previous.totalSaving
            plan.status = .feasible
            plan.bound = plan.bound.map { max($0, previous.totalSaving) }
            points[index].plan = plan
        }
        var ceiling = Double.infinity
        for index in points.indices.reversed() where points[index].plan.status != .infeasible {
            var plan = points[index].plan
            if let bound = plan.bound { ceiling = min(ceiling, bound) }
            guard ceiling.isFinite else { continue }
            plan.bound = plan.status.hasPlan ? max(ceiling, plan.totalSaving) : ceiling
            if plan.status == .feasible, proven(saving: plan.totalSaving, bound: ceiling) {
                plan.status = .optimal
            }
            points[index].plan = plan
        }
    }
}

/// What is known of one part's frontier `S_p(j)`, `j = 0, 1, ...`: the best
/// plan found with at most `j` groups (nil: none), its saving (−∞ when none),
/// an upper bound (−∞: proven that no plan has so few groups; +∞: unknown),
/// and the seconds its group-limited solve took.
struct PartTable {
    var groups: [[GroupColumn]?]
    var savings: [Double]
    var bounds: [Double]
    var seconds: [Double]
    /// `K_p`: the groups of the part's max-saving plan.
    let largestCount: Int

    /// The table before any group-limited solve: for `j < K_p` the `j` best
    /// groups of the max-saving plan, from `K_p` on that plan; every bound is
    /// the max-saving bound (a proven plan stops at `K_p`, where it is exact)
    /// except at `j = 0`, which is exact.
    init(part: ExactSolver.SolvedPart, solver: ExactSolver) {
        let outcome = part.outcome
        largestCount = outcome.groups.count
        let proven = outcome.status == .optimal
        let top = proven ? outcome.saving : (outcome.bound ?? .infinity)
        let last = proven ? largestCount : max(largestCount, part.councils.count / 2)
        groups = (0...last).map { solver.bestGroups(of: outcome.groups, count: $0) }
        savings = groups.map { $0.map { $0.reduce(0) { $0 + $1.saving } } ?? -.infinity }
        bounds = Array(repeating: max(top, outcome.saving), count: last + 1)
        // No groups: saving 0, or no plan at all when keep_together binds a council of the part.
        bounds[0] = savings[0]
        seconds = Array(repeating: 0, count: last + 1)
    }

    /// A table of values alone (an empty plan stands for each finite saving;
    /// `K_p` the last `j`), as the tests build them.
    init(savings: [Double], bounds: [Double]) {
        precondition(savings.count == bounds.count && !savings.isEmpty)
        self.savings = savings
        self.bounds = bounds
        groups = savings.map { $0 > -.infinity ? [] : nil }
        seconds = Array(repeating: 0, count: savings.count)
        largestCount = savings.count - 1
    }

    /// Makes the table consistent with `S_p` being non-decreasing: a plan
    /// with at most `j − 1` groups is one with at most `j`, and a bound on
    /// `S_p(j + 1)` bounds `S_p(j)`.
    mutating func settle() {
        for limit in savings.indices.dropFirst() where savings[limit - 1] > savings[limit] {
            groups[limit] = groups[limit - 1]
            savings[limit] = savings[limit - 1]
        }
        for limit in bounds.indices.reversed().dropFirst() {
            bounds[limit] = max(min(bounds[limit], bounds[limit + 1]), savings[limit])
        }
    }

    /// Lowers every bound to the line's value at `j` (a bound for every `j`,
    /// see `BranchAndPrice.BoundLine`).
    mutating func cap(line: BranchAndPrice.BoundLine) {
        for limit in bounds.indices.dropFirst() where bounds[limit] > -.infinity {
            bounds[limit] = max(min(bounds[limit], line.at(limit)), savings[limit])
        }
    }

    /// Lowers each bound `S_p(j)` to the sum of the `j` largest best savings
    /// per host (see `ExactSolver.bestGroupPerHost`).
    mutating func cap(bestGroupPerHost values: [Double]) {
        let sorted = values.map { max(0, $0) }.sorted(by: >)
        var sum = 0.0
        for limit in bounds.indices.dropFirst() {
            if limit <= sorted.count { sum += sorted[limit - 1] }
            if bounds[limit] > -.infinity { bounds[limit] = max(min(bounds[limit], sum), savings[limit]) }
        }
    }

    /// Plans from the best group per host: the largest first, each next one
    /// that shares no council with those taken (for a part without
    /// keep-together pairs, any set of disjoint valid groups is a plan).
    mutating func offer(greedy columns: [GroupColumn]) {
        var taken = Set<Int>()
        var plan: [GroupColumn] = []
        var saving = 0.0
        for column in columns.sorted(by: { $0.saving != $1.saving ? $0.saving > $1.saving : $0.members.lexicographicallyPrecedes($1.members) }) {
            guard plan.count + 1 < savings.count else { break }
            guard column.saving > 0, column.members.allSatisfy({ !taken.contains($0) }) else { continue }
            taken.formUnion(column.members)
            plan.append(column)
            saving += column.saving
            if saving > savings[plan.count] {
                groups[plan.count] = plan
                savings[plan.count] = saving
            }
        }
    }

    /// Takes in the outcome of the solve with at most `limit` groups.
    mutating func record(_ outcome: BranchAndPrice.Outcome, groupLimit limit: Int, seconds time: Double) {
        seconds[limit] += time
        switch outcome.status {
        case .optimal, .feasible:
            if outcome.saving > savings[limit] {
                groups[limit] = outcome.groups
                savings[limit] = outcome.saving
            }
            let bound = outcome.status == .optimal ? outcome.saving : (outcome.bound ?? .infinity)
            bounds[limit] = max(min(bounds[limit], bound), savings[limit])
        case .infeasible:
            groups[limit] = nil
            savings[limit] = -.infinity
            bounds[limit] = -.infinity
        case .noSolution:
            if let bound = outcome.bound { bounds[limit] = min(bounds[limit], bound) }
        }
    }

    /// The best plan known with at most `limit` groups (empty when none).
    func bestPlan(atMost limit: Int) -> [GroupColumn] {
        var table = self
        table.settle()
        return table.groups[min(limit, groups.count - 1)] ?? []
    }

    /// For each `j`, how far the bound on `S_p(j)` is above its best plan, once settled.
    func gaps() -> [Double] {
        var table = self
        table.settle()
        return zip(table.bounds, table.savings).map { $0 > $1 ? $0 - $1 : 0 }
    }

    /// The `j` in `1...last` whose bound is above their best plan, once settled.
    func openEntries(through last: Int) -> [Int] {
        let gaps = gaps()
        return (0...min(last, gaps.count - 1)).filter { $0 >= 1 && gaps[$0] > 0 }
    }

    /// For each table, how many of the `points` (given the tables' `combine`)
    /// left unproven (`proven(saving, bound)` false) have it at `j` on a split
    /// that attains their combined bound, by `j`, counting the `j` whose own
    /// bound is above their plan only (a point is open only if one of these
    /// is); nil when every point is proven.
    static func blocking(_ tables: [PartTable], points: ([Entry]) -> [Int],
                         proven: (Double, Double) -> Bool) -> [[Int: Int]]? {
        let combined = combine(tables)
        let settled = tables.map { table -> PartTable in
            var table = table
            table.settle()
            return table
        }
        // best[p][k]: the largest sum of the first p tables' bounds at j's that add up to k.
        var best: [[Double]] = [[0]]
        var chosen: [[Int]] = [[]]
        for table in settled {
            let previous = best[best.count - 1]
            var next = [Double](repeating: -.infinity, count: previous.count + table.bounds.count - 1)
            var choice = [Int](repeating: 0, count: next.count)
            for (used, left) in previous.enumerated() where left > -.infinity {
                for limit in table.bounds.indices where table.bounds[limit] > -.infinity && left + table.bounds[limit] > next[used + limit] {
                    next[used + limit] = left + table.bounds[limit]
                    choice[used + limit] = limit
                }
            }
            best.append(next)
            chosen.append(choice)
        }
        var counts = tables.map { _ in [Int: Int]() }
        var anyOpen = false
        let sums = best[best.count - 1]
        for point in points(combined) where point < combined.count {
            let entry = combined[point]
            guard entry.bound > -.infinity, entry.groups == nil || !proven(entry.saving, entry.bound) else { continue }
            anyOpen = true
            guard let top = (0...min(point, sums.count - 1)).max(by: { sums[$0] < sums[$1] }),
                  sums[top] > -.infinity else { continue }
            var rest = top
            for index in settled.indices.reversed() {
                let limit = chosen[index + 1][rest]
                if settled[index].bounds[limit] > settled[index].savings[limit] { counts[index][limit, default: 0] += 1 }
                rest -= limit
            }
        }
        return anyOpen ? counts : nil
    }

    /// `S(k)` for every `k` from the parts' tables: the best split of `k`
    /// groups among the parts (max-plus convolution), for plans and for
    /// bounds, then the best over `k' ≤ k` ("at most k"). Each entry carries
    /// the seconds of the solves whose plans it combines.
    typealias Entry = (groups: [GroupColumn]?, saving: Double, bound: Double, seconds: Double)

    static func combine(_ tables: [PartTable]) -> [Entry] {
        var best: [Entry] = [([], 0, 0, 0)]
        for var table in tables {
            table.settle()
            var next = [Entry](repeating: (nil, -.infinity, -.infinity, 0), count: best.count + table.savings.count - 1)
            for (used, left) in best.enumerated() where left.bound > -.infinity {
                for limit in table.savings.indices where table.bounds[limit] > -.infinity {
                    var entry = next[used + limit]
                    entry.bound = max(entry.bound, left.bound + table.bounds[limit])
                    if let mine = left.groups, let theirs = table.groups[limit], left.saving + table.savings[limit] > entry.saving {
                        entry.groups = mine + theirs
                        entry.saving = left.saving + table.savings[limit]
                        entry.seconds = left.seconds + table.seconds[limit]
                    }
                    next[used + limit] = entry
                }
            }
            best = next
        }
        for index in best.indices.dropFirst() {
            let previous = best[index - 1]
            best[index].bound = max(best[index].bound, previous.bound)
            if previous.groups != nil && previous.saving >= best[index].saving {
                best[index] = (previous.groups, previous.saving, best[index].bound, previous.seconds)
            }
        }
        return best
    }
}
