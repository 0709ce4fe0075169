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

    /// The OR-Library format of `path`, or nil for a council instance.
    func format(of path: String) throws -> ORLibrary.Format? {
        if let inputFormat { return inputFormat }
        var isDirectory: ObjCBool = false
        if path.lowercased().hasSuffix(".json") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            return nil
        }
        return try ORLibrary.detect(path)
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
