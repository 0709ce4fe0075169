// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare
import Foundation

extension ORLibrary.Format: ExpressibleByArgument {}
extension ORLibrary.CPMPDistance: ExpressibleByArgument {}
extension LocationFormulation: ExpressibleByArgument {}

/// Options for the classic benchmark files (p-median, UFL, capacitated p-median).
struct LocationInputOptions: ParsableArguments {
    @Option(name: .customLong("input-format"), help: "Read INSTANCE as an OR-Library file: pmed, ufl or cpmp (default: detected; .json files and folders are council instances).")
    var inputFormat: ORLibrary.Format?

    @Option(name: .customLong("cpmp-distance"), help: "Capacitated p-median distances: floor (Osman-Christofides) or real (SJC); default by file name.")
    var cpmpDistance: ORLibrary.CPMPDistance?

    @Option(help: "Formulation for OR-Library files: strong or textbook.")
    var formulation: LocationFormulation = .strong

    /// Whether `path` is an OR-Library file rather than a council instance
    /// (a `.json` file or a folder of tables), unless `--input-format` says so.
    func isORLibrary(_ path: String) -> Bool {
        if inputFormat != nil { return true }
        var isDirectory: ObjCBool = false
        let isFolder = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        return !(path.lowercased().hasSuffix(".json") || isFolder)
    }
}

/// Solves one OR-Library file for `solve` and `bench`, with progress on stderr.
enum LocationRun {
    static func solve(_ problem: LocationProblem, formulation: LocationFormulation, timeLimit: Double?, gap: Double,
                      printer: ProgressPrinter?) -> LocationSolution {
        var options = LocationOptions()
        options.formulation = formulation
        options.timeLimit = timeLimit
        options.relativeGap = gap
        options.shouldStop = { Interrupt.wasRequested }
        if let printer {
            let clock = Stopwatch()
            let name = problem.name
            options.progress = { stage, incumbent, bound in
                let elapsed = clock.seconds
                guard printer.isDue(at: elapsed) else { return }
                var text = "[\(PlanTable.fixed(elapsed, 1)) s] \(name) \(stage)"
                if let incumbent, incumbent.isFinite { text += " | best \(LocationSolution.format(incumbent))" }
                if let bound, bound.isFinite { text += " | bound \(LocationSolution.format(bound))" }
                printer.write(text)
            }
        }
        let solution = LocationSolver(problem: problem, options: options).solve()
        printer?.finish()
        return solution
    }
}
