// SPDX-License-Identifier: GPL-3.0-or-later
import GLPKBackend
import LinearModel

/// The capacitated p-median problem solved exactly by branch-and-price over
/// GLPK: a set-partitioning master priced by knapsack dynamic programming,
/// a Lagrangian bound at every pricing round, branching on the hubs, and
/// GLPK's MIP for the assignment once the hubs are fixed.
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
/// | S | a cluster of hub j: clients with sum_{i in S} w_i <= Q_j |
///
/// **1. Master.** Columns are (hub j, cluster S) with cost
/// c_jS = sum_{i in S} d_ij; lambda_jS = 1 when hub j opens and serves
/// exactly S. Rows: every client in exactly one chosen cluster (1), exactly
/// p clusters (3), at most one cluster per hub (y_j = sum_S lambda_jS <= 1).
/// The integer master is the model above; its LP bound is the Lagrangian
/// bound below (Lorena and Senne 2004; Ceselli and Righini 2005 use the
/// same master for this problem).
///
/// **2. Pricing and the bound.** Dualise (1) with multipliers u. What is
/// left splits by hub: opening j and serving S costs sum_{i in S} (d_ij - u_i),
/// so hub j at best costs
///
///     g_j(u) = min_S sum_{i in S} (d_ij - u_i) <= 0     (S may be empty)
///
/// a 0-1 knapsack over the clients with u_i > d_ij (profit u_i - d_ij, weight
/// w_i, capacity Q_j), solved exactly by dynamic programming over integer
/// capacities. With exactly p hubs open,
///
///     L(u) = sum_i u_i + (sum of the p smallest g_j(u))  <=  optimum
///
/// for every u, so the bound holds at every round, even when column
/// generation stops early. The duals of (1) are the next u; the cluster of
/// hub j enters when its reduced cost g_j - v - pi_j is negative (v and pi_j
/// the duals of (3) and of hub j's row). The rounds stop when L(u) meets
/// the master's LP value (the LP is then the bound) or exceeds the
/// incumbent's cost less the slack (slack < 1 with integer distances: the
/// node cannot hold a better plan).
///
/// **3. Branching.** On a hub whose LP use y_j = sum_S lambda_jS is
/// fractional (the one nearest 0.5): y_j = 1 (hub j's row becomes = 1) or
/// y_j = 0 (its row becomes <= 0 and it is no longer priced). At a node the
/// bound is L(u) with the open hubs' g_j forced in, the closed ones left
/// out, and the smallest free g_j for the remaining places. Nodes are taken
/// best bound first. A node whose LP is integral is a plan; a node whose
/// LP uses every hub integrally has fixed its hubs, and the rest is a
/// generalised assignment problem that GLPK solves exactly.
///
/// **Incumbent.** `CapacitatedHeuristic`, its hubs re-assigned exactly by
/// GLPK, and GLPK's MIP over the root's generated columns; every plan is
/// re-scored with `LocationProblem.check` before it is kept.
///
/// When demands or capacities are not integers (no knapsack DP), or the DP
/// would be too large, the compact model with x_ij <= y_j runs instead,
/// warm-started from the heuristic incumbent.
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
        if let plan = best, !stopping() {
            // The heuristic's hubs with their best assignment.
            _ = solveAssignment(open: plan.open, timeLimit: 5)
        }
        if weights != nil {
            if !stopping() { branchAndPrice() }
        } else if !proven && !stopping() {
            compact()
        }
        return finish()
    }

    private func finish() -> LocationSolution {
        // With no negative cost, 0 bounds every plan (the early Lagrangian bound can be below it).
        if problem.cost.allSatisfy({ $0 >= 0 }) { bound = max(bound, 0) }
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

    // MARK: Pricing

    /// Hub j's knapsack: the cheapest cluster under multipliers u (value g_j <= 0) and its clients.
    private func price(hub: Int, u: [Double]) -> (value: Double, members: [Int]) {
        let items = positiveItems(hub: hub, u: u)
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

    /// Clients worth taking at `hub` under u (profit u_i - d_ij > 0).
    private func positiveItems(hub: Int, u: [Double]) -> [Item] {
        var items: [Item] = []
        for client in 0..<clients {
            let c = problem.cost(client, hub)
            guard c.isFinite, u[client] - c > 1e-12 else { continue }
            items.append(Item(client: client, weight: weights![client], profit: u[client] - c))
        }
        return items
    }

    // MARK: 1-2. Master and branch-and-price

    /// A hub's branching state: free, closed (y_j = 0) or open (y_j = 1).
    private enum HubState: Int8 { case free, closed, open }

    private typealias Column = (hub: Int, members: [Int], variable: VariableID)
    private var master: GLPKSolver?
    private var coverRows: [ConstraintID] = []
    private var countRow = ConstraintID(index: 0)
    private var onceRows: [ConstraintID] = []
    private var columns: [Column] = []
    private var known = Set<[Int]>()
    private var iterations = 0

    /// The set-partitioning master: rows (1) per client, (3), and at most one
    /// cluster per hub; artificial columns (cost above any plan) keep it
    /// feasible, the empty cluster of every hub and the incumbent's clusters
    /// start it.
    private func buildMaster() -> GLPKSolver {
        var model = LinearModel(name: problem.name + "_master", sense: .minimize)
        coverRows = (0..<clients).map { model.addConstraint(name: "cover_\($0 + 1)", lower: 1, upper: 1) }
        countRow = model.addConstraint(name: "hubs", lower: Double(p), upper: Double(p))
        onceRows = (0..<hubs).map { model.addConstraint(name: "once_\($0 + 1)", upper: 1) }
        let largest = (0..<clients).reduce(1.0) { sum, client in
            sum + ((0..<hubs).map { problem.cost(client, $0) }.filter(\.isFinite).max() ?? 0)
        }
        for client in 0..<clients {
            model.addVariable(name: "artificial_\(client + 1)", upper: 1, objective: largest, column: [.init(row: coverRows[client], coefficient: 1)])
        }
        let solver = GLPKSolver(model: model)
        master = solver
        for hub in 0..<hubs { addColumn(hub: hub, members: []) }
        if let best {
            for hub in best.open { addColumn(hub: hub, members: (0..<clients).filter { best.assignment[$0] == hub }) }
        }
        return solver
    }

    @discardableResult
    private func addColumn(hub: Int, members: [Int]) -> Bool {
        guard let master, known.insert([hub] + members).inserted else { return false }
        let cost = members.reduce(0) { $0 + problem.cost($1, hub) }
        let column = members.map { LinearModel.Entry(row: coverRows[$0], coefficient: 1) }
            + [.init(row: countRow, coefficient: 1), .init(row: onceRows[hub], coefficient: 1)]
        let id = master.addVariables([LinearModel.Variable(name: "cluster_\(hub + 1)_\(columns.count + 1)", upper: 1,
                                                           objective: cost, column: column)])[0]
        columns.append((hub, members, id))
        return true
    }

    /// L(u) at a node: sum u + the open hubs' g + the smallest g of the free
    /// hubs for the remaining places (closed hubs are not priced).
    private func lagrangian(_ u: [Double], _ state: [HubState]) -> (bound: Double, g: [Double], members: [[Int]]) {
        var g = [Double](repeating: 0, count: hubs), members = [[Int]](repeating: [], count: hubs)
        var total = u.reduce(0, +), free: [Double] = [], opened = 0
        for hub in 0..<hubs where state[hub] != .closed {
            (g[hub], members[hub]) = price(hub: hub, u: u)
            if state[hub] == .open { total += g[hub]; opened += 1 } else { free.append(g[hub]) }
        }
        guard opened <= p, free.count >= p - opened else { return (.infinity, g, members) }
        return (total + free.sorted().prefix(p - opened).reduce(0, +), g, members)
    }

    /// Column generation at a node. `converged` is false when it stopped for time.
    private func generate(_ state: [HubState]) -> (bound: Double, converged: Bool, primal: [Double]?) {
        guard let master else { return (-.infinity, false, nil) }
        for hub in 0..<hubs {
            switch state[hub] {
            case .free: master.setBounds(of: onceRows[hub], lower: -.infinity, upper: 1)
            case .closed: master.setBounds(of: onceRows[hub], lower: -.infinity, upper: 0)
            case .open: master.setBounds(of: onceRows[hub], lower: 1, upper: 1)
            }
        }
        var nodeBound = -Double.infinity
        while !stopping() {
            let lp = master.solveRelaxation(timeLimit: remaining)
            guard lp.termination == .optimal else {
                if lp.termination == .infeasible { return (.infinity, true, nil) }
                return (nodeBound, false, nil)
            }
            iterations += 1
            let u = coverRows.map { lp.duals[$0.index] }
            let v = lp.duals[countRow.index]
            let value = lagrangian(u, state)
            nodeBound = max(nodeBound, value.bound)
            if nodeBound > cutoff { return (nodeBound, true, nil) }
            // Converged: the master's LP value is the bound (up to GLPK's tolerances).
            if value.bound >= lp.objective - 1e-6 * max(1, abs(lp.objective)) { return (nodeBound, true, lp.primal) }
            var added = 0
            for hub in 0..<hubs where state[hub] != .closed && value.g[hub] - v - lp.duals[onceRows[hub].index] < -1e-7 {
                if addColumn(hub: hub, members: value.members[hub]) { added += 1 }
            }
            if added == 0 { return (max(nodeBound, lp.objective), true, lp.primal) }
        }
        return (nodeBound, false, nil)
    }

    /// Best-first branch-and-price on the hubs (y_j = 1 or 0). A node whose
    /// LP uses every hub integrally fixes the hub set: the rest is a
    /// generalised assignment problem, solved by GLPK.
    private func branchAndPrice() {
        _ = buildMaster()
        var queue: [(bound: Double, state: [HubState])] = [(-.infinity, Array(repeating: .free, count: hubs))]
        var unfinished = Double.infinity
        var nodes = 0
        while let index = queue.indices.min(by: { queue[$0].bound < queue[$1].bound }) {
            let node = queue.remove(at: index)
            if node.bound > cutoff { continue }
            if stopping() { queue.append(node); break }
            nodes += 1
            let outcome = generate(node.state)
            let nodeBound = max(node.bound, outcome.bound)
            if !outcome.converged { queue.append((nodeBound, node.state)); break }
            if nodes == 1 {
                bound = max(bound, nodeBound)
                if !proven && !stopping(), let master { restrictedMaster(master, columns: columns) }
            }
            if nodeBound > cutoff { continue }
            guard let primal = outcome.primal else { continue }
            var usage = [Double](repeating: 0, count: hubs)
            var integral = (0..<clients).allSatisfy { primal[$0] < 1e-6 }
            for column in columns {
                let value = primal[column.variable.index]
                usage[column.hub] += value
                if value > 1e-6 && value < 1 - 1e-6 { integral = false }
            }
            if integral {
                var open: [Int] = [], assignment = [Int](repeating: -1, count: clients)
                for column in columns where primal[column.variable.index] > 0.5 {
                    open.append(column.hub)
                    for client in column.members { assignment[client] = column.hub }
                }
                offer(open: open, assignment: assignment)
                continue
            }
            let fractional = (0..<hubs).filter { node.state[$0] == .free && usage[$0] > 1e-6 && usage[$0] < 1 - 1e-6 }
            if let hub = fractional.min(by: { abs(usage[$0] - 0.5) < abs(usage[$1] - 0.5) }) {
                var open = node.state, closed = node.state
                open[hub] = .open; closed[hub] = .closed
                queue.append((nodeBound, open))
                queue.append((nodeBound, closed))
                let global = min(nodeBound, queue.map(\.bound).min() ?? nodeBound, unfinished)
                options.progress?("branch-and-price, \(queue.count) nodes open", best?.cost, max(bound, min(global, cutoff)))
            } else {
                let open = (0..<hubs).filter { usage[$0] > 0.5 }
                let leaf = solveAssignment(open: open)
                if !leaf.complete { unfinished = min(unfinished, max(nodeBound, leaf.bound)) }
            }
        }
        result.nodes += nodes
        result.rounds = iterations
        if let master {
            result.rows = master.model.constraints.count
            result.columns = master.model.variables.count
        }
        let open = min(queue.map(\.bound).min() ?? .infinity, unfinished)
        if open == .infinity && best == nil { bound = .infinity } else { bound = max(bound, min(open, cutoff)) }
    }

    /// The generalised assignment problem of a fixed hub set, by GLPK.
    private func solveAssignment(open: [Int], timeLimit: Double? = nil) -> (complete: Bool, bound: Double) {
        var model = LinearModel(name: problem.name + "_assignment", sense: .minimize)
        let assign = (0..<clients).map { model.addConstraint(name: "assign_\($0 + 1)", lower: 1, upper: 1) }
        let capacity = problem.capacity!
        let capacityRows = open.map { model.addConstraint(name: "capacity_\($0 + 1)", upper: capacity[$0]) }
        var x: [(client: Int, hub: Int, id: VariableID)] = []
        for client in 0..<clients {
            for (slot, hub) in open.enumerated() where problem.cost(client, hub).isFinite && demand[client] <= capacity[hub] {
                let id = model.addVariable(name: "x_\(client + 1)_\(hub + 1)", lower: 0, upper: 1, isInteger: true,
                                           objective: problem.cost(client, hub),
                                           column: [.init(row: assign[client], coefficient: 1), .init(row: capacityRows[slot], coefficient: demand[client])])
                x.append((client, hub, id))
            }
        }
        if (0..<clients).contains(where: { client in !x.contains { $0.client == client } }) { return (true, .infinity) }
        let solver = GLPKSolver(model: model)
        var parameters = MIPParameters()
        parameters.timeLimit = [remaining, timeLimit].compactMap { $0 }.min()
        parameters.relativeGap = options.relativeGap
        if let best, best.cost > 0 { parameters.relativeGap = max(options.relativeGap, slack / best.cost * 0.999) }
        parameters.shouldStop = options.shouldStop
        let mip = solver.solve(parameters)
        if let solution = mip.solution {
            var assignment = [Int](repeating: -1, count: clients)
            for entry in x where solution[entry.id.index] > 0.5 { assignment[entry.client] = entry.hub }
            offer(open: open, assignment: assignment)
        }
        switch mip.termination {
        case .optimal, .infeasible: return (true, .infinity)
        default: return (false, mip.bound ?? -.infinity)
        }
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

    // MARK: Fallback without a DP

    /// The compact model with x_ij <= y_j, warm-started from the incumbent:
    /// used when demands or capacities are not integers.
    private func compact() {
        var model = LinearModel(name: problem.name, sense: .minimize)
        let assign = (0..<clients).map { model.addConstraint(name: "assign_\($0 + 1)", lower: 1, upper: 1) }
        let count = model.addConstraint(name: "hubs", lower: Double(p), upper: Double(p))
        let capacityRows = (0..<hubs).map { model.addConstraint(name: "capacity_\($0 + 1)", upper: 0) }
        let capacity = problem.capacity!
        let y = (0..<hubs).map { hub in
            model.addVariable(name: "y_\(hub + 1)", lower: 0, upper: 1, isInteger: true, objective: 0,
                              column: [.init(row: count, coefficient: 1), .init(row: capacityRows[hub], coefficient: -capacity[hub])])
        }
        var x: [(client: Int, hub: Int, id: VariableID)] = []
        for client in 0..<clients {
            for hub in 0..<hubs where problem.cost(client, hub).isFinite && demand[client] <= capacity[hub] {
                let link = model.addConstraint(name: "link_\(client + 1)_\(hub + 1)", upper: 0, terms: [(y[hub], -1)])
                let id = model.addVariable(name: "x_\(client + 1)_\(hub + 1)", lower: 0, upper: 1, isInteger: true,
                                           objective: problem.cost(client, hub),
                                           column: [.init(row: assign[client], coefficient: 1), .init(row: link, coefficient: 1),
                                                    .init(row: capacityRows[hub], coefficient: demand[client])])
                x.append((client, hub, id))
            }
        }
        if (0..<clients).contains(where: { client in !x.contains { $0.client == client } }) {
            bound = .infinity
            return
        }
        let solver = GLPKSolver(model: model)
        var parameters = MIPParameters()
        parameters.timeLimit = remaining
        parameters.relativeGap = options.relativeGap
        if let best, best.cost > 0 {
            parameters.relativeGap = max(options.relativeGap, slack / best.cost * 0.999)
            var warm = [Double](repeating: 0, count: model.variables.count)
            for hub in best.open { warm[y[hub].index] = 1 }
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
            let open = (0..<hubs).filter { solution[y[$0].index] > 0.5 }
            var assignment = [Int](repeating: -1, count: clients)
            for entry in x where solution[entry.id.index] > 0.5 { assignment[entry.client] = entry.hub }
            offer(open: open, assignment: assignment)
        }
        switch mip.termination {
        case .optimal: bound = best == nil ? .infinity : max(bound, cutoff)
        case .infeasible: bound = best == nil ? .infinity : max(bound, cutoff)
        default: if let value = mip.bound { bound = max(bound, min(value, cutoff)) }
        }
    }
}
