// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// A map of one service's groups as inline SVG, for the HTML report.
///
/// Projection: equirectangular, `x = (lon - lon_min) * cos(mean latitude)`,
/// `y = lat_max - lat` (mean over the councils' positions), scaled to fit
/// `width` by at most `maxHeight` pixels with a margin. Every map of a report
/// uses the same projection, so the services can be compared by eye.
///
/// Drawn, bottom to top: council areas (when known; largest first, so that
/// small areas stay visible) filled with their group's colour, grey when the
/// council keeps the service in-house, pale when the council is not in
/// scope for the service; lines from members to their host; a dot for each
/// council (a circle for councils without an area); a star for each host;
/// names when there are at most `labelLimit` councils. Every shape has a
/// `<title>` (a tooltip). All text is escaped.
public struct SVGMap: Sendable {
    public var width: Double
    public private(set) var height: Double
    let cosLat: Double, scale: Double, offsetX: Double, offsetY: Double
    public static let labelLimit = 40
    public static let inHouseColour = "#9e9e9e"
    public static let outOfScopeColour = "#ececec"

    /// A projection covering every council and every matched area.
    public init(problem: Problem, areas: CouncilAreas?, width: Double = 640, maxHeight: Double = 620, margin: Double = 14) {
        var lons = problem.councils.map(\.lon), lats = problem.councils.map(\.lat)
        let meanLat = lats.isEmpty ? 0 : lats.reduce(0, +) / Double(lats.count)
        for polygons in areas?.polygons.values.map({ $0 }) ?? [] {
            for polygon in polygons { for position in polygon.first ?? [] { lons.append(position.lon); lats.append(position.lat) } }
        }
        let cosLat = max(0.05, cos(meanLat * .pi / 180))
        let minLon = lons.min() ?? 0, maxLon = lons.max() ?? 0
        let minLat = lats.min() ?? 0, maxLat = lats.max() ?? 0
        // A single place (or none) still gets a small square of map around it.
        let spanX = max((maxLon - minLon) * cosLat, 0.05), spanY = max(maxLat - minLat, 0.05)
        let centreX = (minLon + maxLon) / 2, centreY = (minLat + maxLat) / 2
        var scale = (width - 2 * margin) / spanX
        if spanY * scale > maxHeight - 2 * margin { scale = (maxHeight - 2 * margin) / spanY }
        self.width = width
        self.height = (spanY * scale + 2 * margin).rounded(.up)
        self.cosLat = cosLat
        self.scale = scale
        // Centred: the extent's middle maps to the middle of the drawing area.
        self.offsetX = margin + (width - 2 * margin) / 2 - centreX * cosLat * scale
        self.offsetY = margin + spanY * scale / 2 + centreY * scale
    }

    /// Pixel position of a longitude and latitude.
    public func project(lon: Double, lat: Double) -> (x: Double, y: Double) {
        (offsetX + lon * cosLat * scale, offsetY - lat * scale)
    }

    /// An SVG path for polygons (even-odd fill keeps holes open); positions
    /// that round to the same tenth of a pixel as the previous one are skipped.
    public func path(_ polygons: [CouncilAreas.Polygon]) -> String {
        var out = ""
        for polygon in polygons {
            for ring in polygon {
                var previous = ""
                var count = 0
                for (index, position) in ring.enumerated() where index < ring.count - 1 {
                    let point = project(lon: position.lon, lat: position.lat)
                    let text = "\(number(point.x)) \(number(point.y))"
                    if text == previous { continue }
                    out += (count == 0 ? "M" : "L") + text
                    previous = text
                    count += 1
                }
                if count > 0 { out += "Z" }
            }
        }
        return out
    }

    /// The map of one service. `colours[g]` is the fill of group `g` of the service.
    public func render(service: Int, problem: Problem, shares: PlanShares, areas: CouncilAreas?, colours: [String]) -> String {
        let spec = problem.services[service]
        var out = "<svg class=\"map\" viewBox=\"0 0 \(number(width)) \(number(height))\" width=\"\(number(width))\" height=\"\(number(height))\" role=\"img\" aria-label=\"Map of \(HTMLText.escape(spec.name))\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#f7f9fb\"/>\n"
        func fill(_ council: Int) -> String {
            guard let entry = shares.entries[service][council] else { return SVGMap.outOfScopeColour }
            guard let group = entry.group else { return SVGMap.inHouseColour }
            return colours[group]
        }
        func title(_ council: Int) -> String {
            let name = problem.councils[council].name
            guard let entry = shares.entries[service][council] else { return "\(name): not in scope for this service" }
            guard let group = shares.group(service: service, council: council) else { return "\(name): keeps the service in-house" }
            let host = problem.councils[group.column.host].name
            let role = group.column.host == council ? "hosts \(group.id)" : "\(group.id), hosted by \(host)"
            return "\(name): \(role); share of saving \(PlanTable.gbp(entry.share))"
        }
        // Areas, largest first.
        if let areas {
            let drawn = areas.polygons.keys.sorted { lhs, rhs in
                let left = SVGMap.area(areas.polygons[lhs]!), right = SVGMap.area(areas.polygons[rhs]!)
                return left != right ? left > right : lhs < rhs
            }
            out += "<g class=\"areas\" stroke=\"#ffffff\" stroke-width=\"0.8\" fill-rule=\"evenodd\" fill-opacity=\"0.72\">\n"
            for council in drawn {
                out += "<path d=\"\(path(areas.polygons[council]!))\" fill=\"\(fill(council))\"><title>\(HTMLText.escape(title(council)))</title></path>\n"
            }
            out += "</g>\n"
        }
        // Member-to-host lines.
        out += "<g class=\"links\" stroke=\"#222222\" stroke-width=\"1.6\" stroke-opacity=\"0.85\" stroke-linecap=\"round\">\n"
        for group in shares.groups[service] {
            let host = problem.councils[group.column.host]
            let to = project(lon: host.lon, lat: host.lat)
            for member in group.column.members where member != group.column.host {
                let council = problem.councils[member]
                let from = project(lon: council.lon, lat: council.lat)
                out += "<line x1=\"\(number(from.x))\" y1=\"\(number(from.y))\" x2=\"\(number(to.x))\" y2=\"\(number(to.y))\"><title>\(HTMLText.escape("\(council.name) → \(host.name) (\(group.id), \(PlanTable.fixed(problem.distance(member, group.column.host), 1)) km)"))</title></line>\n"
            }
        }
        out += "</g>\n"
        // Council markers: circles (dots on areas), stars for hosts.
        out += "<g class=\"councils\">\n"
        let hosts = Set(shares.groups[service].map(\.column.host))
        for (index, council) in problem.councils.enumerated() {
            let point = project(lon: council.lon, lat: council.lat)
            let tooltip = "<title>\(HTMLText.escape(title(index)))</title>"
            if hosts.contains(index) {
                let shape = star(x: point.x, y: point.y, radius: SVGMap.starRadius)
                out += "<path class=\"halo\" d=\"\(shape)\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"4.5\" stroke-linejoin=\"round\"/>\n"
                out += "<path class=\"host\" d=\"\(shape)\" fill=\"\(fill(index))\" stroke=\"#000000\" stroke-width=\"1.8\" stroke-linejoin=\"round\">\(tooltip)</path>\n"
            } else if areas?.polygons[index] != nil {
                out += "<circle cx=\"\(number(point.x))\" cy=\"\(number(point.y))\" r=\"2.6\" fill=\"#222222\">\(tooltip)</circle>\n"
            } else {
                out += "<circle cx=\"\(number(point.x))\" cy=\"\(number(point.y))\" r=\"5.5\" fill=\"\(fill(index))\" stroke=\"#333333\" stroke-width=\"1.2\">\(tooltip)</circle>\n"
            }
        }
        out += "</g>\n"
        if problem.councils.count <= SVGMap.labelLimit {
            out += "<g class=\"labels\" font-size=\"\(SVGMap.fontSize)\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">\n"
            for label in labels(problem: problem, hosts: hosts) {
                let anchor = label.anchor == "start" ? "" : " text-anchor=\"\(label.anchor)\""
                out += "<text x=\"\(number(label.x))\" y=\"\(number(label.y))\"\(anchor)>\(HTMLText.escape(problem.councils[label.council].name))</text>\n"
            }
            out += "</g>\n"
        }
        return out + "</svg>"
    }

    static let starRadius = 11.0
    static let fontSize = 10.5

    struct Label { var council: Int; var x: Double; var y: Double; var anchor: String }

    /// Places the council names: each takes the first of eight positions
    /// around its marker (right, left, above, below, then the diagonals) whose
    /// box, estimated from the name's length, stays inside the map and
    /// overlaps no marker and no label placed before it; failing that, the
    /// position that overlaps least. Hosts are placed first.
    func labels(problem: Problem, hosts: Set<Int>) -> [Label] {
        struct Box {
            var minX, minY, maxX, maxY: Double
            func overlap(_ other: Box) -> Double {
                max(0, min(maxX, other.maxX) - max(minX, other.minX)) * max(0, min(maxY, other.maxY) - max(minY, other.minY))
            }
        }
        let points = problem.councils.map { project(lon: $0.lon, lat: $0.lat) }
        var obstacles = points.indices.map { index -> Box in
            let radius = hosts.contains(index) ? SVGMap.starRadius : 5.5
            return Box(minX: points[index].x - radius, minY: points[index].y - radius, maxX: points[index].x + radius, maxY: points[index].y + radius)
        }
        let order = points.indices.sorted { (hosts.contains($0) ? 0 : 1, $0) < (hosts.contains($1) ? 0 : 1, $1) }
        var placed: [Label] = []
        for council in order {
            let point = points[council]
            let textWidth = Double(problem.councils[council].name.count) * SVGMap.fontSize * 0.56
            let height = SVGMap.fontSize
            let gap = hosts.contains(council) ? SVGMap.starRadius + 2 : 7.0
            // (x, baseline y, anchor) candidates.
            let candidates: [(Double, Double, String)] = [
                (point.x + gap, point.y + height * 0.35, "start"),
                (point.x - gap, point.y + height * 0.35, "end"),
                (point.x, point.y - gap - 2, "middle"),
                (point.x, point.y + gap + height, "middle"),
                (point.x + gap * 0.7, point.y - gap * 0.7 - 1, "start"),
                (point.x + gap * 0.7, point.y + gap * 0.7 + height, "start"),
                (point.x - gap * 0.7, point.y - gap * 0.7 - 1, "end"),
                (point.x - gap * 0.7, point.y + gap * 0.7 + height, "end"),
            ]
            var best: (label: Label, box: Box, cost: Double)?
            for (x, y, anchor) in candidates {
                let minX = anchor == "start" ? x : anchor == "end" ? x - textWidth : x - textWidth / 2
                let box = Box(minX: minX - 1, minY: y - height * 0.8, maxX: minX + textWidth + 1, maxY: y + height * 0.25)
                var cost = obstacles.enumerated().reduce(0.0) { $0 + ($1.offset == council ? 0 : $1.element.overlap(box)) }
                if box.minX < 0 || box.maxX > width || box.minY < 0 || box.maxY > self.height { cost += 1e6 }
                if best == nil || cost < best!.cost { best = (Label(council: council, x: x, y: y, anchor: anchor), box, cost) }
                if cost == 0 { break }
            }
            if let best {
                placed.append(best.label)
                obstacles.append(best.box)
            }
        }
        return placed.sorted { $0.council < $1.council }
    }

    /// A five-pointed star path centred on (x, y).
    func star(x: Double, y: Double, radius: Double) -> String {
        var out = ""
        for index in 0..<10 {
            let angle = -Double.pi / 2 + Double(index) * .pi / 5
            let length = index % 2 == 0 ? radius : radius * 0.45
            out += (index == 0 ? "M" : "L") + "\(number(x + length * cos(angle))) \(number(y + length * sin(angle)))"
        }
        return out + "Z"
    }

    /// Absolute area (square degrees) of the exterior rings, for drawing order.
    static func area(_ polygons: [CouncilAreas.Polygon]) -> Double {
        polygons.reduce(0) { $0 + abs(CouncilAreas.signedArea($1.first ?? [])) }
    }

    func number(_ value: Double) -> String { PlanTable.fixed(value, 1) }
}
