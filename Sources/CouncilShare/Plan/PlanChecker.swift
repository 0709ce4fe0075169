// SPDX-License-Identifier: GPL-3.0-or-later

/// Re-scores a plan file against MODEL.md without any solver, and lists the
/// rules it breaks. Any program's plan can be checked, not only ours.
public enum PlanChecker {
    public struct Violation: Equatable, Sendable, CustomStringConvertible {
        /// A short rule name, e.g. `max_distance_km`, `incompatible_parties`.
        public var rule: String
        public var message: String
        public var description: String { "\(rule): \(message)" }
    }

    public struct Report: Sendable {
        public var violations: [Violation]
        /// The total saving as re-scored on the exact curves.
        public var totalSaving: Double
        public var groups: Int
        public var isValid: Bool { violations.isEmpty }
    }

    /// Checks `text` (a plan JSON) against `problem`. Throws an `InputError`
    /// when the file is not a plan at all; rule breaks are reported, not thrown.
    public static func check(planJSON text: String, file: String, problem: Problem) throws -> Report {
        let root: JSONValue.Located
        do { root = try JSONParser.parse(text) } catch let error as JSONSyntaxError {
            throw InputError(file: file, line: error.line, record: "", message: "invalid JSON: \(error.message)")
        }
        let top = try ObjectReader(root, file: file, record: "plan")
        let status = try top.optionalString("status")
        var violations: [Violation] = []
        func broken(_ rule: String, _ message: String) { violations.append(Violation(rule: rule, message: message)) }
        var total = 0.0, groupCount = 0
        var seenServices = Set<String>()
        for (serviceIndex, item) in try top.array("services").enumerated() {
            let serviceReader = try ObjectReader(item, file: file, record: "services[\(serviceIndex)]")
            let serviceID = try serviceReader.string("id")
            guard let service = problem.indexOfService[serviceID] else {
                broken("unknown_service", "services[\(serviceIndex)]: no service \"\(serviceID)\" in the instance")
                continue
            }
            if !seenServices.insert(serviceID).inserted { broken("duplicate_service", "service \(serviceID) is listed twice") }
            let spec = problem.services[service]
            var placed: [Int: Int] = [:]
            for (groupIndex, groupItem) in try serviceReader.array("groups").enumerated() {
                let where_ = "service \(serviceID), group \(groupIndex + 1)"
                let reader = try ObjectReader(groupItem, file: file, record: "services[\(serviceIndex)].groups[\(groupIndex)]")
                let hostID = try reader.string("host")
                guard let memberIDs = try reader.optionalStringList("members") else { throw reader.error("members", "is required") }
                var members: [Int] = []
                var unknown = false
                for id in memberIDs {
                    guard let council = problem.indexOfCouncil[id] else {
                        broken("unknown_council", "\(where_): no council \"\(id)\" in the instance")
                        unknown = true
                        continue
                    }
                    members.append(council)
                }
                guard let host = problem.indexOfCouncil[hostID] else {
                    broken("unknown_council", "\(where_): host \"\(hostID)\" is not a council of the instance")
                    continue
                }
                if unknown { continue }
                groupCount += 1
                if Set(members).count != members.count { broken("duplicate_member", "\(where_): a council is listed twice") }
                members = Array(Set(members)).sorted()
                if !members.contains(host) { broken("host_is_member", "\(where_): host \(hostID) is not among the members") }
                if members.count < 2 { broken("group_size", "\(where_): a group needs at least 2 members, has \(members.count)") }
                if members.count > spec.maxMembers {
                    broken("max_members", "\(where_): \(members.count) members, more than \(spec.maxMembers)")
                }
                for member in members {
                    let id = problem.councils[member].id
                    if let other = placed[member] {
                        broken("one_group_per_service", "\(where_): \(id) is also in group \(other + 1)")
                    }
                    placed[member] = groupIndex
                    if !spec.hasSpendRow[member] {
                        broken("eligible", "\(where_): \(id) has no spend row for \(serviceID)")
                    } else if spec.optedOut[member] {
                        broken("opt_out", "\(where_): \(id) opted out of \(serviceID)")
                    } else if !spec.participants.contains(member) {
                        broken("tiers", "\(where_): \(id) is of tier \(problem.councils[member].tier ?? "none"), not one of \(spec.tiers ?? [])")
                    }
                    let km = problem.distance(member, host)
                    if km > spec.maxDistanceKm {
                        broken("max_distance_km", "\(where_): \(id) is \(rounded(km)) km from host \(hostID), more than \(spec.maxDistanceKm)")
                    }
                }
                for a in members { for b in members where a < b {
                    let key = problem.pairKey(a, b)
                    let names = "\(problem.councils[a].id) and \(problem.councils[b].id)"
                    if problem.partyConflicts.contains(key) {
                        broken("incompatible_parties", "\(where_): \(names) (\(problem.councils[a].party ?? "") / \(problem.councils[b].party ?? ""))")
                    }
                    if spec.forbidden.contains(key) { broken("forbidden_pairs", "\(where_): \(names) may not share \(serviceID)") }
                } }
                if spec.contiguous && !problem.isConnected(members) {
                    broken("contiguous", "\(where_): the members are not connected through adjacent councils")
                }
                let saving = problem.groupSaving(service: service, members: members, host: host)
                let spend = problem.groupSpend(service: service, members: members)
                if !problem.meetsMinimumSaving(saving: saving, spend: spend) {
                    broken("min_group_saving_fraction",
                           "\(where_): saves \(rounded(saving)) of \(rounded(spend)) spend, below the fraction \(problem.minGroupSavingFraction)")
                }
                if let stated = try reader.optionalNumber("saving"), !close(stated, saving) {
                    broken("saving", "\(where_): states a saving of \(stated), the curve gives \(rounded(saving))")
                }
                total += saving
            }
            for (a, b) in spec.keepTogether where placed[a] == nil || placed[a] != placed[b] {
                broken("keep_together", "\(problem.councils[a].id) and \(problem.councils[b].id) must share \(serviceID) in one group")
            }
        }
        for (service, spec) in problem.services.enumerated() where !seenServices.contains(spec.id) {
            for (a, b) in spec.keepTogether {
                _ = service
                broken("keep_together", "\(problem.councils[a].id) and \(problem.councils[b].id) must share \(spec.id) in one group")
            }
        }
        if let stated = try top.optionalNumber("total_saving"), !close(stated, total) {
            broken("total_saving", "states \(stated), the groups add up to \(rounded(total))")
        }
        if status == "optimal" || status == "feasible", let target = problem.targetSaving,
           total < target - 1e-9 * max(1, abs(target)) {
            broken("target", "total saving \(rounded(total)) is below the target \(rounded(target))")
        }
        return Report(violations: violations, totalSaving: total, groups: groupCount)
    }

    /// Stated money agrees when within a penny plus a relative 1e-9.
    static func close(_ stated: Double, _ actual: Double) -> Bool {
        abs(stated - actual) <= 0.01 + 1e-9 * abs(actual)
    }

    static func rounded(_ value: Double) -> String {
        let cents = (value * 100).rounded() / 100
        return JSONWriter.formatNumber(cents)
    }
}
