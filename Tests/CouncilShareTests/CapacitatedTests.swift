// SPDX-License-Identifier: GPL-3.0-or-later
// The capacitated p-median solver (branch-and-price, and its compact fallback)
// against the textbook model and an independent brute force on small random
// instances, and against the published optimum of Osman-Christofides cpmp01.
import Foundation
import Testing
@testable import CouncilShare

/// Exhaustive search, independent of every formulation: each set of p hubs,
/// then every assignment of clients to open hubs with room (depth first,
/// pruned by the cheapest remaining costs). Returns the optimum or nil when
/// no plan fits.
enum CapacitatedBruteForce {
    static func optimum(_ problem: LocationProblem) -> Double? {
        let n = problem.clientCount, m = problem.hubCount, p = problem.p!
        let demand = problem.demand!, capacity = problem.capacity!
        var best = Double.infinity
        var hubsChosen: [Int] = []
        func chooseHubs(from start: Int) {
            if hubsChosen.count == p { assignAll(); return }
            guard start < m else { return }
            for hub in start..<m { hubsChosen.append(hub); chooseHubs(from: hub + 1); hubsChosen.removeLast() }
        }
        func assignAll() {
            let cheapest = (0..<n).map { client in hubsChosen.map { problem.cost(client, $0) }.min()! }
            var rest = [Double](repeating: 0, count: n + 1)
            for client in stride(from: n - 1, through: 0, by: -1) { rest[client] = rest[client + 1] + cheapest[client] }
            var load = [Double](repeating: 0, count: m)
            func place(_ client: Int, _ cost: Double) {
                if cost + rest[client] >= best - 1e-9 { return }
                if client == n { best = cost; return }
                for hub in hubsChosen where load[hub] + demand[client] <= capacity[hub] + 1e-9 {
                    load[hub] += demand[client]
                    place(client + 1, cost + problem.cost(client, hub))
                    load[hub] -= demand[client]
                }
            }
            place(0, 0)
        }
        chooseHubs(from: 0)
        return best.isFinite ? best : nil
    }
}

@Suite("Capacitated p-median")
struct CapacitatedTests {
    /// n = 8-10 random points, p = 2-3, demands 1-20, capacity a random
    /// multiple (0.95-1.4) of total demand / p: some instances are tight,
    /// a few infeasible. Even seeds use floor distances (integer costs), odd
    /// seeds real ones; every fourth seed has fractional demands, which
    /// sends the solver to its compact fallback.
    static func instance(seed: UInt64) -> LocationProblem {
        var random = TestRandom(seed: 7_000 + seed)
        let n = random.int(8...10)
        let p = n == 10 ? 2 : random.int(2...3)
        let points = (0..<n).map { _ in (random.uniform(0, 100), random.uniform(0, 100)) }
        let fractional = seed % 4 == 3
        let demand = (0..<n).map { _ in Double(random.int(1...20)) + (fractional ? 0.5 : 0) }
        let capacity = (demand.reduce(0, +) / Double(p) * random.uniform(0.95, 1.4)).rounded(.up)
        let cost = Self.distances(points, floor: seed % 2 == 0)
        return LocationProblem(name: "random-\(seed)", family: .capacitatedPMedian, clientCount: n, hubCount: n, cost: cost,
                               p: p, demand: demand, capacity: Array(repeating: capacity, count: n), selfHub: Array(0..<n))
    }

    /// Euclidean distances between the points, row by row, rounded down when `floor`.
    static func distances(_ points: [(Double, Double)], floor: Bool) -> [Double] {
        points.flatMap { a in
            points.map { b in
                let d = ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()
                return floor ? d.rounded(.down) : d
            }
        }
    }

    static func solve(_ problem: LocationProblem, _ formulation: LocationFormulation) -> LocationSolution {
        var options = LocationOptions()
        options.formulation = formulation
        return LocationSolver(problem: problem, options: options).solve()
    }

    /// The plan is feasible, re-scores to its objective, and respects every capacity.
    static func expectValidPlan(_ problem: LocationProblem, _ solution: LocationSolution) {
        let verdict = problem.check(open: solution.open, assignment: solution.assignment)
        #expect(verdict.violation == nil, "\(problem.name): \(verdict.violation ?? "")")
        #expect(abs(verdict.cost - (solution.objective ?? .nan)) <= 1e-6, "\(problem.name): objective \(solution.objective ?? .nan), re-scored \(verdict.cost)")
        var load = [Double](repeating: 0, count: problem.hubCount)
        for (client, hub) in solution.assignment.enumerated() { load[hub] += problem.demand![client] }
        for hub in solution.open { #expect(load[hub] <= problem.capacity![hub] + 1e-9) }
    }

    /// The solver's answer is brute force's: infeasible when it finds no
    /// plan, else optimal at its value, with a bound no higher and a valid plan.
    static func expectBruteForceAnswer(_ problem: LocationProblem, _ solution: LocationSolution, _ expected: Double?, _ label: String) {
        guard let expected else {
            #expect(solution.status == .infeasible, "\(label): brute force finds no plan")
            return
        }
        #expect(solution.status == .optimal, "\(label)")
        #expect(abs((solution.objective ?? .nan) - expected) <= 1e-6 * max(1, expected),
                "\(label): \(solution.objective ?? .nan) vs brute force \(expected)")
        if let bound = solution.bound { #expect(bound <= expected + 1e-6, "\(label): bound above the optimum") }
        expectValidPlan(problem, solution)
    }

    @Test("strong = textbook = brute force on small random instances", arguments: 0..<48)
    func randomInstance(seed: UInt64) {
        let problem = Self.instance(seed: seed)
        let expected = CapacitatedBruteForce.optimum(problem)
        for formulation in LocationFormulation.allCases {
            Self.expectBruteForceAnswer(problem, Self.solve(problem, formulation), expected, "seed \(seed) \(formulation)")
        }
    }

    @Test("the heuristic's plan passes the independent check")
    func heuristicPlans() {
        for seed in UInt64(0)..<12 {
            let problem = Self.instance(seed: seed)
            guard let plan = CapacitatedHeuristic(problem: problem).solve() else { continue }
            let verdict = problem.check(open: plan.open, assignment: plan.assignment)
            #expect(verdict.violation == nil, "seed \(seed): \(verdict.violation ?? "")")
            #expect(abs(verdict.cost - plan.cost) <= 1e-9)
            if let optimum = CapacitatedBruteForce.optimum(problem) { #expect(plan.cost >= optimum - 1e-9) }
        }
    }

    static let cpmp01 = "/work/shared/benchmarks/orlib/cpmp/oc/cpmp01.txt"

    @Test("cpmp01 (Osman-Christofides) is solved to its published optimum 713",
          .enabled(if: FileManager.default.fileExists(atPath: cpmp01), "skipped: \(cpmp01) is not on this machine"))
    func publishedOptimum() throws {
        let problem = try ORLibrary.read(Self.cpmp01, format: .cpmp)
        let solution = Self.solve(problem, .strong)
        #expect(solution.status == .optimal)
        #expect(solution.objective == 713)
        #expect(solution.bound == 713)
        #expect(solution.open.count == 5)
        Self.expectValidPlan(problem, solution)
    }

    /// n = 11, p = 3, integer demands and capacities only 0-8% above total
    /// demand / p: tightly packed, so that the LP often uses whole hubs with
    /// split clusters and branch-and-price must branch on client-hub pairs.
    static func tightInstance(seed: UInt64) -> LocationProblem {
        var random = TestRandom(seed: 9_100 + seed)
        let n = 11, p = 3
        let points = (0..<n).map { _ in (random.uniform(0, 100), random.uniform(0, 100)) }
        let demand = (0..<n).map { _ in Double(random.int(1...20)) }
        let capacity = (demand.reduce(0, +) / Double(p) * random.uniform(1.0, 1.08)).rounded(.up)
        let cost = Self.distances(points, floor: seed % 2 == 0)
        return LocationProblem(name: "tight-\(seed)", family: .capacitatedPMedian, clientCount: n, hubCount: n, cost: cost,
                               p: p, demand: demand, capacity: Array(repeating: capacity, count: n), selfHub: Array(0..<n))
    }

    /// Branch-and-price on its own, with its statistics: the brute-force optimum on the integer-demand
    /// random instances and on tightly packed ones, with probing and
    /// branching on client-hub pairs both exercised.
    @Test("branch-and-price alone = brute force, pair branching and probing exercised")
    func branchAndPriceAlone() {
        let problems = (UInt64(0)..<48).filter { $0 % 4 != 3 }.map(Self.instance) + (UInt64(0)..<16).map(Self.tightInstance)
        var pairBranchings = 0, fixings = 0, forbidden = 0, subgradientBounds = 0
        for problem in problems {
            let solver = CapacitatedPMedian(problem: problem, options: LocationOptions())
            let solution = solver.solve()
            pairBranchings += solver.pairBranchings
            fixings += solver.hubsFixed
            forbidden += solver.pairsFixed
            let optimum = CapacitatedBruteForce.optimum(problem)
            Self.expectBruteForceAnswer(problem, solution, optimum, problem.name)
            // The root's subgradient bound is a lower bound (a wrong step or L(u) would overshoot).
            if let bound = solver.subgradientBound, let optimum {
                subgradientBounds += 1
                #expect(bound <= optimum + 1e-6 * max(1, abs(optimum)), "\(problem.name): subgradient bound \(bound) > optimum \(optimum)")
            }
        }
        #expect(subgradientBounds > 0, "no root ran the subgradient")
        #expect(pairBranchings > 0, "no instance branched on a client-hub pair")
        #expect(fixings > 0, "probing fixed no hub")
        #expect(forbidden > 0, "probing forbade no client-hub pair")
    }
}
