// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import CouncilShare

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic instance shaped like English local government.")

    @Option(help: "Number of councils.") var councils: Int
    @Option(help: "Number of services.") var services: Int = 4
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(name: .customLong("target-fraction"), help: "Add a target: this fraction of controllable spend.")
    var targetFraction: Double?
    @Option(help: "Write here (atomically) instead of standard output.") var output: String?

    func validate() throws {
        guard (2...5000).contains(councils) else { throw ValidationError("--councils must be from 2 to 5000") }
        guard (1...64).contains(services) else { throw ValidationError("--services must be from 1 to 64") }
        if let value = targetFraction, !(value.isFinite && value >= 0 && value <= 1) {
            throw ValidationError("--target-fraction must be in [0, 1]")
        }
    }

    func run() throws {
        var instance = InstanceGenerator(councils: councils, services: services, seed: seed).generate()
        if let targetFraction { instance.target = .minSavingFraction(targetFraction) }
        let text = JSONWriter.write(instance.jsonValue) + "\n"
        if let output { try InstanceLoader.writeAtomically(text, to: output) } else { print(text, terminator: "") }
    }
}
