// SPDX-License-Identifier: GPL-3.0-or-later
// Independent parts are solved on two threads at once (SolveOptions.threads):
// without a time limit the plan must not depend on it.
import Testing
@testable import CouncilShare

@Suite("Parts solved on one or two threads")
struct ThreadsTests {
    static func oneAndTwoThreads() -> (SolveOptions, SolveOptions) {
        var one = SolveOptions()
        one.threads = 1
        var two = SolveOptions()
        two.threads = 2
        return (one, two)
    }

    @Test("the same plan JSON, byte for byte, with one thread or two", arguments: [(36, 4), (40, 2), (50, 3)])
    func sameWithOneOrTwoThreads(councils: Int, seed: Int) throws {
        let problem = try generatedProblem(councils: councils, services: 2, seed: seed)
        let (one, two) = Self.oneAndTwoThreads()
        let (first, firstJSON) = solveWithJSON(problem, options: one)
        let (second, secondJSON) = solveWithJSON(problem, options: two)
        #expect(first.status == .optimal)
        #expect(firstJSON == secondJSON)
        // Every part was solved, whichever thread took it.
        #expect(second.groupCount == first.groupCount)
    }

    @Test("the same frontier, point by point, with one thread or two", arguments: [(30, 7), (36, 8)])
    func sameFrontierWithOneOrTwoThreads(councils: Int, seed: Int) throws {
        let problem = try generatedProblem(councils: councils, services: 3, seed: seed)
        let (one, two) = Self.oneAndTwoThreads()
        let first = ExactSolver(problem: problem, options: one).frontier()
        let second = ExactSolver(problem: problem, options: two).frontier()
        #expect(first.points.count >= 3)
        #expect(first.points.allSatisfy { $0.plan.status == .optimal })
        #expect(first.points.map(\.groupLimit) == second.points.map(\.groupLimit))
        for (a, b) in zip(first.points, second.points) {
            #expect(a.plan.status == b.plan.status, "k = \(a.groupLimit)")
            #expect(sameMoney(a.plan.totalSaving, b.plan.totalSaving), "k = \(a.groupLimit)")
        }
    }
}
