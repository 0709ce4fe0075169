// SPDX-License-Identifier: GPL-3.0-or-later
// The exchange local search over the pool (BranchAndPrice.improveByExchange):
// its plans are made of pool groups, disjoint, never worse than where it
// started and never better than the search's bound.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Exchange local search over the pool")
struct ExchangeTests {
    @Test("greedy and empty starts improve to valid plans no better than the bound")
    func improvesWithinTheBound() throws {
        var improved = 0
        var cases = 0
        for seed in 1...6 {
            let problem = try generatedProblem(councils: 30, services: 2, seed: seed)
            // Five seconds per search: a whole service in one master (no split into
            // parts) can keep GLPK busy for minutes in a debug build. Its bound is
            // what the plans are held to.
            var (engine, _) = ExactSolver(problem: problem).makeEngine()
            for service in problem.services.indices where problem.services[service].participants.count >= 2 {
                // Fill the pool with the exact search (time-limited, so it may stop with a bound).
                let master = GroupMaster(problem: problem, services: [service], groupLimit: nil)
                engine.deadline = engine.clock.seconds + 5
                let search = engine.solve(master, seed: [], label: "exact")
                let bound = try #require(search.status == .optimal ? search.saving : search.bound)
                let greedy = GreedyPlan.plan(enumerator: engine.enumerators[service], shouldStop: { false })
                    .filter { master.indices(of: [$0]) != nil }
                for start in [greedy, []] {
                    cases += 1
                    let before = start.reduce(0) { $0 + $1.saving }
                    let plan = engine.improveByExchange(master, plan: start, until: .infinity)
                    let after = plan.reduce(0) { $0 + $1.saving }
                    #expect(master.indices(of: plan) != nil, "seed \(seed) service \(service): a group not in the pool")
                    var used = Set<Int>()
                    for group in plan {
                        #expect(group.service == service)
                        for council in group.members { #expect(used.insert(council).inserted, "seed \(seed): council \(council) twice") }
                    }
                    #expect(after >= before - 1e-6 * max(1, before), "seed \(seed) service \(service): \(before) -> \(after)")
                    #expect(after <= bound + 1e-6 * max(1, bound), "seed \(seed) service \(service): \(after) above the bound \(bound)")
                    if after > before + 1e-6 * max(1, before) { improved += 1 }
                }
            }
        }
        // Not vacuous: the empty starts always improve, and some greedy ones do.
        #expect(improved > cases / 2, "\(improved) of \(cases) starts improved")
    }
}
