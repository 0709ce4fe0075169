// SPDX-License-Identifier: GPL-3.0-or-later

extension BranchAndPrice {
    /// Unions of fractional LP groups, grown greedily, for the uniform
    /// subset-row cut `Σ_g ⌊|g ∩ S| / d⌋ x_g ≤ ⌊|S| / d⌋` (`d` the service's
    /// `max_members`; `SubsetRowCut.uniform`).
    ///
    /// The LP often covers a cluster of councils with groups of `d` members at
    /// 1/2 or 1/d, each overlapping the next, around a cycle: on generated
    /// 30 x 2 (seed 3) seven groups of four at 1/2 cover fourteen councils, 3.5
    /// groups where only three fit. No chain of four of those groups is
    /// violated; only the union of all seven is. For a union `S`, the cut's
    /// violation is `(|S| mod d)/d − slack(S)`, where
    /// `slack(S) = |S|/d − Σ_g ⌊|g ∩ S|/d⌋ x_g ≥ 0` is small when the groups
    /// inside `S` cover it. So, from each fractional group, the union grows by
    /// the overlapping fractional group that leaves the least slack (ties: the
    /// lower index), up to `maxCouncils` councils, and `body` gets each union
    /// (ascending councils, each once) whose size is not a multiple of `d`;
    /// the caller keeps the violated ones.
    ///
    /// Measured (release build, 60 s, this 2-core machine), against the chains
    /// of two to four groups alone: generated 30 x 2 seed 3 proven in 0.7 s
    /// (gap 0.22% after 60 s before); `bench generated` 50 x 4 1.6 s (2.4 s),
    /// 100 x 4 0.005% (0.184%), 200 x 4 0.016% (0.020-0.037%), 317 x 4 0.030%
    /// (0.046-0.053%); England 0.021% in three runs (0.089-0.107% in the same hour).
    func forEachGrownUnion(of support: [(members: [Int], x: Double)], supportOf: [Int: [Int]], denominator d: Int,
                           maxCouncils: Int = 60, _ body: ([Int]) -> Void) {
        let isFractional = support.map { $0.x < 1 - 1e-6 }
        var groupsOf = [[Int]](repeating: [], count: problem.councilCount)
        for (council, groups) in supportOf where council < groupsOf.count { groupsOf[council] = groups }
        var seen = Set<[Int]>()
        // Scratch state, reset after each seed: S's councils, |g ∩ S| for the
        // groups meeting S, and the counts a candidate would add.
        var isInside = [Bool](repeating: false, count: problem.councilCount)
        var inside: [Int] = []
        var meets = [Int](repeating: 0, count: support.count)
        var meeting: [Int] = []
        var extra = [Int](repeating: 0, count: support.count)
        var extraGroups: [Int] = []
        func join(_ council: Int) {
            isInside[council] = true
            inside.append(council)
            for group in groupsOf[council] {
                if meets[group] == 0 { meeting.append(group) }
                meets[group] += 1
            }
        }
        for seed in support.indices where isFractional[seed] {
            for council in inside { isInside[council] = false }
            for group in meeting { meets[group] = 0 }
            inside.removeAll(keepingCapacity: true)
            meeting.removeAll(keepingCapacity: true)
            for council in support[seed].members where !isInside[council] { join(council) }
            var left = 0.0
            for group in meeting { left += Double(meets[group] / d) * support[group].x }
            while inside.count < maxCouncils {
                var best: (slack: Double, group: Int, left: Double)?
                for group in meeting where isFractional[group] && meets[group] < support[group].members.count {
                    var addedCount = 0
                    for council in support[group].members where !isInside[council] { addedCount += 1 }
                    if inside.count + addedCount > maxCouncils { continue }
                    // The left side once the group's other councils join S: only the groups meeting them change.
                    for council in support[group].members where !isInside[council] {
                        for other in groupsOf[council] {
                            if extra[other] == 0 { extraGroups.append(other) }
                            extra[other] += 1
                        }
                    }
                    var newLeft = left
                    for other in extraGroups {
                        let before = meets[other]
                        newLeft += Double((before + extra[other]) / d - before / d) * support[other].x
                        extra[other] = 0
                    }
                    extraGroups.removeAll(keepingCapacity: true)
                    let slack = Double(inside.count + addedCount) / Double(d) - newLeft
                    if best == nil || slack < best!.slack - 1e-9 || (abs(slack - best!.slack) <= 1e-9 && group < best!.group) {
                        best = (slack, group, newLeft)
                    }
                }
                guard let step = best else { break }
                for council in support[step.group].members where !isInside[council] { join(council) }
                left = step.left
                if inside.count % d != 0 {
                    let councils = inside.sorted()
                    if seen.insert(councils).inserted { body(councils) }
                }
            }
        }
    }

    /// The subset-row cut on a union `S` sized to the LP's groups inside it:
    /// multiplier `1/s_i` on each council `i`, where `s_i` is the size of the
    /// smallest LP group inside `S` that holds `i` (`largest` when none does),
    ///
    ///     Σ_g ⌊Σ_{i ∈ g ∩ S} 1/s_i⌋ x_g  ≤  ⌊Σ_{i ∈ S} 1/s_i⌋.
    ///
    /// Every LP group `g` inside `S` has `s_i ≤ |g|` on its members, so its
    /// coefficient is at least one. It closes what neither uniform cut does
    /// when the groups inside differ in size: on a 51-district cluster
    /// of England's district back office (groups of up to five), six groups
    /// of five and one of four at 1/3 each inside twelve districts, 2.33
    /// groups where two fit. At 1/5 the group of four counts 0 (left side
    /// 2 ≤ 2), at 1/4 the right side is 3; with 1/4 on the four's districts
    /// and 1/5 on the other eight, every group counts 1 and the right side
    /// is ⌊2.6⌋ = 2. Nil when all `s_i` are equal (the uniform cut); the
    /// common denominator is the least common multiple of the sizes.
    static func sizedCut(_ councils: [Int], support: [(members: [Int], x: Double)], supportOf: [Int: [Int]],
                         largest: Int) -> SubsetRowCut? {
        let inside = Set(councils)
        var sizes: [Int] = []
        for council in councils {
            var size = largest
            for group in supportOf[council] ?? [] where support[group].members.count < size
                && support[group].members.allSatisfy({ inside.contains($0) }) {
                size = support[group].members.count
            }
            sizes.append(size)
        }
        guard let low = sizes.min(), let high = sizes.max(), low < high else { return nil }
        var common = 1
        for size in Set(sizes) { common = common / gcd(common, size) * size }
        return SubsetRowCut(councils: councils, weights: sizes.map { common / $0 }, denominator: common)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
