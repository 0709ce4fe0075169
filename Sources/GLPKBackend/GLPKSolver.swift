// SPDX-License-Identifier: GPL-3.0-or-later
import CGLPK
import LinearModel

/// A `LinearModel` loaded into one GLPK problem object.
///
/// Ownership: the solver creates the `glp_prob` and `deinit` deletes it. GLPK
/// objects are bound to the thread that made them (Debian's build is
/// thread-local), so create, solve and drop a solver inside one synchronous
/// call on one thread; the type is deliberately not `Sendable`.
///
/// GLPK calls `abort()` on misuse, so everything handed to it is checked here
/// first: finite numbers, row indices in range, no duplicate entries in a
/// column, names of at most 255 bytes made of characters the LP format
/// accepts, integer bounds rounded inwards, and a warm start checked against
/// the model before it is offered (GLPK accepts infeasible ones unchecked).
public final class GLPKSolver {
    private let problem: OpaquePointer
    /// The model as it stands inside GLPK.
    public private(set) var model: LinearModel
    private var lpIsCurrent = false

    public init(model: LinearModel) {
        glp_term_out(GLP_OFF)
        problem = glp_create_prob()
        self.model = LinearModel(name: model.name, sense: model.sense)
        glp_set_prob_name(problem, GLPKNames.sanitized(model.name, fallback: "model"))
        glp_set_obj_dir(problem, model.sense == .maximize ? GLP_MAX : GLP_MIN)
        load(model)
    }

    deinit { glp_delete_prob(problem) }

    /// Memory blocks that GLPK holds on this thread (every live GLPK object has some).
    public static var threadMemoryBlocks: Int {
        var count: Int32 = 0
        glp_mem_usage(&count, nil, nil, nil)
        return Int(count)
    }

    /// Frees this thread's GLPK environment if no GLPK object is left on the
    /// thread. GLPK keeps one per thread (about 5 KB, measured) and never
    /// frees it when the thread ends; `glp_free_env` would destroy any object
    /// still alive, hence the check. A later GLPK call on the thread makes a
    /// new environment. Returns whether it was freed.
    @discardableResult
    public static func releaseThreadEnvironment() -> Bool {
        guard threadMemoryBlocks == 0 else { return false }
        glp_free_env()
        return true
    }

    /// Loads the rows and columns of `source` into the (empty) GLPK object.
    private func load(_ source: LinearModel) {
        if source.objectiveConstant != 0 {
            precondition(source.objectiveConstant.isFinite)
            glp_set_obj_coef(problem, 0, source.objectiveConstant)
            model.objectiveConstant = source.objectiveConstant
        }
        for row in source.constraints {
            let id = model.addConstraint(name: row.name, lower: row.lower, upper: row.upper)
            let index = glp_add_rows(problem, 1)
            precondition(Int(index) == id.index + 1)
            glp_set_row_name(problem, index, GLPKNames.sanitized(row.name, fallback: "r\(index)"))
            setRowBounds(index, row)
        }
        addVariables(source.variables)
    }

    // MARK: Edits in place
    //
    // These change the loaded model and GLPK together, without keeping a
    // second copy of the model anywhere (a caller that edits its own copy and
    // calls `synchronize` pays for a full copy of the model on every edit).

    /// Adds columns; their entries may only name existing rows.
    @discardableResult
    public func addVariables(_ variables: [LinearModel.Variable]) -> [VariableID] {
        guard !variables.isEmpty else { return [] }
        let first = glp_add_cols(problem, Int32(variables.count))
        var ids: [VariableID] = []
        ids.reserveCapacity(variables.count)
        for (offset, variable) in variables.enumerated() {
            let index = first + Int32(offset)
            glp_set_col_name(problem, index, GLPKNames.sanitized(variable.name, fallback: "x\(index)"))
            setColumnBounds(index, variable)
            glp_set_obj_coef(problem, index, variable.objective)
            var seen = Set<Int>()
            var indices: [Int32] = [0], values: [Double] = [0]
            for entry in variable.column {
                precondition(entry.row.index >= 0 && entry.row.index < model.constraints.count, "row out of range in \(variable.name)")
                precondition(seen.insert(entry.row.index).inserted, "duplicate row in \(variable.name)")
                precondition(entry.coefficient.isFinite, "non-finite coefficient in \(variable.name)")
                indices.append(Int32(entry.row.index + 1))
                values.append(entry.coefficient)
            }
            glp_set_mat_col(problem, index, Int32(indices.count - 1), indices, values)
            ids.append(model.append(variable))
        }
        lpIsCurrent = false
        return ids
    }

    /// Adds a row with entries in existing columns (a cut).
    @discardableResult
    public func addConstraint(name: String, lower: Double = -.infinity, upper: Double = .infinity,
                              terms: [(VariableID, Double)]) -> ConstraintID {
        let row = model.addConstraint(name: name, lower: lower, upper: upper, terms: terms)
        let index = glp_add_rows(problem, 1)
        glp_set_row_name(problem, index, GLPKNames.sanitized(name, fallback: "r\(index)"))
        setRowBounds(index, model.constraints[row.index])
        if !terms.isEmpty {
            var seen = Set<Int>()
            for (variable, _) in terms { precondition(seen.insert(variable.index).inserted, "duplicate entry in row \(name)") }
            glp_set_mat_row(problem, index, Int32(terms.count),
                            [0] + terms.map { Int32($0.0.index + 1) }, [0] + terms.map(\.1))
        }
        lpIsCurrent = false
        return row
    }

    public func setBounds(of variable: VariableID, lower: Double, upper: Double) {
        model.setBounds(of: variable, lower: lower, upper: upper)
        setColumnBounds(Int32(variable.index + 1), model.variables[variable.index])
        lpIsCurrent = false
    }

    public func setBounds(of row: ConstraintID, lower: Double, upper: Double) {
        model.setBounds(of: row, lower: lower, upper: upper)
        setRowBounds(Int32(row.index + 1), model.constraints[row.index])
        lpIsCurrent = false
    }

    public func setObjective(of variable: VariableID, to value: Double) {
        model.setObjective(of: variable, to: value)
        glp_set_obj_coef(problem, Int32(variable.index + 1), value)
        lpIsCurrent = false
    }

    private func setRowBounds(_ index: Int32, _ row: LinearModel.Constraint) {
        let (kind, lower, upper) = GLPKSolver.boundType(row.lower, row.upper)
        glp_set_row_bnds(problem, index, kind, lower, upper)
    }

    private func setColumnBounds(_ index: Int32, _ variable: LinearModel.Variable) {
        var lower = variable.lower, upper = variable.upper
        if variable.isInteger {
            // A fractional bound on an integer column makes glp_intopt fail.
            lower = lower.isFinite ? lower.rounded(.up) : lower
            upper = upper.isFinite ? upper.rounded(.down) : upper
            precondition(lower <= upper, "integer column \(variable.name) has empty bounds")
        }
        glp_set_col_kind(problem, index, variable.isInteger ? GLP_IV : GLP_CV)
        let (kind, low, high) = GLPKSolver.boundType(lower, upper)
        glp_set_col_bnds(problem, index, kind, low, high)
    }

    static func boundType(_ lower: Double, _ upper: Double) -> (Int32, Double, Double) {
        precondition(!lower.isNaN && !upper.isNaN && lower <= upper)
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return (GLP_FR, 0, 0)
        case (true, false): return (GLP_LO, lower, 0)
        case (false, true): return (GLP_UP, 0, upper)
        case (true, true): return lower == upper ? (GLP_FX, lower, upper) : (GLP_DB, lower, upper)
        }
    }

    // MARK: LP

    /// A simplex basis: the status of every row and column (GLPK's codes).
    public struct Basis: Sendable {
        var rows: [Int8]
        var columns: [Int8]

        /// Whether variable `column` (0-based) is basic.
        public func isBasic(column: Int) -> Bool { columns[column] == Int8(GLP_BS) }

        /// Whether row `row`'s auxiliary variable (0-based) is basic: the row is slack.
        public func isBasic(row: Int) -> Bool { rows[row] == Int8(GLP_BS) }

        /// The same basis over some of the rows and variables (0-based, in the
        /// copy's order); still a basis when every basic variable kept is
        /// matched by a row kept, as when the rows dropped are slack (their
        /// own auxiliary variables basic) and the variables dropped non-basic.
        public func keeping(rows keptRows: [Int], columns kept: [Int]) -> Basis {
            Basis(rows: keptRows.map { rows[$0] }, columns: kept.map { columns[$0] })
        }
    }

    /// The current basis, to restart a later solve from (e.g. a child node from its parent's).
    public func basis() -> Basis {
        let m = model.constraints.count, n = model.variables.count
        return Basis(rows: (0..<m).map { Int8(glp_get_row_stat(problem, Int32($0 + 1))) },
                     columns: (0..<n).map { Int8(glp_get_col_stat(problem, Int32($0 + 1))) })
    }

    /// Restores a basis saved by `basis()`. Columns added since are made
    /// non-basic (so the basis keeps one basic variable per row); a
    /// status that no longer fits a changed bound is corrected by GLPK.
    /// Ignored when rows were added since (the saved basis would be short).
    public func setBasis(_ basis: Basis) {
        guard basis.rows.count == model.constraints.count, basis.columns.count <= model.variables.count else { return }
        for (i, stat) in basis.rows.enumerated() { glp_set_row_stat(problem, Int32(i + 1), Int32(stat)) }
        for (j, stat) in basis.columns.enumerated() { glp_set_col_stat(problem, Int32(j + 1), Int32(stat)) }
        for j in basis.columns.count..<model.variables.count { glp_set_col_stat(problem, Int32(j + 1), GLP_NL) }
        lpIsCurrent = false
    }

    /// Simplex iterations so far, over every solve of this problem.
    public var simplexIterations: Int { Int(glp_get_it_cnt(problem)) }

    /// Solves the LP relaxation from the last basis: by default the dual
    /// simplex (right after bound changes, e.g. branching, the basis stays
    /// dual feasible); `primal` for the primal simplex (right after columns
    /// were added, the basis stays primal feasible). `iterationLimit` stops
    /// it after that many simplex iterations (`.timeLimit`).
    public func solveRelaxation(timeLimit: Double? = nil, primal: Bool = false, iterationLimit: Int? = nil) -> LPResult {
        let start = ContinuousClock.now

        var parameters = glp_smcp()
        glp_init_smcp(&parameters)
        parameters.msg_lev = GLP_MSG_OFF
        parameters.presolve = GLP_OFF
        // GLP_DUALP falls back to the primal simplex when the basis is not dual feasible.
        parameters.meth = primal ? GLP_PRIMAL : GLP_DUALP
        if let timeLimit { parameters.tm_lim = GLPKSolver.milliseconds(timeLimit) }
        if let iterationLimit { parameters.it_lim = Int32(clamping: max(1, iterationLimit)) }
        var code = glp_simplex(problem, &parameters)
        if code == GLP_EFAIL || code == GLP_ESING || code == GLP_ECOND || code == GLP_EBADB {
            // A singular or ill-conditioned basis: restart from an advanced basis once.
            glp_adv_basis(problem, 0)
            if let timeLimit {
                let spent = GLPKSolver.seconds(since: start)
                parameters.tm_lim = GLPKSolver.milliseconds(max(0.001, timeLimit - spent))
            }
            code = glp_simplex(problem, &parameters)
        }
        let termination: Termination
        switch code {
        case 0:
            switch glp_get_status(problem) {
            case GLP_OPT: termination = .optimal
            case GLP_NOFEAS: termination = .infeasible
            case GLP_UNBND: termination = .unbounded
            default: termination = .failed
            }
        case GLP_ETMLIM, GLP_EITLIM: termination = .timeLimit
        default: termination = .failed
        }
        lpIsCurrent = termination == .optimal
        let columns = model.variables.count, rows = model.constraints.count
        var primal = [Double](repeating: 0, count: columns)
        var duals = [Double](repeating: 0, count: rows)
        if termination == .optimal {
            for j in 0..<columns { primal[j] = glp_get_col_prim(problem, Int32(j + 1)) }
            for i in 0..<rows { duals[i] = glp_get_row_dual(problem, Int32(i + 1)) }
        }
        return LPResult(
            termination: termination,
            objective: termination == .optimal ? glp_get_obj_val(problem) : .nan,
            primal: primal, duals: duals)
    }

    // MARK: MIP

    /// The rows of GLPK's problem object now (the model's, outside a search).
    var problemRowCount: Int { Int(glp_get_num_rows(problem)) }

    /// GLPK's mixed-integer rounding cuts for the LP's optimum, at the root
    /// only (`MIPParameters.roundingCuts`): up to `rounds` rounds, each
    /// adding GLPK's cuts as rows and solving the LP again (the new rows
    /// basic, so the dual simplex goes on from the optimal basis). Returns
    /// the rows added (1-based), which the caller deletes after the search;
    /// none if the LP was not optimal, or if it failed with the cuts (they
    /// go again, `saved` is put back and the LP solved again). Cuts
    /// with a coefficient or bound that is not finite are skipped.
    ///
    /// GLPK's own `mir_cuts` generate them at the root and after each
    /// backtracking step, which with best-bound search is nearly every node.
    /// Generated 317 x 4 at `--time-limit 900` (2026-12-02, one run each,
    /// clique cuts on in both): with GLPK's `mir_cuts` legal settled at
    /// 155.8 s instead of 321.0 s, but back office only at 328.9 s instead of
    /// 97.3 s; with these at the root only, 153.2 s and 531.7 s. Clique cuts
    /// off (below), 193.1 s and 92.6 s.
    private func addRoundingCuts(restoring saved: Basis, rounds: Int = 3) -> [Int32] {
        guard glp_get_status(problem) == GLP_OPT else { return [] }
        let n = glp_get_num_cols(problem)
        guard n > 0, let pool = glp_create_prob() else { return [] }
        defer { glp_delete_prob(pool) }
        glp_add_cols(pool, n)
        var index = [Int32](repeating: 0, count: Int(n) + 1), value = [Double](repeating: 0, count: Int(n) + 1)
        var added: [Int32] = []
        var simplex = glp_smcp()
        glp_init_smcp(&simplex)
        simplex.msg_lev = GLP_MSG_OFF
        simplex.presolve = GLP_OFF
        simplex.meth = GLP_DUALP
        for _ in 0..<rounds {
            guard let generator = glp_mir_init(problem) else { break }
            _ = glp_mir_gen(problem, generator, pool)
            glp_mir_free(generator)
            let count = glp_get_num_rows(pool)
            if count == 0 { break }
            for i in 1...count {
                let length = glp_get_mat_row(pool, i, &index, &value)
                let type = glp_get_row_type(pool, i), lower = glp_get_row_lb(pool, i), upper = glp_get_row_ub(pool, i)
                guard length > 0, (1...Int(length)).allSatisfy({ value[$0].isFinite }), lower.isFinite, upper.isFinite,
                      type == GLP_LO || type == GLP_UP else { continue }
                let row = glp_add_rows(problem, 1)
                glp_set_mat_row(problem, row, length, index, value)
                glp_set_row_bnds(problem, row, type, lower, upper)
                added.append(row)
            }
            glp_del_rows(pool, count, [0] + Array(1...count))
            if glp_simplex(problem, &simplex) != 0 || glp_get_status(problem) != GLP_OPT {
                // Back to the LP without them, optimal again (GLPK's search needs it).
                if !added.isEmpty { glp_del_rows(problem, Int32(added.count), [0] + added) }
                setBasis(saved)
                _ = solveRelaxation()
                return []
            }
        }
        return added
    }

    /// Solves the model with GLPK's branch-and-cut (presolve off, so that a
    /// warm start keeps its column numbering). The warm start, if any, is
    /// checked against the model first and offered to GLPK only if feasible.
    public func solve(_ parameters: MIPParameters) -> MIPResult {
        let start = ContinuousClock.now
        if !lpIsCurrent {
            let lp = solveRelaxation(timeLimit: parameters.timeLimit)
            switch lp.termination {
            case .optimal: break
            case .infeasible:
                return MIPResult(termination: .infeasible, solution: nil, objective: nil,
                                 bound: nil, nodes: 0, seconds: GLPKSolver.seconds(since: start))
            default:
                return MIPResult(termination: lp.termination, solution: nil, objective: nil,
                                 bound: nil, nodes: 0, seconds: GLPKSolver.seconds(since: start))
            }
        }
        let context = CallbackContext(parameters: parameters, sense: model.sense, columns: model.variables.count)
        if !parameters.backendBranching { context.tableau = TableauRows(model) }
        if let warm = parameters.warmStart, model.violation(of: warm) == nil {
            context.warmStart = [0] + warm.map { $0.rounded() == $0 ? $0 : $0.rounded() }
        }
        var control = glp_iocp()
        glp_init_iocp(&control)
        control.msg_lev = GLP_MSG_OFF
        control.presolve = GLP_OFF
        control.mip_gap = max(0, parameters.relativeGap)
        // GLPK's clique cuts need 0-1 variables, which `integersAreBinary` makes
        // of a group master's columns (before it they found nothing there); on
        // generated 317 x 4 they cost more than they gave (`addRoundingCuts`).
        control.clq_cuts = parameters.integersAreBinary ? GLP_OFF : GLP_ON
        if let limit = parameters.timeLimit {
            control.tm_lim = GLPKSolver.milliseconds(max(0.001, limit - GLPKSolver.seconds(since: start)))
        }
        control.br_tech = GLP_BR_DTH
        control.bt_tech = GLP_BT_BLB
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        control.cb_info = unmanaged.toOpaque()
        control.cb_func = { tree, info in
            guard let tree, let info else { return }
            let context = Unmanaged<CallbackContext>.fromOpaque(info).takeUnretainedValue()
            context.handle(tree)
        }
        // The bound 1 for the search only (`MIPParameters.integersAreBinary`):
        // it does not bind at the LP's optimum, which stays optimal, and the
        // columns get their own bounds back after.
        var bounded: [Int32] = []
        if parameters.integersAreBinary {
            for j in stride(from: Int32(1), through: Int32(model.variables.count), by: 1) where glp_get_col_kind(problem, j) == GLP_IV
                && glp_get_col_type(problem, j) == GLP_LO && glp_get_col_lb(problem, j) == 0 {
                glp_set_col_bnds(problem, j, GLP_DB, 0, 1)
                bounded.append(j)
            }
        }
        var roundingRows: [Int32] = []
        let saved = parameters.roundingCuts && !bounded.isEmpty ? basis() : nil
        if let saved { roundingRows = addRoundingCuts(restoring: saved) }
        if parameters.donateWhen != nil && parameters.onDonate != nil { context.recordBounds(problem) }
        let code = glp_intopt(problem, &control)
        let seconds = GLPKSolver.seconds(since: start)
        let status = glp_mip_status(problem)
        let hasIncumbent = status == GLP_OPT || status == GLP_FEAS
        var solution: [Double]?
        var objective: Double?
        if hasIncumbent {
            var values = [Double](repeating: 0, count: model.variables.count)
            for j in values.indices { values[j] = glp_mip_col_val(problem, Int32(j + 1)) }
            solution = values
            objective = glp_mip_obj_val(problem)
        }
        // The model's rows, bounds and basis again, once the search's answer is read.
        if !roundingRows.isEmpty {
            glp_del_rows(problem, Int32(roundingRows.count), [0] + roundingRows)
            if let saved { setBasis(saved) }
        }
        if !bounded.isEmpty {
            for j in bounded { glp_set_col_bnds(problem, j, GLP_LO, 0, 0) }
            lpIsCurrent = false
        }
        let termination: Termination
        var bound = context.bestBound
        switch code {
        case 0:
            switch status {
            case GLP_OPT: termination = .optimal; bound = objective
            case GLP_NOFEAS: termination = .infeasible; bound = nil
            default: termination = .failed
            }
        case GLP_EMIPGAP: termination = .optimal
        case GLP_ENOPFS: termination = .infeasible; bound = nil
        case GLP_ETMLIM: termination = .timeLimit
        case GLP_ESTOP: termination = .interrupted
        default: termination = .failed
        }
        if let value = objective, let current = bound {
            // The bound can never be worse than the incumbent itself.
            bound = model.sense == .maximize ? max(current, value) : min(current, value)
        }
        return MIPResult(
            termination: termination, solution: solution, objective: objective, bound: bound,
            nodes: context.nodes, seconds: seconds)
    }

    // MARK: Files

    public enum FileFormat { case cplexLP, freeMPS }

    /// Writes the model; returns false when GLPK could not write the file.
    ///
    /// MPS has no objective sense: GLPK's own reader (`glpsol --freemps`)
    /// and most others minimise. GLPK's writer drops the sense silently and
    /// its reader rejects an `OBJSENSE` section, so a maximisation model is
    /// written as the minimisation of its negated objective (GLPK always
    /// names the objective row `R0000000` in MPS). The CPLEX LP format
    /// states the sense and is written as is.
    public func write(_ format: FileFormat, to path: String) -> Bool {
        switch format {
        case .cplexLP:
            return glp_write_lp(problem, nil, path) == 0
        case .freeMPS:
            guard model.sense == .maximize else { return glp_write_mps(problem, GLP_MPS_FILE, nil, path) == 0 }
            let copy = glp_create_prob()
            defer { glp_delete_prob(copy) }
            glp_copy_prob(copy, problem, GLP_ON)
            glp_set_obj_dir(copy, GLP_MIN)
            // Column 0 is the objective's constant term.
            for column in 0...glp_get_num_cols(copy) { glp_set_obj_coef(copy, column, -glp_get_obj_coef(copy, column)) }
            return glp_write_mps(copy, GLP_MPS_FILE, nil, path) == 0
        }
    }

    // MARK: Helpers

    /// How many cuts to offer per round at a node: 10, which is what
    /// GLPK 5.0 adds at most below its root (`max_cuts` of
    /// `ios_process_cuts`). At its root GLPK would add up to 90, but those
    /// rows stay in the LP of every node after. Measured (2026-12-01,
    /// generated 317 x 4 at 60 s, a throwaway switch): bounds £1,101,772k
    /// to £1,101,790k over seven runs with 10 at the root, £1,101,776k to
    /// £1,101,805k over three with 90, £1,101,775k and £1,101,805k with 30;
    /// the build before, which offered every cut found (up to 200 a round),
    /// £1,101,783k to £1,101,795k over five.
    static let cutLimit = 10

    static func milliseconds(_ seconds: Double) -> Int32 {
        let value = (seconds * 1000).rounded(.up)
        if !(value >= 1) { return 1 }
        return value >= Double(Int32.max) ? Int32.max : Int32(value)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

/// State shared with GLPK's branch-and-cut callback.
private final class CallbackContext {
    let parameters: MIPParameters
    let sense: LinearModel.Sense
    var warmStart: [Double]?
    var injected = false
    var bestBound: Double?
    var nodes = 0
    var lastReport = ContinuousClock.now
    let columns: Int
    var reportedObjective: Double?
    /// The ratio tests for branching (`chooseBranch`); nil: GLPK's own rule.
    var tableau: TableauRows?
    /// The node that `cutSeparator` was last called at, and how many times
    /// (a node that GLPK goes on with after pruning one of its branches
    /// keeps its count: it gets no more rounds).
    var separatedNode: Int32 = 0
    var separatedRounds = 0
    /// Every column's bounds at the start of the search (`donate`).
    var baseLower: [Double] = [], baseUpper: [Double] = []
    /// Nodes given away (`MIPParameters.onDonate`).
    var donated = 0

    init(parameters: MIPParameters, sense: LinearModel.Sense, columns: Int) {
        self.parameters = parameters
        self.sense = sense
        self.columns = columns
    }

    func handle(_ tree: OpaquePointer) {
        let reason = glp_ios_reason(tree)
        if reason == GLP_IBRANCH, let tableau {
            chooseBranch(tree, tableau: tableau, candidates: parameters.branchingCandidates.map { max(1, $0) })
        }
        if reason == GLP_ICUTGEN, donate(tree) {
            donated += 1
        } else if reason == GLP_ICUTGEN, let separator = parameters.cutSeparator {
            addCuts(tree, separator)
        }
        if reason == GLP_IHEUR, !injected, let warmStart {
            injected = true
            _ = glp_ios_heur_sol(tree, warmStart)
        }
        if let onIncumbent = parameters.onIncumbent {
            // GLPK keeps its incumbent in the problem object (presolve is off, so
            // its columns are the model's). An integral LP at a node is announced
            // (GLP_IBINGO), a heuristic's plan is not: look at every call.
            let prob = glp_ios_get_prob(tree)
            let status = glp_mip_status(prob)
            if status == GLP_FEAS || status == GLP_OPT {
                let objective = glp_mip_obj_val(prob)
                if reportedObjective.map({ sense == .maximize ? objective > $0 : objective < $0 }) ?? true {
                    reportedObjective = objective
                    var values = [Double](repeating: 0, count: columns)
                    for j in values.indices { values[j] = glp_mip_col_val(prob, Int32(j + 1)) }
                    onIncumbent(values)
                }
            }
        }
        let best = glp_ios_best_node(tree)
        if best != 0 { bestBound = glp_ios_node_bound(tree, best) }
        var active: Int32 = 0, total: Int32 = 0, all: Int32 = 0
        glp_ios_tree_size(tree, &active, &total, &all)
        nodes = Int(all)
        if parameters.shouldStop?() == true {
            glp_ios_terminate(tree)
            return
        }
        if let bound = bestBound, let value = parameters.cutoff?(),
           sense == .maximize ? bound <= value : bound >= value {
            glp_ios_terminate(tree)
            return
        }
        if let stopAtGap = parameters.stopAtGap, let bound = bestBound {
            let prob = glp_ios_get_prob(tree)
            let status = glp_mip_status(prob)
            if (status == GLP_FEAS || status == GLP_OPT) && stopAtGap(glp_mip_obj_val(prob), bound) {
                glp_ios_terminate(tree)
                return
            }
        }
        if let progress = parameters.progress, ContinuousClock.now - lastReport > .milliseconds(500) {
            lastReport = ContinuousClock.now
            let prob = glp_ios_get_prob(tree)
            let status = glp_mip_status(prob)
            let incumbent: Double? = (status == GLP_FEAS || status == GLP_OPT) ? glp_mip_obj_val(prob) : nil
            progress(incumbent, bestBound)
        }
    }
}

extension CallbackContext {
    func recordBounds(_ prob: OpaquePointer) {
        baseLower = (0..<columns).map { glp_get_col_lb(prob, Int32($0 + 1)) }
        baseUpper = (0..<columns).map { glp_get_col_ub(prob, Int32($0 + 1)) }
    }

    /// Gives the current node away when `MIPParameters.donateWhen` asks
    /// (below the root, its LP optimal): `onDonate` gets its LP bound and
    /// the column bounds that differ from those at the start, and the node
    /// is dropped by a row that no solution meets (`x_j ≥ u_j + 1` for a
    /// column with a finite upper bound `u_j`). GLPK allows the row here
    /// (`GLP_ICUTGEN`: it belongs to the node's level), solves the node's LP
    /// again, finds it infeasible and prunes the node, as it prunes an
    /// infeasible branch. True when the node was given away.
    func donate(_ tree: OpaquePointer) -> Bool {
        guard let donateWhen = parameters.donateWhen, let onDonate = parameters.onDonate,
              baseLower.count == columns, columns > 0,
              let prob = glp_ios_get_prob(tree), glp_get_status(prob) == GLP_OPT,
              Int(glp_get_num_cols(prob)) == columns else { return false }
        let node = glp_ios_curr_node(tree)
        guard node != 0, glp_ios_node_level(tree, node) >= 1, donateWhen() else { return false }
        var bounds: [VariableBound] = []
        var kill: Int32 = 0
        for j in 0..<columns {
            let column = Int32(j + 1)
            let lower = glp_get_col_lb(prob, column), upper = glp_get_col_ub(prob, column)
            if lower != baseLower[j] || upper != baseUpper[j] {
                // (GLPK reports a missing bound as ∓DBL_MAX.)
                bounds.append(VariableBound(variable: j, lower: lower <= -Double.greatestFiniteMagnitude ? -.infinity : lower,
                                            upper: upper >= Double.greatestFiniteMagnitude ? .infinity : upper))
            }
            let type = glp_get_col_type(prob, column)
            if kill == 0 && (type == GLP_DB || type == GLP_FX) && abs(upper) < 1e9 { kill = column }
        }
        guard kill != 0 else { return false }
        let value = glp_get_obj_val(prob), local = glp_ios_node_bound(tree, node)
        onDonate(sense == .maximize ? min(value, local) : max(value, local), bounds)
        let row = glp_add_rows(prob, 1)
        let index: [Int32] = [0, kill], coefficient: [Double] = [0, 1]
        glp_set_mat_row(prob, row, 1, index, coefficient)
        glp_set_row_bnds(prob, row, GLP_LO, glp_get_col_ub(prob, kill) + 1, 0)
        // The new row is basic: the basis is the old one bordered by an identity.
        _ = glp_factorize(prob)
        return true
    }

    /// Adds the cuts of `separator` for the current node's LP, chosen as
    /// GLPK chooses among the cuts offered to its pool (`ios_process_cuts`).
    /// Each is checked first, since GLPK aborts on a bad one: variables of
    /// the model, each once, finite coefficients and right side; a cut that
    /// is not so is dropped.
    ///
    /// At most `cutLimit` cuts are taken per round. GLPK ranks every cut in
    /// its pool by its estimate of the objective's change in one dual
    /// simplex step (then by violation over norm), skips those that promise
    /// neither, and those within a cosine of 0.9 of a better one taken, and
    /// adds at most ten below its root (90 at it). Its estimate builds a
    /// tableau row through the API for each cut (`glp_transform_row`, a walk
    /// of every column's list), which took a fifth of the branch-and-cut's
    /// time over generated 317 x 4's back office pool (`perf`, 2026-12-02).
    /// So, when the branching's flat copy of the matrix is at hand
    /// (`tableau`), the same estimate is made over it
    /// (`TableauRows.cutEstimate`), the same choice follows, and the rows
    /// are added to the node's problem directly, as GLPK adds those of its
    /// pool (GLPK allows this at `GLP_ICUTGEN`: the rows belong to the
    /// node's level, and GLPK solves the node's LP again). The basis is
    /// refactorized after, as GLPK's own cuts (its clique cuts, evaluated
    /// next) need a factorization. Adding every cut offered without the
    /// choice was measured worse (317 x 4's back office at 60 s: a gap of
    /// 0.0055% against 0.0038-0.0041%). Without `tableau`, the cuts go
    /// to GLPK's pool (`glp_ios_add_row`).
    func addCuts(_ tree: OpaquePointer, _ separator: @Sendable ([Double], Int, Int) -> [CutRow]) {
        guard let prob = glp_ios_get_prob(tree), glp_get_status(prob) == GLP_OPT,
              Int(glp_get_num_cols(prob)) == columns, columns > 0 else { return }
        let node = glp_ios_curr_node(tree)
        if node == separatedNode { separatedRounds += 1 } else { separatedNode = node; separatedRounds = 0 }
        var values = [Double](repeating: 0, count: columns)
        for j in values.indices { values[j] = glp_get_col_prim(prob, Int32(j + 1)) }
        var seen = [Bool](repeating: false, count: columns)
        // The valid cuts, 1-based as GLPK takes them.
        var cuts: [(index: [Int32], value: [Double], length: Int, upper: Double)] = []
        for cut in separator(values, separatedRounds, GLPKSolver.cutLimit).prefix(GLPKSolver.cutLimit) {
            guard cut.variables.count == cut.coefficients.count, cut.upper.isFinite else { continue }
            var valid = true
            var index: [Int32] = [0], value: [Double] = [0]
            for (j, a) in zip(cut.variables, cut.coefficients) {
                guard j >= 0, j < columns, !seen[j], a.isFinite else { valid = false; break }
                seen[j] = true
                if a != 0 { index.append(Int32(j + 1)); value.append(a) }
            }
            for j in cut.variables where j >= 0 && j < columns { seen[j] = false }
            guard valid, index.count > 1 else { continue }
            cuts.append((index, value, index.count - 1, cut.upper))
        }
        guard !cuts.isEmpty else { return }
        var estimates: [(cut: Int, efficacy: Double, degradation: Double)] = []
        if let tableau, glp_bf_exists(prob) != 0, tableau.readBasis(prob) {
            for (c, cut) in cuts.enumerated() {
                guard let estimate = tableau.cutEstimate(prob, x: values, index: cut.index, value: cut.value,
                                                         length: cut.length, upper: cut.upper) else { estimates = []; break }
                #if DEBUG
                TableauRows.auditCut(prob, index: cut.index, value: cut.value, length: cut.length, upper: cut.upper,
                                     estimate: estimate, rows: tableau.rows)
                #endif
                estimates.append((c, estimate.efficacy, estimate.degradation))
            }
        }
        guard estimates.count == cuts.count else {
            for cut in cuts {
                _ = glp_ios_add_row(tree, nil, 101, 0, Int32(cut.length), cut.index, cut.value, GLP_UP, cut.upper)
            }
            return
        }
        estimates.sort { a, b in
            if a.degradation == 0 && b.degradation == 0 {
                if a.efficacy != b.efficacy { return a.efficacy > b.efficacy }
            } else if a.degradation != b.degradation {
                return a.degradation > b.degradation
            }
            return a.cut < b.cut
        }
        let most = glp_ios_node_level(tree, node) == 0 ? 90 : 10
        var work = [Double](repeating: 0, count: columns + 1)
        var chosen: [Int] = []
        for estimate in estimates.prefix(most) where estimate.degradation >= 0.01 || estimate.efficacy >= 0.01 {
            let cut = cuts[estimate.cut]
            var norm = 0.0
            for t in 1...cut.length { work[Int(cut.index[t])] = cut.value[t]; norm += cut.value[t] * cut.value[t] }
            let parallel = chosen.contains { other in
                let o = cuts[other]
                var dot = 0.0, otherNorm = 0.0
                for t in 1...o.length { dot += work[Int(o.index[t])] * o.value[t]; otherNorm += o.value[t] * o.value[t] }
                return dot / max(norm.squareRoot() * otherNorm.squareRoot(), Double.ulpOfOne * Double.ulpOfOne) > 0.9
            }
            for t in 1...cut.length { work[Int(cut.index[t])] = 0 }
            if !parallel { chosen.append(estimate.cut) }
        }
        guard !chosen.isEmpty else { return }
        let first = glp_add_rows(prob, Int32(chosen.count))
        for (offset, c) in chosen.enumerated() {
            let row = first + Int32(offset)
            glp_set_mat_row(prob, row, Int32(cuts[c].length), cuts[c].index, cuts[c].value)
            glp_set_row_bnds(prob, row, GLP_UP, 0, cuts[c].upper)
        }
        if glp_factorize(prob) != 0 {
            // Not expected (the new rows are basic, so the basis is the old
            // one bordered by an identity); if so, the rows go, and the old
            // basis, which GLPK had factorized, is factorized again.
            let rows = (0..<Int32(chosen.count)).map { first + $0 }
            glp_del_rows(prob, Int32(rows.count), [0] + rows)
            _ = glp_factorize(prob)
        }
    }

    /// Driebeek and Tomlin's branching rule, with the ratio tests of
    /// `TableauRows` (GLPK's own values, computed faster).
    ///
    /// With no `limit` it is GLPK's `GLP_BR_DTH` step for step: every
    /// variable that GLPK may branch on, in column order, each scored by the
    /// objective's change in one dual simplex step after its new bound
    /// (with Tomlin's rounding of an integer entering variable's step); the
    /// one with the largest change in either branch wins (the first on
    /// ties), the branch with the smaller change is solved first, a branch
    /// without a feasible step ends the scan, and when no change reaches
    /// GLPK's threshold the most fractional variable is taken instead. So
    /// the search is GLPK's own, node for node (`BranchingTests`).
    ///
    /// With a `limit`, only the `limit` most fractional basic variables are
    /// scored (and there is no fallback). Every call is one that GLPK allows
    /// at this point (an optimal LP with its factorization, a basic
    /// candidate that it may branch on), so none can make it abort; when the
    /// problem is not the one `tableau` was built from, GLPK chooses.
    func chooseBranch(_ tree: OpaquePointer, tableau: TableauRows, candidates limit: Int?) {
        guard let prob = glp_ios_get_prob(tree), glp_get_status(prob) == GLP_OPT, glp_bf_exists(prob) != 0 else { return }
        let m = glp_get_num_rows(prob), n = glp_get_num_cols(prob)
        guard n > 0 else { return }
        var pool: [(j: Int32, fraction: Double, x: Double)] = []
        if let limit {
            for j in 1...n where glp_ios_can_branch(tree, j) != 0 && glp_get_col_stat(prob, j) == GLP_BS {
                let x = glp_get_col_prim(prob, j)
                pool.append((j, min(x - x.rounded(.down), x.rounded(.up) - x), x))
            }
            pool.sort { $0.fraction != $1.fraction ? $0.fraction > $1.fraction : $0.j < $1.j }
            pool = Array(pool.prefix(limit))
        } else {
            for j in 1...n where glp_ios_can_branch(tree, j) != 0 {
                let x = glp_get_col_prim(prob, j)
                pool.append((j, min(x - x.rounded(.down), x.rounded(.up) - x), x))
            }
        }
        if pool.isEmpty || !tableau.readBasis(prob) { return }
        let maximize = glp_get_obj_dir(prob) == GLP_MAX
        var chosen: Int32 = 0, next = GLP_NO_BRNCH, degradation = -1.0
        candidates: for candidate in pool {
            // The entering variable of the dual ratio test in each direction.
            guard let pivots = tableau.ratioTests(prob, column: candidate.j, eps: 1e-9) else { return }
            #if DEBUG
            TableauRows.audit(prob, column: candidate.j, rows: tableau.rows, pivots: pivots)
            #endif
            var change = [0.0, 0.0]
            for (slot, direction) in [Int32(-1), Int32(1)].enumerated() {
                guard let pivot = pivots[slot] else { change[slot] = .greatestFiniteMagnitude; continue }
                let k = pivot.k
                let alpha = pivot.alpha
                let deltaJ = (direction < 0 ? candidate.x.rounded(.down) : candidate.x.rounded(.up)) - candidate.x
                var deltaK = deltaJ / alpha
                if k > m && glp_get_col_kind(prob, k - m) != GLP_CV && abs(deltaK - (deltaK + 0.5).rounded(.down)) > 1e-3 {
                    deltaK = deltaK > 0 ? deltaK.rounded(.up) : deltaK.rounded(.down)
                }
                let stat = k <= m ? glp_get_row_stat(prob, k) : glp_get_col_stat(prob, k - m)
                var dual = k <= m ? glp_get_row_dual(prob, k) : glp_get_col_dual(prob, k - m)
                if stat == GLP_NF || (maximize ? (stat == GLP_NL && dual > 0) || (stat == GLP_NU && dual < 0)
                                             : (stat == GLP_NL && dual < 0) || (stat == GLP_NU && dual > 0)) {
                    dual = 0
                }
                change[slot] = abs(dual * deltaK)
            }
            if degradation < change[0] || degradation < change[1] {
                chosen = candidate.j
                if change[0] < change[1] {
                    next = GLP_DN_BRNCH; degradation = change[1]
                } else {
                    next = GLP_UP_BRNCH; degradation = change[0]
                }
                if degradation == .greatestFiniteMagnitude { break candidates }
            }
        }
        if limit == nil && chosen > 0 && degradation < 1e-6 * (1 + 0.001 * abs(glp_get_obj_val(prob))) {
            // GLPK's fallback: the most fractional variable, the first on ties.
            var most = Double.greatestFiniteMagnitude
            for candidate in pool {
                let middle = candidate.x.rounded(.down) + 0.5
                if most > abs(candidate.x - middle) {
                    chosen = candidate.j
                    most = abs(candidate.x - middle)
                    next = candidate.x < middle ? GLP_DN_BRNCH : GLP_UP_BRNCH
                }
            }
        }
        if chosen > 0 { glp_ios_branch_upon(tree, chosen, next) }
    }
}
