// SPDX-License-Identifier: GPL-3.0-or-later

extension GroupEnumerator {
    /// A cheap upper bound on the saving of any plan of this service among
    /// `councils`, for when the search stopped before its LP gave one.
    ///
    /// Each council's share of a group's saving is bounded on its own. For a
    /// group `G` with host `h`, pooled volume `V` and `k = |G| ≥ 2` members,
    ///
    ///     saving(G) ≤ Σ_{i∈G} spend_i − C(V) − (k − 1)·setup
    ///              ≤ Σ_{i∈G} (spend_i − ρ_i·v_i − setup / 2)
    ///
    /// where `ρ_i = C(V̄_i) / V̄_i` and `V̄_i` is the largest volume of a group
    /// holding `i` (its own volume plus the `max_members − 1` largest among the
    /// councils that can sit with it: members, with it, of some host's reach,
    /// and not in conflict with it). A concave curve with `C(0) ≥ 0` has
    /// `C(V)/V` non-increasing, so `C(V) ≥ Σ_{i∈G} ρ_i·v_i`, and
    /// `k − 1 ≥ k / 2`. Summing `max(0, ·)` over the councils bounds every
    /// plan, whatever the sign of its groups' savings. Distance costs are
    /// left out (they only lower savings).
    public func shareBound(councils: [Int]) -> Double {
        let spec = problem.services[service]
        let n = problem.councilCount
        var inPart = [Bool](repeating: false, count: n)
        for council in councils { inPart[council] = true }
        // Who can sit with whom: both in the reach of a common host (the host
        // included), as one bit row per council. (Sets of pairs took 1.6 s for
        // 360 councils that all reach each other, past a 5 s time limit.)
        let words = (n + 63) / 64
        var mates = [UInt64](repeating: 0, count: n * words)
        var reachBits = [UInt64](repeating: 0, count: words)
        for host in councils {
            let reach = [host] + reachOf(host).filter { inPart[$0] }
            for word in reachBits.indices { reachBits[word] = 0 }
            for a in reach { reachBits[a >> 6] |= 1 << UInt64(a & 63) }
            for a in reach { for word in 0..<words { mates[a * words + word] |= reachBits[word] } }
        }
        var total = 0.0
        for council in councils {
            let others = (0..<n).filter { other in
                other != council && mates[council * words + (other >> 6)] & (1 << UInt64(other & 63)) != 0
                    && !problem.conflict(service: service, council, other)
            }
            if others.isEmpty { continue }
            let largest = others.map { spec.volume[$0] }.sorted(by: >).prefix(spec.maxMembers - 1)
            let most = spec.volume[council] + largest.reduce(0, +)
            let rate = most > 0 ? spec.curve.cost(most) / most : 0
            total += max(0, spec.spend[council] - rate * spec.volume[council] - spec.setupCostPerYear / 2)
        }
        return total
    }
}
