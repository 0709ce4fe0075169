// SPDX-License-Identifier: GPL-3.0-or-later
// Plan merging (BranchAndPrice.mergePlans): GLPK over the groups within two
// member changes of two plans finds the best plan of that sub-pool, which a
// brute-force search over the same sub-pool (built here independently) must
// match; and GLPK's incumbents are reported as it finds them.
import Foundation
import GLPKBackend
import LinearModel
import Testing
@testable import CouncilShare

@Suite("Plan merging")
struct MergeTests {
    /// A random packing: the pool's groups in random order, each taken if its
    /// councils are still free.
    static func randomPacking(_ pool: [GroupColumn], _ random: inout TestRandom) -> [GroupColumn] {
        var order = pool
        for index in order.indices.reversed() where index > 0 { order.swapAt(index, random.int(0...index)) }
        var used = Set<Int>()
        var plan: [GroupColumn] = []
        for group in order where used.isDisjoint(with: group.members) {
            plan.append(group)
            used.formUnion(group.members)
        }
        return plan
    }

    /// The largest saving of a packing of `groups` (depth-first over councils:
    /// the lowest council not yet decided is left out, or joins a group whose
    /// councils are all free).
    static func bestPacking(_ groups: [GroupColumn], councils: Int) -> Double {
        var byLowest = [[GroupColumn]](repeating: [], count: councils)
        for group in groups { byLowest[group.members.min()!].append(group) }
        var used = [Bool](repeating: false, count: councils)
        var best = 0.0
        func search(_ council: Int, _ saving: Double) {
            if council == councils {
                best = max(best, saving)
                return
            }
            if used[council] {
                search(council + 1, saving)
                return
            }
            search(council + 1, saving)
            for group in byLowest[council] where group.members.allSatisfy({ !used[$0] }) {
                for member in group.members { used[member] = true }
                search(council + 1, saving + group.saving)
                for member in group.members { used[member] = false }
            }
        }
        search(0, 0)
        return best
    }

    @Test("a merge finds the best plan within two changes of either plan's groups, and nothing outside")
    func mergeIsExactOverItsSubPool() throws {
        var improved = 0
        var unchanged = 0
        var random = TestRandom(seed: 77)
        for seed in 1...12 {
            let problem = try generatedProblem(councils: 11, services: 2, seed: seed)
            let (engine, _) = ExactSolver(problem: problem).makeEngine()
            for service in problem.services.indices where problem.services[service].participants.count >= 3 {
                // Every group with a positive saving (each member set once, with its best host).
                var pool: [GroupColumn] = []
                _ = engine.enumerators[service].enumerate(prices: .savings(councils: problem.councilCount), threshold: 0) { column, _ in
                    pool.append(column)
                }
                guard pool.count >= 4 else { continue }
                let master = GroupMaster(problem: problem, services: [service], groupLimit: nil)
                master.add(pool)
                for _ in 0..<3 {
                    let base = Self.randomPacking(pool, &random)
                    let other = Self.randomPacking(pool, &random)
                    // The sub-pool by its definition, with sets.
                    let seeds = (base + other).map { Set($0.members) }
                    let sub = pool.filter { group in
                        let members = Set(group.members)
                        return seeds.contains { $0.symmetricDifference(members).count <= 2 }
                    }
                    let best = Self.bestPacking(sub, councils: problem.councilCount)
                    let before = base.reduce(0) { $0 + $1.saving }
                    let tolerance = 1e-6 * max(1, best)
                    let merged = engine.mergePlans(master, index: LiveColumns(master), base: base, with: other, deadline: nil)
                    if best > before + tolerance {
                        let plan = try #require(merged, "seed \(seed) service \(service): \(before) could rise to \(best)")
                        let saving = plan.reduce(0) { $0 + $1.saving }
                        #expect(abs(saving - best) <= tolerance, "seed \(seed) service \(service): merged \(saving), best \(best)")
                        var used = Set<Int>()
                        for group in plan {
                            #expect(sub.contains(group), "seed \(seed): \(group.members) is outside the sub-pool")
                            for council in group.members { #expect(used.insert(council).inserted, "seed \(seed): council \(council) twice") }
                        }
                        improved += 1
                    } else {
                        #expect(merged == nil, "seed \(seed) service \(service): nothing better than \(before) in the sub-pool")
                        unchanged += 1
                    }
                }
            }
        }
        // Not vacuous: random plans are usually improved, and sometimes not.
        #expect(improved >= 10, "\(improved) merges improved")
        #expect(unchanged + improved >= 30, "\(unchanged + improved) merges")
    }

    @Test("GLPK reports each incumbent as it finds it: feasible, improving, the last one returned")
    func incumbentsAreReported() throws {
        var reportedSome = 0
        var random = TestRandom(seed: 5)
        for trial in 0..<8 {
            // A random set packing: 14 rows, 60 columns of 2-4 rows each.
            var model = LinearModel(name: "packing-\(trial)", sense: .maximize)
            let rows = (0..<14).map { model.addConstraint(name: "row\($0)", upper: 1) }
            var variables: [LinearModel.Variable] = []
            for column in 0..<60 {
                var members = Set<Int>()
                let size = random.int(2...4)
                while members.count < size { members.insert(random.int(0...13)) }
                variables.append(LinearModel.Variable(
                    name: "x\(column)", lower: 0, upper: 1, isInteger: true, objective: random.uniform(1, 10),
                    column: members.sorted().map { .init(row: rows[$0], coefficient: 1) }))
            }
            let solver = GLPKSolver(model: model)
            _ = solver.addVariables(variables)
            let recorder = IncumbentRecorder()
            var parameters = MIPParameters()
            parameters.onIncumbent = { recorder.record($0) }
            let result = solver.solve(parameters)
            let final = try #require(result.solution)
            let found = recorder.solutions
            #expect(!found.isEmpty, "trial \(trial): no incumbent reported")
            var last = -Double.infinity
            for values in found {
                #expect(solver.model.violation(of: values) == nil, "trial \(trial): a reported incumbent breaks a row")
                let objective = zip(values, solver.model.variables).reduce(0) { $0 + $1.0 * $1.1.objective }
                #expect(objective > last, "trial \(trial): incumbents must improve")
                last = objective
            }
            if let lastFound = found.last { #expect(lastFound == final, "trial \(trial): the last incumbent is the answer") }
            if found.count >= 2 { reportedSome += 1 }
        }
        #expect(reportedSome >= 1, "some search finds more than one incumbent")
    }
}
