// SPDX-License-Identifier: GPL-3.0-or-later
//
// `MIPParameters.stopAtGap`: GLPK's search stops once the caller's test of
// (incumbent, best bound) holds, as interrupted, with a plan and a bound
// that still bracket the brute-force optimum.

@testable import CouncilShare
@testable import GLPKBackend
import LinearModel
import Testing

@Suite("Stopping at a gap")
struct StopAtGapTests {
    @Test("stopped at a gap: a feasible plan, a bound over the brute-force optimum, the gap the test asked for")
    func stopsWithinTheGap() throws {
        var random = TestRandom(seed: 23)
        var stopped = 0, searched = 0
        for trial in 0..<60 {
            let (model, members, covering, values) = BranchingTests.randomModel(&random, trial: trial)
            guard let best = BranchingTests.bruteForce(members, covering: covering, values: values) else { continue }
            // Never true: the search runs to the optimum.
            var parameters = MIPParameters()
            parameters.relativeGap = 0
            parameters.stopAtGap = { _, _ in false }
            let full = GLPKSolver(model: model).solve(parameters)
            try BranchingTests.expectBruteForce(full, best, model, "trial \(trial), never stopped")
            guard full.nodes > 1 else { continue }
            searched += 1
            // Stop once the gap is at most a tenth of the optimum: the test saw
            // each pair it was asked about, and the last one it accepted is the
            // result's.
            let allowed = 0.1 * best
            let asked = Locked<[(Double, Double)]>([])
            parameters.stopAtGap = { incumbent, bound in
                asked.withLock { $0.append((incumbent, bound)) }
                return bound - incumbent <= allowed
            }
            let result = GLPKSolver(model: model).solve(parameters)
            let calls = asked.withLock { $0 }
            let objective = try #require(result.objective, "trial \(trial)")
            let solution = try #require(result.solution, "trial \(trial)")
            #expect(model.violation(of: solution) == nil, "trial \(trial)")
            #expect(objective <= best + 1e-6 * best, "trial \(trial): \(objective) above \(best)")
            let bound = try #require(result.bound, "trial \(trial)")
            #expect(bound >= best - 1e-6 * best, "trial \(trial): bound \(bound) below \(best)")
            #expect(calls.allSatisfy { $0.1 >= $0.0 - 1e-6 * best }, "trial \(trial): a bound below its incumbent")
            if result.termination == .interrupted {
                stopped += 1
                let last = try #require(calls.last)
                #expect(last.1 - last.0 <= allowed, "trial \(trial)")
                #expect(abs(last.0 - objective) <= 1e-9 * best, "trial \(trial): stopped at \(last.0), returned \(objective)")
                #expect(result.nodes <= full.nodes, "trial \(trial)")
            } else {
                try BranchingTests.expectBruteForce(result, best, model, "trial \(trial), not stopped")
            }
        }
        // Not vacuous: many searches branched, and some stopped early.
        #expect(searched >= 10, "\(searched) searches branched")
        #expect(stopped >= 3, "\(stopped) searches stopped at the gap")
    }
}
