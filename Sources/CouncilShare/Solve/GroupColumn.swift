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
/// `value(G) = savingWeight * saving(G) - sum_{i in G} councilPrice[i] - groupPrice`.
/// Pricing looks for groups of positive value; enumeration lists all groups
/// whose value exceeds a threshold.
public struct GroupPrices: Sendable {
    public var savingWeight: Double
    /// Indexed by council.
    public var councilPrice: [Double]
    public var groupPrice: Double

    public init(savingWeight: Double, councilPrice: [Double], groupPrice: Double) {
        self.savingWeight = savingWeight
        self.councilPrice = councilPrice
        self.groupPrice = groupPrice
    }

    /// Plain savings: the value of a group is its saving.
    public static func savings(councils: Int) -> GroupPrices {
        GroupPrices(savingWeight: 1, councilPrice: [Double](repeating: 0, count: councils), groupPrice: 0)
    }
}
