// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GLPKBackend
import LinearModel
import Synchronization

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
        case (.strong, true): return race()
        }
    }

    /// Capacitated p-median: no single model wins everywhere (branch-and-price
    /// proves the 100-node Osman-Christofides and SJC1 instances far sooner;
    /// the compact model closes some tightly packed 50-node ones, e.g.
    /// cpmp08, sooner), so both run at once, one per core, each with its own
    /// GLPK problem on its own thread (GLPK objects are bound to their thread).
    /// The first to prove its answer stops the other. The answer is the better
    /// plan of the two; the bound the larger of their proven bounds (each is a
    /// valid lower bound on the same optimum).
    func race() -> LocationSolution {
        final class Shared: @unchecked Sendable {
            let done = Mutex(false)
            var compact: LocationSolution?
            let finished = DispatchSemaphore(value: 0)
        }
        let shared = Shared()
        var racing = options
        let outer = options.shouldStop
        racing.shouldStop = { shared.done.withLock { $0 } || (outer?() ?? false) }
        let problem = self.problem
        let compactOptions = racing
        let thread = Thread {
            let result = LocationSolver(problem: problem, options: compactOptions).textbook()
            if result.status == .optimal || result.status == .infeasible { shared.done.withLock { $0 = true } }
            shared.compact = result
            shared.finished.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        let priced = CapacitatedPMedian(problem: problem, options: racing).solve()
        if priced.status == .optimal || priced.status == .infeasible { shared.done.withLock { $0 = true } }
        shared.finished.wait()
        guard let compact = shared.compact else { return priced }
        if compact.status == .infeasible || priced.status == .infeasible {
            return compact.status == .infeasible ? compact.relabelled(.strong) : priced
        }
        var best = priced
        if let objective = compact.objective, objective < (priced.objective ?? .infinity) { best = compact.relabelled(.strong) }
        let bounds = [priced.bound, compact.bound].compactMap { $0 }
        best.bound = bounds.max().map { bound in best.objective.map { min($0, bound) } ?? bound }
        best.nodes = priced.nodes + compact.nodes
        best.seconds = max(priced.seconds, compact.seconds)
        if priced.status == .optimal || compact.status == .optimal {
            // Whichever proved, its bound meets its plan, and the best plan is no worse.
            best.status = .optimal
            best.bound = best.objective
        } else if best.objective != nil {
            best.status = .feasible
        }
        return best
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