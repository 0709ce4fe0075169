// SPDX-License-Identifier: GPL-3.0-or-later

/// Lists the valid groups of one service whose priced value exceeds a
/// threshold, by depth-first search from each possible host with a bound.
///
/// For a host `h` with candidate members `N(h)` (participants within the
/// distance limit of `h` and compatible with it), a group is `{h} ∪ T`,
/// `T ⊆ N(h)` pairwise compatible, `|T| <= max_members - 1`. With prices
/// `(α, π, β)` its value is
///
///     value(T) = base + Σ_{j∈T} w_j − α·C(v_h + Σ_{j∈T} v_j)
///     base     = α·spend_h − π_h − β
///     w_j      = α·(spend_j − c_d·d(j,h) − setup) − π_j
///
/// **Bound.** `C` is concave and non-decreasing. At a node `T` with `r`
/// free places, let `V_T` be its pooled volume and `Δ` the sum of the `r`
/// largest volumes among compatible remaining candidates, so no extension
/// `R` pools more than `V_T + Δ`. By concavity `C` lies above its chord on
/// `[V_T, V_T + Δ]`, whose slope is `σ = (C(V_T+Δ) − C(V_T)) / Δ`, hence
///
///     value(T ∪ R) ≤ value(T) + Σ_{j∈R} (w_j − α·σ·v_j),
///
/// and the search stops descending when `value(T)` plus the best `r`
/// positive terms cannot exceed the threshold. Subset-row cut prices only
/// lower values, so the bound ignores them and the leaves subtract them.
///
/// **Each group once, with its best host.** A member set is reported only
/// from the host that serves it best (largest saving, ties to the lowest
/// index; see `Problem.bestHost`); its value from that host is the largest,
/// so no pruning elsewhere can lose it.
///
/// **Contiguous services** list only connected member sets. The pool is cut
/// to the candidates within `max_members − 1` steps of `h` through other
/// candidates, and the sets `{h} ∪ T` are grown through adjacency in the
/// manner of Wernicke's ESU: a node holds the set `S` (with `h`) and an
/// extension list `X` of neighbours of `S`; its children take the members of
/// `X` in turn, each child `S ∪ {x}` inheriting the later members of `X` plus
/// the neighbours of `x` that are neither in `S` nor next to it. Every
/// connected set holding `h` is one node of this tree, exactly once, and a
/// node's subtree holds only its supersets, so a conflict or a bound may cut
/// it. The bound is the chord bound above over the councils that can still
/// join: those of `X` and those reached from `X` in at most `r − 1` steps
/// through councils outside `S` and its neighbourhood (a neighbour of `S`
/// that is not in `X` was left behind by an earlier sibling and never joins).
///
/// **Per-group rules checked at the leaves:** keep-together closure (a group
/// holding one council of a pair holds both), the minimum saving fraction,
/// and dominance: a group with no positive saving is never worth signing
/// (dropping it keeps every rule and loses nothing) unless it holds a
/// council that `keep_together` obliges to share.
public final class GroupEnumerator {
    public let problem: Problem
    public let service: Int
    /// Candidate members per host (council index), ascending; empty for non-participants.
    private var candidates: [[Int]]
    private var partners: [[Int]]
    private var mustShare: [Bool]

    public init(problem: Problem, service: Int) {
        self.problem = problem
        self.service = service
        let spec = problem.services[service]
        let n = problem.councilCount
        // The reach of each host comes from the shared location core: the
        // members whose assignment cost to it is finite (within the distance
        // limit, no conflict with the host, both participating).
        let core = problem.locationCore(service: service)
        candidates = [[Int]](repeating: [], count: n)
        for host in spec.participants {
            candidates[host] = spec.participants.filter { member in member != host && core.cost(member, host).isFinite }
        }
        partners = [[Int]](repeating: [], count: n)
        mustShare = [Bool](repeating: false, count: n)
        for (a, b) in spec.keepTogether {
            partners[a].append(b)
            partners[b].append(a)
            mustShare[a] = true
            mustShare[b] = true
        }
    }

    /// The candidate members of a group hosted by `host` (ascending).
    func reachOf(_ host: Int) -> [Int] { candidates[host] }

    /// The councils that can ever share this service with each other, in
    /// groups: two councils are linked when one can host the other, and a
    /// valid group lies inside one component (all its members are candidates
    /// of its host). Components are independent subproblems. Ascending.
    public var components: [[Int]] {
        let spec = problem.services[service]
        var parent = [Int](0..<problem.councilCount)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for host in spec.participants {
            for member in candidates[host] { parent[root(member)] = root(host) }
        }
        var groups: [Int: [Int]] = [:]
        for council in spec.participants { groups[root(council), default: []].append(council) }
        return groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// Visits every valid group with `value > threshold` (each member set once,
    /// with its best host). With `perHostLimit`, keeps only that many best
    /// groups per host, raising the threshold as it goes (pricing mode).
    /// `excluded` councils are never used; `hosts` limits the search to groups
    /// hosted by those councils. Returns false if `shouldStop` ended it early.
    @discardableResult
    public func enumerate(
        prices: GroupPrices, threshold: Double, perHostLimit: Int? = nil,
        excluded: [Bool]? = nil, rules: BranchRules = BranchRules(), startingAt first: Int = 0,
        hosts only: [Int]? = nil, shouldStop: () -> Bool = { false },
        visit: (GroupColumn, Double) -> Void
    ) -> Bool {
        let spec = problem.services[service]
        let alpha = prices.savingWeight
        var found: [(GroupColumn, Double)] = []
        let hosts = only ?? spec.participants
        for step in hosts.indices {
            let host = hosts[(first + step) % hosts.count]
            if rules.inHouse.contains(host) { continue }
            if excluded?[host] == true { continue }
            if shouldStop() { return false }
            found.removeAll(keepingCapacity: true)
            let finished = search(host: host, prices: prices, alpha: alpha, threshold: threshold,
                                  limit: perHostLimit, excluded: excluded, rules: rules, shouldStop: shouldStop) { column, value in
                found.append((column, value))
            }
            if !finished { return false }
            for (column, value) in found { visit(column, value) }
        }
        return true
    }

    private func search(
        host: Int, prices: GroupPrices, alpha: Double, threshold: Double, limit: Int?,
        excluded: [Bool]?, rules: BranchRules = BranchRules(), shouldStop: () -> Bool = { false },
        emit: (GroupColumn, Double) -> Void
    ) -> Bool {
        let spec = problem.services[service]
        var pool = candidates[host]
        if let excluded { pool.removeAll { excluded[$0] } }
        if !rules.apart.isEmpty { pool.removeAll { rules.apart.contains(problem.pairKey($0, host)) } }
        if !rules.inHouse.isEmpty { pool.removeAll { rules.inHouse.contains($0) } }
        let slots = spec.maxMembers - 1
        if spec.contiguous { pool = connectedReach(of: host, within: pool, steps: slots) }
        if pool.isEmpty || slots < 1 { return true }
        return withoutActuallyEscaping(shouldStop) { shouldStop in
            var search = HostSearch(enumerator: self, host: host, pool: pool, prices: prices, alpha: alpha,
                                    threshold: threshold, limit: limit, rules: rules, shouldStop: shouldStop)
            search.run()
            if search.stopped { return false }
            if let limit {
                // Keep the `limit` best, in a deterministic order.
                let kept = search.pending.enumerated().sorted {
                    $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset
                }.prefix(limit)
                for item in kept { emit(item.element.0, item.element.1) }
            } else {
                for (column, value) in search.pending { emit(column, value) }
            }
            return true
        }
    }

    /// The depth-first search of one host: its data and its state, in a
    /// struct whose mutating methods recurse, so that Swift checks exclusive
    /// access to the state statically (captured local variables of recursive
    /// local functions are checked at run time, which took about a fifth of
    /// pricing's time).
    private struct HostSearch {
        let problem: Problem
        let service: Int
        let host: Int
        let curve: CostCurve
        let alpha: Double
        let prices: GroupPrices
        let rules: BranchRules
        let limit: Int?
        let mustShare: [Bool]
        let partners: [[Int]]
        let shouldStop: () -> Bool
        let contiguous: Bool
        let slots: Int
        /// Candidates by position: best weight first.
        let members: [Int]
        let w: [Double]
        let volume: [Double]
        let count: Int
        let conflicts: [Bool]
        let cutsInUse: Bool
        let base: Double
        let startVolume: Double

        var threshold: Double
        var best: [Double] = []  // values of kept groups, ascending, in limited mode
        var chosen: [Int] = []   // positions
        var allowed: [[Int]]
        var topVolumes: [Double]
        var topGains: [Double]
        /// Groups found (all of them, or the candidates for the `limit` best).
        var pending: [(GroupColumn, Double)] = []
        // The search can be long (no distance limit, large groups): poll for a
        // stop request every few thousand nodes.
        var visited = 0
        var stopped = false
        // Contiguous services: neighbours among the candidates, by position (and
        // the host's), and for each position how many of {host} ∪ chosen it is or borders.
        let adjacent: [[Int]]
        let firstExtension: [Int]
        var near: [Int] = []
        var steps: [Int] = []
        var reachable: [Int] = []

        init(enumerator: GroupEnumerator, host: Int, pool: [Int], prices: GroupPrices, alpha: Double,
             threshold: Double, limit: Int?, rules: BranchRules, shouldStop: @escaping () -> Bool) {
            let problem = enumerator.problem
            let service = enumerator.service
            let spec = problem.services[service]
            self.problem = problem
            self.service = service
            self.host = host
            self.curve = spec.curve
            self.alpha = alpha
            self.prices = prices
            self.rules = rules
            self.limit = limit
            self.mustShare = enumerator.mustShare
            self.partners = enumerator.partners
            self.shouldStop = shouldStop
            self.contiguous = spec.contiguous
            self.slots = spec.maxMembers - 1
            self.threshold = threshold
            self.startVolume = spec.volume[host]

            var weight: [Double] = []
            for member in pool {
                let edge = spec.distanceCostPerKm * problem.distance(member, host) + spec.setupCostPerYear
                weight.append(alpha * (spec.spend[member] - edge) - prices.councilPrice[member])
            }
            // A static order (best weight per unit of volume first) for the subset enumeration.
            let order = pool.indices.sorted {
                weight[$0] != weight[$1] ? weight[$0] > weight[$1] : pool[$0] < pool[$1]
            }
            let members = order.map { pool[$0] }
            self.members = members
            self.w = order.map { weight[$0] }
            self.volume = members.map { spec.volume[$0] }
            let count = members.count
            self.count = count
            var conflicts = [Bool](repeating: false, count: count * count)
            for p in 0..<count {
                for q in (p + 1)..<max(p + 1, count)
                where problem.conflict(service: service, members[p], members[q])
                    || (!rules.apart.isEmpty && rules.apart.contains(problem.pairKey(members[p], members[q]))) {
                    conflicts[p * count + q] = true
                    conflicts[q * count + p] = true
                }
            }
            self.conflicts = conflicts
            self.cutsInUse = prices.cuts.contains { $0.price > 0 }
            self.base = alpha * spec.spend[host] - prices.councilPrice[host] - prices.groupPrice
            chosen.reserveCapacity(slots)
            allowed = Array(repeating: [], count: slots + 1)
            topVolumes = [Double](repeating: 0, count: slots)
            topGains = [Double](repeating: 0, count: slots)
            if spec.contiguous {
                var positionOf = [Int](repeating: -1, count: problem.councilCount)
                for (position, member) in members.enumerated() { positionOf[member] = position }
                adjacent = members.map { member in problem.neighbours[member].compactMap { positionOf[$0] >= 0 ? positionOf[$0] : nil } }
                firstExtension = problem.neighbours[host].compactMap { positionOf[$0] >= 0 ? positionOf[$0] : nil }.sorted()
                near = [Int](repeating: 0, count: count)
                for q in firstExtension { near[q] += 1 }
                steps = [Int](repeating: -1, count: count)
            } else {
                adjacent = []
                firstExtension = []
            }
        }

        mutating func run() {
            if contiguous {
                grow(extension: firstExtension, sumWeight: 0, pooled: startVolume)
            } else {
                visit(start: 0, sumWeight: 0, pooled: startVolume)
            }
        }

        func compatible(_ q: Int) -> Bool {
            for p in chosen where conflicts[p * count + q] { return false }
            return true
        }

        /// Keeps the `room` largest values seen in `top` (descending).
        static func insertTop(_ value: Double, into top: inout [Double], filled: inout Int, room: Int) {
            if filled < room {
                var index = filled
                filled += 1
                while index > 0 && top[index - 1] < value { top[index] = top[index - 1]; index -= 1 }
                top[index] = value
            } else if value > top[room - 1] {
                var index = room - 1
                while index > 0 && top[index - 1] < value { top[index] = top[index - 1]; index -= 1 }
                top[index] = value
            }
        }

        /// Entering a node of either search: counts it, polls for a stop now and
        /// then, and offers the group `{host} ∪ chosen` when it beats the
        /// threshold. Returns the node's value and the curve's cost at
        /// `pooled`, nil when the search is stopping.
        mutating func openNode(sumWeight: Double, pooled: Double) -> (value: Double, cost: Double)? {
            if stopped { return nil }
            visited += 1
            if visited & 4095 == 0 && shouldStop() { stopped = true; return nil }
            let cost = curve.cost(pooled)
            let current = base + sumWeight - alpha * cost
            if !chosen.isEmpty && current > threshold {
                consider(value: current)
            }
            return (current, cost)
        }

        mutating func visit(start: Int, sumWeight: Double, pooled: Double) {
            guard let (current, cost) = openNode(sumWeight: sumWeight, pooled: pooled) else { return }
            let depth = chosen.count
            let room = slots - depth
            if room == 0 { return }
            // Compatible candidates after `start`, and the most volume `room` of them can add.
            allowed[depth].removeAll(keepingCapacity: true)
            var filled = 0
            for q in start..<count where compatible(q) {
                allowed[depth].append(q)
                Self.insertTop(volume[q], into: &topVolumes, filled: &filled, room: room)
            }
            if allowed[depth].isEmpty { return }
            // Chord bound: joining costs at least the chord slope of C over [pooled, pooled + reach].
            let list = allowed[depth]
            if chordBound(current: current, pooled: pooled, cost: cost, candidates: list, volumes: filled, room: room) <= threshold {
                return
            }
            for q in list {
                if depth > 0 && !compatible(q) { continue }
                chosen.append(q)
                visit(start: q + 1, sumWeight: sumWeight + w[q], pooled: pooled + volume[q])
                chosen.removeLast()
            }
        }

        mutating func enter(_ q: Int) {
            chosen.append(q)
            near[q] += 1
            for u in adjacent[q] { near[u] += 1 }
        }

        mutating func leave(_ q: Int) {
            chosen.removeLast()
            near[q] -= 1
            for u in adjacent[q] { near[u] -= 1 }
        }

        /// One node of the connected-set tree: `{host} ∪ chosen` with its extension list (positions, ascending).
        mutating func grow(extension list: [Int], sumWeight: Double, pooled: Double) {
            guard let (current, cost) = openNode(sumWeight: sumWeight, pooled: pooled) else { return }
            let room = slots - chosen.count
            if room == 0 || list.isEmpty { return }
            // Who can still join below this node: the extension, then councils outside
            // the group and its neighbourhood within `room - 1` steps of it.
            reachable.removeAll(keepingCapacity: true)
            for q in list where compatible(q) { steps[q] = 0; reachable.append(q) }
            var head = 0
            while head < reachable.count {
                let p = reachable[head]
                head += 1
                if steps[p] + 1 >= room { continue }
                for q in adjacent[p] where near[q] == 0 && steps[q] < 0 && compatible(q) {
                    steps[q] = steps[p] + 1
                    reachable.append(q)
                }
            }
            var filled = 0
            for q in reachable {
                steps[q] = -1
                Self.insertTop(volume[q], into: &topVolumes, filled: &filled, room: room)
            }
            if filled == 0 { return }
            let candidates = reachable
            if chordBound(current: current, pooled: pooled, cost: cost, candidates: candidates, volumes: filled, room: room) <= threshold {
                return
            }
            for (index, q) in list.enumerated() where compatible(q) {
                var next = Array(list[(index + 1)...])
                for u in adjacent[q] where near[u] == 0 { next.append(u) }
                next.sort()
                enter(q)
                grow(extension: next, sumWeight: sumWeight + w[q], pooled: pooled + volume[q])
                leave(q)
                if stopped { return }
            }
        }

        /// The chord bound of a node: `current` plus the `room` best gains
        /// `w_q − σ·v_q` among `candidates`, where `σ` is the curve's slope over
        /// the largest volume they can add (the first `volumes` of `topVolumes`);
        /// `cost` is the curve's cost at `pooled`.
        mutating func chordBound(current: Double, pooled: Double, cost: Double, candidates: [Int], volumes: Int, room: Int) -> Double {
            var reach = 0.0
            for index in 0..<volumes { reach += topVolumes[index] }
            let slope = reach > 0 ? alpha * (curve.cost(pooled + reach) - cost) / reach : 0
            var gains = 0
            for q in candidates {
                let gain = w[q] - slope * volume[q]
                if gain > 0 { Self.insertTop(gain, into: &topGains, filled: &gains, room: room) }
            }
            var bound = current
            for index in 0..<gains { bound += topGains[index] }
            return bound
        }

        mutating func consider(value: Double) {
            var group = chosen.map { members[$0] }
            group.append(host)
            group.sort()
            for member in group where mustShare[member] {
                for partner in partners[member] where !group.contains(partner) { return }
            }
            for pair in rules.together where group.contains(pair[0]) != group.contains(pair[1]) { return }
            var value = value
            if cutsInUse {
                value -= prices.cutPenalty(group)
                if value <= threshold { return }
            }
            guard let best = problem.bestHost(service: service, members: group), best.host == host else { return }
            let spend = problem.groupSpend(service: service, members: group)
            if !problem.meetsMinimumSaving(saving: best.saving, spend: spend) { return }
            if best.saving <= 0 && !group.contains(where: { mustShare[$0] }) { return }
            assert(!contiguous || problem.isConnected(group), "a contiguous group must be connected")
            record(GroupColumn(service: service, members: group, host: host, saving: best.saving), value)
        }

        mutating func record(_ column: GroupColumn, _ value: Double) {
            pending.append((column, value))
            guard let limit else { return }
            let index = best.firstIndex { $0 > value } ?? best.count
            best.insert(value, at: index)
            if best.count > limit { best.removeFirst() }
            if best.count == limit { threshold = max(threshold, best[0]) }
        }
    }
}

extension GroupEnumerator {
    /// The councils of `pool` that a connected group holding `host` can reach:
    /// those within `steps` steps of `host` through adjacent councils of `pool`.
    /// Ascending.
    func connectedReach(of host: Int, within pool: [Int], steps: Int) -> [Int] {
        var inPool = [Bool](repeating: false, count: problem.councilCount)
        for council in pool { inPool[council] = true }
        var distance = [Int](repeating: -1, count: problem.councilCount)
        distance[host] = 0
        var queue = [host]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            if distance[current] >= steps { continue }
            for next in problem.neighbours[current] where inPool[next] && distance[next] < 0 {
                distance[next] = distance[current] + 1
                queue.append(next)
            }
        }
        return queue.dropFirst().sorted()
    }
}

extension Problem {
    /// MODEL.md §2: each group's saving is at least `min_group_saving_fraction`
    /// of its members' spend (with a 1e-9 relative tolerance for rounding).
    public func meetsMinimumSaving(saving: Double, spend: Double) -> Bool {
        saving >= minGroupSavingFraction * spend - 1e-9 * max(1, abs(spend))
    }
}

extension GroupEnumerator {
    /// The single most valuable valid group hosted by `host` (value above
    /// `threshold`), avoiding `excluded` councils; nil if there is none.
    /// Nil also when `shouldStop` ended the search.
    public func bestGroup(
        host: Int, prices: GroupPrices, threshold: Double, excluded: [Bool]?, shouldStop: () -> Bool = { false }
    ) -> (GroupColumn, Double)? {
        var result: (GroupColumn, Double)?
        let finished = search(host: host, prices: prices, alpha: prices.savingWeight, threshold: threshold, limit: 1,
                              excluded: excluded, shouldStop: shouldStop) { column, value in
            if result == nil || value > result!.1 { result = (column, value) }
        }
        return finished ? result : nil
    }
}
