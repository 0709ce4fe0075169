// SPDX-License-Identifier: GPL-3.0-or-later

/// Why a solve stopped. The outcome of a solve is data, not an exception.
public enum Termination: String, Sendable, Equatable {
    /// Proven optimal within the requested relative gap.
    case optimal
    /// Proven to have no feasible solution.
    case infeasible
    /// The LP relaxation is unbounded.
    case unbounded
    /// The time limit stopped the search (an incumbent may exist).
    case timeLimit
    /// The caller asked the search to stop (Ctrl-C); an incumbent may exist.
    case interrupted
    /// The solver reported a failure it could not recover from.
    case failed
}

/// The result of solving an LP relaxation.
public struct LPResult: Sendable {
    public var termination: Termination
    public var objective: Double
    public var primal: [Double]
    /// Row duals in the backend's convention: reduced cost of column j is
    /// `c_j - sum_i a_ij * dual_i`.
    public var duals: [Double]
    public init(termination: Termination, objective: Double, primal: [Double], duals: [Double]) {
        self.termination = termination
        self.objective = objective
        self.primal = primal
        self.duals = duals
    }
}

/// The result of a mixed-integer solve.
public struct MIPResult: Sendable {
    public var termination: Termination
    /// The incumbent, when one was found.
    public var solution: [Double]?
    public var objective: Double?
    /// The best proven bound on the objective (nil when none is known).
    public var bound: Double?
    public var nodes: Int
    public var seconds: Double
    public init(
        termination: Termination, solution: [Double]?, objective: Double?, bound: Double?,
        nodes: Int, seconds: Double
    ) {
        self.termination = termination
        self.solution = solution
        self.objective = objective
        self.bound = bound
        self.nodes = nodes
        self.seconds = seconds
    }
}

/// Settings of a mixed-integer solve.
public struct MIPParameters: Sendable {
    /// Wall-clock limit in seconds (nil: none).
    public var timeLimit: Double?
    /// Relative gap at which the search may stop and call the incumbent optimal.
    public var relativeGap: Double = 1e-6
    /// A full assignment to offer as a first incumbent. The backend checks it
    /// against the model and ignores it (returning a note) when it is not feasible.
    public var warmStart: [Double]?
    /// Polled during the search; returning true stops it.
    public var shouldStop: (@Sendable () -> Bool)?
    /// Called now and then with (incumbent objective, best bound).
    public var progress: (@Sendable (Double?, Double?) -> Void)?
    /// Branch on the best of at most this many most fractional variables,
    /// scored by Driebeek and Tomlin's penalties; nil: every fractional
    /// variable, as GLPK's own rule does (at the cost of a row of the simplex
    /// tableau each).
    public var branchingCandidates: Int?
    /// True: the backend's own implementation of the branching rule (GLPK's
    /// `GLP_BR_DTH`, which computes each tableau row column by column through
    /// its API), instead of the backend's faster one of the same rule; kept
    /// to check one against the other.
    public var backendBranching = false
    /// Called with the full assignment of each new incumbent (a warm start
    /// included) soon after the search finds it, so that a caller can keep
    /// the plans met on the way (on the solving thread, inside the search:
    /// record it, do not call the solver back).
    public var onIncumbent: (@Sendable ([Double]) -> Void)?
    /// A value known to be reached elsewhere (polled): the search stops, as
    /// `.interrupted` with its bound, once no open node can beat it, that is
    /// when the best bound is at most this value (maximising; at least it,
    /// minimising). For a search over part of a problem whose best plan so
    /// far lies in another part.
    public var cutoff: (@Sendable () -> Double?)?
    /// Polled at each of the backend's calls back once the search has an
    /// incumbent, with its objective and the best bound: true stops the
    /// search, as `.interrupted` with that bound (say, once the gap left is
    /// small against a gap known from elsewhere).
    public var stopAtGap: (@Sendable (_ incumbent: Double, _ bound: Double) -> Bool)?
    /// Called at each node of the search once its LP is solved and not
    /// integral, with the LP's value of every variable, how many times it
    /// was called at this node before (the cuts it returned were added and
    /// the LP solved again), and how many cuts the backend takes at most
    /// this time; returns cuts valid for every integer solution of the
    /// model, the most useful first, which the backend offers to the
    /// search. Cuts beyond the limit are dropped unseen. Return none to
    /// branch. For families of cuts that the model cannot list up front (on
    /// the same thread, inside the search: do not call the solver back).
    public var cutSeparator: (@Sendable (_ values: [Double], _ round: Int, _ limit: Int) -> [CutRow])?
    /// True when the model's rows already hold every integer variable whose
    /// only bound is a lower bound of 0 at most 1 (as a set-packing row
    /// does): the search may then give such variables the bound 1, which
    /// changes no integer solution and no LP value, but lets the backend's
    /// cuts for 0-1 variables apply (GLPK's mixed-integer rounding cuts need
    /// both bounds; GLPK's clique cuts are then off, see `GLPKSolver`).
    public var integersAreBinary = false
    /// The backend's mixed-integer rounding cuts at the root of the search
    /// (with `integersAreBinary`; GLPK's `glp_mir_gen`, not its `mir_cuts`).
    public var roundingCuts = false
    /// Polled at each node below the root once its LP is solved and not
    /// integral: true asks the search to give this node away
    /// (`onDonate`) instead of searching it, for another search to take up.
    public var donateWhen: (@Sendable () -> Bool)?
    /// Receives each node given away: the bound of its LP and the bounds of
    /// the variables that differ from theirs at the start of the search
    /// (branching, and the backend's own tightening at the node, valid for
    /// the node's plans). The search then drops the node; its plans are all
    /// in the problem with those bounds, and nowhere else in this search (on
    /// the solving thread, inside the search: record it, do not call the
    /// solver back).
    public var onDonate: (@Sendable (_ bound: Double, _ bounds: [VariableBound]) -> Void)?
    public init() {}
}

/// New bounds of one variable (an index into `LinearModel.variables`).
public struct VariableBound: Sendable, Equatable {
    public var variable: Int
    public var lower: Double
    public var upper: Double
    public init(variable: Int, lower: Double, upper: Double) {
        self.variable = variable
        self.lower = lower
        self.upper = upper
    }
}

/// A cut `Σ coefficients[k] * x[variables[k]] ≤ upper` over a model's
/// variables (indices into `LinearModel.variables`, each at most once).
public struct CutRow: Sendable, Equatable {
    public var variables: [Int]
    public var coefficients: [Double]
    public var upper: Double
    public init(variables: [Int], coefficients: [Double], upper: Double) {
        self.variables = variables
        self.coefficients = coefficients
        self.upper = upper
    }
}
