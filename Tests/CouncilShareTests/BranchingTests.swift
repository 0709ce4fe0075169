// SPDX-License-Identifier: GPL-3.0-or-later
//
// GLPK's branch-and-cut with Driebeek and Tomlin's rule over a few
// candidates (`MIPParameters.branchingCandidates`, chosen in GLPK's
// callback): the same optimum as brute force and as GLPK's own rule; and
// the backend's faster ratio tests: GLPK's own search, node for node.

@testable import GLPKBackend
import LinearModel
import Testing

@Suite("Branching on a few candidates")
struct BranchingTests {
    /// A random packing of 12 rows by 36 columns of two to four rows each,
    /// with one covering row (at least one of a few columns), maximised.
    /// Each column's upper bound is `upper` (a group master's columns have
    /// none: their rows hold them at most 1).
    static func randomModel(_ random: inout TestRandom, trial: Int, upper: Double = 1) -> (LinearModel, [[Int]], [Int], [Double]) {
        var model = LinearModel(name: "branching-\(trial)", sense: .maximize)
        let rows = (0..<12).map { model.addConstraint(name: "row\($0)", upper: 1) }
        let cover = model.addConstraint(name: "cover", lower: 1)
        var members: [[Int]] = []
        var covering: [Int] = []
        var values: [Double] = []
        for column in 0..<36 {
            var set = Set<Int>()
            let size = random.int(2...4)
            while set.count < size { set.insert(random.int(0...11)) }
            let sorted = set.sorted()
            var entries = sorted.map { LinearModel.Entry(row: rows[$0], coefficient: 1) }
            if column % 9 == 0 {
                covering.append(column)
                entries.append(.init(row: cover, coefficient: 1))
            }
            let value = random.uniform(1, 10) * Double(size)
            model.addVariable(name: "x\(column)", lower: 0, upper: upper, isInteger: true, objective: value, column: entries)
            members.append(sorted)
            values.append(value)
        }
        return (model, members, covering, values)
    }

    /// The best packing that uses a covering column, by depth-first search.
    static func bruteForce(_ members: [[Int]], covering: [Int], values: [Double]) -> Double? {
        var best: Double?
        func visit(_ column: Int, used: Int, covered: Bool, total: Double) {
            if column == members.count {
                if covered { best = max(best ?? -.infinity, total) }
                return
            }
            visit(column + 1, used: used, covered: covered, total: total)
            let mask = members[column].reduce(0) { $0 | (1 << $1) }
            if used & mask == 0 {
                visit(column + 1, used: used | mask, covered: covered || covering.contains(column),
                      total: total + values[column])
            }
        }
        visit(0, used: 0, covered: false, total: 0)
        return best
    }

    /// Expects `result` to be the brute-force answer `best` over `model`
    /// (infeasible when there is none), with a plan that the model accepts.
    static func expectBruteForce(_ result: MIPResult, _ best: Double?, _ model: LinearModel, _ context: String) throws {
        guard let best else {
            #expect(result.termination == .infeasible, "\(context): no packing covers")
            return
        }
        #expect(result.termination == .optimal, "\(context)")
        let objective = try #require(result.objective)
        #expect(abs(objective - best) <= 1e-6 * max(1, best), "\(context): \(objective) against \(best)")
        let solution = try #require(result.solution)
        #expect(model.violation(of: solution) == nil, "\(context)")
    }

    @Test("a few candidates, one, or GLPK's own rule: the brute-force optimum every time")
    func sameOptimum() throws {
        var random = TestRandom(seed: 11)
        var branched = 0, differed = 0
        for trial in 0..<30 {
            let (model, members, covering, values) = Self.randomModel(&random, trial: trial)
            let best = Self.bruteForce(members, covering: covering, values: values)
            var nodes: [Int?: Int] = [:]
            for candidates in [nil, 1, 3, 10] as [Int?] {
                let solver = GLPKSolver(model: model)
                var parameters = MIPParameters()
                parameters.relativeGap = 0
                parameters.branchingCandidates = candidates
                let result = solver.solve(parameters)
                try Self.expectBruteForce(result, best, solver.model, "trial \(trial), \(String(describing: candidates)) candidates")
                if best == nil { continue }
                if candidates != nil && result.nodes > 1 { branched += 1 }
                nodes[candidates] = result.nodes
            }
            if nodes[1] != nodes[nil] { differed += 1 }
        }
        // Not vacuous: the rule chose branches in many of the searches, and
        // branching on the first candidate alone changes the search.
        #expect(branched >= 10, "\(branched) searches branched")
        #expect(differed >= 3, "\(differed) searches differed from GLPK's own rule")
    }

    @Test("0-1 bounds and rounding cuts for the search only: the brute-force optimum, then the LP as it was")
    func roundingCutsAtTheRoot() throws {
        var random = TestRandom(seed: 29)
        var fractional = 0
        for trial in 0..<40 {
            let (model, members, covering, values) = Self.randomModel(&random, trial: trial, upper: .infinity)
            let best = Self.bruteForce(members, covering: covering, values: values)
            let solver = GLPKSolver(model: model)
            // Subset-row rows over five rows each (half of each column's rows
            // among them, rounded down, at most 2), as a group master has:
            // GLPK's rounding cuts aggregate such rows; packing rows alone give none.
            for cut in 0..<6 {
                var subset = Set<Int>()
                let size = random.int(3...7)
                while subset.count < size { subset.insert(random.int(0...11)) }
                let terms = members.indices.compactMap { column -> (VariableID, Double)? in
                    let inside = members[column].filter(subset.contains).count / 2
                    return inside > 0 ? (VariableID(index: column), Double(inside)) : nil
                }
                if !terms.isEmpty { solver.addConstraint(name: "subsetRow\(cut)", upper: Double(size / 2), terms: terms) }
            }
            let before = solver.solveRelaxation()
            var parameters = MIPParameters()
            parameters.relativeGap = 0
            parameters.integersAreBinary = true
            parameters.roundingCuts = true
            let result = solver.solve(parameters)
            try Self.expectBruteForce(result, best, solver.model, "trial \(trial)")
            if before.termination == .optimal && before.primal.contains(where: { abs($0 - $0.rounded()) > 1e-6 }) { fractional += 1 }
            // The bounds and rows are the model's again: the same LP, from the basis before.
            #expect(solver.problemRowCount == solver.model.constraints.count, "trial \(trial)")
            let after = solver.solveRelaxation()
            #expect(after.termination == before.termination, "trial \(trial)")
            if before.termination == .optimal {
                #expect(abs(after.objective - before.objective) <= 1e-9 * max(1, abs(before.objective)), "trial \(trial)")
            }
        }
        // Not vacuous: many roots were fractional, so the searches had work
        // to do under the bounds. (These small models give GLPK's rounding
        // cuts nothing to aggregate; generated 317 x 4's masters do, see
        // `GLPKSolver.addRoundingCuts`.)
        #expect(fractional >= 10, "\(fractional) fractional roots")
    }

    @Test("the faster ratio tests: GLPK's own search node for node, every one equal bit for bit")
    func sameSearchAsGLPK() throws {
        var random = TestRandom(seed: 23)
        let before = TableauRows.audited
        var branched = 0
        for trial in 0..<160 {
            let (model, _, _, _) = Self.randomModel(&random, trial: trial)
            // Every other trial, a row added to the loaded problem (as the
            // master adds a cut): it heads its columns' lists in GLPK.
            let extra = trial % 2 == 1 ? (0..<36).filter { _ in random.int(0...1) == 1 } : []
            var results: [MIPResult] = []
            for backend in [true, false] {
                let solver = GLPKSolver(model: model)
                if !extra.isEmpty {
                    solver.addConstraint(name: "extra", upper: 2,
                                         terms: extra.map { (VariableID(index: $0), Double(1 + $0 % 3)) })
                }
                var parameters = MIPParameters()
                parameters.relativeGap = 0
                parameters.backendBranching = backend
                results.append(solver.solve(parameters))
            }
            let (glpk, fast) = (results[0], results[1])
            #expect(glpk.termination == fast.termination, "trial \(trial)")
            #expect(glpk.nodes == fast.nodes, "trial \(trial): \(fast.nodes) nodes against GLPK's \(glpk.nodes)")
            #expect(glpk.objective == fast.objective, "trial \(trial)")
            #expect(glpk.solution == fast.solution, "trial \(trial)")
            if fast.nodes > 1 { branched += 1 }
        }
        #expect(branched >= 40, "\(branched) searches branched")
        #if DEBUG
        // Debug builds compare each pair of ratio tests with GLPK's on the
        // whole row (`glp_eval_tab_row`, `glp_dual_rtest`) as it is made
        // (other tests may add to the counts meanwhile: none may differ).
        let after = TableauRows.audited
        #expect(after.pivotsCompared - before.pivotsCompared >= 200,
                "\(after.pivotsCompared - before.pivotsCompared) ratio tests compared")
        #expect(after.pivotsWithCutRows > before.pivotsWithCutRows,
                "no ratio test was made with GLPK's own cut rows present")
        #expect(after.pivotsDiffered == 0, "\(after.pivotsDiffered) ratio tests differed from GLPK's")
        #expect(after.pivotsStoppedEarly > before.pivotsStoppedEarly, "no ratio test left a column unscored")
        #endif
    }

    /// Subset-row cuts on three rows (`Σ ⌊|g ∩ S| / 2⌋ x_g ≤ 1`) violated at
    /// the node's LP values, most violated first: valid for every packing.
    static func tripleSeparator(_ members: [[Int]]) -> @Sendable ([Double], Int, Int) -> [CutRow] {
        { values, round, limit in
            guard round < 3 else { return [] }
            var found: [(CutRow, Double)] = []
            for a in 0..<12 { for b in (a + 1)..<12 { for c in (b + 1)..<12 {
                var variables: [Int] = [], lhs = 0.0
                for (j, set) in members.enumerated() where [a, b, c].filter(set.contains).count >= 2 {
                    variables.append(j)
                    lhs += values[j]
                }
                if lhs > 1 + 1e-6 {
                    found.append((CutRow(variables: variables, coefficients: variables.map { _ in 1 }, upper: 1), lhs))
                }
            } } }
            return found.sorted { $0.1 > $1.1 }.prefix(limit).map(\.0)
        }
    }

    @Test("cuts at GLPK's nodes, chosen by the backend's estimate: the brute-force optimum; in debug builds every estimate is GLPK's, bit for bit")
    func nodeCutsChosenAsGLPK() throws {
        var random = TestRandom(seed: 31)
        let before = TableauRows.audited
        var withCuts = 0
        for trial in 0..<60 {
            let (model, members, covering, values) = Self.randomModel(&random, trial: trial)
            let best = Self.bruteForce(members, covering: covering, values: values)
            let solver = GLPKSolver(model: model)
            var parameters = MIPParameters()
            parameters.relativeGap = 0
            parameters.cutSeparator = Self.tripleSeparator(members)
            let result = solver.solve(parameters)
            try Self.expectBruteForce(result, best, solver.model, "trial \(trial)")
            if best != nil { withCuts += 1 }
        }
        #expect(withCuts >= 30, "\(withCuts) trials had a packing")
        #if DEBUG
        let after = TableauRows.audited
        #expect(after.cutsCompared - before.cutsCompared >= 100, "\(after.cutsCompared - before.cutsCompared) cut estimates compared")
        #expect(after.cutsWithCutRows > before.cutsWithCutRows, "no estimate was made with cut rows already in the problem")
        #expect(after.cutsDiffered == 0, "\(after.cutsDiffered) cut estimates differed from GLPK's")
        #endif
    }
}
