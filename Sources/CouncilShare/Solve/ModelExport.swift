// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GLPKBackend

/// Writes the MIP that other solvers can solve: the set-packing master over
/// all services, holding every column generated for the LP optimum and every
/// group whose reduced cost is within the gap of the incumbent (see
/// `BranchAndPrice`), so that its optimum is the instance's optimum. The
/// search stops as soon as the pool is complete (or solved): it does not
/// solve the MIP it writes.
public struct ModelExport {
    public let problem: Problem
    public let options: SolveOptions

    public init(problem: Problem, options: SolveOptions) {
        self.problem = problem
        self.options = options
    }

    public enum Format: Sendable { case cplexLP, freeMPS }

    public struct Result: Sendable {
        public var rows: Int
        public var columns: Int
        /// True when the column set provably contains an optimal plan.
        public var complete: Bool
    }

    public func write(_ format: Format, to path: String) throws -> Result {
        let enumerators = problem.services.indices.map { GroupEnumerator(problem: problem, service: $0) }
        var engine = BranchAndPrice(problem: problem, options: options, clock: Stopwatch(), enumerators: enumerators)
        // A complete pool holds an optimal plan: the file needs no more.
        engine.stopAtCompletePool = true
        let services = problem.services.indices.filter { problem.services[$0].participants.count >= 2 }
        let master = GroupMaster(problem: problem, services: services, groupLimit: nil)
        var seed: [GroupColumn] = []
        for service in services {
            seed += GreedyPlan.plan(enumerator: enumerators[service], shouldStop: engine.stopping)
        }
        let outcome = engine.solve(master, seed: seed, label: "export")
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard master.write(format == .cplexLP ? .cplexLP : .freeMPS, to: temporary.path) else {
            try? FileManager.default.removeItem(at: temporary)
            throw InputError(file: path, record: "", message: "GLPK could not write the file")
        }
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw InputError(file: path, record: "", message: "cannot be written: \(String(cString: strerror(errno)))")
        }
        return Result(rows: master.model.constraints.count, columns: master.model.variables.count,
                      complete: outcome.status == .optimal || outcome.status == .infeasible || master.isComplete)
    }
}
