// SPDX-License-Identifier: GPL-3.0-or-later
import GLPKBackend
import LinearModel

/// The set-partitioning master over a pool of group columns.
///
///     maximise   Σ_g saving_g · x_g                         (0)
///     subject to Σ_{g ∋ i, g of s} x_g ≤ 1   for each participant i of s   (1) onceEach
///                Σ_{g ∋ i, g of s} x_g = 1   when keep_together binds i  (1')
///                Σ_g x_g ≤ k                 (optional)                    (2) groupLimit
///                Σ_g ⌊Σ_{i∈g∩S} w_i/d⌋ x_g ≤ ⌊Σ_{i∈S} w_i/d⌋   for chosen cuts (3) subsetRow
///                x_g ∈ {0, 1}  (written x_g ≥ 0 integer: rows (1) cap it at 1,
///                and leaving the bound implicit keeps every LP dual on the rows)
///
/// The subset-row cuts (3) (Jepsen, Petersen, Spoorendonk and Pisinger, 2008;
/// see `SubsetRowCut`) are rank-1 Chvátal-Gomory cuts of three to five rows
/// (1): valid for every plan, they remove the LP's favourite fractional
/// patterns (three groups pairwise overlapping, each at 1/2, and their
/// relatives over four and five councils) and so tighten the bound that the
/// exact step uses.
///
/// Rows (1') get an artificial column each, used only in phase 1 (find a
/// feasible LP point: maximise −Σ artificials) and fixed at 0 afterwards.
/// Columns are added as pricing finds them; each member set enters once.
final class GroupMaster {
    let problem: Problem
    let services: [Int]
    /// The model as loaded in GLPK (edited only through the solver, so that
    /// no second copy of it is kept).
    var model: LinearModel { solver.model }
    private let solver: GLPKSolver
    /// Row of (service, council), or nil.
    private var rowOf: [[Int?]]
    private(set) var groupLimitRow: ConstraintID?
    private(set) var artificials: [VariableID] = []
    private(set) var columns: [GroupColumn] = []
    /// Index into `columns` of each member set present.
    private var known: [GroupColumn: Int] = [:]
    var firstGroupVariable: Int { artificials.count }
    private(set) var phase: Phase = .optimise
    /// Subset-row cuts per service and their rows.
    private(set) var cuts: [[(cut: SubsetRowCut, row: ConstraintID)]]
    /// The cuts present, per service.
    private var cutKeys: [Int: Set<SubsetRowCut>] = [:]
    /// Branching decisions in force, per service (empty when none).
    private(set) var rules: [Int: BranchRules] = [:]
    /// Columns fixed at 0 because they break the decisions in force, or are retired.
    private(set) var disabled: [Bool] = []
    /// Columns ruled out for good: no plan better than the incumbent uses them
    /// (reduced-cost fixing, see `BranchAndPrice.enumerateImproving`).
    private(set) var retired: [Bool] = []
    /// True once the pool holds every column that a plan better than the
    /// incumbent can use: pricing has nothing left to find.
    private(set) var isComplete = false
    /// Columns of a complete pool that are not in the LP (yet): when the pool
    /// is large, `BranchAndPrice.enumerateImproving` keeps it here, and
    /// pricing scans it instead of enumerating groups; a column that prices
    /// out moves into the LP. Empty unless the pool is complete.
    var reserve: [GroupColumn] = []
    /// Where the next partial pricing round starts, per service (host position).
    var pricingCursor: [Int: Int] = [:]

    enum Phase { case feasibility, optimise }

    /// Per service, the councils this master covers (a component, a region, or all participants).
    let councilsOf: [Int: [Int]]
    /// Councils outside this master (true), or nil when it covers every participant.
    /// Pricing never uses them, so every group stays inside.
    let outside: [Bool]?

    init(problem: Problem, services: [Int], groupLimit: Int?, councils: [Int]? = nil) {
        self.problem = problem
        self.services = services
        var councilsOf: [Int: [Int]] = [:]
        for service in services {
            let participants = problem.services[service].participants
            councilsOf[service] = councils.map { subset in participants.filter { subset.contains($0) } } ?? participants
        }
        self.councilsOf = councilsOf
        if let councils {
            var mask = [Bool](repeating: true, count: problem.councilCount)
            for council in councils { mask[council] = false }
            outside = mask
        } else {
            outside = nil
        }
        var model = LinearModel(name: problem.name, sense: .maximize)
        rowOf = [[Int?]](repeating: [Int?](repeating: nil, count: problem.councilCount), count: problem.services.count)
        cuts = Array(repeating: [], count: problem.services.count)
        var mustShareRows: [ConstraintID] = []
        for service in services {
            let spec = problem.services[service]
            var bound = Set<Int>()
            for (a, b) in spec.keepTogether { bound.insert(a); bound.insert(b) }
            for council in councilsOf[service]! {
                let mustShare = bound.contains(council)
                let row = model.addConstraint(
                    name: "onceEach_\(spec.id)_\(problem.councils[council].id)",
                    lower: mustShare ? 1 : -.infinity, upper: 1)
                rowOf[service][council] = row.index
                if mustShare { mustShareRows.append(row) }
            }
        }
        if let groupLimit {
            groupLimitRow = model.addConstraint(name: "groupLimit", upper: Double(groupLimit))
        }
        solver = GLPKSolver(model: model)
        // Every council row gets an artificial (branching may oblige any council to
        // share); they are fixed at 0 outside phase 1.
        for service in services {
            for council in councilsOf[service]! { addArtificial(for: ConstraintID(index: rowOf[service][council]!)) }
        }
        hasObligations = !mustShareRows.isEmpty
        baseLower = self.model.constraints.map(\.lower)
    }

    /// Lower bounds of the rows before any branching decision.
    private var baseLower: [Double] = []
    private var artificialRows: Set<Int> = []

    /// An artificial column for a row that must be covered, used in phase 1 only.
    /// Must be called before any group column is added (it keeps artificials first).
    private func addArtificial(for row: ConstraintID) {
        guard artificialRows.insert(row.index).inserted else { return }
        artificials += solver.addVariables([LinearModel.Variable(
            name: "artificial_\(model.constraints[row.index].name)", lower: 0, upper: phase == .feasibility ? 1 : 0,
            objective: phase == .feasibility ? -1 : 0, column: [.init(row: row, coefficient: 1)])])
    }

    /// True while some row must be covered (keep_together, or a branching decision).
    private(set) var hasObligations = false
    var needsFeasibilityPhase: Bool { hasObligations }

    /// Switches between phase 1 (artificials free, objective −Σ artificials)
    /// and phase 2 (artificials fixed at 0, objective the savings).
    func setPhase(_ newPhase: Phase) {
        phase = newPhase
        for variable in artificials {
            solver.setBounds(of: variable, lower: 0, upper: newPhase == .feasibility ? 1 : 0)
            solver.setObjective(of: variable, to: newPhase == .feasibility ? -1 : 0)
        }
        for (offset, column) in columns.enumerated() {
            solver.setObjective(
                of: VariableID(index: firstGroupVariable + offset),
                to: newPhase == .feasibility ? 0 : column.saving)
        }
    }

    /// Changes the group limit. Retired columns come back and the pool is no
    /// longer complete: both were proven for the old limit's incumbent only.
    func setGroupLimit(_ limit: Int) {
        guard let row = groupLimitRow else { preconditionFailure("master has no group limit row") }
        solver.setBounds(of: row, lower: -.infinity, upper: Double(limit))
        reopen()
    }

    /// The columns that are not retired: the whole pool, or, once it is
    /// complete, the groups that a better plan could use (what a later search
    /// with other limits starts from; it prices any others it needs).
    var liveColumns: [GroupColumn] { columns.indices.filter { !retired[$0] }.map { columns[$0] } }
    /// How many columns are not retired.
    var liveCount: Int { retired.lazy.filter { !$0 }.count }

    /// Brings every retired column back (subject to the decisions in force)
    /// and marks the pool incomplete.
    func reopen() {
        isComplete = false
        reserve = []
        for offset in columns.indices where retired[offset] {
            retired[offset] = false
            let allowed = rules[columns[offset].service].map { $0.allows(columns[offset].members, problem: problem) } ?? true
            if allowed {
                disabled[offset] = false
                solver.setBounds(of: VariableID(index: firstGroupVariable + offset), lower: 0, upper: .infinity)
            }
        }
    }

    /// Moves the whole reserve into the LP.
    func loadReserve() {
        add(reserve)
        reserve = []
    }

    /// True when the column is in the pool (retired or not).
    func contains(_ column: GroupColumn) -> Bool { known[column] != nil }

    /// Adds the columns not already present; returns how many were new.
    @discardableResult
    func add(_ newColumns: [GroupColumn]) -> Int {
        var added = 0
        var batch: [LinearModel.Variable] = []
        for column in newColumns where services.contains(column.service) && known[column] == nil {
            known[column] = columns.count
            var entries: [LinearModel.Entry] = column.members.map {
                .init(row: ConstraintID(index: rowOf[column.service][$0]!), coefficient: 1)
            }
            if let groupLimitRow { entries.append(.init(row: groupLimitRow, coefficient: 1)) }
            for (cut, row) in cuts[column.service] {
                let coefficient = cut.coefficient(column.members)
                if coefficient > 0 { entries.append(.init(row: row, coefficient: Double(coefficient))) }
            }
            let spec = problem.services[column.service]
            let name = "join_\(spec.id)_" + column.members.map { problem.councils[$0].id }.joined(separator: "_")
                + "_host_\(problem.councils[column.host].id)"
            columns.append(column)
            retired.append(false)
            let allowed = rules[column.service].map { $0.allows(column.members, problem: problem) } ?? true
            disabled.append(!allowed)
            batch.append(LinearModel.Variable(
                name: name, lower: 0, upper: allowed ? .infinity : 0, isInteger: true,
                objective: phase == .feasibility ? 0 : column.saving, column: entries))
            added += 1
        }
        solver.addVariables(batch)
        return added
    }

    func solveRelaxation(timeLimit: Double?, iterationLimit: Int? = nil) -> LPResult {
        solver.solveRelaxation(timeLimit: timeLimit, iterationLimit: iterationLimit)
    }

    /// Simplex iterations so far, over every LP of this master.
    var simplexIterations: Int { solver.simplexIterations }

    /// Puts a node's branching decisions in force: columns that break them
    /// are fixed at 0, the others freed.
    func apply(_ newRules: [Int: BranchRules]) {
        let cleaned = newRules.filter { !$0.value.isEmpty }
        if cleaned == rules { return }
        rules = cleaned
        var obliged = baseLower.contains { $0 >= 1 }
        for service in services {
            let mustShare = rules[service]?.mustShare ?? []
            for council in councilsOf[service]! {
                let row = rowOf[service][council]!
                let lower = mustShare.contains(council) ? 1 : baseLower[row]
                if lower >= 1 { obliged = true }
                if model.constraints[row].lower != lower {
                    solver.setBounds(of: ConstraintID(index: row), lower: lower, upper: 1)
                }
            }
        }
        hasObligations = obliged
        for (offset, column) in columns.enumerated() {
            let allowed = !retired[offset] && (rules[column.service].map { $0.allows(column.members, problem: problem) } ?? true)
            if allowed == !disabled[offset] { continue }
            disabled[offset] = !allowed
            solver.setBounds(of: VariableID(index: firstGroupVariable + offset), lower: 0, upper: allowed ? .infinity : 0)
        }
    }

    /// Retires every column for which `keep` is false (fixed at 0 for good) and
    /// marks the pool complete: the caller has proven that it holds every
    /// column of every plan better than the incumbent.
    func retire(keeping keep: (Int) -> Bool) {
        for offset in columns.indices where !retired[offset] && !keep(offset) {
            retired[offset] = true
            if !disabled[offset] {
                disabled[offset] = true
                solver.setBounds(of: VariableID(index: firstGroupVariable + offset), lower: 0, upper: 0)
            }
        }
        isComplete = true
    }

    /// What makes a pool complete (`retire`): the retired columns and the reserve.
    struct Completion {
        var retired: [Bool]
        var reserve: [GroupColumn]
    }

    /// The pool's completion, nil when it is not complete.
    var completion: Completion? { isComplete ? Completion(retired: retired, reserve: reserve) : nil }

    /// Makes the pool complete again as `completion` left it, after `reopen`
    /// (a group limit changed and came back): for the incumbent it was proven
    /// for or a better one, the columns it retired still cannot be in a
    /// better plan, and its reserve comes back. Columns added since stay in
    /// the pool, and so do those of `keep` (the incumbent's).
    func restore(_ completion: Completion, keeping keep: [GroupColumn]) {
        guard !isComplete else { return }
        reserve = completion.reserve.filter { known[$0] == nil }
        let kept = Set(keep.compactMap { known[$0] })
        retire { offset in offset >= completion.retired.count || !completion.retired[offset] || kept.contains(offset) }
    }

    /// Fixes a column at 1 (a dive of the primal heuristic); `release` frees it again.
    func fix(column offset: Int) {
        solver.setBounds(of: VariableID(index: firstGroupVariable + offset), lower: 1, upper: .infinity)
    }

    func release(column offset: Int) {
        solver.setBounds(of: VariableID(index: firstGroupVariable + offset), lower: 0, upper: disabled[offset] ? 0 : .infinity)
    }

    /// Adds a subset-row cut on councils of `service`; false if present.
    @discardableResult
    func addCut(service: Int, _ cut: SubsetRowCut) -> Bool {
        guard cutKeys[service, default: []].insert(cut).inserted else { return false }
        let terms = cut.terms(over: columns, at: columns.indices, service: service,
                              weightOf: cut.weightOf(councilCount: problem.councilCount))
            .map { (VariableID(index: firstGroupVariable + $0.offset), Double($0.coefficient)) }
        let spec = problem.services[service]
        // subsetRow_<service>_<councils> for a triple, subsetRow4_… and subsetRow5_…
        // for the larger shapes, heavier councils first (the one at 2/3 of a four),
        // subsetRow<n>d<d>_… for the other uniform ones, subsetRow<n>w<D>_… for the
        // sized ones (`BranchAndPrice.sizedCut`, weights over a common denominator D).
        let codes = zip(cut.councils, cut.weights).sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .map { problem.councils[$0.0].id }.joined(separator: "_")
        let shape = cut.isUnionShape ? "\(cut.councils.count)d\(cut.denominator)"
            : cut.councils.count == 3 && cut.denominator == 2 ? ""
            : cut.councils.count <= 5 && cut.denominator == 3 ? "\(cut.councils.count)"
            : "\(cut.councils.count)w\(cut.denominator)"
        var name = "subsetRow\(shape)_\(spec.id)_" + codes
        // GLPK and the LP and MPS formats take 255 bytes of a name: a long cut
        // (a union, a rank-1 cut over a cluster) gets a hash of its whole name
        // in front, so that two long cuts over the same first councils keep
        // distinct names, and a copy of the master (`snapshotWithBasis`) names
        // the cut as the master does, whichever cuts it leaves out (until
        // 2026-12-02 it was the cut's number, which a lean copy changed: the
        // copy's names no longer matched, its basis was not set, and its first
        // LP started from scratch, 130 s for generated 317 x 4's legal).
        if name.utf8.count > 255 { name = "subsetRow\(shape)h\(GroupMaster.nameHash(name))_\(spec.id)_" + codes }
        let row = solver.addConstraint(name: name, upper: Double(cut.rightSide), terms: terms)
        cuts[service].append((cut, row))
        return true
    }

    /// A row `Σ saving_g x_g ≥ value` over the group columns: only plans saving
    /// at least `value` are left.
    ///
    /// The row is divided by the largest saving of a column, so that its
    /// coefficients are at most 1 like those of the council rows: unscaled
    /// (savings up to about £10^8), GLPK's simplex failed on a piece of
    /// England's fostering and adoption (`splitPoolMIP`).
    /// Sets the bounds of these variables of the model (a node's bounds,
    /// given away by a search over a copy made from the same snapshot).
    func setBounds(_ bounds: [VariableBound]) {
        for bound in bounds {
            solver.setBounds(of: VariableID(index: bound.variable), lower: bound.lower, upper: bound.upper)
        }
    }

    func addSavingFloor(_ value: Double) {
        let scale = max(1, columns.reduce(0) { max($0, abs($1.saving)) })
        let terms = columns.indices.map { (VariableID(index: firstGroupVariable + $0), columns[$0].saving / scale) }
        _ = solver.addConstraint(name: "savingFloor", lower: value / scale, terms: terms)
    }

    /// A new master over the same councils, services and group limit with
    /// only `columns` (in that order) and every subset-row cut of this one,
    /// without branching decisions: for GLPK's branch-and-cut over a part of
    /// the pool (`mergePlans`).
    func copy(columns: [GroupColumn]) -> GroupMaster {
        GroupMaster(snapshot(columns: columns))
    }

    /// What a copy of this master over `columns` is made of, in Swift values
    /// only, so that another thread can build it (GLPK's objects belong to
    /// the thread that made them).
    struct Snapshot: Sendable {
        var problem: Problem
        var services: [Int]
        var groupLimit: Int?
        var councils: [Int]?
        var columns: [GroupColumn]
        var cuts: [(service: Int, cut: SubsetRowCut)]
        /// Parallel to `columns`: retired in the copy too.
        var retired: [Bool]? = nil
        /// The master's basis, for a copy with the same rows (names) and columns.
        var basis: (rowNames: [String], statuses: GLPKSolver.Basis)? = nil
    }

    /// FNV-1a (64 bits) of the name's bytes, in hexadecimal: the same in
    /// every run and every copy.
    static func nameHash(_ name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 16)
    }

    func snapshot(columns: [GroupColumn]) -> Snapshot {
        Snapshot(problem: problem, services: services, groupLimit: groupLimit, councils: councilSubset, columns: columns,
                 cuts: services.flatMap { service in cuts[service].map { (service, $0.cut) } })
    }

    /// A snapshot of the master with its current basis, for GLPK's
    /// branch-and-cut over a complete pool (so that the copy's first simplex
    /// starts where this master's last one ended). It leaves out
    ///
    /// - the retired columns (no plan better than the incumbent uses them),
    ///   except those still basic, which stay retired in the copy;
    /// - the subset-row cuts whose rows are slack in that basis. Every cut
    ///   holds for every plan, so the copy is a relaxation with the same
    ///   plans; the cuts at GLPK's nodes (`BranchAndPrice.nodeCutSeparator`)
    ///   find again those that a node needs.
    ///
    /// GLPK rebuilds its working copy of the matrix at every simplex call,
    /// and the cut rows hold most of the entries: in generated 317 x 4's back
    /// office pool, 56,631 of 76,062 (the council rows 19,431), of which
    /// 31,925 in the 82 slack cut rows of 208. Measured (README, "A lean
    /// copy for GLPK"): with the optimal plan given, that pool's search
    /// proved it in about 30 s instead of 194 s.
    ///
    /// With a group limit (the frontier's and `min_groups`' solves) too:
    /// England's frontier at `--time-limit 200` proved 161 and 159 of 168
    /// points with the lean copy there, 156 and 154 with the full copy
    /// (2026-12-03, alternating). The full copy had measured better (143
    /// against 126, 2026-12-02) while long cut names kept the lean copy
    /// from taking the master's basis (`nameHash`).
    func snapshotWithBasis() -> Snapshot {
        let basis = solver.basis()
        let first = firstGroupVariable
        let kept = columns.indices.filter { !retired[$0] || basis.isBasic(column: first + $0) }
        var result = snapshot(columns: kept.map { columns[$0] })
        result.retired = kept.map { retired[$0] }
        let slack = Set(services.flatMap { cuts[$0] }.map(\.row.index).filter { basis.isBasic(row: $0) })
        result.cuts = services.flatMap { service in
            cuts[service].filter { !slack.contains($0.row.index) }.map { (service, $0.cut) }
        }
        // In the copy's order: the master's own rows, then the cuts kept, by service.
        let cutRows = Set(services.flatMap { cuts[$0] }.map(\.row.index))
        let keptRows = model.constraints.indices.filter { !cutRows.contains($0) }
            + services.flatMap { service in cuts[service].map(\.row.index).filter { !slack.contains($0) } }
        result.basis = (keptRows.map { model.constraints[$0].name },
                        basis.keeping(rows: keptRows, columns: Array(0..<first) + kept.map { first + $0 }))
        return result
    }

    /// A master with the rows (council rows with `keep_together`, group limit
    /// and subset-row cuts) and the columns of a snapshot; no branching decisions.
    convenience init(_ snapshot: Snapshot, withBasis: Bool = true) {
        self.init(problem: snapshot.problem, services: snapshot.services, groupLimit: snapshot.groupLimit,
                  councils: snapshot.councils)
        add(snapshot.columns)
        for (service, cut) in snapshot.cuts { addCut(service: service, cut) }
        if let retired = snapshot.retired, retired.contains(true) { retire { !retired[$0] } }
        if withBasis { adoptBasis(of: snapshot) }
    }

    /// Starts the next simplex from the snapshot's basis, if it has one and
    /// this master's rows are the snapshot's (by name). True when it did.
    @discardableResult
    func adoptBasis(of snapshot: Snapshot) -> Bool {
        guard let (names, statuses) = snapshot.basis, names == model.constraints.map(\.name) else { return false }
        solver.setBasis(statuses)
        return true
    }

    /// Values of the group columns in an LP solution.
    /// Columns added after that LP was solved take the value 0 they had in it.
    func groupValues(_ lp: LPResult) -> [Double] {
        var values = Array(lp.primal[firstGroupVariable...])
        if values.count < columns.count { values += [Double](repeating: 0, count: columns.count - values.count) }
        return values
    }

    /// Prices for one service from an LP's duals.
    func prices(for service: Int, lp: LPResult) -> GroupPrices {
        var councilPrice = [Double](repeating: 0, count: problem.councilCount)
        for council in problem.services[service].participants {
            if let row = rowOf[service][council] { councilPrice[council] = lp.duals[row] }
        }
        var prices = GroupPrices(
            savingWeight: phase == .feasibility ? 0 : 1, councilPrice: councilPrice,
            groupPrice: groupLimitRow.map { lp.duals[$0.index] } ?? 0)
        prices.cuts = cuts[service].map { ($0.cut, max(0, lp.duals[$0.row.index])) }
        return prices
    }

    /// A full assignment that selects exactly `chosen` (indices into `columns`).
    func assignment(selecting chosen: [Int]) -> [Double] {
        var values = [Double](repeating: 0, count: model.variables.count)
        for index in chosen { values[firstGroupVariable + index] = 1 }
        return values
    }

    /// Index into `columns` of each known member set, for warm starts.
    func indices(of selected: [GroupColumn]) -> [Int]? {
        var result: [Int] = []
        for column in selected {
            guard let index = known[column] else { return nil }
            result.append(index)
        }
        return result
    }

    /// GLPK's branch-and-cut over the master's columns. Every integer
    /// column is a group, which its members' rows (1) hold at most 1, so the
    /// search gives the groups that bound (`MIPParameters.integersAreBinary`)
    /// and GLPK's mixed-integer rounding cuts at its root (`roundingCuts`),
    /// which aggregate the master's subset-row rows. Without the bound GLPK
    /// saw no 0-1 variables and its clique and rounding cuts found nothing.
    /// Generated 317 x 4 at `--time-limit 900`: proven in 193.1 s against
    /// 321.0 s (measurements in `GLPKSolver.addRoundingCuts` and the README,
    /// "0-1 bounds and rounding cuts for GLPK").
    func solveMIP(_ parameters: MIPParameters) -> (MIPResult, [Int]) {
        var parameters = parameters
        parameters.integersAreBinary = true
        parameters.roundingCuts = true
        let result = solver.solve(parameters)
        return (result, result.solution.map(chosen(in:)) ?? [])
    }

    /// The columns (indices into `columns`) that a full assignment selects.
    func chosen(in solution: [Double]) -> [Int] {
        columns.indices.filter { solution[firstGroupVariable + $0] > 0.5 }
    }

    /// The current group limit, if the master has the row.
    var groupLimit: Int? { groupLimitRow.map { Int(model.constraints[$0.index].upper) } }

    /// The councils this master is restricted to (nil: all).
    var councilSubset: [Int]? { outside.map { mask in mask.indices.filter { !mask[$0] } } }

    func violation(of values: [Double]) -> String? { model.violation(of: values) }

    /// Writes the master (an MPS file minimises the negated saving, see `GLPKSolver.write`).
    func write(_ format: GLPKSolver.FileFormat, to path: String) -> Bool { solver.write(format, to: path) }
}
