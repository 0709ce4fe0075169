// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

/// What-if changes to the instance, made before it is validated (see `WhatIf`).
struct WhatIfOptions: ParsableArguments {
    @Option(name: .customLong("exclude"), help: ArgumentHelp(
        "Leave this council out (id or exact name; repeatable), with every rule that names it.", valueName: "council"))
    var excluded: [String] = []

    @Option(name: .customLong("only-region"), help: ArgumentHelp(
        "Keep only the councils whose region is this (ignoring case).", valueName: "name"))
    var onlyRegion: String?

    @Option(name: .customLong("max-distance"), help: ArgumentHelp(
        "Cap every service's member-to-host distance at this many km.", valueName: "km"))
    var maxDistance: Double?

    @Option(name: .customLong("scenario"), help: ArgumentHelp(
        "Lay this scenario file (YAML: target, objective, party rules, overrides) over the instance.", valueName: "file"))
    var scenario: String?

    func validate() throws {
        if let km = maxDistance, !(km.isFinite && km > 0) { throw ValidationError("--max-distance must be a positive number of km") }
    }

    var whatIf: WhatIf { WhatIf(excluded: excluded, onlyRegion: onlyRegion, maxDistanceKm: maxDistance, scenario: scenario) }
}
