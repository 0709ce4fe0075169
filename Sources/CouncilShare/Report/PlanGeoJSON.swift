// SPDX-License-Identifier: GPL-3.0-or-later

/// The plan as a GeoJSON FeatureCollection (RFC 7946: WGS84, positions
/// `[longitude, latitude]`), for QGIS or any web map.
///
/// - One feature per council (`kind` "council"): its area (Polygon or
///   MultiPolygon) when `areas` has it, else a Point at its position. Flat
///   properties, so that a GIS shows them as columns: `id`, `name`,
///   `is_host` (hosts a group of any service), `services_shared`,
///   `saving_share_gbp` (all services), and for each service `<id>_group`,
///   `<id>_host`, `<id>_host_name`, `<id>_is_host`, `<id>_saving_share_gbp`
///   (null when the council is not in scope for the service; group and host
///   null when it does not share it).
/// - One LineString per non-host member of each group (`kind` "link"), from
///   the member's position to its host's: `service`, `group`, `member`,
///   `member_name`, `host`, `host_name`, `distance_km`, `saving_share_gbp`.
///
/// Group ids and shares are those of `PlanShares` (and so of the plan JSON).
public enum PlanGeoJSON {
    public static func render(_ plan: Plan, problem: Problem, areas: CouncilAreas? = nil) -> String {
        JSONWriter.write(value(plan, problem: problem, areas: areas)) + "\n"
    }

    public static func value(_ plan: Plan, problem: Problem, areas: CouncilAreas? = nil) -> JSONValue {
        let shares = PlanShares(plan: plan, problem: problem)
        var features: [JSONValue] = []
        for (index, council) in problem.councils.enumerated() {
            var properties: [(String, JSONValue)] = [
                ("kind", .string("council")),
                ("id", .string(council.id)),
                ("name", .string(council.name)),
                ("is_host", .bool(shares.hostsAny(council: index))),
                ("services_shared", .number(Double(problem.services.indices.filter { shares.group(service: $0, council: index) != nil }.count))),
                ("saving_share_gbp", .number(PlanShares.pence(shares.totalShare(council: index)))),
            ]
            for (serviceIndex, service) in problem.services.enumerated() {
                let entry = shares.entries[serviceIndex][index]
                let group = shares.group(service: serviceIndex, council: index)
                let host = group.map { problem.councils[$0.column.host] }
                properties += [
                    ("\(service.id)_group", .str(group?.id)),
                    ("\(service.id)_host", .str(host?.id)),
                    ("\(service.id)_host_name", .str(host?.name)),
                    ("\(service.id)_is_host", .bool(group?.column.host == index)),
                    ("\(service.id)_saving_share_gbp", .num(entry?.share)),
                ]
            }
            let geometry: JSONValue
            if let polygons = areas?.polygons[index] {
                geometry = polygons.count == 1
                    ? .obj([("type", .string("Polygon")), ("coordinates", rings(polygons[0]))])
                    : .obj([("type", .string("MultiPolygon")), ("coordinates", .arr(polygons.map(rings)))])
            } else {
                geometry = .obj([("type", .string("Point")), ("coordinates", position(lon: council.lon, lat: council.lat))])
            }
            features.append(feature(id: council.id, geometry: geometry, properties: properties))
        }
        for (serviceIndex, service) in problem.services.enumerated() {
            for group in shares.groups[serviceIndex] {
                let host = problem.councils[group.column.host]
                for member in group.column.members where member != group.column.host {
                    let council = problem.councils[member]
                    let geometry = JSONValue.obj([
                        ("type", .string("LineString")),
                        ("coordinates", .arr([position(lon: council.lon, lat: council.lat), position(lon: host.lon, lat: host.lat)])),
                    ])
                    features.append(feature(id: "\(group.id):\(council.id)", geometry: geometry, properties: [
                        ("kind", .string("link")),
                        ("service", .string(service.id)),
                        ("group", .string(group.id)),
                        ("member", .string(council.id)),
                        ("member_name", .string(council.name)),
                        ("host", .string(host.id)),
                        ("host_name", .string(host.name)),
                        ("distance_km", .number((problem.distance(member, group.column.host) * 1000).rounded() / 1000)),
                        ("saving_share_gbp", .num(shares.entries[serviceIndex][member]?.share)),
                    ]))
                }
            }
        }
        return .obj([
            ("type", .string("FeatureCollection")),
            ("name", .string(plan.instance)),
            ("features", .arr(features)),
        ])
    }

    static func feature(id: String, geometry: JSONValue, properties: [(String, JSONValue)]) -> JSONValue {
        .obj([("type", .string("Feature")), ("id", .string(id)), ("geometry", geometry), ("properties", .obj(properties))])
    }

    static func position(lon: Double, lat: Double) -> JSONValue { .arr([.number(lon), .number(lat)]) }

    static func rings(_ polygon: CouncilAreas.Polygon) -> JSONValue {
        .arr(polygon.map { ring in .arr(ring.map { position(lon: $0.lon, lat: $0.lat) }) })
    }
}
