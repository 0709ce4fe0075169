// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: `councilshare frontier` and the what-if options of `frontier` and `solve`.
import Foundation
import Testing
@testable import CouncilShare

@Suite("Command line: frontier and what-ifs")
struct FrontierCLITests {
    /// A small generated instance with a region per council, written to `folder`.
    static func writeInstance(in folder: URL) throws -> (path: String, instance: Instance) {
        var instance = InstanceGenerator(councils: 12, services: 2, seed: 5).generate()
        for index in instance.councils.indices { instance.councils[index].region = index % 3 == 2 ? "Yorkshire" : "North West" }
        let path = folder.appendingPathComponent("instance.json").path
        try InstanceLoader.writeAtomically(JSONWriter.write(instance.jsonValue) + "\n", to: path)
        return (path, instance)
    }

    /// The CSV's rows as fields, after checking the header.
    static func rows(_ csv: String) throws -> [[String]] {
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "k,saving,bound,gap,status,groups,seconds")
        #expect(lines.last == "", "the CSV ends with a newline")
        lines = Array(lines.dropFirst().dropLast())
        let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        for row in rows { #expect(row.count == 7, "\(row)") }
        return rows
    }

    @Test("frontier writes the CSV and the SVG chart; its points match the library's, with what-ifs")
    func frontierFiles() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, instance) = try Self.writeInstance(in: folder)
        let csvPath = folder.appendingPathComponent("frontier.csv").path
        let svgPath = folder.appendingPathComponent("frontier.svg").path
        let excluded = instance.councils[0]
        let run = try CLI.run(["frontier", path, "--points", "3", "--output", csvPath, "--svg", svgPath,
                               "--exclude", excluded.name, "--only-region", "north west", "--target-saving", "250000"])
        #expect(run.code == 0, "\(run)")
        #expect(run.out.isEmpty, "the CSV goes to the file only")
        let rows = try Self.rows(try String(contentsOfFile: csvPath, encoding: .utf8))

        // The same frontier in the library, on the same what-if instance.
        let changed = try WhatIf(excluded: [excluded.id], onlyRegion: "North West").apply(to: instance, file: path)
        #expect(changed.councils.count == 7)
        let frontier = ExactSolver(problem: try Problem(instance: changed, file: path)).frontier(points: 3)
        #expect(rows.map { $0[0] } == frontier.points.map { String($0.groupLimit) })
        #expect(rows.map { $0[4] } == frontier.points.map(\.plan.status.rawValue))
        for (row, point) in zip(rows, frontier.points) {
            let saving = try #require(Double(row[1]), "\(row)")
            #expect(sameMoney(saving, point.plan.totalSaving), "\(row)")
            #expect(Int(row[5]) == point.plan.groupCount)
            #expect(Int(row[5])! <= Int(row[0])!)
        }
        #expect(rows.count == min(3, frontier.maxGroups ?? 0), "\(rows)")

        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("target £250,000"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == rows.count + 2, "one marker per point plus the legend's two")
        #expect(!svg.contains("<script"))
    }

    @Test("frontier prints the CSV on standard output without --output")
    func frontierStdout() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, _) = try Self.writeInstance(in: folder)
        let run = try CLI.run(["frontier", path, "--points", "1", "--only-region", "Yorkshire"])
        #expect(run.code == 0, "\(run)")
        let rows = try Self.rows(run.out)
        #expect(rows.count == 1)
        #expect(rows.first?[4] == "optimal")
    }

    @Test("solve --exclude leaves the council out of the plan")
    func solveExclude() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (path, instance) = try Self.writeInstance(in: folder)
        let plain = try CLI.run(["solve", path, "--format", "json"])
        #expect(plain.code == 0, "\(plain)")
        // Leave out a council that the plain plan places in a group.
        let placed = try #require(instance.councils.first { plain.out.contains("\"\($0.id)\"") })
        let run = try CLI.run(["solve", path, "--format", "json", "--exclude", placed.id, "--max-distance", "30"])
        #expect(run.code == 0, "\(run)")
        #expect(!run.out.contains("\"\(placed.id)\""), "\(run)")
    }

    @Test("bad what-ifs and options exit 2 with a message naming them",
          arguments: [
              (["frontier", "instances/lancashire-2025.json", "--exclude", "Atlantis"], "Atlantis"),
              (["solve", "instances/lancashire-2025.json", "--exclude", "Nowhere Borough"], "Nowhere Borough"),
              (["frontier", "instances/lancashire-2025.json", "--only-region", "North West"], "no council of this instance has a region"),
              (["frontier", "instances/lancashire-2025.json", "--max-distance", "-5"], "--max-distance"),
              (["frontier", "instances/lancashire-2025.json", "--points", "0"], "--points"),
          ])
    func badInput(arguments: [String], expected: String) throws {
        let run = try CLI.run(arguments)
        #expect(run.code == 2, "\(run)")
        #expect(run.err.contains(expected), "\(run)")
        #expect(run.out.isEmpty)
    }
}
