// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare
import Foundation

extension Bench {
    /// Solves faster than this (seconds) are repeated ...
    var repeatBelow: Double { 0.1 }
    /// ... until this much time has been spent on them, and their mean is reported.
    var repeatFor: Double { 0.25 }

    /// One row per instance and formulation: the OR-Library families against
    /// their published optima, every solution re-checked independently.
    func runLocation() throws {
        let published = try optima.map { try PublishedOptima.load($0) }
        let kind: ORLibrary.Format = family == .pmed ? .pmed : family == .ufl ? .ufl : .cpmp
        let formulations: [LocationFormulation] = formulation == .both ? [.textbook, .strong] : formulation == .strong ? [.strong] : [.textbook]
        let header = ["instance", "n", "p_or_facilities", "formulation", "objective", "best_bound", "published", "gap_to_published",
                      "status", "seconds", "runs", "nodes", "rounds", "rows", "columns", "speedup", "check"]
        var rows: [[String]] = []
        var failures: [String] = []
        let terminal = isatty(STDERR_FILENO) == 1
        // CSV rows are printed as each instance finishes, so a long run can be followed.
        if format == .csv { print(CSVLine.join(header)); fflush(stdout) }
        for path in files {
            if Interrupt.wasRequested { break }
            let problem = try ORLibrary.read(path, format: kind, cpmpDistance: cpmpDistance)
            let reference = published?.value(for: problem.name)
            var textbookSeconds: (Double, Bool)?
            for choice in formulations {
                if Interrupt.wasRequested { break }
                var solution = LocationRun.solve(problem, formulation: choice, timeLimit: timeLimit, gap: 1e-6,
                                                 printer: ProgressPrinter.make(forced: false))
                // A solve of a few milliseconds is timed again and again (same
                // answer: the solvers are deterministic) and its mean reported, so
                // that timer noise and one-off costs do not decide the ratio.
                var runs = 1
                if solution.seconds < repeatBelow && (solution.status == .optimal || solution.status == .infeasible) {
                    var total = solution.seconds
                    while total < repeatFor && runs < 1000 && !Interrupt.wasRequested {
                        total += LocationRun.solve(problem, formulation: choice, timeLimit: timeLimit, gap: 1e-6,
                                                   printer: nil).seconds
                        runs += 1
                    }
                    solution.seconds = total / Double(runs)
                }
                var check = "-"
                if let objective = solution.objective {
                    let verdict = problem.check(open: solution.open, assignment: solution.assignment)
                    if let violation = verdict.violation {
                        check = "FAILED: \(violation)"
                    } else if abs(verdict.cost - objective) > 1e-6 * max(1, abs(objective)) {
                        check = "FAILED: re-scored \(verdict.cost)"
                    } else {
                        check = "ok"
                    }
                }
                var gapText = ""
                if let reference, let objective = solution.objective {
                    gapText = PlanTable.fixed((objective - reference) / max(1e-9, abs(reference)) * 100, 4) + "%"
                    if solution.status == .optimal && !PublishedOptima.matches(objective, reference) { check = "MISMATCH with published" }
                    if let bound = solution.bound, bound > reference + max(1e-2, 1e-8 * abs(reference)) { check = "MISMATCH: bound above published" }
                }
                if check != "ok" && check != "-" { failures.append("\(problem.name) \(choice.rawValue): \(check)") }
                var speedup = ""
                if choice == .textbook { textbookSeconds = (solution.seconds, solution.status == .optimal) }
                if choice == .strong, let (seconds, finished) = textbookSeconds {
                    // A run stopped by the limit only bounds the ratio; neither finishing, no ratio.
                    let proved = solution.status == .optimal
                    let mark = finished ? (proved ? "" : "<") : (proved ? ">" : nil)
                    speedup = mark.map { $0 + PlanTable.fixed(seconds / max(solution.seconds, 1e-9), 1) + "x" } ?? "-"
                }
                let row = [
                    problem.name, "\(problem.clientCount)", "\(problem.p ?? problem.hubCount)", choice.rawValue,
                    solution.objective.map(LocationSolution.format) ?? "", solution.bound.map(LocationSolution.format) ?? "",
                    reference.map(LocationSolution.format) ?? "", gapText, solution.status.rawValue,
                    PlanTable.fixed(solution.seconds, solution.seconds < 0.1 ? 4 : 2), "\(runs)",
                    "\(solution.nodes)", "\(solution.rounds)", "\(solution.rows)", "\(solution.columns)", speedup, check,
                ]
                rows.append(row)
                if format == .csv { print(CSVLine.join(row)); fflush(stdout) }
                if terminal { FileHandle.standardError.write(Data((row.joined(separator: "  ") + "\n").utf8)) }
            }
        }
        if format != .csv { emit(header: header, rows: rows) }
        if !failures.isEmpty {
            printError("\(failures.count) failure(s):\n" + failures.joined(separator: "\n"))
            throw ExitWith(code: Exit.internalError)
        }
    }
}
