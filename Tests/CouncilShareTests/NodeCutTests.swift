// SPDX-License-Identifier: GPL-3.0-or-later
//
// Cuts at the nodes of GLPK's branch-and-cut (`MIPParameters.cutSeparator`,
// `BranchAndPrice.nodeCutSeparator`): the backend adds valid cuts and the
// optimum stays the brute-force one; it drops malformed ones without letting
// GLPK abort; and the council search finds the same optima with and without
// them, while using them.
import Foundation
@testable import GLPKBackend
import LinearModel
import Testing
@testable import CouncilShare

@Suite("Cuts at the nodes of GLPK's search")
struct NodeCutTests {
    /// Counts what a separator did, from GLPK's callback.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0, cuts = 0, later = 0
        private var limitsSeen = Set<Int>()
        func record(round: Int, cuts found: Int, limit: Int = 0) {
            lock.lock()
            defer { lock.unlock() }
            calls += 1
            cuts += found
            if round > 0 { later += 1 }
            limitsSeen.insert(limit)
        }
        var limits: Set<Int> {
            lock.lock()
            defer { lock.unlock() }
            return limitsSeen
        }
        var counts: (calls: Int, cuts: Int, later: Int) {
            lock.lock()
            defer { lock.unlock() }
            return (calls, cuts, later)
        }
    }

    /// The violated triple cuts of a packing over rows `0..<12` at `values`:
    /// for rows `a, b, c`, at most one chosen column holds two of them.
    static func tripleCuts(_ members: [[Int]], _ values: [Double]) -> [CutRow] {
        var cuts: [CutRow] = []
        for a in 0..<12 { for b in (a + 1)..<12 { for c in (b + 1)..<12 {
            let columns = members.indices.filter { column in
                [a, b, c].filter { members[column].contains($0) }.count >= 2
            }
            let lhs = columns.reduce(0) { $0 + values[$1] }
            if lhs > 1 + 1e-6 {
                cuts.append(CutRow(variables: columns, coefficients: columns.map { _ in 1 }, upper: 1))
            }
        } } }
        return cuts
    }

    @Test("valid cuts from the callback: the brute-force optimum, and the cuts are taken")
    func validCuts() throws {
        var random = TestRandom(seed: 31)
        let tally = Tally()
        var fewerNodes = 0
        for trial in 0..<60 {
            let (model, members, covering, values) = BranchingTests.randomModel(&random, trial: trial)
            let best = BranchingTests.bruteForce(members, covering: covering, values: values)
            var nodes: [Int] = []
            for withCuts in [false, true] {
                let solver = GLPKSolver(model: model)
                var parameters = MIPParameters()
                parameters.relativeGap = 0
                if withCuts {
                    parameters.cutSeparator = { x, round, limit in
                        // All the violated triples, even beyond the limit (the
                        // backend keeps the first `limit`).
                        let cuts = round < 3 ? Self.tripleCuts(members, x) : []
                        tally.record(round: round, cuts: cuts.count, limit: limit)
                        return cuts
                    }
                }
                let result = solver.solve(parameters)
                try BranchingTests.expectBruteForce(result, best, solver.model, "trial \(trial), cuts \(withCuts)")
                if best == nil { continue }
                nodes.append(result.nodes)
            }
            if nodes.count == 2 && nodes[1] < nodes[0] { fewerNodes += 1 }
        }
        // Not vacuous: the separator was called, found cuts, was called again
        // at a node after its cuts went in, and the cuts shortened searches.
        let counts = tally.counts
        #expect(counts.calls >= 20 && counts.cuts >= 20 && counts.later >= 5, "\(counts)")
        #expect(fewerNodes >= 3, "\(fewerNodes) searches took fewer nodes with the cuts")
        // The backend's limit reached the separator (and only it).
        #expect(tally.limits == [GLPKSolver.cutLimit], "\(tally.limits)")
    }

    @Test("the council separator returns at most the backend's limit: the first cuts of its whole list")
    func separatorLimit() throws {
        var generator = SplitMix64(seed: 11)
        var checked = 0
        for seed in 1...30 {
            let problem = try generatedProblem(councils: 10, services: 1, seed: seed)
            let (engine, _) = ExactSolver(problem: problem).makeEngine()
            let master = GroupMaster(problem: problem, services: [0], groupLimit: nil)
            master.add(SubsetRowCutTests.randomPool(problem, using: &generator))
            let lp = master.solveRelaxation(timeLimit: nil)
            try #require(lp.termination == .optimal)
            let offered = Locked(0)
            let separator = engine.nodeCutSeparator(master, offered: offered)
            let all = separator(lp.primal, 0, 1000)
            let violation = { (cut: CutRow) in
                zip(cut.variables, cut.coefficients).reduce(0) { $0 + $1.1 * lp.primal[$1.0] } - cut.upper
            }
            #expect(all.allSatisfy { violation($0) > 0 })
            guard all.count >= 2 else { continue }
            checked += 1
            for limit in [0, 1, all.count - 1] {
                let some = separator(lp.primal, 0, limit)
                #expect(some.count == limit)
                #expect(some.map(violation) == all.prefix(limit).map(violation), "seed \(seed), limit \(limit)")
            }
            #expect(offered.withLock { $0 } == 2 * all.count, "seed \(seed)")
        }
        #expect(checked >= 5, "only \(checked) pools had two violated cuts or more")
    }

    @Test("malformed cuts are dropped before GLPK sees them: no abort, the same optimum")
    func malformedCuts() throws {
        var random = TestRandom(seed: 37)
        let tally = Tally()
        for trial in 0..<20 {
            let (model, members, covering, values) = BranchingTests.randomModel(&random, trial: trial)
            guard let best = BranchingTests.bruteForce(members, covering: covering, values: values) else { continue }
            let n = model.variables.count
            let solver = GLPKSolver(model: model)
            var parameters = MIPParameters()
            parameters.relativeGap = 0
            // Each of these would make GLPK abort, or cut off the optimum, if it
            // were added: a variable out of range, one twice, a NaN or infinite
            // number, lengths that differ, and rows too tight to hold (the
            // all-zero row `0 <= -1` and the empty row).
            parameters.cutSeparator = { _, round, _ in
                guard round == 0 else { return [] }
                tally.record(round: round, cuts: 1)
                return [
                    CutRow(variables: [0, n], coefficients: [1, 1], upper: 0),
                    CutRow(variables: [-1], coefficients: [1], upper: 0),
                    CutRow(variables: [1, 1], coefficients: [1, 1], upper: 0),
                    CutRow(variables: [2], coefficients: [.nan], upper: 0),
                    CutRow(variables: [3], coefficients: [1], upper: .infinity),
                    CutRow(variables: [4], coefficients: [1], upper: -.infinity),
                    CutRow(variables: [5, 6], coefficients: [1], upper: 0),
                    CutRow(variables: [7], coefficients: [0], upper: -1),
                    CutRow(variables: [], coefficients: [], upper: -1),
                ]
            }
            try BranchingTests.expectBruteForce(solver.solve(parameters), best, solver.model, "trial \(trial)")
        }
        #expect(tally.counts.calls >= 5, "\(tally.counts)")
    }

    @Test("generated instances: the same optima with and without cuts at GLPK's nodes, and the cuts are used")
    func sameOptima() throws {
        // Without the root's rank-1 cuts, whose rounds settle most of these
        // roots before GLPK's searches branch.
        var on = SolveOptions()
        on.rankOneCuts = false
        var off = on
        off.nodeCuts = false
        var used = 0
        for (councils, seed) in [(30, 3), (36, 4), (40, 2), (44, 3), (50, 1), (50, 3)] {
            let problem = try generatedProblem(councils: councils, services: 2, seed: seed)
            let (with, without) = try expectSameOptimum(problem, with: on, without: off, "generated \(councils)/\(seed)")
            #expect(without.statistics.nodeCuts == 0)
            used += with.statistics.nodeCuts
        }
        #expect(used > 0)
    }
}
