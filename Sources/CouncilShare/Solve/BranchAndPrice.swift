// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import LinearModel

/// Solves one set-packing master (`GroupMaster`) exactly by branch-and-price,
/// with GLPK as the LP engine.
///
/// 1. **Column generation** at every node: solve the LP over the pool, price
///    every host of every service (`GroupEnumerator`) with the LP duals and the
///    node's branching decisions, add groups of positive reduced cost, repeat.
///    When no group prices out, the LP value is a proven bound for the node.
///    (Phase 1 first, when `keep_together` makes rows equalities and the
///    node's LP has no feasible point among the pool's columns.)
/// 2. **Root cuts.** Subset-row cuts (`SubsetRowCut`) on triples of councils
///    and on unions of overlapping groups grown greedily tighten the root LP,
///    and on three to five councils, or on the councils of two to four
///    overlapping groups, a complete pool's LP too (step 5); they stay in the
///    master (valid everywhere) and enter pricing as penalties.
/// 3. **Ryan-Foster branching.** A fractional LP solution always has a pair
///    of councils `(a, b)` of one service whose "togetherness"
///    `Σ_{g ⊇ {a,b}} x_g` is strictly between 0 and 1; one child requires
///    them together or both outside groups, the other forbids them to share.
///    Both decisions are respected by pricing, so the children's LPs are
///    again exact bounds. Nodes are explored best bound first.
/// 4. **Incumbents.** A heuristic plan (checked feasible first) is GLPK's
///    warm start for a short branch-and-cut over the pool at the root and
///    now and then during the search; integral node LPs are incumbents too.
///    The root's dive and every plan GLPK returns go through an exchange
///    local search over the pool (`improveByExchange`).
/// 5. **Completing the pool.** When the root leaves a gap, every group that
///    a plan better than the incumbent could use is enumerated from the root
///    duals (reduced-cost fixing over all columns; see `enumerateImproving`).
///    If there are not too many (and at least `minimumSecondsToComplete`
///    are left), the pool is complete: pricing stops, subset-row cuts and
///    reduced-cost fixing go on with LP solves only, GLPK's branch-and-cut
///    over the pool gets `completePoolMIPShare` of the time left, and if it
///    does not settle the part, branch-and-price (now LP-only) goes on under
///    GLPK's bound. Otherwise the branch-and-price search goes on as before.
///    A large complete pool stays out of the LP, in the master's reserve
///    (`SolveOptions.completePoolLPLimit`): "pricing" then scans that list,
///    so every LP is still optimal over the whole pool, and GLPK's
///    branch-and-cut waits until reduced-cost fixing has made the pool small
///    enough (`SolveOptions.completePoolMIPLimit`).
///
/// The search stops when every open node's bound is within the relative gap
/// of the incumbent (optimal), or at the time limit / Ctrl-C (feasible, with
/// the largest open bound as the bound).
struct BranchAndPrice {
    let problem: Problem
    let options: SolveOptions
    let clock: Stopwatch
    let enumerators: [GroupEnumerator]
    /// This search's own deadline in seconds on `clock` (nil: the global limit only).
    var deadline: Double?
    /// A deadline that a scheduler may move while this search runs (see `SliceScheduler`).
    var movableDeadline: MovableDeadline?
    /// Cores that no other part uses (`SliceScheduler.spare`): GLPK's
    /// branch-and-cut over a complete pool may then run on two threads
    /// (`splitPoolMIP`). Only with a time limit, so that an untimed solve
    /// stays deterministic.
    var spareCores: SpareCores?
    /// Stop as soon as the pool is complete (it then holds an optimal plan):
    /// what `ModelExport` needs, without solving the MIP itself.
    var stopAtCompletePool = false

    struct Outcome {
        var status: Plan.Status
        var groups: [GroupColumn]
        var saving: Double
        var bound: Double?
        var statistics = SolveStatistics()
        /// Set when the search stopped with work left, to resume it.
        var state: SearchState?
        /// With a group-limit row: its root LP's line (see `BoundLine`).
        var rootLine: BoundLine?
    }

    /// With a group-limit row `Σ x ≤ k0`: a converged LP's value `U` and the
    /// row's dual `λ`, as the line `(U − λ·k0) + λ·k`. LP duality makes it an
    /// upper bound on the best plan with at most `k` groups for every `k`,
    /// not only `k0` (the duals stay feasible when only the row's bound
    /// changes; cuts are valid for every plan).
    struct BoundLine {
        var intercept: Double
        var slope: Double
        func at(_ k: Int) -> Double { intercept + slope * Double(k) }
    }

    /// The earliest of the global time limit and this search's deadlines.
    var limit: Double? {
        var earliest = options.timeLimit
        if let deadline { earliest = min(earliest ?? deadline, deadline) }
        if let moved = movableDeadline?.seconds { earliest = min(earliest ?? moved, moved) }
        return earliest
    }

    var remaining: Double? { limit.map { max(0, $0 - clock.seconds) } }

    func stopping() -> Bool {
        if options.shouldStop() { return true }
        if let limit, clock.seconds >= limit { return true }
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
        /// A valid upper bound on every plan of the node (Lagrangian), when known:
        /// the smallest over the rounds that priced every host, so it can be
        /// known even when the column generation did not converge.
        var bound: Double?
    }

    /// Columns found after which a pricing round may stop early.
    var partialPricingTarget: Int { 300 }

    func generateColumns(_ master: GroupMaster, stats: inout SolveStatistics, label: String) -> Relaxation {
        // The best Lagrangian bound of the rounds so far (optimise phase only).
        var lagrangian: Double?
        // A complete pool (see `enumerateImproving`) has nothing left to price but its reserve.
        if master.isComplete && master.phase == .optimise {
            let (lp, converged) = completeRelaxation(master, stats: &stats)
            return Relaxation(lp: lp, converged: converged, bound: nil)
        }
        while true {
            var watch = Stopwatch()
            let lp = master.solveRelaxation(timeLimit: remaining)
            stats.lpSeconds += watch.seconds
            guard lp.termination == .optimal else { return Relaxation(lp: lp, converged: false, bound: lagrangian) }
            if stopping() { return Relaxation(lp: lp, converged: false, bound: lagrangian) }
            stats.pricingRounds += 1
            watch = Stopwatch()
            let epsilon = 1e-9 * max(1, abs(lp.objective)) + 1e-7
            var found: [(GroupColumn, Double)] = []
            // Per service, the largest value of a group hosted by each council.
            var bestValue = [[Int: Double]](repeating: [:], count: problem.services.count)
            // Partial pricing: a round may stop once enough columns are found
            // (the next round starts where this one stopped); only a round that
            // priced every host and found nothing proves the LP optimal.
            var complete = true
            var enough = false
            for service in master.services {
                let prices = master.prices(for: service, lp: lp)
                let hosts = master.councilsOf[service]!.count
                let start = master.pricingCursor[service, default: 0]
                var priced = 0
                let finished = enumerators[service].enumerate(
                    prices: prices, threshold: epsilon, perHostLimit: 3,
                    excluded: master.outside, rules: master.rules[service] ?? BranchRules(), startingAt: start,
                    hosts: master.councilsOf[service],
                    shouldStop: {
                        if stopping() { return true }
                        if found.count >= partialPricingTarget { enough = true; return true }
                        priced += 1
                        return false
                    }
                ) { column, value in
                    found.append((column, value))
                    bestValue[service][column.host] = max(bestValue[service][column.host] ?? 0, value)
                }
                if hosts > 0 { master.pricingCursor[service] = (start + max(0, priced - 1)) % hosts }
                if !finished { complete = false; break }
            }
            if stopping() { stats.pricingSeconds += watch.seconds; return Relaxation(lp: lp, converged: false, bound: lagrangian) }
            if !complete && enough && !found.isEmpty {
                stats.pricingSeconds += watch.seconds
                found.sort { $0.1 > $1.1 }
                if master.add(found.map(\.0)) > 0 { continue }
                // Everything found was already in the pool (GLPK's tolerances
                // let a pool column price out a little): the block below
                // prices every host, since only a full round gives a bound.
            }
            stats.pricingSeconds += watch.seconds
            if !complete {
                // A partial round whose columns were all known: finish it in full.
                found.removeAll()
                bestValue = [[Int: Double]](repeating: [:], count: problem.services.count)
                for service in master.services {
                    let prices = master.prices(for: service, lp: lp)
                    _ = enumerators[service].enumerate(
                        prices: prices, threshold: epsilon, perHostLimit: 3,
                        excluded: master.outside, rules: master.rules[service] ?? BranchRules(),
                        hosts: master.councilsOf[service],
                        shouldStop: stopping
                    ) { column, value in
                        found.append((column, value))
                        bestValue[service][column.host] = max(bestValue[service][column.host] ?? 0, value)
                    }
                }
                if stopping() { return Relaxation(lp: lp, converged: false, bound: lagrangian) }
            }
            if master.phase == .optimise {
                let dual = dualBound(master, lp: lp, bestValue: bestValue, epsilon: epsilon)
                lagrangian = min(lagrangian ?? dual, dual)
            }
            found.sort { $0.1 > $1.1 }
            let added = master.add(found.prefix(4000).map(\.0))
            if added == 0 { return Relaxation(lp: lp, converged: true, bound: lagrangian) }
        }
    }

    /// `πb + Σ max(0, rc) over usable pool columns + Σ_s extra_s`: an upper
    /// bound on every plan of the node, for any duals of the right sign, where
    /// `extra_s` bounds the reduced costs of the groups of `s` outside the pool
    /// that one plan can hold. A plan's groups of `s` have distinct hosts and
    /// at most `n_s / 2` of them, so with `best_h` the largest reduced cost of
    /// a group hosted by `h` (from a pricing round that priced every host),
    /// `extra_s = min(Σ_h best_h, ⌊n_s / 2⌋ · max_h best_h)`, plus `ε` per
    /// group for the values up to the pricing threshold `ε` that it ignores.
    func dualBound(_ master: GroupMaster, lp: LPResult, bestValue: [[Int: Double]], epsilon: Double = 0) -> Double {
        var total = 0.0
        for (index, row) in master.model.constraints.enumerated() { total += lp.duals[index] * row.upper }
        var pricesByService: [Int: GroupPrices] = [:]
        for service in master.services { pricesByService[service] = master.prices(for: service, lp: lp) }
        for (offset, column) in master.columns.enumerated() where !master.disabled[offset] {
            total += max(0, pricesByService[column.service]!.value(of: column))
        }
        var extra = 0.0, largest = 0.0
        for service in master.services {
            let most = master.councilsOf[service]!.count / 2
            let values = bestValue[service].values.map { max(0, $0) }
            let best = values.max() ?? 0
            extra += min(values.reduce(0, +), best * Double(most)) + epsilon * Double(most)
            largest = max(largest, best)
        }
        if let row = master.groupLimitRow { extra = min(extra, largest * master.model.constraints[row.index].upper) }
        return total + extra
    }

    /// The line of a converged LP over `master` without branching decisions
    /// (see `BoundLine`); nil without a group-limit
    /// row, or once columns are retired (then the LP bounds only plans better
    /// than one incumbent).
    static func line(_ master: GroupMaster, _ lp: LPResult) -> BoundLine? {
        guard let row = master.groupLimitRow, lp.termination == .optimal, master.rules.isEmpty,
              !master.isComplete, !master.retired.contains(true) else { return nil }
        let slope = lp.duals[row.index]
        return BoundLine(intercept: lp.objective - slope * master.model.constraints[row.index].upper, slope: slope)
    }

    /// Column generation only, at the top of the tree with the master's
    /// current group limit: the line of its converged LP, or nil when a limit
    /// stopped it first.
    func relaxationLine(_ master: GroupMaster, stats: inout SolveStatistics) -> BoundLine? {
        master.apply([:])
        let relaxation = generateColumns(master, stats: &stats, label: "relaxation")
        return relaxation.converged ? BranchAndPrice.line(master, relaxation.lp) : nil
    }

    /// Moves the reserve's columns of positive reduced cost under `lp` that
    /// the decisions in force allow into the LP, at most `limit`, best first;
    /// returns how many. None means the LP is optimal over the whole pool.
    @discardableResult
    func pullFromReserve(_ master: GroupMaster, lp: LPResult, limit: Int = 4000) -> Int {
        guard !master.reserve.isEmpty else { return 0 }
        let epsilon = 1e-9 * max(1, abs(lp.objective)) + 1e-7
        var prices: [Int: GroupPrices] = [:]
        for service in master.services { prices[service] = master.prices(for: service, lp: lp) }
        var found: [(index: Int, value: Double)] = []
        for (index, column) in master.reserve.enumerated() {
            let value = prices[column.service]!.value(of: column)
            guard value > epsilon else { continue }
            if let rules = master.rules[column.service], !rules.allows(column.members, problem: problem) { continue }
            found.append((index, value))
        }
        if found.isEmpty { return 0 }
        found.sort { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }
        let chosen = found.prefix(limit).map(\.index)
        master.add(chosen.map { master.reserve[$0] })
        let taken = Set(chosen)
        master.reserve = master.reserve.indices.filter { !taken.contains($0) }.map { master.reserve[$0] }
        return chosen.count
    }

    /// On a complete pool: the LP over all of it, reserve included (columns
    /// are pulled from the reserve until none prices out); `converged` is
    /// false when a limit stopped that first.
    func completeRelaxation(_ master: GroupMaster, stats: inout SolveStatistics) -> (lp: LPResult, converged: Bool) {
        while true {
            var watch = Stopwatch()
            let lp = master.solveRelaxation(timeLimit: remaining)
            stats.lpSeconds += watch.seconds
            guard lp.termination == .optimal, !master.reserve.isEmpty else { return (lp, lp.termination == .optimal) }
            if stopping() { return (lp, false) }
            watch = Stopwatch()
            let moved = pullFromReserve(master, lp: lp)
            stats.pricingSeconds += watch.seconds
            if moved == 0 { return (lp, true) }
        }
    }

    /// Sifting: loads `pool` into `master` a batch at a time, the columns of
    /// largest reduced cost under the last LP's duals, until none is positive
    /// (or a limit stops it; the columns left out are found again by pricing
    /// if they matter). A cold LP over all of a large pool is slow: 9.5 s for
    /// England's fostering and adoption with 34,000 columns.
    func sift(_ master: GroupMaster, pool: [GroupColumn], batch: Int = 500, stats: inout SolveStatistics) {
        var waiting = pool.filter { master.services.contains($0.service) }
        while !waiting.isEmpty && !stopping() {
            let watch = Stopwatch()
            let lp = master.solveRelaxation(timeLimit: remaining)
            stats.lpSeconds += watch.seconds
            guard lp.termination == .optimal else { return }
            var prices: [Int: GroupPrices] = [:]
            for service in master.services { prices[service] = master.prices(for: service, lp: lp) }
            let epsilon = 1e-9 * max(1, abs(lp.objective)) + 1e-7
            var positive: [(index: Int, value: Double)] = []
            for (index, column) in waiting.enumerated() {
                let value = prices[column.service]!.value(of: column)
                if value > epsilon { positive.append((index, value)) }
            }
            if positive.isEmpty { return }
            positive.sort { $0.value != $1.value ? $0.value > $1.value : $0.index < $1.index }
            let chosen: [Int] = positive.prefix(batch).map { $0.index }
            master.add(chosen.map { waiting[$0] })
            let taken = Set(chosen)
            waiting = waiting.indices.filter { !taken.contains($0) }.map { waiting[$0] }
        }
    }

    // MARK: Closing the gap by enumeration

    /// A search with less time left than this after its root does not complete
    /// its pool: listing and settling it would take the whole slice (the
    /// frontier's many short group-limited solves measured worse with it).
    var minimumSecondsToComplete: Double { 2 }

    /// The share of what is left of a part's time that GLPK's branch-and-cut
    /// gets over a complete pool before branch-and-price takes over.
    /// Measured 2026-11-30 (throwaway builds, 60 s): England's gap averaged
    /// 0.0054% over four runs with a half, 0.0045% with 0.8 and 0.0029% with
    /// all of it; but generated 317 x 4 ended at 0.0115%, 0.0110-0.0112% and
    /// 0.0136% (all of it leaves branch-and-price, whose dives find its best
    /// plans, no time), and the England frontier at `--time-limit 60` proved
    /// 40 points with a half, 52 with 0.8 (at `--time-limit 200`: 100 with a
    /// half, 88 with 0.8, but median gaps of the rest 0.0062% and 0.0042%).
    var completePoolMIPShare: Double { 0.8 }
    /// GLPK over a complete pool of `live` columns is split (`splitPoolMIP`)
    /// only with at least this many seconds left:
    /// `secondsToSplitSmallPool` for a pool of at most `smallPoolToSplit`
    /// columns, `secondsToSplitLargePool` for a larger one. A piece not reached in time keeps its parent's LP value as its
    /// bound, where one search over the whole pool would have lowered it. In
    /// England's runs at 60 s, fostering and adoption's 30,000 columns split
    /// with less than 20 s left ended at 0.0115% (bound £1,059.24m) in two
    /// runs, against 0.0068-0.0191% without; its pieces over 4,800 columns,
    /// from the best plan, took 2-8 s each.
    func secondsToSplit(_ live: Int) -> Double { live <= smallPoolToSplit ? secondsToSplitSmallPool : secondsToSplitLargePool }
    var secondsToSplitSmallPool: Double { 8 }
    var secondsToSplitLargePool: Double { 20 }
    var smallPoolToSplit: Int { 8000 }


    /// GLPK's branching in the branch-and-cut over a complete pool:
    /// Driebeek and Tomlin's penalties over the ten most fractional variables
    /// only (`MIPParameters`), where GLPK's own rule scores all of them (on a
    /// profile of generated 317 x 4 at 60 s, about 40% of the samples). The
    /// root's pool MIP and the plan merges keep GLPK's rule: with the short
    /// list there too, England at 60 s ended at 0.017-0.025% in six runs,
    /// placement commissioning proven in one; with it on complete pools only,
    /// 0.0179% and 0.0176%, proven in both (GLPK's rule everywhere:
    /// 0.0187-0.0208% in five runs). Generated 100 x 4 is proven in 10-14 s
    /// either way, against 22 s (README).
    var branchingCandidates: Int { 10 }

    /// The rounds of cuts on unions over a complete pool (`tightenCompletePool`)
    /// go on while a round closes at least this share of the gap left, even
    /// when it gains less than 10^-5 of the bound. England's upper-tier back
    /// office at 60 s: the third round gained 8.7k of £1,044.1m (0.8 x 10^-5,
    /// where the rounds used to stop) but 23% of the £37.5k gap; two more
    /// rounds brought the LP down to the plan, reduced-cost fixing left 135
    /// of 5,509 columns, and GLPK proved it in 0.2 s, at 13 s instead of over
    /// two slices that ended at 42 s (README, "How it solves").
    var unionRoundsStop: Double { 0.05 }

    /// How many distinct plans a search keeps for `mergePlans`.
    var eliteSize: Int { 6 }

    /// The share of the time left for merging the incumbent with the complete
    /// pool's LP. England's fostering and adoption finds its best plan this
    /// way within it; generated 317 x 4's back office and legal find nothing
    /// better and took 6-7 s each at 0.15 (the share until 2026-12-02), which
    /// their branch-and-cut now gets (317 x 4 at 60 s: 0.0035-0.0039% against
    /// 0.0036-0.0056%; England 28.1 and 32.5 s against 28.7 and 33.6 s).
    var relaxationMergeShare: Double { 0.05 }

    /// The share of the time left for merging the incumbent with the other
    /// elite plans (`merge`): a tenth until 2026-12-02, measured with
    /// `relaxationMergeShare`.
    var eliteMergeShare: Double { 0.05 }

    /// At most this many seconds for each of the two merges over a complete
    /// pool (`relaxationMergeShare`, `eliteMergeShare`): their shares'
    /// value at a limit of 60 s, so that shorter solves are unchanged. At
    /// `--time-limit 900`, generated 317 x 4's legal and back office ran
    /// their merges for 38 s and 44 s on the path to the proof, and found
    /// nothing; with a cap of 10 s (until 2026-12-03), 10 s and 7 s, still
    /// for nothing, and the proof came at 61.5-63.2 s; with 3 s, at
    /// 57.6-57.7 s. Untimed solves have no cap, as they have no share.
    var mergeSecondsCap: Double { 3 }

    /// The root pool's MIP stops once its own gap (its bound less its
    /// incumbent) is at most this share of the root's gap (the root bound
    /// less that incumbent): a better plan of the pool could then narrow the
    /// root's gap, and so the complete pool, by no more than this share.
    /// Generated 317 x 4 at `--time-limit 900`: back office's root pool MIP
    /// found its last plan at 13.7 s and then proved it until 21.9 s; with
    /// the stop, it ended at 11 s (and the merges, pointless after such a
    /// MIP as after a proven one, were skipped): 61.5 and 63.2 s to the
    /// proof against 66.5 and 68.2 s without it.
    var rootPoolGapShare: Double { 0.2 }

    /// Completes the pool with every column that a plan better than the
    /// incumbent can use, and retires all others; nil (pool unchanged) when
    /// there are more than `limit` of them or time runs out.
    ///
    /// **Why it is exact** (reduced-cost fixing over all columns, in the
    /// manner of Baldacci, Christofides and Mingozzi's route enumeration).
    /// Take the duals `π` of the converged root LP, with the duals of `≤`
    /// rows clamped at 0 (`π'`; that only lowers reduced costs). For any plan
    /// `x` (a set `P` of columns meeting the master's rows, cuts included,
    /// all valid for every plan), with `rc_j = c_j − π'A_j`:
    ///
    ///     saving(x) = π'·(A x) + Σ_{j∈P} rc_j ≤ π'b + Σ_{j∈P} rc_j.
    ///
    /// Every column has `rc_j ≤ ρ`, where `ρ ≥ 0` is the larger of the
    /// pricing threshold and the largest reduced cost in the pool (pricing
    /// converged: no unknown column beats the pool's best of its host), and
    /// a plan has at most `m` groups. So a plan with `saving(x) > LB` (the
    /// incumbent) uses only columns with
    ///
    ///     rc_j > τ = LB − π'b − (m − 1)·ρ,
    ///
    /// and the enumerator lists exactly those (its bound never cuts a column
    /// above the threshold). The master over them (plus the incumbent's) has
    /// the same optimum as the full problem, and GLPK's branch-and-cut can
    /// finish it without further pricing. The smaller the root gap, the fewer
    /// columns pass.
    func enumerateImproving(_ master: GroupMaster, lp: LPResult, incumbent: [GroupColumn], saving: Double,
                            limit: Int) -> Int? {
        let (clamped, threshold) = reducedCostThreshold(master, lp: lp, saving: saving)
        var found: [GroupColumn] = []
        var overflow = false
        for service in master.services {
            let finished = enumerators[service].enumerate(
                prices: master.prices(for: service, lp: clamped), threshold: threshold,
                excluded: master.outside, hosts: master.councilsOf[service],
                shouldStop: { overflow || stopping() }
            ) { column, _ in
                found.append(column)
                if found.count > limit { overflow = true }
            }
            if !finished || overflow { return nil }
        }
        let keep = Set(found).union(incumbent)
        if found.count > options.completePoolLPLimit {
            // A large pool waits in the reserve; pricing brings in what the LPs need.
            master.retire { keep.contains(master.columns[$0]) }
            master.reserve = found.filter { !master.contains($0) }
        } else {
            master.add(found)
            master.retire { keep.contains(master.columns[$0]) }
        }
        return keep.count
    }

    /// The duals of `lp` with those of `≤` rows clamped at 0, and the
    /// reduced-cost threshold `τ` of `enumerateImproving` for an incumbent
    /// worth `saving`: every column of a better plan has a reduced cost above it.
    func reducedCostThreshold(_ master: GroupMaster, lp: LPResult, saving: Double) -> (clamped: LPResult, threshold: Double) {
        var clampedB = 0.0
        var clamped = lp
        for (index, row) in master.model.constraints.enumerated() {
            if row.lower != row.upper { clamped.duals[index] = max(0, clamped.duals[index]) }
            if row.upper.isFinite { clampedB += clamped.duals[index] * row.upper }
        }
        // ρ from the unclamped prices that pricing used.
        var rho = 1e-9 * max(1, abs(lp.objective)) + 1e-7
        var groups = 0
        for service in master.services {
            let prices = master.prices(for: service, lp: lp)
            for (offset, column) in master.columns.enumerated() where column.service == service && !master.disabled[offset] {
                rho = max(rho, prices.value(of: column))
            }
            groups += master.councilsOf[service]!.count / 2
        }
        if let row = master.groupLimitRow { groups = min(groups, Int(master.model.constraints[row.index].upper)) }
        return (clamped, saving - clampedB - Double(max(0, groups - 1)) * rho - 1e-9 * max(1, abs(saving)))
    }

    /// On a complete pool: retires the columns (and drops those of the
    /// reserve) whose reduced cost under the duals of `lp` (an optimal LP over
    /// the whole pool, reserve included) shows that no plan better
    /// than the incumbent uses them (same argument as `enumerateImproving`:
    /// a better plan uses pool columns only). Returns how many it retired.
    @discardableResult
    func fixByReducedCost(_ master: GroupMaster, lp: LPResult, incumbent: [GroupColumn], saving: Double) -> Int {
        precondition(master.isComplete, "reduced-cost fixing needs a complete pool")
        let (clamped, threshold) = reducedCostThreshold(master, lp: lp, saving: saving)
        var pricesByService: [Int: GroupPrices] = [:]
        for service in master.services { pricesByService[service] = master.prices(for: service, lp: clamped) }
        let keep = Set(incumbent)
        var retired = 0
        master.retire { offset in
            let column = master.columns[offset]
            if keep.contains(column) || pricesByService[column.service]!.value(of: column) > threshold {
                return true
            }
            retired += 1
            return false
        }
        // The reserve's columns too (`lp` is optimal over the whole pool, so they price at most ε ≤ ρ).
        let before = master.reserve.count
        master.reserve.removeAll { pricesByService[$0.service]!.value(of: $0) <= threshold }
        return retired + before - master.reserve.count
    }

    /// On a complete pool, cuts no longer need pricing: separates subset-row
    /// cuts round after round (LP solves only), fixing columns by reduced
    /// cost after each, until the bound stalls. Returns the last LP solved
    /// (its objective bounds every plan better than the incumbent), nil if
    /// none was or an LP failed. `unions`: with the uniform shape on unions of
    /// groups too.
    @discardableResult
    func tightenCompletePool(_ master: GroupMaster, incumbent: (groups: [GroupColumn], saving: Double),
                             unions: Bool = false, stats: inout SolveStatistics, label: String) -> LPResult? {
        var last: LPResult?
        var rounds = 0
        let until = unions ? remaining.map { clock.seconds + 0.1 * $0 } : nil
        while !stopping() {
            let (lp, converged) = completeRelaxation(master, stats: &stats)
            guard lp.termination == .optimal else { return nil }
            guard converged else { return last }
            fixByReducedCost(master, lp: lp, incumbent: incumbent.groups, saving: incumbent.saving)
            if let last, last.objective - lp.objective < 1e-7 * max(1, abs(lp.objective)), rounds >= 3 { return lp }
            // The rounds with unions stop sooner: once a round gains less than 10^-5 of
            // the bound and less than `unionRoundsStop` of the gap left, or after a
            // tenth of the time left (with every denominator, a throwaway trace of
            // 100 x 4 showed 50 rounds of two or three cuts each).
            if unions, let last, rounds >= 3,
               last.objective - lp.objective < min(1e-5 * max(1, abs(lp.objective)),
                                                   unionRoundsStop * max(0, last.objective - incumbent.saving)) { return lp }
            if let until, clock.seconds > until { return lp }
            last = lp
            if lp.objective <= incumbent.saving + options.relativeGap * max(1, abs(incumbent.saving)) { return lp }
            // With the four- and five-council shapes (the root's search uses triples only):
            // England at 60 s, fostering and adoption's bound £1,059.88m -> £1,059.48m (README).
            // (Pricing, should the pool be reopened, respects every shape; see `GroupPrices.cutPenalty`.)
            var added = separateSubsetRowCuts(master, lp: lp, larger: true, unions: unions)
            // With the rank-1 cuts of any weights (see `separateRankOneCuts`).
            if unions && options.rankOneCuts { added += separateRankOneCuts(master, lp: lp, stats: &stats) }
            stats.cuts += added
            rounds += 1
            if added == 0 { break }
        }
        report(label + ": complete pool, \(stats.cuts) cuts", incumbent.saving, last?.objective)
        return last
    }

    // MARK: Subset-row cuts

    /// Cuts for the nodes of GLPK's branch-and-cut over `master`'s columns
    /// as they are now (`MIPParameters.cutSeparator`): the triples, the
    /// grown unions and the rank-1 cuts of the root's rounds, separated at
    /// each node's LP and handed to GLPK, which keeps them in that node's
    /// subtree. They are valid for every plan, so for every plan of the pool,
    /// and pricing never sees them (GLPK's search prices nothing), so any
    /// weights are fine. The four- and five-council shapes and the chains of
    /// unions are left out: on back office of generated 317 x 4 (one part of
    /// 306 councils) they cost a fifth of the time and moved the bound less
    /// than they cost.
    ///
    /// Up to `completeRounds` rounds at a node of a complete pool (the
    /// search that bounds the part), one at a node of a pool still growing
    /// (the root's pool MIP, a search for plans, where a node's LP must stay
    /// cheap). Measured (2026-12-01, throwaway builds switched from the
    /// environment, 60 s): on that back office, the two pieces of its split
    /// search reached bounds of £534.70m and £534.68m in 130 nodes each,
    /// against £534.74m and £534.70m in 4,500 nodes without cuts; with one
    /// round in the root's pool MIP as well, its plan was £534,661,736
    /// instead of £534,630,965 (the optimum is £534,664,551).
    /// Each call returns at most the backend's limit (`GLPKSolver.cutLimit`,
    /// with the measurements): the first cuts of the root's order (the most
    /// violated subset-row cuts, one per council, then rank-1 cuts), built
    /// only for those. Each call adds the number of cuts it returns to
    /// `offered`.
    func nodeCutSeparator(_ master: GroupMaster, columns: [GroupColumn]? = nil, completeRounds: Int = 3,
                          offered: Locked<Int>) -> @Sendable ([Double], Int, Int) -> [CutRow] {
        let columns = columns ?? master.columns, first = master.firstGroupVariable, services = master.services
        let councilCount = problem.councilCount
        var councilColumns = [[Int]](repeating: [], count: councilCount)
        for (offset, column) in columns.enumerated() { for member in column.members { councilColumns[member].append(offset) } }
        let columnsOf = councilColumns
        let rounds = master.isComplete ? completeRounds : 1
        let search = self
        return { values, round, limit in
            guard round < rounds, limit > 0, values.count >= first + columns.count else { return [] }
            let groupValues = Array(values[first..<(first + columns.count)])
            var rows: [CutRow] = []
            var stamp = [Bool](repeating: false, count: columns.count)
            // The cut's row over every column of the pool that meets its
            // councils (not only the LP's).
            func add(_ service: Int, _ cut: SubsetRowCut) -> Bool {
                guard rows.count < limit else { return false }
                var meeting: [Int] = []
                for council in cut.councils {
                    for offset in columnsOf[council] where !stamp[offset] {
                        stamp[offset] = true
                        meeting.append(offset)
                    }
                }
                for offset in meeting { stamp[offset] = false }
                let terms = cut.terms(over: columns, at: meeting, service: service,
                                      weightOf: cut.weightOf(councilCount: councilCount))
                rows.append(CutRow(variables: terms.map { first + $0.offset }, coefficients: terms.map { Double($0.coefficient) },
                                   upper: Double(cut.rightSide)))
                return true
            }
            _ = search.separateSubsetRowCuts(columns: columns, values: groupValues, services: services,
                                             larger: false, unions: true, add: add)
            if search.options.rankOneCuts && rows.count < limit {
                _ = search.separateRankOneCuts(columns: columns, values: groupValues, services: services, add: add)
            }
            offered.withLock { $0 += rows.count }
            return rows
        }
    }

    /// Adds the most violated subset-row cuts (`SubsetRowCut`) and returns how
    /// many it added. Triples are searched exhaustively: any three councils
    /// that fractional groups join pairwise. The four- and five-council shapes
    /// are searched around each council `a` of a fractional group, over the
    /// eight councils that share the most LP weight with it (`a` at 2/3 with
    /// three of them; `a` and four of them at 1/3). With `unions`, the
    /// uniform shape on unions of overlapping fractional groups: grown
    /// greedily (`forEachGrownUnion`, also at the root), at 1/`max_members`
    /// and 1/(`max_members` - 1), and, with `larger`, every chain of two to
    /// four (`forEachUnion`) at 1/`max_members`. (With every denominator
    /// from 2 up on the chains, 50 x 4 was proven in 6.6-7.3 s against 2.4 s.)
    func separateSubsetRowCuts(_ master: GroupMaster, lp: LPResult, larger: Bool, unions: Bool = false) -> Int {
        separateSubsetRowCuts(columns: master.columns, values: master.groupValues(lp), services: master.services,
                              larger: larger, unions: unions) { master.addCut(service: $0, $1) }
    }

    /// The search of `separateSubsetRowCuts(_:lp:larger:unions:)` over
    /// `columns` at LP values `values`, each cut offered to `add` (true: it
    /// was added, so its councils take no other cut this round).
    func separateSubsetRowCuts(columns: [GroupColumn], values: [Double], services: [Int], larger: Bool, unions: Bool,
                               add: (Int, SubsetRowCut) -> Bool) -> Int {
        let n = problem.councilCount
        var found: [(service: Int, cut: SubsetRowCut, violation: Double)] = []
        for service in services {
            var pair: [Int: Double] = [:]
            var triple: [[Int]: Double] = [:]
            var touching: [Int: Set<Int>] = [:]
            var fractionalCouncils = Set<Int>()
            var support: [(members: [Int], x: Double)] = []
            var supportOf: [Int: [Int]] = [:]
            for (offset, column) in columns.enumerated() where column.service == service {
                let x = values[offset]
                if x <= 1e-6 { continue }
                if x < 1 - 1e-6 { fractionalCouncils.formUnion(column.members) }
                let members = column.members
                if larger || unions {  // the support by council, for the larger shapes and unions only
                    for council in members { supportOf[council, default: []].append(support.count) }
                    support.append((members, x))
                }
                for a in 0..<members.count { for b in (a + 1)..<members.count {
                    pair[members[a] * n + members[b], default: 0] += x
                    touching[members[a], default: []].insert(members[b])
                    touching[members[b], default: []].insert(members[a])
                    for c in (b + 1)..<members.count { triple[[members[a], members[b], members[c]], default: 0] += x }
                } }
            }
            for a in fractionalCouncils.sorted() {
                let after = (touching[a] ?? []).filter { $0 > a }.sorted()
                for (index, b) in after.enumerated() {
                    for c in after[(index + 1)...] where touching[b]?.contains(c) == true {
                        let lhs = (pair[a * n + b] ?? 0) + (pair[a * n + c] ?? 0) + (pair[b * n + c] ?? 0)
                            - 2 * (triple[[a, b, c]] ?? 0)
                        if lhs > 1 + 1e-3 { found.append((service, .triple([a, b, c]), lhs - 1)) }
                    }
                }
            }
            // Four and five councils around each fractional council (`larger`), and unions.
            if larger || unions {
                var stamp = [Int](repeating: -1, count: support.count)
                var round = 0
                var seen = Set<SubsetRowCut>()
                // The support by council, and the cut's weight by council (0 outside it, between calls).
                var groupsOf = [[Int]](repeating: [], count: n)
                for (council, groups) in supportOf where council < n { groupsOf[council] = groups }
                var weightOf = [Int](repeating: 0, count: n)
                func consider(_ cut: SubsetRowCut) {
                    guard seen.insert(cut).inserted else { return }
                    round += 1
                    for (council, weight) in zip(cut.councils, cut.weights) { weightOf[council] = weight }
                    var lhs = 0.0
                    for council in cut.councils {
                        for index in groupsOf[council] where stamp[index] != round {
                            stamp[index] = round
                            var total = 0
                            for member in support[index].members { total += weightOf[member] }
                            let coefficient = total / cut.denominator
                            if coefficient > 0 { lhs += Double(coefficient) * support[index].x }
                        }
                    }
                    for council in cut.councils { weightOf[council] = 0 }
                    let violation = lhs - Double(cut.rightSide)
                    if violation > 1e-3 { found.append((service, cut, violation)) }
                }
                for a in fractionalCouncils.sorted() where larger {
                    let near = (touching[a] ?? []).sorted { lhs, rhs in
                        let l = pair[min(a, lhs) * n + max(a, lhs)] ?? 0, r = pair[min(a, rhs) * n + max(a, rhs)] ?? 0
                        return l != r ? l > r : lhs < rhs
                    }.prefix(8)
                    forEachCombination(of: Array(near), size: 3) { consider(.four(heavy: a, $0)) }
                    forEachCombination(of: Array(near), size: 4) { consider(.five([a] + $0)) }
                }
                // 1/max_members over the councils of overlapping fractional groups: chains
                // of two to four (with `larger`), and unions grown greedily.
                if unions {
                    let largest = problem.services[service].maxMembers
                    if larger {
                        forEachUnion(of: support, supportOf: supportOf) { councils in
                            if councils.count >= largest { consider(.uniform(councils, denominator: largest)) }
                        }
                    }
                    // On each grown union, 1/(max_members - 1) too: after the root's cuts, England's
                    // district back office (groups of up to five) has 2.25 groups on 11 councils,
                    // four or five of them each, where two fit (its 60 s bound £406.90m -> £406.86m).
                    // Once a pool is complete (`larger`), the cut sized to the groups inside the
                    // union as well (`sizedCut`). At the root too (sizes d and d - 1 only), England
                    // at 60 s ended at 0.025-0.027% against 0.021-0.023% (three alternating runs
                    // each): placement commissioning's plan £42k lower every time.
                    forEachGrownUnion(of: support, supportOf: supportOf, denominator: largest) { councils in
                        consider(.uniform(councils, denominator: largest))
                        if largest > 2 { consider(.uniform(councils, denominator: largest - 1)) }
                        if larger, let cut = Self.sizedCut(councils, support: support, supportOf: supportOf,
                                                           largest: largest) { consider(cut) }
                    }
                }
            }
        }
        found.sort { lhs, rhs in
            if lhs.violation != rhs.violation { return lhs.violation > rhs.violation }
            if lhs.service != rhs.service { return lhs.service < rhs.service }
            if lhs.cut.councils != rhs.cut.councils { return lhs.cut.councils.lexicographicallyPrecedes(rhs.cut.councils) }
            return lhs.cut.weights.lexicographicallyPrecedes(rhs.cut.weights)
        }
        // At most one new cut per council per round, so that cuts spread out.
        var used = Set<[Int]>()
        var added = 0
        for candidate in found where added < 200 {
            if candidate.cut.councils.contains(where: { used.contains([candidate.service, $0]) }) { continue }
            if add(candidate.service, candidate.cut) {
                added += 1
                for council in candidate.cut.councils { used.insert([candidate.service, council]) }
            }
        }
        return added
    }

    /// Calls `body` with the councils (ascending) of each union of two, three or
    /// four fractional groups of `support` that overlap in a chain (each next
    /// group, of a larger index, meets one already taken), each union once, at
    /// most `limit` unions of at most `maxCouncils` councils, in a fixed order.
    func forEachUnion(of support: [(members: [Int], x: Double)], supportOf: [Int: [Int]],
                      maxCouncils: Int = 20, limit: Int = 4000, _ body: ([Int]) -> Void) {
        let fractional = support.indices.filter { support[$0].x < 1 - 1e-6 }
        var neighbours: [Int: [Int]] = [:]
        for index in fractional {
            var near = Set<Int>()
            for council in support[index].members {
                for other in supportOf[council] ?? [] where other != index && support[other].x < 1 - 1e-6 { near.insert(other) }
            }
            neighbours[index] = near.sorted()
        }
        var seen = Set<[Int]>()
        func grow(_ taken: [Int], _ councils: Set<Int>) {
            if seen.count >= limit { return }
            if taken.count >= 2 {
                let sorted = councils.sorted()
                if seen.insert(sorted).inserted { body(sorted) }
            }
            if taken.count == 4 { return }
            var next = Set<Int>()
            for index in taken { for other in neighbours[index] ?? [] where other > taken.last! { next.insert(other) } }
            for other in next.sorted() {
                let union = councils.union(support[other].members)
                if union.count <= maxCouncils { grow(taken + [other], union) }
            }
        }
        for index in fractional { grow([index], Set(support[index].members)) }
    }

    /// Calls `body` with every subset of `items` of `size` elements, in lexicographic order of positions.
    func forEachCombination(of items: [Int], size: Int, _ body: ([Int]) -> Void) {
        guard size <= items.count else { return }
        var positions = Array(0..<size)
        while true {
            body(positions.map { items[$0] })
            var slot = size - 1
            while slot >= 0 && positions[slot] == items.count - size + slot { slot -= 1 }
            if slot < 0 { return }
            positions[slot] += 1
            for next in (slot + 1)..<size { positions[next] = positions[next - 1] + 1 }
        }
    }

    // MARK: Primal heuristic

    /// A plan from the pool by diving on the LP: solve the LP over the pool
    /// (no pricing), fix the fractional group with the largest value at 1,
    /// and repeat until the LP point is integral. Nil when an LP fails or
    /// time runs out. The columns are released afterwards; node rules are
    /// cleared for the dive and restored.
    func dive(_ master: GroupMaster, stats: inout SolveStatistics) -> [GroupColumn]? {
        let saved = master.rules
        master.apply([:])
        var fixed: [Int] = []
        defer {
            for offset in fixed { master.release(column: offset) }
            master.apply(saved)
        }
        while !stopping() {
            let watch = Stopwatch()
            let lp = master.solveRelaxation(timeLimit: remaining)
            stats.lpSeconds += watch.seconds
            guard lp.termination == .optimal else { return nil }
            let values = master.groupValues(lp)
            var pick: Int?
            for offset in values.indices where values[offset] > 1e-6 && values[offset] < 1 - 1e-6 {
                if let best = pick, values[best] > values[offset]
                    || (values[best] == values[offset] && master.columns[best].saving >= master.columns[offset].saving) {
                    continue
                }
                pick = offset
            }
            guard let pick else { return values.indices.filter { values[$0] > 0.5 }.map { master.columns[$0] } }
            master.fix(column: pick)
            fixed.append(pick)
        }
        return nil
    }

    // MARK: Nodes

    struct Node {
        var rules: [Int: BranchRules]
        /// The parent's bound: no plan in this subtree does better.
        var bound: Double
        var depth: Int
        var order: Int
    }

    enum NodeResult {
        case infeasible
        /// Stopped by a limit, with the node's Lagrangian bound when one is known.
        case stopped(bound: Double?)
        case solved(Relaxation)
    }

    /// Column generation at a node under its decisions (phase 1 first when the
    /// node's LP has no feasible point yet).
    func process(_ master: GroupMaster, _ node: Node, stats: inout SolveStatistics, label: String) -> NodeResult {
        master.apply(node.rules)
        if master.needsFeasibilityPhase {
            let first = master.solveRelaxation(timeLimit: remaining)
            if first.termination == .infeasible {
                master.setPhase(.feasibility)
                let phaseOne = generateColumns(master, stats: &stats, label: label + " (feasibility)")
                master.setPhase(.optimise)
                if phaseOne.lp.termination == .infeasible { return .infeasible }
                if !phaseOne.converged { return .stopped(bound: nil) }
                if phaseOne.lp.objective < -1e-7 { return .infeasible }
            }
        }
        let relaxation = generateColumns(master, stats: &stats, label: label)
        if relaxation.lp.termination == .infeasible { return .infeasible }
        if !relaxation.converged { return .stopped(bound: relaxation.bound) }
        return .solved(relaxation)
    }

    enum Branching {
        /// Ryan-Foster: councils `a` and `b` of `service` together, or apart.
        case pair(service: Int, a: Int, b: Int)
        /// Council `a` of `service` shares, or keeps the service in-house.
        case coverage(service: Int, council: Int)
    }

    /// What to branch on in a fractional LP solution (nil when it is integral).
    ///
    /// A pair `(a, b)` is useful when its togetherness `t = Σ_{g ⊇ {a,b}} x_g`
    /// is fractional and some positive group holds exactly one of the two
    /// (otherwise the "together" child keeps the same LP point); of those, the
    /// one with `t` closest to 1/2. If there is none, every fractional group's
    /// members are covered by it alone, so some council's coverage
    /// `Σ_{g ∋ a} x_g` is fractional (this happens with the group-limit row),
    /// and the search branches on whether that council shares.
    func branching(_ master: GroupMaster, _ lp: LPResult) -> Branching? {
        let values = master.groupValues(lp)
        var together: [[Int]: Double] = [:]
        var coverage: [[Int]: Double] = [:]
        for (offset, column) in master.columns.enumerated() where values[offset] > 1e-6 {
            let members = column.members
            for a in 0..<members.count {
                coverage[[column.service, members[a]], default: 0] += values[offset]
                for b in (a + 1)..<members.count {
                    together[[column.service, members[a], members[b]], default: 0] += values[offset]
                }
            }
        }
        var candidates: [([Int], Double)] = []
        for (key, value) in together where value > 1e-6 && value < 1 - 1e-6 {
            let coverA = coverage[[key[0], key[1]]] ?? 0, coverB = coverage[[key[0], key[2]]] ?? 0
            guard coverA - value > 1e-6 || coverB - value > 1e-6 else { continue }
            candidates.append((key, abs(value - 0.5)))
        }
        // Closest to 1/2 first. (Measured alternatives: "largest below 1" and
        // "smallest above 0" were slower; strong branching on the restricted
        // master halved the nodes but not the time, so it was left out.)
        candidates.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.lexicographicallyPrecedes($1.0) }
        if let first = candidates.first { return .pair(service: first.0[0], a: first.0[1], b: first.0[2]) }
        var council: ([Int], Double)?
        for (key, value) in coverage where value > 1e-6 && value < 1 - 1e-6 {
            let score = abs(value - 0.5)
            if council == nil || score < council!.1 || (score == council!.1 && key.lexicographicallyPrecedes(council!.0)) {
                council = (key, score)
            }
        }
        if let council { return .coverage(service: council.0[0], council: council.0[1]) }
        return nil
    }

    // MARK: The search

    /// Everything a stopped search needs to go on later (a time share ran out).
    final class SearchState {
        var incumbent: (groups: [GroupColumn], saving: Double)?
        var open: [Node] = [Node(rules: [:], bound: .infinity, depth: 0, order: 0)]
        var created = 1
        var processed = 0
        var rootBound: Double?
        /// See `solve`: GLPK's bound over a complete pool.
        var cap: Double?
        /// The master's complete pool when the call stopped: a call that resumes
        /// this search after the master was reopened (a group limit changed
        /// and came back, `GroupMaster.setGroupLimit`) completes it again.
        var completion: GroupMaster.Completion?
        /// The incumbent's saving when a call last merged it over the complete
        /// pool (`mergeWithRelaxation`, `merge`): a resumed call merges again
        /// only after a better plan was found.
        var mergedAt: Double?
    }

    /// Searches `master` until it is solved or time runs out. Pass the `state`
    /// of an earlier, stopped call (same master) to go on from where it stopped.
    func solve(_ master: GroupMaster, seed: [GroupColumn], label: String, resuming state: SearchState? = nil) -> Outcome {
        var stats = SolveStatistics()
        let state = state ?? SearchState()
        let resumed = state.processed > 0 || state.incumbent != nil
        if !resumed { master.add(seed) }
        var incumbent = state.incumbent
        if resumed, let completion = state.completion { master.restore(completion, keeping: incumbent?.groups ?? []) }
        func offer(_ groups: [GroupColumn]) {
            guard let indices = master.indices(of: groups) else { return }
            let saved = master.rules
            if !saved.isEmpty { master.apply([:]) }
            let feasible = master.violation(of: master.assignment(selecting: indices)) == nil
            if !saved.isEmpty { master.apply(saved) }
            let saving = groups.reduce(0) { $0 + $1.saving }
            if feasible { remember(groups, saving: saving) }
            if feasible, incumbent == nil || saving > incumbent!.saving + 1e-9 * max(1, abs(saving)) {
                incumbent = (groups, saving)
            }
        }
        /// The best distinct plans offered so far (the incumbent among them),
        /// best first, for `merge`.
        var elite: [(groups: [GroupColumn], saving: Double, key: Set<GroupColumn>)] = []
        func remember(_ groups: [GroupColumn], saving: Double) {
            let key = Set(groups)
            if elite.contains(where: { $0.key == key }) { return }
            if elite.count >= eliteSize, let worst = elite.last, worst.saving >= saving { return }
            elite.append((groups, saving, key))
            elite.sort { $0.saving > $1.saving }
            if elite.count > eliteSize { elite.removeLast() }
        }
        /// Merges the incumbent with each other elite plan in turn, best first
        /// (`mergePlans`; a better plan becomes the incumbent, and the base of the
        /// merges after it), for at most `eliteMergeShare` of the time left.
        /// Node decisions are lifted meanwhile.
        /// When a merge given `share` of the time left must stop (at most
        /// `mergeSecondsCap` from now; nil, untimed, without a limit).
        func mergeDeadline(_ share: Double) -> Double? {
            remaining.map { clock.seconds + min(mergeSecondsCap, share * $0) }
        }
        func merge() {
            guard incumbent != nil, elite.count >= 2 else { return }
            let watch = Stopwatch()
            let until = mergeDeadline(eliteMergeShare)
            let saved = master.rules
            master.apply([:])
            var index: LiveColumns?
            var tried: [Set<GroupColumn>] = []
            while !stopping(), until.map({ clock.seconds < $0 }) ?? true {
                let base = Set(incumbent!.groups)
                guard let other = elite.first(where: { $0.key != base && !tried.contains($0.key) }) else { break }
                tried.append(other.key)
                if index == nil { index = LiveColumns(master) }
                if let plan = mergePlans(master, index: index!, base: incumbent!.groups, with: other.groups, deadline: until) {
                    offer(plan)
                }
            }
            master.apply(saved)
            stats.mipSeconds += watch.seconds
        }
        if !resumed { offer(seed) }

        /// GLPK's branch-and-cut over the pool (node decisions lifted) for at most
        /// `seconds` (nil: all that is left), warm-started from the incumbent; a
        /// better plan it finds becomes the incumbent. It also stops when `yield`,
        /// asked at each of GLPK's calls back, says so (a spare core's claim, or
        /// a count of calls for an untimed search).
        @discardableResult
        func runPoolMIP(seconds: Double?, yieldingTo yield: (@Sendable () -> Bool)? = nil,
                        sharingNodes: Bool = false, stopAtGap: (@Sendable (Double, Double) -> Bool)? = nil,
                        progress: (@Sendable (Double?, Double?) -> Void)? = nil) -> MIPResult {
            let saved = master.rules
            master.apply([:])
            var parameters = MIPParameters()
            let seconds = seconds.map { min($0, remaining ?? $0) } ?? remaining
            let deadline = seconds.map { clock.seconds + $0 }
            parameters.relativeGap = options.relativeGap
            if master.isComplete { parameters.branchingCandidates = branchingCandidates }
            let offered = Locked(0)
            // Over a complete pool, GLPK searches a copy without the retired columns and
            // the slack cut rows (see `GroupMaster.snapshotWithBasis`).
            let snapshot = master.isComplete ? master.snapshotWithBasis() : nil
            let pool = snapshot.map { completePoolCopy($0, seconds: seconds) } ?? master
            // The copy's first LP counts against the time (until 2026-12-03 it did not:
            // legal's from scratch, about 14 s, took 317 x 4 at 60 s to 64-71 s).
            parameters.timeLimit = deadline.map { max(0.01, $0 - clock.seconds) }
            if options.nodeCuts { parameters.cutSeparator = nodeCutSeparator(master, columns: pool.columns, offered: offered) }
            if let groups = incumbent?.groups, let indices = pool.indices(of: groups) {
                parameters.warmStart = pool.assignment(selecting: indices)
            }
            // Every incumbent GLPK finds on the way, for `merge`.
            let recorder = IncumbentRecorder()
            parameters.onIncumbent = { values in recorder.record(values) }
            let stop = options.shouldStop
            if let yield {
                parameters.shouldStop = { stop() || yield() }
            } else {
                parameters.shouldStop = stop
            }
            parameters.progress = progress
            parameters.stopAtGap = stopAtGap
            // Nodes shared with a core that becomes spare
            // (`PoolSharing`; timed searches only, so that untimed plans stay the same).
            var sharing: PoolSharing?
            if sharingNodes, let snapshot, let found = incumbent {
                sharing = shareNodes(snapshot: snapshot, best: found.saving, parameters: &parameters)
            }
            let watch = Stopwatch()
            var (result, chosen) = pool.solveMIP(parameters)
            var sharedPlans: [[GroupColumn]] = []
            if let sharing, sharing.started {
                // The other thread's nodes, and those left when this search ended.
                let outcome = sharing.finish(own: result)
                spareCores?.release()
                result = outcome.result
                sharedPlans = outcome.plans
                stats.sharedNodes += outcome.given
            }
            stats.mipSeconds += watch.seconds
            stats.mipNodes += result.nodes
            stats.nodeCuts += offered.withLock { $0 }
            for plan in sharedPlans {
                if let indices = pool.indices(of: plan) { offer(indices.map { pool.columns[$0] }) }
            }
            // They are plans of this master (GLPK's own, or the checked warm start).
            for found in recorder.solutions {
                let groups = pool.chosen(in: found).map { pool.columns[$0] }
                remember(groups, saving: groups.reduce(0) { $0 + $1.saving })
            }
            if result.solution != nil { offer(chosen.map { pool.columns[$0] }) }
            // An optimal pool MIP's plan is the pool's best (within the gap), as is, nearly,
            // that of one stopped at `stopAtGap`: nothing to improve.
            var nearlyBest = false
            if let stopAtGap, result.termination == .interrupted, let value = result.objective, let bound = result.bound {
                nearlyBest = stopAtGap(value, bound)
            }
            let improve = result.solution != nil && result.termination != .optimal && !nearlyBest
            if improve { merge() }  // while the decisions are lifted
            master.apply(saved)
            if improve { exchange() }
            return result
        }

        var open = state.open
        var created = state.created
        var processed = state.processed
        var rootBound = state.rootBound
        /// A bound on every plan better than the incumbent from GLPK over a complete pool.
        var cap = state.cap
        var exhausted = false
        var rootLine: BoundLine?
        /// Records the line of a converged root LP (see `Outcome.rootLine`),
        /// before the cut rounds (they may be stopped) and again after them.
        func takeRootLine(_ lp: LPResult) {
            if let line = BranchAndPrice.line(master, lp) { rootLine = line }
        }
        defer {
            state.incumbent = incumbent
            state.open = open
            state.created = created
            state.processed = processed
            state.rootBound = rootBound
            state.cap = cap
            state.completion = master.completion
        }
        /// `runPoolMIP` for `seconds(time left)` in a timed search; in an untimed
        /// one, until GLPK has called back `calls` times, so that the plan is
        /// the same from run to run (`SolveOptions.rootPoolCallLimit`).
        func runPoolMIPBriefly(seconds: (Double) -> Double, calls: Int, against bound: Double? = nil) {
            var stopAtGap: (@Sendable (Double, Double) -> Bool)?
            if let bound {
                let share = rootPoolGapShare
                stopAtGap = { incumbent, poolBound in poolBound - incumbent <= share * (bound - incumbent) }
            }
            if let left = remaining {
                runPoolMIP(seconds: seconds(left), stopAtGap: stopAtGap)
            } else {
                let counter = CallCounter(limit: max(1, calls))
                runPoolMIP(seconds: nil, yieldingTo: { counter.exceeded() }, stopAtGap: stopAtGap)
            }
        }
        /// Improves the incumbent by exchanges over the pool (`improveByExchange`),
        /// for at most a twentieth of the time left (half a second at least,
        /// within the time left).
        /// Not with a group limit (a move may add groups) or obligations
        /// (moves ignore them).
        func exchange() {
            guard master.groupLimitRow == nil, !master.hasObligations, let found = incumbent else { return }
            let watch = Stopwatch()
            let seconds = remaining.map { min($0, max(0.5, 0.05 * $0)) } ?? .infinity
            offer(improveByExchange(master, plan: found.groups, until: clock.seconds + seconds))
            stats.mipSeconds += watch.seconds
        }
        /// Merges the incumbent with the groups that `lp`, the LP over the
        /// complete pool after its cuts, uses (`mergePlans`), for at most
        /// `relaxationMergeShare` of the time left. On England's fostering and
        /// adoption this finds a plan that neither the pool MIP nor the exchange
        /// search reaches; merged with the incumbent in turn (`merge`), it gives
        /// £1,058.8m where GLPK over the whole pool needs about 750 s (README).
        func mergeWithRelaxation(_ lp: LPResult?) {
            guard let found = incumbent, let lp, !stopping() else { return }
            let values = master.groupValues(lp)
            let support = master.columns.indices.filter { values[$0] > 1e-6 }.map { master.columns[$0] }
            let watch = Stopwatch()
            let until = mergeDeadline(relaxationMergeShare)
            if let plan = mergePlans(master, index: LiveColumns(master), base: found.groups, with: support, deadline: until) {
                offer(plan)
            }
            stats.mipSeconds += watch.seconds
            report(label + ": merged with the LP's groups", incumbent?.saving, openBound())
        }
        func tolerance() -> Double { options.relativeGap * max(1, abs(incumbent?.saving ?? 0)) }
        func openBound() -> Double? {
            guard let top = open.map(\.bound).max() else { return nil }
            return min(top, cap ?? .infinity)
        }

        // Once per call: a resumed search (more time) gives GLPK another go.
        var settledCompletePool = false
        search: while true {
            if master.isComplete && stopAtCompletePool {
                master.loadReserve()  // the whole pool, for `ModelExport`
                break
            }
            if master.isComplete && !settledCompletePool && !stopping(), let found = incumbent {
                // Every column of a better plan is in the pool: first GLPK's branch-and-cut
                // over it (no pricing) for part of the time, then, if it is not settled,
                // branch-and-price on it (LP solves only), whose Ryan-Foster branching
                // moves the bound where GLPK's variable branching stalls. Each bounds
                // every plan better than the incumbent, so the smaller bound holds.
                settledCompletePool = true
                let saved = master.rules
                master.apply([:])
                let tightened = tightenCompletePool(master, incumbent: found, stats: &stats, label: label)
                if state.mergedAt != found.saving {
                    mergeWithRelaxation(tightened)
                    merge()
                    if !stopping() { state.mergedAt = incumbent?.saving }
                }
                // Then the cuts on unions of groups, for the bound: before the merges
                // they changed the LP whose groups the first merge takes, and England's
                // fostering and adoption (60 s) then missed its best plan in 4 runs of 7.
                if let found = incumbent { tightenCompletePool(master, incumbent: found, unions: true, stats: &stats, label: label) }
                master.apply(saved)
                // GLPK needs the whole pool in the master: the reserve comes in if it is
                // small enough by now; if not, branch-and-price (LP solves only) goes on alone.
                if !master.reserve.isEmpty && master.liveCount + master.reserve.count <= options.completePoolMIPLimit {
                    master.loadReserve()
                }
                if master.reserve.isEmpty {
                    // On two threads when a core is spare (`splitPoolMIP`); otherwise on one,
                    // whose nodes a core that becomes spare takes up (`PoolSharing`).
                    let share = remaining.map { completePoolMIPShare * $0 }
                    let live = master.liveCount
                    let split = spareCores != nil && options.timeLimit != nil
                        && (remaining ?? 0) >= secondsToSplit(live) && spareCores!.claim()
                    if !split {
                        let result = runPoolMIP(seconds: share, sharingNodes: true)
                        let best = incumbent!.saving
                        switch result.termination {
                        case .optimal, .infeasible:
                            // Nothing in the pool beats the incumbent by more than the gap.
                            cap = min(cap ?? .infinity, max(best, result.bound ?? best))
                        case .timeLimit, .interrupted:
                            if let bound = result.bound { cap = min(cap ?? .infinity, max(best, bound)) }
                        default: break
                        }
                    }
                    if split {
                        defer { spareCores?.release() }
                        // (It solves the pool's LP itself, under its pieces' decisions.)
                        if let found = incumbent, cap.map({ $0 > found.saving + tolerance() }) ?? true {
                            let mipWatch = Stopwatch()
                            // With little time, two pieces (one a thread): more would leave some
                            // unreached, each with its parent's LP value as its bound.
                            let short = (remaining ?? .infinity) < secondsToSplitLargePool
                                            let outcome = splitPoolMIP(master, best: found.saving,
                                                       seconds: remaining.map { completePoolMIPShare * $0 },
                                                       pieces: short ? 2 : 8)
                            stats.mipSeconds += mipWatch.seconds
                            stats.mipNodes += outcome.nodes
                            stats.splitPieces += outcome.pieces
                            stats.nodeCuts += outcome.nodeCuts
                            for plan in outcome.plans {
                                if let indices = master.indices(of: plan) { offer(indices.map { master.columns[$0] }) }
                            }
                            if let bound = outcome.bound { cap = min(cap ?? .infinity, max(incumbent!.saving, bound)) }
                        }
                        master.apply(saved)
                    }
                    report(label + ": branch-and-cut over the complete pool", incumbent?.saving, openBound())
                }
            }
            if let incumbent, let cap, cap <= incumbent.saving + tolerance() {
                exhausted = true  // the complete pool's branch-and-cut settled it
                break
            }
            // Best bound first; among equals the newest (a dive).
            guard let pick = open.indices.max(by: { lhs, rhs in
                open[lhs].bound != open[rhs].bound ? open[lhs].bound < open[rhs].bound : open[lhs].order < open[rhs].order
            }) else { exhausted = true; break }
            if let incumbent, open[pick].bound <= incumbent.saving + tolerance() {
                exhausted = true  // every open node is within the gap
                break
            }
            if stopping() { break }
            let node = open.remove(at: pick)
            let result = process(master, node, stats: &stats, label: label)
            processed += 1
            switch result {
            case .infeasible:
                continue search
            case .stopped(let lagrangian):
                var node = node
                if let lagrangian { node.bound = min(node.bound, lagrangian) }
                open.append(node)
                break search
            case .solved(let relaxation):
                let nodeBound = min(node.bound, relaxation.bound ?? relaxation.lp.objective)
                var lp = relaxation.lp
                if node.depth == 0 {
                    takeRootLine(lp)
                    // Root: tighten with subset-row cuts, then look for a good plan.
                    var current = relaxation
                    var rounds = 0
                    // Once the fixed shapes stall, rounds go on with the rank-1 cuts of any
                    // weights as well (`separateRankOneCuts`): they proved England's district
                    // back office optimal at the root (README, "How it solves").
                    var rankOne = false
                    // Cuts may take a fifth of what is left of this search's time.
                    let cutsUntil = remaining.map { clock.seconds + 0.2 * $0 } ?? .infinity
                    while rounds < 25 && !stopping() && clock.seconds < cutsUntil {
                        rounds += 1
                        var added = separateSubsetRowCuts(master, lp: current.lp, larger: false, unions: true)
                        if added == 0 && !rankOne && options.rankOneCuts { rankOne = true; rounds = 1 }
                        if rankOne { added += separateRankOneCuts(master, lp: current.lp, stats: &stats) }
                        if added == 0 { break }
                        stats.cuts += added
                        let before = current.bound ?? current.lp.objective
                        let result = process(master, node, stats: &stats, label: label + " (cuts)")
                        switch result {
                        case .solved(let next):
                            current = next
                        case .infeasible:
                            // The cuts are valid for every plan: no plan exists at this node.
                            continue search
                        case .stopped(let lagrangian):
                            // Stopped while re-pricing (a limit): the root is not done yet,
                            // but the bound before this round of cuts still holds (cuts
                            // are valid for every plan), and so does a Lagrangian one.
                            var node = node
                            node.bound = min(node.bound, current.bound ?? current.lp.objective, lagrangian ?? .infinity)
                            open.append(node)
                            break search
                        }
                        let after = current.bound ?? current.lp.objective
                        report(label + ": root bound with \(stats.cuts) cuts", incumbent?.saving, after)
                        if rounds >= 3 && before - after < 1e-5 * max(1, abs(after)) {
                            if rankOne || !options.rankOneCuts { break }
                            rankOne = true
                            rounds = 0
                        }
                    }
                    lp = current.lp
                    rootBound = current.bound ?? current.lp.objective
                    takeRootLine(lp)
                    let watch = Stopwatch()
                    if let plan = dive(master, stats: &stats) { offer(plan) }
                    stats.mipSeconds += watch.seconds
                    exchange()
                    report(label + ": dive", incumbent?.saving, rootBound)
                    // GLPK over the root pool, warm-started from the dive: on England's
                    // districts it needs 2-3 s to reach the pool's best plan, far
                    // better than the dive, and on fostering and adoption about 10 s,
                    // so it gets 40% of this search's time (England at 60 s: a quarter
                    // 0.113%, 40% 0.068%, half 0.069%, 60% 0.089%); untimed, a count
                    // of GLPK's calls back (`SolveOptions.rootPoolCallLimit`).
                    runPoolMIPBriefly(seconds: { max(2, 0.4 * $0) }, calls: options.rootPoolCallLimit, against: rootBound)
                    report(label + ": root", incumbent?.saving, rootBound)
                    if let found = incumbent, let rootBound, rootBound > found.saving + tolerance(), !stopping(),
                       options.enumerationLimit > 0, remaining.map({ $0 >= minimumSecondsToComplete }) ?? true, let kept = enumerateImproving(master, lp: lp, incumbent: found.groups, saving: found.saving,
                                                     limit: options.enumerationLimit) {
                        report(label + ": \(kept) groups can improve on the best plan", found.saving, rootBound)
                        stats.completedPools += 1
                        if !master.reserve.isEmpty { stats.reservedPools += 1 }
                        // The pool is complete: GLPK settles it at the top of the loop.
                        open.append(Node(rules: node.rules, bound: rootBound, depth: 1, order: created))
                        created += 1
                        continue search
                    }
                }
                let bound = node.depth == 0 ? (rootBound ?? nodeBound) : nodeBound
                if let incumbent, bound <= incumbent.saving + tolerance() { continue search }
                guard let decision = branching(master, lp) else {
                    // Integral: the LP solution is a plan.
                    let values = master.groupValues(lp)
                    offer(master.columns.indices.filter { values[$0] > 0.5 }.map { master.columns[$0] })
                    continue search
                }
                if processed % 1000 == 0 { runPoolMIPBriefly(seconds: { _ in 0.5 }, calls: options.rootPoolCallLimit / 40) }
                let (first, second) = BranchAndPrice.children(of: decision, under: node.rules, problem: problem)
                open.append(Node(rules: first, bound: bound, depth: node.depth + 1, order: created))
                open.append(Node(rules: second, bound: bound, depth: node.depth + 1, order: created + 1))
                created += 2
                if processed % 10 == 0 {
                    report(label + ": \(processed) nodes, \(open.count) open", incumbent?.saving, openBound())
                }
            }
        }
        master.apply([:])
        stats.columns = master.columns.count
        stats.branchNodes = processed - (resumed ? state.processed : 0)
        var outcome: Outcome
        if let incumbent {
            if exhausted {
                outcome = Outcome(status: .optimal, groups: incumbent.groups, saving: incumbent.saving,
                                  bound: max(incumbent.saving, openBound() ?? incumbent.saving), statistics: stats)
            } else {
                let bound = openBound().map { max($0, incumbent.saving) }
                outcome = Outcome(status: .feasible, groups: incumbent.groups, saving: incumbent.saving,
                                  bound: bound.map { $0.isFinite ? $0 : nil } ?? nil, statistics: stats, state: state)
            }
        } else {
            let status: Plan.Status = exhausted ? .infeasible : .noSolution
            outcome = Outcome(status: status, groups: [], saving: 0, bound: exhausted ? nil : openBound(), statistics: stats,
                              state: exhausted ? nil : state)
        }
        outcome.rootLine = rootLine
        return outcome
    }
}

