// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny instances whose optimum is worked out by hand (in the comments), checked
// against the exact solver and against the brute force (which validates it too).
import Foundation
import Testing
@testable import CouncilShare

/// Builders for hand-made instances. Every pair distance is given explicitly
/// (`distances`), so no haversine enters the hand calculations.
enum Tiny {
    static func council(_ id: String, party: String? = nil, tier: String? = "district", controllable: Double? = nil) -> Instance.Council {
        Instance.Council(id: id, name: "Council \(id)", lat: 53.5, lon: -2.5, tier: tier, party: party,
                         population: nil, controllableSpend: controllable)
    }

    static func service(_ id: String, points: [[Double]]) -> Instance.Service {
        var service = Instance.Service(id: id, name: "Service \(id)")
        service.costCurve = .points(points)
        return service
    }

    static func distances(_ rows: [(String, String, Double)]) -> [Instance.Distance] {
        rows.map { Instance.Distance(a: $0.0, b: $0.1, km: $0.2) }
    }

    /// The "fixed cost" curve C(V) = 1000 + V: every council pays the fixed
    /// 1000 in-house, so a group of m members saves (m - 1) * 1000 before its
    /// distance and set-up costs.
    static let fixedCost: [[Double]] = [[0, 1000], [1000, 2000]]

    /// Councils A, B, C, D, ... with volumes 100, 200, ... and spend 1000 + volume.
    static func fixedCostInstance(_ ids: [String], km: [(String, String, Double)], distanceCost: Double,
                                  maxMembers: Int = 8) -> Instance {
        var instance = Instance(name: "fixed-cost")
        instance.councils = ids.map { council($0) }
        var service = service("legal", points: fixedCost)
        service.distanceCostPerKm = distanceCost
        service.maxMembers = maxMembers
        instance.services = [service]
        for (index, id) in ids.enumerated() {
            let volume = Double(100 * (index + 1))
            instance.spend.append(Instance.Spend(council: id, service: "legal", spend: 1000 + volume, volume: volume))
        }
        instance.distances = distances(km)
        return instance
    }
}

/// Solves `instance` with the exact solver and the brute force.
func solveBoth(_ instance: Instance) throws -> (Problem, Plan, BruteForce.Answer) {
    let problem = try Problem(instance: instance, file: "known.json")
    let plan = ExactSolver(problem: problem).solve()
    let report = try recheck(plan, problem)
    if plan.status == .optimal || plan.status == .feasible {
        #expect(report.isValid, "\(report.violations)")
    }
    return (problem, plan, BruteForce(instance: instance).solve())
}

@Suite("Known answers worked out by hand")
struct KnownAnswerTests {
    struct TwoCouncilCase: Sendable, CustomTestStringConvertible {
        var label: String
        var curve: Instance.CurveSpec
        var volumes: (Double, Double)
        var spends: (Double, Double)
        var maxDistanceKm: Double?
        /// Nil when no group can form.
        var saving: Double?
        var testDescription: String { label }
    }

    // Two councils A and B, 10 km apart; distance cost 5 GBP/km, set-up 100 per
    // member over 4 years. Whoever hosts, the other member pays 5 * 10 = 50 a
    // year for distance and 100 / 4 = 25 for set-up, so a group saves
    // spend(A) + spend(B) - C(V_A + V_B) - 75.
    static let twoCouncilCases: [TwoCouncilCase] = [
        // Linear (slope 10) to V = 100, then flat to the last point V = 120 and,
        // extended with the last slope 0, beyond it: C(60 + 80) = C(140) = 1000.
        // Saving 600 + 800 - 1000 - 75 = 325.
        .init(label: "linear then flat, pooled volume past the last point",
              curve: .points([[0, 0], [100, 1000], [120, 1000]]), volumes: (60, 80), spends: (600, 800), saving: 325),
        // Last slope (1050 - 1000) / 20 = 2.5 extends past V = 120: C(140) = 1050 + 2.5 * 20 = 1100.
        // Saving 1400 - 1100 - 75 = 225.
        .init(label: "last segment extended with its slope",
              curve: .points([[0, 0], [100, 1000], [120, 1050]]), volumes: (60, 80), spends: (600, 800), saving: 225),
        // Power curve 100 * V^0.5: C(100 + 2400) = 100 * 50 = 5000. Saving 1000 + 5000 - 5000 - 75 = 925.
        .init(label: "power curve", curve: .power(scale: 100, exponent: 0.5),
              volumes: (100, 2400), spends: (1000, 5000), saving: 925),
        // max_distance_km 10: B is exactly 10 km from host A, which is "within": same 325.
        .init(label: "member exactly at max_distance_km", curve: .points([[0, 0], [100, 1000], [120, 1000]]),
              volumes: (60, 80), spends: (600, 800), maxDistanceKm: 10, saving: 325),
        // max_distance_km 9.5 < 10: no host reaches the other member; no group, saving 0.
        .init(label: "member beyond max_distance_km", curve: .points([[0, 0], [100, 1000], [120, 1000]]),
              volumes: (60, 80), spends: (600, 800), maxDistanceKm: 9.5, saving: nil),
        // Sharing does not pay: C(140) = 1000 + 0.5 * 40 = 1020 against spend 500 + 540 = 1040;
        // saving 1040 - 1020 - 75 = -55 < 0, so no group (a group must not make anyone worse off).
        .init(label: "sharing does not pay", curve: .points([[0, 0], [100, 1000], [200, 1050]]),
              volumes: (60, 80), spends: (500, 540), saving: nil),
    ]

    static func twoCouncils(_ testCase: TwoCouncilCase) -> Instance {
        var instance = Instance(name: "two-councils")
        instance.councils = [Tiny.council("A"), Tiny.council("B")]
        var service = Instance.Service(id: "legal", name: "Legal")
        service.costCurve = testCase.curve
        service.distanceCostPerKm = 5
        service.setupCostPerMember = 100
        service.setupYears = 4
        service.maxDistanceKm = testCase.maxDistanceKm
        instance.services = [service]
        instance.spend = [
            Instance.Spend(council: "A", service: "legal", spend: testCase.spends.0, volume: testCase.volumes.0),
            Instance.Spend(council: "B", service: "legal", spend: testCase.spends.1, volume: testCase.volumes.1),
        ]
        instance.distances = Tiny.distances([("A", "B", 10)])
        return instance
    }

    @Test("two councils 10 km apart", arguments: twoCouncilCases)
    func twoCouncilsTenKilometresApart(_ testCase: TwoCouncilCase) throws {
        let (_, plan, brute) = try solveBoth(Self.twoCouncils(testCase))
        #expect(plan.status == .optimal)
        #expect(brute.status == .optimal)
        if let saving = testCase.saving {
            #expect(plan.groupCount == 1)
            #expect(plan.groups.first?.members == [0, 1])
            #expect(abs(plan.totalSaving - saving) < 1e-6)
            #expect(abs(brute.totalSaving - saving) < 1e-6)
        } else {
            #expect(plan.groups.isEmpty)
            #expect(plan.totalSaving == 0)
            #expect(brute.totalSaving == 0)
        }
    }

    struct PartyCase: Sendable, CustomTestStringConvertible {
        var label: String
        var incompatible: Bool
        var maxMembers: Int
        var forbidAC: String?   // nil, "legal" or "all"
        var saving: Double
        var members: [Int]
        var host: Int?
        var testDescription: String { label }
    }

    // Three councils on the fixed-cost curve C(V) = 1000 + V: A (LAB, volume 100),
    // B (REF, 200), C (CON, 300); A-B 1 km, A-C 10 km, B-C 20 km; 20 GBP/km.
    // A pair saves 1000 - 20 * d: AB 980, AC 800, BC 600. The triple saves 2000
    // less 20 * (sum of distances to the host): host A 20 * 11 = 220 -> 1780;
    // host B 20 * 21 -> 1580; host C 20 * 30 -> 1400; best host A, 1780.
    static let partyCases: [PartyCase] = [
        .init(label: "pairs only, no rules: the best pair AB", incompatible: false, maxMembers: 2, saving: 980, members: [0, 1]),
        .init(label: "REF/LAB incompatible forbids AB: AC", incompatible: true, maxMembers: 2, saving: 800, members: [0, 2]),
        .init(label: "triple allowed: ABC hosted by A", incompatible: false, maxMembers: 3, saving: 1780, members: [0, 1, 2], host: 0),
        .init(label: "triple blocked by party rule: AC", incompatible: true, maxMembers: 3, saving: 800, members: [0, 2]),
        .init(label: "party rule and AC forbidden for legal: BC", incompatible: true, maxMembers: 3, forbidAC: "legal", saving: 600, members: [1, 2]),
        .init(label: "party rule and AC forbidden everywhere: BC", incompatible: true, maxMembers: 3, forbidAC: "all", saving: 600, members: [1, 2]),
        .init(label: "AC forbidden for another service only: AC", incompatible: true, maxMembers: 3, forbidAC: "audit", saving: 800, members: [0, 2]),
    ]

    @Test("party rules and forbidden pairs rule out the best pair", arguments: partyCases)
    func partyRules(_ testCase: PartyCase) throws {
        var instance = Tiny.fixedCostInstance(
            ["A", "B", "C"], km: [("A", "B", 1), ("A", "C", 10), ("B", "C", 20)], distanceCost: 20, maxMembers: testCase.maxMembers)
        instance.councils[0].party = "LAB"
        instance.councils[1].party = "REF"
        instance.councils[2].party = "CON"
        // A second service without spend rows, so that a pair can be forbidden for it alone.
        instance.services.append(Tiny.service("audit", points: Tiny.fixedCost))
        if testCase.incompatible { instance.incompatibleParties = [["REF", "LAB"]] }
        if let scope = testCase.forbidAC {
            instance.forbiddenPairs = [Instance.Pair(a: "C", b: "A", service: scope == "all" ? nil : scope)]
        }
        let (_, plan, brute) = try solveBoth(instance)
        #expect(plan.status == .optimal)
        #expect(plan.groupCount == 1)
        #expect(plan.groups.first?.members == testCase.members)
        if let host = testCase.host { #expect(plan.groups.first?.host == host) }
        #expect(abs(plan.totalSaving - testCase.saving) < 1e-6)
        #expect(abs(brute.totalSaving - testCase.saving) < 1e-6)
    }

    // Four councils on C(V) = 1000 + V, pairs only, 10 GBP/km. A-B 1 km, C-D 1 km,
    // B-D 2 km, A-C / A-D / B-C 50 km. Free choice: AB + CD = 990 + 990 = 1980.
    // keep_together A-C: AC saves 1000 - 500 = 500, and the best use of B and D is
    // BD, 1000 - 20 = 980: 1480, worse than 1980. With A-C 150 km apart, AC would
    // save 1000 - 1500 = -500 < 0, which makes its members worse off: no plan
    // meets the rules (infeasible).
    @Test("keep_together forces a worse plan", arguments: [(nil, 1980.0), (50.0, 1480.0), (150.0, nil)] as [(Double?, Double?)])
    func keepTogether(acKm: Double?, saving: Double?) throws {
        var instance = Tiny.fixedCostInstance(
            ["A", "B", "C", "D"],
            km: [("A", "B", 1), ("C", "D", 1), ("B", "D", 2), ("A", "C", acKm ?? 50), ("A", "D", 50), ("B", "C", 50)],
            distanceCost: 10, maxMembers: 2)
        if acKm != nil { instance.keepTogether = [Instance.Pair(a: "A", b: "C", service: "legal")] }
        let (_, plan, brute) = try solveBoth(instance)
        if let saving {
            #expect(plan.status == .optimal)
            #expect(abs(plan.totalSaving - saving) < 1e-6)
            #expect(abs(brute.totalSaving - saving) < 1e-6)
            #expect(plan.groupCount == 2)
            let expected = acKm == nil ? [[0, 1], [2, 3]] : [[0, 2], [1, 3]]
            #expect(Set(plan.groups.map(\.members)) == Set(expected))
        } else {
            #expect(plan.status == .infeasible)
            #expect(brute.status == .infeasible)
            #expect(plan.groups.isEmpty)
        }
    }

    struct TargetCase: Sendable, CustomTestStringConvertible {
        var label: String
        var target: Instance.Target
        var everyControllable: Bool
        var objective: Instance.Objective = .maxSaving
        /// Nil: infeasible, and the largest reachable saving is 325.
        var meets: Bool
        var testDescription: String { label }
    }

    // The linear-then-flat pair above: the largest saving is 325. Controllable
    // spend A 10,000 and B 20,000, so the base of a fractional target is 30,000;
    // without B's figure the base is the spend rows, 600 + 800 = 1,400.
    static let targetCases: [TargetCase] = [
        .init(label: "1,000 GBP is out of reach", target: .minSaving(1000), everyControllable: true, meets: false),
        .init(label: "exactly 325 GBP is met", target: .minSaving(325), everyControllable: true, meets: true),
        .init(label: "2 % of 30,000 = 600 is out of reach", target: .minSavingFraction(0.02), everyControllable: true, meets: false),
        .init(label: "1 % of 30,000 = 300 is met", target: .minSavingFraction(0.01), everyControllable: true, meets: true),
        .init(label: "25 % of the spend rows 1,400 = 350 is out of reach", target: .minSavingFraction(0.25), everyControllable: false, meets: false),
        .init(label: "20 % of the spend rows 1,400 = 280 is met", target: .minSavingFraction(0.2), everyControllable: false, meets: true),
        .init(label: "min_groups, 1,000 GBP out of reach", target: .minSaving(1000), everyControllable: true, objective: .minGroups, meets: false),
    ]

    @Test("targets: met, or infeasible with the largest reachable saving", arguments: targetCases)
    func targets(_ testCase: TargetCase) throws {
        var instance = Self.twoCouncils(Self.twoCouncilCases[0])
        instance.councils[0].controllableSpend = 10_000
        if testCase.everyControllable { instance.councils[1].controllableSpend = 20_000 }
        instance.target = testCase.target
        instance.objective = testCase.objective
        let (problem, plan, brute) = try solveBoth(instance)
        #expect(problem.savingBase == (testCase.everyControllable ? 30_000 : 1_400))
        if testCase.meets {
            #expect(plan.status == .optimal)
            #expect(abs(plan.totalSaving - 325) < 1e-6)
            #expect(brute.status == .optimal)
        } else {
            #expect(plan.status == .infeasible)
            #expect(brute.status == .infeasible)
            let reachable = try #require(plan.maxReachableSaving)
            #expect(abs(reachable - 325) < 1e-6)
            #expect(abs((brute.maxReachableSaving ?? -1) - 325) < 1e-6)
            #expect(plan.groups.isEmpty)
        }
    }

    struct FewestCase: Sendable, CustomTestStringConvertible {
        var maxMembers: Int
        var target: Double
        /// Nil: infeasible, largest reachable saving `saving`.
        var groups: Int?
        var saving: Double
        var testDescription: String { "max_members \(maxMembers), target \(target)" }
    }

    // Four councils all 1 km apart on C(V) = 1000 + V, 10 GBP/km. A group of m
    // members saves (m - 1) * 1000 - 10 * (m - 1): pair 990, triple 1980, all four 2970.
    static let fewestCases: [FewestCase] = [
        // Target 0 needs no group at all.
        .init(maxMembers: 2, target: 0, groups: 0, saving: 0),
        // Zero groups save 0 < 500; one pair saves 990 >= 500.
        .init(maxMembers: 2, target: 500, groups: 1, saving: 990),
        // One pair (990) is short of 1500; two pairs save 1980.
        .init(maxMembers: 2, target: 1500, groups: 2, saving: 1980),
        // One group suffices, and among one-group plans the largest is all four: 2970.
        .init(maxMembers: 4, target: 500, groups: 1, saving: 2970),
        // A triple meets 1980 exactly with one group.
        .init(maxMembers: 3, target: 1980, groups: 1, saving: 1980),
        // With at most three members, triple + single or two pairs both save 1980: 2500 is out of reach.
        .init(maxMembers: 3, target: 2500, groups: nil, saving: 1980),
    ]

    @Test("min_groups: the fewest groups that meet the target, then the largest saving", arguments: fewestCases)
    func fewestGroups(_ testCase: FewestCase) throws {
        let ids = ["A", "B", "C", "D"]
        var km: [(String, String, Double)] = []
        for a in ids.indices { for b in ids.indices where a < b { km.append((ids[a], ids[b], 1)) } }
        var instance = Tiny.fixedCostInstance(ids, km: km, distanceCost: 10, maxMembers: testCase.maxMembers)
        instance.objective = .minGroups
        instance.target = .minSaving(testCase.target)
        let (_, plan, brute) = try solveBoth(instance)
        if let groups = testCase.groups {
            #expect(plan.status == .optimal)
            #expect(plan.groupCount == groups)
            #expect(abs(plan.totalSaving - testCase.saving) < 1e-6)
            #expect(plan.groupsLowerBound == groups)
            #expect(brute.groupCount == groups)
            #expect(abs(brute.totalSaving - testCase.saving) < 1e-6)
        } else {
            #expect(plan.status == .infeasible)
            #expect(abs((plan.maxReachableSaving ?? -1) - testCase.saving) < 1e-6)
            #expect(abs((brute.maxReachableSaving ?? -1) - testCase.saving) < 1e-6)
        }
    }

    struct NeighbourCase: Sendable, CustomTestStringConvertible {
        var label: String
        var contiguous: Bool
        var maxMembers: Int
        var unitaryOnly = false
        var optOutC = false
        var saving: Double
        var members: [Int]?
        var testDescription: String { label }
    }

    // A, B, C on C(V) = 1000 + V, 10 GBP/km; A-C 1 km, A-B 30 km, B-C 40 km;
    // neighbours A-B and B-C only. Pairs: AC 990 (not neighbours), AB 700, BC 600.
    // The triple is connected through B: host A pays 10 * (30 + 1) -> 1690,
    // host B 10 * 70 -> 1300, host C 10 * 41 -> 1590; best 1690.
    static let neighbourCases: [NeighbourCase] = [
        .init(label: "not contiguous: AC", contiguous: false, maxMembers: 2, saving: 990, members: [0, 2]),
        .init(label: "contiguous: AC is not connected, AB", contiguous: true, maxMembers: 2, saving: 700, members: [0, 1]),
        .init(label: "contiguous triple through B", contiguous: true, maxMembers: 3, saving: 1690, members: [0, 1, 2]),
        .init(label: "B of the wrong tier: AC", contiguous: false, maxMembers: 3, unitaryOnly: true, saving: 990, members: [0, 2]),
        .init(label: "B of the wrong tier and contiguous: nothing", contiguous: true, maxMembers: 3, unitaryOnly: true, saving: 0, members: nil),
        .init(label: "C opted out: AB", contiguous: false, maxMembers: 3, optOutC: true, saving: 700, members: [0, 1]),
    ]

    @Test("contiguity, tiers and opt-outs", arguments: neighbourCases)
    func neighbours(_ testCase: NeighbourCase) throws {
        var instance = Tiny.fixedCostInstance(
            ["A", "B", "C"], km: [("A", "C", 1), ("A", "B", 30), ("B", "C", 40)], distanceCost: 10, maxMembers: testCase.maxMembers)
        instance.adjacency = [["A", "B"], ["B", "C"]]
        instance.services[0].contiguous = testCase.contiguous
        if testCase.unitaryOnly {
            instance.councils[0].tier = "unitary"
            instance.councils[2].tier = "unitary"
            instance.services[0].tiers = ["unitary", "county"]
        }
        if testCase.optOutC { instance.optOut = [Instance.OptOut(council: "C", service: "legal")] }
        let (_, plan, brute) = try solveBoth(instance)
        #expect(plan.status == .optimal)
        #expect(abs(plan.totalSaving - testCase.saving) < 1e-6)
        #expect(abs(brute.totalSaving - testCase.saving) < 1e-6)
        #expect(plan.groups.map(\.members) == (testCase.members.map { [$0] } ?? []))
    }

    // An infeasible answer is not a plan: it lists no groups and saves nothing,
    // whatever the objective. Service legal: A and B 1 km apart save 990.
    // Service audit: keep_together C-D, 150 km apart at 10 GBP/km, would save
    // 1000 - 1500 = -500 < 0, so no plan meets the rules. Target 100.
    @Test("an infeasible answer lists no groups", arguments: Instance.Objective.allCases)
    func infeasibleAnswerHasNoGroups(_ objective: Instance.Objective) throws {
        var instance = Tiny.fixedCostInstance(
            ["A", "B", "C", "D"],
            km: [("A", "B", 1), ("C", "D", 150), ("A", "C", 50), ("A", "D", 50), ("B", "C", 50), ("B", "D", 50)],
            distanceCost: 10, maxMembers: 2)
        var audit = Tiny.service("audit", points: Tiny.fixedCost)
        audit.distanceCostPerKm = 10
        instance.services.append(audit)
        instance.spend.removeAll { $0.council == "C" || $0.council == "D" }
        instance.spend += [
            Instance.Spend(council: "C", service: "audit", spend: 1300, volume: 300),
            Instance.Spend(council: "D", service: "audit", spend: 1400, volume: 400),
        ]
        instance.keepTogether = [Instance.Pair(a: "C", b: "D", service: "audit")]
        instance.target = .minSaving(100)
        instance.objective = objective
        let (problem, plan, brute) = try solveBoth(instance)
        #expect(brute.status == .infeasible)
        #expect(plan.status == .infeasible)
        #expect(plan.groups.isEmpty, "status infeasible but the plan lists \(plan.groups.count) groups")
        #expect(plan.totalSaving == 0)
        let json = try JSONParser.parse(JSONWriter.write(plan.jsonValue(problem: problem)))
        guard case .object(let fields) = json.value else { Issue.record("plan JSON is not an object"); return }
        #expect(fields.first { $0.key == "total_saving" }?.value.value == .number(0))
    }
}
