// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the MIP for other solvers (CPLEX LP or free MPS).",
        discussion: """
            The model is the set-packing master over every group that can be in an optimal plan: \
            the columns generated for the LP optimum plus every group whose reduced cost lies within \
            the gap (see README, "How it solves"). Any MIP solver's optimum over it is the optimum of \
            the instance (max_saving).
            """)

    @Argument(help: "The instance file.") var instance: String
    @Option(help: "Write a CPLEX LP file here.") var lp: String?
    @Option(help: "Write a free MPS file here.") var mps: String?
    @Option(name: .customLong("time-limit"), help: "Seconds allowed for generating the columns.") var timeLimit: Double?

    func validate() throws {
        if (lp == nil) == (mps == nil) { throw ValidationError("give exactly one of --lp FILE or --mps FILE") }
    }

    func run() throws {
        let (_, problem) = try InstanceLoader.load(instance)
        var options = SolveOptions()
        options.timeLimit = timeLimit
        let path = lp ?? mps!
        let export = ModelExport(problem: problem, options: options)
        let result = try export.write(lp != nil ? .cplexLP : .freeMPS, to: path)
        print("wrote \(path): \(result.rows) rows, \(result.columns) columns\(result.complete ? "" : " (INCOMPLETE: the column set is not proven to contain an optimum)")")
    }
}
