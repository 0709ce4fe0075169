// SPDX-License-Identifier: GPL-3.0-or-later

/// A validated instance in index form: councils and services are numbered,
/// distances and conflicts are precomputed, every rule of MODEL.md §1-3 is
/// resolved to numbers. Build one with `Problem(instance:file:)`, which
/// throws an `InputError` naming the file, record and field of any bad input.
public struct Problem: Sendable {
    public struct Council: Sendable, Equatable {
        public var id: String
        public var name: String
        public var lat: Double
        public var lon: Double
        public var tier: String?
        public var party: String?
        public var population: Double?
        public var controllableSpend: Double?
    }

    public struct Service: Sendable {
        public var id: String
        public var name: String
        public var curve: CostCurve
        /// Set when the curve was fitted from the spend rows.
        public var fit: CurveFit?
        public var maxMembers: Int
        /// `.infinity` when unlimited.
        public var maxDistanceKm: Double
        public var distanceCostPerKm: Double
        /// `setup_cost_per_member / setup_years`, paid by each non-host member.
        public var setupCostPerYear: Double
        public var tiers: [String]?
        public var contiguous: Bool
        /// Councils that may share this service (spend row, tier, not opted out), ascending.
        public var participants: [Int]
        /// Indexed by council; 0 for councils without a spend row.
        public var spend: [Double]
        public var volume: [Double]
        public var hasSpendRow: [Bool]
        public var optedOut: [Bool]
        /// Pairs (a < b) that must be in one group for this service.
        public var keepTogether: [(Int, Int)]
        /// Pairs (a < b) forbidden for this service only (not counting party rules).
        public var forbidden: Set<Int>
    }

    public enum Objective: String, Sendable { case maxSaving = "max_saving", minGroups = "min_groups" }

    public var name: String
    public var councils: [Council]
    public var services: [Service]
    /// Row-major n x n distances in km.
    public var distances: [Double]
    /// Neighbour lists (ascending) from `adjacency`.
    public var neighbours: [[Int]]
    /// Pairs (a < b) of councils whose parties are incompatible.
    public var partyConflicts: Set<Int>
    public var minGroupSavingFraction: Double
    /// The target in GBP (resolved from a fraction when given as one).
    public var targetSaving: Double?
    public var targetFraction: Double?
    public var objective: Objective
    /// The base of a fractional target: the sum of controllable spend when
    /// every council gives one, else the sum of all spend rows.
    public var savingBase: Double
    public var indexOfCouncil: [String: Int]
    public var indexOfService: [String: Int]

    public var councilCount: Int { councils.count }

    public func distance(_ a: Int, _ b: Int) -> Double { distances[a * councils.count + b] }

    func pairKey(_ a: Int, _ b: Int) -> Int { a < b ? a * councils.count + b : b * councils.count + a }

    /// True when `a` and `b` may never sit in one group of `service`.
    public func conflict(service: Int, _ a: Int, _ b: Int) -> Bool {
        let key = pairKey(a, b)
        return partyConflicts.contains(key) || services[service].forbidden.contains(key)
    }

    /// Re-targets the problem (command-line overrides). A fraction is taken of `savingBase`.
    public mutating func setTarget(saving: Double?, fraction: Double?) {
        if let saving {
            targetSaving = saving
            targetFraction = nil
        } else if let fraction {
            targetFraction = fraction
            targetSaving = fraction * savingBase
        }
    }
}

// MARK: - Scoring a group (MODEL.md §2)

extension Problem {
    /// Annual cost of a group run by `host`: the curve at the pooled volume plus,
    /// for every other member, distance cost and annualised set-up cost.
    public func groupCost(service index: Int, members: [Int], host: Int) -> Double {
        let service = services[index]
        var volume = 0.0, extra = 0.0
        for member in members {
            volume += service.volume[member]
            if member != host {
                extra += service.distanceCostPerKm * distance(member, host) + service.setupCostPerYear
            }
        }
        return service.curve.cost(volume) + extra
    }

    public func groupSpend(service index: Int, members: [Int]) -> Double {
        members.reduce(0) { $0 + services[index].spend[$1] }
    }

    /// The saving of a group: members' spend minus its annual cost.
    public func groupSaving(service index: Int, members: [Int], host: Int) -> Double {
        groupSpend(service: index, members: members) - groupCost(service: index, members: members, host: host)
    }

    /// Whether every member is within the service's distance limit of `host`.
    public func hostReaches(service index: Int, members: [Int], host: Int) -> Bool {
        let limit = services[index].maxDistanceKm
        return members.allSatisfy { distance($0, host) <= limit }
    }

    /// The member that hosts this group best: feasible under the distance
    /// limit, largest saving, ties to the lowest council index. Nil if none.
    public func bestHost(service index: Int, members: [Int]) -> (host: Int, saving: Double)? {
        var best: (host: Int, saving: Double)?
        for host in members.sorted() where hostReaches(service: index, members: members, host: host) {
            let saving = groupSaving(service: index, members: members, host: host)
            if best == nil || saving > best!.saving { best = (host, saving) }
        }
        return best
    }

    /// Whether the members are connected through `adjacency` pairs.
    public func isConnected(_ members: [Int]) -> Bool {
        guard let first = members.first else { return true }
        var reached: Set<Int> = [first]
        var stack = [first]
        let inGroup = Set(members)
        while let current = stack.popLast() {
            for next in neighbours[current] where inGroup.contains(next) && !reached.contains(next) {
                reached.insert(next)
                stack.append(next)
            }
        }
        return reached.count == inGroup.count
    }
}
