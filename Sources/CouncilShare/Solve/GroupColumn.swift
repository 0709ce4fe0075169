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

/// A subset-row cut (a rank-1 Chvátal-Gomory cut) on a few councils `S` of
/// one service: the rows `Σ_{g ∋ i} x_g ≤ 1` of `i ∈ S` with multipliers
/// `w_i / d`, added and rounded down,
///
///     Σ_g ⌊Σ_{i ∈ g ∩ S} w_i / d⌋ · x_g  ≤  ⌊Σ_{i ∈ S} w_i / d⌋,
///
/// which every plan meets (the sum is at most `Σ w_i / d` for any plan,
/// and its left side is an integer once each coefficient is rounded down).
/// The three shapes used (Jepsen et al. 2008; Pecin et al. 2017) are the
/// ones that cut off the LP's usual fractional patterns over groups of up to
/// five: three councils at 1/2 (`triple`: a group meeting two of them counts
/// once, right side 1), four councils at 2/3, 1/3, 1/3, 1/3 (`four`: right
/// side 1) and five councils at 1/3 (`five`: a group meeting three counts
/// once, right side 1). A fourth, `uniform`, puts 1/d on every council of
/// a union of overlapping groups of the LP (`d` the service's
/// `max_members`, or one less): at most `⌊|S| / d⌋` groups with `d` of them
/// fit in a plan. On England's district back office, whose groups all have five
/// members, the LP puts 2.5-2.6 such groups inside 13 or 14 councils, which
/// hold only two (found offline on a dump of its root LP); on generated
/// 30 x 2, 3.5 groups of four inside 14 councils
/// (`BranchAndPrice.forEachGrownUnion`). A fifth puts `1/s_i` on each council
/// of such a union, `s_i` the size of the smallest LP group inside it that
/// holds the council (`BranchAndPrice.sizedCut`, over a common denominator),
/// for unions whose groups differ in size.
public struct SubsetRowCut: Hashable, Sendable {
    /// Ascending council indices.
    public let councils: [Int]
    /// The numerators `w_i`, parallel to `councils`.
    public let weights: [Int]
    public let denominator: Int

    public init(councils: [Int], weights: [Int], denominator: Int) {
        precondition(councils.count == weights.count && denominator > 0, "one weight per council")
        let order = councils.indices.sorted { councils[$0] < councils[$1] }
        self.councils = order.map { councils[$0] }
        self.weights = order.map { weights[$0] }
        self.denominator = denominator
    }

    /// Three councils at 1/2.
    public static func triple(_ councils: [Int]) -> SubsetRowCut {
        SubsetRowCut(councils: councils, weights: [1, 1, 1], denominator: 2)
    }

    /// `heavy` at 2/3 and three others at 1/3.
    public static func four(heavy: Int, _ others: [Int]) -> SubsetRowCut {
        SubsetRowCut(councils: [heavy] + others, weights: [2, 1, 1, 1], denominator: 3)
    }

    /// Five councils at 1/3.
    public static func five(_ councils: [Int]) -> SubsetRowCut {
        SubsetRowCut(councils: councils, weights: [1, 1, 1, 1, 1], denominator: 3)
    }

    /// Every council at `1/denominator`: at most `⌊|S| / d⌋` groups with `d` or
    /// more members of `S` fit in a plan (a group meeting `2d` of them counts twice).
    public static func uniform(_ councils: [Int], denominator: Int) -> SubsetRowCut {
        SubsetRowCut(councils: councils, weights: [Int](repeating: 1, count: councils.count), denominator: denominator)
    }

    /// True for `uniform` cuts other than a `triple` or a `five` (which are
    /// uniform too): the shape on unions of groups.
    public var isUnionShape: Bool {
        weights.allSatisfy { $0 == 1 } && !(councils.count == 3 && denominator == 2)
            && !(councils.count == 5 && denominator == 3)
    }

    /// The right-hand side `⌊Σ w_i / d⌋`.
    public var rightSide: Int { weights.reduce(0, +) / denominator }

    /// The coefficient of a group with these members.
    public func coefficient(_ members: [Int]) -> Int {
        var total = 0
        for (council, weight) in zip(councils, weights) where members.contains(council) { total += weight }
        return total / denominator
    }

    /// Each council's weight in this cut (0 outside it), indexed by council,
    /// for `coefficient(_:weightOf:)` over many groups.
    public func weightOf(councilCount: Int) -> [Int] {
        var weightOf = [Int](repeating: 0, count: councilCount)
        for (council, weight) in zip(councils, weights) { weightOf[council] = weight }
        return weightOf
    }

    /// `coefficient(members)` in one pass over the members, with the table
    /// of `weightOf(councilCount:)`.
    public func coefficient(_ members: [Int], weightOf: [Int]) -> Int {
        var total = 0
        for member in members { total += weightOf[member] }
        return total / denominator
    }

    /// The cut's positive coefficients on the columns at `offsets` of
    /// `columns` that belong to `service`, in the order of `offsets` (each
    /// offset at most once), with the table of `weightOf(councilCount:)`:
    /// the cut's row over those columns.
    func terms(over columns: [GroupColumn], at offsets: some Sequence<Int>, service: Int,
               weightOf: [Int]) -> [(offset: Int, coefficient: Int)] {
        var terms: [(offset: Int, coefficient: Int)] = []
        for offset in offsets where columns[offset].service == service {
            let value = coefficient(columns[offset].members, weightOf: weightOf)
            if value > 0 { terms.append((offset, value)) }
        }
        return terms
    }
}

/// Linear prices on groups, from the duals of a master LP:
/// `value(G) = savingWeight * saving(G) - sum_{i in G} councilPrice[i] - groupPrice
///             - sum over the subset-row cuts of price × coefficient(G)`.
/// Pricing looks for groups of positive value; enumeration lists all groups
/// whose value exceeds a threshold.
public struct GroupPrices: Sendable {
    public var savingWeight: Double
    /// Indexed by council.
    public var councilPrice: [Double]
    public var groupPrice: Double
    /// Subset-row cuts of this service and their (non-negative) dual prices.
    public var cuts: [(cut: SubsetRowCut, price: Double)] = [] { didSet { indexCuts() } }
    /// For each council `c`, the cuts of positive price that weigh it, by
    /// cut: entries `cutsStart[c] ..< cutsStart[c + 1]` of `cutsIndex` (into
    /// `cuts`) and `cutsWeight`. Flat, so that `cutPenalty` copies no array.
    /// Empty when no cut has a positive price.
    private var cutsStart: [Int] = []
    private var cutsIndex: [Int] = []
    private var cutsWeight: [Int] = []
    /// Each cut's price and denominator, by index into `cuts`.
    private var cutsPrice: [Double] = []
    private var cutsDenominator: [Int] = []

    public init(savingWeight: Double, councilPrice: [Double], groupPrice: Double) {
        self.savingWeight = savingWeight
        self.councilPrice = councilPrice
        self.groupPrice = groupPrice
    }

    private mutating func indexCuts() {
        cutsStart = []
        cutsIndex = []
        cutsWeight = []
        cutsPrice = cuts.map(\.price)
        cutsDenominator = cuts.map(\.cut.denominator)
        guard cuts.contains(where: { $0.price > 0 }) else { return }
        var count = [Int](repeating: 0, count: councilPrice.count + 1)
        for entry in cuts where entry.price > 0 { for council in entry.cut.councils { count[council + 1] += 1 } }
        for c in 0..<councilPrice.count { count[c + 1] += count[c] }
        cutsStart = count
        var fill = count
        cutsIndex = [Int](repeating: 0, count: count[councilPrice.count])
        cutsWeight = cutsIndex
        for (index, entry) in cuts.enumerated() where entry.price > 0 {
            for (council, weight) in zip(entry.cut.councils, entry.cut.weights) {
                cutsIndex[fill[council]] = index
                cutsWeight[fill[council]] = weight
                fill[council] += 1
            }
        }
    }

    /// `Σ price × coefficient(members)` over the cuts (never negative).
    /// Pricing calls it for every group above its threshold, so it visits
    /// only the cuts that weigh a member: it merges the members' lists
    /// (each by cut), summing each cut's weights, and adds the terms in the
    /// order of `cuts`, as a loop over all of them would. (The build before
    /// sorted the concatenated lists by insertion: 15.7% of the CPU time of
    /// upper-tier legal's `frontier --time-limit 60`, `perf`, 2026-12-01.)
    public func cutPenalty(_ members: [Int]) -> Double {
        if cutsStart.isEmpty || members.isEmpty { return 0 }
        return cutsStart.withUnsafeBufferPointer { start in
            cutsIndex.withUnsafeBufferPointer { index in
                cutsWeight.withUnsafeBufferPointer { weight in
                    withUnsafeTemporaryAllocation(of: (next: Int, end: Int).self, capacity: members.count) { lists in
                        var live = 0
                        for member in members where start[member] < start[member + 1] {
                            lists[live] = (start[member], start[member + 1])
                            live += 1
                        }
                        var total = 0.0
                        while live > 0 {
                            var cut = Int.max
                            for t in 0..<live { cut = min(cut, index[lists[t].next]) }
                            var sum = 0
                            var t = 0
                            while t < live {
                                var next = lists[t].next
                                let end = lists[t].end
                                while next < end && index[next] == cut { sum += weight[next]; next += 1 }
                                if next == end {
                                    live -= 1
                                    lists[t] = lists[live]
                                } else {
                                    lists[t].next = next
                                    t += 1
                                }
                            }
                            let coefficient = sum / cutsDenominator[cut]
                            if coefficient > 0 { total += cutsPrice[cut] * Double(coefficient) }
                        }
                        return total
                    }
                }
            }
        }
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
