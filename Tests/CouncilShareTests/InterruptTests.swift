// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
@testable import CouncilShare

/// Counts polls of `shouldStop` and answers true from the `limit`-th on,
/// so a search can be stopped at every point it checks (as Ctrl-C or a
/// time limit would).
final class StopAfter: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var count = 0
    /// Polls so far (the search may poll from several threads).
    var polls: Int { lock.lock(); defer { lock.unlock() }; return count }
    init(_ limit: Int) { self.limit = limit }
    func poll() -> Bool {
        lock.lock(); defer { lock.unlock() }
        count += 1
        return count >= limit
    }
    /// Polls, and says whether this was exactly the `limit`-th poll (one stop request only).
    func pollIsLimit() -> Bool {
        lock.lock(); defer { lock.unlock() }
        count += 1
        return count == limit
    }
}

@Suite("A search stopped at any point")
struct InterruptTests {
    static let instance = InstanceGenerator(councils: 24, services: 3, seed: 7).generate()

    /// Found by fuzzing: a limit that struck while the root's cuts were being
    /// re-priced left a stale LP point behind and crashed the branching step.
    @Test("never crashes, and any plan it returns keeps every rule",
          arguments: Array(stride(from: 1, through: 400, by: 7)))
    func stoppedSearch(after polls: Int) throws {
        for objective in [Instance.Objective.maxSaving, .minGroups] {
            var instance = Self.instance
            instance.objective = objective
            instance.target = .minSavingFraction(0.002)
            let problem = try Problem(instance: instance, file: "generated")
            let stop = StopAfter(polls)
            var options = SolveOptions()
            options.shouldStop = { stop.poll() }
            let plan = ExactSolver(problem: problem, options: options).solve()
            let json = JSONWriter.write(plan.jsonValue(problem: problem))
            let report = try PlanChecker.check(planJSON: json, file: "plan", problem: problem)
            switch plan.status {
            case .optimal, .feasible:
                #expect(report.isValid, "\(report.violations)")
                if let bound = plan.bound { #expect(bound >= plan.totalSaving - 1e-6) }
            case .infeasible, .noSolution:
                #expect(plan.groups.isEmpty)
            }
        }
    }
}
