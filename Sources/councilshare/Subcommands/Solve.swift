// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare
import Foundation

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the best grouping of councils for each service.",
        discussion: "Exit codes: 0 plan found, 2 invalid input, 3 proven infeasible, 4 no plan within the limits, 1 internal error.")

    enum ObjectiveChoice: String, ExpressibleByArgument, CaseIterable {
        case maxSaving = "max-saving", minGroups = "min-groups"
    }

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    @Argument(help: "The instance: a JSON file, a folder of tables, or an OR-Library pmed/UFL/cpmp file.")
    var instance: String

    @Option(help: "max-saving or min-groups (overrides the instance).")
    var objective: ObjectiveChoice?

    @OptionGroup var target: TargetOptions

    @OptionGroup var whatIf: WhatIfOptions

    @Option(name: .customLong("time-limit"), help: "Stop after this many seconds and report the best plan with its gap.")
    var timeLimit: Double?

    @Option(help: "Relative gap at which a plan counts as optimal.")
    var gap: Double = 1e-6

    @Option(help: "Write the plan JSON (MODEL.md §5) to this file, atomically.")
    var output: String?

    @Option(help: "table, json or csv (one row per council and service) on standard output.")
    var format: Format = .table

    @OptionGroup var reports: ReportOptions

    @Flag(help: "Report progress on stderr even when it is not a terminal.")
    var progress = false

    @Option(name: .customLong("enumeration-limit"),
            help: "Most groups the root may enumerate to complete a part's pool (0: branch-and-price alone; exact either way).")
    var enumerationLimit: Int = SolveOptions().enumerationLimit

    @OptionGroup(title: "OR-Library files") var location: LocationInputOptions

    func validate() throws {
        if let limit = timeLimit, !(limit.isFinite && limit > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if !(gap.isFinite && gap >= 0 && gap < 1) { throw ValidationError("--gap must be in [0, 1)") }
        if enumerationLimit < 0 { throw ValidationError("--enumeration-limit must be 0 or more") }
    }

    func run() throws {
        if location.isORLibrary(instance) { return try solveLocation() }
        var (source, problem) = try InstanceLoader.load(instance, whatIf: whatIf.whatIf)
        target.apply(to: &problem)
        if let objective { problem.objective = objective == .maxSaving ? .maxSaving : .minGroups }
        if problem.objective == .minGroups && problem.targetSaving == nil {
            throw InputError(file: instance, record: "instance", field: "target",
                             message: "min-groups needs a target (--target-saving or --target-fraction)")
        }
        let areas = try reports.loadAreas(problem: problem)
        Interrupt.install()
        let printer = ProgressPrinter.make(forced: progress)
        var options = SolveOptions()
        options.timeLimit = timeLimit
        options.relativeGap = gap
        options.enumerationLimit = enumerationLimit
        options.shouldStop = { Interrupt.wasRequested }
        if let printer { options.progress = { printer.report($0) } }
        let plan = ExactSolver(problem: problem, options: options).solve()
        printer?.finish()
        let json = JSONWriter.write(plan.jsonValue(problem: problem)) + "\n"
        if let output { try InstanceLoader.writeAtomically(json, to: output) }
        try reports.write(plan, problem: problem, instance: source, areas: areas)
        switch format {
        case .json: print(json, terminator: "")
        case .table: print(PlanTable.render(plan, problem: problem), terminator: "")
        case .csv: print(PlanCSV.render(plan, problem: problem), terminator: "")
        }
        if Interrupt.wasRequested { printError("interrupted: the best plan found so far was reported (status \(plan.status.rawValue))") }
        switch plan.status {
        case .optimal, .feasible: return
        case .infeasible:
            var message = "infeasible: no plan meets every rule"
            if let target = plan.targetSaving, let reachable = plan.maxReachableSaving {
                message = "infeasible: the target is \(PlanTable.gbp(target)) but the largest reachable saving is \(PlanTable.gbp(reachable))"
            }
            printError(message)
            throw ExitWith(code: Exit.infeasible)
        case .noSolution:
            printError("no plan found within the limits")
            throw ExitWith(code: Exit.noPlan)
        }
    }

    /// An OR-Library p-median, UFL or capacitated p-median file: hubs and assignments.
    func solveLocation() throws {
        if reports.geojson != nil || reports.html != nil {
            throw ValidationError("--geojson and --html draw council plans; OR-Library answers are JSON, CSV or a table")
        }
        let problem = try ORLibrary.read(instance, format: location.inputFormat, cpmpDistance: location.cpmpDistance)
        Interrupt.install()
        let solution = LocationRun.solve(problem, formulation: location.formulation, timeLimit: timeLimit, gap: gap,
                                         printer: ProgressPrinter.make(forced: progress))
        let json = JSONWriter.write(solution.jsonValue(problem: problem)) + "\n"
        if let output { try InstanceLoader.writeAtomically(json, to: output) }
        switch format {
        case .json: print(json, terminator: "")
        case .table: print(solution.table(problem: problem), terminator: "")
        case .csv: print(solution.csv(problem: problem), terminator: "")
        }
        switch solution.status {
        case .optimal, .feasible: return
        case .infeasible:
            printError("infeasible: no assignment meets every rule")
            throw ExitWith(code: Exit.infeasible)
        case .noSolution:
            printError("no solution found within the limits")
            throw ExitWith(code: Exit.noPlan)
        }
    }
}
