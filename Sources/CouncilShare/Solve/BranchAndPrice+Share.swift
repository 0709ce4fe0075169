// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GLPKBackend
import LinearModel

/// Open nodes of GLPK's searches over one complete pool, handed from a
/// busy search to a thread that has none (work sharing).
///
/// A search asks `wanted` at each node below its root; when a thread
/// waits, the search gives the node away (`MIPParameters.onDonate`: its
/// LP bound and its column bounds) and drops it, and the waiting thread
/// searches that node's plans as a problem of its own: the pool with those
/// bounds. Its own nodes can be given away in turn. The plans of the pool
/// are thus always split among the searches running, the nodes waiting
/// and the searches ended, so a bound over all of them holds.
final class NodeShare: @unchecked Sendable {
    struct Item: Sendable {
        /// Column bounds (of the snapshot's model) that make this node's problem.
        var bounds: [VariableBound]
        /// Its LP bound when it was given away.
        var bound: Double
    }

    private let condition = NSCondition()
    private var queue: [Item] = []
    private var waiting = 0
    private var busy: Int
    private var given = 0

    /// `busy`: the searches already running that may give nodes away.
    init(busy: Int) { self.busy = busy }

    /// True when a thread waits for a node and none waits for it.
    func wanted() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return waiting > queue.count
    }

    func give(_ item: Item) {
        condition.lock()
        queue.append(item)
        given += 1
        condition.broadcast()
        condition.unlock()
    }

    /// A thread joins: it counts as busy until it asks for a node.
    func join() {
        condition.lock()
        busy += 1
        condition.unlock()
    }

    /// The calling thread's search has ended: the waiting node with the
    /// best bound, once there is one; nil when every search has ended and no
    /// node waits, or when `stop` says so (nodes may then be left waiting).
    func next(stop: () -> Bool) -> Item? {
        condition.lock()
        defer { condition.unlock() }
        busy -= 1
        waiting += 1
        defer { waiting -= 1 }
        while true {
            if stop() { break }
            if let pick = queue.indices.max(by: { queue[$0].bound < queue[$1].bound }) {
                busy += 1
                return queue.remove(at: pick)
            }
            if busy == 0 { break }
            _ = condition.wait(until: Date().addingTimeInterval(0.05))
        }
        condition.broadcast()
        return nil
    }

    /// The nodes given away so far, and those never taken up.
    var summary: (given: Int, left: [Item]) {
        condition.lock()
        defer { condition.unlock() }
        return (given, queue)
    }
}

extension BranchAndPrice {
    /// Sets up `parameters` (of a one-thread search over the complete pool
    /// `snapshot`, time limit and cut separator included) to share its nodes
    /// with a core that becomes spare (`PoolSharing`): nil, and `parameters` unchanged, when there is no
    /// time limit (untimed plans must be the same from run to run) or no
    /// spare core to wait for.
    func shareNodes(snapshot: GroupMaster.Snapshot, best: Double,
                    parameters: inout MIPParameters) -> PoolSharing? {
        guard let spare = spareCores, options.timeLimit != nil else { return nil }
        var shared = parameters
        shared.shouldStop = options.shouldStop
        shared.progress = nil
        shared.warmStart = nil
        shared.onIncumbent = nil  // (its recorder is the calling thread's)
        let clock = self.clock
        let until = parameters.timeLimit.map { clock.seconds + $0 }
        let share = PoolSharing(snapshot: snapshot, best: best, gap: options.relativeGap,
                                parameters: shared, until: until, clock: clock)
        parameters = share.sharing(parameters, base: [])
        // The shared cutoff only once another thread searches: alone, GLPK's own
        // gap test ends the search as proven (a search stopped by the cutoff
        // counts as unproven, and the plan merges would follow it for nothing).
        let cutoff = parameters.cutoff
        parameters.cutoff = { share.started ? cutoff?() : nil }
        let wanted = parameters.donateWhen!
        parameters.donateWhen = {
            if share.started { return wanted() }
            guard (until ?? .infinity) - clock.seconds > 1, spare.claim() else { return false }
            share.startHelper()
            return false
        }
        return share
    }

    /// A one-thread search over a complete pool that shares its nodes with a
    /// core that becomes spare (`runPoolMIP`'s `sharing`): the other thread
    /// searches the nodes it gives away (`NodeShare`), and when its own
    /// search ends, the calling thread takes up nodes too.
    final class PoolSharing: @unchecked Sendable {
        let snapshot: GroupMaster.Snapshot
        let nodes = NodeShare(busy: 1)
        /// The best plan's saving known to every search.
        let best: Locked<Double>
        let gap: Double
        /// The searches of given nodes: how each ended, and its node's bound.
        let outcomes = Locked<[(outcome: PieceOutcome, bound: Double)]>([])
        /// Parameters of the nodes' searches (no time limit, cutoff or
        /// donation yet).
        let parameters: MIPParameters
        let until: Double?
        let clock: Stopwatch
        private let helper = Locked<DispatchSemaphore?>(nil)

        init(snapshot: GroupMaster.Snapshot, best: Double, gap: Double, parameters: MIPParameters,
             until: Double?, clock: Stopwatch) {
            self.snapshot = snapshot
            self.best = Locked(best)
            self.gap = gap
            self.parameters = parameters
            self.until = until
            self.clock = clock
        }

        /// A plan must beat the best one known by more than the gap.
        var cutoff: Double { best.withLock { $0 + gap * max(1, abs($0)) } }

        var started: Bool { helper.withLock { $0 != nil } }

        /// Starts the other thread (once): it waits for a node, searches it,
        /// and so on until every search has ended.
        func startHelper() {
            let done = DispatchSemaphore(value: 0)
            let fresh = helper.withLock { current -> Bool in
                guard current == nil else { return false }
                current = done
                return true
            }
            guard fresh else { return }
            nodes.join()
            let thread = Thread { [self] in
                work()
                _ = GLPKSolver.releaseThreadEnvironment()
                done.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }

        func stopped() -> Bool {
            (parameters.shouldStop?() ?? false) || until.map { clock.seconds >= $0 - 0.01 } ?? false
        }

        /// Takes up given nodes until none is left (on the calling thread).
        func work() {
            while let item = nodes.next(stop: stopped) {
                var parameters = self.parameters
                if let until { parameters.timeLimit = max(0.001, until - clock.seconds) }
                let outcome = search(item, parameters: parameters)
                outcomes.withLock { $0.append((outcome, item.bound)) }
            }
        }

        /// The parameters of any search that shares its nodes: the shared
        /// cutoff, the best plans reported, and `donate` for `base`.
        func sharing(_ parameters: MIPParameters, base: [VariableBound]) -> MIPParameters {
            var parameters = parameters
            let best = self.best, nodes = self.nodes
            parameters.cutoff = { [self] in cutoff }
            let progress = parameters.progress
            parameters.progress = { incumbent, bound in
                if let incumbent { best.withLock { $0 = max($0, incumbent) } }
                progress?(incumbent, bound)
            }
            parameters.donateWhen = { nodes.wanted() }
            parameters.onDonate = { bound, bounds in
                // The node's bounds are within this search's own (`base`).
                var merged = Dictionary(base.map { ($0.variable, $0) }, uniquingKeysWith: { $1 })
                for bound in bounds { merged[bound.variable] = bound }
                nodes.give(NodeShare.Item(bounds: merged.values.sorted { $0.variable < $1.variable }, bound: bound))
            }
            return parameters
        }

        /// One given node's plans better than the best known: the pool with the
        /// node's column bounds and a saving floor, searched by GLPK on the
        /// calling thread (its objects are made and deleted here).
        func search(_ item: NodeShare.Item, parameters: MIPParameters) -> PieceOutcome {
            let piece = GroupMaster(snapshot)
            piece.setBounds(item.bounds)
            piece.addSavingFloor(cutoff)
            let (result, chosen) = piece.solveMIP(sharing(parameters, base: item.bounds))
            if let value = result.objective, result.solution != nil { best.withLock { $0 = max($0, value) } }
            return PieceOutcome(termination: result.termination, bound: result.bound,
                                plan: result.solution == nil ? nil : chosen.map { piece.columns[$0] }, nodes: result.nodes)
        }

        /// After the calling thread's own search (`own`) has ended: it takes up
        /// nodes too until every search has ended, then waits for the other
        /// thread. Returns a result for the whole pool: optimal when every
        /// search settled its plans, with the largest bound of those that did
        /// not (and of nodes never taken up), at least the best plan; and the
        /// plans the nodes' searches found.
        func finish(own: MIPResult) -> (result: MIPResult, plans: [[GroupColumn]], given: Int) {
            work()
            helper.withLock { $0 }?.wait()
            let settledBest = best.withLock { $0 }
            let cutoff = self.cutoff
            let ownOutcome = PieceOutcome(termination: own.termination, bound: own.bound, plan: nil, nodes: own.nodes)
            var open: [Double] = []
            if !ownOutcome.settles(below: cutoff) { open.append(ownOutcome.bound(within: nil) ?? .infinity) }
            let ended = outcomes.withLock { $0 }
            for (outcome, bound) in ended where !outcome.settles(below: cutoff) {
                open.append(outcome.bound(within: bound) ?? bound)
            }
            let (given, left) = nodes.summary
            open += left.map(\.bound)
            var result = own
            result.nodes = own.nodes + ended.reduce(0) { $0 + $1.outcome.nodes }
            if open.isEmpty {
                result.termination = .optimal
                result.bound = max(settledBest, own.objective ?? -.infinity)
            } else {
                if result.termination == .optimal || result.termination == .infeasible {
                    result.termination = (parameters.shouldStop?() ?? false) ? .interrupted : .timeLimit
                }
                result.bound = max(open.max()!, settledBest)
            }
            return (result, ended.compactMap(\.outcome.plan), given)
        }
    }
}

extension BranchAndPrice {
    /// The share of a timed search's seconds that the copy's first LP from
    /// scratch may take (`completePoolCopy`). Generated 317 x 4 at
    /// `--time-limit 60`: back office's LP from scratch took 2.1 s, legal's
    /// reached the cap of 30,000 iterations after about 14 s, more than
    /// half of its search's time.
    var scratchTimeShare: Double { 0.2 }

    /// The copy of a complete pool that GLPK's one-thread search runs on
    /// (`runPoolMIP`), its LP solved: from scratch by the dual simplex when
    /// that takes at most `SolveOptions.scratchIterationLimit` iterations,
    /// otherwise from the master's basis (`GroupMaster.adoptBasis`).
    ///
    /// The vertex that the LP ends at steers GLPK's whole search, and the
    /// one reached from scratch has measured far better than the master's
    /// own (generated 317 x 4 at `--time-limit 900`, one thread per part,
    /// 2026-12-02): back office's search (7,694 columns) took 45.5 s and 441
    /// nodes from scratch (15,313 iterations, 2.1 s), and was still open
    /// after 240 s from the master's basis (and after 95 s from scratch by
    /// the primal simplex). From scratch, though, legal's LP (20,397 columns)
    /// took 154,842 iterations and 142 s, and its search 3 nodes; from the
    /// master's basis, 95 nodes in 15.5 s. The cap keeps the first and
    /// stops the second early. It counts iterations, not seconds, so that an
    /// untimed plan stays the same from run to run; a timed search (of
    /// `seconds`) also gives it at most a fifth of its time
    /// (`scratchTimeShare`).
    func completePoolCopy(_ snapshot: GroupMaster.Snapshot, seconds: Double? = nil) -> GroupMaster {
        let pool = GroupMaster(snapshot, withBasis: false)
        let limit = seconds.map { min(scratchTimeShare * $0, remaining ?? $0) } ?? remaining
        let lp = pool.solveRelaxation(timeLimit: limit, iterationLimit: options.scratchIterationLimit)
        if lp.termination != .optimal { pool.adoptBasis(of: snapshot) }
        return pool
    }

    /// GLPK's one-thread search over all of `master` (a complete pool) for
    /// plans better than `best`, sharing its nodes with the spare core from
    /// the first node on, as `runPoolMIP` does over a copy
    /// (`completePoolCopy`). For the tests: the engine needs a
    /// time limit and a spare core. Returns the result for the whole pool,
    /// every plan found (the search's own first), and the nodes given away.
    func sharedPoolMIP(_ master: GroupMaster, best: Double) -> (result: MIPResult, plans: [[GroupColumn]], given: Int) {
        let snapshot = master.snapshotWithBasis()
        let pool = GroupMaster(snapshot)
        var parameters = MIPParameters()
        parameters.timeLimit = remaining
        parameters.relativeGap = options.relativeGap
        parameters.branchingCandidates = branchingCandidates
        if options.nodeCuts {
            parameters.cutSeparator = nodeCutSeparator(master, columns: pool.columns, offered: Locked(0))
        }
        parameters.shouldStop = options.shouldStop
        guard let sharing = shareNodes(snapshot: snapshot, best: best, parameters: &parameters) else {
            let (result, chosen) = pool.solveMIP(parameters)
            return (result, result.solution == nil ? [] : [chosen.map { pool.columns[$0] }], 0)
        }
        let (own, chosen) = pool.solveMIP(parameters)
        var plans = own.solution == nil ? [] : [chosen.map { pool.columns[$0] }]
        guard sharing.started else { return (own, plans, 0) }
        let outcome = sharing.finish(own: own)
        spareCores?.release()
        plans += outcome.plans
        return (outcome.result, plans, outcome.given)
    }
}
