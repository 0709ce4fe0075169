// SPDX-License-Identifier: GPL-3.0-or-later

/// An instance exactly as written in a file (`docs/instance-format.md`): ids
/// are strings, optional fields are optional. `Problem` is its validated,
/// indexed form; nothing is solved from an `Instance` directly.
public struct Instance: Equatable, Sendable {
    public struct Council: Equatable, Sendable {
        public var id: String
        public var name: String
        public var lat: Double
        public var lon: Double
        public var tier: String?
        public var party: String?
        public var population: Double?
        public var controllableSpend: Double?
        /// Free-text region (e.g. "North West"), used by `--only-region`; not part of the model.
        public var region: String?
        public init(id: String, name: String, lat: Double, lon: Double, tier: String? = nil,
                    party: String? = nil, population: Double? = nil, controllableSpend: Double? = nil,
                    region: String? = nil) {
            self.id = id; self.name = name; self.lat = lat; self.lon = lon; self.tier = tier
            self.party = party; self.population = population; self.controllableSpend = controllableSpend
            self.region = region
        }
    }

    public enum CurveSpec: Equatable, Sendable {
        case points([[Double]])
        case power(scale: Double, exponent: Double)
        case fitted
    }

    public struct Service: Equatable, Sendable {
        public var id: String
        public var name: String
        public var costCurve: CurveSpec = .fitted
        public var maxMembers: Int = 8
        public var maxDistanceKm: Double?
        public var distanceCostPerKm: Double = 0
        public var setupCostPerMember: Double = 0
        public var setupYears: Double = 1
        public var tiers: [String]?
        public var contiguous: Bool = false
        public init(id: String, name: String) { self.id = id; self.name = name }
    }

    public struct Spend: Equatable, Sendable {
        public var council: String
        public var service: String
        public var spend: Double
        public var volume: Double?
        public init(council: String, service: String, spend: Double, volume: Double? = nil) {
            self.council = council; self.service = service; self.spend = spend; self.volume = volume
        }
    }

    public struct Distance: Equatable, Sendable {
        public var a: String, b: String, km: Double
        public init(a: String, b: String, km: Double) { self.a = a; self.b = b; self.km = km }
    }

    public struct Pair: Equatable, Sendable {
        public var a: String, b: String, service: String?
        public init(a: String, b: String, service: String? = nil) { self.a = a; self.b = b; self.service = service }
    }

    public struct OptOut: Equatable, Sendable {
        public var council: String, service: String
        public init(council: String, service: String) { self.council = council; self.service = service }
    }

    public enum Target: Equatable, Sendable {
        case minSaving(Double)
        case minSavingFraction(Double)
    }

    public enum Objective: String, Equatable, Sendable, CaseIterable {
        case maxSaving = "max_saving"
        case minGroups = "min_groups"
    }

    public var name: String
    public var description: String?
    public var councils: [Council] = []
    public var services: [Service] = []
    public var spend: [Spend] = []
    public var distances: [Distance] = []
    public var incompatibleParties: [[String]] = []
    public var forbiddenPairs: [Pair] = []
    public var keepTogether: [Pair] = []
    public var optOut: [OptOut] = []
    public var adjacency: [[String]] = []
    public var minGroupSavingFraction: Double = 0
    public var target: Target?
    public var objective: Objective = .maxSaving

    public init(name: String) { self.name = name }
}
