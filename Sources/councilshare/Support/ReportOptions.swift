// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

/// Report files written by `solve` besides the plan JSON: GeoJSON and HTML,
/// optionally with council areas from a boundary GeoJSON.
struct ReportOptions: ParsableArguments {
    @Option(help: "Write the plan as GeoJSON (council points or areas, member-to-host lines) to this file, atomically.")
    var geojson: String?

    @Option(help: "Write the plan as one self-contained HTML page (maps, tables, assumptions) to this file, atomically.")
    var html: String?

    @Option(help: "A boundary GeoJSON (e.g. ONS LAD BUC, WGS84): draw council areas instead of points.")
    var boundaries: String?

    @Option(name: .customLong("boundary-key"),
            help: "The boundary property holding the council id (default: the first of \(CouncilAreas.defaultKeys.joined(separator: ", ")) that matches).")
    var boundaryKey: String?

    func validate() throws {
        if boundaries != nil && geojson == nil && html == nil {
            throw ValidationError("--boundaries needs --geojson or --html")
        }
        if boundaryKey != nil && boundaries == nil {
            throw ValidationError("--boundary-key needs --boundaries")
        }
    }

    /// Reads the boundary file (before solving, so that a bad file fails at once);
    /// warns on stderr how many councils it does not have.
    func loadAreas(problem: Problem) throws -> CouncilAreas? {
        guard let boundaries else { return nil }
        let areas = try CouncilAreas.load(boundaries, problem: problem, key: boundaryKey)
        if !areas.unmatched.isEmpty {
            printError("warning: \(areas.unmatched.count) of \(problem.councils.count) councils not found in \(boundaries) (by \(areas.keys.joined(separator: ", "))); shown as points")
        }
        return areas
    }

    func write(_ plan: Plan, problem: Problem, instance: Instance, areas: CouncilAreas?) throws {
        if let geojson {
            try InstanceLoader.writeAtomically(PlanGeoJSON.render(plan, problem: problem, areas: areas), to: geojson)
        }
        if let html {
            let page = PlanHTML.render(plan, problem: problem, instance: instance, areas: areas, boundaryFile: boundaries)
            try InstanceLoader.writeAtomically(page, to: html)
        }
    }
}
