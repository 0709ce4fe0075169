// SPDX-License-Identifier: GPL-3.0-or-later

/// A quick heuristic plan for one service: repeatedly sign the group with the
/// largest saving among councils not yet placed (lazy greedy: a host's best
/// group is recomputed only when one of its members has been placed, since
/// placing councils can only lower the others' best values).
///
/// Used as the first incumbent of the exact search (checked feasible before
/// GLPK sees it). It ignores `keep_together` obligations, so on instances with
/// such rules it may be infeasible; the master then starts from phase 1.
enum GreedyPlan {
    static func plan(
        enumerator: GroupEnumerator, hosts: [Int]? = nil, outside: [Bool]? = nil, shouldStop: () -> Bool
    ) -> [GroupColumn] {
        let problem = enumerator.problem
        let spec = problem.services[enumerator.service]
        let prices = GroupPrices.savings(councils: problem.councilCount)
        var excluded = outside ?? [Bool](repeating: false, count: problem.councilCount)
        var cache: [Int: (GroupColumn, Double)?] = [:]
        var chosen: [GroupColumn] = []
        while !shouldStop() {
            var best: (GroupColumn, Double)?
            for host in hosts ?? spec.participants where !excluded[host] {
                let entry: (GroupColumn, Double)?
                if let cached = cache[host], cached.map({ !$0.0.members.contains { excluded[$0] } }) ?? true {
                    entry = cached
                } else {
                    entry = enumerator.bestGroup(
                        host: host, prices: prices, threshold: 0, excluded: excluded, shouldStop: shouldStop)
                    if shouldStop() { return chosen }
                    cache[host] = entry
                }
                if let entry, best == nil || entry.1 > best!.1 { best = entry }
            }
            guard let (group, _) = best else { break }
            chosen.append(group)
            for member in group.members { excluded[member] = true }
        }
        return chosen
    }
}
