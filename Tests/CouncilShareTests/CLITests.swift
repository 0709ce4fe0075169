// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end: the built `councilshare` binary, its files and its exit codes
// (0 plan / valid, 1 internal error, 2 invalid input or usage, 3 infeasible,
// 4 no plan within limits, 5 check found a broken rule).
import Foundation
import Testing
@testable import CouncilShare

enum CLI {
    /// The repository root (this file is Tests/CouncilShareTests/CLITests.swift).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let lancashire = root.appendingPathComponent("instances/lancashire-2025.json").path

    /// The executable sits in the build products folder, next to the test
    /// bundle (Linux: next to the `.xctest` executable; macOS: next to the
    /// `.xctest` bundle), whatever the scratch path.
    static let binary: URL? = {
        var folders: [URL] = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        return folders.map { $0.appendingPathComponent("councilshare") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Run: CustomStringConvertible {
        var code: Int32
        var out: String
        var err: String
        var description: String { "exit \(code)\nstdout:\n\(out)\nstderr:\n\(err)" }
    }

    /// A fresh temporary folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("councilshare-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs the binary from the repository root; output goes through files, so
    /// a large plan cannot fill a pipe.
    static func run(_ arguments: [String]) throws -> Run {
        let executable = try #require(binary, "councilshare not found next to the test bundle \(Bundle.main.bundleURL.path)")
        let scratch = try folder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(code: process.terminationStatus,
                   out: try String(contentsOf: outURL, encoding: .utf8),
                   err: try String(contentsOf: errURL, encoding: .utf8))
    }

    /// One solve of the Lancashire instance shared by the tests that read a plan
    /// (`--format json` on stdout and `--output` to a file).
    static let solved: Result<(run: Run, file: String, folder: URL), Error> = Result {
        let shared = try CLI.folder()
        let path = shared.appendingPathComponent("plan.json").path
        let solve = try CLI.run(["solve", "instances/lancashire-2025.json", "--format", "json", "--output", path])
        return (solve, try String(contentsOfFile: path, encoding: .utf8), shared)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func text(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
    }
}

@Suite("Command line, end to end")
struct CLITests {
    @Test("the binary is found next to the test bundle")
    func binaryFound() throws {
        let binary = try #require(CLI.binary)
        #expect(binary.lastPathComponent == "councilshare")
    }

    @Test("solve --output writes a plan that check accepts")
    func solveThenCheck() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = folder.appendingPathComponent("tmp.json").path
        let solve = try CLI.run(["solve", "instances/lancashire-2025.json", "--output", plan])
        #expect(solve.code == 0, "\(solve)")
        #expect(solve.out.contains("Total saving"), "the table is printed by default")
        #expect(FileManager.default.fileExists(atPath: plan))
        let check = try CLI.run(["check", "instances/lancashire-2025.json", plan])
        #expect(check.code == 0, "\(check)")
        #expect(check.out.hasPrefix("valid"))
    }

    @Test("--format json prints the MODEL.md §5 plan, the same as --output")
    func jsonFormat() throws {
        let (run, file, _) = try CLI.solved.get()
        #expect(run.code == 0, "\(run)")
        #expect(run.out == file, "stdout and the --output file differ")
        // The library's parser and Foundation's both accept it.
        _ = try JSONParser.parse(run.out)
        let plan = try CLI.object(run.out)
        #expect(plan["instance"] as? String == "lancashire-2025")
        #expect(["optimal", "feasible"].contains(plan["status"] as? String ?? ""))
        #expect(plan["objective"] as? String == "max_saving")
        let total = try #require(plan["total_saving"] as? Double)
        #expect(plan.keys.contains("bound"))
        #expect(plan["bound"] is Double || plan["bound"] is NSNull)
        if let bound = plan["bound"] as? Double { #expect(bound >= total - 0.01) }
        let services = try #require(plan["services"] as? [[String: Any]])
        let instance = try InstanceLoader.load(CLI.lancashire).0
        #expect(services.compactMap { $0["id"] as? String } == instance.services.map(\.id))
        var sum = 0.0, groupCount = 0
        for service in services {
            let groups = try #require(service["groups"] as? [[String: Any]])
            for group in groups {
                let host = try #require(group["host"] as? String)
                let members = try #require(group["members"] as? [String])
                #expect(members.contains(host), "members include the host")
                #expect(members.count >= 2)
                sum += try #require(group["saving"] as? Double)
                groupCount += 1
            }
        }
        #expect(groupCount >= 1)
        #expect(abs(sum - total) <= 0.01 * Double(groupCount) + 0.01)
    }

    @Test("a missing instance file exits 2 and names the path")
    func missingFile() throws {
        let path = "/nonexistent-\(UUID().uuidString)/instance.json"
        let run = try CLI.run(["solve", path])
        #expect(run.code == 2, "\(run)")
        #expect(run.err.contains(path), "\(run)")
    }

    @Test("a malformed instance exits 2 naming the file, record and field")
    func malformedInstance() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bad.json").path
        let text = TinyJSON.text(councils: TinyJSON.replacing(TinyJSON.councils, 0, "53.0", "\"53.0\""))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["solve", path])
        #expect(run.code == 2, "\(run)")
        #expect(run.err.contains(path))
        #expect(run.err.contains("councils[0] (A)"))
        #expect(run.err.contains("\"lat\""))
        #expect(run.out.isEmpty)
    }

    @Test("an unreachable target exits 3 and states the largest reachable saving")
    func unreachableTarget() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("infeasible.json").path
        let run = try CLI.run(["solve", "instances/lancashire-2025.json", "--target-saving", "1e12", "--output", path])
        #expect(run.code == 3, "\(run)")
        #expect(run.err.contains("largest reachable saving"), "\(run)")
        let plan = try CLI.object(try String(contentsOfFile: path, encoding: .utf8))
        #expect(plan["status"] as? String == "infeasible")
        let reachable = try #require(plan["max_reachable_saving"] as? Double)
        // The largest reachable saving is the max_saving optimum without the target.
        let (_, problem) = try InstanceLoader.load(CLI.lancashire)
        let optimum = ExactSolver(problem: problem).solve()
        #expect(optimum.status == .optimal)
        #expect(abs(reachable - optimum.totalSaving) <= 0.01)
        #expect(reachable < 1e12)
    }

    struct Tampering: Sendable, CustomTestStringConvertible {
        var label: String
        var rule: String
        var testDescription: String { label }
    }

    @Test("check of a tampered plan exits 5 and names the rule", arguments: [
        Tampering(label: "a group listed twice puts its councils in two groups", rule: "one_group_per_service"),
        Tampering(label: "a group's saving changed", rule: "saving"),
        Tampering(label: "the total saving changed", rule: "total_saving"),
        Tampering(label: "a host that is not a member", rule: "host_is_member"),
        Tampering(label: "a council that is not in the instance", rule: "unknown_council"),
    ])
    func tamperedPlan(_ tampering: Tampering) throws {
        let (_, file, _) = try CLI.solved.get()
        var plan = try CLI.object(file)
        var services = try #require(plan["services"] as? [[String: Any]])
        let index = try #require(services.firstIndex { ($0["groups"] as? [Any])?.isEmpty == false })
        var groups = try #require(services[index]["groups"] as? [[String: Any]])
        switch tampering.rule {
        case "one_group_per_service": groups.append(groups[0])
        case "saving": groups[0]["saving"] = (groups[0]["saving"] as! Double) + 1000
        case "total_saving": plan["total_saving"] = (plan["total_saving"] as! Double) + 1000
        case "host_is_member":
            let members = groups[0]["members"] as! [String]
            let outsider = try #require(try InstanceLoader.load(CLI.lancashire).0.councils.map(\.id).first { !members.contains($0) })
            groups[0]["host"] = outsider
        default:
            groups[0]["members"] = (groups[0]["members"] as! [String]) + ["E99999999"]
        }
        services[index]["groups"] = groups
        plan["services"] = services
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tampered.json").path
        try CLI.text(plan).write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["check", "instances/lancashire-2025.json", path])
        #expect(run.code == 5, "\(run)")
        #expect(run.out.contains("INVALID"))
        #expect(run.out.contains("\(tampering.rule):"), "\(run)")
    }

    @Test("the untouched plan, re-serialised by another program, still checks")
    func reserialisedPlanChecks() throws {
        let (_, file, _) = try CLI.solved.get()
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("same.json").path
        try CLI.text(try CLI.object(file)).write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["check", "instances/lancashire-2025.json", path])
        #expect(run.code == 0, "\(run)")
    }

    @Test("export --lp writes a model to maximise; --mps writes MPS minimising the negated saving")
    func export() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lp = folder.appendingPathComponent("model.lp").path
        let run = try CLI.run(["export", "instances/lancashire-2025.json", "--lp", lp])
        #expect(run.code == 0, "\(run)")
        let model = try String(contentsOfFile: lp, encoding: .utf8)
        #expect(model.lowercased().contains("maximize"))
        #expect(model.lowercased().contains("subject to"))
        let mps = folder.appendingPathComponent("model.mps").path
        let runMPS = try CLI.run(["export", "instances/lancashire-2025.json", "--mps", mps])
        #expect(runMPS.code == 0, "\(runMPS)")
        let text = try String(contentsOfFile: mps, encoding: .utf8)
        #expect(text.contains("ROWS"))
        #expect(text.contains("COLUMNS"))
        // MPS has no sense and readers minimise: every group's objective
        // coefficient (row R0000000) is minus its saving, so negative.
        var coefficients: [Double] = []
        for line in text.split(separator: "\n") where line.hasPrefix(" join_") {
            let fields = line.split(separator: " ")
            for index in stride(from: 1, to: fields.count - 1, by: 2) where fields[index] == "R0000000" {
                coefficients.append(Double(fields[index + 1]) ?? .nan)
            }
        }
        #expect(!coefficients.isEmpty)
        #expect(coefficients.allSatisfy { $0 < 0 }, "\(coefficients.filter { !($0 < 0) })")
    }

    @Test("generate is deterministic for a seed and writes a valid instance")
    func generate() throws {
        let first = try CLI.run(["generate", "--councils", "12", "--services", "2", "--seed", "7"])
        let second = try CLI.run(["generate", "--councils", "12", "--services", "2", "--seed", "7"])
        let other = try CLI.run(["generate", "--councils", "12", "--services", "2", "--seed", "8"])
        #expect(first.code == 0, "\(first)")
        #expect(first.out == second.out)
        #expect(first.out != other.out)
        let instance = try Instance.from(json: first.out, file: "generated")
        #expect(instance.councils.count == 12)
        #expect(instance.services.count == 2)
        _ = try Problem(instance: instance, file: "generated")
        // The library generator gives the same instance.
        #expect(instance == InstanceGenerator(councils: 12, services: 2, seed: 7).generate())
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("generated.json").path
        let written = try CLI.run(["generate", "--councils", "12", "--services", "2", "--seed", "7", "--output", path])
        #expect(written.code == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == first.out)
    }

    @Test("bad usage exits 2", arguments: [
        ["solve", "instances/lancashire-2025.json", "--target-saving", "1000", "--target-fraction", "0.01"],
        ["solve", "instances/lancashire-2025.json", "--target-fraction", "1.5"],
        ["solve", "instances/lancashire-2025.json", "--gap", "2"],
        ["solve", "instances/lancashire-2025.json", "--objective", "fewest"],
        ["solve"],
        ["frobnicate"],
        ["export", "instances/lancashire-2025.json"],
        ["generate", "--councils", "1"],
        ["check", "instances/lancashire-2025.json", "/nonexistent-plan.json"],
    ])
    func badUsage(_ arguments: [String]) throws {
        let run = try CLI.run(arguments)
        #expect(run.code == 2, "\(run)")
        #expect(!run.err.isEmpty)
    }

    @Test("min-groups without any target exits 2 naming the target")
    func minGroupsWithoutTarget() throws {
        let folder = try CLI.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tiny.json").path
        try TinyJSON.text().write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["solve", path, "--objective", "min-groups"])
        #expect(run.code == 2, "\(run)")
        #expect(run.err.contains("target"))
        #expect(run.err.contains(path))
        let withTarget = try CLI.run(["solve", path, "--objective", "min-groups", "--target-saving", "0", "--format", "json"])
        #expect(withTarget.code == 0, "\(withTarget)")
        let plan = try CLI.object(withTarget.out)
        #expect(plan["objective"] as? String == "min_groups")
        #expect(plan["groups"] as? Double == 0, "a target of 0 needs no group")
    }
}
