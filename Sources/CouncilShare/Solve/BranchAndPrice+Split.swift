// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GLPKBackend
import LinearModel

extension BranchAndPrice {
    /// The two children of a branching decision: Ryan-Foster's "apart" and
    /// "together" (together, or both outside groups), or a council in-house
    /// and sharing.
    static func children(of decision: Branching, under rules: [Int: BranchRules], problem: Problem)
        -> ([Int: BranchRules], [Int: BranchRules]) {
        var first = rules, second = rules
        switch decision {
        case let .pair(service, a, b):
            first[service, default: BranchRules()].apart.insert(problem.pairKey(a, b))
            second[service, default: BranchRules()].together.append([a, b])
        case let .coverage(service, council):
            first[service, default: BranchRules()].inHouse.insert(council)
            second[service, default: BranchRules()].mustShare.insert(council)
        }
        return (first, second)
    }

    /// How one piece of a split branch-and-cut ended.
    struct PieceOutcome: Sendable {
        var termination: Termination
        /// GLPK's bound on every plan of this piece (nil: none known).
        var bound: Double?
        /// The piece's best plan, if it found one.
        var plan: [GroupColumn]?
        var nodes: Int

        /// What this outcome proves about its plans, at most `parent` (the
        /// piece's LP value; nil for the whole pool): nothing beyond the floor
        /// when GLPK found the piece infeasible, `parent` when it failed.
        func bound(within parent: Double?) -> Double? {
            switch termination {
            case .infeasible: return -Double.infinity
            case .optimal, .timeLimit, .interrupted:
                guard let bound else { return parent }
                return parent.map { min(bound, $0) } ?? bound
            default: return parent
            }
        }

        /// True when this outcome settles its plans against `cutoff` (the
        /// best plan known plus the gap): GLPK proved or exhausted the
        /// search, or its bound came down to `cutoff` (`MIPParameters.cutoff`
        /// then stops it, as interrupted). Since the best plan only gets
        /// better, the cutoff only rises, and a settled search stays settled.
        func settles(below cutoff: Double) -> Bool {
            switch termination {
            case .optimal, .infeasible: return true
            case .timeLimit, .interrupted: return bound.map { $0 <= cutoff } ?? false
            default: return false
            }
        }
    }

    /// What `splitPoolMIP` found.
    struct SplitOutcome {
        /// A bound on every plan of the pool better than `best` (nil: none known).
        var bound: Double?
        var plans: [[GroupColumn]]
        var nodes: Int
        var pieces: Int
        /// Cuts offered to GLPK at the pieces' nodes (`nodeCutSeparator`).
        var nodeCuts: Int
        /// True when a thread searched the whole pool too.
        var wholePool = false
    }

    /// GLPK's branch-and-cut over a complete pool on two threads, for plans
    /// better than `best` (by more than the relative gap).
    ///
    /// The pool's plans are first split into `pieces` parts by branching
    /// decisions (`branching` on the master's LP under each part's decisions,
    /// the part with the largest LP value split first; LP solves only, the
    /// pool being complete), so that their plans together are all the plans
    /// of the pool. Parts whose LP has no solution or cannot beat `best` are
    /// dropped. Two threads then take the parts in turn, largest LP value
    /// first; the second runs on a core claimed from `spareCores` by the
    /// caller. Each part is a copy of the master (`GroupMaster.Snapshot`:
    /// rows, cuts and columns, retired ones fixed at 0, and the master's
    /// basis) under the part's decisions, with a row that leaves only plans
    /// beating the best plan known when it starts (`addSavingFloor`), made
    /// and solved by GLPK on that thread. The row is what lets GLPK prune: the
    /// incumbent is in one part only, and without it the parts of one
    /// England fostering and adoption run took 74 s of the two cores in
    /// all, where one thread over the whole pool takes 11-23 s (with it,
    /// 8.3 s in all). A part also stops once its bound is no better than the
    /// best plan any part has reported (`MIPParameters.cutoff`, shared
    /// through GLPK's progress reports). The largest of the parts' bounds
    /// (the parent's LP value for a part not reached in time; none for a part
    /// without a plan) bounds the plans better than `best`. Several parts
    /// balance the two threads: one half of a single split took 5.8 s and
    /// the other 24.5 s.
    ///
    /// Pieces can also be as hard as the whole pool: where the LP's gap is
    /// spread over many small clusters, a few Ryan-Foster decisions barely
    /// lower it (generated 317 x 4's back office alone: each piece needed
    /// more than 18 s, the pieces not reached kept their parents' LP values,
    /// and the bound after 60 s was 0.0164% where one thread over the whole
    /// pool reached 0.0053%). So a piece that takes longer than
    /// `SolveOptions.splitProbeSeconds` while others wait is stopped and put
    /// back at the end of the queue, and its thread searches the whole pool
    /// (the same copy with no decisions, and the floor row) while the other
    /// goes on with the pieces; a thread that finds no piece left does the
    /// same. The smaller of the two bounds holds (each bounds every plan
    /// better than `best`), and whichever search settles first stops the
    /// other. A search is settled when GLPK proved it or when its bound came
    /// down to the cutoff (`PieceOutcome.settles`); until 2026-12-02 only the
    /// first counted, and a search stopped at the cutoff left the other
    /// running to the deadline (generated 317 x 4's back office alone at
    /// 300 s: the whole pool settled at 211 s, the solve ended at 250 s).
    func splitPoolMIP(_ master: GroupMaster, best: Double, seconds: Double?,
                      pieces target: Int = 8) -> SplitOutcome {
        let gap = options.relativeGap
        let shared = Locked(best)
        // A plan must beat the best one known by more than the gap.
        let cutoff: @Sendable () -> Double = { shared.withLock { $0 + gap * max(1, abs($0)) } }
        // The parts, by branching on the master's LP (its decisions lifted at the end).
        struct Part { var rules: [Int: BranchRules]; var bound: Double; var final: Bool }
        var parts = [Part(rules: [:], bound: .infinity, final: false)]
        var kept: [Part] = []
        while !stopping() {
            guard let pick = parts.indices.filter({ !parts[$0].final }).max(by: { parts[$0].bound < parts[$1].bound }),
                  parts.count + kept.count < target else { break }
            let part = parts.remove(at: pick)
            master.apply(part.rules)
            let lp = master.solveRelaxation(timeLimit: remaining)
            guard lp.termination == .optimal || lp.termination == .infeasible else {
                parts.append(Part(rules: part.rules, bound: part.bound, final: true))
                break
            }
            if lp.termination == .infeasible || lp.objective <= cutoff() { continue }  // nothing better here
            let bound = min(part.bound, lp.objective)
            guard let decision = branching(master, lp) else {
                kept.append(Part(rules: part.rules, bound: bound, final: true))  // an integral LP: one plan
                continue
            }
            let (first, second) = BranchAndPrice.children(of: decision, under: part.rules, problem: problem)
            parts.append(Part(rules: first, bound: bound, final: false))
            parts.append(Part(rules: second, bound: bound, final: false))
        }
        master.apply([:])
        let queue = (parts + kept).sorted { $0.bound > $1.bound }
        // The pool's own LP again (the last one solved had a piece's decisions): the
        // copy keeps the cuts that are tight in it, and starts from its basis.
        _ = master.solveRelaxation(timeLimit: remaining)
        let snapshot = master.snapshotWithBasis()
        let until = clock.seconds + (seconds.map { min($0, remaining ?? $0) } ?? remaining ?? .infinity)
        let clock = self.clock
        var parameters = MIPParameters()
        parameters.relativeGap = gap
        parameters.branchingCandidates = branchingCandidates
        let offered = Locked(0)
        if options.nodeCuts { parameters.cutSeparator = nodeCutSeparator(master, columns: snapshot.columns, offered: offered) }
        parameters.shouldStop = options.shouldStop
        parameters.cutoff = cutoff
        parameters.progress = { incumbent, _ in
            if let incumbent { shared.withLock { $0 = max($0, incumbent) } }
        }
        // Both threads take the pieces in turn; a hard piece hands its thread to
        // the whole pool (see the doc comment).
        let probe = options.splitProbeSeconds
        struct Queue { var pending: [Int]; var settled: [Bool]; var wholeTaken = false }
        let work = Locked(Queue(pending: Array(queue.indices), settled: Array(repeating: false, count: queue.count)))
        let wholeSettled = Locked(false), piecesSettled = Locked(queue.isEmpty)  // no piece can beat `best`
        let stop = parameters.shouldStop
        var stopPieces = parameters, stopWhole = parameters
        stopPieces.shouldStop = { (stop?() ?? false) || wholeSettled.withLock { $0 } }
        stopWhole.shouldStop = { (stop?() ?? false) || piecesSettled.withLock { $0 } }
        let piecesParameters = stopPieces, wholeParameters = stopWhole
        let results = Locked([PieceOutcome?](repeating: nil, count: queue.count))
        let whole = Locked<PieceOutcome?>(nil)
        let runWhole: @Sendable () -> Void = {
            let left = until - clock.seconds
            guard left > 0.01, !(wholeParameters.shouldStop?() ?? false) else { return }
            var parameters = wholeParameters
            parameters.timeLimit = left.isFinite ? left : nil
            let outcome = BranchAndPrice.solvePiece(snapshot, rules: [:], parameters: parameters)
            whole.withLock { $0 = outcome }
            if outcome.settles(below: cutoff()) { wholeSettled.withLock { $0 = true } }
        }
        let settle: @Sendable (Int) -> Void = { index in
            let all = work.withLock { queue -> Bool in
                queue.settled[index] = true
                return !queue.settled.contains(false)
            }
            if all { piecesSettled.withLock { $0 = true } }
        }
        let worker: @Sendable () -> Void = {
            while !(piecesParameters.shouldStop?() ?? false) {
                let left = until - clock.seconds
                guard left > 0.01 else { return }
                // The next piece, or the whole pool if no piece is left and no thread runs it.
                let (next, takeWhole) = work.withLock { queue -> (Int?, Bool) in
                    if !queue.pending.isEmpty { return (queue.pending.removeFirst(), false) }
                    if queue.wholeTaken { return (nil, false) }
                    queue.wholeTaken = true
                    return (nil, true)
                }
                guard let index = next else {
                    if takeWhole { runWhole() }
                    return
                }
                if queue[index].bound <= cutoff() { settle(index); continue }  // cut off before it started
                // Probing: stopped after `probe` seconds if pieces still wait and no
                // thread runs the whole pool (checked as GLPK goes).
                let started = clock.seconds
                let probed = Locked(false)
                var parameters = piecesParameters
                parameters.timeLimit = left.isFinite ? left : nil
                parameters.shouldStop = {
                    if piecesParameters.shouldStop?() ?? false { return true }
                    guard clock.seconds - started > probe,
                          work.withLock({ !$0.wholeTaken && !$0.pending.isEmpty }) else { return false }
                    probed.withLock { $0 = true }
                    return true
                }
                let outcome = BranchAndPrice.solvePiece(snapshot, rules: queue[index].rules, parameters: parameters)
                results.withLock { $0[index] = outcome }
                if outcome.settles(below: cutoff()) {
                    settle(index)
                } else if probed.withLock({ $0 }) {
                    let takeWhole = work.withLock { queue -> Bool in
                        queue.pending.append(index)
                        defer { queue.wholeTaken = true }
                        return !queue.wholeTaken
                    }
                    if takeWhole { runWhole(); return }
                }
            }
        }
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            worker()
            _ = GLPKSolver.releaseThreadEnvironment()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        worker()
        done.wait()
        let outcomes = results.withLock { $0 }
        var bound: Double? = -Double.infinity
        for (index, outcome) in outcomes.enumerated() {
            // A part not solved keeps its parent's LP value as its bound.
            let partBound: Double? = outcome?.bound(within: queue[index].bound) ?? queue[index].bound
            if let value = partBound, let known = bound { bound = max(known, value) } else { bound = nil }
        }
        if let value = bound, !value.isFinite && value > 0 { bound = nil }
        // The whole pool's search bounds the same plans: the smaller bound holds.
        let wholeOutcome = whole.withLock { $0 }
        if let value = wholeOutcome?.bound(within: nil) { bound = min(bound ?? value, value) }
        let searches = outcomes + [wholeOutcome]
        let plans = searches.compactMap { $0?.plan }
        let nodes = searches.reduce(0) { $0 + ($1?.nodes ?? 0) }
        return SplitOutcome(bound: bound.map { max($0, best) }, plans: plans, nodes: nodes, pieces: queue.count,
                            nodeCuts: offered.withLock { $0 }, wholePool: wholeOutcome != nil)
    }

    /// One part of `splitPoolMIP`, on the calling thread: its GLPK object is
    /// made, solved and deleted here.
    static func solvePiece(_ snapshot: GroupMaster.Snapshot, rules: [Int: BranchRules],
                           parameters: MIPParameters) -> PieceOutcome {
        let piece = GroupMaster(snapshot)
        piece.apply(rules)
        if let floor = parameters.cutoff?() { piece.addSavingFloor(floor) }
        let (result, chosen) = piece.solveMIP(parameters)
        return PieceOutcome(termination: result.termination, bound: result.bound,
                            plan: result.solution == nil ? nil : chosen.map { piece.columns[$0] }, nodes: result.nodes)
    }
}
