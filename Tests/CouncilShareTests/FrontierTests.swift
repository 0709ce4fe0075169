// SPDX-License-Identifier: GPL-3.0-or-later
// The frontier S(k) against the brute force's best saving with at most k groups.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Frontier: largest saving with at most k groups")
struct FrontierTests {
    /// The brute force's best saving with at most `k` groups (nil: no plan has
    /// so few), from its table of the best saving with exactly K groups.
    static func bruteAtMost(_ combined: [Double?], _ k: Int) -> Double? {
        combined.prefix(k + 1).compactMap { $0 }.max()
    }

    /// Every point's plan keeps every rule of MODEL.md (re-scored without the
    /// target, which the frontier ignores) and states its saving.
    static func expectValid(_ point: Frontier.Point, problem: Problem, _ context: String) throws {
        var untargeted = problem
        untargeted.targetSaving = nil
        let json = JSONWriter.write(point.plan.jsonValue(problem: untargeted))
        let report = try PlanChecker.check(planJSON: json, file: "point-\(point.groupLimit)", problem: untargeted)
        #expect(report.isValid, "\(context): k = \(point.groupLimit): \(report.violations)")
        #expect(sameMoney(report.totalSaving, point.plan.totalSaving), "\(context): k = \(point.groupLimit)")
        #expect(point.plan.groupCount <= point.groupLimit, "\(context): k = \(point.groupLimit) uses \(point.plan.groupCount) groups")
    }

    @Test("every point equals the brute force, non-decreasing, ending at the max-saving optimum", arguments: 0..<40)
    func agreesWithBruteForce(seed: Int) throws {
        let instance = RandomInstances.make(seed: seed)
        let problem = try Problem(instance: instance, file: "random-\(seed)")
        let brute = BruteForce(instance: instance).solve()
        let frontier = ExactSolver(problem: problem).frontier()
        let context = "seed \(seed): brute force per K \(brute.combined)"

        guard let best = brute.combined.compactMap({ $0 }).max() else {
            // keep_together admits no plan at all.
            #expect(frontier.largest.status == .infeasible, "\(context)")
            #expect(frontier.points.isEmpty, "\(context)")
            return
        }
        #expect(!frontier.interrupted)
        let maxGroups = try #require(frontier.maxGroups, "\(context)")
        #expect(frontier.points.map(\.groupLimit) == (maxGroups == 0 ? [0] : Array(1...maxGroups)), "\(context)")
        var previous = -Double.infinity
        for point in frontier.points {
            if let expected = Self.bruteAtMost(brute.combined, point.groupLimit) {
                #expect(point.plan.status == .optimal, "\(context): k = \(point.groupLimit)")
                #expect(sameMoney(point.plan.totalSaving, expected),
                        "\(context): k = \(point.groupLimit): \(point.plan.totalSaving) against \(expected)")
                #expect(point.plan.bound.map { sameMoney($0, expected) } == true, "\(context): k = \(point.groupLimit) bound")
                #expect(point.plan.totalSaving >= previous - 1e-6 * abs(previous), "\(context): decreases at k = \(point.groupLimit)")
                previous = point.plan.totalSaving
                try Self.expectValid(point, problem: problem, context)
            } else {
                #expect(point.plan.status == .infeasible, "\(context): k = \(point.groupLimit)")
                #expect(point.plan.groups.isEmpty)
            }
        }
        let last = try #require(frontier.points.last)
        #expect(last.groupLimit == maxGroups)
        #expect(sameMoney(last.plan.totalSaving, best), "\(context): last point \(last.plan.totalSaving), optimum \(best)")
        #expect(sameMoney(frontier.largest.totalSaving, best), "\(context)")
    }

    @Test("a chosen number of points spreads k over 1...K_max and keeps K_max", arguments: 0..<12)
    func someOfThePoints(seed: Int) throws {
        let instance = RandomInstances.make(seed: 500 + seed, councils: 6...7)
        let problem = try Problem(instance: instance, file: "random")
        let brute = BruteForce(instance: instance).solve()
        let frontier = ExactSolver(problem: problem).frontier(points: 2)
        guard let maxGroups = frontier.maxGroups else { return }
        #expect(frontier.points.map(\.groupLimit) == Frontier.groupLimits(maxGroups: maxGroups, count: 2))
        for point in frontier.points {
            let expected = Self.bruteAtMost(brute.combined, point.groupLimit)
            #expect(expected.map { sameMoney(point.plan.totalSaving, $0) } ?? (point.plan.status == .infeasible),
                    "seed \(500 + seed) k = \(point.groupLimit): \(point.plan.totalSaving) against \(String(describing: expected))")
        }
    }

    @Test("the values of k: all of them, or N spread evenly ending at K_max")
    func groupLimits() {
        #expect(Frontier.groupLimits(maxGroups: 0, count: nil) == [0])
        #expect(Frontier.groupLimits(maxGroups: 5, count: nil) == [1, 2, 3, 4, 5])
        #expect(Frontier.groupLimits(maxGroups: 5, count: 9) == [1, 2, 3, 4, 5])
        #expect(Frontier.groupLimits(maxGroups: 10, count: 3) == [4, 7, 10])
        #expect(Frontier.groupLimits(maxGroups: 10, count: 1) == [10])
        #expect(Frontier.groupLimits(maxGroups: 49, count: 10) == [5, 10, 15, 20, 25, 30, 35, 40, 45, 49])
        for maxGroups in 1...40 { for count in 1...maxGroups {
            let limits = Frontier.groupLimits(maxGroups: maxGroups, count: count)
            #expect(limits.count == count && Set(limits).count == count && limits == limits.sorted())
            #expect(limits.last == maxGroups && limits.first! >= 1)
        } }
    }

    /// A stop request (Ctrl-C) at any poll keeps the points done so far, each a valid plan.
    @Test("stopped at any point, it keeps valid points and marks the one cut short",
          arguments: Array(stride(from: 1, through: 600, by: 23)))
    func stopped(after polls: Int) throws {
        let instance = InstanceGenerator(councils: 14, services: 2, seed: 3).generate()
        let problem = try Problem(instance: instance, file: "generated")
        let stop = StopAfter(polls)
        var options = SolveOptions()
        options.shouldStop = { stop.poll() }
        let frontier = ExactSolver(problem: problem, options: options).frontier()
        #expect(frontier.interrupted || stop.polls < polls)
        #expect(frontier.points.filter(\.interrupted).count <= 1)
        #expect(frontier.points.map(\.groupLimit) == frontier.points.map(\.groupLimit).sorted())
        var previous = -Double.infinity
        for point in frontier.points {
            #expect(point.plan.status == .optimal || point.plan.status == .feasible)
            #expect(point.plan.totalSaving >= previous - 1e-6 * abs(previous), "decreases at k = \(point.groupLimit)")
            previous = point.plan.totalSaving
            if let bound = point.plan.bound { #expect(bound >= point.plan.totalSaving - 1e-6) }
            try Self.expectValid(point, problem: problem, "stopped after \(polls) polls")
        }
    }
}
