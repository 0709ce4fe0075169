// SPDX-License-Identifier: GPL-3.0-or-later

/// A heuristic incumbent for the capacitated p-median problem (single
/// sourcing): every client goes to exactly one of `p` open hubs, and the
/// demand a hub serves stays within its capacity.
///
/// 1. **Medians:** the uncapacitated p-median heuristic's hubs.
/// 2. **Assignment:** clients in decreasing regret order (the cost of their
///    second cheapest open hub minus their cheapest), each to its cheapest
///    open hub with room; if that order gets stuck, the regret is recomputed
///    after every assignment over the hubs that still have room.
/// 3. **Assignment search:** best shifts (one client to another hub with room)
///    and swaps (two clients of different hubs exchange hubs, capacities
///    permitting) until neither improves.
/// 4. **Median search:** relocation (each cluster moves to the hub that
///    serves it most cheaply and can carry it: the location step of a
///    location-allocation alternation) and substitution (close one open hub,
///    open one of the hubs nearest to it, reassign), first improvement.
///
/// The result is checked with `LocationProblem.check`; it is a starting
/// incumbent, never a claim of optimality.
public struct CapacitatedHeuristic {
    public struct Plan: Sendable, Equatable {
        /// Open hubs, ascending.
        public var open: [Int]
        public var assignment: [Int]
        public var cost: Double
    }

    public let problem: LocationProblem
    private let demand: [Double]
    private let capacity: [Double]
    private let p: Int
    /// Non-open hubs tried in place of an open hub in the substitution move.
    var neighbours = 10

    public init(problem: LocationProblem) {
        precondition(problem.capacity != nil && problem.p != nil, "a capacitated p-median problem")
        self.problem = problem
        demand = problem.demand ?? Array(repeating: 1, count: problem.clientCount)
        capacity = problem.capacity!
        p = problem.p!
    }

    /// A feasible plan, or nil when none was found (the problem may still be feasible).
    public func solve(shouldStop: () -> Bool = { false }) -> Plan? {
        let medians = LocationHeuristic(problem: problem).solve(shouldStop: shouldStop)
        var best: Plan?
        if medians.count == p, let plan = plan(open: medians) { best = plan }
        if best == nil, let plan = plan(open: largestHubs()) { best = plan }
        guard var current = best else { return nil }
        improveMedians(&current, shouldStop: shouldStop)
        let verdict = problem.check(open: current.open, assignment: current.assignment)
        guard verdict.violation == nil else { return nil }
        current.cost = verdict.cost
        return current
    }

    /// The `p` hubs with the largest capacity (ties by index): a fallback
    /// start when the uncapacitated medians cannot carry the demand.
    private func largestHubs() -> [Int] {
        Array((0..<problem.hubCount).sorted { capacity[$0] != capacity[$1] ? capacity[$0] > capacity[$1] : $0 < $1 }.prefix(p))
    }

    /// Assigns and improves the assignment for fixed open hubs.
    func plan(open: [Int]) -> Plan? {
        guard var assignment = assign(open: open) else { return nil }
        improveAssignment(open: open, &assignment)
        return Plan(open: open.sorted(), assignment: assignment, cost: total(assignment))
    }

    func total(_ assignment: [Int]) -> Double {
        var sum = 0.0
        for (client, hub) in assignment.enumerated() { sum += problem.cost(client, hub) }
        return sum
    }

    /// Regret-ordered assignment to the cheapest open hub with room.
    func assign(open: [Int]) -> [Int]? {
        let n = problem.clientCount
        var regret = Array(repeating: 0.0, count: n)
        for client in 0..<n {
            var first = Double.infinity, second = Double.infinity
            for hub in open {
                let c = problem.cost(client, hub)
                if c < first { second = first; first = c } else if c < second { second = c }
            }
            if !first.isFinite { return nil }
            regret[client] = second.isFinite ? second - first : .greatestFiniteMagnitude
        }
        let order = (0..<n).sorted { regret[$0] != regret[$1] ? regret[$0] > regret[$1] : demand[$0] > demand[$1] }
        var residual = capacity
        var assignment = Array(repeating: -1, count: n)
        var stuck = false
        for client in order {
            var bestHub = -1, best = Double.infinity
            for hub in open where residual[hub] >= demand[client] - 1e-9 && problem.cost(client, hub) < best {
                best = problem.cost(client, hub); bestHub = hub
            }
            if bestHub < 0 { stuck = true; break }
            assignment[client] = bestHub
            residual[bestHub] -= demand[client]
        }
        return stuck ? assignDynamic(open: open) : assignment
    }

    /// Regret recomputed after each assignment, over hubs that still have room.
    private func assignDynamic(open: [Int]) -> [Int]? {
        let n = problem.clientCount
        var residual = capacity
        var assignment = Array(repeating: -1, count: n)
        for _ in 0..<n {
            var pick = -1, pickHub = -1, pickRegret = -Double.infinity
            for client in 0..<n where assignment[client] < 0 {
                var first = Double.infinity, second = Double.infinity, firstHub = -1
                for hub in open where residual[hub] >= demand[client] - 1e-9 {
                    let c = problem.cost(client, hub)
                    if c < first { second = first; first = c; firstHub = hub } else if c < second { second = c }
                }
                if firstHub < 0 { return nil }
                let value = second.isFinite ? second - first : .greatestFiniteMagnitude
                if value > pickRegret || (value == pickRegret && demand[client] > demand[pick]) {
                    pick = client; pickHub = firstHub; pickRegret = value
                }
            }
            assignment[pick] = pickHub
            residual[pickHub] -= demand[pick]
        }
        return assignment
    }

    /// Best-improvement shifts and swaps until neither improves.
    func improveAssignment(open: [Int], _ assignment: inout [Int]) {
        let n = problem.clientCount
        var residual = capacity
        for client in 0..<n { residual[assignment[client]] -= demand[client] }
        let tolerance = 1e-9
        while true {
            var improved = false
            for client in 0..<n {
                let from = assignment[client]
                var bestHub = -1, bestDelta = -tolerance
                for hub in open where hub != from && residual[hub] >= demand[client] - 1e-9 {
                    let delta = problem.cost(client, hub) - problem.cost(client, from)
                    if delta < bestDelta { bestDelta = delta; bestHub = hub }
                }
                if bestHub >= 0 {
                    assignment[client] = bestHub
                    residual[from] += demand[client]; residual[bestHub] -= demand[client]
                    improved = true
                }
            }
            for a in 0..<n {
                let hubA = assignment[a]
                var bestPartner = -1, bestDelta = -tolerance
                for b in (a + 1)..<max(a + 1, n) {
                    let hubB = assignment[b]
                    if hubB == hubA { continue }
                    let delta = problem.cost(a, hubB) + problem.cost(b, hubA) - problem.cost(a, hubA) - problem.cost(b, hubB)
                    guard delta < bestDelta else { continue }
                    let shift = demand[a] - demand[b]
                    if residual[hubB] - shift >= -1e-9 && residual[hubA] + shift >= -1e-9 { bestDelta = delta; bestPartner = b }
                }
                if bestPartner >= 0 {
                    let hubB = assignment[bestPartner]
                    let shift = demand[a] - demand[bestPartner]
                    residual[hubB] -= shift; residual[hubA] += shift
                    assignment[a] = hubB; assignment[bestPartner] = hubA
                    improved = true
                }
            }
            if !improved { return }
        }
    }

    /// Relocation and substitution of medians, first improvement, until neither improves.
    func improveMedians(_ plan: inout Plan, shouldStop: () -> Bool) {
        let m = problem.hubCount
        let tolerance = 1e-9
        var improved = true
        while improved && !shouldStop() {
            improved = false
            // Relocation: each cluster to the hub that serves it most cheaply.
            var open = plan.open
            var isOpen = Array(repeating: false, count: m)
            for hub in open { isOpen[hub] = true }
            for (slot, hub) in open.enumerated() {
                let members = plan.assignment.indices.filter { plan.assignment[$0] == hub }
                let load = members.reduce(0.0) { $0 + demand[$1] }
                var bestHub = hub, best = members.reduce(0.0) { $0 + problem.cost($1, hub) }
                for candidate in 0..<m where !isOpen[candidate] && capacity[candidate] >= load - 1e-9 {
                    var sum = 0.0
                    for client in members { sum += problem.cost(client, candidate); if sum >= best { break } }
                    if sum < best - tolerance { best = sum; bestHub = candidate }
                }
                if bestHub != hub {
                    isOpen[hub] = false; isOpen[bestHub] = true
                    open[slot] = bestHub
                    for client in members { plan.assignment[client] = bestHub }
                }
            }
            if open.sorted() != plan.open {
                var assignment = plan.assignment
                improveAssignment(open: open, &assignment)
                let cost = total(assignment)
                if cost < plan.cost - tolerance {
                    plan = Plan(open: open.sorted(), assignment: assignment, cost: cost)
                    improved = true
                    continue
                }
            }
            // Substitution: close one open hub, open one of its nearest closed hubs.
            search: for hub in plan.open {
                if shouldStop() { return }
                let vertex = problem.selfHub?.firstIndex(of: hub)
                let nearness: (Int) -> Double = { other in vertex.map { problem.cost($0, other) } ?? Double(abs(other - hub)) }
                let candidates = (0..<m).filter { !plan.open.contains($0) }
                    .sorted { nearness($0) != nearness($1) ? nearness($0) < nearness($1) : $0 < $1 }.prefix(neighbours)
                for candidate in candidates {
                    let trial = plan.open.map { $0 == hub ? candidate : $0 }
                    if let next = self.plan(open: trial), next.cost < plan.cost - tolerance {
                        plan = next
                        improved = true
                        break search
                    }
                }
            }
        }
    }
}
