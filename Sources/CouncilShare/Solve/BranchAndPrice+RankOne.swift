// SPDX-License-Identifier: GPL-3.0-or-later

import LinearModel

extension BranchAndPrice {
    /// Rank-1 Chvátal-Gomory cuts on a service's council rows, with any
    /// multipliers `w_i / k` (`w_i` whole, `0 ≤ w_i < k`): since every
    /// council is in at most one group of a plan,
    ///
    ///     Σ_g ⌊Σ_{i∈g} w_i / k⌋ x_g ≤ ⌊Σ_i w_i / k⌋
    ///
    /// holds for every plan (sum the council rows with weights `w_i / k`,
    /// round every coefficient down, then the right side, since the left is
    /// whole). It is a `SubsetRowCut` with those weights, so pricing respects
    /// it like the other shapes (`GroupPrices.cutPenalty`). The triples, the
    /// four- and five-council shapes and the uniform cuts on unions are
    /// special cases; this looks for violated ones over a whole cluster of
    /// the LP's fractional groups at once, for each `k` from 2 to
    /// `min(max_members, 5)`, by a local search on the weights
    /// (`rankOneWeights`). Whatever the search returns, the cut is rebuilt
    /// from the weights alone and kept only when the LP violates it by more
    /// than 0.01.
    ///
    /// Found on `instances/district-cluster-51.json`, the one fractional
    /// cluster of England's district back office after the other cuts: over
    /// its complete pool, GLPK's branch-and-bound on Fischetti and Lodi's
    /// separation program (2007) found cuts violated by up to 0.67 (3/4 on
    /// 37 districts, 1/2 on 41 by 0.47) where no other shape was violated.
    /// The local search finds such cuts in milliseconds, where that program
    /// needed its whole half-second limit and more.
    /// Returns how many cuts it added (also counted in `stats.rankOneCuts`).
    func separateRankOneCuts(_ master: GroupMaster, lp: LPResult, stats: inout SolveStatistics) -> Int {
        let added = separateRankOneCuts(columns: master.columns, values: master.groupValues(lp), services: master.services) {
            master.addCut(service: $0, $1)
        }
        stats.rankOneCuts += added
        return added
    }

    /// The search of `separateRankOneCuts(_:lp:stats:)` over `columns` at LP
    /// values `values`, each cut offered to `add` (true: it was added).
    func separateRankOneCuts(columns: [GroupColumn], values: [Double], services: [Int],
                             add: (Int, SubsetRowCut) -> Bool) -> Int {
        var added = 0
        for service in services {
            var support: [(members: [Int], x: Double)] = []
            for (offset, column) in columns.enumerated() where column.service == service {
                let x = values[offset]
                if x > 1e-6 { support.append((column.members, min(1, x))) }
            }
            // One search per cluster of councils that fractional groups link (a
            // cut over two unlinked clusters is no stronger than one on each).
            for councils in Self.fractionalClusters(support) where councils.count >= 3 {
                let slot = Dictionary(uniqueKeysWithValues: councils.enumerated().map { ($1, $0) })
                let meeting = support.filter { group in group.members.contains { slot[$0] != nil } }
                for k in 2...max(2, min(problem.services[service].maxMembers, 5)) {
                    guard let weights = Self.rankOneWeights(slot: slot, councilCount: councils.count,
                                                            support: meeting, k: k) else { continue }
                    let chosen = councils.indices.filter { weights[$0] > 0 }
                    let cut = SubsetRowCut(councils: chosen.map { councils[$0] }, weights: chosen.map { weights[$0] },
                                           denominator: k)
                    var lhs = 0.0
                    for group in meeting {
                        let coefficient = cut.coefficient(group.members)
                        if coefficient > 0 { lhs += Double(coefficient) * group.x }
                    }
                    if lhs - Double(cut.rightSide) > 1e-2, add(service, cut) { added += 1 }
                }
            }
        }
        return added
    }

    /// The councils of the fractional groups of `support`, split into the
    /// clusters that those groups link (ascending within each; clusters in
    /// the order of their smallest council).
    static func fractionalClusters(_ support: [(members: [Int], x: Double)]) -> [[Int]] {
        var parent: [Int: Int] = [:]
        func root(_ council: Int) -> Int {
            var council = council
            while let up = parent[council], up != council { council = up }
            return council
        }
        for group in support where group.x < 1 - 1e-6 && !group.members.isEmpty {
            for member in group.members where parent[member] == nil { parent[member] = member }
            let first = root(group.members[0])
            for member in group.members.dropFirst() {
                let other = root(member)
                if other != first { parent[other] = first }
            }
        }
        var clusters: [Int: [Int]] = [:]
        for council in parent.keys { clusters[root(council), default: []].append(council) }
        return clusters.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// Weights `w_i ∈ {0, …, k − 1}` (indexed by `slot`, the position of a
    /// council among `councilCount`) for which `support` violates the rank-1
    /// cut `Σ_g ⌊Σ_{i∈g} w_i / k⌋ x_g ≤ ⌊Σ_i w_i / k⌋` by more than 0.01, nil
    /// if the search finds none. From each uniform start (every `w_i` at
    /// `k − 1`, then at 1), it moves one weight up or down by one, taking the
    /// move that raises the violation most (the first such council on ties),
    /// until none does; the better of the two ends wins. Deterministic.
    static func rankOneWeights(slot: [Int: Int], councilCount n: Int, support: [(members: [Int], x: Double)],
                               k: Int) -> [Int]? {
        guard n > 0, k >= 2 else { return nil }
        var groupsOf = [[Int]](repeating: [], count: n)
        var inside: [[Int]] = []
        for (index, group) in support.enumerated() {
            let positions = group.members.compactMap { slot[$0] }
            inside.append(positions)
            for position in positions { groupsOf[position].append(index) }
        }
        var best: (weights: [Int], violation: Double)?
        for start in k == 2 ? [1] : [k - 1, 1] {
            var w = [Int](repeating: start, count: n)
            var sums = inside.map { $0.reduce(0) { $0 + w[$1] } }
            var total = w.reduce(0, +)
            var violation = -Double(total / k)
            for (index, group) in support.enumerated() { violation += group.x * Double(sums[index] / k) }
            for _ in 0..<(10 * n) {
                var move: (position: Int, delta: Int, gain: Double)?
                for position in 0..<n {
                    for delta in [-1, 1] where (0..<k).contains(w[position] + delta) {
                        var gain = -Double((total + delta) / k - total / k)
                        for index in groupsOf[position] {
                            gain += support[index].x * Double((sums[index] + delta) / k - sums[index] / k)
                        }
                        if gain > 1e-9 && (move == nil || gain > move!.gain + 1e-12) { move = (position, delta, gain) }
                    }
                }
                guard let chosen = move else { break }
                w[chosen.position] += chosen.delta
                total += chosen.delta
                for index in groupsOf[chosen.position] { sums[index] += chosen.delta }
                violation += chosen.gain
            }
            if violation > 1e-2, best == nil || violation > best!.violation + 1e-12 { best = (w, violation) }
        }
        return best?.weights
    }
}
