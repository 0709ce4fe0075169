// SPDX-License-Identifier: GPL-3.0-or-later
import GLPKBackend
import LinearModel

/// Solves a `LocationProblem` exactly through GLPK with the chosen formulation.
public struct LocationSolver {
    public let problem: LocationProblem
    public let options: LocationOptions

    public init(problem: LocationProblem, options: LocationOptions = LocationOptions()) {
        self.problem = problem
        self.options = options
    }

    public func solve() -> LocationSolution {
        if let p = problem.p, p > problem.hubCount {
            return LocationSolution(status: .infeasible, objective: nil, bound: nil, open: [], assignment: [], formulation: options.formulation)
        }
        switch (options.formulation, problem.isCapacitated) {
        case (.textbook, _): return textbook()
        case (.strong, false): return RadiusFormulation(problem: problem, options: options).solve()
        // Branch-and-price alone: a race against the compact model on the
        // second core (kept until 2026-11-29) no longer won anywhere once
        // branch-and-price branched on pairs, probed and smoothed its duals,
        // and it halved branch-and-price's speed on the larger SJC instances.
        case (.strong, true): return CapacitatedPMedian(problem: problem, options: options).solve()
        }
    }

    /// The classic model, as a researcher would first write it:
    ///
    ///     min  sum_j f_j y_j + sum_ij c_ij x_ij
    ///     s.t. sum_j x_ij = 1                 (each client served once)
    ///          x_ij <= y_j                    (only by an open hub)
    ///          sum_j y_j = p                  (p-median families)
    ///          sum_i w_i x_ij <= Q_j y_j      (capacitated: single source, x binary)
    ///
    /// No heuristic start and no reductions: the baseline the strong
    /// formulations are measured against, through the same GLPK.
    func textbook() -> LocationSolution {
        let clock = Stopwatch()
        let n = problem.clientCount, m = problem.hubCount
        var model = LinearModel(name: problem.name, sense: .minimize)
        let assign = (0..<n).map { model.addConstraint(name: "assign_\($0 + 1)", lower: 1, upper: 1) }
        let hubsRow = problem.p.map { model.addConstraint(name: "hubs", lower: Double($0), upper: Double($0)) }
        let capacityRows = problem.capacity.map { _ in (0..<m).map { model.addConstraint(name: "capacity_\($0 + 1)", upper: 0) } }
        var y: [VariableID] = []
        for j in 0..<m {
            var column: [LinearModel.Entry] = []
            if let hubsRow { column.append(.init(row: hubsRow, coefficient: 1)) }
            if let capacityRows, let capacity = problem.capacity { column.append(.init(row: capacityRows[j], coefficient: -capacity[j])) }
            y.append(model.addVariable(name: "y_\(j + 1)", lower: 0, upper: 1, isInteger: true, objective: problem.hubCost[j], column: column))
        }
        var x: [(client: Int, hub: Int, id: VariableID)] = []
        for i in 0..<n {
            for j in 0..<m where problem.cost(i, j).isFinite {
                let link = model.addConstraint(name: "link_\(i + 1)_\(j + 1)", upper: 0, terms: [(y[j], -1)])
                var column: [LinearModel.Entry] = [.init(row: assign[i], coefficient: 1), .init(row: link, coefficient: 1)]
                if let capacityRows, let demand = problem.demand { column.append(.init(row: capacityRows[j], coefficient: demand[i])) }
                let id = model.addVariable(name: "x_\(i + 1)_\(j + 1)", lower: 0, upper: 1, isInteger: problem.isCapacitated,
                                           objective: problem.cost(i, j), column: column)
                x.append((i, j, id))
            }
        }
        let solver = GLPKSolver(model: model)
        var parameters = MIPParameters()
        parameters.timeLimit = options.timeLimit.map { max(0.001, $0 - clock.seconds) }
        parameters.relativeGap = options.relativeGap
        parameters.shouldStop = options.shouldStop
        let progress = options.progress
        parameters.progress = { progress?("branch-and-bound", $0, $1) }
        let mip = solver.solve(parameters)
        var result = LocationSolution(status: .noSolution, objective: nil, bound: mip.bound, open: [], assignment: [], formulation: .textbook)
        result.nodes = mip.nodes
        result.rows = model.constraints.count
        result.columns = model.variables.count
        result.rounds = 1
        if let solution = mip.solution {
            result.open = (0..<m).filter { solution[y[$0].index] > 0.5 }
            var assignment = Array(repeating: -1, count: n)
            for entry in x where solution[entry.id.index] > 0.5 { assignment[entry.client] = entry.hub }
            if !problem.isCapacitated {
                // x may be fractional at ties; serve each client from its cheapest open hub.
                assignment = problem.evaluate(open: result.open).assignment
            }
            result.assignment = assignment
            result.objective = problem.check(open: result.open, assignment: assignment).cost
        }
        switch mip.termination {
        case .optimal: result.status = result.objective == nil ? .infeasible : .optimal
        case .infeasible: result.status = .infeasible
        default: result.status = result.objective == nil ? .noSolution : .feasible
        }
        if result.status == .optimal, let objective = result.objective { result.bound = min(result.bound ?? objective, objective) }
        result.seconds = clock.seconds
        return result
    }
}