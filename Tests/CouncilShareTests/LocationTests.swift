// SPDX-License-Identifier: GPL-3.0-or-later
// The OR-Library families: readers on edge cases, the strong and textbook
// formulations against brute force, and the smallest published instances.
import Foundation
import Testing
@testable import CouncilShare

enum ORLib {
    static let folder = CLI.root.deletingLastPathComponent().appendingPathComponent("shared/benchmarks/orlib")
    static func path(_ relative: String) -> String? {
        let url = folder.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url.path : nil
    }
}

/// Independent brute force for the uncapacitated families: every set of open
/// hubs (of size p, or any non-empty size), each client at its cheapest.
func bruteForceLocation(_ problem: LocationProblem) -> Double {
    var best = Double.infinity
    let m = problem.hubCount
    for mask in 1..<(1 << m) {
        let open = (0..<m).filter { mask & (1 << $0) != 0 }
        if let p = problem.p, open.count != p { continue }
        var total = open.reduce(0.0) { $0 + problem.hubCost[$1] }
        for client in 0..<problem.clientCount {
            total += open.map { problem.cost(client, $0) }.min()!
        }
        best = min(best, total)
    }
    return best
}

func randomLocation(seed: UInt64, pmedian: Bool) -> LocationProblem {
    var random = SplitMix64(seed: seed)
    let m = 3 + Int(random.next() % 10)
    let n = pmedian ? m : 4 + Int(random.next() % 12)
    var cost: [Double] = []
    let xs = (0..<(n + m)).map { _ in Double(random.next() % 100) }
    let ys = (0..<(n + m)).map { _ in Double(random.next() % 100) }
    for i in 0..<n {
        for j in 0..<m {
            let (a, b) = pmedian ? (i, j) : (i, n + j)
            // Integer costs with many ties, to exercise equal radii.
            cost.append(((xs[a] - xs[b]) * (xs[a] - xs[b]) + (ys[a] - ys[b]) * (ys[a] - ys[b])).squareRoot().rounded(.down) / 10)
        }
    }
    if pmedian {
        return LocationProblem(name: "random-\(seed)", family: .pmedian, clientCount: n, hubCount: m, cost: cost,
                               p: 1 + Int(random.next() % UInt64(m)), selfHub: Array(0..<n))
    }
    let fixed = (0..<m).map { _ in Double(random.next() % 40) }
    return LocationProblem(name: "random-\(seed)", family: .facilityLocation, clientCount: n, hubCount: m, cost: cost, hubCost: fixed)
}

@Suite struct LocationTests {
    @Test(arguments: 1...80)
    func strongAndTextbookEqualBruteForce(seed: Int) throws {
        let problem = randomLocation(seed: UInt64(seed), pmedian: seed % 2 == 0)
        let expected = bruteForceLocation(problem)
        for formulation in LocationFormulation.allCases {
            var options = LocationOptions()
            options.formulation = formulation
            let solution = LocationSolver(problem: problem, options: options).solve()
            #expect(solution.status == .optimal, "\(formulation) seed \(seed)")
            let objective = try #require(solution.objective)
            #expect(abs(objective - expected) < 1e-6, "\(formulation) seed \(seed): \(objective) vs brute force \(expected)")
            let verdict = problem.check(open: solution.open, assignment: solution.assignment)
            #expect(verdict.violation == nil)
            #expect(abs(verdict.cost - objective) < 1e-6)
            #expect(abs((solution.bound ?? -1) - objective) <= 1, "a proven bound within the integer slack")
        }
    }

    @Test func heuristicIsALocalOptimumNoWorseThanGreedy() {
        for seed in 1...20 {
            let problem = randomLocation(seed: UInt64(100 + seed), pmedian: seed % 2 == 0)
            let heuristic = LocationHeuristic(problem: problem)
            let greedy = problem.evaluate(open: heuristic.greedy()).cost
            let open = heuristic.solve()
            if let p = problem.p { #expect(open.count == p) }
            #expect(problem.evaluate(open: open).cost <= greedy + 1e-9)
            #expect(problem.evaluate(open: open).cost >= bruteForceLocation(problem) - 1e-9)
        }
    }

    // MARK: readers

    @Test func pmedianRepeatedEdgeLastOneCounts() throws {
        // Edge 1-2 given as 5 then 9: the last one counts (9), so 1-3-2 (4 + 4 = 8) is shorter.
        let text = " 3 4 1 \r\n 1 2 5 \r\n 1 3 4\n 3 2 4\n 1 2 9 \n"
        let problem = try ORLibrary.parsePMedian(text, file: "t.txt", name: "t")
        #expect(problem.cost(0, 1) == 8)
        #expect(problem.cost(1, 0) == 8)
        let single = try ORLibrary.parsePMedian(" 2 2 1\n 1 2 5\n 1 2 3\n", file: "t.txt", name: "t")
        #expect(single.cost(0, 1) == 3, "the last repeat wins even when it is cheaper or dearer")
        let dearer = try ORLibrary.parsePMedian(" 2 2 1\n 1 2 3\n 1 2 5\n", file: "t.txt", name: "t")
        #expect(dearer.cost(0, 1) == 5)
    }

    @Test func uflWrappedRowsAndCapacityToken() throws {
        // 2 warehouses, 3 customers; costs wrapped at odd places; CRLF; the word `capacity`.
        let text = "2 3\r\n capacity 10.\r\n 5 0.\r\n 1\r\n 3.5\r\n 7 2 4\n 6\n 1 9\n 8\n"
        let problem = try ORLibrary.parseUFL(text, file: "u.txt", name: "u")
        #expect(problem.hubCost == [10, 0])
        #expect(problem.cost == [3.5, 7, 4, 6, 9, 8])
        let solution = LocationSolver(problem: problem).solve()
        #expect(solution.objective == bruteForceLocation(problem))
    }

    @Test func cpmpFloorAndRealDistances() throws {
        let text = "2 1\r\n0 0 10 3 \r\n1 1 10 4 \r\n"
        let floor = try ORLibrary.parseCPMP(text, file: "cpmp01.txt", name: "x", distance: .floor)
        let real = try ORLibrary.parseCPMP(text, file: "SJC1.dat", name: "x", distance: .real)
        #expect(floor.cost(0, 1) == 1)
        #expect(abs(real.cost(0, 1) - 2.0.squareRoot()) < 1e-12)
        #expect(ORLibrary.CPMPDistance.forFile("/x/SJC3a.dat") == .real)
        #expect(ORLibrary.CPMPDistance.forFile("/x/cpmp07.txt") == .floor)
    }

    @Test(arguments: [
        ("3 2 1\n1 2 5\n1 x 4\n", 3, "edge 2 vertex j"),
        ("3 2 1\n1 2 5\n1 4 4\n", 3, "edge 2 vertex j"),
        ("3 2 1\n1 2 5\n", 3, "edge 2 vertex i"),
        ("3 1 1\n1 2 5\n", nil, nil),
        ("3 1 1\n1 2 5\n2 3 1 7\n", 3, nil),
        ("3 1 4\n1 2 5\n", 1, "p"),
        ("3 1 1\n1 2 -5\n", 2, "edge 1 cost"),
    ] as [(String, Int?, String?)])
    func malformedPMedianNamesTheLine(text: String, line: Int?, field: String?) {
        do {
            _ = try ORLibrary.parsePMedian(text, file: "bad.txt", name: "bad")
            Issue.record("accepted a malformed file")
        } catch let error as InputError {
            #expect(error.file == "bad.txt")
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func malformedUFLAndCPMP() {
        #expect(throws: InputError.self) { try ORLibrary.parseUFL("2 1\n capacity 1.\n 5 x\n", file: "u", name: "u") }
        #expect(throws: InputError.self) { try ORLibrary.parseUFL("2 1\n 1 1\n 1 1\n 3 1\n", file: "u", name: "u") }
        #expect(throws: InputError.self) { try ORLibrary.parseUFL("1 1\n 1 nan\n 3 1\n", file: "u", name: "u") }
        #expect(throws: InputError.self) { try ORLibrary.parseCPMP("2 1\n0 0 10 3\n1 1 10\n", file: "c", name: "c", distance: .floor) }
        #expect(throws: InputError.self) { try ORLibrary.parseCPMP("2 1\n0 0 10 30\n1 1 10 4\n", file: "c", name: "c", distance: .floor) }
        #expect(throws: InputError.self) { try ORLibrary.parseCPMP("", file: "c", name: "c", distance: .floor) }
    }

    // MARK: the smallest published instances

    @Test func pmed1AndCap71ReachTheirPublishedOptima() throws {
        guard let pmed1 = ORLib.path("pmed/pmed1.txt"), let cap71 = ORLib.path("ufl/cap71.txt"),
              let csv = ORLib.path("optima.csv") else {
            print("skipped: ../shared/benchmarks/orlib not found"); return
        }
        let optima = try PublishedOptima.load(csv)
        #expect(try ORLibrary.detect(pmed1) == .pmed)
        #expect(try ORLibrary.detect(cap71) == .ufl)
        for (path, format) in [(pmed1, ORLibrary.Format.pmed), (cap71, .ufl)] {
            let problem = try ORLibrary.read(path, format: format)
            let published = try #require(optima.value(for: problem.name))
            let solution = LocationSolver(problem: problem).solve()
            #expect(solution.status == .optimal)
            #expect(PublishedOptima.matches(try #require(solution.objective), published), "\(problem.name): \(solution.objective ?? -1) vs \(published)")
            #expect(problem.check(open: solution.open, assignment: solution.assignment).violation == nil)
        }
    }
}
