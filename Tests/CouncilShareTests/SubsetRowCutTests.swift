// SPDX-License-Identifier: GPL-3.0-or-later
// Subset-row cuts of three, four and five councils (SubsetRowCut): their
// coefficients, their validity for every plan, and the separation that adds
// them to a master without cutting off any packing of its pool.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Subset-row cuts")
struct SubsetRowCutTests {
    @Test("coefficients and right sides of the three shapes")
    func shapes() {
        let triple = SubsetRowCut.triple([7, 2, 5])
        #expect(triple.councils == [2, 5, 7] && triple.rightSide == 1)
        #expect(triple.coefficient([2, 9]) == 0)
        #expect(triple.coefficient([2, 5, 9]) == 1)
        #expect(triple.coefficient([2, 5, 7]) == 1)

        let four = SubsetRowCut.four(heavy: 4, [1, 8, 6])
        #expect(four.councils == [1, 4, 6, 8] && four.weights == [1, 2, 1, 1] && four.rightSide == 1)
        #expect(four.coefficient([4, 9]) == 0)        // 2/3
        #expect(four.coefficient([4, 8]) == 1)        // 2/3 + 1/3
        #expect(four.coefficient([1, 6]) == 0)        // 2/3
        #expect(four.coefficient([1, 6, 8]) == 1)     // 3/3
        #expect(four.coefficient([1, 4, 6, 8]) == 1)  // 5/3
        // The one-pass form (a weight per council) agrees on every group of up to four of ten councils.
        let table = four.weightOf(councilCount: 10)
        for mask in 0..<(1 << 10) where mask.nonzeroBitCount <= 4 {
            let members = (0..<10).filter { mask & (1 << $0) != 0 }
            #expect(four.coefficient(members, weightOf: table) == four.coefficient(members))
        }

        let five = SubsetRowCut.five([3, 1, 4, 5, 9])
        #expect(five.rightSide == 1)
        #expect(five.coefficient([1, 3]) == 0)
        #expect(five.coefficient([1, 3, 4]) == 1)
        #expect(five.coefficient([1, 3, 4, 5, 9]) == 1)
    }

    /// Random packings (disjoint groups of two to five councils out of twelve)
    /// never break a cut of any shape.
    @Test("every packing meets every cut")
    func validForPackings() {
        var generator = SplitMix64(seed: 11)
        var tight = 0
        for _ in 0..<3000 {
            var councils = Array(0..<12)
            councils.shuffle(using: &generator)
            var groups: [[Int]] = []
            var rest = councils[...]
            while rest.count >= 2 {
                let size = Int.random(in: 2...min(5, rest.count), using: &generator)
                groups.append(rest.prefix(size).sorted())
                rest = rest.dropFirst(size)
                if Bool.random(using: &generator) { rest = rest.dropFirst() }  // a council left in-house
            }
            let picked = Array(0..<12).shuffled(using: &generator)
            for cut in [SubsetRowCut.triple(Array(picked[0..<3])),
                        .four(heavy: picked[0], Array(picked[1..<4])),
                        .five(Array(picked[0..<5]))] {
                let left = groups.reduce(0) { $0 + cut.coefficient($1) }
                #expect(left <= cut.rightSide, "\(cut) broken by \(groups)")
                if left == cut.rightSide { tight += 1 }
            }
        }
        // Not vacuous: many packings meet a cut with equality.
        #expect(tight > 1000)
    }

    /// Random pools on ten councils with random savings: rounds of separation
    /// (every shape) must lower the LP bound on some of them and never
    /// below the best packing of the pool, found by brute force; and every
    /// packing meets every cut added.
    /// 45 distinct random groups of two to five of service 0's councils,
    /// each saving 10-20 per member.
    static func randomPool(_ problem: Problem, using generator: inout SplitMix64) -> [GroupColumn] {
        let participants = problem.services[0].participants
        var columns: [GroupColumn] = []
        var seen = Set<[Int]>()
        while columns.count < 45 {
            let size = Int.random(in: 2...min(5, participants.count), using: &generator)
            let members = Array(participants.shuffled(using: &generator).prefix(size)).sorted()
            guard seen.insert(members).inserted else { continue }
            let saving = Double(size) * Double.random(in: 10...20, using: &generator)
            columns.append(GroupColumn(service: 0, members: members, host: members[0], saving: saving))
        }
        return columns
    }

    @Test("separation tightens the LP and keeps every packing")
    func separationKeepsPackings() throws {
        var generator = SplitMix64(seed: 5)
        var tightened = 0
        var largerShapes = 0
        var unionShapes = 0
        for seed in 1...30 {
            let problem = try generatedProblem(councils: 10, services: 1, seed: seed)
            let (engine, _) = ExactSolver(problem: problem).makeEngine()
            let columns = Self.randomPool(problem, using: &generator)
            let master = GroupMaster(problem: problem, services: [0], groupLimit: nil)
            master.add(columns)
            let best = Self.bestPacking(columns)
            let first = master.solveRelaxation(timeLimit: nil)
            try #require(first.termination == .optimal)
            var last = first.objective
            for _ in 0..<6 {
                let lp = master.solveRelaxation(timeLimit: nil)
                try #require(lp.termination == .optimal)
                #expect(lp.objective >= best.value - 1e-6, "seed \(seed): LP \(lp.objective) below the best packing \(best.value)")
                last = lp.objective
                if engine.separateSubsetRowCuts(master, lp: lp, larger: true, unions: true) == 0 { break }
            }
            if last < first.objective - 1e-6 { tightened += 1 }
            for (cut, _) in master.cuts[0] {
                if cut.councils.count > 3 { largerShapes += 1 }
                if cut.isUnionShape { unionShapes += 1 }
                for packing in best.all {
                    let left = packing.reduce(0) { $0 + cut.coefficient(columns[$1].members) }
                    #expect(left <= cut.rightSide, "seed \(seed): \(cut) cuts off a packing")
                }
            }
        }
        #expect(tightened > 5, "the cuts lowered the bound on \(tightened) of 30 pools")
        #expect(largerShapes > 0, "no cut of four or five councils was added")
        #expect(unionShapes > 0, "no cut on the union of overlapping groups was added")
    }

    /// Seven groups of four around a cycle of fourteen councils, each meeting
    /// the next in two: the LP takes each at 1/2, 3.5 groups where three fit.
    /// No chain of up to four of them is violated (ten councils hold two); the
    /// union of all seven, grown from any of them, is. The root's separation
    /// (triples and grown unions) must close the gap to the best packing, with
    /// `max_members` 4 (the union at 1/4) and 5 (at 1/(5 - 1)).
    @Test("grown unions cut off an odd cycle of full groups", arguments: [4, 5])
    func grownUnionClosesCycle(maxMembers: Int) throws {
        var problem = try generatedProblem(councils: 30, services: 1, seed: 1)
        problem.services[0].maxMembers = maxMembers
        let participants = Array(problem.services[0].participants.prefix(14))
        try #require(participants.count == 14)
        let columns = (0..<7).map { i in
            let members = (0..<4).map { participants[(2 * i + $0) % 14] }.sorted()
            return GroupColumn(service: 0, members: members, host: members[0], saving: 100)
        }
        let best = Self.bestPacking(columns).value
        #expect(abs(best - 300) < 1e-9)
        let (engine, _) = ExactSolver(problem: problem).makeEngine()
        let master = GroupMaster(problem: problem, services: [0], groupLimit: nil)
        master.add(columns)
        let first = master.solveRelaxation(timeLimit: nil)
        try #require(first.termination == .optimal)
        #expect(abs(first.objective - 350) < 1e-6, "LP \(first.objective)")
        var lp = first
        for _ in 0..<5 {
            if engine.separateSubsetRowCuts(master, lp: lp, larger: false, unions: true) == 0 { break }
            lp = master.solveRelaxation(timeLimit: nil)
            try #require(lp.termination == .optimal)
        }
        #expect(abs(lp.objective - best) < 1e-6, "LP \(lp.objective) after the cuts, best packing \(best)")
        #expect(master.cuts[0].contains { $0.cut.isUnionShape && $0.cut.councils.count == 14 })
    }

    /// Seven groups on twelve councils, six of five and one of four, each
    /// council in three of them (a cluster of England's district back office
    /// LP): the LP takes each at 1/3, 2.33 groups where two fit. Neither
    /// uniform cut on the twelve is violated (at 1/5 the group of four counts
    /// 0; at 1/4 the right side is 3); the cut sized to the groups (1/4 on the
    /// four's councils, 1/5 on the others: `BranchAndPrice.sizedCut`) is, by
    /// 1/3. The complete pool's separation must offer it, and it alone must
    /// close the LP to the best packing.
    @Test("a union cut sized to its groups closes a cluster of groups of four and five")
    func sizedUnionClosesMixedCluster() throws {
        var problem = try generatedProblem(councils: 30, services: 1, seed: 1)
        problem.services[0].maxMembers = 5
        let participants = Array(problem.services[0].participants.prefix(12))
        try #require(participants.count == 12)
        let shapes = [[0, 2, 3, 5, 7], [1, 3, 4, 9, 10], [1, 4, 6, 9, 10], [2, 3, 7, 8],
                      [1, 4, 6, 9, 11], [0, 2, 5, 7, 11], [0, 5, 6, 10, 11]]
        let columns = shapes.map { shape in
            let members = shape.map { participants[$0] }.sorted()
            return GroupColumn(service: 0, members: members, host: members[0], saving: 100)
        }
        let best = Self.bestPacking(columns).value
        #expect(abs(best - 200) < 1e-9)
        let union = participants.sorted()
        let support = columns.map { (members: $0.members, x: 1.0 / 3) }
        var supportOf: [Int: [Int]] = [:]
        for (index, column) in columns.enumerated() { for council in column.members { supportOf[council, default: []].append(index) } }
        for uniform in [SubsetRowCut.uniform(union, denominator: 5), .uniform(union, denominator: 4)] {
            let left = support.reduce(0.0) { $0 + Double(uniform.coefficient($1.members)) * $1.x }
            #expect(left <= Double(uniform.rightSide) + 1e-9, "uniform at 1/\(uniform.denominator) is violated")
        }
        let sized = try #require(BranchAndPrice.sizedCut(union, support: support, supportOf: supportOf, largest: 5))
        #expect(sized.rightSide == 2)
        #expect(columns.allSatisfy { sized.coefficient($0.members) == 1 })
        // The complete pool's separation offers it (the first round's cuts include it) ...
        let (engine, _) = ExactSolver(problem: problem).makeEngine()
        let master = GroupMaster(problem: problem, services: [0], groupLimit: nil)
        master.add(columns)
        let lp = master.solveRelaxation(timeLimit: nil)
        try #require(lp.termination == .optimal)
        #expect(abs(lp.objective - 700.0 / 3) < 1e-6, "LP \(lp.objective)")
        #expect(engine.separateSubsetRowCuts(master, lp: lp, larger: true, unions: true) > 0)
        #expect(master.cuts[0].contains { $0.cut == sized }, "cuts: \(master.cuts[0].map(\.cut))")
        // ... and alone it closes the LP to the best packing.
        let alone = GroupMaster(problem: problem, services: [0], groupLimit: nil)
        alone.add(columns)
        #expect(alone.addCut(service: 0, sized))
        let closed = alone.solveRelaxation(timeLimit: nil)
        try #require(closed.termination == .optimal)
        #expect(abs(closed.objective - best) < 1e-6, "LP \(closed.objective) with the sized cut, best packing \(best)")
    }

    /// Every packing of `columns` (as index lists) and the largest total saving.
    static func bestPacking(_ columns: [GroupColumn]) -> (value: Double, all: [[Int]]) {
        var all: [[Int]] = []
        var best = 0.0
        var used = Set<Int>()
        var chosen: [Int] = []
        func extend(from start: Int, value: Double) {
            all.append(chosen)
            best = max(best, value)
            for index in start..<columns.count where columns[index].members.allSatisfy({ !used.contains($0) }) {
                chosen.append(index)
                used.formUnion(columns[index].members)
                extend(from: index + 1, value: value + columns[index].saving)
                used.subtract(columns[index].members)
                chosen.removeLast()
            }
        }
        extend(from: 0, value: 0)
        return (best, all)
    }

    /// Pricing's penalty for the cuts (`GroupPrices.cutPenalty`, which merges
    /// the members' lists of cuts) against a plain loop over every cut in
    /// order, bit for bit: random cuts of every shape, some of price 0, and
    /// random groups.
    @Test("the cut penalty equals a loop over every cut, bit for bit")
    func cutPenaltyMatchesLoop() {
        var generator = SplitMix64(seed: 17)
        var nonzero = 0
        for _ in 0..<200 {
            let councils = Int.random(in: 6...40, using: &generator)
            var prices = GroupPrices.savings(councils: councils)
            var cuts: [(cut: SubsetRowCut, price: Double)] = []
            for _ in 0..<Int.random(in: 0...60, using: &generator) {
                let picked = Array((0..<councils).shuffled(using: &generator).prefix(7))
                let cut: SubsetRowCut
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: cut = .triple(Array(picked.prefix(3)))
                case 1: cut = .four(heavy: picked[0], Array(picked[1..<4]))
                case 2: cut = .five(Array(picked.prefix(5)))
                default: cut = .uniform(picked, denominator: Int.random(in: 2...5, using: &generator))
                }
                let price = Bool.random(using: &generator) ? 0 : Double.random(in: 0.001...1000, using: &generator)
                cuts.append((cut, price))
            }
            prices.cuts = cuts
            for _ in 0..<50 {
                let size = Int.random(in: 1...min(8, councils), using: &generator)
                let members = Array((0..<councils).shuffled(using: &generator).prefix(size)).sorted()
                var expected = 0.0
                for (cut, price) in cuts where price > 0 {
                    let coefficient = cut.coefficient(members)
                    if coefficient > 0 { expected += price * Double(coefficient) }
                }
                let penalty = prices.cutPenalty(members)
                #expect(penalty.bitPattern == expected.bitPattern, "\(members): \(penalty) against \(expected)")
                if expected > 0 { nonzero += 1 }
            }
        }
        #expect(nonzero > 1000, "only \(nonzero) groups met a priced cut")
    }
}
