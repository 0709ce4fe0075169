// SPDX-License-Identifier: GPL-3.0-or-later

extension BranchAndPrice {
    /// A local search that improves a plan by exchanges over the master's pool.
    ///
    /// A move brings one pool group `g` (not in the plan) in, drops the plan's
    /// groups of the same service that share a council with it, and refills
    /// the councils they freed (those outside `g`) greedily, largest saving
    /// first, with pool groups whose members are all free. It is kept when
    /// the plan's saving rises by more than a rounding tolerance, so every
    /// kept move strictly improves and the search ends. Candidates are tried
    /// in order of saving, in passes until a pass changes nothing, `deadline`
    /// (seconds on `clock`) passes, or the search is stopped.
    ///
    /// A move is skipped unread when it cannot gain:
    /// `saving(g) − lost + Σ_{c freed} share(c) ≤ tolerance`, where `share(c)`
    /// is the largest `saving(h)/|h|` over pool groups `h ∋ c`. Any disjoint
    /// refill `R` of the freed councils has `Σ_{h∈R} saving(h) =
    /// Σ_{h∈R} Σ_{c∈h} saving(h)/|h| ≤ Σ_{c freed} share(c)`.
    ///
    /// Each group of the result is a pool column (so a valid group) and the
    /// groups of a service are disjoint; obligations (`keep_together`, node
    /// decisions) are not looked at: the caller checks the plan (`offer`).
    /// Retired columns are left out.
    func improveByExchange(_ master: GroupMaster, plan: [GroupColumn], until deadline: Double) -> [GroupColumn] {
        var result: [GroupColumn] = []
        for service in master.services {
            let own = plan.filter { $0.service == service }
            let pool = master.columns.indices.filter { !master.retired[$0] && master.columns[$0].service == service && master.columns[$0].saving > 0 }
                .map { master.columns[$0] }
            result += exchange(within: pool, plan: own, until: deadline)
        }
        return result
    }

    /// The exchange search of `improveByExchange` for the groups of one service.
    func exchange(within unsorted: [GroupColumn], plan: [GroupColumn], until deadline: Double) -> [GroupColumn] {
        // Largest saving first; ties by members, so the search is deterministic.
        let pool = unsorted.sorted { $0.saving != $1.saving ? $0.saving > $1.saving : $0.members.lexicographicallyPrecedes($1.members) }
        let councils = problem.councilCount
        var share = [Double](repeating: 0, count: councils)
        var containing = [[Int]](repeating: [], count: councils)
        for (offset, group) in pool.enumerated() {
            let perMember = group.saving / Double(group.members.count)
            for council in group.members {
                containing[council].append(offset)
                share[council] = max(share[council], perMember)
            }
        }
        // The plan as slots; `owner[c]` is the slot of the group holding council c.
        var slots: [GroupColumn?] = plan
        var owner = [Int?](repeating: nil, count: councils)
        for (slot, group) in plan.enumerated() { for council in group.members { owner[council] = slot } }
        var chosen = Set(plan.map(\.members))
        var total = plan.reduce(0) { $0 + $1.saving }
        var free = [Bool](repeating: false, count: councils)
        var seen = [Int](repeating: -1, count: pool.count)
        var changed = true
        var stamp = 0
        passes: while changed {
            changed = false
            for group in pool where !chosen.contains(group.members) {
                if stopping() || clock.seconds >= deadline { break passes }
                let tolerance = 1e-9 * max(1, abs(total))
                var dropped: [Int] = []
                for council in group.members {
                    if let slot = owner[council], !dropped.contains(slot) { dropped.append(slot) }
                }
                let lost = dropped.reduce(0) { $0 + slots[$1]!.saving }
                var freed: [Int] = []
                for slot in dropped {
                    for council in slots[slot]!.members where !group.members.contains(council) { freed.append(council) }
                }
                if group.saving - lost + freed.reduce(0, { $0 + share[$1] }) <= tolerance { continue }
                // Refill the freed councils greedily from the pool (`containing` lists are in pool order).
                for council in freed { free[council] = true }
                stamp += 1
                var candidates: [Int] = []
                for council in freed {
                    for other in containing[council] where seen[other] != stamp {
                        seen[other] = stamp
                        if pool[other].members.allSatisfy({ free[$0] }) { candidates.append(other) }
                    }
                }
                candidates.sort()
                var refill: [Int] = []
                var gained = 0.0
                for other in candidates where pool[other].members.allSatisfy({ free[$0] }) {
                    refill.append(other)
                    gained += pool[other].saving
                    for council in pool[other].members { free[council] = false }
                }
                for council in freed { free[council] = false }
                let gain = group.saving - lost + gained
                if gain <= tolerance { continue }
                // Keep the move.
                for slot in dropped {
                    chosen.remove(slots[slot]!.members)
                    for council in slots[slot]!.members { owner[council] = nil }
                    slots[slot] = nil
                }
                for added in [group] + refill.map({ pool[$0] }) {
                    slots.append(added)
                    chosen.insert(added.members)
                    for council in added.members { owner[council] = slots.count - 1 }
                }
                total += gain
                changed = true
            }
        }
        return slots.compactMap { $0 }
    }
}
