// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// How long and how exactly to search, and whom to tell how it goes.
public struct SolveOptions: Sendable {
    /// Wall-clock limit for the whole solve, in seconds (nil: none).
    public var timeLimit: Double?
    /// Relative gap at which a plan counts as optimal (MODEL.md §3: 1e-6).
    public var relativeGap: Double = 1e-6
    /// The most columns the root may enumerate to complete a part's pool (every
    /// group that a plan better than the incumbent can use; see
    /// `BranchAndPrice.enumerateImproving`). Above it, or at 0, the search goes
    /// on by branch-and-price alone. Either way the answer is exact.
    /// England's upper-tier legal services usually complete with about
    /// 225,000 columns, but from a slightly worse root plan (£105,897,159,
    /// 2026-12-01) they needed 440,000: at the old limit of 300,000 the part
    /// then stayed unproven (0.04%); with this one it was proven, the whole
    /// solve peaking at 116 MB. An enumeration that overflows costs about
    /// 1.4 s per 300,000 columns listed.
    public var enumerationLimit: Int = 1_000_000
    /// A complete pool of more columns than this stays out of the LP, in a
    /// reserve that pricing scans (`GroupMaster.reserve`); a column enters
    /// the LP when it prices out. England's upper-tier legal services
    /// complete with about 225,000 columns: with all of them in the LP, the
    /// cut rounds and merges after completing took 15-20 s and GLPK over the
    /// pool did not finish; with the reserve, the LPs hold a few thousand
    /// and the part is proven in 29 s when solved alone (README).
    public var completePoolLPLimit: Int = 20_000
    /// GLPK's branch-and-cut over a complete pool runs only once the pool
    /// (reserve included) has at most this many columns; above it,
    /// branch-and-price (LP solves only, priced from the reserve) goes on
    /// alone. GLPK's node LPs have no time limit: over 193,000 columns one
    /// took 8.4 s, and the solve overran its limit by as much.
    public var completePoolMIPLimit: Int = 50_000
    /// In a split search over a complete pool (`BranchAndPrice.splitPoolMIP`),
    /// a piece that takes longer than this while other pieces wait is
    /// stopped, and its thread searches the whole pool instead. England's
    /// fostering and adoption's pieces take 0.5-4.4 s each; each of
    /// generated 317 x 4's back office's (306 councils) needs more than
    /// 18 s, so splitting it only multiplied the work.
    public var splitProbeSeconds: Double = 5
    /// The most simplex iterations for the first LP, from scratch, of the
    /// copy of a complete pool that GLPK searches on one thread; beyond
    /// them it starts from the master's basis instead
    /// (`BranchAndPrice.completePoolCopy`, with the measurements).
    public var scratchIterationLimit = 30_000
    /// GLPK's calls back after which an untimed search's branch-and-cut over
    /// its root pool stops (a timed one gets 40% of the time left; the
    /// short searches every 1,000 branch-and-price nodes get a fortieth of
    /// it untimed, half a second timed). A count, not seconds, so that an
    /// untimed plan stays the same from run to run. It used to be 3.2 s,
    /// too little on large parts: generated 317 x 4's legal alone
    /// (`instances/generated-legal-only.yaml`, no time limit) left its root
    /// with £69,474,833 (gap 0.165%), too far from the bound to complete its
    /// pool, and branch-and-price was still open after 950 s (2026-12-02:
    /// 3,840 nodes, gap 0.009%). With 20,000 calls (about 3,000 of GLPK's
    /// nodes) its root ends at £69,558,053 (0.045%), as a timed solve's
    /// does, the pool completes, and the part is proven in 178.6 s.
    public var rootPoolCallLimit: Int = 20_000
    /// Rank-1 cuts of any weights once the fixed shapes of subset-row cuts
    /// stall (`BranchAndPrice.separateRankOneCuts`). Off, the search is exact
    /// too, only weaker: the tests turn it off to reach the paths that the
    /// cuts make rare (complete pools on small instances).
    public var rankOneCuts: Bool = true
    /// Subset-row and rank-1 cuts at the nodes of GLPK's searches over a pool
    /// (`BranchAndPrice.nodeCutSeparator`), as well as at the root. Off, the
    /// search is exact too (tests compare both).
    public var nodeCuts: Bool = true
    /// Independent parts (services, components) solved at once: one per
    /// core, at most two by default (this project's machines have two). Each
    /// part runs on a thread of its own (`SliceScheduler`); 1 solves them one
    /// at a time.
    public var threads: Int = min(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Polled often (from every part's thread); true stops the search and keeps the best plan found.
    public var shouldStop: @Sendable () -> Bool = { false }
    /// Progress reports (stage, best saving, bound).
    public var progress: (@Sendable (SolveProgress) -> Void)?

    public init() {}
}

public struct SolveProgress: Sendable {
    public var stage: String
    public var elapsed: Double
    public var incumbent: Double?
    public var bound: Double?
}

/// What the search did, for the table and the benchmark (not part of the
/// plan JSON, which must be identical from run to run).
public struct SolveStatistics: Sendable {
    public var seconds: Double = 0
    public var buildSeconds: Double = 0
    public var lpSeconds: Double = 0
    public var mipSeconds: Double = 0
    public var pricingSeconds: Double = 0
    public var columns: Int = 0
    public var pricingRounds: Int = 0
    public var mipNodes: Int = 0
    public var cuts: Int = 0
    /// Of `cuts`, the rank-1 cuts of any weights (`BranchAndPrice.separateRankOneCuts`).
    public var rankOneCuts: Int = 0
    public var branchNodes: Int = 0
    /// Parts whose pool was completed by enumeration and settled by branch-and-cut.
    public var completedPools: Int = 0
    /// Of `completedPools`, those kept in a reserve outside the LP (`completePoolLPLimit`).
    public var reservedPools: Int = 0
    /// Pieces of complete pools solved by GLPK on two threads (`BranchAndPrice.splitPoolMIP`).
    public var splitPieces: Int = 0
    /// Nodes of GLPK's one-thread searches over complete pools given to a
    /// core that became spare (`BranchAndPrice.PoolSharing`).
    public var sharedNodes: Int = 0
    /// Cuts offered to GLPK at the nodes of its searches over pools (`SolveOptions.nodeCuts`).
    public var nodeCuts: Int = 0
    public init() {}

    mutating func absorb(_ other: SolveStatistics) {
        buildSeconds += other.buildSeconds
        lpSeconds += other.lpSeconds
        mipSeconds += other.mipSeconds
        pricingSeconds += other.pricingSeconds
        columns += other.columns
        pricingRounds += other.pricingRounds
        mipNodes += other.mipNodes
        cuts += other.cuts
        rankOneCuts += other.rankOneCuts
        branchNodes += other.branchNodes
        completedPools += other.completedPools
        reservedPools += other.reservedPools
        splitPieces += other.splitPieces
        sharedNodes += other.sharedNodes
        nodeCuts += other.nodeCuts
    }
}

/// A monotonic stopwatch.
public struct Stopwatch: Sendable {
    let start = ContinuousClock.now
    public init() {}
    public var seconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
