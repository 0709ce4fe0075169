// SPDX-License-Identifier: GPL-3.0-or-later

/// Changes to an instance for a "what if" question, made before validation so
/// that no file needs editing (`--exclude`, `--only-region`, `--max-distance`).
///
/// - Councils removed (excluded, or outside the region) vanish with everything
///   that names them: their spend rows, listed distances, forbidden pairs,
///   keep-together pairs and opt-outs, and adjacency pairs. A keep-together
///   pair loses its meaning without both councils, so it is dropped.
///   Party rules name parties, not councils, and stay.
/// - A target given as a fraction is taken of the remaining councils' base
///   (by `Problem`); a target in GBP stays as it is.
/// - The distance cap lowers every service's `max_distance_km` to at most the
///   cap (a service with a smaller limit keeps it).
public struct WhatIf: Equatable, Sendable {
    /// Council ids or exact names to leave out.
    public var excluded: [String] = []
    /// Keep only the councils whose `region` equals this (ignoring case).
    public var onlyRegion: String?
    /// Cap on every service's distance from member to host, in km.
    public var maxDistanceKm: Double?
    /// A scenario file (YAML, `Scenario`) laid over the instance first.
    public var scenario: String?

    public init(excluded: [String] = [], onlyRegion: String? = nil, maxDistanceKm: Double? = nil, scenario: String? = nil) {
        self.excluded = excluded
        self.onlyRegion = onlyRegion
        self.maxDistanceKm = maxDistanceKm
        self.scenario = scenario
    }

    public var isEmpty: Bool { excluded.isEmpty && onlyRegion == nil && maxDistanceKm == nil && scenario == nil }

    /// The instance with these changes made. Throws an `InputError` (naming
    /// `file` and the option) for a council or region that is not in it.
    public func apply(to instance: Instance, file: String) throws -> Instance {
        var removed = Set<String>()
        for name in excluded { removed.insert(try councilID(for: name, in: instance, file: file)) }
        if let region = onlyRegion {
            let known = Set(instance.councils.compactMap(\.region))
            guard !known.isEmpty else {
                throw InputError(file: file, record: "--only-region", message: "no council of this instance has a region")
            }
            guard known.contains(where: { Self.sameRegion($0, region) }) else {
                throw InputError(file: file, record: "--only-region",
                                 message: "no council is in region \"\(region)\"; the regions are "
                                     + known.sorted().map { "\"\($0)\"" }.joined(separator: ", "))
            }
            for council in instance.councils where !(council.region.map { Self.sameRegion($0, region) } ?? false) {
                removed.insert(council.id)
            }
        }
        var result = instance.removing(councils: removed)
        if let cap = maxDistanceKm {
            guard cap.isFinite, cap > 0 else {
                throw InputError(file: file, record: "--max-distance", message: "must be a positive number of km, found \(cap)")
            }
            for index in result.services.indices {
                result.services[index].maxDistanceKm = min(result.services[index].maxDistanceKm ?? .infinity, cap)
            }
        }
        return result
    }

    static func sameRegion(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

    /// The id of the council with this id or, failing that, this exact name.
    private func councilID(for name: String, in instance: Instance, file: String) throws -> String {
        if instance.councils.contains(where: { $0.id == name }) { return name }
        let named = instance.councils.filter { $0.name == name }
        guard let first = named.first else {
            throw InputError(file: file, record: "--exclude", message: "no council has the id or name \"\(name)\"")
        }
        guard named.count == 1 else {
            throw InputError(file: file, record: "--exclude",
                             message: "\(named.count) councils are named \"\(name)\" ("
                                 + named.map(\.id).joined(separator: ", ") + "); give the id")
        }
        return first.id
    }
}

extension Instance {
    /// The instance without these councils (by id) and every row that names one of them.
    func removing(councils removed: Set<String>) -> Instance {
        guard !removed.isEmpty else { return self }
        func kept(_ ids: String...) -> Bool { ids.allSatisfy { !removed.contains($0) } }
        var result = self
        result.councils.removeAll { removed.contains($0.id) }
        result.spend.removeAll { !kept($0.council) }
        result.distances.removeAll { !kept($0.a, $0.b) }
        result.forbiddenPairs.removeAll { !kept($0.a, $0.b) }
        result.keepTogether.removeAll { !kept($0.a, $0.b) }
        result.optOut.removeAll { !kept($0.council) }
        result.adjacency.removeAll { pair in pair.contains { removed.contains($0) } }
        return result
    }
}
