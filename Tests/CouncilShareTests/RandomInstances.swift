// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: seeded tiny random instances that, over a range of seeds,
// exercise every rule of MODEL.md §1-3 (see `RandomInstances.Feature`).
import Foundation
import Testing
@testable import CouncilShare

/// A small deterministic generator (SplitMix64), written here so that the
/// tests do not depend on the library's own random numbers.
struct TestRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0xD1B5_4A32_D192_ED03 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    /// Standard normal (Box-Muller).
    mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

enum RandomInstances {
    /// The rules an instance exercises; `coverage` in `BruteForceTests`
    /// checks that the seeds used there cover all of them.
    enum Feature: String, CaseIterable, Sendable {
        case piecewiseCurve, piecewiseFixedCost, powerCurve, linearPowerCurve, fittedCurve
        case maxMembers, maxDistance, distanceCost, setupCost, setupYears, tiers, councilWithoutTier
        case missingSpendRow, defaultVolume, distanceOverride, partyWithoutLabel
        case incompatibleParties, forbiddenAllServices, forbiddenOneService, keepTogether, optOut
        case adjacency, contiguous, minGroupSavingFraction
        case targetAbsolute, targetFraction, controllableSpendBase, spendRowBase
        case maxSavingObjective, minGroupsObjective, twoServices
    }

    static let parties = ["LAB", "CON", "REF", "LD"]
    static let tiers = ["district", "unitary", "county"]
    static let serviceIDs = ["legal", "audit"]

    /// A tiny instance (by default 4-7 councils; 1-2 services) for `seed`. It always
    /// passes validation (a `keep_together` rule that would contradict the
    /// other rules is dropped). `placeTarget: false` skips placing targets near
    /// a decision boundary, which runs the brute force (too slow beyond 10 councils).
    static func make(seed: Int, councils: ClosedRange<Int> = 4...7, placeTarget: Bool = true) -> Instance {
        var random = TestRandom(seed: UInt64(seed))
        var instance = draft(&random, seed: seed, councils: councils)
        if (try? Problem(instance: instance, file: "random")) == nil, !instance.keepTogether.isEmpty {
            instance.keepTogether = []
        }
        // Half the instances with a target get one placed near a decision
        // boundary: for min_groups strictly between the best savings with K-1 and
        // with K groups (K drawn at random), so that meeting it takes exactly K
        // groups; for max_saving 1-10 % above or below the optimum. The brute force
        // only places the target; the tests still compare the solver with it.
        if placeTarget && instance.target != nil && random.chance(0.5) {
            let oracle = BruteForce(instance: instance)
            let answer = oracle.solve()
            var placed: Double?
            if instance.objective == .minGroups {
                var levels: [(k: Int, low: Double, high: Double)] = []
                var best: Double?
                for (k, value) in answer.combined.enumerated() {
                    guard let value else { continue }
                    if let previous = best, value > previous + 1 { levels.append((k, previous, value)) }
                    best = max(best ?? value, value)
                }
                if !levels.isEmpty {
                    let level = levels.count > 1 && random.chance(0.8) ? random.pick(Array(levels.dropFirst())) : random.pick(levels)
                    placed = level.low + random.uniform(0.1, 0.9) * (level.high - level.low)
                }
            } else if let best = answer.combined.compactMap({ $0 }).max(), best > 100 {
                placed = best * (random.chance(0.5) ? random.uniform(0.9, 0.99) : random.uniform(1.01, 1.1))
            }
            if let placed {
                instance.target = random.chance(0.5) ? .minSaving(placed.rounded()) : .minSavingFraction(placed / oracle.base)
            }
        }
        return instance
    }

    private static func draft(_ random: inout TestRandom, seed: Int, councils: ClosedRange<Int>) -> Instance {
        var instance = Instance(name: "random-\(seed)")
        let n = random.int(councils)
        let serviceCount = random.chance(0.45) ? 2 : 1

        // Councils around Lancashire: up to ~70 km apart.
        for index in 0..<n {
            let tier: String? = random.chance(0.92) ? random.pick(tiers) : nil
            let party: String? = random.chance(0.88) ? random.pick(parties) : nil
            let population: Double? = random.chance(0.85) ? random.uniform(50_000, 300_000).rounded() : nil
            instance.councils.append(Instance.Council(
                id: "E0\(7000100 + 7 * index)", name: "Council \(index)",
                lat: 53.5 + random.uniform(-0.25, 0.25), lon: -2.5 + random.uniform(-0.4, 0.4),
                tier: tier, party: party, population: population))
        }

        // Neighbours (optional): each pair borders with probability 0.45.
        if random.chance(0.55) {
            for a in 0..<n { for b in (a + 1)..<n where random.chance(0.45) {
                instance.adjacency.append([instance.councils[a].id, instance.councils[b].id])
            } }
        }

        for serviceIndex in 0..<serviceCount {
            var service = Instance.Service(id: serviceIDs[serviceIndex], name: "Service \(serviceIndex)")
            let volumePerHead = random.chance(0.7) ? 1.0 : 0.001
            let unitCost = random.uniform(10, 40) / volumePerHead
            let typical = 150_000 * volumePerHead
            // The "true" cost curve the councils' spend scatters around.
            let trueCost: (Double) -> Double
            switch random.int(0...2) {
            case 0:
                let fixed = random.chance(0.5) ? unitCost * typical * random.uniform(0.03, 0.25) : 0
                let v1 = typical * random.uniform(0.5, 1.5)
                let v2 = v1 + typical * random.uniform(0.5, 2)
                let v3 = v2 + typical * random.uniform(1, 3)
                let s1 = unitCost * random.uniform(0.8, 1)
                let s2 = s1 * random.uniform(0.6, 0.99)
                let s3 = random.chance(0.3) ? 0 : s2 * random.uniform(0.3, 0.99)
                let c1 = fixed + s1 * v1, c2 = c1 + s2 * (v2 - v1), c3 = c2 + s3 * (v3 - v2)
                service.costCurve = .points([[0, fixed], [v1, c1], [v2, c2], [v3, c3]])
                trueCost = { volume in
                    if volume <= v1 { return fixed + s1 * volume }
                    if volume <= v2 { return c1 + s2 * (volume - v1) }
                    return c2 + s3 * (volume - v2)
                }
            case 1:
                let exponent = random.chance(0.25) ? 1.0 : random.uniform(0.75, 0.97)
                let scale = unitCost * typical / pow(typical, exponent)
                service.costCurve = .power(scale: scale, exponent: exponent)
                trueCost = { scale * pow($0, exponent) }
            default:
                let exponent = random.uniform(0.75, 0.97)
                let scale = unitCost * typical / pow(typical, exponent)
                service.costCurve = .fitted
                trueCost = { scale * pow($0, exponent) }
            }
            if random.chance(0.5) { service.maxMembers = random.int(2...4) }
            if random.chance(0.4) { service.maxDistanceKm = random.uniform(15, 60).rounded() }
            if random.chance(0.6) { service.distanceCostPerKm = random.uniform(100, 3000).rounded() }
            if random.chance(0.6) { service.setupCostPerMember = random.uniform(20_000, 1_500_000).rounded() }
            if random.chance(0.5) { service.setupYears = Double(random.int(2...6)) }
            if random.chance(0.3) {
                let first = random.pick(tiers)
                service.tiers = [first, random.pick(tiers.filter { $0 != first })]
            }
            if !instance.adjacency.isEmpty && random.chance(0.5) { service.contiguous = true }
            instance.services.append(service)

            // Spend rows: most councils have one; at least three do.
            var rows = (0..<n).filter { _ in random.chance(0.85) }
            var extra = 0
            while rows.count < 3 { if !rows.contains(extra) { rows.append(extra) }; extra += 1 }
            for council in rows.sorted() {
                let population = instance.councils[council].population
                let useDefault = population != nil && volumePerHead == 1 && random.chance(0.35)
                let volume = useDefault ? population! : (population ?? 150_000) * volumePerHead * random.uniform(0.8, 1.2)
                let spend = (trueCost(volume) * exp(0.12 * random.normal())).rounded()
                instance.spend.append(Instance.Spend(
                    council: instance.councils[council].id, service: service.id, spend: spend,
                    volume: useDefault ? nil : volume))
            }
        }

        // Distance overrides.
        if random.chance(0.4) {
            var used = Set<[Int]>()
            for _ in 0..<random.int(1...3) {
                let a = random.int(0...(n - 1)), b = random.int(0...(n - 1))
                guard a != b, used.insert([min(a, b), max(a, b)]).inserted else { continue }
                instance.distances.append(Instance.Distance(
                    a: instance.councils[a].id, b: instance.councils[b].id, km: random.uniform(1, 80).rounded()))
            }
        }

        // Party rules and forbidden pairs.
        if random.chance(0.4) {
            let first = random.pick(parties)
            instance.incompatibleParties.append([first, random.pick(parties.filter { $0 != first })])
            if random.chance(0.3) {
                let other = random.pick(parties)
                instance.incompatibleParties.append([other, random.pick(parties.filter { $0 != other })])
            }
        }
        func randomPair() -> (String, String) {
            let a = random.int(0...(n - 1))
            var b = random.int(0...(n - 2))
            if b >= a { b += 1 }
            return (instance.councils[a].id, instance.councils[b].id)
        }
        if random.chance(0.35) {
            let (a, b) = randomPair()
            instance.forbiddenPairs.append(Instance.Pair(a: a, b: b))
        }
        for _ in 0..<(random.chance(0.4) ? random.int(1...2) : 0) {
            let (a, b) = randomPair()
            instance.forbiddenPairs.append(Instance.Pair(a: a, b: b, service: random.pick(instance.services).id))
        }
        if random.chance(0.3) {
            let council = random.pick(instance.councils).id
            instance.optOut.append(Instance.OptOut(council: council, service: random.pick(instance.services).id))
        }

        // Keep together: two councils that may share the service and are not in conflict.
        if random.chance(0.3) {
            let service = random.pick(instance.services)
            let eligible = instance.councils.filter { council in
                instance.spend.contains { $0.council == council.id && $0.service == service.id }
                    && !instance.optOut.contains { $0.council == council.id && $0.service == service.id }
                    && (service.tiers == nil || council.tier.map { service.tiers!.contains($0) } == true)
            }
            var pairs: [(String, String)] = []
            for a in eligible.indices { for b in eligible.indices where a < b {
                let x = eligible[a], y = eligible[b]
                let partyClash = x.party != nil && y.party != nil && x.party != y.party
                    && instance.incompatibleParties.contains { Set($0) == [x.party!, y.party!] }
                let forbidden = instance.forbiddenPairs.contains {
                    Set([$0.a, $0.b]) == [x.id, y.id] && ($0.service == nil || $0.service == service.id)
                }
                if !partyClash && !forbidden { pairs.append((x.id, y.id)) }
            } }
            if !pairs.isEmpty {
                let (a, b) = random.pick(pairs)
                instance.keepTogether.append(Instance.Pair(a: a, b: b, service: service.id))
            }
        }

        if random.chance(0.3) { instance.minGroupSavingFraction = random.uniform(0.01, 0.15) }

        // Controllable spend: about three times the council's shareable spend;
        // sometimes one council gives none (the target base is then the spend rows).
        let everyone = random.chance(0.5)
        let missing = random.int(0...(n - 1))
        for index in 0..<n where everyone || index != missing {
            let own = instance.spend.filter { $0.council == instance.councils[index].id }.reduce(0) { $0 + $1.spend }
            instance.councils[index].controllableSpend = (max(own, 1_000_000) * random.uniform(2, 4)).rounded()
        }

        if random.chance(0.6) {
            let totalSpend = instance.spend.reduce(0) { $0 + $1.spend }
            let fewestGroups = random.chance(0.5)
            // A share of the spend rows, log-uniform (sometimes zero): from 0.2 % to
            // 20 % for max_saving; from 2 % to 30 % for min_groups, where groups save
            // a large share of their members' spend, so that the target is met by
            // no group, one group, several, or none at all.
            let share = random.chance(0.08) ? 0
                : exp(fewestGroups ? random.uniform(log(0.02), log(0.3)) : random.uniform(log(0.002), log(0.2)))
            if random.chance(0.5) {
                instance.target = .minSaving((totalSpend * share).rounded())
            } else {
                let base = everyone ? instance.councils.reduce(0) { $0 + $1.controllableSpend! } : totalSpend
                instance.target = .minSavingFraction(share * totalSpend / base)
            }
            if fewestGroups {
                instance.objective = .minGroups
                // Pairs only, half the time, so that meeting the target takes several groups.
                if random.chance(0.5) {
                    for index in instance.services.indices { instance.services[index].maxMembers = 2 }
                }
            }
        }
        return instance
    }

    /// Which rules `instance` exercises.
    static func features(of instance: Instance) -> Set<Feature> {
        var found = Set<Feature>()
        for service in instance.services {
            switch service.costCurve {
            case .points(let points):
                found.insert(.piecewiseCurve)
                if points[0][1] > 0 { found.insert(.piecewiseFixedCost) }
            case .power(_, let exponent): found.insert(exponent == 1 ? .linearPowerCurve : .powerCurve)
            case .fitted: found.insert(.fittedCurve)
            }
            if service.maxMembers != 8 { found.insert(.maxMembers) }
            if service.maxDistanceKm != nil { found.insert(.maxDistance) }
            if service.distanceCostPerKm > 0 { found.insert(.distanceCost) }
            if service.setupCostPerMember > 0 { found.insert(.setupCost) }
            if service.setupYears != 1 { found.insert(.setupYears) }
            if service.tiers != nil { found.insert(.tiers) }
            if service.contiguous { found.insert(.contiguous) }
            let rows = instance.spend.filter { $0.service == service.id }
            if rows.count < instance.councils.count { found.insert(.missingSpendRow) }
        }
        if instance.councils.contains(where: { $0.tier == nil }) { found.insert(.councilWithoutTier) }
        if instance.councils.contains(where: { $0.party == nil }) { found.insert(.partyWithoutLabel) }
        if instance.spend.contains(where: { $0.volume == nil }) { found.insert(.defaultVolume) }
        if !instance.distances.isEmpty { found.insert(.distanceOverride) }
        if !instance.incompatibleParties.isEmpty { found.insert(.incompatibleParties) }
        if instance.forbiddenPairs.contains(where: { $0.service == nil }) { found.insert(.forbiddenAllServices) }
        if instance.forbiddenPairs.contains(where: { $0.service != nil }) { found.insert(.forbiddenOneService) }
        if !instance.keepTogether.isEmpty { found.insert(.keepTogether) }
        if !instance.optOut.isEmpty { found.insert(.optOut) }
        if !instance.adjacency.isEmpty { found.insert(.adjacency) }
        if instance.minGroupSavingFraction > 0 { found.insert(.minGroupSavingFraction) }
        switch instance.target {
        case .minSaving?: found.insert(.targetAbsolute)
        case .minSavingFraction?:
            found.insert(.targetFraction)
            found.insert(instance.councils.allSatisfy { $0.controllableSpend != nil } ? .controllableSpendBase : .spendRowBase)
        case nil: break
        }
        found.insert(instance.objective == .maxSaving ? .maxSavingObjective : .minGroupsObjective)
        if instance.services.count > 1 { found.insert(.twoServices) }
        return found
    }
}

/// The problem of `councilshare generate --councils N --services K --seed S`
/// (file name "generated-S" in its messages).
func generatedProblem(councils: Int, services: Int, seed: Int) throws -> Problem {
    try Problem(instance: InstanceGenerator(councils: councils, services: services, seed: UInt64(seed)).generate(),
                file: "generated-\(seed)")
}

/// `plan` re-scored from its JSON by `PlanChecker`, as `councilshare check` does.
func recheck(_ plan: Plan, _ problem: Problem, file: String = "plan.json") throws -> PlanChecker.Report {
    try PlanChecker.check(planJSON: JSONWriter.write(plan.jsonValue(problem: problem)), file: file, problem: problem)
}

/// Solves `problem` with the default options and with `other` (a feature
/// turned off): both must be optimal with the same saving, and the default's
/// plan must pass `check` at its own saving. Returns both plans.
@discardableResult
func expectSameOptimum(_ problem: Problem, with options: SolveOptions = SolveOptions(), without other: SolveOptions,
                       _ context: String) throws -> (with: Plan, without: Plan) {
    let with = ExactSolver(problem: problem, options: options).solve()
    let without = ExactSolver(problem: problem, options: other).solve()
    #expect(with.status == .optimal && without.status == .optimal, "\(context): \(with.status) / \(without.status)")
    #expect(sameMoney(with.totalSaving, without.totalSaving), "\(context): \(with.totalSaving) vs \(without.totalSaving)")
    let report = try recheck(with, problem, file: "\(context).json")
    #expect(report.isValid, "\(context): \(report.violations)")
    #expect(sameMoney(report.totalSaving, with.totalSaving), "\(context)")
    return (with, without)
}
