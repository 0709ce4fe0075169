// SPDX-License-Identifier: GPL-3.0-or-later

/// The location-allocation core shared by the classic benchmark families and
/// the council services: clients that must each be served by one open hub,
/// candidate hubs with an opening cost, an assignment cost per (client, hub),
/// optionally exactly `p` hubs, demands and hub capacities, and conflicts
/// (pairs of clients that may not share a hub).
///
/// A council service is the concave-cost member of this family: its clients
/// are the participating councils, its hubs the councils that may host, the
/// assignment cost the annual distance cost, `maxMembers` a cardinality
/// capacity, and party or forbidden pairs the conflicts (`Problem.locationCore`).
/// The OR-Library families are the linear-cost members: p-median (`p`, no hub
/// costs), uncapacitated facility location (hub costs, no `p`) and the
/// capacitated p-median (`p`, demands and capacities, single sourcing).
///
/// Costs are stored dense, client-major: `cost[client * hubCount + hub]`;
/// `.infinity` marks an assignment that is not allowed.
public struct LocationProblem: Sendable {
    public enum Family: String, Sendable, CaseIterable {
        case pmedian = "pmed", facilityLocation = "ufl", capacitatedPMedian = "cpmp"
        case councilService = "council"
    }

    public var name: String
    public var family: Family
    public var clientCount: Int
    public var hubCount: Int
    public var cost: [Double]
    public var hubCost: [Double]
    /// Exactly this many hubs open (nil: as many as pay for themselves).
    public var p: Int?
    public var demand: [Double]?
    public var capacity: [Double]?
    /// For families where every vertex is both a client and a candidate hub:
    /// the hub that is client `i` itself (an open hub serves its own vertex).
    public var selfHub: [Int]?
    /// Pairs of clients that may not be assigned to the same hub.
    public var conflicts: [(Int, Int)] = []

    public init(name: String, family: Family, clientCount: Int, hubCount: Int, cost: [Double],
                hubCost: [Double]? = nil, p: Int? = nil, demand: [Double]? = nil, capacity: [Double]? = nil,
                selfHub: [Int]? = nil) {
        precondition(cost.count == clientCount * hubCount, "cost matrix size")
        self.name = name
        self.family = family
        self.clientCount = clientCount
        self.hubCount = hubCount
        self.cost = cost
        self.hubCost = hubCost ?? Array(repeating: 0, count: hubCount)
        self.p = p
        self.demand = demand
        self.capacity = capacity
        self.selfHub = selfHub
    }

    @inline(__always) public func cost(_ client: Int, _ hub: Int) -> Double { cost[client * hubCount + hub] }

    public var isCapacitated: Bool { capacity != nil }

    /// For each client, the hubs it may use (finite cost), cheapest first,
    /// ties by hub index: the cost levels of the radius formulation. (The
    /// council group enumerator reads the same finiteness, per host.)
    public func hubsByCost() -> [[Int32]] {
        (0..<clientCount).map { client in
            let row = client * hubCount
            return (0..<hubCount).filter { cost[row + $0].isFinite }
                .sorted { cost[row + $0] != cost[row + $1] ? cost[row + $0] < cost[row + $1] : $0 < $1 }
                .map { Int32($0) }
        }
    }

    /// The cost of serving every client from its cheapest hub among `open`
    /// (uncapacitated), plus the opening costs; `.infinity` when a client has
    /// no allowed open hub or `p` is set and not met. Also returns the assignment.
    public func evaluate(open: [Int]) -> (cost: Double, assignment: [Int]) {
        if let p, open.count != p { return (.infinity, Array(repeating: -1, count: clientCount)) }
        var total = open.reduce(0) { $0 + hubCost[$1] }
        var assignment = Array(repeating: -1, count: clientCount)
        for client in 0..<clientCount {
            var best = Double.infinity, bestHub = -1
            let row = client * hubCount
            for hub in open where cost[row + hub] < best || (cost[row + hub] == best && hub < bestHub) {
                best = cost[row + hub]; bestHub = hub
            }
            if bestHub < 0 { return (.infinity, assignment) }
            total += best
            assignment[client] = bestHub
        }
        return (total, assignment)
    }

    /// Re-scores an assignment from scratch and names the first rule it
    /// breaks: every client assigned to an open, allowed hub; exactly `p` hubs
    /// when `p` is set; capacities; conflicts. Independent of every formulation.
    public func check(open: [Int], assignment: [Int]) -> (cost: Double, violation: String?) {
        let openSet = Set(open)
        if openSet.count != open.count { return (.infinity, "a hub is listed twice") }
        if let bad = open.first(where: { !(0..<hubCount).contains($0) }) { return (.infinity, "hub \(bad + 1) does not exist") }
        if let p, open.count != p { return (.infinity, "\(open.count) hubs are open, p = \(p)") }
        guard assignment.count == clientCount else { return (.infinity, "assignment has \(assignment.count) clients, not \(clientCount)") }
        var load = Array(repeating: 0.0, count: hubCount)
        var total = open.reduce(0) { $0 + hubCost[$1] }
        for client in 0..<clientCount {
            let hub = assignment[client]
            guard openSet.contains(hub) else { return (.infinity, "client \(client + 1) is assigned to hub \(hub + 1), which is not open") }
            let c = cost(client, hub)
            guard c.isFinite else { return (.infinity, "client \(client + 1) may not use hub \(hub + 1)") }
            total += c
            load[hub] += demand?[client] ?? 1
        }
        if let capacity {
            for hub in open where load[hub] > capacity[hub] + 1e-9 {
                return (.infinity, "hub \(hub + 1) carries \(load[hub]) over its capacity \(capacity[hub])")
            }
        }
        for (a, b) in conflicts where assignment[a] == assignment[b] {
            return (.infinity, "clients \(a + 1) and \(b + 1) conflict but share hub \(assignment[a] + 1)")
        }
        return (total, nil)
    }
}
