// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: `solve` and `bench` on OR-Library files, and `solve --scenario`.
import Foundation
import Testing
@testable import CouncilShare

@Suite struct LocationCLITests {
    @Test func solveDetectsAPMedianFileAndWritesHubsAndAssignments() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 4-vertex path 1-2-3-4 with p = 2; the last of the repeated edges 3-4 counts (cost 1).
        let file = folder.appendingPathComponent("path4.txt")
        try " 4 4 2\r\n 1 2 1\r\n 2 3 5\r\n 3 4 9\r\n 3 4 1\r\n".write(to: file, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("answer.json").path
        let run = try CLI.run(["solve", file.path, "--format", "json", "--output", output])
        #expect(run.code == 0, "\(run)")
        let json = try JSONParser.parse(try String(contentsOfFile: output, encoding: .utf8))
        guard case .object(let fields) = json.value else { Issue.record("not an object"); return }
        let values = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value.value) })
        #expect(values["status"] == .string("optimal"))
        #expect(values["objective"] == .number(2), "open {1 or 2} and {3 or 4}: two clients at distance 1")
        #expect(values["family"] == .string("pmed"))
        if case .array(let hubs) = values["hubs"] { #expect(hubs.count == 2) } else { Issue.record("no hubs") }
        if case .array(let rows) = values["assignment"] { #expect(rows.count == 4) } else { Issue.record("no assignment") }
        #expect(run.out == (try String(contentsOfFile: output, encoding: .utf8)), "stdout and --output carry the same JSON")
    }

    @Test func malformedORLibraryFileExitsTwoNamingTheLine() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.txt")
        try "3 2 1\n1 2 5\n1 three 4\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try CLI.run(["solve", file.path, "--input-format", "pmed"])
        #expect(run.code == 2, "\(run)")
        #expect(run.err.contains("bad.txt:3"), "\(run.err)")
    }

    @Test func benchComparesWithPublishedOptima() throws {
        guard let cap71 = ORLib.path("ufl/cap71.txt"), let optima = ORLib.path("optima.csv") else {
            print("skipped: ../shared/benchmarks/orlib not found"); return
        }
        let run = try CLI.run(["bench", "ufl", cap71, "--optima", optima, "--formulation", "both", "--format", "csv"])
        #expect(run.code == 0, "\(run)")
        let lines = run.out.split(separator: "\n")
        #expect(lines.count == 3, "a header and one row per formulation")
        #expect(lines.dropFirst().allSatisfy { $0.contains(",optimal,") && $0.hasSuffix(",ok") }, "\(run.out)")
        #expect(lines.dropFirst().allSatisfy { $0.contains("932615.750") })
        // cap71 solves in milliseconds: timed repeatedly, with the mean and the count reported.
        let header = lines[0].split(separator: ",").map(String.init)
        let runs = try #require(header.firstIndex(of: "runs"))
        let seconds = try #require(header.firstIndex(of: "seconds"))
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect((Int(cells[runs]) ?? 0) > 1, "\(line)")
            #expect((Double(cells[seconds]) ?? 1) < 0.1, "\(line)")
        }
    }

    @Test func scenarioOverlayChangesTheTarget() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scenario = folder.appendingPathComponent("tight.yaml")
        try "# an unreachable target\ntarget: {min_saving: 1.0e12}\n".write(to: scenario, atomically: true, encoding: .utf8)
        let run = try CLI.run(["solve", CLI.lancashire, "--scenario", scenario.path])
        #expect(run.code == 3, "the target cannot be met: proven infeasible\n\(run)")
        #expect(run.err.contains("largest reachable saving"))
        let missing = try CLI.run(["solve", CLI.lancashire, "--scenario", folder.appendingPathComponent("none.yaml").path])
        #expect(missing.code == 2)
    }
}
