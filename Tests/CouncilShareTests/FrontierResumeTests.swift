// SPDX-License-Identifier: GPL-3.0-or-later
// The frontier's second pass: the parts' group-limited solves that a limit
// stopped are resumed, those that keep the most points open first.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Frontier: the second pass over the parts' open solves")
struct FrontierResumeTests {
    /// A random part table: non-decreasing plans, bounds at or above them, some
    /// exact (bound = plan), some not, `j = 0` exact at 0.
    static func randomTable(_ random: inout SplitMix64, length: Int) -> PartTable {
        var savings = [0.0], bounds = [0.0]
        for _ in 1..<length {
            let saving = savings.last! + Double(random.next() % 50)
            savings.append(saving)
            bounds.append(random.next() % 3 == 0 ? saving + Double(1 + random.next() % 20) : saving)
        }
        return PartTable(savings: savings, bounds: bounds)
    }

    /// Every split of `k` (at most) among the tables with its bound and plan sums.
    static func splits(_ tables: [PartTable], atMost k: Int) -> [(js: [Int], bound: Double, saving: Double)] {
        var result: [(js: [Int], bound: Double, saving: Double)] = [([], 0, 0)]
        for table in tables {
            var settled = table
            settled.settle()
            result = result.flatMap { split in
                settled.bounds.indices.map { j in (split.js + [j], split.bound + settled.bounds[j], split.saving + settled.savings[j]) }
            }
        }
        return result.filter { $0.js.reduce(0, +) <= k }
    }

    @Test("the entries counted lie on splits that attain an open point's bound, and have gaps", arguments: 0..<60)
    func blockingEntries(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) + 1)
        let tables = (0..<(2 + seed % 3)).map { _ in Self.randomTable(&random, length: 2 + Int(random.next() % 5)) }
        let combined = PartTable.combine(tables)
        let points = Array(0..<combined.count)
        let proven = { (saving: Double, bound: Double) in bound - saving <= 1e-9 * max(1, abs(saving)) }
        let counts = PartTable.blocking(tables, points: { _ in points }, proven: proven)
        var open = 0
        var onBestSplits = Set<[Int]>()  // (table, j) pairs
        for k in points {
            let all = Self.splits(tables, atMost: k)
            let bound = all.map(\.bound).max()!
            let saving = all.map(\.saving).max()!
            // The brute force agrees with the convolution.
            #expect(abs(bound - combined[k].bound) < 1e-9 && abs(saving - combined[k].saving) < 1e-9, "seed \(seed) k \(k)")
            guard !proven(saving, bound) else { continue }
            open += 1
            for split in all where abs(split.bound - bound) < 1e-9 {
                for (table, j) in split.js.enumerated() { onBestSplits.insert([table, j]) }
            }
        }
        guard let counts else {
            #expect(open == 0, "seed \(seed): nil with \(open) open points")
            return
        }
        #expect(open > 0, "seed \(seed): counts with every point proven")
        // Every open point counts at least one entry (its best split cannot be all exact).
        #expect(counts.reduce(0) { $0 + $1.values.reduce(0, +) } >= open, "seed \(seed)")
        for (table, byLimit) in counts.enumerated() {
            for (j, count) in byLimit {
                #expect(count >= 1 && count <= open)
                #expect(onBestSplits.contains([table, j]), "seed \(seed): table \(table) j \(j) on no best split")
                #expect(tables[table].gaps()[j] > 0, "seed \(seed): table \(table) j \(j) has no gap")
                #expect(tables[table].openEntries(through: tables[table].largestCount).contains(j))
            }
        }
    }

    @Test("the best plan with at most j groups is the best of those for j' ≤ j; gaps and open entries once settled")
    func bestPlanAtMost() {
        let one = GroupColumn(service: 0, members: [0, 1], host: 0, saving: 8)
        let two = GroupColumn(service: 0, members: [2, 3], host: 2, saving: 5)
        var table = PartTable(savings: [0, 10, 8, 30], bounds: [0, 12, 20, 30])
        table.groups = [[], nil, [one], [one, two]]
        table.savings = [0, -.infinity, 8, -.infinity]
        #expect(table.bestPlan(atMost: 1) == [])
        #expect(table.bestPlan(atMost: 2) == [one])
        #expect(table.bestPlan(atMost: 3) == [one])  // the plan at 3 is not counted: its saving is unknown
        table.savings[3] = 13
        #expect(table.bestPlan(atMost: 3) == [one, two])
        #expect(table.openEntries(through: 3) == [1, 2, 3])
        #expect(table.openEntries(through: 2) == [1, 2])
        #expect(table.gaps() == [0, 12, 12, 17])
        table.bounds[2] = 8
        // Settled: the bound at 1 falls to the one at 2, which is exact.
        #expect(table.openEntries(through: 3) == [1, 3])
        #expect(table.gaps() == [0, 8, 0, 17])
    }

    /// A stop request raised at the first report of each group-limited solve
    /// of the first pass, and lowered once that solve has returned (as a time
    /// share running out would stop it): the second pass resumes the solves
    /// left open, and every point is the unstopped frontier's, proven. One
    /// thread, so that the request stops that solve only.
    @Test("part solves stopped in the first pass are resumed and every point proven")
    func resumed() throws {
        var resumedCases = 0
        for (councils, seed) in [(36, 6), (44, 3), (44, 5)] {
            let problem = try generatedProblem(councils: councils, services: 2, seed: seed)
            var options = SolveOptions()
            options.rankOneCuts = false  // they settle many of these roots before the pool is completed
            options.threads = 1
            let exact = ExactSolver(problem: problem, options: options).frontier()
            try #require(exact.points.allSatisfy { $0.plan.status == .optimal })
            let stop = ArmedStop()
            let resumedSolves = Locked(0)
            options.timeLimit = 3_600
            options.shouldStop = { stop.isArmed }
            // In the first pass only (with one thread, every part's first pass
            // comes before the second pass).
            options.progress = { progress in
                if progress.stage.hasPrefix("at most") && resumedSolves.withLock({ $0 }) == 0 { stop.arm() }
            }
            let frontier = ExactSolver(problem: problem, options: options).frontier { progress in
                stop.disarm()
                if progress.stage.hasSuffix("resumed") { resumedSolves.withLock { $0 += 1 } }
            }
            let context = "\(councils)/\(seed), \(stop.shots) stops"
            #expect(!frontier.interrupted, "\(context)")
            #expect(frontier.points.map(\.groupLimit) == exact.points.map(\.groupLimit), "\(context)")
            for (point, reference) in zip(frontier.points, exact.points) {
                #expect(point.plan.status == .optimal, "\(context): k = \(point.groupLimit)")
                #expect(sameMoney(point.plan.totalSaving, reference.plan.totalSaving), "\(context): k = \(point.groupLimit)")
                try FrontierTests.expectValid(point, problem: problem, context)
            }
            #expect(stop.shots > 0, "\(context)")
            if resumedSolves.withLock({ $0 }) > 0 { resumedCases += 1 }
        }
        // Not vacuous: on some of them a stop left a solve open (others close
        // their entries by other means: a later solve's plan, an LP line).
        #expect(resumedCases >= 2, "too few instances where a stopped solve was resumed: choose others")
    }
}

/// A stop request that tests raise and lower (`arm`, `disarm`); `shots`
/// counts the times it was raised.
final class ArmedStop: @unchecked Sendable {
    private let lock = NSLock()
    private var armed = false
    private var count = 0
    var isArmed: Bool { lock.lock(); defer { lock.unlock() }; return armed }
    var shots: Int { lock.lock(); defer { lock.unlock() }; return count }
    func arm() {
        lock.lock(); defer { lock.unlock() }
        if !armed { count += 1 }
        armed = true
    }
    func disarm() { lock.lock(); armed = false; lock.unlock() }
}

@Suite("A group-limited search resumed after other limits")
struct GroupLimitResumeTests {
    /// The frontier's second pass resumes a search for `j` groups on a master
    /// that has solved other limits since (which reopened its pool). A search
    /// stopped right after completing its pool completes it again from its
    /// state, and must reach the optimum of a fresh, unstopped search.
    @Test("stopped with a complete pool, resumed after another limit was solved, it is exact")
    func resumedAfterAnotherLimit() throws {
        var completed = 0
        var options = SolveOptions()
        options.rankOneCuts = false  // they settle many of these roots before the pool is completed
        for (councils, seed) in [(36, 6), (44, 3), (44, 5), (50, 3)] {
            let problem = try generatedProblem(councils: councils, services: 2, seed: seed)
            let engine = ExactSolver(problem: problem, options: options).makeEngine().engine
            let stop = ArmedStop()
            var stopping = options
            stopping.shouldStop = { stop.isArmed }
            stopping.progress = { if $0.stage.contains("can improve") { stop.arm() } }
            let stopped = BranchAndPrice(problem: problem, options: stopping, clock: Stopwatch(), enumerators: engine.enumerators)
            for service in problem.services.indices where problem.services[service].participants.count >= 2 {
                for limit in [2, 4, 12] {
                    let context = "\(councils)/\(seed) service \(service) at most \(limit)"
                    let master = GroupMaster(problem: problem, services: [service], groupLimit: limit)
                    let first = stopped.solve(master, seed: [], label: "stopped")
                    stop.disarm()
                    guard let state = first.state else { continue }  // settled before its pool was complete
                    #expect(state.completion != nil, "\(context)")
                    completed += 1
                    master.setGroupLimit(limit + 1)
                    let between = engine.solve(master, seed: [], label: "another limit")
                    master.setGroupLimit(limit)
                    #expect(!master.isComplete)
                    let outcome = engine.solve(master, seed: [], label: "resumed", resuming: state)
                    let fresh = engine.solve(GroupMaster(problem: problem, services: [service], groupLimit: limit),
                                             seed: [], label: "fresh")
                    #expect(between.status == .optimal && outcome.status == .optimal && fresh.status == .optimal, "\(context)")
                    #expect(sameMoney(outcome.saving, fresh.saving), "\(context): \(outcome.saving) against \(fresh.saving)")
                    #expect(outcome.groups.count <= limit, "\(context)")
                }
            }
        }
        // Not vacuous: some of these searches completed their pool before the stop.
        #expect(completed >= 3, "\(completed) searches stopped with a complete pool: choose other instances")
    }
}
