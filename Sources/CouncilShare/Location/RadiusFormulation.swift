// SPDX-License-Identifier: GPL-3.0-or-later
import GLPKBackend
import LinearModel

/// The radius (covering) formulation of the uncapacitated families, after
/// Elloumi (2010) and García, Labbé and Marín (2011), generated row by row.
///
/// For client i let D_i^0 < D_i^1 < ... < D_i^{K_i-1} be its distinct
/// assignment costs over the hubs it may use. With y_j = 1 when hub j opens,
/// the client's cost is D_i^0 plus, for each level k >= 1 it does not reach,
/// the step D_i^k - D_i^{k-1}:
///
///     min  sum_j f_j y_j + sum_i ( D_i^0 + sum_{k>=1} (D_i^k - D_i^{k-1}) z_i^k )
///     s.t. z_i^k + sum_{j : c_ij < D_i^k} y_j >= 1        (i, k >= 1)
///          sum_j y_j = p  (p-median)   or   sum_j y_j >= 1  (UFL)
///          y binary, z >= 0
///
/// z_i^k is 1 exactly when no open hub is cheaper than D_i^k, so z needs no
/// integrality: only the m hub variables are binary (against n x m for the
/// textbook model), and its LP bound equals the textbook model's.
///
/// **Rows as needed.** With only a subset S_i of the levels, each chosen level
/// s charged the step D_i^s - D_i^{pred(s)} from the previous chosen level, the
/// model charges each client the largest chosen level not above its true
/// cost: a relaxation (a valid lower bound), exact for a solution whenever
/// every client's true cost is a chosen level. The solver therefore starts
/// from the levels of a heuristic plan, adds levels while the LP relaxation
/// undercharges a client (the ends of the runs on which the client's LP
/// coverage is constant), and then runs GLPK's branch-and-bound; if the
/// integer solution undercharges a client, that client's true level is added
/// and branch-and-bound runs again, warm-started from the best plan. It stops
/// when the incumbent's true cost meets the relaxation's proven bound, which
/// is then a proof of optimality for the full formulation.
final class RadiusFormulation {
    let problem: LocationProblem
    let options: LocationOptions
    private let order: [[Int32]]
    private let levels: [[Double]]
    /// ends[i][k]: number of hubs in `order[i]` whose cost is at most levels[i][k].
    private let ends: [[Int32]]
    private var chosen: [[Int]]
    private var chosenVariable: [[Int: VariableID]]
    private let solver: GLPKSolver
    private var hubVariables: [VariableID] = []
    private let constant: Double
    private let clock = Stopwatch()

    /// Plans costing at least this much are not wanted (the caller already
    /// has one): reduced-cost fixing may discard them.
    private let cutoff: Double
    /// Every plan discarded by fixing costs at least this much.
    private var excludedBound = Double.infinity

    /// How many times the model has been rebuilt on fewer hubs already.
    private let depth: Int

    /// Costs at which levels were chosen in a model this one reduces: each
    /// becomes the first level of this model at or above it (same rows, over
    /// fewer hubs), so the reduced model starts where the larger one ended.
    private let seedLevels: [[Double]]

    init(problem: LocationProblem, options: LocationOptions, cutoff: Double = .infinity, depth: Int = 0,
         seedLevels: [[Double]] = []) {
        self.depth = depth
        self.seedLevels = seedLevels
        self.problem = problem
        self.options = options
        self.cutoff = cutoff
        order = problem.hubsByCost()
        var levels: [[Double]] = [], ends: [[Int32]] = []
        for client in 0..<problem.clientCount {
            var values: [Double] = [], stops: [Int32] = []
            for (position, hub) in order[client].enumerated() {
                let c = problem.cost(client, Int(hub))
                if values.last != c { if !values.isEmpty { stops.append(Int32(position)) }; values.append(c) }
            }
            stops.append(Int32(order[client].count))
            levels.append(values); ends.append(stops)
        }
        self.levels = levels
        self.ends = ends
        chosen = Array(repeating: [], count: problem.clientCount)
        chosenVariable = Array(repeating: [:], count: problem.clientCount)
        constant = levels.reduce(0) { $0 + ($1.first ?? 0) }

        var model = LinearModel(name: problem.name, sense: .minimize)
        let count = model.addConstraint(name: "hubs", lower: Double(problem.p ?? 1), upper: problem.p.map(Double.init) ?? .infinity)
        for hub in 0..<problem.hubCount {
            hubVariables.append(model.addVariable(name: "y_\(hub + 1)", lower: 0, upper: 1, isInteger: true,
                                                  objective: problem.hubCost[hub],
                                                  column: [LinearModel.Entry(row: count, coefficient: 1)]))
        }
        solver = GLPKSolver(model: model)
    }

    var rowCount: Int { solver.model.constraints.count }
    var columnCount: Int { solver.model.variables.count }

    /// Adds level `level` (>= 1) of `client` to the model, re-weighting the
    /// next chosen level's step.
    private func addLevel(_ client: Int, _ level: Int) {
        let values = levels[client]
        var list = chosen[client]
        let position = list.firstIndex(where: { $0 > level }) ?? list.count
        if position > 0 && list[position - 1] == level { return }
        let previous = position > 0 ? list[position - 1] : 0
        let covered = Int(ends[client][level - 1])
        let terms = order[client][0..<covered].map { (hubVariables[Int($0)], 1.0) }
        let row = solver.addConstraint(name: "cover_\(client + 1)_\(level)", lower: 1, terms: terms)
        let variable = solver.addVariables([LinearModel.Variable(
            name: "z_\(client + 1)_\(level)", lower: 0, upper: 1, objective: values[level] - values[previous],
            column: [LinearModel.Entry(row: row, coefficient: 1)])])[0]
        if position < list.count {
            let next = list[position]
            solver.setObjective(of: chosenVariable[client][next]!, to: values[next] - values[level])
        }
        list.insert(level, at: position)
        chosen[client] = list
        chosenVariable[client][level] = variable
    }

    /// The client's coverage-based cost under (possibly fractional) hub
    /// values: the full formulation's charge (`full`) and the charge of the
    /// chosen levels only (`charged`); and the levels that would close the gap.
    private func separate(_ client: Int, _ y: [Double]) -> (full: Double, charged: Double, missing: [Int]) {
        let values = levels[client], stops = ends[client], hubs = order[client]
        let eps = 1e-9
        var full = values[0], charged = values[0]
        var coverage = 0.0
        var gaps: [Double] = [0]  // gaps[k] = max(0, 1 - coverage of hubs cheaper than level k)
        var position = 0
        for k in 1..<max(1, values.count) {
            while position < Int(stops[k - 1]) { coverage += y[Int(hubs[position])]; position += 1 }
            let gap = max(0, 1 - coverage)
            gaps.append(gap)
            if gap <= eps { break }
            full += (values[k] - values[k - 1]) * gap
        }
        var previous = 0
        for level in chosen[client] {
            if level < gaps.count { charged += (values[level] - values[previous]) * gaps[level] }
            previous = level
        }
        guard full - charged > 1e-9 * max(1, full) else { return (full, charged, []) }
        var missing: [Int] = []
        let set = Set(chosen[client])
        for k in 1..<gaps.count where gaps[k] > eps {
            let runEnds = k + 1 >= gaps.count || gaps[k + 1] < gaps[k] - eps
            if runEnds && !set.contains(k) { missing.append(k) }
        }
        return (full, charged, missing)
    }

    /// Adds the levels that the hub values `y` show to be missing; returns how many.
    @discardableResult
    private func addMissing(_ y: [Double]) -> Int {
        var added = 0
        for client in 0..<problem.clientCount {
            for level in separate(client, y).missing { addLevel(client, level); added += 1 }
        }
        return added
    }

    private func hubValues(_ primal: [Double]) -> [Double] { hubVariables.map { primal[$0.index] } }

    /// A full column vector for an integer plan: y from `open`, z from coverage.
    private func vector(open: [Int]) -> [Double] {
        var values = Array(repeating: 0.0, count: columnCount)
        var y = Array(repeating: 0.0, count: problem.hubCount)
        for hub in open { y[hub] = 1; values[hubVariables[hub].index] = 1 }
        for client in 0..<problem.clientCount {
            for level in chosen[client] {
                let covered = order[client][0..<Int(ends[client][level - 1])].contains { y[Int($0)] > 0.5 }
                values[chosenVariable[client][level]!.index] = covered ? 0 : 1
            }
        }
        return values
    }

    /// Reduced-cost fixing against the incumbent. With the LP optimum L of
    /// the current relaxation and the reduced cost d_j of hub j, every plan
    /// that opens j costs at least L + d_j in the relaxation, hence at least
    /// that much in truth (the relaxation never overcharges). When that cannot
    /// beat the incumbent (by 1 for integer costs), y_j is fixed to 0; a hub
    /// at its upper bound with L - d_j above the incumbent is fixed to 1.
    /// Fixings only remove plans no better than the incumbent, so optimality
    /// of the final answer is unaffected. Returns how many hubs were fixed.
    private func fixByReducedCost(_ lp: LPResult, incumbent: Double, integral: Bool) -> Int {
        let incumbent = min(incumbent, cutoff)
        guard incumbent.isFinite else { return 0 }
        // Integer costs: a discarded plan costs more than incumbent - 1, so at least
        // the incumbent; otherwise it costs more than the incumbent (with a margin
        // for the LP's rounding).
        let threshold = incumbent - constant + (integral ? -(1 - 1e-6) : 1e-9 * max(1, abs(incumbent)))
        excludedBound = min(excludedBound, incumbent)
        var fixed = 0
        for variable in hubVariables {
            let column = solver.model.variables[variable.index]
            guard column.lower != column.upper else { continue }
            let reduced = column.objective - column.column.reduce(0) { $0 + $1.coefficient * lp.duals[$1.row.index] }
            let value = lp.primal[variable.index]
            if value < 1e-9, lp.objective + reduced > threshold {
                solver.setBounds(of: variable, lower: 0, upper: 0); fixed += 1
            } else if value > 1 - 1e-9, lp.objective - reduced > threshold {
                solver.setBounds(of: variable, lower: 1, upper: 1); fixed += 1
            }
        }
        return fixed
    }

    /// The model without the hubs fixed to 0, solved with the incumbent as
    /// cutoff: fewer distinct levels, shorter rows, faster node LPs. Returns
    /// its solution and the original index of each of its hubs.
    private func reduced(cutoff incumbent: Double) -> (LocationSolution, [Int]) {
        let kept = hubVariables.indices.filter { solver.model.variables[hubVariables[$0].index].upper > 0.5 }
        if let p = problem.p, kept.count < p {
            // No plan avoids the closed hubs: every plan is one that fixing discarded.
            return (LocationSolution(status: .infeasible, objective: nil, bound: nil, open: [], assignment: [], formulation: .strong), kept)
        }
        var cost = [Double]()
        cost.reserveCapacity(problem.clientCount * kept.count)
        for client in 0..<problem.clientCount { for hub in kept { cost.append(problem.cost(client, hub)) } }
        let reduced = LocationProblem(name: problem.name, family: problem.family, clientCount: problem.clientCount,
                                      hubCount: kept.count, cost: cost, hubCost: kept.map { problem.hubCost[$0] }, p: problem.p)
        var inner = options
        inner.timeLimit = remaining
        return (RadiusFormulation(problem: reduced, options: inner, cutoff: min(cutoff, incumbent), depth: depth + 1,
                                  seedLevels: chosen.enumerated().map { client, list in list.map { levels[client][$0] } }).solve(), kept)
    }

    private var remaining: Double? { options.timeLimit.map { max(0, $0 - clock.seconds) } }
    private func stopping() -> Bool { (remaining.map { $0 <= 0 } ?? false) || (options.shouldStop?() ?? false) }

    func solve() -> LocationSolution {
        var result = LocationSolution(status: .noSolution, objective: nil, bound: nil, open: [], assignment: [], formulation: .strong)
        let heuristic = LocationHeuristic(problem: problem)
        var incumbent = heuristic.solve(shouldStop: stopping)
        var best = problem.evaluate(open: incumbent)
        options.progress?("heuristic", best.cost, nil)
        let isWhole = { (value: Double) in !value.isFinite || value == value.rounded() }
        let integral = problem.cost.allSatisfy(isWhole) && problem.hubCost.allSatisfy(isWhole)
        var bound = -Double.infinity

        func finish(_ status: LocationSolution.Status) -> LocationSolution {
            result.status = best.cost.isFinite ? status : (status == .optimal ? .infeasible : .noSolution)
            if best.cost.isFinite {
                result.objective = best.cost
                result.open = incumbent
                result.assignment = best.assignment
            }
            let lower = min(bound, excludedBound)
            result.bound = lower.isFinite ? min(lower, best.cost) : nil
            if status == .optimal, best.cost.isFinite { result.bound = best.cost }
            result.rows = rowCount
            result.columns = columnCount
            result.seconds = clock.seconds
            return result
        }
        func proven() -> Bool {
            let slack = max(options.relativeGap * abs(best.cost), integral ? 1 - 1e-6 : 0)
            return best.cost - min(bound, excludedBound) <= slack
        }

        // UFL: Erlenkotter's dual ascent proves a bound, offers a second
        // starting plan, and shows each client's level in the LP (around v_j).
        if problem.p == nil {
            let ascent = DualAscent(problem: problem).run(levels: levels, order: order)
            bound = max(bound, ascent.bound)
            if !ascent.tight.isEmpty {
                var open = ascent.tight
                heuristic.improve(&open, shouldStop: stopping)
                let candidate = problem.evaluate(open: open)
                if candidate.cost < best.cost { best = candidate; incumbent = open.sorted() }
            }
            options.progress?("dual ascent", best.cost, bound)
            // The ascent's bound may already meet the plan: no LP needed.
            if proven() { return finish(.optimal) }
            for client in 0..<problem.clientCount {
                let values = levels[client]
                guard let below = values.lastIndex(where: { $0 <= ascent.values[client] + 1e-9 }) else { continue }
                // Every level up to just above v_j: the LP charges the client there.
                for level in stride(from: min(below + 1, values.count - 1), through: 1, by: -1) { addLevel(client, level) }
            }
        }
        for (client, values) in seedLevels.enumerated() {
            let own = levels[client]
            for value in values {
                if let level = own.firstIndex(where: { $0 >= value }), level >= 1 { addLevel(client, level) }
            }
        }
        // Levels of the heuristic plan first: often the optimum's own.
        if best.cost.isFinite {
            var y = Array(repeating: 0.0, count: problem.hubCount)
            for hub in incumbent { y[hub] = 1 }
            addMissing(y)
        }
        // LP rounds: add levels until the LP charges every client in full.
        while !stopping() {
            let lp = solver.solveRelaxation(timeLimit: remaining)
            options.progress?("LP round, \(rowCount) rows", best.cost, nil)
            guard lp.termination == .optimal else {
                if lp.termination == .infeasible { bound = .infinity; return finish(.optimal) }
                return finish(.feasible)
            }
            if addMissing(hubValues(lp.primal)) == 0 {
                bound = max(bound, lp.objective + constant)
                options.progress?("LP bound", best.cost, bound)
                // The LP's favourite hubs, descended, then a short iterated local search.
                let y = hubValues(lp.primal)
                var rounded = (0..<problem.hubCount).sorted { y[$0] != y[$1] ? y[$0] > y[$1] : $0 < $1 }
                    .prefix(problem.p ?? (0..<problem.hubCount).filter { y[$0] > 0.5 }.count).map { $0 }
                if !rounded.isEmpty {
                    heuristic.improve(&rounded, shouldStop: stopping)
                    let candidate = problem.evaluate(open: rounded)
                    if candidate.cost < best.cost { best = candidate; incumbent = rounded.sorted() }
                }
                let searched = heuristic.perturb(incumbent, rounds: 40, seed: 1, shouldStop: stopping)
                let candidate = problem.evaluate(open: searched)
                if candidate.cost < best.cost { best = candidate; incumbent = searched }
                options.progress?("LP rounding and local search", best.cost, bound)
                result.fixed = fixByReducedCost(lp, incumbent: best.cost, integral: integral)
                break
            }
        }
        let closed = hubVariables.filter { solver.model.variables[$0.index].upper < 0.5 }.count
        if depth < 2, closed * 3 >= problem.hubCount, !stopping(), !proven() {
            // Many hubs fixed: branch on a smaller model over the free hubs.
            let (inner, kept) = reduced(cutoff: best.cost)
            result.nodes += inner.nodes
            result.rounds += inner.rounds
            if let objective = inner.objective, objective < best.cost {
                incumbent = inner.open.map { kept[$0] }.sorted()
                best = problem.evaluate(open: incumbent)
            }
            // Valid for the plans the reduced model kept; `excludedBound` covers the rest.
            if inner.status == .infeasible { bound = .infinity }
            if let innerBound = inner.bound { bound = max(bound, innerBound) }
            return finish(proven() ? .optimal : .feasible)
        }
        // Branch-and-bound rounds.
        while !stopping() && !proven() {
            result.rounds += 1
            var parameters = MIPParameters()
            parameters.timeLimit = remaining
            parameters.relativeGap = options.relativeGap
            if integral, best.cost.isFinite, best.cost - constant > 1 {
                // Integer costs: a bound within 1 of the incumbent proves it.
                parameters.relativeGap = max(options.relativeGap, (1 - 1e-6) / (best.cost - constant) * 0.999)
            }
            parameters.shouldStop = options.shouldStop
            if best.cost.isFinite { parameters.warmStart = vector(open: incumbent) }
            let progress = options.progress
            let offset = constant
            parameters.progress = { incumbentValue, boundValue in
                progress?("branch-and-bound", incumbentValue.map { $0 + offset }, boundValue.map { $0 + offset })
            }
            let mip = solver.solve(parameters)
            result.nodes += mip.nodes
            if let solution = mip.solution {
                let y = hubValues(solution)
                var open = (0..<problem.hubCount).filter { y[$0] > 0.5 }
                heuristic.improve(&open, shouldStop: stopping)
                let candidate = problem.evaluate(open: open)
                if candidate.cost < best.cost { best = candidate; incumbent = open.sorted() }
                let added = addMissing(y)
                if added == 0, mip.termination == .optimal, let value = mip.objective {
                    // The relaxation's optimum charges every client in full: it is the true cost.
                    bound = max(bound, (mip.bound ?? value) + constant)
                    break
                }
                if mip.termination == .optimal, let value = mip.bound ?? mip.objective {
                    bound = max(bound, value + constant)
                } else if let value = mip.bound {
                    bound = max(bound, value + constant)
                }
                if mip.termination != .optimal { break }
            } else {
                if mip.termination == .infeasible { bound = .infinity }
                if let value = mip.bound { bound = max(bound, value + constant) }
                break
            }
        }
        return finish(proven() ? .optimal : .feasible)
    }
}
