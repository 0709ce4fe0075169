// SPDX-License-Identifier: GPL-3.0-or-later
// Rank-1 cuts of any weights (BranchAndPrice.separateRankOneCuts): the local
// search finds violated cuts, never one that a plan violates, and the search
// finds the same optima with and without them.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Rank-1 cuts of any weights")
struct RankOneCutTests {
    /// The violation of the rank-1 cut with weights `w` (by council) over `k` at `support`.
    static func violation(_ w: [Int: Int], k: Int, _ support: [(members: [Int], x: Double)]) -> Double {
        var lhs = 0.0
        for group in support { lhs += group.x * Double(group.members.reduce(0) { $0 + (w[$1] ?? 0) } / k) }
        return lhs - Double(w.values.reduce(0, +) / k)
    }

    static func search(_ support: [(members: [Int], x: Double)], k: Int) -> [Int: Int]? {
        let councils = Array(Set(support.flatMap(\.members))).sorted()
        let slot = Dictionary(uniqueKeysWithValues: councils.enumerated().map { ($1, $0) })
        guard let weights = BranchAndPrice.rankOneWeights(slot: slot, councilCount: councils.count, support: support, k: k) else {
            return nil
        }
        #expect(weights.allSatisfy { (0..<k).contains($0) })
        return Dictionary(uniqueKeysWithValues: councils.enumerated().map { ($1, weights[$0]) })
    }

    @Test("an odd cycle of pairs at 1/2: the cut at 1/2 on its three councils")
    func oddCycle() {
        let support: [(members: [Int], x: Double)] = [([0, 1], 0.5), ([1, 2], 0.5), ([0, 2], 0.5)]
        let w = Self.search(support, k: 2)
        #expect(w == [0: 1, 1: 1, 2: 1])
        #expect(abs(Self.violation(w ?? [:], k: 2, support) - 0.5) < 1e-9)
    }

    @Test("seven groups of four at 1/2 around fourteen councils: a violated cut")
    func cycleOfFours() {
        // Group j holds councils 2j .. 2j+3 (mod 14): each council in two groups.
        let support: [(members: [Int], x: Double)] = (0..<7).map { j in ((0..<4).map { (2 * j + $0) % 14 }.sorted(), 0.5) }
        var best = 0.0
        for k in 2...4 {
            if let w = Self.search(support, k: k) { best = max(best, Self.violation(w, k: k, support)) }
        }
        // 1/4 on all fourteen: 3.5 groups, ⌊14/4⌋ = 3.
        #expect(best >= 0.5 - 1e-9)
    }

    @Test("no cut is found at a plan (disjoint groups at 1), and every cut found is violated")
    func validAndViolated() {
        var generator = SplitMix64(seed: 17)
        var found = 0
        for _ in 0..<300 {
            let n = Int.random(in: 6...12, using: &generator)
            // A plan: disjoint groups at 1; no valid cut can be violated there.
            var councils = Array(0..<n).shuffled(using: &generator)
            var plan: [(members: [Int], x: Double)] = []
            while councils.count >= 2 {
                let size = min(councils.count, Int.random(in: 2...4, using: &generator))
                plan.append((Array(councils.prefix(size)).sorted(), 1))
                councils.removeFirst(size)
            }
            for k in 2...5 { #expect(Self.search(plan, k: k) == nil) }
            // A fractional point: random groups, scaled so that no council is over 1.
            var groups: [(members: [Int], x: Double)] = (0..<Int.random(in: 3...10, using: &generator)).map { _ in
                (Array(Array(0..<n).shuffled(using: &generator).prefix(Int.random(in: 2...4, using: &generator))).sorted(),
                 Double(Int.random(in: 1...4, using: &generator)) / 4)
            }
            var load = [Double](repeating: 0, count: n)
            for group in groups { for c in group.members { load[c] += group.x } }
            let scale = 1 / max(1, load.max() ?? 1)
            groups = groups.map { ($0.members, $0.x * scale) }
            for k in 2...5 {
                guard let w = Self.search(groups, k: k) else { continue }
                found += 1
                #expect(Self.violation(w, k: k, groups) > 1e-2)
                // Valid: no packing of these groups violates it (brute force over subsets).
                for mask in 0..<(1 << groups.count) {
                    var used = Set<Int>(), packing = true
                    var chosen: [(members: [Int], x: Double)] = []
                    for (index, group) in groups.enumerated() where mask & (1 << index) != 0 {
                        if !used.isDisjoint(with: group.members) { packing = false; break }
                        used.formUnion(group.members)
                        chosen.append((group.members, 1))
                    }
                    if packing { #expect(Self.violation(w, k: k, chosen) <= 1e-9) }
                }
            }
        }
        #expect(found > 20)
    }

    @Test("clusters: councils linked by fractional groups, groups at 1 ignored")
    func clusters() {
        let support: [(members: [Int], x: Double)] = [([0, 1], 0.5), ([1, 2], 0.5), ([5, 6], 1), ([7, 8], 0.3), ([8, 9], 0.7), ([3, 4], 0.5)]
        #expect(BranchAndPrice.fractionalClusters(support) == [[0, 1, 2], [3, 4], [7, 8, 9]])
    }

    @Test("generated instances: the same optima with and without rank-1 cuts, and the cuts are used")
    func sameOptima() throws {
        var off = SolveOptions()
        off.rankOneCuts = false
        var used = 0
        for (councils, seed) in [(30, 3), (36, 4), (40, 2), (44, 3), (50, 1), (50, 3)] {
            let problem = try generatedProblem(councils: councils, services: 2, seed: seed)
            let (with, without) = try expectSameOptimum(problem, without: off, "generated \(councils)/\(seed)")
            #expect(without.statistics.rankOneCuts == 0)
            used += with.statistics.rankOneCuts
        }
        #expect(used > 0)
    }

    @Test("long cuts over the same first councils keep distinct names within GLPK's 255 bytes")
    func longCutNames() throws {
        let problem = try generatedProblem(councils: 80, services: 1, seed: 2)
        let service = try #require(problem.services.indices.max { problem.services[$0].participants.count < problem.services[$1].participants.count })
        let councils = problem.services[service].participants.sorted()
        try #require(councils.count >= 45)
        let master = GroupMaster(problem: problem, services: [service], groupLimit: nil)
        let shared = Array(councils.prefix(40))
        #expect(master.addCut(service: service, SubsetRowCut(councils: shared + [councils[41]], weights: Array(repeating: 1, count: 41), denominator: 2)))
        #expect(master.addCut(service: service, SubsetRowCut(councils: shared + [councils[42]], weights: Array(repeating: 1, count: 41), denominator: 2)))
        let names = master.model.constraints.map { String(decoding: Array($0.name.utf8.prefix(255)), as: UTF8.self) }
        #expect(Set(names).count == names.count, "duplicate row names: \(names.filter { name in names.filter { $0 == name }.count > 1 })")
    }
}
