// SPDX-License-Identifier: GPL-3.0-or-later

/// The plan as one self-contained HTML page for a planner: no scripts, no
/// external files or fonts; the maps are inline SVG (`SVGMap`).
///
/// Sections: the headline (status, gap, total saving, target); for each
/// service a map, a legend and the table of groups (host, members with
/// their shares, spend, saving, % of spend); the assumptions (instance name
/// and description, each service's curve, group size, distance limit and
/// costs, set-up cost, and the instance-wide rules). Every figure is the
/// plan JSON's (money shown to the pound). A plan that is not proven
/// optimal is never called optimal: its status is "feasible" with its gap.
/// All text from the instance is escaped.
public enum PlanHTML {
    /// A categorical palette (fills for groups); cycled when a service has more groups.
    public static let palette = [
        "#e8593c", "#3b7dd8", "#41a85f", "#f2a93b", "#8e5cc4", "#1fb5b0",
        "#d9468f", "#8a6d1e", "#6fbf2e", "#2f4fa8", "#c9302c", "#e0c341",
    ]

    /// `instance` supplies the description and the set-up costs as written;
    /// `areas` the council polygons; `boundaryFile` is named in the assumptions.
    public static func render(_ plan: Plan, problem: Problem, instance: Instance? = nil,
                              areas: CouncilAreas? = nil, boundaryFile: String? = nil) -> String {
        let shares = PlanShares(plan: plan, problem: problem)
        let map = SVGMap(problem: problem, areas: areas)
        let title = "Shared services plan: \(problem.name)"
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>\(esc(title))</h1>

            """
        if let description = instance?.description { out += "<p class=\"description\">\(esc(description))</p>\n" }
        out += summary(plan, problem: problem)
        out += "<nav><ul>\n"
        for service in problem.services { out += "<li><a href=\"#service-\(esc(service.id))\">\(esc(service.name))</a></li>\n" }
        out += "<li><a href=\"#assumptions\">Assumptions</a></li>\n</ul></nav>\n</header>\n<main>\n"
        for service in problem.services.indices {
            out += section(service: service, plan: plan, problem: problem, shares: shares, map: map, areas: areas)
        }
        out += assumptions(problem: problem, instance: instance, boundaryFile: boundaryFile, areas: areas)
        out += "</main>\n<footer><p>Made by CouncilShare from the plan of MODEL.md §5; the same figures as <code>solve --format json</code>.</p></footer>\n</body>\n</html>\n"
        return out
    }

    // MARK: Headline

    /// What the status means, in words (shown after the status itself).
    public static func statusSentence(_ plan: Plan) -> String {
        switch plan.status {
        case .optimal:
            return "proven to be the best plan (gap \(PlanTable.percent(plan.relativeGap ?? 0, digits: 4)))."
        case .feasible:
            var text = "a valid plan, but the search stopped before proving that no better one exists"
            if let gap = plan.relativeGap, let bound = plan.bound {
                text += " (gap \(PlanTable.percent(gap, digits: 4)); no plan saves more than \(PlanTable.gbp(bound)))"
            } else {
                text += " (no bound known)"
            }
            return text + "."
        case .infeasible:
            var text = "no plan meets every rule"
            if let target = plan.targetSaving, let reachable = plan.maxReachableSaving {
                text += "; the target is \(PlanTable.gbp(target)) but the largest reachable saving is \(PlanTable.gbp(reachable))"
                text += plan.maxReachableIsProven ? " (proven)" : " (best found, not proven)"
            }
            return text + "."
        case .noSolution:
            return "no plan was found within the limits."
        }
    }

    /// CSS class of a status (named so that the page of a feasible plan never contains the word "optimal").
    static func statusClass(_ status: Plan.Status) -> String {
        switch status {
        case .optimal: return "status-proven"
        case .feasible: return "status-unproven"
        case .infeasible, .noSolution: return "status-none"
        }
    }

    static func summary(_ plan: Plan, problem: Problem) -> String {
        var rows: [(String, String)] = [
            ("Status", "<strong class=\"status \(statusClass(plan.status))\">\(esc(plan.status.rawValue.replacingOccurrences(of: "_", with: " ")))</strong> — \(esc(statusSentence(plan)))"),
            ("Gap", plan.relativeGap.map { PlanTable.percent($0, digits: 4) } ?? "none (no bound)"),
            ("Objective", esc(plan.objective == .maxSaving ? "largest total saving (max_saving)" : "fewest groups meeting the target, then largest saving (min_groups)")),
        ]
        var total = PlanTable.gbp(plan.totalSaving) + " a year from \(plan.groupCount) group\(plan.groupCount == 1 ? "" : "s")"
        if problem.savingBase > 0 { total += " (\(PlanTable.percent(plan.totalSaving / problem.savingBase)) of the saving base \(PlanTable.gbp(problem.savingBase)))" }
        rows.append(("Total saving", esc(total)))
        rows.append(("Bound", plan.bound.map { esc(PlanTable.gbp($0)) } ?? "none"))
        if let target = plan.targetSaving {
            var text = PlanTable.gbp(target)
            if let fraction = problem.targetFraction { text += " (\(PlanTable.percent(fraction)) of \(PlanTable.gbp(problem.savingBase)))" }
            if plan.status == .optimal || plan.status == .feasible {
                text += plan.totalSaving >= target - 1e-9 * max(1, target) ? ", met" : ", not met"
            }
            rows.append(("Target", esc(text)))
        }
        if let low = plan.groupsLowerBound, plan.objective == .minGroups { rows.append(("Fewest groups", "at least \(low) (proven)")) }
        var out = "<dl class=\"summary\">\n"
        for (label, value) in rows { out += "<dt>\(esc(label))</dt><dd>\(value)</dd>\n" }
        return out + "</dl>\n"
    }

    // MARK: Services

    static func section(service: Int, plan: Plan, problem: Problem, shares: PlanShares, map: SVGMap, areas: CouncilAreas?) -> String {
        let spec = problem.services[service]
        let groups = shares.groups[service]
        let colours = colours(service: service, shares: shares, problem: problem)
        let saving = groups.reduce(0) { $0 + $1.column.saving }
        var out = "<section class=\"service\" id=\"service-\(esc(spec.id))\">\n<h2>\(esc(spec.name)) <span class=\"id\">\(esc(spec.id))</span></h2>\n"
        var line = "\(groups.count) group\(groups.count == 1 ? "" : "s"), saving \(PlanTable.gbp(saving)) a year; \(spec.participants.count) eligible councils"
        if service < plan.serviceOutcomes.count {
            let outcome = plan.serviceOutcomes[service]
            line += "; search: \(outcome.status.rawValue.replacingOccurrences(of: "_", with: " "))"
            if outcome.status == .feasible {
                if let bound = outcome.bound {
                    line += " (not proven best: gap \(PlanTable.percent(max(0, bound - outcome.saving) / max(1, abs(bound)), digits: 4)), bound \(PlanTable.gbp(bound)))"
                } else {
                    line += " (not proven best; no bound)"
                }
            }
        }
        out += "<p>\(esc(line)).</p>\n<div class=\"map-row\">\n"
        out += map.render(service: service, problem: problem, shares: shares, areas: areas, colours: colours) + "\n"
        out += "<ul class=\"legend\">\n"
        for group in groups {
            out += "<li><span class=\"swatch\" style=\"background:\(colours[group.number - 1])\"></span>\(esc(group.id)): hosted by \(esc(problem.councils[group.column.host].name))</li>\n"
        }
        out += "<li><span class=\"swatch\" style=\"background:\(SVGMap.inHouseColour)\"></span>keeps the service in-house</li>\n"
        out += "<li><span class=\"swatch\" style=\"background:\(SVGMap.outOfScopeColour)\"></span>not in scope (no spend on it)</li>\n"
        out += "<li><span class=\"star\">★</span>host; lines join members to their host</li>\n</ul>\n</div>\n"
        if groups.isEmpty {
            out += "<p>No sharing for this service.</p>\n"
        } else {
            out += "<table>\n<thead><tr><th>Group</th><th>Host</th><th>Members (share of the saving)</th><th class=\"num\">Spend</th><th class=\"num\">Saving</th><th class=\"num\">% of spend</th></tr></thead>\n<tbody>\n"
            for group in groups {
                let host = group.column.host
                let members = group.column.members.map { member -> String in
                    let share = shares.entries[service][member]?.share ?? 0
                    let name = esc(problem.councils[member].name)
                    return (member == host ? "<strong>\(name)</strong>" : name) + " (\(esc(PlanTable.gbp(share))))"
                }
                out += "<tr><td class=\"group\"><span class=\"swatch\" style=\"background:\(colours[group.number - 1])\"></span>\(esc(group.id))</td>"
                out += "<td>\(esc(problem.councils[host].name))</td><td>\(members.joined(separator: ", "))</td>"
                out += "<td class=\"num\">\(esc(PlanTable.gbp(group.spend)))</td><td class=\"num\">\(esc(PlanTable.gbp(group.column.saving)))</td>"
                out += "<td class=\"num\">\(group.spend > 0 ? PlanTable.percent(group.savingFraction) : "–")</td></tr>\n"
            }
            out += "</tbody>\n<tfoot><tr><td colspan=\"3\">Total</td><td class=\"num\">\(esc(PlanTable.gbp(groups.reduce(0) { $0 + $1.spend })))</td><td class=\"num\">\(esc(PlanTable.gbp(saving)))</td><td></td></tr></tfoot>\n</table>\n"
        }
        let inHouse = spec.participants.filter { shares.entries[service][$0]?.group == nil }.map { problem.councils[$0].name }
        if !inHouse.isEmpty { out += "<p class=\"in-house\">Eligible but in-house: \(esc(inHouse.joined(separator: ", "))).</p>\n" }
        return out + "</section>\n"
    }

    /// Colours for the groups of a service: each group takes the palette
    /// colour whose nearest earlier use (distance between hosts) is farthest
    /// away, so that neighbouring groups differ even when the palette cycles.
    static func colours(service: Int, shares: PlanShares, problem: Problem) -> [String] {
        var chosen: [Int] = []
        let hosts = shares.groups[service].map(\.column.host)
        for (index, host) in hosts.enumerated() {
            var nearest = [Double](repeating: .infinity, count: palette.count)
            for earlier in 0..<index {
                nearest[chosen[earlier]] = min(nearest[chosen[earlier]], problem.distance(host, hosts[earlier]))
            }
            var best = 0
            for colour in palette.indices where nearest[colour] > nearest[best] { best = colour }
            chosen.append(best)
        }
        return chosen.map { palette[$0] }
    }

    // MARK: Assumptions

    static func assumptions(problem: Problem, instance: Instance?, boundaryFile: String?, areas: CouncilAreas?) -> String {
        var out = "<section id=\"assumptions\">\n<h2>Assumptions</h2>\n"
        out += "<p>Instance <strong>\(esc(problem.name))</strong>: \(problem.councils.count) councils, \(problem.services.count) services.</p>\n"
        if let description = instance?.description { out += "<p>\(esc(description))</p>\n" }
        out += "<table>\n<thead><tr><th>Service</th><th>Cost curve</th><th class=\"num\">Max members</th><th class=\"num\">Max distance to host</th><th>Distance cost</th><th>Set-up cost per non-host member</th><th>Tiers</th><th>Contiguous</th></tr></thead>\n<tbody>\n"
        for spec in problem.services {
            let written = instance?.services.first { $0.id == spec.id }
            var setup = "\(PlanTable.gbp(spec.setupCostPerYear)) a year"
            if let written, written.setupCostPerMember > 0 {
                setup = "\(PlanTable.gbp(written.setupCostPerMember)) over \(PlanTable.fixed(written.setupYears, written.setupYears == written.setupYears.rounded() ? 0 : 2)) years (\(setup))"
            }
            out += "<tr><td>\(esc(spec.name))</td><td class=\"curve\">\(esc(curveText(spec)))</td><td class=\"num\">\(spec.maxMembers)</td>"
            out += "<td class=\"num\">\(spec.maxDistanceKm.isFinite ? esc(PlanTable.fixed(spec.maxDistanceKm, 0)) + " km" : "none")</td>"
            out += "<td>\(esc(PlanTable.gbp(spec.distanceCostPerKm))) per km a year</td><td>\(esc(setup))</td>"
            out += "<td>\(esc(spec.tiers?.joined(separator: ", ") ?? "all"))</td><td>\(spec.contiguous ? "yes" : "no")</td></tr>\n"
        }
        out += "</tbody>\n</table>\n<ul>\n"
        out += "<li>A group's saving is its members' spend minus the cost curve at their pooled volume, minus distance and annualised set-up costs of every non-host member (MODEL.md §2). A council's share of a group's saving is proportional to its spend on the service.</li>\n"
        out += "<li>Minimum saving per group: \(PlanTable.percent(problem.minGroupSavingFraction)) of the group's spend.</li>\n"
        if let instance {
            out += "<li>Incompatible party pairs: \(instance.incompatibleParties.count); forbidden council pairs: \(instance.forbiddenPairs.count); keep-together pairs: \(instance.keepTogether.count); opt-outs: \(instance.optOut.count); shared borders listed: \(instance.adjacency.count).</li>\n"
        }
        if let boundaryFile {
            let missing = areas?.unmatched.count ?? problem.councils.count
            out += "<li>Council areas from \(esc(boundaryFile)) (matched by \(esc((areas?.keys ?? CouncilAreas.defaultKeys).joined(separator: ", ")))); \(missing) council\(missing == 1 ? "" : "s") not found there \(missing == 1 ? "is drawn as a circle at its position" : "are drawn as circles at their positions").</li>\n"
        }
        out += "<li>Map: longitude and latitude, equirectangular, scaled by the cosine of the councils' mean latitude.</li>\n"
        return out + "</ul>\n</section>\n"
    }

    static func curveText(_ spec: Problem.Service) -> String {
        switch spec.curve {
        case let .power(scale, exponent):
            var text = "power k·V^b, k = \(scale), b = \(exponent)"
            if let fit = spec.fit {
                text = "fitted power curve, k = \(PlanTable.fixed(scale, 4)), b = \(PlanTable.fixed(exponent, 4)), R² \(PlanTable.fixed(fit.rSquared, 3)) on \(fit.points) councils"
                if let raw = fit.clippedFrom { text += " (exponent clipped from \(PlanTable.fixed(raw, 4)))" }
            }
            return text
        case let .piecewise(volumes, _):
            return "piecewise-linear concave, \(volumes.count) points"
        }
    }

    static func esc(_ text: String) -> String { HTMLText.escape(text) }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;max-width:1180px;padding:0 20px 40px;color:#1b1f24;line-height:1.4}
        h1{font-size:1.6em;margin:0.8em 0 0.3em}h2{font-size:1.25em;margin:0 0 0.3em;border-bottom:2px solid #d8dee4;padding-bottom:4px}
        h2 .id{font-size:0.7em;color:#6a737d;font-weight:normal;font-family:ui-monospace,monospace}
        .description{color:#444d56;max-width:60em}
        dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;background:#f6f8fa;border:1px solid #d8dee4;border-radius:6px;padding:12px 16px}
        dl.summary dt{font-weight:600}dl.summary dd{margin:0}
        .status-proven{color:#1a7f37}.status-unproven{color:#9a6700}.status-none{color:#cf222e}
        nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px}nav a{color:#0b5cad}
        section{margin:28px 0}
        .map-row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
        svg.map{border:1px solid #d8dee4;border-radius:6px;max-width:100%;height:auto;font-family:inherit}
        ul.legend{list-style:none;padding:0;margin:0;font-size:0.92em;min-width:240px}ul.legend li{margin:3px 0}
        .swatch{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid #555;vertical-align:-2px;margin-right:6px}
        .star{display:inline-block;width:16px;margin-right:4px;text-align:center}
        table{border-collapse:collapse;margin:12px 0;font-size:0.92em;width:100%}
        th,td{border-bottom:1px solid #e1e4e8;padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f6f8fa}td.group{white-space:nowrap}td.curve{min-width:16em}td.num,th.num{text-align:right;white-space:nowrap}tfoot td{font-weight:600}
        .in-house{color:#57606a;font-size:0.92em}
        footer{color:#6a737d;font-size:0.85em;border-top:1px solid #d8dee4;margin-top:30px}
        """
}
