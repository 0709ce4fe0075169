// SPDX-License-Identifier: GPL-3.0-or-later

/// A heuristic incumbent for the uncapacitated families (p-median, UFL):
/// greedy construction, then best-improvement vertex substitution
/// (Teitz-Bart swaps; for the UFL also adding and dropping a hub), evaluated
/// in O(clients x hubs) per pass with each client's nearest and second
/// nearest open hub (Whitaker's fast interchange). The result is a local
/// optimum: a starting incumbent and the source of the first radii for the
/// exact formulation, never a claim of optimality.
public struct LocationHeuristic {
    public let problem: LocationProblem

    public init(problem: LocationProblem) { self.problem = problem }

    public func solve(shouldStop: () -> Bool = { false }) -> [Int] {
        var open = greedy()
        improve(&open, shouldStop: shouldStop)
        return open.sorted()
    }

    /// Iterated local search: from the best plan, swap a few open hubs for
    /// random closed ones, descend again, keep the result if it is better.
    /// A fixed number of rounds from a fixed seed, so answers do not depend
    /// on timing.
    public func perturb(_ open: [Int], rounds: Int, seed: UInt64, shouldStop: () -> Bool = { false }) -> [Int] {
        var best = open, bestCost = problem.evaluate(open: open).cost
        var random = SplitMix64(seed: seed)
        let m = problem.hubCount
        guard open.count < m, !open.isEmpty else { return open }
        for _ in 0..<rounds where !shouldStop() {
            var trial = best
            let kicks = 1 + Int(random.next() % UInt64(min(3, trial.count)))
            for _ in 0..<kicks {
                let out = Int(random.next() % UInt64(trial.count))
                var incoming = Int(random.next() % UInt64(m))
                while trial.contains(incoming) { incoming = (incoming + 1) % m }
                trial[out] = incoming
            }
            improve(&trial, shouldStop: shouldStop)
            let cost = problem.evaluate(open: trial).cost
            if cost < bestCost - 1e-9 { best = trial; bestCost = cost }
        }
        return best.sorted()
    }

    /// Adds the hub that lowers the cost most until `p` hubs are open (or, for
    /// the UFL, until no hub pays for itself).
    func greedy() -> [Int] {
        let n = problem.clientCount, m = problem.hubCount
        var nearest = Array(repeating: Double.infinity, count: n)
        var open: [Int] = []
        var isOpen = Array(repeating: false, count: m)
        let target = problem.p ?? m
        while open.count < target {
            var bestHub = -1, bestDelta = Double.infinity
            for hub in 0..<m where !isOpen[hub] {
                var delta = problem.hubCost[hub]
                for client in 0..<n {
                    let c = problem.cost(client, hub)
                    if c < nearest[client] { delta += nearest[client].isFinite ? c - nearest[client] : c - 1e15 }
                }
                if delta < bestDelta { bestDelta = delta; bestHub = hub }
            }
            if bestHub < 0 { break }
            if problem.p == nil && bestDelta >= 0 && !open.isEmpty { break }
            open.append(bestHub)
            isOpen[bestHub] = true
            for client in 0..<n { nearest[client] = min(nearest[client], problem.cost(client, bestHub)) }
        }
        return open
    }

    /// Each client's nearest and second nearest open hub.
    private func nearestTwo(_ open: [Int]) -> (first: [Int], d1: [Double], d2: [Double]) {
        let n = problem.clientCount
        var first = Array(repeating: -1, count: n)
        var d1 = Array(repeating: Double.infinity, count: n), d2 = d1
        for client in 0..<n {
            for hub in open {
                let c = problem.cost(client, hub)
                if c < d1[client] { d2[client] = d1[client]; d1[client] = c; first[client] = hub } else if c < d2[client] { d2[client] = c }
            }
        }
        return (first, d1, d2)
    }

    /// Best-improvement local search over swaps (and adds/drops without `p`).
    func improve(_ open: inout [Int], shouldStop: () -> Bool) {
        let n = problem.clientCount, m = problem.hubCount
        let tolerance = 1e-9
        while !shouldStop() {
            let (first, d1, d2) = nearestTwo(open)
            var isOpen = Array(repeating: false, count: m)
            for hub in open { isOpen[hub] = true }
            // Loss of closing r alone: its clients move to their second hub.
            var dropLoss = Array(repeating: 0.0, count: m)
            for client in 0..<n where first[client] >= 0 { dropLoss[first[client]] += d2[client] - d1[client] }
            var best = (delta: -tolerance, insert: -1, remove: -1)
            var extra = Array(repeating: 0.0, count: m)
            for hub in 0..<m where !isOpen[hub] {
                // gain: clients that move to `hub` whichever hub closes;
                // extra[r]: for r's clients that do not move to `hub`, closing r costs
                // min(c, d2) - d1 instead of the full d2 - d1 in dropLoss.
                var gain = 0.0
                for r in open { extra[r] = 0 }
                for client in 0..<n {
                    let c = problem.cost(client, hub)
                    if c < d1[client] {
                        gain += c - d1[client]
                        // Closing its current hub no longer costs this client anything extra.
                        if first[client] >= 0 { extra[first[client]] -= d2[client] - d1[client] }
                    } else if c < d2[client] {
                        extra[first[client]] -= d2[client] - c
                    }
                }
                let add = problem.hubCost[hub] + gain
                if problem.p == nil, add < best.delta, gain.isFinite { best = (add, hub, -1) }
                for r in open {
                    let delta = add - problem.hubCost[r] + dropLoss[r] + extra[r]
                    if delta < best.delta, delta.isFinite { best = (delta, hub, r) }
                }
            }
            if problem.p == nil && open.count > 1 {
                for r in open {
                    let delta = dropLoss[r] - problem.hubCost[r]
                    if delta < best.delta, delta.isFinite { best = (delta, -1, r) }
                }
            }
            guard best.insert >= 0 || best.remove >= 0 else { return }
            if best.remove >= 0 { open.removeAll { $0 == best.remove } }
            if best.insert >= 0 { open.append(best.insert) }
        }
    }
}
