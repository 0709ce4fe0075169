// SPDX-License-Identifier: GPL-3.0-or-later

/// Which formulation solves a location problem through GLPK.
public enum LocationFormulation: String, Sendable, CaseIterable {
    /// The classic model: assignment variables x_ij <= y_j (n x m columns).
    case textbook
    /// The strongest formulation this tool has for the family: the radius
    /// (covering) formulation for p-median and UFL, generated row by row.
    case strong
}

/// Limits and callbacks of a location solve.
public struct LocationOptions: Sendable {
    public var formulation: LocationFormulation = .strong
    public var timeLimit: Double?
    public var relativeGap: Double = 1e-6
    public var shouldStop: (@Sendable () -> Bool)?
    /// Called now and then with a message, the incumbent and the bound.
    public var progress: (@Sendable (String, Double?, Double?) -> Void)?
    public init() {}
}

/// The answer to a location problem: open hubs, each client's hub, the cost,
/// and how far it is proven.
public struct LocationSolution: Sendable {
    public enum Status: String, Sendable { case optimal, feasible, infeasible, noSolution = "no_solution" }
    public var status: Status
    public var objective: Double?
    /// Proven lower bound on the optimum (the problems are minimisations).
    public var bound: Double?
    /// Open hubs, ascending (0-based).
    public var open: [Int]
    /// The hub of each client (0-based), empty without a solution.
    public var assignment: [Int]
    public var seconds: Double = 0
    public var nodes: Int = 0
    /// Rows and columns of the final GLPK model.
    public var rows: Int = 0
    public var columns: Int = 0
    /// Branch-and-bound rounds (the radius formulation re-solves after adding radii).
    public var rounds: Int = 0
    /// Hub fixings: by reduced cost before branching (uncapacitated), or by
    /// Lagrangian probing, counted over all nodes (capacitated branch-and-price).
    public var fixed: Int = 0
    public var formulation: LocationFormulation

    public var relativeGap: Double? {
        guard let objective, let bound else { return nil }
        return max(0, objective - bound) / max(1e-9, abs(objective))
    }
}
