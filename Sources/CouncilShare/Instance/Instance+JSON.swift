// SPDX-License-Identifier: GPL-3.0-or-later

extension Instance {
    /// Reads an instance from JSON text. Types and field names are checked
    /// here (unknown fields are errors); values are checked by `Problem`.
    public static func from(json text: String, file: String) throws -> Instance {
        let root: JSONValue.Located
        do { root = try JSONParser.parse(text) } catch let error as JSONSyntaxError {
            throw InputError(file: file, line: error.line, record: "", message: "invalid JSON: \(error.message)")
        }
        let top = try ObjectReader(root, file: file, record: "instance")
        try top.rejectUnknown(allowed: [
            "name", "description", "councils", "services", "spend", "distances",
            "incompatible_parties", "forbidden_pairs", "keep_together", "opt_out", "adjacency",
            "min_group_saving_fraction", "target", "objective",
        ])
        var instance = Instance(name: try top.string("name"))
        instance.description = try top.optionalString("description")

        for (index, item) in try top.array("councils").enumerated() {
            let reader = try ObjectReader(item, file: file, record: "councils[\(index)]")
            try reader.rejectUnknown(allowed: [
                "id", "name", "lat", "lon", "tier", "party", "population", "controllable_spend", "region",
            ])
            let id = try reader.string("id")
            let named = try ObjectReader(item, file: file, record: "councils[\(index)] (\(id))")
            instance.councils.append(Council(
                id: id, name: try named.string("name"), lat: try named.number("lat"),
                lon: try named.number("lon"), tier: try named.optionalString("tier"),
                party: try named.optionalString("party"), population: try named.optionalNumber("population"),
                controllableSpend: try named.optionalNumber("controllable_spend"),
                region: try named.optionalString("region")))
        }

        for (index, item) in try top.array("services").enumerated() {
            let first = try ObjectReader(item, file: file, record: "services[\(index)]")
            let id = try first.string("id")
            let reader = try ObjectReader(item, file: file, record: "services[\(index)] (\(id))")
            try reader.rejectUnknown(allowed: [
                "id", "name", "cost_curve", "max_members", "max_distance_km", "distance_cost_per_km",
                "setup_cost_per_member", "setup_years", "tiers", "contiguous",
            ])
            var service = Service(id: id, name: try reader.string("name"))
            if let curve = try reader.optionalObject("cost_curve", record: reader.record + ".cost_curve") {
                service.costCurve = try parseCurve(curve)
            }
            if let members = try reader.optionalNumber("max_members") {
                guard members == members.rounded(), members >= 2, members <= 64 else {
                    throw reader.error("max_members", "must be a whole number from 2 to 64, found \(members)")
                }
                service.maxMembers = Int(members)
            }
            service.maxDistanceKm = try reader.optionalNumber("max_distance_km")
            service.distanceCostPerKm = try reader.optionalNumber("distance_cost_per_km") ?? 0
            service.setupCostPerMember = try reader.optionalNumber("setup_cost_per_member") ?? 0
            service.setupYears = try reader.optionalNumber("setup_years") ?? 1
            service.tiers = try reader.optionalStringList("tiers")
            service.contiguous = try reader.optionalBool("contiguous") ?? false
            instance.services.append(service)
        }

        for (index, item) in try top.array("spend").enumerated() {
            let reader = try ObjectReader(item, file: file, record: "spend[\(index)]")
            try reader.rejectUnknown(allowed: ["council", "service", "spend", "volume"])
            let council = try reader.string("council"), service = try reader.string("service")
            let named = try ObjectReader(
                item, file: file, record: "spend[\(index)] (council \(council), service \(service))")
            instance.spend.append(Spend(
                council: council, service: service, spend: try named.number("spend"),
                volume: try named.optionalNumber("volume")))
        }

        for (index, item) in (try top.optionalArray("distances") ?? []).enumerated() {
            let reader = try ObjectReader(item, file: file, record: "distances[\(index)]")
            try reader.rejectUnknown(allowed: ["a", "b", "km"])
            instance.distances.append(Distance(
                a: try reader.string("a"), b: try reader.string("b"), km: try reader.number("km")))
        }

        for (index, item) in (try top.optionalArray("incompatible_parties") ?? []).enumerated() {
            instance.incompatibleParties.append(
                try stringPair(item, file: file, record: "incompatible_parties[\(index)]"))
        }

        for (key, keyPath) in [("forbidden_pairs", \Instance.forbiddenPairs), ("keep_together", \Instance.keepTogether)] {
            for (index, item) in (try top.optionalArray(key) ?? []).enumerated() {
                let reader = try ObjectReader(item, file: file, record: "\(key)[\(index)]")
                try reader.rejectUnknown(allowed: ["a", "b", "service"])
                let service = try reader.optionalString("service")
                if key == "keep_together", service == nil {
                    throw reader.error("service", "is required (keep_together is per service)")
                }
                instance[keyPath: keyPath].append(
                    Pair(a: try reader.string("a"), b: try reader.string("b"), service: service))
            }
        }

        for (index, item) in (try top.optionalArray("opt_out") ?? []).enumerated() {
            let reader = try ObjectReader(item, file: file, record: "opt_out[\(index)]")
            try reader.rejectUnknown(allowed: ["council", "service"])
            instance.optOut.append(OptOut(council: try reader.string("council"), service: try reader.string("service")))
        }

        for (index, item) in (try top.optionalArray("adjacency") ?? []).enumerated() {
            instance.adjacency.append(try stringPair(item, file: file, record: "adjacency[\(index)]"))
        }

        instance.minGroupSavingFraction = try top.optionalNumber("min_group_saving_fraction") ?? 0
        if let target = try top.optionalObject("target", record: "target") {
            try target.rejectUnknown(allowed: ["min_saving", "min_saving_fraction"])
            let absolute = try target.optionalNumber("min_saving")
            let fraction = try target.optionalNumber("min_saving_fraction")
            switch (absolute, fraction) {
            case let (value?, nil): instance.target = .minSaving(value)
            case let (nil, value?): instance.target = .minSavingFraction(value)
            case (nil, nil): throw target.error(nil, "give min_saving or min_saving_fraction")
            default: throw target.error("min_saving_fraction", "give min_saving or min_saving_fraction, not both")
            }
        }
        if let objective = try top.optionalString("objective") {
            guard let parsed = Objective(rawValue: objective) else {
                throw top.error("objective", "unknown objective \"\(objective)\" (use max_saving or min_groups)")
            }
            instance.objective = parsed
        }
        return instance
    }

    private static func parseCurve(_ reader: ObjectReader) throws -> CurveSpec {
        try reader.rejectUnknown(allowed: ["points", "power"])
        switch (reader.has("points"), reader.has("power")) {
        case (true, false):
            let items = try reader.array("points")
            return .points(try items.enumerated().map { index, item in
                guard case .array(let pair) = item.value, pair.count == 2,
                      case .number(let volume) = pair[0].value, case .number(let cost) = pair[1].value
                else {
                    throw InputError(file: reader.file, line: item.line, record: reader.record,
                                     field: "points[\(index)]", message: "expected [volume, cost]")
                }
                return [volume, cost]
            })
        case (false, true):
            let power = try reader.optionalObject("power", record: reader.record + ".power")!
            try power.rejectUnknown(allowed: ["scale", "exponent"])
            return .power(scale: try power.number("scale"), exponent: try power.number("exponent"))
        default:
            throw reader.error(nil, "give exactly one of \"points\" or \"power\" (or leave cost_curve out to fit one)")
        }
    }

    private static func stringPair(_ item: JSONValue.Located, file: String, record: String) throws -> [String] {
        guard case .array(let pair) = item.value, pair.count == 2,
              case .string(let first) = pair[0].value, case .string(let second) = pair[1].value
        else {
            throw InputError(file: file, line: item.line, record: record, message: "expected a pair of strings [\"a\", \"b\"]")
        }
        return [first, second]
    }

    /// The instance as JSON in the format it was read from.
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let description { members.append(("description", .string(description))) }
        members.append(("councils", .arr(councils.map { council in
            var fields: [(String, JSONValue)] = [
                ("id", .string(council.id)), ("name", .string(council.name)),
                ("lat", .number(council.lat)), ("lon", .number(council.lon)),
            ]
            if let tier = council.tier { fields.append(("tier", .string(tier))) }
            if let party = council.party { fields.append(("party", .string(party))) }
            if let population = council.population { fields.append(("population", .number(population))) }
            if let spend = council.controllableSpend { fields.append(("controllable_spend", .number(spend))) }
            if let region = council.region { fields.append(("region", .string(region))) }
            return .obj(fields)
        })))
        members.append(("services", .arr(services.map { service in
            var fields: [(String, JSONValue)] = [("id", .string(service.id)), ("name", .string(service.name))]
            switch service.costCurve {
            case .fitted: break
            case .points(let points):
                fields.append(("cost_curve", .obj([("points", .arr(points.map { .arr($0.map { .number($0) }) }))])))
            case let .power(scale, exponent):
                fields.append(("cost_curve", .obj([("power", .obj([("scale", .number(scale)), ("exponent", .number(exponent))]))])))
            }
            fields.append(("max_members", .number(Double(service.maxMembers))))
            if let distance = service.maxDistanceKm { fields.append(("max_distance_km", .number(distance))) }
            if service.distanceCostPerKm != 0 { fields.append(("distance_cost_per_km", .number(service.distanceCostPerKm))) }
            if service.setupCostPerMember != 0 { fields.append(("setup_cost_per_member", .number(service.setupCostPerMember))) }
            if service.setupYears != 1 { fields.append(("setup_years", .number(service.setupYears))) }
            if let tiers = service.tiers { fields.append(("tiers", .arr(tiers.map { .string($0) }))) }
            if service.contiguous { fields.append(("contiguous", .bool(true))) }
            return .obj(fields)
        })))
        members.append(("spend", .arr(spend.map { row in
            var fields: [(String, JSONValue)] = [
                ("council", .string(row.council)), ("service", .string(row.service)), ("spend", .number(row.spend)),
            ]
            if let volume = row.volume { fields.append(("volume", .number(volume))) }
            return .obj(fields)
        })))
        if !distances.isEmpty {
            members.append(("distances", .arr(distances.map {
                .obj([("a", .string($0.a)), ("b", .string($0.b)), ("km", .number($0.km))])
            })))
        }
        if !incompatibleParties.isEmpty {
            members.append(("incompatible_parties", .arr(incompatibleParties.map { .arr($0.map { .string($0) }) })))
        }
        for (key, pairs) in [("forbidden_pairs", forbiddenPairs), ("keep_together", keepTogether)] where !pairs.isEmpty {
            members.append((key, .arr(pairs.map { pair in
                var fields: [(String, JSONValue)] = [("a", .string(pair.a)), ("b", .string(pair.b))]
                if let service = pair.service { fields.append(("service", .string(service))) }
                return .obj(fields)
            })))
        }
        if !optOut.isEmpty {
            members.append(("opt_out", .arr(optOut.map { .obj([("council", .string($0.council)), ("service", .string($0.service))]) })))
        }
        if !adjacency.isEmpty {
            members.append(("adjacency", .arr(adjacency.map { .arr($0.map { .string($0) }) })))
        }
        if minGroupSavingFraction != 0 {
            members.append(("min_group_saving_fraction", .number(minGroupSavingFraction)))
        }
        switch target {
        case nil: break
        case .minSaving(let value)?: members.append(("target", .obj([("min_saving", .number(value))])))
        case .minSavingFraction(let value)?: members.append(("target", .obj([("min_saving_fraction", .number(value))])))
        }
        members.append(("objective", .string(objective.rawValue)))
        return .obj(members)
    }
}
