// SPDX-License-Identifier: GPL-3.0-or-later

extension Plan {
    static func money(_ value: Double) -> JSONValue { .number((value * 100).rounded() / 100) }

    /// The plan as the JSON of MODEL.md §5, plus fields that explain it.
    /// Holds no timings, so the same input gives byte-identical output.
    public func jsonValue(problem: Problem) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("instance", .string(instance)),
            ("status", .string(status.rawValue)),
            ("objective", .string(objective.rawValue)),
            ("total_saving", Plan.money(totalSaving)),
            ("bound", bound.map { Plan.money($0) } ?? .null),
            ("relative_gap", .num(relativeGap)),
            ("groups", .number(Double(groupCount))),
        ]
        if objective == .minGroups { fields.append(("groups_lower_bound", groupsLowerBound.map { .number(Double($0)) } ?? .null)) }
        fields.append(("target_saving", targetSaving.map { Plan.money($0) } ?? .null))
        if status == .optimal || status == .feasible {
            fields.append(("target_met", .bool(targetSaving.map { totalSaving >= $0 - 1e-9 * max(1, abs($0)) } ?? true)))
        }
        if let maxReachableSaving {
            fields.append(("max_reachable_saving", Plan.money(maxReachableSaving)))
            fields.append(("max_reachable_proven", .bool(maxReachableIsProven)))
        }
        fields.append(("saving_base", Plan.money(problem.savingBase)))
        fields.append(("saving_fraction_of_base", .num(problem.savingBase > 0 ? totalSaving / problem.savingBase : nil)))
        fields.append(("curve_approximation_error", .number(0)))
        fields.append(("services", .arr(problem.services.indices.map { service in
            let spec = problem.services[service]
            let mine = groups.filter { $0.service == service }
            var curve: [(String, JSONValue)]
            switch spec.curve {
            case let .power(scale, exponent):
                curve = [("kind", .string("power")), ("scale", .number(scale)), ("exponent", .number(exponent))]
            case let .piecewise(volumes, costs):
                curve = [("kind", .string("points")), ("points", .arr(zip(volumes, costs).map { .arr([.number($0), .number($1)]) }))]
            }
            curve.append(("fitted", .bool(spec.fit != nil)))
            if let fit = spec.fit {
                curve.append(("r_squared", .number((fit.rSquared * 1e6).rounded() / 1e6)))
                curve.append(("fit_points", .number(Double(fit.points))))
                if let raw = fit.clippedFrom { curve.append(("clipped_from_exponent", .number(raw))) }
            }
            var serviceFields: [(String, JSONValue)] = [
                ("id", .string(spec.id)),
                ("name", .string(spec.name)),
                ("total_saving", Plan.money(mine.reduce(0) { $0 + $1.saving })),
            ]
            if service < serviceOutcomes.count {
                serviceFields.append(("status", .string(serviceOutcomes[service].status.rawValue)))
                serviceFields.append(("bound", serviceOutcomes[service].bound.map { Plan.money($0) } ?? .null))
            }
            return .obj(serviceFields + [
                ("cost_curve", .obj(curve)),
                ("groups", .arr(mine.map { group in
                    let spend = problem.groupSpend(service: service, members: group.members)
                    let fraction = spend > 0 ? group.saving / spend : 0
                    return .obj([
                        ("host", .string(problem.councils[group.host].id)),
                        ("members", .arr(group.members.map { .string(problem.councils[$0].id) })),
                        ("saving", Plan.money(group.saving)),
                        ("spend", Plan.money(spend)),
                        ("saving_fraction", .number((fraction * 1e8).rounded() / 1e8)),
                        ("member_savings", .arr(group.members.map { member in
                            .obj([("council", .string(problem.councils[member].id)),
                                  ("saving", Plan.money(problem.services[service].spend[member] * fraction))])
                        })),
                    ])
                })),
            ])
        })))
        return .obj(fields)
    }
}
