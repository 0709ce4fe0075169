// SPDX-License-Identifier: GPL-3.0-or-later

extension Problem {
    /// One service as a member of the location-allocation family
    /// (`LocationProblem`): clients and candidate hubs are the councils
    /// (indexed as in the problem; non-participants can neither use nor be a
    /// hub), the assignment cost of member j to host h is the annual distance
    /// and set-up cost `c_d * d(j, h) + setup` (0 for the host itself;
    /// infinite beyond the distance limit or across a conflict with the host),
    /// the capacity is the group size `max_members` (every council has demand
    /// 1), and the conflicts are the pairs that may not share this service.
    /// The hub cost is what makes the council case special: not fixed but the
    /// concave curve of the pooled volume, which is why its groups are priced
    /// whole (`GroupEnumerator`) rather than assigned member by member.
    public func locationCore(service index: Int) -> LocationProblem {
        let spec = services[index]
        let n = councilCount
        var cost = Array(repeating: Double.infinity, count: n * n)
        for member in spec.participants {
            for host in spec.participants {
                if member == host { cost[member * n + host] = 0; continue }
                guard distance(member, host) <= spec.maxDistanceKm, !conflict(service: index, member, host) else { continue }
                cost[member * n + host] = spec.distanceCostPerKm * distance(member, host) + spec.setupCostPerYear
            }
        }
        var core = LocationProblem(name: "\(name)/\(spec.id)", family: .councilService, clientCount: n, hubCount: n, cost: cost,
                                   demand: Array(repeating: 1, count: n),
                                   capacity: Array(repeating: Double(spec.maxMembers), count: n), selfHub: Array(0..<n))
        let participants = spec.participants
        for (position, a) in participants.enumerated() {
            for b in participants[(position + 1)...] where conflict(service: index, a, b) { core.conflicts.append((a, b)) }
        }
        return core
    }
}
