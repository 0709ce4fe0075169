// SPDX-License-Identifier: GPL-3.0-or-later

/// Council areas read from a boundary GeoJSON (e.g. ONS "Local Authority
/// Districts (May 2024) Boundaries UK BUC"), matched to the councils of a
/// problem by a property that holds the council's GSS code.
///
/// Each feature is matched by the first of `keys` whose value is the id of a
/// council; features of other areas are ignored. Only Polygon and
/// MultiPolygon geometries are used. Rings are cleaned for RFC 7946: an
/// unclosed ring is closed, a ring of fewer than four positions is dropped,
/// exterior rings are turned counter-clockwise and holes clockwise. A
/// position outside longitude [-180, 180] or latitude [-90, 90] is an input
/// error (the file is probably in British National Grid metres).
public struct CouncilAreas: Sendable {
    public struct Position: Sendable, Equatable {
        public var lon: Double
        public var lat: Double
        public init(lon: Double, lat: Double) { self.lon = lon; self.lat = lat }
    }
    /// Rings of one polygon: the exterior first, then holes; each closed.
    public typealias Polygon = [[Position]]

    /// The properties tried, in order, when no key is given.
    public static let defaultKeys = ["gss_code", "LAD24CD", "CTYUA24CD", "code"]

    /// Polygons by council index (a MultiPolygon has several).
    public private(set) var polygons: [Int: [Polygon]]
    /// Councils of the problem with no area in the file, ascending.
    public private(set) var unmatched: [Int]
    /// The properties that were tried.
    public private(set) var keys: [String]

    public init(polygons: [Int: [Polygon]], councilCount: Int, keys: [String]) {
        self.polygons = polygons
        self.unmatched = (0..<councilCount).filter { polygons[$0] == nil }
        self.keys = keys
    }

    /// Reads and matches a boundary file; `key` replaces `defaultKeys`.
    public static func load(_ path: String, problem: Problem, key: String? = nil) throws -> CouncilAreas {
        try from(json: try InstanceLoader.readText(path), file: path, problem: problem, key: key)
    }

    public static func from(json text: String, file: String, problem: Problem, key: String? = nil) throws -> CouncilAreas {
        let root: JSONValue.Located
        do { root = try JSONParser.parse(text) } catch let error as JSONSyntaxError {
            throw InputError(file: file, line: error.line, record: "", message: "is not valid JSON: \(error.message)")
        }
        let keys = key.map { [$0] } ?? defaultKeys
        guard case .object(let top) = root.value,
              top.first(where: { $0.key == "type" })?.value.value == .string("FeatureCollection"),
              case .array(let features)? = top.first(where: { $0.key == "features" })?.value.value
        else {
            throw InputError(file: file, line: root.line, record: "", message: "is not a GeoJSON FeatureCollection with \"features\"")
        }
        var polygons: [Int: [Polygon]] = [:]
        for (index, feature) in features.enumerated() {
            guard case .object(let fields) = feature.value else { continue }
            let record = "features[\(index)]"
            guard case .object(let properties)? = fields.first(where: { $0.key == "properties" })?.value.value else { continue }
            var council: Int?
            for candidate in keys {
                if case .string(let code)? = properties.first(where: { $0.key == candidate })?.value.value,
                   let found = problem.indexOfCouncil[code] {
                    council = found
                    break
                }
            }
            guard let council, let geometry = fields.first(where: { $0.key == "geometry" })?.value,
                  case .object(let geometryFields) = geometry.value,
                  case .string(let type)? = geometryFields.first(where: { $0.key == "type" })?.value.value,
                  let coordinates = geometryFields.first(where: { $0.key == "coordinates" })?.value
            else { continue }
            let found: [Polygon]
            switch type {
            case "Polygon":
                found = [try polygon(coordinates, file: file, record: record)]
            case "MultiPolygon":
                guard case .array(let items) = coordinates.value else {
                    throw InputError(file: file, line: coordinates.line, record: record, field: "coordinates", message: "expected a list of polygons")
                }
                found = try items.map { try polygon($0, file: file, record: record) }
            default:
                continue
            }
            let usable = found.filter { !$0.isEmpty }
            if !usable.isEmpty { polygons[council, default: []] += usable }
        }
        return CouncilAreas(polygons: polygons, councilCount: problem.councils.count, keys: keys)
    }

    /// One polygon's rings, cleaned; empty if its exterior ring is unusable.
    static func polygon(_ value: JSONValue.Located, file: String, record: String) throws -> Polygon {
        guard case .array(let ringValues) = value.value else {
            throw InputError(file: file, line: value.line, record: record, field: "coordinates", message: "expected a list of rings")
        }
        var rings: Polygon = []
        for (ringIndex, ringValue) in ringValues.enumerated() {
            guard case .array(let positionValues) = ringValue.value else {
                throw InputError(file: file, line: ringValue.line, record: record, field: "coordinates", message: "expected a ring (a list of positions)")
            }
            var ring: [Position] = []
            ring.reserveCapacity(positionValues.count + 1)
            for positionValue in positionValues {
                guard case .array(let numbers) = positionValue.value, numbers.count >= 2,
                      case .number(let lon) = numbers[0].value, case .number(let lat) = numbers[1].value
                else {
                    throw InputError(file: file, line: positionValue.line, record: record, field: "coordinates", message: "expected a position [longitude, latitude]")
                }
                guard abs(lon) <= 180, abs(lat) <= 90 else {
                    throw InputError(file: file, line: positionValue.line, record: record, field: "coordinates",
                                     message: "position [\(lon), \(lat)] is not longitude/latitude in degrees (WGS84, RFC 7946); is the file in British National Grid metres?")
                }
                ring.append(Position(lon: lon, lat: lat))
            }
            if let first = ring.first, ring.last != first { ring.append(first) }
            guard ring.count >= 4 else {
                if ringIndex == 0 { return [] }
                continue
            }
            // RFC 7946 §3.1.6: exteriors counter-clockwise, holes clockwise.
            let counterClockwise = signedArea(ring) > 0
            if counterClockwise != (ringIndex == 0) { ring.reverse() }
            rings.append(ring)
        }
        return rings
    }

    /// Twice the signed area of a closed ring in degrees (shoelace); positive when counter-clockwise.
    public static func signedArea(_ ring: [Position]) -> Double {
        var sum = 0.0
        for index in 0..<max(0, ring.count - 1) {
            sum += ring[index].lon * ring[index + 1].lat - ring[index + 1].lon * ring[index].lat
        }
        return sum
    }
}
