// SPDX-License-Identifier: GPL-3.0-or-later
// Test support: an independent exact solver for MODEL.md, by enumeration.
//
// It reads only the raw `Instance` and re-derives everything from the text
// of MODEL.md: eligibility, default volumes, distances (its own haversine),
// the cost curves (its own evaluation and its own least-squares fit), every
// per-group rule, the target base and both objectives. It shares no code
// with the library's scoring, so agreement is evidence, not a tautology.
// Only for tiny instances: it enumerates every set partition of each
// service's eligible councils (Bell(7) = 877).
import Foundation
@testable import CouncilShare

struct BruteForce {
    struct Group: Equatable, CustomStringConvertible {
        var service: Int
        var members: [Int]
        var host: Int
        var saving: Double
        var description: String { "s\(service) \(members) host \(host) saving \(saving)" }
    }

    enum Status: String, Equatable { case optimal, infeasible }

    struct Answer: CustomStringConvertible {
        var status: Status
        /// The optimal plan's total saving (0 when infeasible).
        var totalSaving: Double = 0
        var groupCount: Int = 0
        var groups: [Group] = []
        /// When only the target cannot be met: the largest saving any plan reaches.
        var maxReachableSaving: Double?
        /// True when keep_together (with the other rules) admits no plan at all.
        var keepTogetherImpossible = false
        /// Per service, the best saving with exactly k groups (nil: no plan with k groups).
        var tables: [[Double?]] = []
        /// Over all services, the best saving with exactly K groups (ignoring the target).
        var combined: [Double?] = []

        var description: String {
            "\(status.rawValue), saving \(totalSaving), \(groupCount) groups \(groups)"
                + (maxReachableSaving.map { ", max reachable \($0)" } ?? "")
                + (keepTogetherImpossible ? ", keep_together impossible" : "")
        }
    }

    /// A cost curve evaluated from MODEL.md §1 (not the library's `CostCurve`).
    enum Curve {
        case points([(volume: Double, cost: Double)])
        case power(scale: Double, exponent: Double)

        func cost(_ volume: Double) -> Double {
            switch self {
            case let .power(scale, exponent):
                return volume > 0 ? scale * pow(volume, exponent) : 0
            case let .points(points):
                // The segment holding `volume`; beyond the last point, the last segment extended.
                var segment = points.count - 2
                for index in 0..<(points.count - 1) where volume < points[index + 1].volume {
                    segment = index
                    break
                }
                let (v0, c0) = points[segment], (v1, c1) = points[segment + 1]
                return c0 + (c1 - c0) / (v1 - v0) * (volume - v0)
            }
        }
    }

    /// MODEL.md §1 fit: OLS of ln spend on ln volume over rows with positive
    /// spend and volume; exponent clipped to [0.05, 1], then the scale refitted
    /// as exp(mean(ln spend - b ln volume)).
    static func fitPower(spend: [Double], volume: [Double]) -> (scale: Double, exponent: Double, raw: Double)? {
        let rows = zip(spend, volume).filter { $0.0 > 0 && $0.1 > 0 }
        guard rows.count >= 2 else { return nil }
        let x = rows.map { log($0.1) }, y = rows.map { log($0.0) }
        let count = Double(rows.count)
        let mx = x.reduce(0, +) / count, my = y.reduce(0, +) / count
        var sxy = 0.0, sxx = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
        }
        guard sxx > 0 else { return nil }
        let raw = sxy / sxx
        let exponent = min(1, max(0.05, raw))
        var total = 0.0
        for i in x.indices { total += y[i] - exponent * x[i] }
        return (exp(total / count), exponent, raw)
    }

    static func haversine(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radius = 6371.0, toRadians = Double.pi / 180
        let phi1 = lat1 * toRadians, phi2 = lat2 * toRadians
        let dPhi = (lat2 - lat1) * toRadians, dLambda = (lon2 - lon1) * toRadians
        let h = pow(sin(dPhi / 2), 2) + cos(phi1) * cos(phi2) * pow(sin(dLambda / 2), 2)
        return 2 * radius * atan2(h.squareRoot(), (1 - h).squareRoot())
    }

    struct ServiceData {
        var id: String
        var curve: Curve
        var maxMembers: Int
        var maxDistance: Double
        var distanceCost: Double
        var setupPerYear: Double
        var contiguous: Bool
        /// Eligible councils (spend row, tier, not opted out), ascending.
        var eligible: [Int]
        var hasRow: [Bool]
        var spend: [Double]
        var volume: [Double]
        var keepTogether: [(Int, Int)]
    }

    let instance: Instance
    let n: Int
    let index: [String: Int]
    let km: [[Double]]
    let services: [ServiceData]
    let target: Double?
    let base: Double

    init(instance: Instance) {
        self.instance = instance
        n = instance.councils.count
        var index: [String: Int] = [:]
        for (i, council) in instance.councils.enumerated() { index[council.id] = i }
        self.index = index

        var km = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for a in 0..<n { for b in 0..<n where a != b {
            let x = instance.councils[a], y = instance.councils[b]
            km[a][b] = BruteForce.haversine(x.lat, x.lon, y.lat, y.lon)
        } }
        for row in instance.distances {
            let a = index[row.a]!, b = index[row.b]!
            km[a][b] = row.km
            km[b][a] = row.km
        }
        self.km = km

        var services: [ServiceData] = []
        for spec in instance.services {
            var hasRow = [Bool](repeating: false, count: n)
            var spend = [Double](repeating: 0, count: n), volume = spend
            for row in instance.spend where row.service == spec.id {
                let i = index[row.council]!
                hasRow[i] = true
                spend[i] = row.spend
                volume[i] = row.volume ?? instance.councils[i].population!
            }
            let curve: Curve
            switch spec.costCurve {
            case .points(let points): curve = .points(points.map { ($0[0], $0[1]) })
            case let .power(scale, exponent): curve = .power(scale: scale, exponent: exponent)
            case .fitted:
                let rows = (0..<n).filter { hasRow[$0] }
                let fit = BruteForce.fitPower(spend: rows.map { spend[$0] }, volume: rows.map { volume[$0] })!
                curve = .power(scale: fit.scale, exponent: fit.exponent)
            }
            let optedOut = Set(instance.optOut.filter { $0.service == spec.id }.map { index[$0.council]! })
            let eligible = (0..<n).filter { i in
                hasRow[i] && !optedOut.contains(i)
                    && (spec.tiers == nil || (instance.councils[i].tier.map { spec.tiers!.contains($0) } ?? false))
            }
            services.append(ServiceData(
                id: spec.id, curve: curve, maxMembers: spec.maxMembers, maxDistance: spec.maxDistanceKm ?? .infinity,
                distanceCost: spec.distanceCostPerKm, setupPerYear: spec.setupCostPerMember / spec.setupYears,
                contiguous: spec.contiguous, eligible: eligible, hasRow: hasRow, spend: spend, volume: volume,
                keepTogether: instance.keepTogether.filter { $0.service == spec.id }.map { (index[$0.a]!, index[$0.b]!) }))
        }
        self.services = services

        let controllable = instance.councils.compactMap(\.controllableSpend)
        base = controllable.count == n ? controllable.reduce(0, +) : instance.spend.reduce(0) { $0 + $1.spend }
        switch instance.target {
        case .minSaving(let value)?: target = value
        case .minSavingFraction(let fraction)?: target = fraction * base
        case nil: target = nil
        }
    }

    // MARK: Rules of one group (MODEL.md §2)

    func incompatible(_ service: Int, _ a: Int, _ b: Int) -> Bool {
        let x = instance.councils[a], y = instance.councils[b]
        if let p = x.party, let q = y.party, p != q,
           instance.incompatibleParties.contains(where: { ($0[0] == p && $0[1] == q) || ($0[0] == q && $0[1] == p) }) {
            return true
        }
        return instance.forbiddenPairs.contains { pair in
            (pair.service == nil || pair.service == services[service].id)
                && ((index[pair.a] == a && index[pair.b] == b) || (index[pair.a] == b && index[pair.b] == a))
        }
    }

    func connected(_ members: [Int]) -> Bool {
        var reached: Set<Int> = [members[0]]
        var frontier = [members[0]]
        while let council = frontier.popLast() {
            for other in members where !reached.contains(other) {
                let id = instance.councils[council].id, otherID = instance.councils[other].id
                if instance.adjacency.contains(where: { Set($0) == [id, otherID] }) {
                    reached.insert(other)
                    frontier.append(other)
                }
            }
        }
        return reached.count == members.count
    }

    /// The saving of `members` hosted by `host` (no rule checks).
    func saving(_ service: Int, members: [Int], host: Int) -> Double {
        let data = services[service]
        var spend = 0.0, volume = 0.0, extra = 0.0
        for member in members {
            spend += data.spend[member]
            volume += data.volume[member]
            if member != host { extra += data.distanceCost * km[member][host] + data.setupPerYear }
        }
        return spend - data.curve.cost(volume) - extra
    }

    /// The rules `members` (size >= 2) hosted by `host` break, as short names.
    func brokenRules(_ service: Int, members: [Int], host: Int) -> [String] {
        let data = services[service]
        var broken: [String] = []
        if members.count < 2 { broken.append("size") }
        if Set(members).count != members.count { broken.append("duplicate") }
        if !members.contains(host) { broken.append("host") }
        if members.contains(where: { !data.eligible.contains($0) }) { broken.append("eligible") }
        if members.count > data.maxMembers { broken.append("max_members") }
        if members.contains(where: { km[$0][host] > data.maxDistance }) { broken.append("max_distance_km") }
        for a in members { for b in members where a < b && incompatible(service, a, b) { broken.append("conflict") } }
        if data.contiguous && !connected(members) { broken.append("contiguous") }
        let spend = members.reduce(0) { $0 + data.spend[$1] }
        let value = saving(service, members: members, host: host)
        if value < instance.minGroupSavingFraction * spend - 1e-9 * max(1, spend) { broken.append("min_group_saving_fraction") }
        return broken
    }

    /// The best valid host and its saving; nil when no host makes the group valid.
    func bestGroup(_ service: Int, members: [Int]) -> (host: Int, saving: Double)? {
        var best: (host: Int, saving: Double)?
        for host in members where brokenRules(service, members: members, host: host).isEmpty {
            let value = saving(service, members: members, host: host)
            if best == nil || value > best!.saving { best = (host, value) }
        }
        return best
    }

    // MARK: Search

    /// Per number of groups k, the best saving of a partition of the service's
    /// eligible councils with exactly k groups, and that partition's groups.
    func table(_ service: Int) -> [(saving: Double, groups: [Group])?] {
        let data = services[service]
        let councils = data.eligible
        let m = councils.count
        var table = [(saving: Double, groups: [Group])?](repeating: nil, count: m / 2 + 1)
        // A keep_together pair with a council that is not eligible can never be met.
        for (a, b) in data.keepTogether where !councils.contains(a) || !councils.contains(b) { return table }

        let subsets = 1 << m
        var blockValid = [Bool](repeating: false, count: subsets)
        var blockGroup = [Group?](repeating: nil, count: subsets)
        for mask in 1..<subsets {
            let members = (0..<m).filter { mask & (1 << $0) != 0 }.map { councils[$0] }
            // keep_together: a block holds both councils of a pair or neither.
            if data.keepTogether.contains(where: { members.contains($0.0) != members.contains($0.1) }) { continue }
            if members.count == 1 {
                blockValid[mask] = true
            } else if let best = bestGroup(service, members: members) {
                blockValid[mask] = true
                blockGroup[mask] = Group(service: service, members: members, host: best.host, saving: best.saving)
            }
        }

        var chosen: [Group] = []
        func search(remaining: Int, saving: Double) {
            if remaining == 0 {
                let k = chosen.count
                if table[k] == nil || saving > table[k]!.saving { table[k] = (saving, chosen) }
                return
            }
            let lowest = remaining & -remaining
            let rest = remaining ^ lowest
            var sub = rest
            while true {
                let block = sub | lowest
                if blockValid[block] {
                    if let group = blockGroup[block] {
                        chosen.append(group)
                        search(remaining: remaining ^ block, saving: saving + group.saving)
                        chosen.removeLast()
                    } else {
                        search(remaining: remaining ^ block, saving: saving)
                    }
                }
                if sub == 0 { break }
                sub = (sub - 1) & rest
            }
        }
        search(remaining: subsets - 1, saving: 0)
        return table
    }

    func meetsTarget(_ saving: Double) -> Bool {
        guard let target else { return true }
        return saving >= target - 1e-9 * max(1, abs(target))
    }

    func solve() -> Answer {
        let tables = services.indices.map { table($0) }
        var answer = Answer(status: .infeasible)
        answer.tables = tables.map { $0.map { $0?.saving } }
        if tables.contains(where: { $0.allSatisfy { $0 == nil } }) {
            answer.keepTogetherImpossible = true
            return answer
        }
        // combined[K]: the best total saving with exactly K groups over all services.
        var combined: [(saving: Double, groups: [Group])?] = [(0, [])]
        for table in tables {
            var next = [(saving: Double, groups: [Group])?](repeating: nil, count: combined.count + table.count - 1)
            for (k1, left) in combined.enumerated() {
                guard let left else { continue }
                for (k2, right) in table.enumerated() {
                    guard let right else { continue }
                    let value = left.saving + right.saving
                    if next[k1 + k2] == nil || value > next[k1 + k2]!.saving {
                        next[k1 + k2] = (value, left.groups + right.groups)
                    }
                }
            }
            combined = next
        }
        answer.combined = combined.map { $0?.saving }
        let best = combined.compactMap { $0 }.max { $0.saving < $1.saving }!
        let choice: (saving: Double, groups: [Group])?
        switch instance.objective {
        case .maxSaving: choice = meetsTarget(best.saving) ? best : nil
        case .minGroups: choice = combined.compactMap { $0 }.first { meetsTarget($0.saving) }
        }
        guard let choice else {
            answer.maxReachableSaving = best.saving
            return answer
        }
        answer.status = .optimal
        answer.totalSaving = choice.saving
        answer.groupCount = choice.groups.count
        answer.groups = choice.groups
        return answer
    }
}
