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
        let snapshot = master.snapshotWithBasis()
        let until = clock.seconds + (seconds.map { min($0, remaining ?? $0) } ?? remaining ?? .infinity)
        let clock = self.clock
        var parameters = MIPParameters()
        parameters.relativeGap = gap
        parameters.branchingCandidates = branchingCandidates
        let offered = Locked(0)
        if options.nodeCuts { parameters.cutSeparator = nodeCutSeparator(master, offered: offered) }
        parameters.shouldStop = options.shouldStop
        parameters.cutoff = cutoff
        parameters.progress = { incumbent, _ in
            if let incumbent { shared.withLock { $0 = max($0, incumbent) } }
        }
        let base = parameters
        let next = Locked(0)
        let results = Locked([PieceOutcome?](repeating: nil, count: queue.count))
        let work: @Sendable () -> Void = {
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < queue.count, !(base.shouldStop?() ?? false) else { return }
                let left = until - clock.seconds
                guard left > 0.01 else { return }
                if queue[index].bound <= cutoff() { continue }  // cut off before it started
                var parameters = base
                parameters.timeLimit = left.isFinite ? left : nil
                let outcome = BranchAndPrice.solvePiece(snapshot, rules: queue[index].rules, parameters: parameters)
                results.withLock { $0[index] = outcome }
            }
        }
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            work()
            _ = GLPKSolver.releaseThreadEnvironment()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        work()
        done.wait()
        let outcomes = results.withLock { $0 }
        var bound: Double? = -Double.infinity
        for (index, outcome) in outcomes.enumerated() {
            // A part not solved keeps its parent's LP value as its bound.
            var partBound: Double? = queue[index].bound
            if let outcome {
                switch outcome.termination {
                case .infeasible: partBound = -Double.infinity  // no plan in this part
                case .optimal, .timeLimit, .interrupted: partBound = outcome.bound.map { min($0, queue[index].bound) } ?? queue[index].bound
                default: break
                }
            }
            if let value = partBound, let known = bound { bound = max(known, value) } else { bound = nil }
        }
        if let value = bound, !value.isFinite && value > 0 { bound = nil }
        return SplitOutcome(bound: bound.map { max($0, best) }, plans: outcomes.compactMap { $0?.plan },
                            nodes: outcomes.reduce(0) { $0 + ($1?.nodes ?? 0) }, pieces: queue.count,
                            nodeCuts: offered.withLock { $0 })
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
