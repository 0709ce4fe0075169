// SPDX-License-Identifier: GPL-3.0-or-later

/// Who shares what, council by council: for every service, each council's
/// group (if any), its host and the council's share of the group's saving.
/// The CSV, GeoJSON and HTML reports all read the plan through this, so
/// they print the same numbers as the plan JSON (`member_savings`).
///
/// A group is named `<service id>-<n>`, where `n` counts from 1 in the
/// order of `services[].groups` in the plan JSON (by host id, then members).
/// A council's share is the group's saving times the council's fraction of
/// the group's spend, rounded to pence, exactly as in the plan JSON; so the
/// shares of a group add up to its saving within a penny per member.
public struct PlanShares: Sendable {
    public struct Group: Sendable {
        /// `<service id>-<n>`.
        public var id: String
        /// 1-based position within the service.
        public var number: Int
        public var column: GroupColumn
        /// The members' spend on the service.
        public var spend: Double
        /// Saving divided by spend (0 when the spend is 0).
        public var savingFraction: Double
    }

    /// One council and one service.
    public struct Entry: Sendable {
        public var council: Int
        public var service: Int
        /// Index into `groups[service]`, nil when the council does not share this service.
        public var group: Int?
        /// The council's spend on the service (0 without a spend row).
        public var spend: Double
        /// The council's share of its group's saving, in GBP rounded to pence (0 when it does not share).
        public var share: Double
        /// The share as a fraction of the council's spend (0 when it does not share or spends nothing).
        public var shareOfSpend: Double
    }

    /// Indexed by service, in plan order.
    public private(set) var groups: [[Group]]
    /// Indexed by service, then by council; nil when the council is not in scope
    /// for the service (no spend row and in no group).
    public private(set) var entries: [[Entry?]]

    public init(plan: Plan, problem: Problem) {
        var groups = [[Group]](repeating: [], count: problem.services.count)
        var entries = [[Entry?]](repeating: [Entry?](repeating: nil, count: problem.councils.count),
                                 count: problem.services.count)
        for (serviceIndex, service) in problem.services.enumerated() {
            for council in problem.councils.indices where service.hasSpendRow[council] {
                entries[serviceIndex][council] = Entry(council: council, service: serviceIndex, group: nil,
                                                       spend: service.spend[council], share: 0, shareOfSpend: 0)
            }
        }
        for column in plan.groups {
            let service = column.service
            let spend = problem.groupSpend(service: service, members: column.members)
            let fraction = spend > 0 ? column.saving / spend : 0
            let number = groups[service].count + 1
            groups[service].append(Group(id: "\(problem.services[service].id)-\(number)", number: number,
                                         column: column, spend: spend, savingFraction: fraction))
            for member in column.members {
                let memberSpend = problem.services[service].spend[member]
                let share = PlanShares.pence(memberSpend * fraction)
                entries[service][member] = Entry(council: member, service: service, group: number - 1,
                                                 spend: memberSpend, share: share,
                                                 shareOfSpend: memberSpend > 0 ? share / memberSpend : 0)
            }
        }
        self.groups = groups
        self.entries = entries
    }

    /// Money rounded to pence, as in the plan JSON.
    public static func pence(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// The group of a council for a service, if it shares it.
    public func group(service: Int, council: Int) -> Group? {
        guard let index = entries[service][council]?.group else { return nil }
        return groups[service][index]
    }

    /// The council's shares summed over all services.
    public func totalShare(council: Int) -> Double {
        entries.reduce(0) { $0 + ($1[council]?.share ?? 0) }
    }

    /// Whether the council hosts a group of any service.
    public func hostsAny(council: Int) -> Bool {
        groups.contains { $0.contains { $0.column.host == council } }
    }
}
