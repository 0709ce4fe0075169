// SPDX-License-Identifier: GPL-3.0-or-later
// Bounds of plans that are not proven optimal: always there, never below the
// brute-force optimum.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Bounds of stopped searches")
struct BoundTests {
    /// A max-saving instance without a target, and its brute-force optimum.
    static func instance(seed: Int) -> (Instance, Double)? {
        var instance = RandomInstances.make(seed: seed, councils: 5...8, placeTarget: false)
        instance.objective = .maxSaving
        instance.target = nil
        guard (try? Problem(instance: instance, file: "bound-\(seed)")) != nil else { return nil }
        let answer = BruteForce(instance: instance).solve()
        guard answer.status == .optimal else { return nil }
        return (instance, answer.totalSaving)
    }

    @Test("the per-council share bound is never below the optimum of its service", arguments: 0..<60)
    func shareBoundIsValid(seed: Int) throws {
        guard let (instance, _) = Self.instance(seed: seed) else { return }
        let problem = try Problem(instance: instance, file: "bound-\(seed)")
        let brute = BruteForce(instance: instance).solve()
        for service in problem.services.indices {
            let best = brute.tables[service].compactMap { $0 }.max() ?? 0
            let enumerator = GroupEnumerator(problem: problem, service: service)
            var bound = 0.0
            for part in enumerator.components where part.count >= 2 { bound += enumerator.shareBound(councils: part) }
            #expect(bound >= best - 1e-6 * max(1, best), "seed \(seed) service \(service): bound \(bound), optimum \(best)")
        }
    }

    @Test("a search stopped at any point still states a valid bound", arguments: 0..<40)
    func stoppedSearchHasBound(seed: Int) throws {
        guard let (instance, optimum) = Self.instance(seed: seed) else { return }
        let problem = try Problem(instance: instance, file: "bound-\(seed)")
        for polls in [1, 2, 3, 5, 8, 13, 21, 34, 55] {
            let stop = StopAfter(polls)
            var options = SolveOptions()
            options.shouldStop = { stop.poll() }
            let plan = ExactSolver(problem: problem, options: options).solve()
            let summary = "seed \(seed), stopped after \(polls) polls: \(plan.status.rawValue) \(plan.totalSaving), "
                + "bound \(String(describing: plan.bound)), optimum \(optimum)"
            let bound = try #require(plan.bound, "\(summary)")
            #expect(bound >= optimum - 1e-6 * max(1, optimum) - 0.01, "\(summary)")
            #expect(bound >= plan.totalSaving - 1e-6, "\(summary)")
        }
    }
}
