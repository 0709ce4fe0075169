// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare
import Foundation

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the engine on benchmark instances (one row per instance).",
        discussion: """
            Family `generated`: synthetic instances from `councilshare generate`, one per size in \
            --councils. Reports I/O (write, read and validate the JSON), model build, solve time, \
            status, saving, bound and gap. Families `pmed`, `ufl`, `cpmp`: the OR-Library files given \
            as FILES, each solved with --formulation (strong, textbook or both) and compared with the \
            published optimum from --optima. Exit code 1 if a solution fails its independent check or \
            an optimal value differs from the published one. Timings are measurements, not tests.
            """)

    enum Family: String, ExpressibleByArgument, CaseIterable { case generated, pmed, ufl, cpmp }
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }
    enum FormulationChoice: String, ExpressibleByArgument, CaseIterable { case strong, textbook, both }

    @Argument(help: "Benchmark family: generated, pmed, ufl or cpmp.") var family: Family
    @Argument(help: "OR-Library files (pmed, ufl, cpmp families).") var files: [String] = []
    @Option(help: "CSV of published optima (columns instance, optimal_value).") var optima: String?
    @Option(help: "strong, textbook or both (OR-Library families).") var formulation: FormulationChoice = .strong
    @Option(name: .customLong("cpmp-distance"), help: "cpmp distances: floor or real (default: real for SJC files, else floor).")
    var cpmpDistance: ORLibrary.CPMPDistance?
    @Option(help: "Comma-separated council counts.") var councils: String = "50,100,200,317"
    @Option(help: "Services per instance.") var services: Int = 4
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(name: .customLong("time-limit"), help: "Seconds per instance.") var timeLimit: Double = 60
    @Option(help: "table, csv or json.") var format: Format = .table

    func validate() throws {
        let sizes = councils.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        if sizes.isEmpty || sizes.contains(where: { $0 == nil || !(2...5000).contains($0!) }) {
            throw ValidationError("--councils must be a comma-separated list of numbers from 2 to 5000")
        }
        if !(timeLimit.isFinite && timeLimit > 0) { throw ValidationError("--time-limit must be positive") }
        if family == .generated && !files.isEmpty { throw ValidationError("family generated takes no files (use --councils)") }
        if family != .generated && files.isEmpty { throw ValidationError("give the \(family.rawValue) files to run") }
    }

    func run() throws {
        Interrupt.install()
        if family != .generated { return try runLocation() }
        let sizes = councils.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let header = ["instance", "councils", "services", "io_s", "build_s", "solve_s", "status", "saving", "bound", "gap", "groups", "columns", "nodes"]
        var rows: [[String]] = []
        let printer = ProgressPrinter.make(forced: false)
        for size in sizes {
            if Interrupt.wasRequested { break }
            let instance = InstanceGenerator(councils: size, services: services, seed: seed).generate()
            let folder = FileManager.default.temporaryDirectory.path
            let path = folder + "/councilshare-bench-\(size)-\(getpid()).json"
            let io = Stopwatch()
            try InstanceLoader.writeAtomically(JSONWriter.write(instance.jsonValue) + "\n", to: path)
            let (_, problem) = try InstanceLoader.load(path)
            let ioSeconds = io.seconds
            try? FileManager.default.removeItem(atPath: path)
            var options = SolveOptions()
            options.timeLimit = timeLimit
            options.shouldStop = { Interrupt.wasRequested }
            if let printer { options.progress = { printer.report($0) } }
            let plan = ExactSolver(problem: problem, options: options).solve()
            printer?.finish()
            let stats = plan.statistics
            rows.append([
                instance.name, "\(size)", "\(services)", PlanTable.fixed(ioSeconds, 3), PlanTable.fixed(stats.buildSeconds, 3),
                PlanTable.fixed(stats.seconds, 2), plan.status.rawValue, PlanTable.fixed(plan.totalSaving, 0),
                plan.bound.map { PlanTable.fixed($0, 0) } ?? "", plan.relativeGap.map { PlanTable.fixed($0 * 100, 4) + "%" } ?? "",
                "\(plan.groupCount)", "\(stats.columns)", "\(stats.branchNodes)",
            ])
            if format == .table, let last = rows.last { FileHandle.standardError.write(Data((last.joined(separator: "  ") + "\n").utf8)) }
        }
        emit(header: header, rows: rows)
    }

    /// Prints the rows as a table, CSV or JSON.
    func emit(header: [String], rows: [[String]]) {
        switch format {
        case .csv:
            print(([header] + rows).map(CSVLine.join).joined(separator: "\n"))
        case .json:
            let items: [JSONValue] = rows.map { row in .obj(zip(header, row).map { ($0, .string($1)) }) }
            print(JSONWriter.write(.arr(items)))
        case .table:
            let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
            for row in [header] + rows {
                print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
        }
    }
}

/// One CSV line, quoting fields that hold a comma, a quote or a line break.
enum CSVLine {
    static func join(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }
}
