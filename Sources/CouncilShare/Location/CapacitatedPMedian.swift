// SPDX-License-Identifier: GPL-3.0-or-later
import GLPKBackend
import LinearModel

/// The capacitated p-median problem solved exactly: a set-partitioning bound
/// by column generation, reduced-cost fixing against a heuristic incumbent,
/// and GLPK's branch-and-bound on the compact model strengthened with the
/// bound's own knapsack inequalities.
///
/// **Model** (the README's, unchanged; a hub need not serve its own vertex):
///
///     min  sum_ij d_ij x_ij
///     s.t. sum_j x_ij = 1                 (each client served once)          (1)
///          sum_i w_i x_ij <= Q_j y_j      (hub capacity, single source)      (2)
///          sum_j y_j = p                                                      (3)
///          x, y binary
///
/// | symbol | meaning |
/// |---|---|
/// | d_ij | cost of serving client i from hub j |
/// | w_i, Q_j | demand of client i, capacity of hub j (integers for the DP) |
/// | u_i | a multiplier of (1) for client i (any real number) |
/// | S | a cluster: a set of clients with sum_{i in S} w_i <= Q_j |
///
/// **1. The bound (Lagrangian = set-partitioning LP).** Dualise (1) with
/// multipliers u. What is left splits by hub: opening j and serving S costs
/// sum_{i in S} (d_ij - u_i), so hub j at best costs
///
///     g_j(u) = min_S sum_{i in S} (d_ij - u_i) <= 0     (S may be empty)
///
/// a 0-1 knapsack over the clients with u_i > d_ij (profit u_i - d_ij, weight
/// w_i, capacity Q_j), solved exactly by dynamic programming over integer
/// capacities. With exactly p hubs open,
///
///     L(u) = sum_i u_i + (sum of the p smallest g_j(u))  <=  optimum
///
/// for every u. Its maximum equals the LP bound of the set-partitioning
/// model (columns = (hub j, cluster S), rows (1), (3) and "at most one
/// column per hub"), which is far stronger than the compact LP (Lorena and
/// Senne 2004; Ceselli and Righini 2005). Column generation on that master,
/// priced by the same knapsack, drives u: the duals of (1) are the next u,
/// and a cluster whose reduced cost g_j - v - pi_j is negative (v, pi_j the
/// duals of (3) and of hub j's row) enters the master. L(u) is computed at
/// every iteration, so the bound is valid even when the loop stops early.
///
/// **2. Reduced-cost fixing.** Let U be the incumbent's cost. A plan that
/// opens hub j has cost at least L_j = sum_i u_i + g_j + (best p - 1 of the
/// other g's); a plan that also sends i to j at least
/// L_ij = sum_i u_i + g_j^i + (the same rest), where g_j^i is hub j's
/// knapsack with client i forced in (from prefix and suffix DP tables, O(Q)
/// per client). When L_j (L_ij) exceeds U - slack (slack < 1 with integer
/// distances), no plan that beats U by the slack uses y_j (x_ij), and the
/// variable is left out. The incumbent's own variables always stay.
///
/// **3. Knapsack cuts.** For every remaining hub j, with g'_j the knapsack
/// over the remaining pairs,
///
///     sum_i (d_ij - u_i) x_ij - g'_j y_j >= 0                               (4)
///
/// is valid (y_j = 0 forces x_.j = 0; y_j = 1 makes x_.j a cluster of j).
/// Adding (4), x_ij <= y_j and (1)-(3), the compact model's LP bound is at
/// least L(u), and GLPK's branch-and-bound, warm-started from the incumbent,
/// closes the rest.
///
/// **Incumbent.** `CapacitatedHeuristic`, then GLPK's MIP over the master's
/// generated columns (a set-partitioning restricted master); every plan is
/// re-scored with `LocationProblem.check` before it is kept or offered.
///
/// When demands or capacities are not integers (no knapsack DP), steps 1-3
/// are skipped and the compact model with x_ij <= y_j runs from the
/// heuristic incumbent.
final class CapacitatedPMedian {
    let problem: LocationProblem
    let options: LocationOptions
    private let clock = Stopwatch()
    private let clients: Int, hubs: Int, p: Int
    private let demand: [Double]
    /// Integer weights and capacities (capacity capped at the total demand), nil without a DP.
    private let weights: [Int]?
    private let capacities: [Int]?
    private let integralCost: Bool

    private var best: CapacitatedHeuristic.Plan?
    private var bound = -Double.infinity
    private var result: LocationSolution

    init(problem: LocationProblem, options: LocationOptions) {
        precondition(problem.capacity != nil && problem.p != nil)
        self.problem = problem
        self.options = options
        clients = problem.clientCount
        hubs = problem.hubCount
        p = problem.p!
        demand = problem.demand ?? Array(repeating: 1, count: problem.clientCount)
        let capacity = problem.capacity!
        let total = demand.reduce(0, +)
        let isWhole: (Double) -> Bool = { $0.isFinite && $0 >= 0 && $0 == $0.rounded() && $0 < 1e7 }
        if demand.allSatisfy(isWhole), capacity.allSatisfy({ isWhole(min($0, total)) }) {
            let capped = capacity.map { Int(min($0, total)) }
            // Each pricing round costs about clients x sum of capacities.
            let work = Double(clients) * Double(capped.reduce(0) { $0 + $1 + 1 })
            weights = work <= 5e8 ? demand.map { Int($0) } : nil
            capacities = work <= 5e8 ? capped : nil
        } else {
            weights = nil
            capacities = nil
        }
        integralCost = problem.cost.allSatisfy { !$0.isFinite || $0 == $0.rounded() }
        result = LocationSolution(status: .noSolution, objective: nil, bound: nil, open: [], assignment: [], formulation: .strong)
    }

    // MARK: Limits and proofs

    private var remaining: Double? { options.timeLimit.map { max(0, $0 - clock.seconds) } }
    private func stopping() -> Bool { (remaining.map { $0 <= 0 } ?? false) || (options.shouldStop?() ?? false) }

    /// How much a plan must beat the incumbent by to matter: below 1 with
    /// integer distances, the relative gap otherwise.
    private var slack: Double {
        guard let best else { return 0 }
        return max(options.relativeGap * abs(best.cost), integralCost ? 1 - 1e-6 : 0)
    }
    private var cutoff: Double { best.map { $0.cost - slack } ?? .infinity }
    private var proven: Bool { best != nil && (bound >= cutoff || (integralCost && reported(bound) >= best!.cost)) }

    /// Keeps `plan` if it is feasible and cheaper than the incumbent.
    @discardableResult
    private func offer(open: [Int], assignment: [Int]) -> Bool {
        let verdict = problem.check(open: open, assignment: assignment)
        guard verdict.violation == nil, verdict.cost < (best?.cost ?? .infinity) - 1e-9 else { return false }
        best = CapacitatedHeuristic.Plan(open: open.sorted(), assignment: assignment, cost: verdict.cost)
        options.progress?("incumbent", verdict.cost, bound.isFinite ? bound : nil)
        return true
    }

    func solve() -> LocationSolution {
        if let plan = CapacitatedHeuristic(problem: problem).solve(shouldStop: stopping) {
            offer(open: plan.open, assignment: plan.assignment)
        }
        options.progress?("heuristic", best?.cost, nil)
        var multipliers: Multipliers?
        if weights != nil, !stopping() {
            multipliers = columnGeneration()
        }
        if !proven && !stopping() { compact(multipliers) }
        return finish()
    }

    private func finish() -> LocationSolution {
        if let best {
            result.objective = best.cost
            result.open = best.open
            result.assignment = best.assignment
            result.status = proven ? .optimal : .feasible
            result.bound = proven ? best.cost : (bound.isFinite ? min(reported(bound), best.cost) : nil)
        } else {
            result.status = bound == .infinity ? .infeasible : .noSolution
            result.bound = bound.isFinite ? reported(bound) : nil
        }
        result.seconds = clock.seconds
        return result
    }

    /// With integer distances every plan costs an integer, so a bound rounds up.
    private func reported(_ value: Double) -> Double { integralCost ? (value - 1e-6).rounded(.up) : value }

    // MARK: 1. Column generation

    /// Multipliers u of (1) with the bound they give.
    struct Multipliers {
        var u: [Double]
        var bound: Double
    }

    /// Hub j's knapsack: the cheapest cluster under multipliers u (value g_j <= 0) and its clients.
    private func price(hub: Int, u: [Double]) -> (value: Double, members: [Int]) {
        let items = positiveItems(hub: hub, u: u, allowed: nil)
        let capacity = capacities![hub]
        var value = [Double](repeating: 0, count: capacity + 1)
        var take = [Bool](repeating: false, count: items.count * (capacity + 1))
        for (k, item) in items.enumerated() where item.weight <= capacity {
            let base = k * (capacity + 1)
            var c = capacity
            while c >= item.weight {
                let candidate = value[c - item.weight] + item.profit
                if candidate > value[c] { value[c] = candidate; take[base + c] = true }
                c -= 1
            }
        }
        var members: [Int] = []
        var c = capacity
        for k in stride(from: items.count - 1, through: 0, by: -1) where take[k * (capacity + 1) + c] {
            members.append(items[k].client)
            c -= items[k].weight
        }
        return (-value[capacity], members.sorted())
    }

    private struct Item { var client: Int; var weight: Int; var profit: Double }

    /// Clients worth taking at `hub` under u (profit u_i - d_ij > 0), optionally only allowed pairs.
    private func positiveItems(hub: Int, u: [Double], allowed: [Bool]?) -> [Item] {
        var items: [Item] = []
        for client in 0..<clients {
            let c = problem.cost(client, hub)
            guard c.isFinite, u[client] - c > 1e-12 else { continue }
            if let allowed, !allowed[client * hubs + hub] { continue }
            items.append(Item(client: client, weight: weights![client], profit: u[client] - c))
        }
        return items
    }

    /// L(u) and each hub's g_j(u).
    private func lagrangian(_ u: [Double]) -> (bound: Double, g: [Double], members: [[Int]]) {
        var g = [Double](repeating: 0, count: hubs), members = [[Int]](repeating: [], count: hubs)
        for hub in 0..<hubs { (g[hub], members[hub]) = price(hub: hub, u: u) }
        return (u.reduce(0, +) + g.sorted().prefix(p).reduce(0, +), g, members)
    }

    private func columnGeneration() -> Multipliers? {
        var model = LinearModel(name: problem.name + "_master", sense: .minimize)
        let cover = (0..<clients).map { model.addConstraint(name: "cover_\($0 + 1)", lower: 1, upper: 1) }
        let count = model.addConstraint(name: "hubs", lower: Double(p), upper: Double(p))
        let once = (0..<hubs).map { model.addConstraint(name: "once_\($0 + 1)", upper: 1) }
        // Artificial columns keep the master feasible before real clusters exist.
        let largest = (0..<clients).reduce(1.0) { sum, client in
            sum + ((0..<hubs).map { problem.cost(client, $0) }.filter(\.isFinite).max() ?? 0)
        }
        for client in 0..<clients {
            model.addVariable(name: "artificial_\(client + 1)", upper: 1, objective: largest, column: [.init(row: cover[client], coefficient: 1)])
        }
        let master = GLPKSolver(model: model)
        var columns: [(hub: Int, members: [Int], variable: VariableID)] = []
        var known = Set<[Int]>()
        @discardableResult
        func add(hub: Int, members: [Int]) -> Bool {
            guard known.insert([hub] + members).inserted else { return false }
            let cost = members.reduce(0) { $0 + problem.cost($1, hub) }
            let column = members.map { LinearModel.Entry(row: cover[$0], coefficient: 1) }
                + [.init(row: count, coefficient: 1), .init(row: once[hub], coefficient: 1)]
            let id = master.addVariables([LinearModel.Variable(name: "cluster_\(hub + 1)_\(columns.count + 1)", upper: 1,
                                                               objective: cost, column: column)])[0]
            columns.append((hub, members, id))
            return true
        }
        for hub in 0..<hubs { add(hub: hub, members: []) }
        if let best {
            for hub in best.open { add(hub: hub, members: (0..<clients).filter { best.assignment[$0] == hub }) }
        }

        var multipliers: Multipliers?
        var iterations = 0
        while !stopping() {
            let lp = master.solveRelaxation(timeLimit: remaining)
            guard lp.termination == .optimal else {
                if lp.termination == .infeasible { bound = .infinity }
                break
            }
            iterations += 1
            let u = cover.map { lp.duals[$0.index] }
            let v = lp.duals[count.index]
            let value = lagrangian(u)
            if value.bound > (multipliers?.bound ?? -.infinity) { multipliers = Multipliers(u: u, bound: value.bound) }
            bound = max(bound, value.bound)
            options.progress?("column generation \(iterations), LP \(lp.objective)", best?.cost, bound)
            // Converged: the master's LP value is the bound (up to GLPK's tolerances).
            if proven || value.bound >= lp.objective - 1e-6 * max(1, abs(lp.objective)) { break }
            var added = 0
            for hub in 0..<hubs where value.g[hub] - v - lp.duals[once[hub].index] < -1e-7 {
                if add(hub: hub, members: value.members[hub]) { added += 1 }
            }
            if added == 0 { break }
        }
        result.rounds = iterations
        result.rows = master.model.constraints.count
        result.columns = master.model.variables.count
        if !proven && !stopping() { restrictedMaster(master, columns: columns) }
        return multipliers
    }

    /// GLPK's MIP over the generated clusters: a primal heuristic.
    private func restrictedMaster(_ master: GLPKSolver, columns: [(hub: Int, members: [Int], variable: VariableID)]) {
        var model = master.model
        var integerModel = LinearModel(name: model.name + "_integer", sense: .minimize)
        for row in model.constraints { integerModel.addConstraint(name: row.name, lower: row.lower, upper: row.upper) }
        for (index, variable) in model.variables.enumerated() {
            var copy = variable
            let isArtificial = index < clients
            copy.isInteger = true
            if isArtificial { copy.upper = 0 }
            integerModel.append(copy)
        }
        model = integerModel
        let solver = GLPKSolver(model: model)
        var parameters = MIPParameters()
        let share = max(1.0, 0.1 * (remaining ?? 300))
        parameters.timeLimit = min(share, 60)
        parameters.shouldStop = options.shouldStop
        if let best {
            var warm = [Double](repeating: 0, count: model.variables.count)
            var used = Set<Int>()
            for column in columns {
                let members = (0..<clients).filter { best.assignment[$0] == column.hub }
                if best.open.contains(column.hub), column.members == members, !used.contains(column.hub) {
                    warm[column.variable.index] = 1; used.insert(column.hub)
                }
            }
            if used.count == p { parameters.warmStart = warm }
        }
        let mip = solver.solve(parameters)
        guard let solution = mip.solution else { return }
        var open: [Int] = [], assignment = [Int](repeating: -1, count: clients)
        for column in columns where solution[column.variable.index] > 0.5 {
            open.append(column.hub)
            for client in column.members { assignment[client] = column.hub }
        }
        if offer(open: open, assignment: assignment) {
            options.progress?("restricted master", best?.cost, bound)
        }
    }

    // MARK: 2-3. Fixing, knapsack cuts, compact model

    /// g_j^i for every client i: hub j's knapsack value with i forced into the cluster
    /// (+infinity when i cannot be served by j), from prefix and suffix DP tables.
    private func forcedValues(hub: Int, u: [Double]) -> [Double] {
        let items = positiveItems(hub: hub, u: u, allowed: nil)
        let capacity = capacities![hub], width = capacity + 1
        var prefix = [Double](repeating: 0, count: (items.count + 1) * width)
        var suffix = [Double](repeating: 0, count: (items.count + 1) * width)
        for k in 0..<items.count {
            let from = k * width, to = (k + 1) * width, w = items[k].weight
            for c in 0..<width {
                var value = prefix[from + c]
                if c >= w { value = max(value, prefix[from + c - w] + items[k].profit) }
                prefix[to + c] = value
            }
        }
        for k in stride(from: items.count - 1, through: 0, by: -1) {
            let from = (k + 1) * width, to = k * width, w = items[k].weight
            for c in 0..<width {
                var value = suffix[from + c]
                if c >= w { value = max(value, suffix[from + c - w] + items[k].profit) }
                suffix[to + c] = value
            }
        }
        var position = [Int](repeating: -1, count: clients)
        for (k, item) in items.enumerated() { position[item.client] = k }
        var forced = [Double](repeating: .infinity, count: clients)
        for client in 0..<clients {
            let c = problem.cost(client, hub), w = weights![client]
            guard c.isFinite, w <= capacity else { continue }
            let room = capacity - w
            let k = position[client]
            if k < 0 {
                forced[client] = -(u[client] - c + prefix[items.count * width + room])
            } else {
                var top = -Double.infinity
                for left in 0...room { top = max(top, prefix[k * width + left] + suffix[(k + 1) * width + room - left]) }
                forced[client] = -(items[k].profit + top)
            }
        }
        return forced
    }

    private func compact(_ multipliers: Multipliers?) {
        var allowed = [Bool](repeating: true, count: clients * hubs)
        var hubOpen = [Bool](repeating: true, count: hubs)
        for client in 0..<clients { for hub in 0..<hubs where !problem.cost(client, hub).isFinite { allowed[client * hubs + hub] = false } }
        if let weights, let capacities {
            for client in 0..<clients { for hub in 0..<hubs where weights[client] > capacities[hub] { allowed[client * hubs + hub] = false } }
        }
        var cutValues: [Double]?
        if let multipliers, let best {
            // Reduced-cost fixing against the incumbent.
            let u = multipliers.u
            let g = (0..<hubs).map { price(hub: $0, u: u).value }
            let sorted = g.sorted()
            let smallest = sorted.prefix(p).reduce(0, +), fewer = sorted.prefix(p - 1).reduce(0, +)
            let base = u.reduce(0, +)
            for hub in 0..<hubs {
                let rest = g[hub] <= sorted[p - 1] ? smallest - g[hub] : fewer
                let keep = best.open.contains(hub)
                if base + g[hub] + rest > cutoff && !keep {
                    hubOpen[hub] = false
                    continue
                }
                let forced = forcedValues(hub: hub, u: u)
                for client in 0..<clients where allowed[client * hubs + hub] && best.assignment[client] != hub {
                    if base + forced[client] + rest > cutoff { allowed[client * hubs + hub] = false }
                }
            }
            cutValues = (0..<hubs).map { hub in
                hubOpen[hub] ? -knapsackValue(hub: hub, u: u, allowed: allowed) : 0
            }
        }
        var model = LinearModel(name: problem.name, sense: .minimize)
        let assign = (0..<clients).map { model.addConstraint(name: "assign_\($0 + 1)", lower: 1, upper: 1) }
        let count = model.addConstraint(name: "hubs", lower: Double(p), upper: Double(p))
        let capacityRows = (0..<hubs).map { model.addConstraint(name: "capacity_\($0 + 1)", upper: 0) }
        let cutRows = cutValues.map { _ in (0..<hubs).map { model.addConstraint(name: "knapsack_\($0 + 1)", lower: 0) } }
        var y = [VariableID?](repeating: nil, count: hubs)
        let capacity = problem.capacity!
        for hub in 0..<hubs where hubOpen[hub] {
            var column: [LinearModel.Entry] = [.init(row: count, coefficient: 1), .init(row: capacityRows[hub], coefficient: -capacity[hub])]
            if let cutRows, let cutValues, cutValues[hub] != 0 { column.append(.init(row: cutRows[hub], coefficient: -cutValues[hub])) }
            y[hub] = model.addVariable(name: "y_\(hub + 1)", lower: 0, upper: 1, isInteger: true, objective: 0, column: column)
        }
        var x: [(client: Int, hub: Int, id: VariableID)] = []
        var kept = 0
        for client in 0..<clients {
            for hub in 0..<hubs where hubOpen[hub] && allowed[client * hubs + hub] {
                let link = model.addConstraint(name: "link_\(client + 1)_\(hub + 1)", upper: 0, terms: [(y[hub]!, -1)])
                var column: [LinearModel.Entry] = [.init(row: assign[client], coefficient: 1), .init(row: link, coefficient: 1),
                                                   .init(row: capacityRows[hub], coefficient: demand[client])]
                if let cutRows, let multipliers {
                    let coefficient = problem.cost(client, hub) - multipliers.u[client]
                    if coefficient != 0 { column.append(.init(row: cutRows[hub], coefficient: coefficient)) }
                }
                let id = model.addVariable(name: "x_\(client + 1)_\(hub + 1)", lower: 0, upper: 1, isInteger: true,
                                           objective: problem.cost(client, hub), column: column)
                x.append((client, hub, id))
                kept += 1
            }
        }
        options.progress?("compact model: \(hubOpen.filter { $0 }.count) hubs, \(kept) of \(clients * hubs) assignments", best?.cost, bound)
        if (0..<clients).contains(where: { client in !x.contains { $0.client == client } }) && best != nil {
            // Some client has no assignment left: no plan beats the incumbent.
            bound = max(bound, cutoff)
            return
        }
        let solver = GLPKSolver(model: model)
        var parameters = MIPParameters()
        parameters.timeLimit = remaining
        parameters.relativeGap = options.relativeGap
        if let best, best.cost > 0 {
            parameters.relativeGap = max(options.relativeGap, slack / best.cost * 0.999)
            var warm = [Double](repeating: 0, count: model.variables.count)
            for hub in best.open { if let id = y[hub] { warm[id.index] = 1 } }
            for entry in x where best.assignment[entry.client] == entry.hub { warm[entry.id.index] = 1 }
            parameters.warmStart = warm
        }
        parameters.shouldStop = options.shouldStop
        let progress = options.progress
        parameters.progress = { progress?("branch-and-bound", $0, $1) }
        let mip = solver.solve(parameters)
        result.nodes += mip.nodes
        result.rows = model.constraints.count
        result.columns = model.variables.count
        if let solution = mip.solution {
            let open = (0..<hubs).filter { y[$0].map { solution[$0.index] > 0.5 } ?? false }
            var assignment = [Int](repeating: -1, count: clients)
            for entry in x where solution[entry.id.index] > 0.5 { assignment[entry.client] = entry.hub }
            offer(open: open, assignment: assignment)
        }
        switch mip.termination {
        case .optimal:
            // The restricted model's optimum is the incumbent (or better, now kept):
            // every plan left out costs more than the cutoff.
            bound = max(bound, min(best?.cost ?? .infinity, cutoff))
            if best == nil { bound = .infinity }
        case .infeasible:
            bound = best == nil ? .infinity : max(bound, cutoff)
        default:
            if let value = mip.bound { bound = max(bound, min(value, cutoff)) }
        }
    }

    /// Hub j's knapsack value over the allowed pairs only.
    private func knapsackValue(hub: Int, u: [Double], allowed: [Bool]) -> Double {
        let items = positiveItems(hub: hub, u: u, allowed: allowed)
        let capacity = capacities![hub]
        var value = [Double](repeating: 0, count: capacity + 1)
        for item in items where item.weight <= capacity {
            var c = capacity
            while c >= item.weight { value[c] = max(value[c], value[c - item.weight] + item.profit); c -= 1 }
        }
        return value[capacity]
    }
}
