// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare
import Foundation

struct FrontierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontier",
        abstract: "The largest saving with at most k agreements (groups), for each k up to the max-saving plan's.",
        discussion: """
            CSV columns: k, saving, bound, gap, status, groups, seconds (one row per k). \
            The instance's objective is ignored and its target (or --target-*) is only drawn on the chart. \
            Exit codes: 0 points written, 2 invalid input, 3 proven infeasible, 4 nothing found within the limits, \
            1 internal error.
            """)

    @Argument(help: "The instance: a JSON file or a folder of tables.")
    var instance: String

    @Option(help: "Compute this many values of k, spread over 1...K_max and ending at K_max (default: every k).")
    var points: Int?

    @OptionGroup var target: TargetOptions

    @OptionGroup var whatIf: WhatIfOptions

    @Option(name: .customLong("time-limit"), help: ArgumentHelp(
        "Seconds for each stage: the max-saving plan, the parts' group-limited solves together, and the points still unproven together (when the max-saving plan is proven, the parts' solves get the last two); a point it stops is feasible, with its gap.",
        valueName: "seconds"))
    var timeLimit: Double?

    @Option(help: "Relative gap at which a point counts as optimal.")
    var gap: Double = 1e-6

    @Option(help: "Write the CSV to this file, atomically, instead of standard output.")
    var output: String?

    @Option(help: "Write an SVG chart of saving against agreements to this file, atomically.")
    var svg: String?

    @Flag(help: "Report progress on stderr even when it is not a terminal.")
    var progress = false

    func validate() throws {
        if let points, points < 1 { throw ValidationError("--points must be at least 1") }
        if let limit = timeLimit, !(limit.isFinite && limit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if !(gap.isFinite && gap >= 0 && gap < 1) { throw ValidationError("--gap must be in [0, 1)") }
    }

    func run() throws {
        var (_, problem) = try InstanceLoader.load(instance, whatIf: whatIf.whatIf)
        target.apply(to: &problem)
        Interrupt.install()
        let bar = ProgressPrinter.make(forced: progress).map { FrontierProgressBar(printer: $0) }
        var options = SolveOptions()
        options.timeLimit = timeLimit
        options.relativeGap = gap
        options.shouldStop = { Interrupt.wasRequested }
        if let bar { options.progress = { bar.report($0) } }
        let frontier = ExactSolver(problem: problem, options: options).frontier(points: points) { bar?.finished($0) }
        bar?.printer.finish()

        guard !frontier.points.isEmpty else {
            switch frontier.largest.status {
            case .infeasible:
                printError("infeasible: no plan meets every rule")
                throw ExitWith(code: Exit.infeasible)
            default:
                printError(frontier.interrupted ? "interrupted before any plan was found" : "no plan found within the limits")
                throw ExitWith(code: Exit.noPlan)
            }
        }
        let csv = FrontierTable.csv(frontier)
        if let output { try InstanceLoader.writeAtomically(csv, to: output) } else { print(csv, terminator: "") }
        if let svg { try InstanceLoader.writeAtomically(FrontierChart.svg(frontier), to: svg) }
        if frontier.interrupted {
            let open = frontier.points.filter(\.interrupted).count
            printError("interrupted: \(frontier.points.count) points written, \(open) of them not proven optimal")
        }
    }
}
