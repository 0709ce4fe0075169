// SPDX-License-Identifier: GPL-3.0-or-later

extension Problem {
    /// Validates an instance against MODEL.md and builds the indexed problem.
    /// Every error names `file` and the record, and the field when one field is
    /// at fault (a duplicate row or a contradiction between rules names the record).
    public init(instance: Instance, file: String) throws {
        func fail(_ record: String, _ field: String?, _ message: String) -> InputError {
            InputError(file: file, record: record, field: field, message: message)
        }
        /// Amounts are capped so that sums over every council stay exact and
        /// far from overflow: 1e13 (ten trillion pounds, or units of volume).
        func finite(_ value: Double, _ record: String, _ field: String, min: Double = 0, max: Double = 1e13) throws {
            guard value.isFinite else { throw fail(record, field, "must be a finite number") }
            guard value >= min else { throw fail(record, field, "must be at least \(min), found \(value)") }
            guard value <= max else { throw fail(record, field, "must be at most \(max), found \(value)") }
        }

        // Councils.
        guard !instance.councils.isEmpty else { throw fail("instance", "councils", "needs at least one council") }
        var indexOfCouncil: [String: Int] = [:]
        var councils: [Council] = []
        for (index, council) in instance.councils.enumerated() {
            let record = "councils[\(index)] (\(council.id))"
            guard !council.id.isEmpty else { throw fail("councils[\(index)]", "id", "must not be empty") }
            guard indexOfCouncil[council.id] == nil else { throw fail(record, "id", "duplicate council id \(council.id)") }
            guard !council.name.isEmpty else { throw fail(record, "name", "must not be empty") }
            guard council.lat.isFinite, abs(council.lat) <= 90 else { throw fail(record, "lat", "must be a latitude in [-90, 90], found \(council.lat)") }
            guard council.lon.isFinite, abs(council.lon) <= 180 else { throw fail(record, "lon", "must be a longitude in [-180, 180], found \(council.lon)") }
            if let population = council.population { try finite(population, record, "population") }
            if let spend = council.controllableSpend { try finite(spend, record, "controllable_spend") }
            indexOfCouncil[council.id] = index
            councils.append(Council(
                id: council.id, name: council.name, lat: council.lat, lon: council.lon, tier: council.tier,
                party: council.party, population: council.population, controllableSpend: council.controllableSpend))
        }
        let n = councils.count
        func councilIndex(_ id: String, _ record: String, _ field: String) throws -> Int {
            guard let index = indexOfCouncil[id] else { throw fail(record, field, "unknown council \"\(id)\"") }
            return index
        }
        func key(_ a: Int, _ b: Int) -> Int { a < b ? a * n + b : b * n + a }

        // Services.
        guard !instance.services.isEmpty else { throw fail("instance", "services", "needs at least one service") }
        var indexOfService: [String: Int] = [:]
        for (index, service) in instance.services.enumerated() {
            guard !service.id.isEmpty else { throw fail("services[\(index)]", "id", "must not be empty") }
            guard indexOfService[service.id] == nil else {
                throw fail("services[\(index)] (\(service.id))", "id", "duplicate service id \(service.id)")
            }
            indexOfService[service.id] = index
        }
        func serviceIndex(_ id: String, _ record: String, _ field: String) throws -> Int {
            guard let index = indexOfService[id] else { throw fail(record, field, "unknown service \"\(id)\"") }
            return index
        }

        // Spend rows.
        let serviceCount = instance.services.count
        var spend = [[Double]](repeating: [Double](repeating: 0, count: n), count: serviceCount)
        var volume = spend
        var hasRow = [[Bool]](repeating: [Bool](repeating: false, count: n), count: serviceCount)
        for (index, row) in instance.spend.enumerated() {
            let record = "spend[\(index)] (council \(row.council), service \(row.service))"
            let council = try councilIndex(row.council, record, "council")
            let service = try serviceIndex(row.service, record, "service")
            guard !hasRow[service][council] else { throw fail(record, nil, "duplicate spend row for this council and service") }
            try finite(row.spend, record, "spend")
            let amount: Double
            if let given = row.volume {
                try finite(given, record, "volume")
                amount = given
            } else if let population = councils[council].population {
                amount = population
            } else {
                throw fail(record, "volume", "is missing and council \(row.council) has no population to default to")
            }
            hasRow[service][council] = true
            spend[service][council] = row.spend
            volume[service][council] = amount
        }

        // Opt-outs.
        var optedOut = [[Bool]](repeating: [Bool](repeating: false, count: n), count: serviceCount)
        for (index, row) in instance.optOut.enumerated() {
            let record = "opt_out[\(index)]"
            let council = try councilIndex(row.council, record, "council")
            let service = try serviceIndex(row.service, record, "service")
            optedOut[service][council] = true
        }

        // Distances.
        var distances = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in (a + 1)..<max(a + 1, n) {
                let km = Geography.haversineKm(
                    lat1: councils[a].lat, lon1: councils[a].lon, lat2: councils[b].lat, lon2: councils[b].lon)
                distances[a * n + b] = km
                distances[b * n + a] = km
            }
        }
        var overridden: [Int: Double] = [:]
        for (index, row) in instance.distances.enumerated() {
            let record = "distances[\(index)] (\(row.a), \(row.b))"
            let a = try councilIndex(row.a, record, "a"), b = try councilIndex(row.b, record, "b")
            guard a != b else { throw fail(record, "b", "a distance needs two different councils") }
            try finite(row.km, record, "km", max: 1e5)
            if let previous = overridden[key(a, b)], previous != row.km {
                throw fail(record, "km", "contradicts an earlier distance for the same pair (\(previous) km)")
            }
            overridden[key(a, b)] = row.km
            distances[a * n + b] = row.km
            distances[b * n + a] = row.km
        }

        // Party rules.
        var incompatible = Set<[String]>()
        for (index, pair) in instance.incompatibleParties.enumerated() {
            let record = "incompatible_parties[\(index)]"
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { throw fail(record, nil, "expected two party labels") }
            guard pair[0] != pair[1] else {
                throw fail(record, nil, "party \(pair[0]) cannot be incompatible with itself (councils of one party are always compatible)")
            }
            incompatible.insert([pair[0], pair[1]])
            incompatible.insert([pair[1], pair[0]])
        }
        var partyConflicts = Set<Int>()
        if !incompatible.isEmpty {
            for a in 0..<n {
                guard let partyA = councils[a].party else { continue }
                for b in (a + 1)..<max(a + 1, n) {
                    if let partyB = councils[b].party, incompatible.contains([partyA, partyB]) {
                        partyConflicts.insert(key(a, b))
                    }
                }
            }
        }

        // Forbidden pairs.
        var forbidden = [Set<Int>](repeating: [], count: serviceCount)
        for (index, pair) in instance.forbiddenPairs.enumerated() {
            let record = "forbidden_pairs[\(index)] (\(pair.a), \(pair.b))"
            let a = try councilIndex(pair.a, record, "a"), b = try councilIndex(pair.b, record, "b")
            guard a != b else { throw fail(record, "b", "a council cannot be forbidden from itself") }
            if let id = pair.service {
                forbidden[try serviceIndex(id, record, "service")].insert(key(a, b))
            } else {
                for service in 0..<serviceCount { forbidden[service].insert(key(a, b)) }
            }
        }

        // Adjacency.
        var neighbourSets = [Set<Int>](repeating: [], count: n)
        for (index, pair) in instance.adjacency.enumerated() {
            let record = "adjacency[\(index)] (\(pair[0]), \(pair[1]))"
            let a = try councilIndex(pair[0], record, "a"), b = try councilIndex(pair[1], record, "b")
            guard a != b else { throw fail(record, nil, "a council cannot neighbour itself") }
            neighbourSets[a].insert(b)
            neighbourSets[b].insert(a)
        }

        // Services in full.
        var services: [Service] = []
        for (index, spec) in instance.services.enumerated() {
            let record = "services[\(index)] (\(spec.id))"
            guard !spec.name.isEmpty else { throw fail(record, "name", "must not be empty") }
            var curve: CostCurve
            var fit: CurveFit?
            switch spec.costCurve {
            case .points(let points):
                curve = try Problem.validatedPoints(points, fail: { fail(record, "cost_curve.points", $0) })
            case let .power(scale, exponent):
                guard scale.isFinite, scale > 0, scale <= 1e13 else {
                    throw fail(record, "cost_curve.power.scale", "must be a positive number up to 1e13, found \(scale)")
                }
                guard exponent.isFinite, exponent > 0, exponent <= 1 else {
                    throw fail(record, "cost_curve.power.exponent", "must be in (0, 1] (economies of scale), found \(exponent)")
                }
                curve = .power(scale: scale, exponent: exponent)
            case .fitted:
                let rows = (0..<n).filter { hasRow[index][$0] }
                guard let fitted = CurveFit.fit(spend: rows.map { spend[index][$0] }, volume: rows.map { volume[index][$0] }) else {
                    throw fail(record, "cost_curve",
                               "is absent, and a curve cannot be fitted: fewer than two spend rows with positive spend and distinct positive volumes")
                }
                guard fitted.scale.isFinite, fitted.scale > 0, fitted.scale <= 1e13 else {
                    throw fail(record, "cost_curve",
                               "is absent, and the curve fitted to the spend rows is degenerate (scale \(fitted.scale)); give a curve")
                }
                fit = fitted
                curve = .power(scale: fitted.scale, exponent: fitted.exponent)
            }
            let maxDistance = spec.maxDistanceKm ?? .infinity
            if spec.maxDistanceKm != nil { try finite(maxDistance, record, "max_distance_km", max: 1e5) }
            try finite(spec.distanceCostPerKm, record, "distance_cost_per_km")
            try finite(spec.setupCostPerMember, record, "setup_cost_per_member")
            guard spec.setupYears.isFinite, spec.setupYears >= 0.01, spec.setupYears <= 1000 else {
                throw fail(record, "setup_years", "must be a positive number of years from 0.01 to 1000, found \(spec.setupYears)")
            }
            guard spec.maxMembers >= 2 else { throw fail(record, "max_members", "must be at least 2") }
            let tierSet = spec.tiers.map(Set.init)
            let participants = (0..<n).filter { council in
                hasRow[index][council] && !optedOut[index][council]
                    && (tierSet == nil || (councils[council].tier.map { tierSet!.contains($0) } ?? false))
            }
            services.append(Service(
                id: spec.id, name: spec.name, curve: curve, fit: fit, maxMembers: spec.maxMembers,
                maxDistanceKm: maxDistance, distanceCostPerKm: spec.distanceCostPerKm,
                setupCostPerYear: spec.setupCostPerMember / spec.setupYears, tiers: spec.tiers,
                contiguous: spec.contiguous, participants: participants, spend: spend[index],
                volume: volume[index], hasSpendRow: hasRow[index], optedOut: optedOut[index],
                keepTogether: [], forbidden: forbidden[index]))
        }

        // Target and objective.
        let everyCouncilHasSpend = councils.allSatisfy { $0.controllableSpend != nil }
        let savingBase = everyCouncilHasSpend
            ? councils.reduce(0) { $0 + $1.controllableSpend! }
            : spend.reduce(0) { $0 + $1.reduce(0, +) }
        var targetSaving: Double?, targetFraction: Double?
        switch instance.target {
        case nil: break
        case .minSaving(let value)?:
            try finite(value, "target", "min_saving")
            targetSaving = value
        case .minSavingFraction(let value)?:
            guard value.isFinite, value >= 0, value <= 1 else {
                throw fail("target", "min_saving_fraction", "must be a fraction in [0, 1], found \(value)")
            }
            targetFraction = value
            targetSaving = value * savingBase
        }
        let objective: Objective = instance.objective == .minGroups ? .minGroups : .maxSaving
        if objective == .minGroups && targetSaving == nil {
            throw fail("instance", "objective", "min_groups needs a target (without one the fewest groups is none)")
        }
        let fraction = instance.minGroupSavingFraction
        guard fraction.isFinite, fraction >= 0, fraction < 1 else {
            throw fail("instance", "min_group_saving_fraction", "must be in [0, 1), found \(fraction)")
        }

        self.init(
            name: instance.name, councils: councils, services: services, distances: distances,
            neighbours: neighbourSets.map { $0.sorted() }, partyConflicts: partyConflicts,
            minGroupSavingFraction: fraction, targetSaving: targetSaving, targetFraction: targetFraction,
            objective: objective, savingBase: savingBase, indexOfCouncil: indexOfCouncil,
            indexOfService: indexOfService)

        // Keep-together rules, checked against everything above.
        for (index, pair) in instance.keepTogether.enumerated() {
            let record = "keep_together[\(index)] (\(pair.a), \(pair.b))"
            let a = try councilIndex(pair.a, record, "a"), b = try councilIndex(pair.b, record, "b")
            let service = try serviceIndex(pair.service ?? "", record, "service")
            guard a != b else { throw fail(record, "b", "a council is always with itself") }
            let spec = self.services[service]
            for (council, field) in [(a, "a"), (b, "b")] where !spec.participants.contains(council) {
                let reason = !spec.hasSpendRow[council] ? "has no spend row for it"
                    : spec.optedOut[council] ? "opted out of it" : "is not of a tier that may share it"
                throw fail(record, field, "contradictory rule: \(councils[council].id) must share \(spec.id) but \(reason)")
            }
            if partyConflicts.contains(key(a, b)) {
                throw fail(record, nil, "contradictory rule: the councils' parties are incompatible")
            }
            if spec.forbidden.contains(key(a, b)) {
                throw fail(record, nil, "contradictory rule: the pair is also forbidden for \(spec.id)")
            }
            self.services[service].keepTogether.append((min(a, b), max(a, b)))
        }
        for service in self.services.indices where !self.services[service].keepTogether.isEmpty {
            for component in keepTogetherComponents(service: service) where component.count > 1 {
                let spec = self.services[service]
                let names = component.map { councils[$0].id }.joined(separator: ", ")
                let record = "keep_together (service \(spec.id): \(names))"
                if component.count > spec.maxMembers {
                    throw fail(record, nil, "contradictory rule: \(component.count) councils must be together but max_members is \(spec.maxMembers)")
                }
                for x in component { for y in component where x < y && conflict(service: service, x, y) {
                    throw fail(record, nil, "contradictory rule: \(councils[x].id) and \(councils[y].id) must be together but are incompatible or forbidden")
                } }
                if !component.contains(where: { hostReaches(service: service, members: component, host: $0) }) {
                    throw fail(record, nil, "contradictory rule: no member is within \(spec.maxDistanceKm) km of all the others")
                }
            }
        }
    }

    /// The councils that `keep_together` binds into one group, per connected component (sorted).
    public func keepTogetherComponents(service: Int) -> [[Int]] {
        var parent = Array(0..<councils.count)
        func root(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        for (a, b) in services[service].keepTogether { parent[root(a)] = root(b) }
        var groups: [Int: [Int]] = [:]
        for (a, b) in services[service].keepTogether { groups[root(a), default: []].append(contentsOf: [a, b]) }
        return groups.values.map { Array(Set($0)).sorted() }.sorted { $0[0] < $1[0] }
    }

    static func validatedPoints(_ points: [[Double]], fail: (String) -> InputError) throws -> CostCurve {
        guard points.count >= 2 else { throw fail("needs at least two points") }
        for (index, point) in points.enumerated() {
            guard point.count == 2, point[0].isFinite, point[1].isFinite else { throw fail("point \(index) must be two finite numbers") }
            guard abs(point[0]) <= 1e13, abs(point[1]) <= 1e13 else { throw fail("point \(index): values must be at most 1e13") }
            guard point[1] >= 0 else { throw fail("point \(index): cost must not be negative") }
        }
        guard points[0][0] == 0 else { throw fail("the first point must have volume 0, found \(points[0][0])") }
        var previousSlope = Double.infinity
        for index in 1..<points.count {
            let dv = points[index][0] - points[index - 1][0], dc = points[index][1] - points[index - 1][1]
            guard dv > 0 else { throw fail("volumes must strictly increase (point \(index))") }
            guard dc >= 0 else { throw fail("costs must not decrease (point \(index))") }
            let slope = dc / dv
            guard slope <= previousSlope * (1 + 1e-12) + 1e-12 else {
                throw fail("slopes must not increase (the curve must be concave): point \(index)")
            }
            previousSlope = slope
        }
        return .piecewise(volumes: points.map { $0[0] }, costs: points.map { $0[1] })
    }
}
