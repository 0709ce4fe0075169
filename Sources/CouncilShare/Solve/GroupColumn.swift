// SPDX-License-Identifier: GPL-3.0-or-later

/// One candidate group of one service: its members (ascending council
/// indices, host included), its best host, and its exact annual saving.
public struct GroupColumn: Hashable, Sendable {
    public var service: Int
    public var members: [Int]
    public var host: Int
    public var saving: Double

    public static func == (lhs: GroupColumn, rhs: GroupColumn) -> Bool {
        lhs.service == rhs.service && lhs.members == rhs.members
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        hasher.combine(members)
    }
}

/// Linear prices on groups, from the duals of a master LP:
/// `value(G) = savingWeight * saving(G) - sum_{i in G} councilPrice[i] - groupPrice
///             - sum of cut prices over the subset-row cuts that G meets twice`.
/// Pricing looks for groups of positive value; enumeration lists all groups
/// whose value exceeds a threshold.
public struct GroupPrices: Sendable {
    public var savingWeight: Double
    /// Indexed by council.
    public var councilPrice: [Double]
    public var groupPrice: Double
    /// Subset-row cuts of this service: three councils and the (non-negative) dual price.
    public var cuts: [(councils: [Int], price: Double)] = []

    public init(savingWeight: Double, councilPrice: [Double], groupPrice: Double) {
        self.savingWeight = savingWeight
        self.councilPrice = councilPrice
        self.groupPrice = groupPrice
    }

    /// The total price of the cuts that `members` (ascending) meets at least twice.
    public func cutPenalty(_ members: [Int]) -> Double {
        var total = 0.0
        for cut in cuts where cut.price > 0 {
            var hits = 0
            for council in cut.councils where members.contains(council) { hits += 1 }
            if hits >= 2 { total += cut.price }
        }
        return total
    }

    /// The priced value (reduced cost) of a column.
    public func value(of column: GroupColumn) -> Double {
        savingWeight * column.saving - column.members.reduce(0) { $0 + councilPrice[$1] } - groupPrice - cutPenalty(column.members)
    }

    /// Plain savings: the value of a group is its saving.
    public static func savings(councils: Int) -> GroupPrices {
        GroupPrices(savingWeight: 1, councilPrice: [Double](repeating: 0, count: councils), groupPrice: 0)
    }
}

/// Branching decisions for one service: pairs of councils that must be in
/// the same group or both outside every group (`together`), pairs that may
/// not share a group (`apart`) (Ryan-Foster), and councils that must share
/// (`mustShare`) or keep the service in-house (`inHouse`).
public struct BranchRules: Sendable, Equatable {
    public var together: [[Int]] = []
    /// Pair keys (`Problem.pairKey`).
    public var apart: Set<Int> = []
    public var mustShare: Set<Int> = []
    public var inHouse: Set<Int> = []
    public init() {}

    public var isEmpty: Bool { together.isEmpty && apart.isEmpty && mustShare.isEmpty && inHouse.isEmpty }

    /// Whether a group (ascending members) keeps every decision.
    func allows(_ members: [Int], problem: Problem) -> Bool {
        if !inHouse.isEmpty && members.contains(where: { inHouse.contains($0) }) { return false }
        for pair in together where members.contains(pair[0]) != members.contains(pair[1]) { return false }
        if !apart.isEmpty {
            for a in members { for b in members where a < b && apart.contains(problem.pairKey(a, b)) { return false } }
        }
        return true
    }
}
