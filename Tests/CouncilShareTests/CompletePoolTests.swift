// SPDX-License-Identifier: GPL-3.0-or-later
// Completing the pool by enumeration (BranchAndPrice.enumerateImproving) must
// not change any answer: the same optima as branch-and-price alone, and as
// brute force where brute force can go.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Completing the pool by enumeration")
struct CompletePoolTests {
    /// Solves with and without enumeration; both must be proven optimal with the same saving.
    static func bothWays(_ problem: Problem) -> (with: Plan, without: Plan) {
        var off = SolveOptions()
        off.enumerationLimit = 0
        return (ExactSolver(problem: problem).solve(), ExactSolver(problem: problem, options: off).solve())
    }

    @Test("generated instances: the same optimum with and without a completed pool")
    func sameOptimum() throws {
        var completed = 0
        // Sizes and seeds where branch-and-price alone also finishes in well under a second (release build).
        let cases: [(councils: Int, seed: Int)] = [(36, 3), (36, 4), (36, 5), (36, 6), (40, 2), (44, 3), (50, 1), (50, 2), (50, 3), (50, 5)]
        for (councils, seed) in cases {
            let instance = InstanceGenerator(councils: councils, services: 2, seed: UInt64(seed)).generate()
            let problem = try Problem(instance: instance, file: "generated-\(seed)")
            let (with, without) = Self.bothWays(problem)
            #expect(with.status == .optimal && without.status == .optimal, "seed \(seed): \(with.status) / \(without.status)")
            #expect(sameMoney(with.totalSaving, without.totalSaving), "seed \(seed): \(with.totalSaving) vs \(without.totalSaving)")
            #expect(without.statistics.completedPools == 0)
            completed += with.statistics.completedPools
            let report = try PlanChecker.check(planJSON: JSONWriter.write(with.jsonValue(problem: problem)),
                                               file: "plan-\(seed).json", problem: problem)
            #expect(report.isValid, "seed \(seed): \(report.violations)")
            #expect(sameMoney(report.totalSaving, with.totalSaving))
        }
        // Not vacuous: some of these roots leave a gap that the completed pool closes.
        #expect(completed > 0)
    }
}
