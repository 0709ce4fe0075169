// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// A folder of tables as an instance (README, "Tables"):
///
/// | file | rows | columns (required in bold) |
/// |---|---|---|
/// | `councils.csv` | one per council | **id, name, lat, lon**, tier, party, population, controllable_spend, region |
/// | `services.csv` | one per service | **id, name**, exponent, scale, points, max_members, max_distance_km, distance_cost_per_km, setup_cost_per_member, setup_years, tiers, contiguous |
/// | `spend.csv` | one per council and service | **council, service, spend**, volume |
/// | `rules.csv` (optional) | one per rule | **kind, a**, b, service |
/// | `neighbours.csv` (optional) | one per border | **a, b** |
/// | `distances.csv` (optional) | one per pair | **a, b, km** |
/// | `scenario.yaml` (optional) | name, description, target, objective, ... | see `Scenario` |
///
/// A blank cell is an absent value (the default of `docs/instance-format.md`).
/// The reader checks what a row can say about itself and its references
/// (types, signs, known codes, duplicates), so that the error names the line;
/// everything else is left to `Problem(instance:file:)`, as for JSON.
extension Instance {
    public static let tableFiles = ["councils.csv", "services.csv", "spend.csv", "rules.csv",
                                    "neighbours.csv", "distances.csv", "scenario.yaml"]

    /// Reads a folder of tables. Another `.csv`, `.yaml` or `.yml` file at the
    /// top of the folder is an error (a misspelt table would otherwise be
    /// ignored); other files and sub-folders (README, more scenarios) are not read.
    public static func from(folder: String) throws -> Instance {
        let base = URL(fileURLWithPath: folder)
        func path(_ name: String) -> String { base.appendingPathComponent(name).path }
        let entries: [String]
        do { entries = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw InputError(file: folder, record: "", message: "cannot list the folder: \(error.localizedDescription)")
        }
        for entry in entries.sorted() where !tableFiles.contains(entry) {
            let lower = entry.lowercased()
            if lower.hasSuffix(".csv") || lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
                throw InputError(file: path(entry), record: "",
                                 message: "is not a table of this format (expected: \(tableFiles.joined(separator: ", ")))")
            }
        }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

        var instance = Instance(name: base.standardizedFileURL.lastPathComponent)

        // Councils.
        var councilIDs: Set<String> = []
        let councils = try CSVTable.read(path("councils.csv"), required: ["id", "name", "lat", "lon"],
                                         optional: ["tier", "party", "population", "controllable_spend", "region"])
        for var row in councils.rows {
            let id = try row.text("id")
            row.record += " (council \(id))"
            guard councilIDs.insert(id).inserted else { throw row.error("id", "duplicate council id \(id)") }
            let lat = try row.number("lat", minimum: nil), lon = try row.number("lon", minimum: nil)
            guard abs(lat) <= 90 else { throw row.error("lat", "must be a latitude in [-90, 90], found \(lat)") }
            guard abs(lon) <= 180 else { throw row.error("lon", "must be a longitude in [-180, 180], found \(lon)") }
            instance.councils.append(Council(
                id: id, name: try row.text("name"), lat: lat, lon: lon, tier: row.optionalText("tier"),
                party: row.optionalText("party"), population: try row.optionalNumber("population"),
                controllableSpend: try row.optionalNumber("controllable_spend"), region: row.optionalText("region")))
        }
        func council(_ row: CSVTable.Row, _ column: String) throws -> String {
            let id = try row.text(column)
            guard councilIDs.contains(id) else { throw row.error(column, "unknown council \"\(id)\" (not in councils.csv)") }
            return id
        }

        // Services.
        var serviceIDs: Set<String> = []
        let services = try CSVTable.read(
            path("services.csv"), required: ["id", "name"],
            optional: ["exponent", "scale", "points", "max_members", "max_distance_km", "distance_cost_per_km",
                       "setup_cost_per_member", "setup_years", "tiers", "contiguous"])
        for var row in services.rows {
            let id = try row.text("id")
            row.record += " (service \(id))"
            guard serviceIDs.insert(id).inserted else { throw row.error("id", "duplicate service id \(id)") }
            var service = Service(id: id, name: try row.text("name"))
            service.costCurve = try curve(row)
            if let members = try row.optionalNumber("max_members") {
                guard members == members.rounded(), members >= 2, members <= 64 else {
                    throw row.error("max_members", "must be a whole number from 2 to 64, found \(members)")
                }
                service.maxMembers = Int(members)
            }
            service.maxDistanceKm = try row.optionalNumber("max_distance_km")
            service.distanceCostPerKm = try row.optionalNumber("distance_cost_per_km") ?? 0
            service.setupCostPerMember = try row.optionalNumber("setup_cost_per_member") ?? 0
            service.setupYears = try row.optionalNumber("setup_years") ?? 1
            service.tiers = try row.optionalList("tiers")
            service.contiguous = try row.optionalBool("contiguous") ?? false
            instance.services.append(service)
        }
        func service(_ row: CSVTable.Row, _ column: String) throws -> String {
            let id = try row.text(column)
            guard serviceIDs.contains(id) else { throw row.error(column, "unknown service \"\(id)\" (not in services.csv)") }
            return id
        }

        // Spend.
        var spendKeys: Set<[String]> = []
        for var row in try CSVTable.read(path("spend.csv"), required: ["council", "service", "spend"], optional: ["volume"]).rows {
            let councilID = try council(row, "council"), serviceID = try service(row, "service")
            row.record += " (council \(councilID), service \(serviceID))"
            guard spendKeys.insert([councilID, serviceID]).inserted else {
                throw row.error("service", "duplicate spend row for council \(councilID) and service \(serviceID)")
            }
            instance.spend.append(Spend(council: councilID, service: serviceID, spend: try row.number("spend"),
                                        volume: try row.optionalNumber("volume")))
        }

        // Rules.
        if exists("rules.csv") {
            let kinds = ["forbidden_pair", "keep_together", "opt_out"]
            for row in try CSVTable.read(path("rules.csv"), required: ["kind", "a"], optional: ["b", "service"]).rows {
                let kind = try row.text("kind")
                let a = try council(row, "a")
                let serviceID = row.optionalText("service") == nil ? nil : try service(row, "service")
                switch kind {
                case "forbidden_pair", "keep_together":
                    let b = try council(row, "b")
                    guard a != b else { throw row.error("b", "names the same council as a") }
                    if kind == "keep_together" {
                        guard let serviceID else { throw row.error("service", "is required (keep_together is per service)") }
                        instance.keepTogether.append(Pair(a: a, b: b, service: serviceID))
                    } else {
                        instance.forbiddenPairs.append(Pair(a: a, b: b, service: serviceID))
                    }
                case "opt_out":
                    guard row.optionalText("b") == nil else { throw row.error("b", "must be empty for opt_out (the council is in a)") }
                    guard let serviceID else { throw row.error("service", "is required (opt_out is per service)") }
                    instance.optOut.append(OptOut(council: a, service: serviceID))
                default:
                    throw row.error("kind", "unknown rule kind \"\(kind)\" (use \(kinds.joined(separator: ", ")))")
                }
            }
        }

        // Neighbours and distances.
        if exists("neighbours.csv") {
            var seen: Set<[String]> = []
            for row in try CSVTable.read(path("neighbours.csv"), required: ["a", "b"], optional: []).rows {
                let a = try council(row, "a"), b = try council(row, "b")
                guard a != b else { throw row.error("b", "a council cannot neighbour itself") }
                guard seen.insert([min(a, b), max(a, b)]).inserted else {
                    throw row.error("b", "duplicate neighbour pair \(a), \(b)")
                }
                instance.adjacency.append([a, b])
            }
        }
        if exists("distances.csv") {
            var seen: Set<[String]> = []
            for row in try CSVTable.read(path("distances.csv"), required: ["a", "b", "km"], optional: []).rows {
                let a = try council(row, "a"), b = try council(row, "b")
                guard a != b else { throw row.error("b", "a distance needs two different councils") }
                guard seen.insert([min(a, b), max(a, b)]).inserted else {
                    throw row.error("b", "duplicate distance for the pair \(a), \(b)")
                }
                instance.distances.append(Distance(a: a, b: b, km: try row.number("km")))
            }
        }

        // The scenario: name, target, objective, party rules, overrides.
        if exists("scenario.yaml") {
            try Scenario.load(path("scenario.yaml")).apply(to: &instance)
        }
        return instance
    }

    /// The cost curve of a `services.csv` row: `points` (`volume:cost`
    /// pairs separated by `;`, e.g. `0:0;1000:50000;5000:200000`), or
    /// `exponent` and `scale` (a power curve), or all three blank (fitted).
    private static func curve(_ row: CSVTable.Row) throws -> CurveSpec {
        let exponent = try row.optionalNumber("exponent"), scale = try row.optionalNumber("scale")
        if let points = row.optionalText("points") {
            if exponent != nil || scale != nil {
                throw row.error(exponent != nil ? "exponent" : "scale",
                                "give either points or exponent and scale, not both")
            }
            let pairs = points.split(separator: ";", omittingEmptySubsequences: false).map { item -> [Double] in
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                let numbers = parts.compactMap { part -> Double? in
                    guard part.allSatisfy({ "0123456789+-.eE".contains($0) }), let value = Double(part), value.isFinite
                    else { return nil }
                    return value
                }
                return parts.count == 2 && numbers.count == 2 ? numbers : []
            }
            guard !pairs.contains(where: \.isEmpty) else {
                throw row.error("points", "expected volume:cost pairs separated by \";\" (e.g. 0:0;1000:50000), found \"\(points)\"")
            }
            return .points(pairs)
        }
        switch (exponent, scale) {
        case (nil, nil): return .fitted
        case let (exponent?, scale?): return .power(scale: scale, exponent: exponent)
        case (nil, _?): throw row.error("exponent", "is required when scale is given (or leave both blank to fit the curve)")
        case (_?, nil): throw row.error("scale", "is required when exponent is given (or leave both blank to fit the curve)")
        }
    }
}
