// SPDX-License-Identifier: GPL-3.0-or-later
// The planner's outputs: CSV, GeoJSON (with council areas from a boundary
// file) and the self-contained HTML page; each must agree with the plan JSON.
import Foundation
import Testing
@testable import CouncilShare

/// A small instance whose names are hostile to CSV and HTML: five councils,
/// `legal` (pairs only, so one council keeps it in-house) and `waste` (spend
/// rows for three councils only, so two are out of scope).
enum ReportFixture {
    static let text = #"""
    {
      "name": "report <test> & co",
      "description": "Made-up councils; <b>not</b> real & \"quoted\".",
      "councils": [
        {"id": "A", "name": "Alpha, Upper", "lat": 53.0, "lon": -2.0, "tier": "district"},
        {"id": "B", "name": "<script>alert('x')</script>", "lat": 53.1, "lon": -2.1, "tier": "district"},
        {"id": "C", "name": "Gamma \"Quoted\"", "lat": 53.2, "lon": -2.3, "tier": "district"},
        {"id": "D", "name": "Delta", "lat": 53.3, "lon": -2.2, "tier": "district"},
        {"id": "E", "name": "Echo", "lat": 53.15, "lon": -1.9, "tier": "district"}
      ],
      "services": [
        {"id": "legal", "name": "Legal & <democratic>", "cost_curve": {"power": {"scale": 50, "exponent": 0.8}}, "max_members": 2, "distance_cost_per_km": 100, "setup_cost_per_member": 30000, "setup_years": 3},
        {"id": "waste", "name": "Waste", "cost_curve": {"power": {"scale": 40, "exponent": 0.85}}, "max_members": 3, "max_distance_km": 80}
      ],
      "spend": [
        {"council": "A", "service": "legal", "spend": 1000000, "volume": 100000},
        {"council": "B", "service": "legal", "spend": 1100000, "volume": 110000},
        {"council": "C", "service": "legal", "spend": 900000, "volume": 90000},
        {"council": "D", "service": "legal", "spend": 1200000, "volume": 120000},
        {"council": "E", "service": "legal", "spend": 950000, "volume": 95000},
        {"council": "A", "service": "waste", "spend": 700000, "volume": 60000},
        {"council": "B", "service": "waste", "spend": 650000, "volume": 55000},
        {"council": "C", "service": "waste", "spend": 800000, "volume": 70000}
      ]
    }
    """#

    static let solved: (instance: Instance, problem: Problem, plan: Plan) = {
        let instance = try! Instance.from(json: text, file: "report.json")
        let problem = try! Problem(instance: instance, file: "report.json")
        return (instance, problem, ExactSolver(problem: problem).solve())
    }()

    /// A boundary file: A by `LAD24CD` (a clockwise, unclosed ring), B by
    /// `code` (a MultiPolygon, one polygon with a counter-clockwise hole),
    /// an unknown area, and a feature without geometry. C, D, E are absent.
    static let boundaries = #"""
    {"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"LAD24CD": "A", "LAD24NM": "Alpha"},
       "geometry": {"type": "Polygon", "coordinates": [[[-2.1, 52.9], [-2.1, 53.1], [-1.9, 53.1], [-1.9, 52.9]]]}},
      {"type": "Feature", "properties": {"code": "B"},
       "geometry": {"type": "MultiPolygon", "coordinates": [
         [[[-2.2, 53.0], [-2.0, 53.0], [-2.0, 53.2], [-2.2, 53.2], [-2.2, 53.0]],
          [[-2.15, 53.05], [-2.05, 53.05], [-2.05, 53.15], [-2.15, 53.15], [-2.15, 53.05]]],
         [[[-2.3, 53.3], [-2.25, 53.3], [-2.25, 53.35], [-2.3, 53.3]]]]}},
      {"type": "Feature", "properties": {"gss_code": "E99999999"},
       "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}},
      {"type": "Feature", "properties": {"gss_code": "C"}, "geometry": null}
    ]}
    """#
}

/// RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false, index = text.unicodeScalars.startIndex
    let scalars = text.unicodeScalars
    while index < scalars.endIndex {
        let scalar = scalars[index]
        index = scalars.index(after: index)
        if quoted {
            if scalar == "\"" {
                if index < scalars.endIndex && scalars[index] == "\"" { field.unicodeScalars.append("\""); index = scalars.index(after: index) } else { quoted = false }
            } else { field.unicodeScalars.append(scalar) }
        } else if scalar == "\"" { quoted = true
        } else if scalar == "," { row.append(field); field = ""
        } else if scalar == "\r" { continue
        } else if scalar == "\n" { row.append(field); rows.append(row); row = []; field = ""
        } else { field.unicodeScalars.append(scalar) }
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

/// Small accessors over `JSONValue` for the tests.
extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value.value
    }
    var items: [JSONValue] {
        guard case .array(let list) = self else { return [] }
        return list.map(\.value)
    }
    var text: String? { if case .string(let value) = self { return value }; return nil }
    var double: Double? { if case .number(let value) = self { return value }; return nil }
}

@Suite("Reports: CSV, GeoJSON, HTML")
struct ReportTests {
    let instance = ReportFixture.solved.instance
    let problem = ReportFixture.solved.problem
    let plan = ReportFixture.solved.plan

    @Test("the fixture solves to a plan with sharing, an in-house council and out-of-scope councils")
    func fixtureShape() {
        #expect(plan.status == .optimal)
        #expect(plan.groups.filter { $0.service == 0 }.count == 2, "legal: two pairs of five")
        #expect(plan.groups.contains { $0.service == 1 })
    }

    // MARK: CSV

    @Test("CSV: one row per council and service in scope; shares equal the plan JSON's and add up to the saving")
    func csvAgreesWithPlan() throws {
        let csv = PlanCSV.render(plan, problem: problem)
        #expect(csv.hasSuffix("\r\n"))
        let rows = parseCSV(csv)
        #expect(rows.first == PlanCSV.header)
        let body = Array(rows.dropFirst())
        #expect(body.allSatisfy { $0.count == PlanCSV.header.count })
        #expect(body.count == 5 + 3, "five councils with legal, three with waste")
        #expect(Set(body.map { "\($0[0])/\($0[2])" }).count == body.count, "no council and service twice")
        #expect(!body.contains { $0[2] == "waste" && ["D", "E"].contains($0[0]) })
        #expect(body.map(\.[1]).contains("<script>alert('x')</script>"))
        #expect(body.map(\.[1]).contains("Gamma \"Quoted\""))
        #expect(body.map(\.[1]).contains("Alpha, Upper"))

        // Shares against the plan JSON's member_savings, to the penny as printed.
        let json = plan.jsonValue(problem: problem)
        var expected: [String: String] = [:]
        for service in json["services"]?.items ?? [] {
            for group in service["groups"]?.items ?? [] {
                for member in group["member_savings"]?.items ?? [] {
                    expected["\(member["council"]?.text ?? "")/\(service["id"]?.text ?? "")"] = PlanTable.fixed(member["saving"]?.double ?? .nan, 2)
                }
            }
        }
        #expect(expected.count == body.filter { !$0[3].isEmpty }.count)
        var total = 0.0
        for row in body {
            let share = try #require(Double(row[9]))
            total += share
            if row[3].isEmpty {
                #expect(row[4...8].allSatisfy { $0.isEmpty }, "a council that does not share has no group, host or members")
                #expect(share == 0)
            } else {
                #expect(row[9] == expected["\(row[0])/\(row[2])"], "share of \(row[0]) for \(row[2])")
                let members = row[7].split(separator: ";").map(String.init)
                #expect(members.count == Int(row[6]))
                #expect(members.contains(row[0]) && members.contains(row[4]))
                #expect(row[5] == problem.councils[problem.indexOfCouncil[row[4]]!].name)
                let spend = problem.services[problem.indexOfService[row[2]]!].spend[problem.indexOfCouncil[row[0]]!]
                let percent = try #require(Double(row[10]))
                #expect(abs(percent / 100 * spend - share) <= 0.01 + 1e-6 * spend)
            }
        }
        let groupsPerService = plan.groups.count
        #expect(abs(total - plan.totalSaving) <= 0.01 * Double(body.count) + 1e-9 * Double(groupsPerService), "sum of shares = total saving")
        #expect(total > 0)
    }

    @Test("CSV fields are quoted only when they must be", arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\r\nlines", "\"two\r\nlines\""), ("one\nline", "\"one\nline\""), (" padded", "\" padded\""), ("", ""),
    ])
    func csvQuoting(_ input: String, _ output: String) {
        #expect(PlanCSV.field(input) == output)
        #expect(parseCSV(PlanCSV.field(input) + "\r\n") == [[input]])
    }

    // MARK: GeoJSON

    @Test("GeoJSON parses back: council points, one line per member and host, positions [lon, lat]")
    func geoJSONParsesBack() throws {
        let parsed = try JSONParser.parse(PlanGeoJSON.render(plan, problem: problem)).value
        #expect(parsed["type"]?.text == "FeatureCollection")
        let features = parsed["features"]?.items ?? []
        let councils = features.filter { $0["properties"]?["kind"]?.text == "council" }
        let links = features.filter { $0["properties"]?["kind"]?.text == "link" }
        #expect(councils.count == problem.councils.count)
        #expect(links.count == plan.groups.reduce(0) { $0 + $1.members.count - 1 })
        #expect(features.count == councils.count + links.count)
        for feature in councils {
            let id = try #require(feature["properties"]?["id"]?.text)
            let council = problem.councils[try #require(problem.indexOfCouncil[id])]
            #expect(feature["geometry"]?["type"]?.text == "Point")
            #expect(feature["geometry"]?["coordinates"]?.items.compactMap(\.double) == [council.lon, council.lat])
        }
        var pairs: Set<String> = []
        for link in links {
            let properties = try #require(link["properties"])
            let member = problem.councils[try #require(problem.indexOfCouncil[properties["member"]?.text ?? ""])]
            let host = problem.councils[try #require(problem.indexOfCouncil[properties["host"]?.text ?? ""])]
            let line = link["geometry"]?["coordinates"]?.items.map { $0.items.compactMap(\.double) } ?? []
            #expect(link["geometry"]?["type"]?.text == "LineString")
            #expect(line == [[member.lon, member.lat], [host.lon, host.lat]])
            pairs.insert("\(properties["service"]?.text ?? "")/\(member.id)/\(host.id)")
        }
        var expected: Set<String> = []
        for group in plan.groups {
            for member in group.members where member != group.host {
                expected.insert("\(problem.services[group.service].id)/\(problem.councils[member].id)/\(problem.councils[group.host].id)")
            }
        }
        #expect(pairs == expected)
        // Per-service properties agree with the plan.
        let shares = PlanShares(plan: plan, problem: problem)
        for feature in councils {
            let properties = try #require(feature["properties"])
            let index = try #require(problem.indexOfCouncil[properties["id"]?.text ?? ""])
            for (service, spec) in problem.services.enumerated() {
                let group = shares.group(service: service, council: index)
                #expect(properties["\(spec.id)_group"]?.text == group?.id)
                #expect(properties["\(spec.id)_is_host"] == .bool(group?.column.host == index))
                #expect(properties["\(spec.id)_saving_share_gbp"]?.double == shares.entries[service][index]?.share)
            }
        }
    }

    @Test("boundaries: matched by gss_code, LAD24CD or code; rings closed and wound per RFC 7946; others stay points")
    func boundariesMatched() throws {
        let areas = try CouncilAreas.from(json: ReportFixture.boundaries, file: "b.geojson", problem: problem)
        let a = problem.indexOfCouncil["A"]!, b = problem.indexOfCouncil["B"]!
        #expect(Set(areas.polygons.keys) == [a, b])
        #expect(areas.unmatched.map { problem.councils[$0].id } == ["C", "D", "E"])
        let parsed = try JSONParser.parse(PlanGeoJSON.render(plan, problem: problem, areas: areas)).value
        var kinds: [String: String] = [:]
        for feature in parsed["features"]?.items ?? [] where feature["properties"]?["kind"]?.text == "council" {
            let geometry = try #require(feature["geometry"])
            let id = feature["properties"]?["id"]?.text ?? ""
            kinds[id] = geometry["type"]?.text
            let polygons: [JSONValue]
            switch geometry["type"]?.text {
            case "Polygon": polygons = [try #require(geometry["coordinates"])]
            case "MultiPolygon": polygons = geometry["coordinates"]?.items ?? []
            default: continue
            }
            for polygon in polygons {
                for (ringIndex, ringValue) in polygon.items.enumerated() {
                    let ring = ringValue.items.map { position -> CouncilAreas.Position in
                        let numbers = position.items.compactMap(\.double)
                        return CouncilAreas.Position(lon: numbers[0], lat: numbers[1])
                    }
                    #expect(ring.count >= 4)
                    #expect(ring.first == ring.last, "ring of \(id) closed")
                    #expect(ring.allSatisfy { abs($0.lon) <= 180 && abs($0.lat) <= 90 })
                    #expect(ring.allSatisfy { $0.lon < -1.5 && $0.lat > 52 }, "longitude first")
                    #expect((CouncilAreas.signedArea(ring) > 0) == (ringIndex == 0), "exterior counter-clockwise, holes clockwise")
                }
            }
        }
        #expect(kinds == ["A": "Polygon", "B": "MultiPolygon", "C": "Point", "D": "Point", "E": "Point"])

        // An explicit key replaces the defaults.
        let byCode = try CouncilAreas.from(json: ReportFixture.boundaries, file: "b.geojson", problem: problem, key: "code")
        #expect(Array(byCode.polygons.keys) == [b])
        #expect(byCode.keys == ["code"])
    }

    @Test("boundaries in British National Grid metres or not GeoJSON are input errors naming the file")
    func badBoundaries() {
        let metres = #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"gss_code": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[350000, 420000], [351000, 420000], [351000, 421000], [350000, 420000]]]}}]}"#
        #expect(throws: InputError.self) { try CouncilAreas.from(json: metres, file: "bng.geojson", problem: problem) }
        do { _ = try CouncilAreas.from(json: metres, file: "bng.geojson", problem: problem) } catch let error as InputError {
            #expect(error.file == "bng.geojson")
            #expect(error.record == "features[0]")
            #expect(error.message.contains("British National Grid"))
        } catch { Issue.record("\(error)") }
        #expect(throws: InputError.self) { try CouncilAreas.from(json: #"{"type": "Feature"}"#, file: "x.geojson", problem: problem) }
        #expect(throws: InputError.self) { try CouncilAreas.from(json: "{", file: "x.geojson", problem: problem) }
    }

    // MARK: HTML

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("HTML: one map per service, tables, status and gap, assumptions; everything escaped, nothing external")
    func htmlPage() throws {
        let areas = try CouncilAreas.from(json: ReportFixture.boundaries, file: "b.geojson", problem: problem)
        let html = PlanHTML.render(plan, problem: problem, instance: instance, areas: areas, boundaryFile: "b.geojson")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(count("<svg", in: html) == problem.services.count)
        #expect(count("</svg>", in: html) == problem.services.count)
        for tag in ["section", "table", "tr", "td", "th", "ul", "li", "g", "title", "p", "dl"] {
            #expect(count("<\(tag)>", in: html) + count("<\(tag) ", in: html) == count("</\(tag)>", in: html), "<\(tag)> balanced")
        }
        #expect(!html.lowercased().contains("<script"), "the hostile name is escaped")
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(html.contains("Gamma &quot;Quoted&quot;"))
        #expect(html.contains("&lt;b&gt;not&lt;/b&gt; real &amp; &quot;quoted&quot;"), "the description, escaped")
        #expect(html.contains("Legal &amp; &lt;democratic&gt;"))
        #expect(!html.contains("<democratic>"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="), "self-contained")
        #expect(html.contains("optimal"))
        #expect(html.contains("Gap</dt><dd>0.0000%"))
        #expect(html.contains(PlanTable.gbp(plan.totalSaving)))
        // Polygons drawn for the councils in the boundary file, circles for the others.
        #expect(count("<path d=\"M", in: html) == 2 * problem.services.count)
        // Assumptions: curve, limits and set-up costs as written.
        #expect(html.contains("power k·V^b, k = 50.0, b = 0.8"))
        #expect(html.contains("£30,000 over 3 years (£10,000 a year)"))
        #expect(html.contains("80 km"))
        #expect(html.contains("matched by gss_code, LAD24CD, CTYUA24CD, code"))
        // Every group appears in its service's table with its saving.
        for group in PlanShares(plan: plan, problem: problem).groups.joined() {
            #expect(html.contains(">\(group.id)</td>"))
            #expect(html.contains(PlanTable.gbp(group.column.saving)))
        }
    }

    @Test("HTML of a plan that is not proven optimal never calls it optimal and states its gap")
    func feasibleIsNotOptimal() {
        var feasible = plan
        feasible.status = .feasible
        feasible.bound = plan.totalSaving * 1.02
        feasible.serviceOutcomes = feasible.serviceOutcomes.map { outcome in
            var outcome = outcome
            outcome.status = .feasible
            outcome.bound = outcome.saving * 1.02
            return outcome
        }
        let html = PlanHTML.render(feasible, problem: problem, instance: instance)
        #expect(!html.lowercased().contains("optimal"))
        #expect(html.contains("feasible"))
        let gap = PlanTable.percent(feasible.relativeGap ?? -1, digits: 4)
        #expect(gap.hasPrefix("1.96"))
        #expect(html.contains("Gap</dt><dd>\(gap)"))
        #expect(html.contains("not proven best"))
    }

    @Test("HTML and CSV of an infeasible answer: no groups, the reason and the largest reachable saving")
    func infeasibleAnswer() {
        var infeasible = plan
        infeasible.status = .infeasible
        infeasible.groups = []
        infeasible.totalSaving = 0
        infeasible.bound = nil
        infeasible.serviceOutcomes = []
        infeasible.targetSaving = 1e12
        infeasible.maxReachableSaving = plan.totalSaving
        infeasible.maxReachableIsProven = true
        let html = PlanHTML.render(infeasible, problem: problem, instance: instance)
        #expect(!html.lowercased().contains("optimal"))
        #expect(html.contains("no plan meets every rule; the target is £1,000,000,000,000 but the largest reachable saving is \(PlanTable.gbp(plan.totalSaving)) (proven)"))
        #expect(count("<svg", in: html) == problem.services.count)
        #expect(count("No sharing for this service.", in: html) == problem.services.count)
        let rows = parseCSV(PlanCSV.render(infeasible, problem: problem)).dropFirst()
        #expect(rows.count == 8)
        #expect(rows.allSatisfy { $0[3].isEmpty && $0[9] == "0.00" })
    }

    @Test("the map projection keeps everything in the picture, north up, east right, longitude scaled by cos(mean latitude)")
    func projection() {
        let map = SVGMap(problem: problem, areas: nil)
        for council in problem.councils {
            let point = map.project(lon: council.lon, lat: council.lat)
            #expect(point.x >= 0 && point.x <= map.width && point.y >= 0 && point.y <= map.height)
        }
        let origin = map.project(lon: -2, lat: 53), east = map.project(lon: -1.9, lat: 53), north = map.project(lon: -2, lat: 53.1)
        #expect(east.x > origin.x && abs(east.y - origin.y) < 1e-9)
        #expect(north.y < origin.y && abs(north.x - origin.x) < 1e-9)
        let meanLat = problem.councils.map(\.lat).reduce(0, +) / Double(problem.councils.count)
        #expect(abs((east.x - origin.x) / (origin.y - north.y) - cos(meanLat * .pi / 180)) < 1e-9)
    }

    // MARK: Command line

    @Test("solve --format csv --geojson --html --boundaries: exit 0, files written, a warning counts the councils without an area")
    func commandLine() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let instancePath = folder.appendingPathComponent("report.json").path
        let boundaryPath = folder.appendingPathComponent("b.geojson").path
        try ReportFixture.text.write(toFile: instancePath, atomically: true, encoding: .utf8)
        try ReportFixture.boundaries.write(toFile: boundaryPath, atomically: true, encoding: .utf8)
        let geojson = folder.appendingPathComponent("plan.geojson").path, html = folder.appendingPathComponent("plan.html").path
        let run = try CLI.run(["solve", instancePath, "--format", "csv", "--geojson", geojson, "--html", html, "--boundaries", boundaryPath])
        #expect(run.code == 0, "\(run)")
        #expect(run.out == PlanCSV.render(plan, problem: problem))
        #expect(run.err.contains("warning: 3 of 5 councils not found in \(boundaryPath)"), "\(run)")
        #expect(run.err.split(separator: "\n").count == 1)
        let areas = try CouncilAreas.from(json: ReportFixture.boundaries, file: boundaryPath, problem: problem)
        #expect(try String(contentsOfFile: geojson, encoding: .utf8) == PlanGeoJSON.render(plan, problem: problem, areas: areas))
        #expect(try String(contentsOfFile: html, encoding: .utf8) == PlanHTML.render(plan, problem: problem, instance: instance, areas: areas, boundaryFile: boundaryPath))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "no temporary files left")

        let usage = try CLI.run(["solve", instancePath, "--boundaries", boundaryPath])
        #expect(usage.code == 2, "--boundaries without --geojson or --html is a usage error: \(usage)")
        let bad = try CLI.run(["solve", instancePath, "--html", html, "--boundaries", instancePath])
        #expect(bad.code == 2, "\(bad)")
        #expect(bad.err.contains(instancePath))
    }

    @Test("Lancashire: the CSV agrees with the plan JSON of the same solve, end to end")
    func lancashireCSV() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("plan.json").path, html = folder.appendingPathComponent("plan.html").path
        let geojson = folder.appendingPathComponent("plan.geojson").path
        let run = try CLI.run(["solve", "instances/lancashire-2025.json", "--format", "csv", "--output", json, "--html", html, "--geojson", geojson])
        #expect(run.code == 0, "\(run)")
        let plan = try JSONParser.parse(try String(contentsOfFile: json, encoding: .utf8)).value
        var expected: [String: String] = [:]
        for service in plan["services"]?.items ?? [] {
            for group in service["groups"]?.items ?? [] {
                for member in group["member_savings"]?.items ?? [] {
                    expected["\(member["council"]?.text ?? "")/\(service["id"]?.text ?? "")"] = PlanTable.fixed(member["saving"]?.double ?? .nan, 2)
                }
            }
        }
        let rows = parseCSV(run.out).dropFirst()
        #expect(rows.count >= 15)
        #expect(rows.filter { !$0[3].isEmpty }.count == expected.count)
        for row in rows where !row[3].isEmpty { #expect(row[9] == expected["\(row[0])/\(row[2])"]) }
        let total = rows.reduce(0) { $0 + (Double($1[9]) ?? .nan) }
        #expect(abs(total - (plan["total_saving"]?.double ?? .nan)) <= 0.01 * Double(expected.count))
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(count("<svg", in: page) == 4)
        _ = try JSONParser.parse(try String(contentsOfFile: geojson, encoding: .utf8))
    }
}
