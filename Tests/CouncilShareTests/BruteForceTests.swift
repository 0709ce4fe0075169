// SPDX-License-Identifier: GPL-3.0-or-later
// The exact solver against an independent brute force on tiny random instances.
import Foundation
import Testing
@testable import CouncilShare

/// Money agrees within the solver's relative gap (1e-6) plus a penny.
func sameMoney(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 0.01
}

/// Solves `problem` and returns the plan with its JSON text.
func solveWithJSON(_ problem: Problem, options: SolveOptions = SolveOptions()) -> (Plan, String) {
    let plan = ExactSolver(problem: problem, options: options).solve()
    return (plan, JSONWriter.write(plan.jsonValue(problem: problem)))
}

@Suite("Exact solver against brute force")
struct BruteForceTests {
    @Test("random instance agrees with brute force", arguments: 0..<120)
    func agreesWithBruteForce(seed: Int) throws {
        let original = RandomInstances.make(seed: seed)
        // Through JSON, as a file would be read.
        let file = "random-\(seed).json"
        let instance = try Instance.from(json: JSONWriter.write(original.jsonValue), file: file)
        #expect(instance == original, "JSON round trip changed the instance")
        let problem = try Problem(instance: instance, file: file)
        let (plan, json) = solveWithJSON(problem)
        let oracle = BruteForce(instance: instance)
        let brute = oracle.solve()
        let summary = "seed \(seed) [\(instance.objective.rawValue)]: solver \(plan.status.rawValue) saving \(plan.totalSaving) "
            + "groups \(plan.groupCount) max reachable \(plan.maxReachableSaving.map { "\($0)" } ?? "nil"); brute force \(brute)"

        switch brute.status {
        case .optimal:
            #expect(plan.status == .optimal, "\(summary)")
            #expect(sameMoney(plan.totalSaving, brute.totalSaving), "\(summary)")
            if instance.objective == .minGroups {
                #expect(plan.groupCount == brute.groupCount, "\(summary)")
            }
        case .infeasible:
            #expect(plan.status == .infeasible, "\(summary)")
            #expect(plan.groups.isEmpty, "\(summary)")
            if let reachable = brute.maxReachableSaving {
                let stated = try #require(plan.maxReachableSaving, "\(summary)")
                #expect(sameMoney(stated, reachable), "\(summary)")
            }
        }

        guard plan.status == .optimal || plan.status == .feasible else { return }
        if plan.status == .optimal {
            // An optimal plan proves its own bound; for min_groups, its group count.
            #expect(plan.bound.map { sameMoney($0, plan.totalSaving) } == true, "\(summary): bound \(String(describing: plan.bound))")
            if instance.objective == .minGroups { #expect(plan.groupsLowerBound == plan.groupCount, "\(summary)") }
        }
        // No plan beats the brute-force optimum (for min_groups: at its group count).
        if brute.status == .optimal {
            #expect(plan.totalSaving <= brute.totalSaving + 1e-6 * abs(brute.totalSaving) + 0.01, "\(summary)")
        }
        // The plan keeps every rule: library checker ...
        let report = try PlanChecker.check(planJSON: json, file: "plan-\(seed).json", problem: problem)
        #expect(report.isValid, "\(summary): \(report.violations)")
        #expect(sameMoney(report.totalSaving, plan.totalSaving), "\(summary)")
        #expect(report.groups == plan.groupCount)
        // ... and the independent re-scoring.
        var placed: [Int: Set<Int>] = [:]
        for group in plan.groups {
            let broken = oracle.brokenRules(group.service, members: group.members, host: group.host)
            #expect(broken.isEmpty, "\(summary): group \(group.members) of service \(group.service) breaks \(broken)")
            let ownSaving = oracle.saving(group.service, members: group.members, host: group.host)
            #expect(sameMoney(group.saving, ownSaving), "\(summary): group \(group.members) saving")
            #expect(group.members == group.members.sorted())
            for member in group.members {
                #expect(placed[group.service, default: []].insert(member).inserted, "\(summary): council \(member) in two groups")
            }
        }
        for pair in instance.keepTogether {
            let service = try #require(instance.services.firstIndex { $0.id == pair.service })
            let a = problem.indexOfCouncil[pair.a]!, b = problem.indexOfCouncil[pair.b]!
            #expect(plan.groups.contains { $0.service == service && $0.members.contains(a) && $0.members.contains(b) },
                    "\(summary): keep_together \(pair.a)-\(pair.b)")
        }
        if let target = oracle.target {
            #expect(plan.totalSaving >= target - 1e-9 * max(1, target), "\(summary): target not met")
        }
    }

    // Two instances found by the same comparison on larger random instances
    // (`RandomInstances.make(seed: 403, councils: 8...8)` and
    // `make(seed: 121, councils: 8...9)`), kept as text so that later changes to
    // the generator do not lose them. Both are min_groups over two services.
    // The time limit only guards the suite against a search that never ends (a
    // correct search of 8-9 councils takes milliseconds); the assertions are on
    // the answer, compared with the brute force.
    static let stall403 = #"""
        {"name": "stall-403",
         "councils": [
          {"id": "E07000100", "name": "Council 0", "lat": 53.70796139358121, "lon": -2.8473901768723766, "tier": "county", "party": "LD", "population": 162590, "controllable_spend": 5872027},
          {"id": "E07000107", "name": "Council 1", "lat": 53.419616106292736, "lon": -2.6556473098334545, "tier": "unitary", "party": "REF", "population": 173701, "controllable_spend": 10842092},
          {"id": "E07000114", "name": "Council 2", "lat": 53.368555370486604, "lon": -2.7024458568659138, "tier": "district", "party": "LD", "population": 296157, "controllable_spend": 35923718},
          {"id": "E07000121", "name": "Council 3", "lat": 53.634541759491626, "lon": -2.4628135209247866, "tier": "county", "party": "CON", "population": 161760, "controllable_spend": 20785954},
          {"id": "E07000128", "name": "Council 4", "lat": 53.37273664668473, "lon": -2.642041866595865, "tier": "district", "party": "CON", "controllable_spend": 10779891},
          {"id": "E07000135", "name": "Council 5", "lat": 53.46356866070775, "lon": -2.644351272814307, "tier": "unitary", "party": "LAB", "population": 284431, "controllable_spend": 30697357},
          {"id": "E07000142", "name": "Council 6", "lat": 53.52432870310424, "lon": -2.739382703215048, "tier": "county", "party": "LD", "controllable_spend": 2272295},
          {"id": "E07000149", "name": "Council 7", "lat": 53.33662421679753, "lon": -2.598808588874544, "tier": "county", "party": "LAB", "population": 83873, "controllable_spend": 11208430}
         ],
         "services": [
          {"id": "legal", "name": "Service 0", "cost_curve": {"points": [[0, 442459.69503483025], [84980.64942009367, 1585365.6102997372], [240474.81003237463, 3517912.944912474], [536990.3018154833, 5342090.902719164]]}, "max_members": 2, "max_distance_km": 21, "distance_cost_per_km": 1266, "setup_cost_per_member": 1200788, "setup_years": 2, "contiguous": true},
          {"id": "audit", "name": "Service 1", "cost_curve": {"points": [[0, 0], [124.06613184057124, 2614939.9111578814], [384.58619028584803, 6139478.987813484], [651.1429194248848, 8827928.627266183]]}, "max_members": 3, "max_distance_km": 33, "setup_cost_per_member": 594549, "setup_years": 6}
         ],
         "spend": [
          {"council": "E07000100", "service": "legal", "spend": 2007639, "volume": 131874.3031100375},
          {"council": "E07000107", "service": "legal", "spend": 2403420, "volume": 141888.86543597037},
          {"council": "E07000114", "service": "legal", "spend": 3259324},
          {"council": "E07000121", "service": "legal", "spend": 2490079, "volume": 163340.21145905324},
          {"council": "E07000128", "service": "legal", "spend": 2507623, "volume": 169840.2756576294},
          {"council": "E07000135", "service": "legal", "spend": 3540090, "volume": 275201.28913501307},
          {"council": "E07000149", "service": "legal", "spend": 1970805, "volume": 93564.44846183252},
          {"council": "E07000107", "service": "audit", "spend": 2995040, "volume": 179.38441745314364},
          {"council": "E07000114", "service": "audit", "spend": 5851615, "volume": 354.62747303869713},
          {"council": "E07000121", "service": "audit", "spend": 3086455, "volume": 143.6445505329306},
          {"council": "E07000128", "service": "audit", "spend": 2098511, "volume": 120.12017197831779},
          {"council": "E07000135", "service": "audit", "spend": 5524155, "volume": 334.37460596837343},
          {"council": "E07000149", "service": "audit", "spend": 2184093, "volume": 92.04818779778142}
         ],
         "forbidden_pairs": [
          {"a": "E07000100", "b": "E07000114", "service": "audit"}
         ],
         "adjacency": [["E07000100", "E07000107"], ["E07000100", "E07000114"], ["E07000100", "E07000121"], ["E07000100", "E07000128"], ["E07000100", "E07000149"], ["E07000107", "E07000114"], ["E07000107", "E07000135"], ["E07000114", "E07000121"], ["E07000114", "E07000128"], ["E07000114", "E07000135"], ["E07000121", "E07000135"], ["E07000128", "E07000142"]],
         "target": {"min_saving_fraction": 0.03366854396118659},
         "objective": "min_groups"
        }
        """#

    static let stall121 = #"""
        {"name": "stall-121",
         "councils": [
          {"id": "E07000100", "name": "Council 0", "lat": 53.25123646270756, "lon": -2.433345087376213, "tier": "county", "population": 107737, "controllable_spend": 7478808},
          {"id": "E07000107", "name": "Council 1", "lat": 53.33298182695994, "lon": -2.283693459322773, "tier": "county", "party": "LD", "population": 164106, "controllable_spend": 19955395},
          {"id": "E07000114", "name": "Council 2", "lat": 53.39252338890321, "lon": -2.44061125182507, "tier": "district", "party": "REF", "population": 140824, "controllable_spend": 7537039},
          {"id": "E07000121", "name": "Council 3", "lat": 53.63905103742965, "lon": -2.5951860051120357, "tier": "unitary", "party": "CON", "population": 220666, "controllable_spend": 25037353},
          {"id": "E07000128", "name": "Council 4", "lat": 53.42565789312919, "lon": -2.550108483189903, "tier": "county", "party": "LAB", "population": 290406, "controllable_spend": 2772373},
          {"id": "E07000135", "name": "Council 5", "lat": 53.50790382432948, "lon": -2.478321141197285, "party": "LAB", "population": 157892, "controllable_spend": 7639880},
          {"id": "E07000142", "name": "Council 6", "lat": 53.55710103576989, "lon": -2.2567769396439026, "tier": "district", "party": "REF", "population": 132766, "controllable_spend": 11895322},
          {"id": "E07000149", "name": "Council 7", "lat": 53.68195747733126, "lon": -2.257181005295476, "tier": "district", "party": "LAB", "population": 165519, "controllable_spend": 18407084},
          {"id": "E07000156", "name": "Council 8", "lat": 53.70884180212737, "lon": -2.419392998494019, "party": "REF", "population": 159206, "controllable_spend": 19638004}
         ],
         "services": [
          {"id": "legal", "name": "Service 0", "cost_curve": {"points": [[0, 196727.92813903835], [159.96262296630192, 1846425.105599848], [446.80761875785333, 4197654.653150265], [776.5650337578412, 4197654.653150265]]}, "max_members": 2, "max_distance_km": 50, "distance_cost_per_km": 1236, "setup_cost_per_member": 161595, "setup_years": 3},
          {"id": "audit", "name": "Service 1", "max_members": 3, "max_distance_km": 39, "setup_cost_per_member": 233400, "setup_years": 2}
         ],
         "spend": [
          {"council": "E07000100", "service": "legal", "spend": 1092965, "volume": 86.91153673647239},
          {"council": "E07000107", "service": "legal", "spend": 1651789, "volume": 145.58312123457932},
          {"council": "E07000121", "service": "legal", "spend": 2380850, "volume": 256.9929588734187},
          {"council": "E07000135", "service": "legal", "spend": 2157148, "volume": 187.27279355947022},
          {"council": "E07000142", "service": "legal", "spend": 1371552, "volume": 117.4404311938476},
          {"council": "E07000149", "service": "legal", "spend": 1923931, "volume": 179.07364930672145},
          {"council": "E07000156", "service": "legal", "spend": 1326969, "volume": 150.11782484384477},
          {"council": "E07000100", "service": "audit", "spend": 2451432, "volume": 93824.21514976247},
          {"council": "E07000107", "service": "audit", "spend": 4504082, "volume": 192216.86098371388},
          {"council": "E07000114", "service": "audit", "spend": 3020990},
          {"council": "E07000121", "service": "audit", "spend": 4151771, "volume": 230379.45569934914},
          {"council": "E07000142", "service": "audit", "spend": 2504539, "volume": 113145.77123209655},
          {"council": "E07000149", "service": "audit", "spend": 3826202},
          {"council": "E07000156", "service": "audit", "spend": 4119645, "volume": 166326.1588267124}
         ],
         "incompatible_parties": [["CON", "LD"]],
         "forbidden_pairs": [
          {"a": "E07000100", "b": "E07000156", "service": "audit"}
         ],
         "keep_together": [
          {"a": "E07000100", "b": "E07000121", "service": "legal"}
         ],
         "target": {"min_saving": 5175015},
         "objective": "min_groups"
        }
        """#

    @Test("min_groups over two services on 8-9 councils is proven optimal", arguments: ["stall-403", "stall-121"])
    func minGroupsOverTwoServices(name: String) throws {
        let instance = try Instance.from(json: name == "stall-403" ? Self.stall403 : Self.stall121, file: name + ".json")
        let problem = try Problem(instance: instance, file: name + ".json")
        var options = SolveOptions()
        options.timeLimit = 20
        let (plan, json) = solveWithJSON(problem, options: options)
        let brute = BruteForce(instance: instance).solve()
        let summary = "\(name): solver \(plan.status.rawValue) saving \(plan.totalSaving) groups \(plan.groupCount) "
            + "bound \(String(describing: plan.bound)); brute force \(brute)"
        #expect(brute.status == .optimal)
        #expect(plan.status == .optimal, "\(summary)")
        #expect(sameMoney(plan.totalSaving, brute.totalSaving), "\(summary)")
        #expect(plan.groupCount == brute.groupCount, "\(summary)")
        let report = try PlanChecker.check(planJSON: json, file: name + "-plan.json", problem: problem)
        #expect(report.isValid, "\(report.violations)")
    }

    @Test("the same instance gives byte-identical plan JSON")
    func deterministic() throws {
        var withSeveralGroups = 0
        for seed in 0..<20 {
            let instance = RandomInstances.make(seed: seed)
            let (plan, first) = solveWithJSON(try Problem(instance: instance, file: "random"))
            let (_, second) = solveWithJSON(try Problem(instance: instance, file: "random"))
            #expect(first == second, "seed \(seed)")
            if plan.groupCount >= 2 { withSeveralGroups += 1 }
        }
        #expect(withSeveralGroups >= 3, "too few plans with several groups to test their order")
    }

    @Test("a generated 18-council instance gives byte-identical plan JSON")
    func deterministicGenerated() throws {
        let instance = InstanceGenerator(councils: 18, services: 2, seed: 5).generate()
        let problem = try Problem(instance: instance, file: "generated")
        let (plan, first) = solveWithJSON(problem)
        let (_, second) = solveWithJSON(problem)
        #expect(first == second)
        #expect(plan.status == .optimal)
        let report = try PlanChecker.check(planJSON: first, file: "plan", problem: problem)
        #expect(report.isValid, "\(report.violations)")
    }

    @Test("the random instances cover every rule and every outcome")
    func coverage() throws {
        var counts: [RandomInstances.Feature: Int] = [:]
        var outcomes: [String: Int] = [:]
        var clippedFits = 0
        for seed in 0..<120 {
            let instance = RandomInstances.make(seed: seed)
            for feature in RandomInstances.features(of: instance) { counts[feature, default: 0] += 1 }
            let problem = try Problem(instance: instance, file: "random-\(seed)")
            if problem.services.contains(where: { $0.fit?.clippedFrom != nil }) { clippedFits += 1 }
            let brute = BruteForce(instance: instance).solve()
            switch brute.status {
            case .optimal:
                outcomes[brute.groupCount == 0 ? "optimal, no sharing" : "optimal, sharing", default: 0] += 1
                if instance.objective == .minGroups && brute.groupCount == 1 { outcomes["min_groups, one group", default: 0] += 1 }
                if instance.objective == .minGroups && brute.groupCount > 1 { outcomes["min_groups, several groups", default: 0] += 1 }
            case .infeasible:
                outcomes[brute.keepTogetherImpossible ? "infeasible, rules" : "infeasible, target", default: 0] += 1
            }
        }
        for feature in RandomInstances.Feature.allCases {
            #expect(counts[feature, default: 0] >= 3, "feature \(feature.rawValue) in only \(counts[feature, default: 0]) of 120 instances")
        }
        for outcome in [
            "optimal, no sharing", "optimal, sharing", "min_groups, one group", "min_groups, several groups",
            "infeasible, target", "infeasible, rules",
        ] {
            #expect(outcomes[outcome, default: 0] >= 3, "outcome \(outcome) in only \(outcomes[outcome, default: 0]) of 120 instances")
        }
        // A fitted exponent outside [0.05, 1] (clipped, MODEL.md §1) occurs too.
        #expect(clippedFits >= 3, "a clipped fit in only \(clippedFits) of 120 instances")
    }

    @Test("brute force agrees with the library on validated data")
    func bruteForceReadsTheInstanceLikeTheLibrary() throws {
        for seed in 0..<40 {
            let instance = RandomInstances.make(seed: seed)
            let problem = try Problem(instance: instance, file: "random")
            let brute = BruteForce(instance: instance)
            for (s, service) in problem.services.enumerated() {
                #expect(service.participants == brute.services[s].eligible, "seed \(seed) service \(s)")
                for council in service.participants {
                    #expect(service.volume[council] == brute.services[s].volume[council])
                    for other in service.participants {
                        #expect(abs(problem.distance(council, other) - brute.km[council][other]) <= 1e-9 * max(1, brute.km[council][other]))
                    }
                }
                if case let .power(scale, exponent) = service.curve, case let .power(ownScale, ownExponent) = brute.services[s].curve {
                    #expect(abs(scale - ownScale) <= 1e-9 * ownScale, "seed \(seed) service \(s) scale")
                    #expect(abs(exponent - ownExponent) <= 1e-12, "seed \(seed) service \(s) exponent")
                }
            }
            if let target = brute.target {
                let resolved = try #require(problem.targetSaving)
                #expect(abs(resolved - target) <= 1e-9 * max(1, target), "seed \(seed) target")
            }
        }
    }
}
