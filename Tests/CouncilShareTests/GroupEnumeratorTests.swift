// SPDX-License-Identifier: GPL-3.0-or-later
// The contiguous pricing (connected sets grown through adjacency) against the
// plain subset search filtered by `isConnected`, and the exact solver against
// the brute force on contiguous instances larger than the general random ones.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Group enumerator on contiguous services")
struct GroupEnumeratorTests {
    /// A random instance whose services are all contiguous, over a sparse
    /// random border graph (each pair borders with probability `density`),
    /// with groups of 3 to 6 members.
    static func contiguousInstance(seed: Int, councils: ClosedRange<Int>, density: Double, placeTarget: Bool = true) -> Instance {
        var instance = RandomInstances.make(seed: seed, councils: councils, placeTarget: placeTarget)
        var random = TestRandom(seed: UInt64(10_000 + seed))
        instance.adjacency = []
        let ids = instance.councils.map(\.id)
        for a in ids.indices { for b in ids.indices where a < b && random.chance(density) {
            instance.adjacency.append([ids[a], ids[b]])
        } }
        for index in instance.services.indices {
            instance.services[index].contiguous = true
            instance.services[index].maxMembers = random.int(3...6)
        }
        return instance
    }

    /// Every group the enumerator visits: member set to (host, saving, value).
    static func listing(_ enumerator: GroupEnumerator, prices: GroupPrices, threshold: Double,
                        rules: BranchRules = BranchRules()) -> [[Int]: (Int, Double, Double)] {
        var seen: [[Int]: (Int, Double, Double)] = [:]
        var repeats: [[Int]] = []
        enumerator.enumerate(prices: prices, threshold: threshold, rules: rules) { column, value in
            if seen.updateValue((column.host, column.saving, value), forKey: column.members) != nil { repeats.append(column.members) }
        }
        #expect(repeats.isEmpty, "groups listed twice: \(repeats)")
        return seen
    }

    @Test("connected growth lists exactly the connected groups of the subset search", arguments: 0..<60)
    func connectedGrowthMatchesFilteredSubsets(seed: Int) throws {
        let instance = Self.contiguousInstance(seed: seed, councils: 9...13, density: 0.3, placeTarget: false)
        guard let problem = try? Problem(instance: instance, file: "contiguous-\(seed)") else { return }
        var plain = problem
        for index in plain.services.indices { plain.services[index].contiguous = false }
        var random = TestRandom(seed: UInt64(20_000 + seed))
        for service in problem.services.indices {
            let connected = GroupEnumerator(problem: problem, service: service)
            let subsets = GroupEnumerator(problem: plain, service: service)
            // Plain savings with no threshold (no pruning), then random duals with
            // a threshold (the bound prunes), then a branching rule.
            var duals = GroupPrices.savings(councils: problem.councilCount)
            for council in problem.services[service].participants {
                duals.councilPrice[council] = problem.services[service].spend[council] * random.uniform(0, 0.3)
            }
            var rules = BranchRules()
            let participants = problem.services[service].participants
            if participants.count >= 2 { rules.apart.insert(problem.pairKey(participants[0], participants[1])) }
            let cases: [(GroupPrices, Double, BranchRules)] = [
                (.savings(councils: problem.councilCount), -1e300, BranchRules()),
                (duals, 0, BranchRules()),
                (duals, -1e300, rules),
            ]
            for (prices, threshold, rules) in cases {
                let expected = Self.listing(subsets, prices: prices, threshold: threshold, rules: rules)
                    .filter { problem.isConnected($0.key) }
                let found = Self.listing(connected, prices: prices, threshold: threshold, rules: rules)
                #expect(Set(found.keys) == Set(expected.keys),
                        "seed \(seed) service \(service): missing \(Set(expected.keys).subtracting(found.keys).sorted { $0.lexicographicallyPrecedes($1) }), extra \(Set(found.keys).subtracting(expected.keys).sorted { $0.lexicographicallyPrecedes($1) })")
                for (members, entry) in found {
                    guard let other = expected[members] else { continue }
                    #expect(entry.0 == other.0 && entry.1 == other.1 && abs(entry.2 - other.2) <= 1e-6 * max(1, abs(other.2)),
                            "seed \(seed) service \(service) group \(members)")
                }
            }
        }
    }

    @Test("contiguous instances of 8-9 councils agree with brute force", arguments: 0..<30)
    func contiguousAgreesWithBruteForce(seed: Int) throws {
        let instance = Self.contiguousInstance(seed: 500 + seed, councils: 8...9, density: 0.35)
        guard let problem = try? Problem(instance: instance, file: "contiguous-\(seed)") else { return }
        let plan = ExactSolver(problem: problem).solve()
        let brute = BruteForce(instance: instance).solve()
        let summary = "seed \(seed): solver \(plan.status.rawValue) \(plan.totalSaving) \(plan.groups.map(\.members)); brute force \(brute)"
        switch brute.status {
        case .optimal:
            #expect(plan.status == .optimal, "\(summary)")
            #expect(sameMoney(plan.totalSaving, brute.totalSaving), "\(summary)")
            if instance.objective == .minGroups { #expect(plan.groupCount == brute.groupCount, "\(summary)") }
        case .infeasible:
            #expect(plan.status == .infeasible, "\(summary)")
        }
        for group in plan.groups { #expect(problem.isConnected(group.members), "\(summary)") }
    }
}
