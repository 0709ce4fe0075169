// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Synthetic instances shaped like English local government, for tests and
/// benchmarks. The recipe (all figures are stated assumptions, not data):
///
/// - **Geography.** Councils sit in areas of about 12 councils scattered over
///   England's extent (lat 50.6–54.9, lon −3.6–1.5); within an area, positions
///   are normal around its centre (σ ≈ 14 km). Two-tier areas (60 %) have a
///   county (placed at its districts' mean) and districts; the rest are
///   unitary or metropolitan areas. Neighbours: each council's four nearest
///   within 45 km, symmetrised.
/// - **Population.** Log-normal: districts ~110k, unitaries ~260k,
///   metropolitan ~310k; a county is the sum of its districts.
/// - **Parties.** CON 28 %, LAB 28 %, LD 12 %, REF 12 %, NOC 15 %, GRN 3 %,
///   with areas leaning to one party. Reform UK is incompatible with Labour,
///   Liberal Democrat and Green councils.
/// - **Services** (first K of: back office, legal, placement commissioning,
///   fostering and adoption, revenues and benefits, procurement, ...): a
///   power cost curve with exponent 0.86–0.94 (pooling four equal councils
///   saves 8–18 % before set-up and distance costs); each council's spend is the
///   curve at its own volume times log-normal noise (σ 0.12), so pooling
///   saves through scale; 3–5 members (most real shared-service
///   partnerships have two to four); 45–80 km; distance cost £200–£600 per
///   km a year; set-up £150k–£600k per member over 5 years. Children's
///   services are upper tier only, with volume 0.7 looked-after children
///   per 1,000 people.
public struct InstanceGenerator {
    public var councils: Int
    public var services: Int
    public var seed: UInt64

    public init(councils: Int, services: Int, seed: UInt64) {
        self.councils = councils
        self.services = services
        self.seed = seed
    }

    struct ServiceTemplate {
        var id: String, name: String, upperTierOnly: Bool, perHeadCost: Double, volumePerHead: Double
    }

    static let templates: [ServiceTemplate] = [
        .init(id: "back_office", name: "Back office (management and support)", upperTierOnly: false, perHeadCost: 55, volumePerHead: 1),
        .init(id: "legal", name: "Legal services", upperTierOnly: false, perHeadCost: 12, volumePerHead: 1),
        .init(id: "placement_commissioning", name: "Children's placement commissioning", upperTierOnly: true, perHeadCost: 70, volumePerHead: 0.0007),
        .init(id: "fostering_adoption", name: "Fostering and adoption", upperTierOnly: true, perHeadCost: 30, volumePerHead: 0.0007),
        .init(id: "revenues_benefits", name: "Revenues and benefits", upperTierOnly: false, perHeadCost: 25, volumePerHead: 1),
        .init(id: "procurement", name: "Procurement", upperTierOnly: false, perHeadCost: 8, volumePerHead: 1),
        .init(id: "ict", name: "ICT", upperTierOnly: false, perHeadCost: 20, volumePerHead: 1),
        .init(id: "audit", name: "Internal audit", upperTierOnly: false, perHeadCost: 3, volumePerHead: 1),
    ]

    public func generate() -> Instance {
        var random = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(councils) &* 31 &+ UInt64(services))
        var instance = Instance(name: "generated-\(councils)x\(services)-seed\(seed)")
        instance.description = "Synthetic instance from `councilshare generate --councils \(councils) --services \(services) --seed \(seed)`"
        let parties: [(String, Double)] = [("CON", 28), ("LAB", 28), ("LD", 12), ("REF", 12), ("NOC", 15), ("GRN", 3)]

        var made: [Instance.Council] = []
        var area = 0
        while made.count < councils {
            area += 1
            let centreLat = random.uniform(50.6, 54.9), centreLon = random.uniform(-3.6, 1.5)
            let lean = random.pick(parties)
            let kind = random.pick([("shire", 60.0), ("unitary", 25.0), ("metropolitan", 15.0)])
            let remaining = councils - made.count
            let size = min(remaining, kind == "shire" ? 6 + random.below(8) : 3 + random.below(5))
            func place() -> (Double, Double) {
                let lat = centreLat + random.normal() * 0.13
                let lon = centreLon + random.normal() * 0.2
                return (min(55.5, max(50.0, lat)), min(1.8, max(-5.5, lon)))
            }
            func party() -> String { random.unit() < 0.5 ? lean : random.pick(parties) }
            func name(_ index: Int) -> String { "Area \(area) \(kind == "shire" && index == 0 ? "County" : "Council \(index)")" }
            if kind == "shire" && size >= 3 {
                var districts: [Instance.Council] = []
                for index in 1..<size {
                    let (lat, lon) = place()
                    let population = (110_000 * exp(0.35 * random.normal())).rounded()
                    districts.append(Instance.Council(
                        id: "", name: name(index), lat: lat, lon: lon, tier: "district", party: party(),
                        population: population, controllableSpend: (population * random.uniform(140, 200)).rounded()))
                }
                let population = districts.reduce(0) { $0 + $1.population! }
                let lat = districts.reduce(0) { $0 + $1.lat } / Double(districts.count)
                let lon = districts.reduce(0) { $0 + $1.lon } / Double(districts.count)
                made.append(Instance.Council(
                    id: "", name: name(0), lat: lat, lon: lon, tier: "county", party: party(),
                    population: population, controllableSpend: (population * random.uniform(900, 1200)).rounded()))
                made += districts
            } else {
                let tier = kind == "shire" ? "unitary" : kind
                for index in 0..<size {
                    let (lat, lon) = place()
                    let population = ((tier == "metropolitan" ? 310_000 : 260_000) * exp(0.4 * random.normal())).rounded()
                    made.append(Instance.Council(
                        id: "", name: name(index + 1), lat: lat, lon: lon, tier: tier, party: party(),
                        population: population, controllableSpend: (population * random.uniform(1100, 1500)).rounded()))
                }
            }
        }
        for index in made.indices {
            made[index].id = String(format: "G%05d", index + 1)
            made[index].lat = (made[index].lat * 1e5).rounded() / 1e5
            made[index].lon = (made[index].lon * 1e5).rounded() / 1e5
        }
        instance.councils = made

        for index in 0..<services {
            let template = InstanceGenerator.templates[index % InstanceGenerator.templates.count]
            let round = index / InstanceGenerator.templates.count
            var service = Instance.Service(
                id: round == 0 ? template.id : "\(template.id)_\(round + 1)",
                name: round == 0 ? template.name : "\(template.name) \(round + 1)")
            let exponent = (random.uniform(0.86, 0.94) * 1000).rounded() / 1000
            // Scale so that a typical council's own cost is per-head cost x population.
            let typicalVolume = 150_000 * template.volumePerHead
            let scale = template.perHeadCost * 150_000 / pow(typicalVolume, exponent)
            service.costCurve = .power(scale: (scale * 1000).rounded() / 1000, exponent: exponent)
            service.maxMembers = 3 + random.below(3)
            service.maxDistanceKm = (random.uniform(45, 80)).rounded()
            service.distanceCostPerKm = (random.uniform(200, 600)).rounded()
            service.setupCostPerMember = (random.uniform(150_000, 600_000) / 1000).rounded() * 1000
            service.setupYears = 5
            if template.upperTierOnly { service.tiers = ["county", "unitary", "metropolitan", "london"] }
            instance.services.append(service)
            for council in made {
                if template.upperTierOnly && council.tier == "district" { continue }
                let volume = (council.population! * template.volumePerHead).rounded()
                guard volume > 0 else { continue }
                let spend = scale * pow(volume, exponent) * exp(0.12 * random.normal())
                instance.spend.append(Instance.Spend(
                    council: council.id, service: service.id, spend: spend.rounded(),
                    volume: template.volumePerHead == 1 ? nil : volume))
            }
        }

        instance.incompatibleParties = [["REF", "LAB"], ["REF", "LD"], ["REF", "GRN"]]
        // Neighbours: four nearest within 45 km, symmetrised.
        var pairs = Set<[Int]>()
        for a in made.indices {
            var around: [(Int, Double)] = []
            for b in made.indices where b != a {
                let km = Geography.haversineKm(lat1: made[a].lat, lon1: made[a].lon, lat2: made[b].lat, lon2: made[b].lon)
                if km <= 45 { around.append((b, km)) }
            }
            around.sort { (lhs: (Int, Double), rhs: (Int, Double)) -> Bool in
                lhs.1 != rhs.1 ? lhs.1 < rhs.1 : lhs.0 < rhs.0
            }
            let nearest = around.prefix(4)
            for (b, _) in nearest { pairs.insert([min(a, b), max(a, b)]) }
        }
        instance.adjacency = pairs.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }.map { [made[$0[0]].id, made[$0[1]].id] }
        return instance
    }
}
