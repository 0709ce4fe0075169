// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a folder of tables (CSV and scenario YAML), validate it and write it as one instance JSON.",
        discussion: "Exit codes: 0 written, 2 invalid input (the message names the file, line and column).")

    @Argument(help: "The folder of tables (councils.csv, services.csv, spend.csv, ...), or an instance JSON.")
    var instance: String

    @Option(help: "Lay this scenario YAML over the instance before writing it.")
    var scenario: String?

    @Option(help: "Write the instance JSON to this file, atomically (default: standard output).")
    var output: String?

    func run() throws {
        var read = try InstanceLoader.read(instance)
        if let scenario { try Scenario.load(scenario).apply(to: &read) }
        _ = try Problem(instance: read, file: instance)
        let json = JSONWriter.write(read.jsonValue) + "\n"
        if let output {
            try InstanceLoader.writeAtomically(json, to: output)
            print("wrote \(output): \(read.councils.count) councils, \(read.services.count) services, \(read.spend.count) spend rows")
        } else {
            print(json, terminator: "")
        }
    }
}
